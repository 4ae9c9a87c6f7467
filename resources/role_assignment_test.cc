#include "resources/role_assignment.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/validators.h"
#include "resources/role_assignment_test_fakes.h"
#include "resources/role_definition.h"

namespace secureaml::resources {
namespace {

using rbac_testing::ContainsPath;
using rbac_testing::FakeAzure;
using rbac_testing::kSub;
using ::testing::HasSubstr;
using tf::AttributePath;
using tf::Value;

const std::string kScope =
    absl::StrCat("/subscriptions/", kSub,
                 "/resourceGroups/ml/providers/"
                 "Microsoft.MachineLearningServices/workspaces/ws1");
const std::string kRole =
    absl::StrCat("/subscriptions/", kSub,
                 "/providers/Microsoft.Authorization/roleDefinitions/"
                 "f6c7c914-8db3-469d-8ca1-694a8f32e121");
const std::string kPrincipal = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const std::string kName = "12345678-1234-1234-1234-123456789abc";

class RoleAssignmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeAzure>();
    az_ = arm_->ProviderData(arm_);
  }

  std::map<std::string, Value> Config() {
    return {{"scope", Value::String(kScope)},
            {"role_definition_id", Value::String(kRole)},
            {"principal_id", Value::String(kPrincipal)}};
  }

  rbac_testing::PlanResult Plan(std::map<std::string, Value> config,
                                const Value& prior = Value()) {
    return rbac_testing::Plan(res_, std::move(config), prior, az_.get());
  }

  Value CreateOk(std::map<std::string, Value> config) {
    rbac_testing::PlanResult p = Plan(config);
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
    EXPECT_FALSE(a.diagnostics.HasError()) << a.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, a.state).empty());
    return a.state;
  }

  RoleAssignmentResource res_;
  std::shared_ptr<FakeAzure> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(RoleAssignmentTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(res_.GetSchema()).ok());
  for (const tf::Attribute& a : res_.GetSchema().block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(RoleAssignmentTest, CreateSendsBodyAndReadsBack) {
  arm_->AddPrincipal(kPrincipal);
  auto config = Config();
  config["description"] = Value::String("data scientists");
  Value state = CreateOk(config);
  std::string name = *state.GetString("name");
  EXPECT_TRUE(IsGuid(name));
  EXPECT_EQ(state.GetAttr("id"),
            Value::String(absl::StrCat(
                kScope, "/providers/Microsoft.Authorization/roleAssignments/",
                name)));
  EXPECT_EQ(state.GetAttr("principal_type"), Value::String("User"));
  std::vector<rbac_testing::Request> w = arm_->Writes();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].body["properties"]["roleDefinitionId"], kRole);
  EXPECT_EQ(w[0].body["properties"]["principalId"], kPrincipal);
  EXPECT_EQ(w[0].body["properties"]["description"], "data scientists");
  EXPECT_FALSE(w[0].body["properties"].contains("principalType"));
}

TEST_F(RoleAssignmentTest, WaitsForAPrincipalCreatedMomentsAgo) {
  arm_->AddPrincipal(kPrincipal, arm_->time().Now() + absl::Seconds(40));
  absl::Time start = arm_->time().Now();
  Value state = CreateOk(Config());
  EXPECT_TRUE(state.IsKnown());
  absl::Duration took = arm_->time().Now() - start;
  EXPECT_GE(took, absl::Seconds(40));
  EXPECT_LT(took, absl::Minutes(2));
}

TEST_F(RoleAssignmentTest, MissingPrincipalFailsWithinItsBound) {
  auto config = Config();
  config["principal_replication_timeout"] = Value::String("30s");
  rbac_testing::PlanResult p = Plan(config);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  absl::Time start = arm_->time().Now();
  rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
  absl::Duration took = arm_->time().Now() - start;
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_TRUE(a.state.IsNull());  // nothing was created
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      a.diagnostics, AttributePath::Root("principal_id")));
  std::string text = a.diagnostics.ToString();
  EXPECT_THAT(text, HasSubstr(kPrincipal));
  EXPECT_THAT(text, HasSubstr("probably does not exist"));
  EXPECT_GE(took, absl::Seconds(20));  // backoff may stop short of it
  EXPECT_LE(took, absl::Seconds(30 + 15));
}

TEST_F(RoleAssignmentTest, ProviderDefaultBoundsTheRetryNotTheTimeout) {
  az_->principal_replication_timeout = absl::Minutes(3);
  absl::Time start = arm_->time().Now();
  rbac_testing::Applied a =
      rbac_testing::Create(res_, Plan(Config()), az_.get());
  absl::Duration took = arm_->time().Now() - start;
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr("3m"));
  EXPECT_GE(took, absl::Minutes(2));
  EXPECT_LE(took, absl::Minutes(4));
}

