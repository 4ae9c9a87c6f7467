#include "resources/compute_cluster.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/common/logging.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::ContainsPath;
using testing::FakeArm;
using testing::HasAttributeDiag;
using ::testing::HasSubstr;
using testing::kTestSub;
using testing::Plan;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kRg =
    absl::StrCat("/subscriptions/", kTestSub, "/resourceGroups/ws1103");
const std::string kWsId =
    kRg + "/providers/Microsoft.MachineLearningServices/workspaces/ws1103";
const std::string kVnetId =
    kRg + "/providers/Microsoft.Network/virtualNetworks/hub";
const std::string kSubnetId = kVnetId + "/subnets/training";
const std::string kClusterId = kWsId + "/computes/cpu-cluster";

class ComputeClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    arm_->Seed(kWsId, {{"location", "eastus"},
                       {"properties", {{"provisioningState", "Succeeded"}}}});
    arm_->Seed(kVnetId, {{"location", "eastus"}});
    arm_->Seed(kSubnetId, {{"properties", {{"addressPrefix", "10.0.1.0/24"}}}});
    // The service's read-only and defaulted properties.
    arm_->OnPut([](const std::string&, nlohmann::json& body) {
      auto& p = body["properties"];
      p["provisioningState"] = "Succeeded";
      // Secrets are never returned (x-ms-secret).
      if (p["properties"].contains("userAccountCredentials")) {
        p["properties"]["userAccountCredentials"].erase("adminUserPassword");
      }
      if (body.contains("identity") &&
          absl::StrContains(body["identity"].value("type", ""),
                            "SystemAssigned")) {
        body["identity"]["principalId"] = "pid-1";
      }
    });
  }

  Type SchemaType() const { return cluster_.GetSchema().ImpliedType(); }
  Type AttrType(const char* name) const {
    return SchemaType().AttributeTypes().at(name);
  }

  Value Scale(int64_t min, int64_t max,
              std::optional<std::string> idle = std::nullopt) {
    std::map<std::string, Value> a = {{"min_nodes", Value::Int(min)},
                                      {"max_nodes", Value::Int(max)}};
    if (idle) a["idle_time_before_scale_down"] = Value::String(*idle);
    return Value::Object(AttrType("scale"), a);
  }

  std::map<std::string, Value> BaseConfig() {
    return {{"name", Value::String("cpu-cluster")},
            {"workspace_id", Value::String(kWsId)},
            {"location", Value::String("East US")},
            {"vm_size", Value::String("Standard_DS3_v2")},
            {"subnet_id", Value::String(kSubnetId)},
            {"scale", Scale(0, 4)}};
  }

  Value Create(const std::map<std::string, Value>& config,
               tf::Diagnostics* diags_out = nullptr) {
    return testing::CreateThroughPlan(cluster_, config, az_.get(), diags_out);
  }

  Value Read(const Value& state) {
    return testing::RefreshState(cluster_, state, az_.get());
  }

  Value Update(const Value& prior, const testing::PlanResult& p) {
    return testing::UpdateThroughPlan(cluster_, prior, p, az_.get());
  }

  ComputeClusterResource cluster_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

void ExpectDescribed(const tf::Block& block) {
  for (const tf::Attribute& a : block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
  for (const tf::NestedBlock& b : block.blocks) {
    EXPECT_FALSE(b.block.description.empty()) << b.type_name;
    ExpectDescribed(b.block);
  }
}

TEST_F(ComputeClusterTest, SchemaIsValidAndDescribed) {
  EXPECT_TRUE(tf::ValidateSchema(cluster_.GetSchema()).ok());
  ExpectDescribed(cluster_.GetSchema().block);
  const tf::Attribute* password =
      cluster_.GetSchema().block.FindBlock("ssh")->block.FindAttribute(
          "admin_password");
  ASSERT_NE(password, nullptr);
  EXPECT_TRUE(password->sensitive);
}

TEST_F(ComputeClusterTest, CreateIsPrivateByDefault) {
  Value state = Create(BaseConfig());
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kClusterId);
  EXPECT_TRUE(state.IsWhollyKnown()) << state.DebugString();
  EXPECT_EQ(state.GetString("location"), "East US");
  EXPECT_EQ(state.GetBool("node_public_ip_enabled"), false);
  EXPECT_EQ(state.GetBool("local_auth_enabled"), false);
  EXPECT_EQ(state.GetString("vm_priority"), "Dedicated");

  std::optional<nlohmann::json> put;
  for (const auto& r : arm_->Writes()) {
    if (r.method == "PUT") put = r.body;
  }
  ASSERT_TRUE(put.has_value());
  const nlohmann::json& inner = (*put)["properties"]["properties"];
  EXPECT_EQ((*put)["properties"]["computeType"], "AmlCompute");
  EXPECT_EQ((*put)["properties"]["disableLocalAuth"], true);
  EXPECT_EQ(inner["enableNodePublicIp"], false);
  EXPECT_EQ(inner["remoteLoginPortPublicAccess"], "Disabled");
  EXPECT_EQ(inner["subnet"]["id"], kSubnetId);
  EXPECT_EQ(inner["scaleSettings"]["maxNodeCount"], 4);
  EXPECT_EQ(inner["scaleSettings"]["nodeIdleTimeBeforeScaleDown"], "PT120S");
  EXPECT_FALSE(inner.contains("userAccountCredentials"));
  EXPECT_EQ((*put)["identity"]["type"], "None");
  // Refresh right after create: no drift.
  EXPECT_EQ(Read(state), state);
}

