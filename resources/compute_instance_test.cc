#include "resources/compute_instance.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

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
const std::string kCiId = kWsId + "/computes/ws1103ci1";
const char kUser[] = "11111111-2222-3333-4444-555555555555";
const char kTenant[] = "00000000-0000-0000-0000-0000000000aa";

class ComputeInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    arm_->Seed(kWsId, {{"location", "eastus"},
                       {"properties", {{"provisioningState", "Succeeded"}}}});
    arm_->Seed(kVnetId, {{"location", "eastus"}});
    // The service's read-only properties; secrets are kept here because the
    // SSH public key is not a secret for compute instances.
    arm_->OnPut([this](const std::string&, nlohmann::json& body) {
      auto& p = body["properties"];
      p["provisioningState"] = "Succeeded";
      p["properties"]["sshSettings"]["adminUserName"] = "azureuser";
      p["properties"]["sshSettings"]["sshPort"] = 50000;
      p["properties"]["connectivityEndpoints"] = {
          {"privateIpAddress", "10.0.1.10"}};
      p["properties"]["state"] = "Running";
      last_put_ = body;
    });
    // The spec's updateIdleShutdownSetting action changes the instance the
    // store holds; once it ran, GETs of the instance answer from here (a
    // hook cannot reach into the store).
    arm_->AddHook([this](const testing::RecordedRequest& r)
                      -> std::optional<azure::HttpResponse> {
      if (r.method == "POST" &&
          absl::EndsWith(r.path, "/updateIdleShutdownSetting")) {
        idle_posts_.push_back(r.body);
        last_put_["properties"]["properties"]["idleTimeBeforeShutdown"] =
            r.body["idleTimeBeforeShutdown"];
        return FakeArm::Json(200, nullptr);
      }
      if (r.method == "GET" && !idle_posts_.empty() && r.path == kCiId) {
        return FakeArm::Json(200, last_put_);
      }
      return std::nullopt;
    });
  }

  Type SchemaType() const { return ci_.GetSchema().ImpliedType(); }
  Type AttrType(const char* name) const {
    return SchemaType().AttributeTypes().at(name);
  }

  Value Schedule(const std::string& action, const std::string& cron) {
    return Value::Object(AttrType("schedules").ElementType(),
                         {{"action", Value::String(action)},
                          {"cron_expression", Value::String(cron)}});
  }

  std::map<std::string, Value> BaseConfig() {
    return {
        {"name", Value::String("ws1103ci1")},
        {"workspace_id", Value::String(kWsId)},
        {"location", Value::String("eastus")},
        {"vm_size", Value::String("Standard_DS3_v2")},
        {"subnet_id", Value::String(kSubnetId)},
        {"schedules", Value::List(AttrType("schedules").ElementType(), {})}};
  }

  Value Create(const std::map<std::string, Value>& config,
               tf::Diagnostics* diags_out = nullptr) {
    return testing::CreateThroughPlan(ci_, config, az_.get(), diags_out);
  }

  Value Read(const Value& state) {
    return testing::RefreshState(ci_, state, az_.get());
  }

  Value Update(const Value& prior, const testing::PlanResult& p) {
    return testing::UpdateThroughPlan(ci_, prior, p, az_.get());
  }

  ComputeInstanceResource ci_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
  std::vector<nlohmann::json> idle_posts_;
  nlohmann::json last_put_;
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

TEST_F(ComputeInstanceTest, SchemaIsValidAndDescribed) {
  EXPECT_TRUE(tf::ValidateSchema(ci_.GetSchema()).ok());
  ExpectDescribed(ci_.GetSchema().block);
}

