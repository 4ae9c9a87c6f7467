#include "resources/role_definition.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/platform_knowledge.h"
#include "resources/common/validators.h"
#include "resources/role_assignment_test_fakes.h"

namespace secureaml::resources {
namespace {

using rbac_testing::ContainsPath;
using rbac_testing::FakeAzure;
using rbac_testing::kSub;
using ::testing::HasSubstr;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kScope = absl::StrCat("/subscriptions/", kSub);
const std::string kGuid = "11111111-2222-3333-4444-555555555555";

class RoleDefinitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeAzure>();
    az_ = arm_->ProviderData(arm_);
  }

  std::map<std::string, Value> PresetConfig() {
    return {{"scope", Value::String(kScope)},
            {"preset", Value::String("data_scientist")}};
  }

  rbac_testing::PlanResult Plan(std::map<std::string, Value> config,
                                const Value& prior = Value()) {
    return rbac_testing::Plan(res_, std::move(config),
                              prior.IsNull() ? Value() : prior, az_.get());
  }

  Value CreateOk(std::map<std::string, Value> config) {
    rbac_testing::PlanResult p = Plan(config);
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
    EXPECT_FALSE(a.diagnostics.HasError()) << a.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, a.state).empty());
    return a.state;
  }

  Value PermissionsBlock(std::vector<std::string> actions,
                         std::vector<std::string> not_actions = {}) {
    const tf::NestedBlock* b = res_.GetSchema().block.FindBlock("permissions");
    Type t = b->block.ImpliedType();
    std::map<std::string, Value> attrs{{"actions", Value::StringList(actions)}};
    if (!not_actions.empty()) {
      attrs["not_actions"] = Value::StringList(not_actions);
    }
    return Value::List(t, {Value::Object(t, std::move(attrs))});
  }

  RoleDefinitionResource res_;
  std::shared_ptr<FakeAzure> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(RoleDefinitionTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(res_.GetSchema()).ok());
  for (const tf::Attribute& a : res_.GetSchema().block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(RoleDefinitionTest, PresetPlansNameEffectiveListsAndScopes) {
  rbac_testing::PlanResult p = Plan(PresetConfig());
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  RolePreset preset = *FindRolePreset("data_scientist");
  EXPECT_EQ(p.planned.GetAttr("name"), Value::String(preset.role_name));
  EXPECT_EQ(p.planned.GetAttr("description"),
            Value::String(preset.description));
  EXPECT_EQ(p.planned.GetAttr("effective_actions"),
            Value::StringList(preset.permissions.actions));
  EXPECT_EQ(p.planned.GetAttr("effective_not_actions"),
            Value::StringList(preset.permissions.not_actions));
  EXPECT_EQ(p.planned.GetAttr("assignable_scopes"),
            Value::StringList({kScope}));
  // The GUID is chosen at create, not at plan.
  EXPECT_TRUE(p.planned.GetAttr("role_definition_id").IsUnknown());
  EXPECT_TRUE(p.planned.GetAttr("id").IsUnknown());
}

TEST_F(RoleDefinitionTest, ExplicitPermissionsExtendThePreset) {
  auto config = PresetConfig();
  config["permissions"] = PermissionsBlock(
      {"Microsoft.MachineLearningServices/workspaces/*/read",  // duplicate
       "Microsoft.Insights/components/read"});
  rbac_testing::PlanResult p = Plan(config);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  std::vector<std::string> want =
      FindRolePreset("data_scientist")->permissions.actions;
  want.push_back("Microsoft.Insights/components/read");
  EXPECT_EQ(p.planned.GetAttr("effective_actions"), Value::StringList(want));
}

TEST_F(RoleDefinitionTest, ConfiguredGuidGivesKnownIdAtPlan) {
  auto config = PresetConfig();
  config["role_definition_id"] = Value::String(kGuid);
  rbac_testing::PlanResult p = Plan(config);
  EXPECT_EQ(p.planned.GetAttr("id"),
            Value::String(absl::StrCat(
                kScope, "/providers/Microsoft.Authorization/roleDefinitions/",
                kGuid)));
}

TEST_F(RoleDefinitionTest, NeedsNameOrPresetAndSomePermissions) {
  rbac_testing::PlanResult p = Plan({{"scope", Value::String(kScope)}});
  EXPECT_TRUE(rbac_testing::HasAttributeError(p.diagnostics,
                                              AttributePath::Root("name")));
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      p.diagnostics, AttributePath::Root("permissions")));
}

TEST_F(RoleDefinitionTest, RejectsBadScopeAndGuid) {
  auto config = PresetConfig();
  config["scope"] = Value::String("subscriptions/abc");
  config["role_definition_id"] = Value::String("not-a-guid");
  rbac_testing::PlanResult p = Plan(config);
  EXPECT_TRUE(rbac_testing::HasAttributeError(p.diagnostics,
                                              AttributePath::Root("scope")));
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      p.diagnostics, AttributePath::Root("role_definition_id")));
}