TEST_F(ComputeClusterTest, CreateReadsNothingAfterItsWrite) {
  // The PUT's final read holds the new cluster: the checks read before it
  // (existence, network), nothing reads after it.
  Create(BaseConfig());
  std::vector<std::string> after_put;
  bool put_seen = false;
  for (const testing::RecordedRequest& r : arm_->Requests()) {
    if (put_seen) after_put.push_back(r.method + " " + r.path);
    put_seen = put_seen || r.method == "PUT";
  }
  EXPECT_TRUE(put_seen);
  EXPECT_THAT(after_put, ::testing::IsEmpty());
}

TEST_F(ComputeClusterTest, SshPasswordIsSentButNeverLogged) {
  auto config = BaseConfig();
  config["ssh"] = Value::Object(
      AttrType("ssh"), {{"admin_username", Value::String("azureuser")},
                        {"admin_password", Value::String("Tr0ub4dor&3-x")}});
  Value state = Create(config);
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(
      arm_->Writes().back().body["properties"]["properties"]
                                ["userAccountCredentials"]["adminUserPassword"],
      "Tr0ub4dor&3-x");
  // Azure never returns it; state keeps the configured value.
  EXPECT_EQ(state.GetAttr("ssh").GetString("admin_password"), "Tr0ub4dor&3-x");
  EXPECT_EQ(log::Redact("password=Tr0ub4dor&3-x"), "password=[REDACTED]");
}

TEST_F(ComputeClusterTest, MinAboveMaxRejectedOnMinNodes) {
  auto config = BaseConfig();
  config["scale"] = Scale(5, 2);
  testing::PlanResult p =
      Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("scale").Attr("min_nodes"),
                               tf::Severity::kError))
      << p.diagnostics.ToString();
  EXPECT_TRUE(arm_->Requests().empty());
}

TEST_F(ComputeClusterTest, UnknownVmPriorityAndBadSubnetRejected) {
  auto config = BaseConfig();
  config["vm_priority"] = Value::String("Spot");
  config["subnet_id"] = Value::String("/subscriptions/x/virtualNetworks/hub");
  testing::PlanResult p =
      Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(
      p.diagnostics, AttributePath::Root("vm_priority"), tf::Severity::kError));
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("subnet_id"),
                               tf::Severity::kError));
  EXPECT_TRUE(arm_->Requests().empty());
}

TEST_F(ComputeClusterTest, SubnetRequiredUnlessManagedNetwork) {
  auto config = BaseConfig();
  config.erase("subnet_id");
  testing::PlanResult p =
      Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("subnet_id"),
                               tf::Severity::kError))
      << p.diagnostics.ToString();

  arm_->Mutate(kWsId, [](nlohmann::json& b) {
    b["properties"]["managedNetwork"] = {
        {"isolationMode", "AllowOnlyApprovedOutbound"}};
  });
  p = Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
}

TEST_F(ComputeClusterTest, SubnetMustBeInTheClusterRegion) {
  arm_->Mutate(kVnetId,
               [](nlohmann::json& b) { b["location"] = "westeurope"; });
  testing::PlanResult p =
      Plan(cluster_, BaseConfig(), Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("subnet_id"),
                               tf::Severity::kError))
      << p.diagnostics.ToString();
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("westeurope"));
}