TEST_F(ComputeInstanceTest, CreateIsPrivateWithoutSshByDefault) {
  Value state = Create(BaseConfig());
  ASSERT_FALSE(state.IsNull());
  EXPECT_TRUE(state.IsWhollyKnown()) << state.DebugString();
  EXPECT_EQ(state.GetString("id"), kCiId);
  EXPECT_TRUE(state.GetAttr("ssh").IsNull());
  EXPECT_EQ(state.GetString("private_ip_address"), "10.0.1.10");
  nlohmann::json put = arm_->Writes().back().body;
  const nlohmann::json& inner = put["properties"]["properties"];
  EXPECT_EQ(put["properties"]["computeType"], "ComputeInstance");
  EXPECT_EQ(put["properties"]["disableLocalAuth"], true);
  EXPECT_EQ(inner["enableNodePublicIp"], false);
  EXPECT_EQ(inner["sshSettings"]["sshPublicAccess"], "Disabled");
  EXPECT_EQ(inner["applicationSharingPolicy"], "Personal");
  EXPECT_EQ(Read(state), state);
}

TEST_F(ComputeInstanceTest, SshUserScheduleAndIdleShutdownRoundTrip) {
  auto config = BaseConfig();
  config["ssh"] = Value::Object(
      AttrType("ssh"), {{"public_key", Value::String("ssh-rsa AAAA")}});
  config["assigned_user"] = Value::Object(
      AttrType("assigned_user"), {{"object_id", Value::String(kUser)},
                                  {"tenant_id", Value::String(kTenant)}});
  config["idle_shutdown_after"] = Value::String("PT60M");
  config["schedules"] = Value::List(AttrType("schedules").ElementType(),
                                    {Schedule("Stop", "0 19 * * 1-5")});
  Value state = Create(config);
  ASSERT_FALSE(state.IsNull());
  EXPECT_TRUE(state.IsWhollyKnown()) << state.DebugString();
  EXPECT_EQ(state.GetAttr("ssh").GetString("admin_username"), "azureuser");
  EXPECT_EQ(state.GetAttr("ssh").GetInt("port"), 50000);
  nlohmann::json inner = arm_->Writes().back().body["properties"]["properties"];
  EXPECT_EQ(inner["sshSettings"]["sshPublicAccess"], "Enabled");
  EXPECT_EQ(
      inner["personalComputeInstanceSettings"]["assignedUser"]["objectId"],
      kUser);
  EXPECT_EQ(inner["idleTimeBeforeShutdown"], "PT60M");
  const nlohmann::json& s = inner["schedules"]["computeStartStop"][0];
  EXPECT_EQ(s["action"], "Stop");
  EXPECT_EQ(s["triggerType"], "Cron");
  EXPECT_EQ(s["cron"]["expression"], "0 19 * * 1-5");
  EXPECT_EQ(s["cron"]["timeZone"], "UTC");
  EXPECT_EQ(s["status"], "Enabled");
  EXPECT_EQ(Read(state), state);
  testing::PlanResult p = Plan(ci_, config, state, az_.get());
  EXPECT_EQ(p.planned, state);
}

TEST_F(ComputeInstanceTest, BadInputRejectedOnTheAttribute) {
  auto config = BaseConfig();
  config["idle_shutdown_after"] = Value::String("PT5M");
  config["subnet_id"] = Value::String("training");
  config["schedules"] = Value::List(
      AttrType("schedules").ElementType(),
      {Schedule("Stop", "0 19 * *"), Schedule("Pause", "0 7 * * *")});
  testing::PlanResult p =
      Plan(ci_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("idle_shutdown_after"),
                               tf::Severity::kError));
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("subnet_id"),
                               tf::Severity::kError));
  EXPECT_TRUE(arm_->Requests().empty());
  // Schedules are checked by ValidateConfig once attributes are valid.
  config = BaseConfig();
  config["schedules"] = Value::List(AttrType("schedules").ElementType(),
                                    {Schedule("Stop", "0 19 * *")});
  p = Plan(ci_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(
      p.diagnostics,
      AttributePath::Root("schedules").Index(0).Attr("cron_expression"),
      tf::Severity::kError))
      << p.diagnostics.ToString();
}

TEST_F(ComputeInstanceTest, CronExpressionShape) {
  using compute_instance_internal::IsCronExpression;
  EXPECT_TRUE(IsCronExpression("0 19 * * 1-5"));
  EXPECT_TRUE(IsCronExpression("*/15 8-18 * * MON-FRI"));
  EXPECT_FALSE(IsCronExpression("0 19 * *"));
  EXPECT_FALSE(IsCronExpression("0 19 * * * *"));
  EXPECT_FALSE(IsCronExpression("0 19 * * $(x)"));
}

