#include "resources/common/platform_knowledge.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace secureaml::resources {
namespace {

TEST(PlatformKnowledgeTest, WorkspaceNeedsBothZones) {
  auto zones = RequiredPrivateDnsZones("amlworkspace", Cloud::kPublic);
  EXPECT_EQ(zones,
            (std::vector<std::string>{"privatelink.api.azureml.ms",
                                      "privatelink.notebooks.azure.net"}));
  EXPECT_EQ(RequiredPrivateDnsZones("amlworkspace", Cloud::kChina).size(), 2u);
  EXPECT_TRUE(RequiredPrivateDnsZones("nonsense", Cloud::kPublic).empty());
}

TEST(PlatformKnowledgeTest, PublicZone) {
  EXPECT_EQ(PublicZoneFor("privatelink.api.azureml.ms"), "api.azureml.ms");
}

TEST(PlatformKnowledgeTest, NoInboundRulesWithoutPublicIps) {
  NetworkRequirementsInput in;
  in.location = "eastus";
  in.node_public_ip_enabled = false;
  auto req = ComputeNetworkRequirements(in);
  EXPECT_TRUE(req.inbound.empty());
  EXPECT_FALSE(req.outbound.empty());
  in.node_public_ip_enabled = true;
  req = ComputeNetworkRequirements(in);
  ASSERT_EQ(req.inbound.size(), 1u);
  EXPECT_EQ(req.inbound[0].destination_ports,
            std::vector<std::string>{"44224"});
}

TEST(PlatformKnowledgeTest, RegionalServiceTags) {
  NetworkRequirementsInput in;
  in.location = "eastus";
  auto req = ComputeNetworkRequirements(in);
  bool found = std::any_of(
      req.outbound.begin(), req.outbound.end(),
      [](const NsgRuleSpec& r) { return r.destination == "Storage.eastus"; });
  EXPECT_TRUE(found);
  for (const auto& r : req.outbound) {
    EXPECT_LE(r.description.size(), 140u) << r.name;
  }
}

TEST(PlatformKnowledgeTest, PresetsAreLeastPrivilege) {
  auto ds = FindRolePreset("data_scientist");
  ASSERT_TRUE(ds.has_value());
  auto& na = ds->permissions.not_actions;
  EXPECT_NE(std::find(na.begin(), na.end(),
                      "Microsoft.MachineLearningServices/workspaces/computes/*/"
                      "write"),
            na.end());
  EXPECT_NE(std::find(na.begin(), na.end(), "Microsoft.Authorization/*"),
            na.end());
  EXPECT_TRUE(FindRolePreset("it_admin").has_value());
  EXPECT_TRUE(FindRolePreset("super_data_scientist").has_value());
  EXPECT_FALSE(FindRolePreset("owner").has_value());
}

}  // namespace
}  // namespace secureaml::resources
