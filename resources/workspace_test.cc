#include "resources/workspace.h"

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
                                     "/resourceGroups/ml-rg/providers/");
const std::string kStorage = kRg + "Microsoft.Storage/storageAccounts/mlsa";
const std::string kVault = kRg + "Microsoft.KeyVault/vaults/mlkv";
const std::string kAcr = kRg + "Microsoft.ContainerRegistry/registries/mlacr";
const std::string kAppi = kRg + "Microsoft.Insights/components/mlappi";
const std::string kWsId =
    kRg + "Microsoft.MachineLearningServices/workspaces/ws1";
const std::string kKeyId =
    "https://mlkv.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef";

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    // The service fills friendlyName and a few read-only properties.
    arm_->OnPut([](const std::string&, nlohmann::json& body) {
      auto& p = body["properties"];
      if (!p.contains("friendlyName")) p["friendlyName"] = body["name"];
      p["workspaceId"] = "11111111-2222-3333-4444-555555555555";
      p["discoveryUrl"] = "https://eastus.api.azureml.ms/discovery";
      p["provisioningState"] = "Succeeded";
      body["identity"]["principalId"] = "pid-1";
    });
  }

  std::map<std::string, Value> BaseConfig() {
    return {{"name", Value::String("ws1")},
            {"resource_group_name", Value::String("ml-rg")},
            {"location", Value::String("East US")},
            {"storage_account_id", Value::String(kStorage)},
            {"key_vault_id", Value::String(kVault)},
            {"application_insights_id", Value::String(kAppi)}};
  }

  Value Create(const std::map<std::string, Value>& config,
               tf::Diagnostics* diags_out = nullptr) {
    return testing::CreateThroughPlan(ws_, config, az_.get(), diags_out);
  }

  Value Read(const Value& state) {
    return testing::RefreshState(ws_, state, az_.get());
  }

  Value Update(const Value& prior, const testing::PlanResult& p) {
    return testing::UpdateThroughPlan(ws_, prior, p, az_.get());
  }

  WorkspaceResource ws_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(WorkspaceTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(ws_.GetSchema()).ok());
  for (const tf::Attribute& a : ws_.GetSchema().block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(WorkspaceTest, CreateIsSecureByDefault) {
  Value state = Create(BaseConfig());
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PUT");
  const nlohmann::json& body = writes[0].body;
  EXPECT_EQ(body["properties"]["publicNetworkAccess"], "Disabled");
  EXPECT_EQ(body["properties"]["hbiWorkspace"], true);
  EXPECT_EQ(body["properties"]["systemDatastoresAuthMode"], "Identity");
  EXPECT_EQ(body["identity"]["type"], "SystemAssigned");
  EXPECT_EQ(body["properties"]["storageAccount"], kStorage);
  EXPECT_FALSE(body["properties"].contains("encryption"));
  // GET before PUT: "already exists" must be detected.
  EXPECT_EQ(arm_->Requests()[0].method, "GET");

  EXPECT_EQ(state.GetString("id"), kWsId);
  EXPECT_EQ(state.GetBool("public_network_access_enabled"), false);
  EXPECT_EQ(state.GetString("storage_account_access_type"), "identity");
  EXPECT_EQ(state.GetString("location"), "East US");
  EXPECT_TRUE(state.GetAttr("identity").IsNull());
  EXPECT_TRUE(state.GetAttr("friendly_name").IsNull());
  EXPECT_EQ(state.GetString("workspace_id"),
            "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(state.GetString("identity_principal_id"), "pid-1");

  // Refresh finds no drift, and a re-plan is a no-op.
  EXPECT_EQ(Read(state), state);
  testing::PlanResult p = Plan(ws_, BaseConfig(), state, az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_EQ(p.planned, state);
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST_F(WorkspaceTest, CreateReadsNothingAfterItsWrite) {
  // The PUT's final read holds the new workspace: no GET follows it.
  Create(BaseConfig());
  std::vector<std::string> methods;
  for (const testing::RecordedRequest& r : arm_->Requests()) {
    methods.push_back(r.method);
  }
  EXPECT_THAT(methods, ::testing::ElementsAre("GET", "PUT"));
}

TEST_F(WorkspaceTest, CreateRefusesExistingWorkspace) {
  arm_->Seed(kWsId,
             {{"name", "ws1"}, {"properties", nlohmann::json::object()}});
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  EXPECT_TRUE(state.IsNull());
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), ::testing::HasSubstr("terraform import"));
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(WorkspaceTest, FailedCreateAfterAcceptKeepsId) {
  arm_->AddHook([](const testing::RecordedRequest& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "PUT") {
      azure::HttpResponse resp = FakeArm::Json(201, nlohmann::json::object());
      resp.headers.Set("Azure-AsyncOperation",
                       "https://management.azure.com/subscriptions/x/"
                       "providers/Microsoft.MachineLearningServices/locations/"
                       "eastus/operationStatuses/op1?api-version=2025-06-01");
      resp.headers.Set("Retry-After", "1");
      return resp;
    }
    if (absl::StrContains(r.path, "operationStatuses")) {
      return FakeArm::Json(
          200, {{"status", "Failed"},
                {"error", {{"code", "InternalError"}, {"message", "boom"}}}});
    }
    return std::nullopt;
  });
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  ASSERT_TRUE(diags.HasError());
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kWsId);
  EXPECT_TRUE(state.IsWhollyKnown());
}

// Found by the fault matrix (StopProvider / timeout before the PUT's
// answer): Azure created the workspace, so the state must track it.
TEST_F(WorkspaceTest, CreateWhoseAnswerIsLostKeepsId) {
  arm_->LoseAnswers(
      [](const testing::RecordedRequest& r) -> std::optional<absl::Status> {
        if (r.method != "PUT") return std::nullopt;
        return absl::CancelledError("stopped while the PUT was out");
      });
  tf::Diagnostics diags;
  Value state = Create(BaseConfig(), &diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(),
              ::testing::HasSubstr("Terraform stopped the operation"));
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kWsId);
  EXPECT_TRUE(state.IsWhollyKnown());
  EXPECT_TRUE(arm_->Get(kWsId).has_value());
}

