#include "resources/datastore.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::ContainsPath;
using testing::FakeArm;
using testing::kTestSub;
using testing::Plan;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kRg = absl::StrCat("/subscriptions/", kTestSub,
                                     "/resourceGroups/ml-rg/providers/");
const std::string kWs =
    kRg + "Microsoft.MachineLearningServices/workspaces/ws1";
const std::string kSa = kRg + "Microsoft.Storage/storageAccounts/mldata";
const std::string kId = kWs + "/datastores/training_data";

class DatastoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
  }

  std::map<std::string, Value> Config(const std::string& type = "blob") {
    return {{"name", Value::String("training_data")},
            {"workspace_id", Value::String(kWs)},
            {"datastore_type", Value::String(type)},
            {"storage_account_id", Value::String(kSa)},
            {"container_name", Value::String("training")}};
  }

  Value Create(const std::map<std::string, Value>& config) {
    testing::PlanResult p = Plan(ds_, config, Value::Null(Type()), az_.get());
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    core::CreateRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.config = p.planned;
    req.planned_state = p.planned;
    core::CreateResponse resp;
    ds_.Create(req, resp);
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
    ds_.Read(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    return resp.new_state;
  }

  DatastoreResource ds_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(DatastoreTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(ds_.GetSchema()).ok());
}

TEST_F(DatastoreTest, BlobIsIdentityBasedAndSkipsValidation) {
  Value state = Create(Config());
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_THAT(writes[0].query, ::testing::HasSubstr("skipValidation=true"));
  const nlohmann::json& p = writes[0].body["properties"];
  EXPECT_EQ(p["datastoreType"], "AzureBlob");
  EXPECT_EQ(p["accountName"], "mldata");
  EXPECT_EQ(p["containerName"], "training");
  EXPECT_EQ(p["credentials"], nlohmann::json({{"credentialsType", "None"}}));
  EXPECT_EQ(p["serviceDataAccessAuthIdentity"],
            "WorkspaceSystemAssignedIdentity");
  EXPECT_EQ(p["endpoint"], "core.windows.net");
  EXPECT_EQ(state.GetString("id"), kId);
  EXPECT_EQ(Read(state), state);
  EXPECT_EQ(Plan(ds_, Config(), state, az_.get()).planned, state);
}

TEST_F(DatastoreTest, AdlsGen2UsesFilesystem) {
  Create(Config("adls_gen2"));
  const nlohmann::json p = arm_->Writes()[0].body["properties"];
  EXPECT_EQ(p["datastoreType"], "AzureDataLakeGen2");
  EXPECT_EQ(p["filesystem"], "training");
  EXPECT_FALSE(p.contains("containerName"));
}

TEST_F(DatastoreTest, CredentialDriftIsPlannedAway) {
  Value state = Create(Config());
  arm_->Mutate(kId, [](nlohmann::json& b) {
    b["properties"]["credentials"] = {{"credentialsType", "AccountKey"}};
  });
  Value refreshed = Read(state);
  EXPECT_EQ(refreshed.GetString("credentials_type"), "AccountKey");
  testing::PlanResult p = Plan(ds_, Config(), refreshed, az_.get());
  EXPECT_EQ(p.planned.GetString("credentials_type"), "None");
  EXPECT_TRUE(p.requires_replace.empty());
  core::UpdateRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = refreshed;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  ds_.Update(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError());
  EXPECT_EQ(resp.new_state.GetString("credentials_type"), "None");
}

TEST_F(DatastoreTest, DescriptionUpdatesInPlaceContainerReplaces) {
  Value state = Create(Config());
  auto config = Config();
  config["description"] = Value::String("curated");
  config["service_data_identity"] = Value::String("None");
  testing::PlanResult p = Plan(ds_, config, state, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  config["container_name"] = Value::String("other");
  p = Plan(ds_, config, state, az_.get());
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("container_name")));
}

TEST_F(DatastoreTest, ReadDeletedAndImport) {
  Value state = Create(Config());
  core::ImportRequest req;
  req.id = kId;
  core::ImportResponse resp;
  ds_.ImportState(req, resp);
  ASSERT_FALSE(resp.diagnostics.HasError());
  Value imported = Read(resp.state);
  EXPECT_EQ(imported.GetString("storage_account_id"), kSa);
  EXPECT_EQ(imported.GetString("workspace_id"), kWs);
  EXPECT_EQ(imported.GetString("datastore_type"), "blob");

  req.id = kWs;
  core::ImportResponse bad;
  ds_.ImportState(req, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());

  arm_->Remove(kId);
  EXPECT_TRUE(Read(state).IsNull());
}

}  // namespace
}  // namespace secureaml::resources