TEST_F(ComputeClusterTest, PublicIpAndPublicSshWarn) {
  auto config = BaseConfig();
  config["node_public_ip_enabled"] = Value::Bool(true);
  config["ssh_public_access_enabled"] = Value::Bool(true);
  testing::PlanResult p =
      Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  // Public SSH without an account is an error; both opt-ins warn.
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("ssh_public_access_enabled"),
                               tf::Severity::kError));
  config["ssh"] = Value::Object(
      AttrType("ssh"), {{"admin_username", Value::String("azureuser")},
                        {"admin_public_key", Value::String("ssh-rsa AAAA")}});
  p = Plan(cluster_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("node_public_ip_enabled"),
                               tf::Severity::kWarning));
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("ssh_public_access_enabled"),
                               tf::Severity::kWarning));
}

TEST_F(ComputeClusterTest, ScaleChangePatchesInPlace) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["scale"] = Scale(1, 8, "PT15M");
  testing::PlanResult p = Plan(cluster_, config, state, az_.get());
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  Value updated = Update(state, p);
  auto writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PATCH");
  EXPECT_EQ(
      writes[0].body,
      (nlohmann::json{{"properties",
                       {{"properties",
                         {{"scaleSettings",
                           {{"minNodeCount", 1},
                            {"maxNodeCount", 8},
                            {"nodeIdleTimeBeforeScaleDown", "PT15M"}}}}}}}}));
  EXPECT_EQ(updated.GetAttr("scale").GetInt("max_nodes"), 8);
  EXPECT_EQ(Read(updated), updated);
}

TEST_F(ComputeClusterTest, TagsAndIdentityUpdateInPlaceWithPut) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["tags"] = Value::StringMap({{"env", "prod"}});
  config["identity"] = Value::Object(
      AttrType("identity"), {{"type", Value::String("SystemAssigned")}});
  testing::PlanResult p = Plan(cluster_, config, state, az_.get());
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_TRUE(p.planned.GetAttr("identity_principal_id").IsUnknown());
  arm_->ClearRequests();
  Value updated = Update(state, p);
  auto writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PUT");
  EXPECT_EQ(writes[0].body["tags"]["env"], "prod");
  EXPECT_EQ(updated.GetString("identity_principal_id"), "pid-1");
  // A tag-only change afterwards keeps the principal.
  config["tags"] = Value::StringMap({{"env", "test"}});
  p = Plan(cluster_, config, updated, az_.get());
  EXPECT_EQ(p.planned.GetString("identity_principal_id"), "pid-1");
}

TEST_F(ComputeClusterTest, ImmutableChangesForceReplacementOnTheAttribute) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["vm_size"] = Value::String("Standard_NC6s_v3");
  config["vm_priority"] = Value::String("LowPriority");
  testing::PlanResult p = Plan(cluster_, config, state, az_.get());
  EXPECT_TRUE(ContainsPath(p.requires_replace, AttributePath::Root("vm_size")));
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("vm_priority")));
  EXPECT_FALSE(ContainsPath(p.requires_replace, AttributePath::Root("scale")));
}

TEST_F(ComputeClusterTest, AcceptedCreateThatFailsKeepsStateAndServiceCode) {
  arm_->AddHook([](const testing::RecordedRequest& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "PUT") {
      azure::HttpResponse resp = FakeArm::Json(
          201, {{"properties", {{"provisioningState", "Creating"}}}});
      resp.headers.Set("Azure-AsyncOperation",
                       "https://management.azure.com/subscriptions/x/"
                       "providers/Microsoft.MachineLearningServices/locations/"
                       "eastus/computeOperationsStatus/op1?api-version="
                       "2025-06-01");
      resp.headers.Set("Retry-After", "1");
      return resp;
    }
    if (absl::StrContains(r.path, "computeOperationsStatus")) {
      return FakeArm::Json(
          200, {{"status", "Failed"},
                {"error",
                 {{"code", "QuotaExceeded"},
                  {"message", "Dedicated DSv2 quota of 0 cores exceeded."}}}});
    }
    return std::nullopt;
  });
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), HasSubstr("QuotaExceeded"));
  EXPECT_THAT(diags.ToString(), HasSubstr("DSv2 quota"));
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kClusterId);
  EXPECT_TRUE(state.IsWhollyKnown());
}

