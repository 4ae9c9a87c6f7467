#include "resources/common/arm_id.h"

#include "gtest/gtest.h"

namespace secureaml::resources {
namespace {

constexpr char kSubnet[] =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ws1103/"
    "providers/Microsoft.Network/virtualNetworks/hub/subnets/training";

TEST(ArmIdTest, ParsesChildResource) {
  auto id = ParseArmId(kSubnet);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->subscription_id, "00000000-0000-0000-0000-000000000001");
  EXPECT_EQ(id->resource_group, "ws1103");
  EXPECT_EQ(id->Type(), "Microsoft.Network/virtualNetworks/subnets");
  EXPECT_EQ(id->Name(), "training");
  EXPECT_EQ(id->Parent().Name(), "hub");
  EXPECT_EQ(id->ToString(), kSubnet);
}

TEST(ArmIdTest, TypeMatchIsCaseInsensitive) {
  // AML returns lower-cased IDs for linked resources.
  std::string lower =
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/"
      "virtualnetworks/hub/subnets/training";
  EXPECT_TRUE(
      ParseArmIdOfType(lower, "Microsoft.Network/virtualNetworks/subnets")
          .ok());
  auto a = ParseArmId(lower);
  auto b = ParseArmId(
      "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Network/"
      "virtualNetworks/HUB/subnets/training");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->SameAs(*b));
}

TEST(ArmIdTest, ResourceGroupId) {
  auto id = ParseArmIdOfType("/subscriptions/s/resourceGroups/ws1103",
                             "Microsoft.Resources/resourceGroups");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->Name(), "ws1103");
}

TEST(ArmIdTest, RejectsMalformedIdsWithActionableMessages) {
  for (const char* bad :
       {"", "subscriptions/s", "/subscriptions", "/subscriptions/s/foo/bar",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
        "virtualNetworks",
        "/subscriptions/s/resourceGroups//providers/X/y/z",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"}) {
    auto id = ParseArmId(bad);
    EXPECT_FALSE(id.ok()) << bad;
    if (!id.ok()) {
      EXPECT_NE(id.status().message().find("Expected /subscriptions/"),
                std::string::npos);
    }
  }
}

TEST(ArmIdTest, WrongTypeNamesBoth) {
  auto id = ParseArmIdOfType(kSubnet, "Microsoft.KeyVault/vaults");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("Microsoft.KeyVault/vaults"),
            std::string::npos);
  EXPECT_NE(id.status().message().find("virtualNetworks/subnets"),
            std::string::npos);
}

}  // namespace
}  // namespace secureaml::resources
