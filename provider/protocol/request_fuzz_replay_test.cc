// Replays the protocol request fuzz corpus through the fuzz target's own
// serving code on every build (no clang or libFuzzer needed), and checks the
// seed generator still produces requests the server can decode, so the
// corpus keeps starting the fuzzer deep inside planning and applying.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/protocol/request_fuzz.h"

namespace secureaml::protocol::fuzz {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::vector<Seed> FreshSeeds() {
  core::ProviderServer& server = FuzzServer();
  return MakeSeeds(server.GetProviderSchema(),
                   [&](const core::PlanResourceChangeRequest& req) {
                     return server.PlanResourceChange(req);
                   });
}

TEST(RequestFuzzReplayTest, CommittedCorpusParsesAndServes) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SECUREAML_PROTOCOL_FUZZ_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    ASSERT_FALSE(data.empty()) << entry.path();
    ++files;
    EXPECT_TRUE(ServeInput(data).parsed) << entry.path();
  }
  EXPECT_GE(files, kRpcCount);
}

TEST(RequestFuzzReplayTest, SeedsCoverEveryRpc) {
  std::set<int> covered;
  for (const Seed& seed : FreshSeeds()) {
    covered.insert(static_cast<uint8_t>(seed.bytes[0]));
  }
  EXPECT_EQ(covered.size(), static_cast<size_t>(kRpcCount));
}

TEST(RequestFuzzReplayTest, SeedsDecodeOnTheServer) {
  for (const Seed& seed : FreshSeeds()) {
    Outcome outcome = ServeInput(seed.bytes);
    EXPECT_TRUE(outcome.parsed) << seed.name;
    EXPECT_THAT(outcome.diagnostics,
                Not(Contains("Invalid value from Terraform")))
        << seed.name;
    EXPECT_THAT(outcome.diagnostics, Not(Contains("Unknown resource type")))
        << seed.name;
  }
}

TEST(RequestFuzzReplayTest, AppliesStopBeforeAzure) {
  // The fuzz server has no Azure client: every apply must end in this
  // diagnostic, never in a network call.
  int applies = 0;
  for (const Seed& seed : FreshSeeds()) {
    if (seed.name.find("apply_create") == std::string::npos) continue;
    ++applies;
    EXPECT_THAT(ServeInput(seed.bytes).diagnostics,
                Contains("Provider not configured"))
        << seed.name;
  }
  EXPECT_GT(applies, 0);
}

TEST(RequestFuzzReplayTest, HostileInputsDoNotCrash) {
  const std::string inputs[] = {
      std::string(1, static_cast<char>(FuzzRpc::kV6PlanResourceChange)) +
          std::string("\x0a\x04nope\x12\x03\x0a\x01\xc1", 11),
      std::string(1, static_cast<char>(FuzzRpc::kV5ApplyResourceChange)) +
          std::string(200, '\xff'),
      std::string(1, static_cast<char>(FuzzRpc::kV6UpgradeResourceState)) +
          std::string("\x1a\x05\x0a\x03{[\"", 8),
      std::string("\xff\x0a\x00", 3),
  };
  for (const std::string& input : inputs) ServeInput(input);
}

}  // namespace
}  // namespace secureaml::protocol::fuzz