TEST_F(ComputeClusterTest, FailedProvisioningStateIsAnErrorWithServiceCodes) {
  arm_->OnPut([](const std::string&, nlohmann::json& body) {
    body["properties"]["provisioningState"] = "Failed";
    body["properties"]["provisioningErrors"] = {
        {{"error",
          {{"code", "SubnetIsFull"},
           {"message", "Subnet training has no free addresses."}}}}};
  });
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), HasSubstr("SubnetIsFull"));
  EXPECT_THAT(diags.ToString(), HasSubstr("no free addresses"));
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kClusterId);
}

TEST_F(ComputeClusterTest, NodeAllocationErrorsWarn) {
  arm_->OnPut([](const std::string&, nlohmann::json& body) {
    body["properties"]["provisioningState"] = "Succeeded";
    body["properties"]["properties"]["errors"] = {
        {{"error",
          {{"code", "AllocationFailed"},
           {"message", "Could not allocate 1 node of Standard_DS3_v2."}}}}};
  });
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  EXPECT_FALSE(diags.HasError()) << diags.ToString();
  EXPECT_THAT(diags.ToString(), HasSubstr("AllocationFailed"));
  EXPECT_FALSE(state.IsNull());
}

TEST_F(ComputeClusterTest, ReadReportsDriftAndDeletion) {
  Value state = Create(BaseConfig());
  arm_->Mutate(kClusterId, [](nlohmann::json& b) {
    b["tags"] = {{"owner", "someone"}};
    b["properties"]["properties"]["scaleSettings"]["maxNodeCount"] = 2;
    // The service spells the same duration differently: not drift.
    b["properties"]["properties"]["scaleSettings"]
     ["nodeIdleTimeBeforeScaleDown"] = "PT2M";
  });
  Value read = Read(state);
  EXPECT_EQ(read.GetAttr("scale").GetInt("max_nodes"), 2);
  EXPECT_EQ(read.GetAttr("scale").GetString("idle_time_before_scale_down"),
            "PT120S");
  EXPECT_EQ(read.GetStringMap("tags").at("owner"), "someone");
  arm_->Remove(kClusterId);
  EXPECT_TRUE(Read(state).IsNull());
}

TEST_F(ComputeClusterTest, ReadOfAFailedClusterWarnsWithTheServiceError) {
  Value state = Create(BaseConfig());
  arm_->Mutate(kClusterId, [](nlohmann::json& b) {
    b["properties"]["provisioningState"] = "Failed";
    b["properties"]["provisioningErrors"] = {
        {{"error",
          {{"code", "QuotaExceeded"}, {"message", "No DSv2 cores left."}}}}};
  });
  core::ReadRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.current_state = state;
  core::ReadResponse resp;
  resp.new_state = state;
  cluster_.Read(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError());
  EXPECT_THAT(resp.diagnostics.ToString(), HasSubstr("QuotaExceeded"));
  EXPECT_THAT(resp.diagnostics.ToString(), HasSubstr("-replace"));
  EXPECT_EQ(resp.new_state, state);
}

TEST_F(ComputeClusterTest, ImportThenPlanHasNoChanges) {
  // ARM's spelling of the region, as an imported configuration would use.
  auto config = BaseConfig();
  config["location"] = Value::String("eastus");
  Value created = Create(config);
  core::ImportRequest ireq;
  ireq.ctx = testing::Ctx(az_.get());
  ireq.id = kClusterId;
  core::ImportResponse iresp;
  cluster_.ImportState(ireq, iresp);
  ASSERT_FALSE(iresp.diagnostics.HasError()) << iresp.diagnostics.ToString();
  EXPECT_EQ(iresp.state.GetString("workspace_id"), kWsId);
  Value imported = Read(iresp.state);
  EXPECT_EQ(imported, created);
  testing::PlanResult p = Plan(cluster_, config, imported, az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned, imported);

  core::ImportRequest bad;
  bad.id = kWsId;
  core::ImportResponse bad_resp;
  cluster_.ImportState(bad, bad_resp);
  EXPECT_TRUE(bad_resp.diagnostics.HasError());
}

TEST_F(ComputeClusterTest, DeleteAsksToDeleteTheUnderlyingVms) {
  Value state = Create(BaseConfig());
  arm_->ClearRequests();
  core::DeleteRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  core::DeleteResponse resp;
  cluster_.Delete(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  auto writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "DELETE");
  EXPECT_THAT(writes[0].query, HasSubstr("underlyingResourceAction=Delete"));
  EXPECT_FALSE(arm_->Get(kClusterId).has_value());
}

}  // namespace
}  // namespace secureaml::resources