TEST_F(RoleDefinitionTest, CreateSendsTheRoleAndWaitsUntilReadable) {
  arm_->definition_replication_reads = 4;
  Value state = CreateOk(PresetConfig());
  std::string guid = *state.GetString("role_definition_id");
  EXPECT_TRUE(IsGuid(guid));
  std::string id = absl::StrCat(
      kScope, "/providers/Microsoft.Authorization/roleDefinitions/", guid);
  EXPECT_EQ(state.GetAttr("id"), Value::String(id));
  EXPECT_EQ(state.GetAttr("role_definition_resource_id"), Value::String(id));

  std::vector<rbac_testing::Request> reqs = arm_->Requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_THAT(reqs[0].query, HasSubstr("api-version=2022-04-01"));
  const nlohmann::json& props = reqs[0].body["properties"];
  EXPECT_EQ(props["roleName"], "AML Data Scientist");
  EXPECT_EQ(props["type"], "CustomRole");
  EXPECT_EQ(props["assignableScopes"], nlohmann::json::array({kScope}));
  EXPECT_EQ(
      props["permissions"][0]["actions"],
      nlohmann::json(FindRolePreset("data_scientist")->permissions.actions));
  // 4 replication 404s, then the consecutive successful reads.
  int gets = 0;
  for (const auto& r : reqs) gets += r.method == "GET";
  EXPECT_EQ(gets, 4 + RoleDefinitionResource::kConsecutiveReads);
  // Retried with backoff, not spinning.
  EXPECT_GT(arm_->time().TotalSlept(), absl::ZeroDuration());
}

TEST_F(RoleDefinitionTest, ReplanAfterCreateIsNoOp) {
  Value state = CreateOk(PresetConfig());
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  ASSERT_FALSE(read.diagnostics.HasError()) << read.diagnostics.ToString();
  EXPECT_EQ(read.state, state);
  rbac_testing::PlanResult p = Plan(PresetConfig(), read.state);
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.no_op) << p.planned.DebugString() << "\n"
                       << read.state.DebugString();
}

TEST_F(RoleDefinitionTest, DescriptionAndPermissionsUpdateInPlace) {
  Value state = CreateOk(PresetConfig());
  auto config = PresetConfig();
  config["description"] = Value::String("Our data scientists");
  config["permissions"] =
      PermissionsBlock({"Microsoft.Insights/components/read"});
  rbac_testing::PlanResult p = Plan(config, state);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  rbac_testing::Applied u = rbac_testing::Update(res_, state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  EXPECT_TRUE(core::CheckCompatible(p.planned, u.state).empty());
  std::vector<rbac_testing::Request> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PUT");
  EXPECT_THAT(writes[0].path,
              HasSubstr(*state.GetString("role_definition_id")));
  EXPECT_EQ(writes[0].body["properties"]["description"], "Our data scientists");
  EXPECT_THAT(writes[0].body["properties"]["permissions"][0]["actions"].dump(),
              HasSubstr("Microsoft.Insights/components/read"));
}

TEST_F(RoleDefinitionTest, ScopeAndGuidChangesReplace) {
  Value state = CreateOk(PresetConfig());
  auto config = PresetConfig();
  config["scope"] = Value::String(kScope + "/resourceGroups/ml");
  config["role_definition_id"] = Value::String(kGuid);
  rbac_testing::PlanResult p = Plan(config, state);
  EXPECT_TRUE(ContainsPath(p.requires_replace, AttributePath::Root("scope")));
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("role_definition_id")));
}

TEST_F(RoleDefinitionTest, DriftInPermissionsPlansAnUpdate) {
  Value state = CreateOk(PresetConfig());
  arm_->Mutate(*state.GetString("id"), [](nlohmann::json& b) {
    b["properties"]["permissions"][0]["actions"].push_back("*");
  });
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  ASSERT_FALSE(read.diagnostics.HasError());
  rbac_testing::PlanResult p = Plan(PresetConfig(), read.state);
  EXPECT_FALSE(p.no_op);
  EXPECT_TRUE(p.requires_replace.empty());
}

TEST_F(RoleDefinitionTest, DeletedOutOfBandLeavesState) {
  Value state = CreateOk(PresetConfig());
  arm_->Remove(*state.GetString("id"));
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  EXPECT_FALSE(read.diagnostics.HasError());
  EXPECT_TRUE(read.state.IsNull());
}

TEST_F(RoleDefinitionTest, DeleteRemovesAndToleratesNotFound) {
  Value state = CreateOk(PresetConfig());
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
  EXPECT_FALSE(arm_->Get(*state.GetString("id")).has_value());
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
}

