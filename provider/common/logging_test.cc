#include "provider/common/logging.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace secureaml::log {
namespace {

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTest(
        [this](std::string_view line) { lines_.emplace_back(line); });
    SetLevel(Level::kTrace);
  }
  void TearDown() override {
    SetSinkForTest(nullptr);
    SetLevel(Level::kOff);
  }
  std::vector<std::string> lines_;
};

TEST_F(LoggingTest, RecordIsHclogJson) {
  Debug("sending request", {{"method", "PUT"}});
  ASSERT_EQ(lines_.size(), 1u);
  auto record = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(record["@level"], "debug");
  EXPECT_EQ(record["@message"], "sending request");
  EXPECT_EQ(record["method"], "PUT");
  // Exactly six fractional digits, as go-plugin's parser requires.
  std::string ts = record["@timestamp"];
  ASSERT_EQ(ts.size(), 27u) << ts;
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(LoggingTest, LevelFiltersRecords) {
  SetLevel(Level::kWarn);
  Debug("hidden");
  Warn("shown");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("shown"), std::string::npos);
}

TEST_F(LoggingTest, RegisteredSecretsAreRedactedEverywhere) {
  RegisterSecret("s3cr3t-value-123");
  Info("token s3cr3t-value-123 in message",
       {{"body", "{\"client_secret\":\"s3cr3t-value-123\"}"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find("s3cr3t-value-123"), std::string::npos);
  EXPECT_NE(lines_[0].find("[REDACTED]"), std::string::npos);
}

TEST_F(LoggingTest, ReservedKeysCannotBeOverridden) {
  Info("m", {{"@level", "error"}});
  auto record = nlohmann::json::parse(lines_.at(0));
  EXPECT_EQ(record["@level"], "info");
}

TEST(ParseLevelTest, KnownAndUnknownNames) {
  EXPECT_EQ(ParseLevel("DEBUG"), Level::kDebug);
  EXPECT_EQ(ParseLevel("json"), Level::kTrace);
  EXPECT_EQ(ParseLevel("off"), Level::kOff);
  EXPECT_EQ(ParseLevel(""), Level::kOff);
  EXPECT_EQ(ParseLevel("bogus"), Level::kTrace);
}

TEST(FormatRecordTest, HugeRecordsAreTruncatedBelowPipeBuffer) {
  std::string big(100 * 1024, 'x');
  std::string line = FormatRecord(Level::kTrace, "big", {{"body", big}});
  EXPECT_LT(line.size(), 64u * 1024);
  EXPECT_NO_THROW(nlohmann::json::parse(line));
}

}  // namespace
}  // namespace secureaml::log
