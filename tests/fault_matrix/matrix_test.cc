// The matrix as data: applicability, the rules each cell installs, the
// expected outcomes, and that the README states the number of cells the
// rows really cover.
#include "tests/fault_matrix/matrix.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fault_matrix/runner.h"

namespace secureaml::fault_matrix {
namespace {

using ::testing::HasSubstr;

const RowTraits kAsync{"secureaml_x", "Microsoft.X/things", true, true, true};
const RowTraits kSync{"secureaml_y", "Microsoft.Y/things", false, false, true};

int Count(const std::vector<Cell>& cells, Fault f) {
  return static_cast<int>(std::count_if(
      cells.begin(), cells.end(), [&](const Cell& c) { return c.fault == f; }));
}

TEST(Matrix, AsynchronousCreateHasEveryStep) {
  std::vector<Cell> cells = CellsFor(kAsync);
  // 7 faults x 3 steps, LRO Failed while polling, 409 on the write, and
  // out-of-band deletion before an update and before a destroy.
  EXPECT_EQ(cells.size(), 7u * 3 + 1 + 1 + 2);
  EXPECT_EQ(Count(cells, Fault::kThrottleStorm), 3);
  EXPECT_EQ(Count(cells, Fault::kLroFailed), 1);
  EXPECT_EQ(Count(cells, Fault::kConcurrentModification), 1);
  EXPECT_EQ(Count(cells, Fault::kOutOfBandDeletion), 2);
  EXPECT_EQ(Count(cells, Fault::kStopProvider), 3);
}

TEST(Matrix, SynchronousCreateHasNoPollOrFinalRead) {
  std::vector<Cell> cells = CellsFor(kSync);
  EXPECT_EQ(cells.size(), 7u + 0 + 1 + 2);
  for (const Cell& c : cells) EXPECT_EQ(c.step, Step::kBeforeWrite) << c.Name();
  std::string why;
  EXPECT_FALSE(Applicable(kSync, Fault::kLroFailed, Step::kPolling, &why));
  EXPECT_THAT(why, HasSubstr("synchronously"));
  EXPECT_FALSE(Applicable(kAsync, Fault::kLroFailed, Step::kFinalRead, &why));
  EXPECT_THAT(why, HasSubstr("polled"));
  RowTraits frozen = kSync;
  frozen.updatable = false;
  EXPECT_EQ(Count(CellsFor(frozen), Fault::kOutOfBandDeletion), 1);
}

TEST(Matrix, RulesTargetTheCellsStep) {
  Cell c{"secureaml_x", Fault::kThrottleStorm, Step::kBeforeWrite};
  nlohmann::json rules = FaultRules(c, "Microsoft.X/things");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0]["phase"], "initial");
  EXPECT_EQ(rules[0]["resource_type"], "Microsoft.X/things");
  EXPECT_EQ(rules[0]["status"], 429);
  EXPECT_EQ(rules[0]["count"], 3);

  c.step = Step::kPolling;
  EXPECT_EQ(FaultRules(c, "Microsoft.X/things")[0]["phase"], "poll");
  c.step = Step::kFinalRead;
  EXPECT_EQ(FaultRules(c, "Microsoft.X/things")[0]["phase"], "final_get");

  c.fault = Fault::kServerError;
  rules = FaultRules(c, "Microsoft.X/things");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["status"], 500);
  EXPECT_EQ(rules[1]["status"], 503);

  c.fault = Fault::kIdentityDown;
  rules = FaultRules(c, "Microsoft.X/things");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0]["kind"], "token_expired");
  EXPECT_EQ(rules[0]["identity_down"], true);
  EXPECT_EQ(rules[0]["phase"], "final_get");

  c.fault = Fault::kOutOfBandDeletion;
  EXPECT_TRUE(FaultRules(c, "Microsoft.X/things").empty());

  // Every other cell of every row has a trigger rule.
  for (const ResourceRow& row : AllRows()) {
    for (const Cell& cell : CellsFor(row.traits)) {
      if (cell.fault == Fault::kOutOfBandDeletion) continue;
      EXPECT_FALSE(FaultRules(cell, row.traits.write_type).empty())
          << cell.Name();
    }
  }
}

TEST(Matrix, ExpectedOutcomes) {
  Cell c{"secureaml_x", Fault::kSlowPastTimeout, Step::kBeforeWrite};
  Expectation e = ExpectationFor(c);
  EXPECT_FALSE(e.succeeds);
  EXPECT_THAT(e.diagnostic_contains, ::testing::Contains(HasSubstr("timeout")));
  EXPECT_EQ(TimeoutsFor(c)["create"], "3s");
  EXPECT_GT(kSlowAnswerMs, 3000);

  c.fault = Fault::kIdentityDown;
  EXPECT_EQ(ExpectationFor(c).remote, Expectation::Remote::kAbsent);
  EXPECT_EQ(TimeoutsFor(c)["create"], "5s");
  c.step = Step::kPolling;
  EXPECT_EQ(ExpectationFor(c).remote, Expectation::Remote::kExists);

  c.fault = Fault::kTokenExpiry;
  EXPECT_TRUE(ExpectationFor(c).succeeds);
  EXPECT_EQ(TimeoutsFor(c)["create"], "60s");

  c = {"secureaml_x", Fault::kOutOfBandDeletion, Step::kBeforeWrite,
       Operation::kDestroy};
  EXPECT_TRUE(ExpectationFor(c).succeeds);
  EXPECT_EQ(ExpectationFor(c).remote, Expectation::Remote::kAbsent);
}

TEST(Matrix, ReadmeStatesTheCellCount) {
  int cells = 0;
  for (const ResourceRow& row : AllRows()) cells += CellsFor(row.traits).size();
  std::ifstream in(SECUREAML_FAULT_MATRIX_README);
  ASSERT_TRUE(in.good()) << SECUREAML_FAULT_MATRIX_README;
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  std::string s = text.str();
  ASSERT_TRUE(std::regex_search(s, m, std::regex(R"(\*\*(\d+) cells\*\*)")))
      << "README must state '**N cells**'";
  EXPECT_EQ(std::stoi(m[1]), cells)
      << "update the count in " << SECUREAML_FAULT_MATRIX_README;
  for (const ResourceRow& row : AllRows()) {
    EXPECT_THAT(s, HasSubstr(absl::StrCat("`", row.traits.type_name, "`")))
        << "README lists every row";
  }
}

}  // namespace
}  // namespace secureaml::fault_matrix