TEST(WriteMayHaveLanded, OnlyWhenNoAnswerSettledIt) {
  EXPECT_TRUE(WriteMayHaveLanded(absl::CancelledError("stop")));
  EXPECT_TRUE(WriteMayHaveLanded(absl::DeadlineExceededError("late")));
  EXPECT_TRUE(WriteMayHaveLanded(absl::UnavailableError("reset")));
  EXPECT_FALSE(WriteMayHaveLanded(absl::InvalidArgumentError("400")));
  EXPECT_FALSE(WriteMayHaveLanded(absl::FailedPreconditionError("409")));
  EXPECT_FALSE(WriteMayHaveLanded(absl::UnauthenticatedError("401")));
}

TEST_F(WorkspaceTest, ReadHandlesGoneDriftAndCasing) {
  Value state = Create(BaseConfig());
  // AML lower-cases linked IDs: not drift.
  arm_->Mutate(kWsId, [](nlohmann::json& b) {
    b["properties"]["storageAccount"] = absl::AsciiStrToLower(
        b["properties"]["storageAccount"].get<std::string>());
    b["properties"]["applicationInsights"] = absl::AsciiStrToLower(
        b["properties"]["applicationInsights"].get<std::string>());
  });
  EXPECT_EQ(Read(state), state);
  // Opened to the internet out of band: drift.
  arm_->Mutate(kWsId, [](nlohmann::json& b) {
    b["properties"]["publicNetworkAccess"] = "Enabled";
  });
  EXPECT_EQ(Read(state).GetBool("public_network_access_enabled"), true);
  arm_->Remove(kWsId);
  EXPECT_TRUE(Read(state).IsNull());
}

TEST_F(WorkspaceTest, PublicAccessWarnsAtPlan) {
  auto config = BaseConfig();
  config["public_network_access_enabled"] = Value::Bool(true);
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError());
  EXPECT_TRUE(HasAttributeDiag(
      p.diagnostics, AttributePath::Root("public_network_access_enabled"),
      tf::Severity::kWarning));
}

TEST_F(WorkspaceTest, StandardRegistryBehindPrivateWorkspaceFailsPlan) {
  arm_->Seed(kAcr, {{"sku", {{"name", "Standard"}}},
                    {"properties", {{"publicNetworkAccess", "Enabled"}}}});
  auto config = BaseConfig();
  config["container_registry_id"] = Value::String(kAcr);
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("container_registry_id"),
                               tf::Severity::kError))
      << p.diagnostics.ToString();
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(WorkspaceTest, PrivateRegistryNeedsImageBuildCompute) {
  arm_->Seed(kAcr, {{"sku", {{"name", "Premium"}}},
                    {"properties", {{"publicNetworkAccess", "Disabled"}}}});
  auto config = BaseConfig();
  config["container_registry_id"] = Value::String(kAcr);
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("image_build_compute_name"),
                               tf::Severity::kError));
  EXPECT_FALSE(HasAttributeDiag(p.diagnostics,
                                AttributePath::Root("container_registry_id"),
                                tf::Severity::kError));
  config["image_build_compute_name"] = Value::String("cpu-cluster");
  p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  // Without a configured provider the check is skipped, not failed.
  config.erase("image_build_compute_name");
  p = Plan(ws_, config, Value::Null(Type()), nullptr);
  EXPECT_FALSE(p.diagnostics.HasError());
}