TEST_F(RoleDefinitionTest, DeleteRetriesWhileAssignmentsLinger) {
  Value state = CreateOk(PresetConfig());
  int refusals = 2;
  arm_->AddHook([&](const rbac_testing::Request& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "DELETE" && refusals > 0) {
      --refusals;
      return FakeAzure::Error(400, "RoleDefinitionHasAssignments",
                              "There are existing role assignments.");
    }
    return std::nullopt;
  });
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
  EXPECT_EQ(refusals, 0);
}

TEST_F(RoleDefinitionTest, ImportOfAPresetRolePlansClean) {
  Value state = CreateOk(PresetConfig());
  rbac_testing::Applied imported =
      rbac_testing::Import(res_, *state.GetString("id"), az_.get());
  ASSERT_FALSE(imported.diagnostics.HasError())
      << imported.diagnostics.ToString();
  EXPECT_EQ(imported.state.GetAttr("preset"), Value::String("data_scientist"));
  EXPECT_EQ(imported.state.GetAttr("scope"), Value::String(kScope));
  rbac_testing::PlanResult p = Plan(PresetConfig(), imported.state);
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.no_op) << p.planned.DebugString() << "\n"
                       << imported.state.DebugString();
}

TEST_F(RoleDefinitionTest, ImportOfACustomRoleFillsPermissions) {
  auto config = std::map<std::string, Value>{
      {"scope", Value::String(kScope)},
      {"name", Value::String("Reader of things")},
      {"permissions", PermissionsBlock({"Microsoft.Resources/*/read"})}};
  Value state = CreateOk(config);
  rbac_testing::Applied imported = rbac_testing::Import(
      res_,
      absl::StrCat("/providers/Microsoft.Authorization/roleDefinitions/",
                   *state.GetString("role_definition_id"), "|", kScope),
      az_.get());
  ASSERT_FALSE(imported.diagnostics.HasError())
      << imported.diagnostics.ToString();
  EXPECT_TRUE(imported.state.GetAttr("preset").IsNull());
  rbac_testing::PlanResult p = Plan(config, imported.state);
  EXPECT_TRUE(p.no_op) << p.planned.DebugString() << "\n"
                       << imported.state.DebugString();
}

TEST_F(RoleDefinitionTest, MalformedImportIdIsExplained) {
  rbac_testing::Applied a =
      rbac_testing::Import(res_, "/subscriptions/x/roleDefinitions", az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(),
              HasSubstr("/providers/Microsoft.Authorization/roleDefinitions/"));
  a = rbac_testing::Import(
      res_,
      absl::StrCat("/providers/Microsoft.Authorization/roleDefinitions/",
                   kGuid),
      az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr("|"));
}

TEST_F(RoleDefinitionTest, UnreadableAfterCreateKeepsStateAndErrors) {
  arm_->definition_replication_reads = 1000000;
  rbac_testing::PlanResult p = Plan(PresetConfig());
  rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
  EXPECT_TRUE(a.diagnostics.HasError());
  ASSERT_TRUE(a.state.IsKnown());
  EXPECT_TRUE(a.state.GetString("id").has_value());
}

TEST(AuthorizationIdTest, ParsesScopes) {
  auto id = ParseAuthorizationId(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/"
      "roleAssignments/11111111-2222-3333-4444-555555555555",
      "roleAssignments");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->scope, "/subscriptions/s/resourceGroups/rg");
  EXPECT_EQ(id->name, "11111111-2222-3333-4444-555555555555");
  auto mg = ParseAuthorizationId(
      "/providers/Microsoft.Management/managementGroups/mg/providers/"
      "microsoft.authorization/roleDefinitions/"
      "11111111-2222-3333-4444-555555555555",
      "roleDefinitions");
  ASSERT_TRUE(mg.ok()) << mg.status();
  EXPECT_EQ(mg->scope, "/providers/Microsoft.Management/managementGroups/mg");
  EXPECT_FALSE(ParseAuthorizationId("/subscriptions/s/providers/"
                                    "Microsoft.Authorization/roleDefinitions/x",
                                    "roleDefinitions")
                   .ok());
}

TEST(MergeActionsTest, KeepsOrderAndDropsCaseDuplicates) {
  EXPECT_EQ(MergeActions({"a/read", "B/write"}, {"b/WRITE", "c/x"}),
            (std::vector<std::string>{"a/read", "B/write", "c/x"}));
  EXPECT_TRUE(SameActions({"a", "B"}, {"b", "A"}));
  EXPECT_FALSE(SameActions({"a"}, {"a", "b"}));
}

}  // namespace
}  // namespace secureaml::resources
