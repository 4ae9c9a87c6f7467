#include "resources/private_endpoint.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::ContainsPath;
using testing::FakeArm;
using testing::HasAttributeDiag;
using testing::kTestSub;
using testing::Plan;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kRg = absl::StrCat("/subscriptions/", kTestSub,
                                     "/resourceGroups/net-rg/providers/");
const std::string kSubnet =
    kRg + "Microsoft.Network/virtualNetworks/hub/subnets/training";
const std::string kWs =
    kRg + "Microsoft.MachineLearningServices/workspaces/ws1";
const std::string kApiZone =
    kRg + "Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms";
const std::string kNbZone =
    kRg + "Microsoft.Network/privateDnsZones/privatelink.notebooks.azure.net";
const std::string kPeId = kRg + "Microsoft.Network/privateEndpoints/ws1-pe";

class PrivateEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    // What Network fills in: the NIC's addresses as customDnsConfigs, and A
    // records in the zone group's configs.
    arm_->OnPut([](const std::string& path, nlohmann::json& body) {
      if (absl::StrContains(path, "privateDnsZoneGroups")) {
        for (auto& cfg : body["properties"]["privateDnsZoneConfigs"]) {
          std::string zone = cfg["properties"]["privateDnsZoneId"];
          zone = zone.substr(zone.rfind('/') + 1);
          cfg["properties"]["recordSets"] = nlohmann::json::array(
              {{{"recordType", "A"},
                {"recordSetName", "guid.workspace.eastus"},
                {"fqdn", "guid.workspace.eastus." + zone + "."},
                {"ipAddresses", {"10.150.0.5"}}}});
        }
        return;
      }
      body["properties"]["customDnsConfigs"] = nlohmann::json::array(
          {{{"fqdn", "guid.workspace.eastus.api.azureml.ms"},
            {"ipAddresses", {"10.150.0.5"}}},
           {{"fqdn", "ml-ws1-eastus-guid.eastus.notebooks.azure.net"},
            {"ipAddresses", {"10.150.0.6"}}}});
      auto& conns =
          body["properties"].contains("privateLinkServiceConnections")
              ? body["properties"]["privateLinkServiceConnections"]
              : body["properties"]["manualPrivateLinkServiceConnections"];
      conns[0]["properties"]["privateLinkServiceConnectionState"] = {
          {"status",
           body["properties"].contains("privateLinkServiceConnections")
               ? "Approved"
               : "Pending"}};
    });
  }

  std::map<std::string, Value> BaseConfig() {
    return {{"name", Value::String("ws1-pe")},
            {"resource_group_name", Value::String("net-rg")},
            {"location", Value::String("eastus")},
            {"subnet_id", Value::String(kSubnet)},
            {"target_resource_id", Value::String(kWs)},
            {"subresource_name", Value::String("amlworkspace")},
            {"private_dns_zone_ids", Value::StringSet({kApiZone, kNbZone})}};
  }

  Value Create(const std::map<std::string, Value>& config) {
    testing::PlanResult p = Plan(pe_, config, Value::Null(Type()), az_.get());
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    core::CreateRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.config = p.planned;
    req.planned_state = p.planned;
    core::CreateResponse resp;
    pe_.Create(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty());
    return resp.new_state;
  }

  Value Read(const Value& state) {
    core::ReadRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.current_state = state;
    core::ReadResponse resp;
    resp.new_state = state;
    pe_.Read(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    return resp.new_state;
  }

  PrivateEndpointResource pe_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(PrivateEndpointTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(pe_.GetSchema()).ok());
}

