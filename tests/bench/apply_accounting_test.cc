#include "tests/bench/apply_accounting.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace secureaml::bench {
namespace {

using ::testing::ElementsAre;

TEST(ScenarioDependencies, FollowsResourceAndDataReferencesOnly) {
  auto scenario = conformance::ParseScenario(nlohmann::json::parse(R"({
    "resources": [
      {"data": true, "type": "t_req", "name": "r", "config": {}},
      {"type": "t_zone", "name": "z",
       "config": {"rg": "${landing_zone.resource_group_name}",
                  "x": "${env.HOME}"}},
      {"type": "t_ws", "name": "w",
       "config": {"ids": ["${t_zone.z.id}", "p-${data.t_req.r.name}-s"]}}
    ]})"));
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  DependencyGraph deps = ScenarioDependencies(*scenario);
  EXPECT_TRUE(deps["t_zone.z"].empty());
  EXPECT_THAT(deps["t_ws.w"], ElementsAre("data.t_req.r", "t_zone.z"));
  EXPECT_TRUE(deps["data.t_req.r"].empty());
}

TEST(LongestPath, PicksTheHeaviestChainNotTheLongest) {
  DependencyGraph deps = {
      {"a", {}}, {"b", {"a"}}, {"c", {"b"}}, {"heavy", {}}, {"d", {"heavy"}}};
  std::map<std::string, double> w = {
      {"a", 1}, {"b", 1}, {"c", 1}, {"heavy", 8}, {"d", 2}};
  auto cp = LongestPath(w, deps);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_DOUBLE_EQ(cp->seconds, 10);
  EXPECT_THAT(cp->path, ElementsAre("heavy", "d"));
}

TEST(LongestPath, JoinWaitsForTheSlowerBranch) {
  DependencyGraph deps = {
      {"fast", {}}, {"slow", {}}, {"join", {"fast", "slow"}}};
  auto cp = LongestPath({{"fast", 1}, {"slow", 5}, {"join", 2}}, deps);
  ASSERT_TRUE(cp.ok());
  EXPECT_DOUBLE_EQ(cp->seconds, 7);
  EXPECT_THAT(cp->path, ElementsAre("slow", "join"));
}

TEST(LongestPath, RejectsCyclesAndUnknownNodes) {
  EXPECT_FALSE(LongestPath({}, {{"a", {"b"}}, {"b", {"a"}}}).ok());
  EXPECT_FALSE(LongestPath({}, {{"a", {"missing"}}}).ok());
}

TEST(UnionSeconds, CountsOverlapsOnceAndGapsNotAtAll) {
  EXPECT_DOUBLE_EQ(UnionSeconds({}), 0);
  EXPECT_DOUBLE_EQ(UnionSeconds({{0, 2}, {1, 3}, {5, 6}}), 4);
  EXPECT_DOUBLE_EQ(UnionSeconds({{5, 6}, {0, 10}}), 10);
  EXPECT_DOUBLE_EQ(UnionSeconds({{3, 3}, {4, 2}}), 0);
}

TEST(PacedPolls, FollowsRetryAfterCappedAtTheConfiguredValue) {
  EXPECT_EQ(PacedPolls(8, 2), 4);  // 2+2+2+2
  EXPECT_EQ(PacedPolls(3, 2), 2);  // 2, then the last second
  EXPECT_EQ(PacedPolls(4, 1), 4);
  EXPECT_EQ(PacedPolls(2.5, 5), 1);  // Retry-After 3 covers it
  EXPECT_EQ(PacedPolls(0, 1), 1);    // done, but learnt by one poll
  EXPECT_EQ(PacedPolls(2, 0), 2);    // a cap below 1 means 1
}

TEST(RetryAfterCap, TypeThenDefaultThenOne) {
  nlohmann::json d = nlohmann::json::parse(R"({
    "default": {"retry_after_seconds": 3},
    "Microsoft.MachineLearningServices/workspaces": {"retry_after_seconds": 2},
    "Microsoft.Network/privateDnsZones": {"create_seconds": 2}})");
  EXPECT_EQ(RetryAfterCap(d, "microsoft.machinelearningservices/WORKSPACES"),
            2);
  EXPECT_EQ(RetryAfterCap(d, "Microsoft.Network/privateDnsZones"), 3);
  EXPECT_EQ(RetryAfterCap(nlohmann::json::object(), "x/y"), 1);
}