TEST_F(ComputeInstanceTest, SubnetRequiredWithoutManagedNetwork) {
  auto config = BaseConfig();
  config.erase("subnet_id");
  testing::PlanResult p =
      Plan(ci_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("subnet_id"),
                               tf::Severity::kError));
  config["node_public_ip_enabled"] = Value::Bool(true);
  p = Plan(ci_, config, Value::Null(SchemaType()), az_.get());
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("node_public_ip_enabled"),
                               tf::Severity::kWarning));
}

TEST_F(ComputeInstanceTest, TagsAndSchedulesUpdateInPlaceWithPut) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["tags"] = Value::StringMap({{"env", "dev"}});
  config["schedules"] = Value::List(
      AttrType("schedules").ElementType(),
      {Schedule("Start", "0 7 * * 1-5"), Schedule("Stop", "0 19 * * 1-5")});
  testing::PlanResult p = Plan(ci_, config, state, az_.get());
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  Value updated = Update(state, p);
  auto writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].method, "PUT");
  EXPECT_EQ(writes[0].body["tags"]["env"], "dev");
  EXPECT_EQ(updated.GetAttr("schedules").Elements().size(), 2u);
  EXPECT_EQ(Read(updated), updated);
}

TEST_F(ComputeInstanceTest, IdleShutdownUsesTheActionAndRemovalReplaces) {
  auto config = BaseConfig();
  config["idle_shutdown_after"] = Value::String("PT30M");
  Value state = Create(config);
  config["idle_shutdown_after"] = Value::String("PT2H");
  testing::PlanResult p = Plan(ci_, config, state, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  Update(state, p);
  ASSERT_EQ(idle_posts_.size(), 1u);
  EXPECT_EQ(idle_posts_[0],
            (nlohmann::json{{"idleTimeBeforeShutdown", "PT2H"}}));
  for (const auto& w : arm_->Writes()) EXPECT_NE(w.method, "PUT");

  config.erase("idle_shutdown_after");
  p = Plan(ci_, config, state, az_.get());
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("idle_shutdown_after")));
}

TEST_F(ComputeInstanceTest, SshAndUserChangesForceReplacement) {
  Value state = Create(BaseConfig());
  auto config = BaseConfig();
  config["ssh"] = Value::Object(
      AttrType("ssh"), {{"public_key", Value::String("ssh-rsa BBBB")}});
  config["vm_size"] = Value::String("Standard_DS4_v2");
  testing::PlanResult p = Plan(ci_, config, state, az_.get());
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("ssh").Attr("public_key")));
  EXPECT_TRUE(ContainsPath(p.requires_replace, AttributePath::Root("vm_size")));
}

TEST_F(ComputeInstanceTest, ImportThenPlanHasNoChanges) {
  Value created = Create(BaseConfig());
  core::ImportRequest ireq;
  ireq.ctx = testing::Ctx(az_.get());
  ireq.id = kCiId;
  core::ImportResponse iresp;
  ci_.ImportState(ireq, iresp);
  ASSERT_FALSE(iresp.diagnostics.HasError()) << iresp.diagnostics.ToString();
  Value imported = Read(iresp.state);
  EXPECT_EQ(imported, created);
  testing::PlanResult p = Plan(ci_, BaseConfig(), imported, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned, imported);
}

TEST_F(ComputeInstanceTest, ReadOfAClusterIsRefused) {
  Value state = Create(BaseConfig());
  arm_->Mutate(kCiId, [](nlohmann::json& b) {
    b["properties"]["computeType"] = "AmlCompute";
  });
  core::ReadRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.current_state = state;
  core::ReadResponse resp;
  resp.new_state = state;
  ci_.Read(req, resp);
  EXPECT_TRUE(resp.diagnostics.HasError());
  EXPECT_THAT(resp.diagnostics.ToString(), HasSubstr("AmlCompute"));
}

}  // namespace
}  // namespace secureaml::resources