TEST_F(PrivateEndpointTest, WorkspaceEndpointNeedsBothZones) {
  auto config = BaseConfig();
  config["private_dns_zone_ids"] = Value::StringSet({kApiZone});
  testing::PlanResult p = Plan(pe_, config, Value::Null(Type()), az_.get());
  ASSERT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("private_dns_zone_ids"),
                               tf::Severity::kError));
  EXPECT_THAT(p.diagnostics.ToString(),
              ::testing::HasSubstr("privatelink.notebooks.azure.net"));
  // Unconfigured provider: the cloud is inferred from the zone names.
  p = Plan(pe_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(p.diagnostics.HasError());
  p = Plan(pe_, BaseConfig(), Value::Null(Type()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
}

TEST_F(PrivateEndpointTest, SovereignCloudZones) {
  az_->cloud = Cloud::kUsGovernment;
  testing::PlanResult p =
      Plan(pe_, BaseConfig(), Value::Null(Type()), az_.get());
  EXPECT_TRUE(p.diagnostics.HasError());
  EXPECT_THAT(p.diagnostics.ToString(),
              ::testing::HasSubstr("privatelink.api.ml.azure.us"));
}

TEST_F(PrivateEndpointTest, SubresourceMustMatchTarget) {
  auto config = BaseConfig();
  config["subresource_name"] = Value::String("blob");
  testing::PlanResult p = Plan(pe_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("subresource_name"),
                               tf::Severity::kError));
}

TEST_F(PrivateEndpointTest, MissingZonesWarn) {
  auto config = BaseConfig();
  config.erase("private_dns_zone_ids");
  testing::PlanResult p = Plan(pe_, config, Value::Null(Type()), nullptr);
  EXPECT_FALSE(p.diagnostics.HasError());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("private_dns_zone_ids"),
                               tf::Severity::kWarning));
}

TEST_F(PrivateEndpointTest, CreateWritesEndpointAndZoneGroup) {
  Value state = Create(BaseConfig());
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].path, kPeId);
  const nlohmann::json& conn =
      writes[0].body["properties"]["privateLinkServiceConnections"][0];
  EXPECT_EQ(conn["properties"]["privateLinkServiceId"], kWs);
  EXPECT_EQ(conn["properties"]["groupIds"], nlohmann::json({"amlworkspace"}));
  EXPECT_EQ(writes[0].body["properties"]["subnet"]["id"], kSubnet);
  EXPECT_EQ(writes[1].path, kPeId + "/privateDnsZoneGroups/default");
  EXPECT_EQ(writes[1].body["properties"]["privateDnsZoneConfigs"].size(), 2u);

  EXPECT_EQ(state.GetString("connection_status"), "Approved");
  EXPECT_EQ(state.GetAttr("private_ip_addresses"),
            Value::StringList({"10.150.0.5", "10.150.0.6"}));
  EXPECT_EQ(state.GetString("hosts_file"),
            "10.150.0.5 guid.workspace.eastus.api.azureml.ms\n"
            "10.150.0.5 guid.workspace.eastus.notebooks.azure.net\n"
            "10.150.0.6 ml-ws1-eastus-guid.eastus.notebooks.azure.net\n");
  std::map<std::string, Value> records = state.GetAttr("dns_records").Entries();
  EXPECT_EQ(records.at("guid.workspace.eastus.api.azureml.ms"),
            Value::StringList({"10.150.0.5"}));
  EXPECT_EQ(state.GetAttr("manual_approval"), Value::Bool(false));
  EXPECT_EQ(Read(state), state);
  testing::PlanResult p = Plan(pe_, BaseConfig(), state, az_.get());
  EXPECT_EQ(p.planned, state);
}

TEST_F(PrivateEndpointTest, CreateReadsOnlyToCheckTheEndpointIsAbsent) {
  // The state comes from the writes' answers: the only GET is the check
  // that the endpoint does not exist yet, none after the writes.
  Value state = Create(BaseConfig());
  std::vector<std::string> gets;
  for (const testing::RecordedRequest& r : arm_->Requests()) {
    if (r.method == "GET") gets.push_back(r.path);
  }
  EXPECT_THAT(gets, ::testing::ElementsAre(kPeId));
  EXPECT_EQ(state.GetAttr("private_ip_addresses"),
            Value::StringList({"10.150.0.5", "10.150.0.6"}));
  EXPECT_EQ(Read(state), state);
}