Value Encryption(const std::string& vault, const std::string& key) {
  tf::Type t =
      WorkspaceResource().GetSchema().ImpliedType().AttributeTypes().at(
          "encryption");
  return Value::Object(t, {{"key_vault_id", Value::String(vault)},
                           {"key_id", Value::String(key)}});
}

TEST_F(WorkspaceTest, CmkNeedsPurgeProtection) {
  arm_->Seed(kVault, {{"properties", {{"enableSoftDelete", true}}}});
  auto config = BaseConfig();
  config["encryption"] = Encryption(kVault, kKeyId);
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(
      p.diagnostics, AttributePath::Root("encryption").Attr("key_vault_id"),
      tf::Severity::kError))
      << p.diagnostics.ToString();

  arm_->Mutate(kVault, [](nlohmann::json& b) {
    b["properties"]["enablePurgeProtection"] = true;
  });
  p = Plan(ws_, config, Value::Null(Type()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
}

TEST_F(WorkspaceTest, KeyFromAnotherVaultFailsValidation) {
  auto config = BaseConfig();
  config["encryption"] =
      Encryption(kVault,
                 "https://othervault.vault.azure.net/keys/cmk/"
                 "0123456789abcdef0123456789abcdef");
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("encryption").Attr("key_id"),
                               tf::Severity::kError));
}

TEST_F(WorkspaceTest, BadNamesAndIdsFailPlan) {
  auto config = BaseConfig();
  config["name"] = Value::String("-bad name");
  config["storage_account_id"] = Value::String(kVault);  // wrong type
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("name"),
                               tf::Severity::kError));
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("storage_account_id"),
                               tf::Severity::kError));
}

