#include "resources/data_network_requirements.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/object_checks.h"
#include "provider/value/schema.h"

namespace secureaml::resources {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using tf::Value;

Value Read(std::map<std::string, Value> attrs) {
  NetworkRequirementsDataSource ds;
  core::ReadDataRequest req;
  req.config = core::NormalizeBlockValue(
      ds.GetSchema().block,
      Value::Object(ds.GetSchema().ImpliedType(), std::move(attrs)));
  core::ReadDataResponse resp;
  ds.Read(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  EXPECT_TRUE(resp.state.IsWhollyKnown());
  return resp.state;
}

std::vector<std::string> Field(const Value& list, const std::string& attr) {
  std::vector<std::string> out;
  for (const Value& e : list.Elements()) out.push_back(*e.GetString(attr));
  return out;
}

TEST(NetworkRequirementsDataSourceTest, SchemaIsValid) {
  NetworkRequirementsDataSource ds;
  EXPECT_TRUE(tf::ValidateSchema(ds.GetSchema()).ok());
}

TEST(NetworkRequirementsDataSourceTest, SecureDefaultsHaveNoInbound) {
  Value v = Read({{"location", Value::String("West Europe")}});
  EXPECT_TRUE(v.GetAttr("inbound_rules").Elements().empty());
  EXPECT_THAT(Field(v.GetAttr("outbound_rules"), "destination_address_prefix"),
              Contains("Storage.westeurope"));
  // HBI by default: Key Vault outbound.
  EXPECT_THAT(Field(v.GetAttr("outbound_rules"), "name"),
              Contains("keyvault-outbound"));
  EXPECT_THAT(v.GetStringList("firewall_fqdns"),
              Contains("westeurope.tundra.azureml.ms"));
  std::vector<std::string> zones;
  for (const Value& z :
       v.GetAttr("private_dns_zones").Entries().at("amlworkspace").Elements()) {
    zones.push_back(z.AsString());
  }
  EXPECT_THAT(zones, Contains("privatelink.api.azureml.ms"));
  EXPECT_THAT(zones, Contains("privatelink.notebooks.azure.net"));
  EXPECT_THAT(*v.GetString("id"), HasSubstr("public/westeurope"));
}

TEST(NetworkRequirementsDataSourceTest, PublicIpAndLegacyAddInbound) {
  Value v = Read({{"node_public_ip_enabled", Value::Bool(true)},
                  {"include_legacy_batch_inbound", Value::Bool(true)},
                  {"high_business_impact", Value::Bool(false)}});
  EXPECT_THAT(Field(v.GetAttr("inbound_rules"), "source_address_prefix"),
              Contains("AzureMachineLearning"));
  EXPECT_THAT(Field(v.GetAttr("inbound_rules"), "source_address_prefix"),
              Contains("BatchNodeManagement"));
  EXPECT_THAT(Field(v.GetAttr("outbound_rules"), "name"),
              ::testing::Not(Contains("keyvault-outbound")));
}

TEST(NetworkRequirementsDataSourceTest, SovereignCloudsUseTheirNames) {
  Value v = Read({{"environment", Value::String("china")}});
  EXPECT_THAT(v.GetStringList("private_dns_zone_names"),
              Contains("privatelink.api.ml.azure.cn"));
  EXPECT_THAT(v.GetStringList("firewall_fqdns"),
              Contains("management.chinacloudapi.cn"));
  // No Front Door in China.
  for (const std::string& d :
       Field(v.GetAttr("outbound_rules"), "destination_address_prefix")) {
    EXPECT_THAT(d, ::testing::Not(HasSubstr("AzureFrontDoor")));
  }
}

}  // namespace
}  // namespace secureaml::resources
