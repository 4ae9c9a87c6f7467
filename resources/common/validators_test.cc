#include "resources/common/validators.h"

#include "gtest/gtest.h"

namespace secureaml::resources {
namespace {

bool Passes(const tf::Validator& v, const std::string& s) {
  tf::Diagnostics diags;
  v(tf::Value::String(s), tf::AttributePath::Root("x"), diags);
  return !diags.HasError();
}

TEST(ValidatorsTest, WorkspaceName) {
  EXPECT_TRUE(Passes(WorkspaceName(), "ws1103"));
  EXPECT_TRUE(Passes(WorkspaceName(), "my_ws-01"));
  EXPECT_FALSE(Passes(WorkspaceName(), "ws"));
  EXPECT_FALSE(Passes(WorkspaceName(), "-ws1"));
  EXPECT_FALSE(Passes(WorkspaceName(), "ws.1103"));
  EXPECT_FALSE(Passes(WorkspaceName(), std::string(34, 'a')));
}

TEST(ValidatorsTest, ComputeName) {
  EXPECT_TRUE(Passes(ComputeName(), "cpu-cluster"));
  EXPECT_TRUE(Passes(ComputeName(), "ws1103ci1"));
  EXPECT_FALSE(Passes(ComputeName(), "cluster-1"));  // ends in -digits
  EXPECT_FALSE(Passes(ComputeName(), "1cluster"));
  EXPECT_FALSE(Passes(ComputeName(), "ab"));
  EXPECT_FALSE(Passes(ComputeName(), std::string(25, 'a')));
}

TEST(ValidatorsTest, DiagnosticCarriesPath) {
  tf::Diagnostics diags;
  WorkspaceName()(tf::Value::String("x"), tf::AttributePath::Root("name"),
                  diags);
  ASSERT_EQ(diags.size(), 1u);
  ASSERT_TRUE(diags.items()[0].attribute.has_value());
  EXPECT_EQ(diags.items()[0].attribute->ToString(), "name");
}

TEST(ValidatorsTest, Guid) {
  EXPECT_TRUE(IsGuid("7f2c3b0e-1b2c-4d5e-8f90-a1b2c3d4e5f6"));
  EXPECT_FALSE(IsGuid("7f2c3b0e1b2c4d5e8f90a1b2c3d4e5f6"));
}

TEST(ValidatorsTest, CidrParsingAndOverlap) {
  auto vnet = ParseCidr("10.150.0.0/16");
  auto service = ParseCidr("10.0.0.0/16");
  auto bridge = ParseCidr("172.17.0.1/16");
  ASSERT_TRUE(vnet && service && bridge);
  EXPECT_FALSE(vnet->Overlaps(*service));
  EXPECT_TRUE(vnet->Overlaps(*ParseCidr("10.150.1.0/24")));
  EXPECT_EQ(bridge->network, *ParseIpv4("172.17.0.0"));
  EXPECT_TRUE(service->Contains(*ParseIpv4("10.0.0.10")));
  EXPECT_FALSE(ParseCidr("10.0.0.0"));
  EXPECT_FALSE(ParseCidr("10.0.0.0/33"));
  EXPECT_FALSE(ParseCidr("300.0.0.0/8"));
  EXPECT_FALSE(ParseCidr("10.0.0/8"));
}

TEST(ValidatorsTest, Iso8601Duration) {
  EXPECT_EQ(ParseIso8601Duration("PT15M"), absl::Minutes(15));
  EXPECT_EQ(ParseIso8601Duration("PT120S"), absl::Seconds(120));
  EXPECT_EQ(ParseIso8601Duration("P1DT2H"), absl::Hours(26));
  EXPECT_FALSE(ParseIso8601Duration("15m"));
  EXPECT_FALSE(ParseIso8601Duration("PT"));
  EXPECT_FALSE(ParseIso8601Duration("P1H"));
  EXPECT_FALSE(ParseIso8601Duration("PT5"));
}

TEST(ValidatorsTest, OneOfListsChoices) {
  tf::Diagnostics diags;
  OneOf({"Dedicated", "LowPriority"})(
      tf::Value::String("Spot"), tf::AttributePath::Root("vm_priority"), diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_NE(diags.items()[0].detail.find("Dedicated, LowPriority"),
            std::string::npos);
}

TEST(ValidatorsTest, NormalizeLocation) {
  EXPECT_EQ(NormalizeLocation("East US"), "eastus");
}

}  // namespace
}  // namespace secureaml::resources
