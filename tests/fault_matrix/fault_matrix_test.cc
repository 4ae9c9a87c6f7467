// The fault matrix of issue #9 against the ARM emulator: every resource type
// x every applicable (fault, step) cell, each an assertion of the outcome
// Terraform sees and of the state/Azure invariants (runner.h). Rows run in
// parallel (their own emulator and provider each), cells of a row in order.
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); skipped without them. SECUREAML_FAULT_MATRIX_FILTER selects cells
// whose name contains it; SECUREAML_FAULT_MATRIX_JOBS bounds the rows run
// at once (default: all); SECUREAML_FAULT_MATRIX_VERBOSE prints what
// each apply told Terraform.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fault_matrix/runner.h"

namespace secureaml::fault_matrix {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

TEST(FaultMatrix, EveryResourceTypeEveryFaultEveryStep) {
  Binaries bin{Env("SECUREAML_PROVIDER_BINARY"),
               Env("SECUREAML_EMULATOR_BINARY")};
  if (bin.provider.empty() || bin.emulator.empty()) {
    GTEST_SKIP() << "SECUREAML_PROVIDER_BINARY / SECUREAML_EMULATOR_BINARY "
                    "not set";
  }
  const std::string filter = Env("SECUREAML_FAULT_MATRIX_FILTER");
  const bool verbose = !Env("SECUREAML_FAULT_MATRIX_VERBOSE").empty();
  const std::vector<ResourceRow>& rows = AllRows();
  // Rows mostly wait (Retry-After, poll intervals): all at once by default.
  int jobs = std::atoi(Env("SECUREAML_FAULT_MATRIX_JOBS").c_str());
  if (jobs <= 0) jobs = static_cast<int>(rows.size());

  std::vector<std::vector<CellResult>> results(rows.size());
  std::mutex mu;
  size_t next = 0;
  absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      for (;;) {
        size_t i;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (next >= rows.size()) return;
          i = next++;
        }
        RowRunner runner(rows[i], bin);
        results[i] = runner.Run(filter);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  absl::Duration took = absl::Now() - start;

  int cells = 0, passed = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    int row_passed = 0;
    for (const CellResult& r : results[i]) {
      ++cells;
      bool ok = r.failures.empty();
      if (ok) ++passed, ++row_passed;
      std::printf("%s %-75s %6.1fs\n", ok ? "PASS" : "FAIL",
                  r.cell.Name().c_str(), absl::ToDoubleSeconds(r.took));
      if (verbose) std::printf("    %s\n", r.outcome.c_str());
      EXPECT_TRUE(ok) << r.cell.Name() << ":\n"
                      << absl::StrJoin(r.failures, "\n---\n");
    }
    std::printf("row %s: %d/%zu cells passed\n",
                rows[i].traits.type_name.c_str(), row_passed,
                results[i].size());
  }
  std::printf(
      "fault matrix: %d cells over %zu resource types, %d passed, %d failed, "
      "%.1fs\n",
      cells, rows.size(), passed, cells - passed, absl::ToDoubleSeconds(took));
  if (filter.empty()) {
    EXPECT_EQ(cells, [&] {
      int n = 0;
      for (const ResourceRow& r : rows) n += CellsFor(r.traits).size();
      return n;
    }()) << "every applicable cell must run";
  }
}

}  // namespace
}  // namespace secureaml::fault_matrix