TEST_F(PrivateEndpointTest, ZoneChangesUpdateInPlace) {
  Value state = Create(BaseConfig());
  arm_->ClearRequests();
  auto config = BaseConfig();
  config.erase("private_dns_zone_ids");
  testing::PlanResult p = Plan(pe_, config, state, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_TRUE(p.planned.GetAttr("hosts_file").IsUnknown());
  core::UpdateRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  pe_.Update(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "DELETE");
  EXPECT_TRUE(resp.new_state.GetAttr("private_dns_zone_ids").IsNull());
  EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty());

  // Changing the subnet replaces the endpoint.
  config = BaseConfig();
  config["subnet_id"] = Value::String(
      kRg + "Microsoft.Network/virtualNetworks/hub/subnets/other");
  p = Plan(pe_, config, state, az_.get());
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("subnet_id")));
}

// Found by the fault matrix (out-of-band deletion between plan and apply):
// a tags update PUTs the endpoint back, and its zone group with it.
TEST_F(PrivateEndpointTest, UpdateOfDeletedEndpointRestoresZoneGroup) {
  Value state = Create(BaseConfig());
  for (const auto& r : arm_->Requests()) {
    if (r.method == "PUT") arm_->Remove(r.path);
  }
  auto config = BaseConfig();
  config["tags"] = Value::StringMap({{"env", "test"}});
  testing::PlanResult p = Plan(pe_, config, state, az_.get());
  core::UpdateRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  pe_.Update(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty());
  EXPECT_EQ(resp.new_state.GetAttr("private_dns_zone_ids"),
            Value::StringSet({kApiZone, kNbZone}));
}

TEST_F(PrivateEndpointTest, ReadRemovesDeletedEndpoint) {
  Value state = Create(BaseConfig());
  arm_->Remove(kPeId);
  EXPECT_TRUE(Read(state).IsNull());
}

TEST_F(PrivateEndpointTest, ImportValidatesId) {
  core::ImportRequest req;
  req.id = kWs;
  core::ImportResponse resp;
  pe_.ImportState(req, resp);
  EXPECT_TRUE(resp.diagnostics.HasError());
  req.id = kPeId;
  core::ImportResponse ok;
  pe_.ImportState(req, ok);
  EXPECT_FALSE(ok.diagnostics.HasError());
  EXPECT_EQ(ok.state.GetString("name"), "ws1-pe");
}

TEST(PrivateEndpointDns, RecordsAndHostsFileAreSortedAndPublic) {
  nlohmann::json endpoint = {
      {"properties",
       {{"customDnsConfigs",
         {{{"fqdn", "b.api.azureml.ms"},
           {"ipAddresses", {"10.0.0.10", "10.0.0.9"}}},
          {{"fqdn", "a.api.azureml.ms"}, {"ipAddresses", {"10.0.0.4"}}}}}}}};
  nlohmann::json group = {
      {"properties",
       {{"privateDnsZoneConfigs",
         {{{"properties",
            {{"privateDnsZoneId", kNbZone},
             {"recordSets",
              {{{"fqdn", "nb.eastus.privatelink.notebooks.azure.net."},
                {"ipAddresses", {"10.0.0.5"}}}}}}}}}}}}};
  auto records = private_endpoint_internal::DnsRecords(endpoint, group);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records["b.api.azureml.ms"],
            (std::vector<std::string>{"10.0.0.9", "10.0.0.10"}));
  EXPECT_EQ(records.count("nb.eastus.notebooks.azure.net"), 1u);
  EXPECT_EQ(private_endpoint_internal::HostsFile(records),
            "10.0.0.4 a.api.azureml.ms\n"
            "10.0.0.9 b.api.azureml.ms\n"
            "10.0.0.10 b.api.azureml.ms\n"
            "10.0.0.5 nb.eastus.notebooks.azure.net\n");
}

TEST(PrivateEndpointDns, MissingZonesComparesNamesIgnoringCase) {
  std::vector<std::string> missing = private_endpoint_internal::MissingZones(
      {"privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"},
      {absl::AsciiStrToUpper(kApiZone)});
  EXPECT_EQ(missing,
            std::vector<std::string>{"privatelink.notebooks.azure.net"});
}

}  // namespace
}  // namespace secureaml::resources