TEST_F(RoleAssignmentTest, ExistingAssignmentIsReportedWithImportCommand) {
  arm_->AddPrincipal(kPrincipal);
  auto config = Config();
  config["name"] = Value::String(kName);
  Value existing = CreateOk(config);
  rbac_testing::Applied a =
      rbac_testing::Create(res_, Plan(Config()), az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_TRUE(a.state.IsNull());
  std::string text = a.diagnostics.ToString();
  EXPECT_THAT(text, HasSubstr(absl::StrCat("terraform import "
                                           "secureaml_role_assignment.<NAME> ",
                                           *existing.GetString("id"))));
}

TEST_F(RoleAssignmentTest, ExistingAssignmentIsFoundByListingWhenUnnamed) {
  arm_->AddPrincipal(kPrincipal);
  auto config = Config();
  config["name"] = Value::String(kName);
  Value existing = CreateOk(config);
  // Older responses do not name the existing assignment.
  arm_->AddHook(
      [](const rbac_testing::Request& r) -> std::optional<azure::HttpResponse> {
        if (r.method == "PUT") {
          return FakeAzure::Error(409, "RoleAssignmentExists",
                                  "The role assignment already exists.");
        }
        return std::nullopt;
      });
  rbac_testing::Applied a =
      rbac_testing::Create(res_, Plan(Config()), az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr(*existing.GetString("id")));
  bool listed = false;
  for (const auto& r : arm_->Requests()) {
    if (r.method == "GET" && absl::EndsWith(r.path, "roleAssignments")) {
      listed = true;
      EXPECT_THAT(r.query, HasSubstr("principalId"));
    }
  }
  EXPECT_TRUE(listed);
}

TEST_F(RoleAssignmentTest, ReplanIsNoOpAndDescriptionUpdatesInPlace) {
  arm_->AddPrincipal(kPrincipal);
  Value state = CreateOk(Config());
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  ASSERT_FALSE(read.diagnostics.HasError());
  EXPECT_TRUE(Plan(Config(), read.state).no_op);

  auto config = Config();
  config["description"] = Value::String("new");
  config["condition"] = Value::String(
      "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:"
      "name] StringEquals 'training'");
  rbac_testing::PlanResult p = Plan(config, read.state);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned.GetAttr("condition_version"), Value::String("2.0"));
  arm_->ClearRequests();
  rbac_testing::Applied u =
      rbac_testing::Update(res_, read.state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  ASSERT_EQ(arm_->Writes().size(), 1u);
  EXPECT_EQ(arm_->Writes()[0].body["properties"]["description"], "new");
  EXPECT_EQ(arm_->Writes()[0].body["properties"]["conditionVersion"], "2.0");
  read = rbac_testing::Read(res_, u.state, az_.get());
  EXPECT_TRUE(Plan(config, read.state).no_op);
}

TEST_F(RoleAssignmentTest, IdentityChangesReplace) {
  arm_->AddPrincipal(kPrincipal);
  Value state = CreateOk(Config());
  auto config = Config();
  config["principal_id"] = Value::String(kName);
  config["principal_type"] = Value::String("Group");
  rbac_testing::PlanResult p = Plan(config, state);
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("principal_id")));
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("principal_type")));
}

TEST_F(RoleAssignmentTest, TimeoutOnlyChangeDoesNotCallAzure) {
  arm_->AddPrincipal(kPrincipal);
  Value state = CreateOk(Config());
  auto config = Config();
  config["principal_replication_timeout"] = Value::String("10m");
  rbac_testing::PlanResult p = Plan(config, state);
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  rbac_testing::Applied u = rbac_testing::Update(res_, state, p, az_.get());
  EXPECT_FALSE(u.diagnostics.HasError());
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(RoleAssignmentTest, SubscriptionLevelRoleIdFromAzureIsNoDiff) {
  arm_->AddPrincipal(kPrincipal);
  // Configured at the resource-group scope; Azure reports it at subscription.
  auto config = Config();
  config["role_definition_id"] = Value::String(absl::StrCat(
      "/subscriptions/", kSub,
      "/resourceGroups/ml/providers/Microsoft.Authorization/roleDefinitions/"
      "f6c7c914-8db3-469d-8ca1-694a8f32e121"));
  Value state = CreateOk(config);
  arm_->Mutate(*state.GetString("id"), [](nlohmann::json& b) {
    b["properties"]["roleDefinitionId"] = kRole;
  });
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  EXPECT_TRUE(Plan(config, read.state).no_op);
}

TEST_F(RoleAssignmentTest, ImportReadsEverythingAndPlansClean) {
  arm_->AddPrincipal(kPrincipal);
  Value state = CreateOk(Config());
  rbac_testing::Applied imported =
      rbac_testing::Import(res_, *state.GetString("id"), az_.get());
  ASSERT_FALSE(imported.diagnostics.HasError())
      << imported.diagnostics.ToString();
  EXPECT_EQ(imported.state.GetAttr("principal_id"), Value::String(kPrincipal));
  EXPECT_EQ(imported.state.GetAttr("role_definition_id"), Value::String(kRole));
  EXPECT_TRUE(Plan(Config(), imported.state).no_op);
}

TEST_F(RoleAssignmentTest, MalformedImportIdIsExplained) {
  rbac_testing::Applied a = rbac_testing::Import(res_, "abc", az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(),
              HasSubstr("/providers/Microsoft.Authorization/roleAssignments/"));
}

TEST_F(RoleAssignmentTest, GoneIsRemovedAndDeleteIsIdempotent) {
  arm_->AddPrincipal(kPrincipal);
  Value state = CreateOk(Config());
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
  EXPECT_TRUE(rbac_testing::Read(res_, state, az_.get()).state.IsNull());
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
}

TEST_F(RoleAssignmentTest, ConditionVersionNeedsCondition) {
  auto config = Config();
  config["condition_version"] = Value::String("2.0");
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      Plan(config).diagnostics, AttributePath::Root("condition_version")));
  config = Config();
  config["principal_replication_timeout"] = Value::String("soon");
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      Plan(config).diagnostics,
      AttributePath::Root("principal_replication_timeout")));
}

TEST(ExistingAssignmentGuidTest, ParsesTheHexId) {
  EXPECT_EQ(ExistingAssignmentGuidFromMessage(
                "The role assignment already exists. The ID of the existing "
                "role assignment is 0123456789ABCDEF0123456789abcdef."),
            "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_EQ(ExistingAssignmentGuidFromMessage("The role assignment already "
                                              "exists."),
            std::nullopt);
}

}  // namespace
}  // namespace secureaml::resources