TEST(ClassifyCounters, SplitsWritesPollsReadsAndAuth) {
  RequestsByKind k = ClassifyCounters(nlohmann::json::parse(R"({
    "PUT Microsoft.Network/privateEndpoints": 2,
    "PATCH Microsoft.MachineLearningServices/workspaces": 1,
    "DELETE Microsoft.Network/privateDnsZones": 1,
    "GET operation-poll": 7,
    "GET Microsoft.Network/privateEndpoints": 3,
    "HEAD Microsoft.Resources/resourceGroups": 1,
    "POST token": 1, "GET metadata": 1, "GET unknown": 2})"));
  EXPECT_EQ(k.writes, 4);
  EXPECT_EQ(k.polls, 7);
  EXPECT_EQ(k.reads, 4);
  EXPECT_EQ(k.auth, 2);
  EXPECT_EQ(k.other, 2);
  EXPECT_EQ(k.Arm(), 15);
}

TEST(RequestsBeyondBudget, OneWriteOneFinalReadAndPacedPollsPerOperation) {
  RequestBudget budget;
  budget.writes_by_type = {{"microsoft.network/privatednszones", 2},
                           {"microsoft.network/networkinterfaces", 1}};
  budget.polls = 5;
  nlohmann::json exact = nlohmann::json::parse(R"({
    "PUT Microsoft.Network/privateDnsZones": 2,
    "GET Microsoft.Network/privateDnsZones": 2,
    "GET operation-poll": 5, "POST token": 3})");
  Excess none = RequestsBeyondBudget(exact, budget);
  EXPECT_EQ(none.total, 0);
  EXPECT_EQ(none.writes_allowed, 2);
  EXPECT_EQ(none.reads_allowed, 2);

  Excess e = RequestsBeyondBudget(nlohmann::json::parse(R"({
    "PUT Microsoft.Network/privateDnsZones": 3,
    "GET Microsoft.Network/privateDnsZones": 4,
    "GET Microsoft.KeyVault/vaults": 1,
    "GET operation-poll": 6, "GET unknown": 1})"),
                                  budget);
  EXPECT_EQ(e.by_kind["writes microsoft.network/privatednszones"], 1);
  // Reads allowed: one per write the budget allows (2), not per write made.
  EXPECT_EQ(e.by_kind["reads microsoft.network/privatednszones"], 2);
  EXPECT_EQ(e.by_kind["reads microsoft.keyvault/vaults"], 1);
  EXPECT_EQ(e.by_kind["polls"], 1);
  EXPECT_EQ(e.by_kind["other GET unknown"], 1);
  EXPECT_EQ(e.total, 6);
}

TEST(OwnerOf, LongestPrefixAtAPathBoundary) {
  std::map<std::string, std::string> ids = {
      {"zone",
       "/subscriptions/s/resourceGroups/rg/providers/"
       "Microsoft.Network/privateDnsZones/z"},
      {"zone2",
       "/subscriptions/s/resourceGroups/rg/providers/"
       "Microsoft.Network/privateDnsZones/z2"},
      {"rg", "/subscriptions/s/resourceGroups/rg"}};
  EXPECT_EQ(OwnerOf("/subscriptions/s/resourcegroups/RG/providers/"
                    "Microsoft.Network/privateDnsZones/z/virtualNetworkLinks/l",
                    ids),
            "zone");
  EXPECT_EQ(OwnerOf("/subscriptions/s/resourceGroups/rg/providers/"
                    "Microsoft.Network/privateDnsZones/z2",
                    ids),
            "zone2");
  EXPECT_EQ(OwnerOf("/subscriptions/s/resourceGroups/rg2", ids), "");
}

TEST(ArmTypeOf, NamespaceTypeAndChildTypes) {
  EXPECT_EQ(ArmTypeOf("/subscriptions/s/resourceGroups/rg/providers/"
                      "Microsoft.Network/privateDnsZones/z/"
                      "virtualNetworkLinks/l"),
            "Microsoft.Network/privateDnsZones/virtualNetworkLinks");
  EXPECT_EQ(ArmTypeOf("/subscriptions/s/resourceGroups/rg/providers/"
                      "Microsoft.MachineLearningServices/workspaces/w"),
            "Microsoft.MachineLearningServices/workspaces");
  // Extension resources: the last provider segment decides.
  EXPECT_EQ(ArmTypeOf("/subscriptions/s/resourceGroups/rg/providers/"
                      "Microsoft.MachineLearningServices/workspaces/w/"
                      "providers/Microsoft.Authorization/roleAssignments/g"),
            "Microsoft.Authorization/roleAssignments");
  EXPECT_EQ(ArmTypeOf("/subscriptions/s/resourceGroups/rg"), "");
}

}  // namespace
}  // namespace secureaml::bench