TEST_F(WorkspaceTest, UpdatesInPlaceWithPatch) {
  arm_->Seed(kVault,
             {{"properties",
               {{"enableSoftDelete", true}, {"enablePurgeProtection", true}}}});
  auto config = BaseConfig();
  config["encryption"] = Encryption(kVault, kKeyId);
  Value state = Create(config);
  ASSERT_FALSE(state.IsNull());
  arm_->ClearRequests();

  config["description"] = Value::String("training");
  config["public_network_access_enabled"] = Value::Bool(true);
  config["tags"] = Value::StringMap({{"env", "dev"}});
  config["encryption"] = Encryption(
      kVault,
      "https://mlkv.vault.azure.net/keys/cmk/ffffffffffffffffffffffffffffffff");
  config["managed_network"] = Value::Object(
      ws_.GetSchema().ImpliedType().AttributeTypes().at("managed_network"),
      {{"isolation_mode", Value::String("AllowOnlyApprovedOutbound")}});
  testing::PlanResult p = Plan(ws_, config, state, az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  Value updated = Update(state, p);

  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PATCH");
  const nlohmann::json& body = writes[0].body;
  EXPECT_EQ(body["properties"]["description"], "training");
  EXPECT_EQ(body["properties"]["publicNetworkAccess"], "Enabled");
  EXPECT_EQ(body["properties"]["encryption"],
            nlohmann::json({{"keyVaultProperties",
                             {{"keyIdentifier",
                               "https://mlkv.vault.azure.net/keys/cmk/"
                               "ffffffffffffffffffffffffffffffff"}}}}));
  EXPECT_EQ(body["properties"]["managedNetwork"]["isolationMode"],
            "AllowOnlyApprovedOutbound");
  EXPECT_EQ(body["tags"]["env"], "dev");
  EXPECT_FALSE(body["properties"].contains("storageAccount"));
  EXPECT_FALSE(body.contains("identity"));
  EXPECT_EQ(updated.GetString("description"), "training");
  EXPECT_EQ(Read(updated), updated);

  // Clearing the description sends "" rather than leaving it.
  config.erase("description");
  p = Plan(ws_, config, updated, az_.get());
  arm_->ClearRequests();
  updated = Update(updated, p);
  EXPECT_EQ(arm_->Writes()[0].body["properties"]["description"], "");
  EXPECT_TRUE(updated.GetAttr("description").IsNull());
}

TEST_F(WorkspaceTest, ImmutablePropertiesForceReplacement) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["storage_account_id"] =
      Value::String(kRg + "Microsoft.Storage/storageAccounts/other");
  config["high_business_impact"] = Value::Bool(false);
  testing::PlanResult p = Plan(ws_, config, state, az_.get());
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("storage_account_id")));
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("high_business_impact")));
  EXPECT_TRUE(p.planned.GetAttr("workspace_id").IsUnknown());

  // Turning CMK on cannot be patched.
  config = BaseConfig();
  config["encryption"] = Encryption(kVault, kKeyId);
  p = Plan(ws_, config, state, nullptr);
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("encryption")));
  EXPECT_TRUE(p.planned.GetAttr("id").IsUnknown());

  // Another registry: in place. Removing one: replacement.
  config = BaseConfig();
  config.erase("application_insights_id");
  p = Plan(ws_, config, state, nullptr);
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("application_insights_id")));
  config = BaseConfig();
  config["application_insights_id"] =
      Value::String(kRg + "Microsoft.Insights/components/other");
  p = Plan(ws_, config, state, nullptr);
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST_F(WorkspaceTest, IdentityChangeIsPatched) {
  Value state = Create(BaseConfig());
  const std::string uai =
      kRg + "Microsoft.ManagedIdentity/userAssignedIdentities/ws-uai";
  auto config = BaseConfig();
  config["identity"] = Value::Object(
      ws_.GetSchema().ImpliedType().AttributeTypes().at("identity"),
      {{"type", Value::String("SystemAssigned,UserAssigned")},
       {"identity_ids", Value::StringSet({uai})}});
  testing::PlanResult p = Plan(ws_, config, state, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_TRUE(p.planned.GetAttr("identity_principal_id").IsUnknown());
  arm_->ClearRequests();
  Value updated = Update(state, p);
  const nlohmann::json body = arm_->Writes()[0].body;
  EXPECT_EQ(body["identity"]["type"], "SystemAssigned,UserAssigned");
  EXPECT_TRUE(body["identity"]["userAssignedIdentities"].contains(uai));
  EXPECT_EQ(updated.GetAttr("identity").GetAttr("identity_ids"),
            Value::StringSet({uai}));
}

TEST_F(WorkspaceTest, UserAssignedWithoutIdsFailsValidation) {
  auto config = BaseConfig();
  config["identity"] = Value::Object(
      ws_.GetSchema().ImpliedType().AttributeTypes().at("identity"),
      {{"type", Value::String("UserAssigned")}});
  testing::PlanResult p = Plan(ws_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(
      p.diagnostics, AttributePath::Root("identity").Attr("identity_ids"),
      tf::Severity::kError));
}

TEST_F(WorkspaceTest, DeletePurgesOnlyWhenAsked) {
  auto config = BaseConfig();
  config["purge_on_destroy"] = Value::Bool(true);
  Value state = Create(config);
  arm_->ClearRequests();
  core::DeleteRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  core::DeleteResponse resp;
  ws_.Delete(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  ASSERT_FALSE(arm_->Writes().empty());
  EXPECT_THAT(arm_->Writes()[0].query,
              ::testing::HasSubstr("forceToPurge=true"));
  EXPECT_FALSE(arm_->Get(kWsId).has_value());
  // Already gone: still success.
  core::DeleteResponse again;
  ws_.Delete(req, again);
  EXPECT_FALSE(again.diagnostics.HasError());
}

TEST_F(WorkspaceTest, ImportByIdAndMalformedId) {
  Value created = Create(BaseConfig());
  core::ImportRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.id = kWsId;
  core::ImportResponse resp;
  ws_.ImportState(req, resp);
  ASSERT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  EXPECT_EQ(resp.state.GetString("name"), "ws1");
  EXPECT_EQ(resp.state.GetString("resource_group_name"), "ml-rg");
  Value imported = Read(resp.state);
  EXPECT_EQ(imported.GetString("storage_account_id"), kStorage);
  EXPECT_EQ(imported.GetBool("high_business_impact"), true);
  EXPECT_EQ(imported.GetString("storage_account_access_type"), "identity");
  EXPECT_TRUE(imported.GetAttr("identity").IsNull());

  core::ImportResponse bad;
  req.id =
      "/subscriptions/x/resourceGroups/ml-rg/providers/"
      "Microsoft.Storage/storageAccounts/sa";
  ws_.ImportState(req, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());
  req.id = "ws1";
  core::ImportResponse bad2;
  ws_.ImportState(req, bad2);
  EXPECT_TRUE(bad2.diagnostics.HasError());
}

TEST(WorkspaceBodies, AuthModeMapping) {
  EXPECT_EQ(workspace_internal::AuthModeToArm("identity"), "Identity");
  EXPECT_EQ(workspace_internal::AuthModeToArm("access_key"), "AccessKey");
  EXPECT_EQ(workspace_internal::AuthModeToTerraform("UserDelegationSAS"),
            "user_delegation_sas");
}

}  // namespace
}  // namespace secureaml::resources
