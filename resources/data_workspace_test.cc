#include "resources/data_workspace.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/object_checks.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::FakeArm;
using testing::kTestSub;
using tf::Value;

const std::string kWs = absl::StrCat(
    "/subscriptions/", kTestSub,
    "/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/"
    "workspaces/ws1");

class DataWorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    arm_->Seed(kWs, {{"name", "ws1"},
                     {"location", "eastus"},
                     {"identity",
                      {{"type", "SystemAssigned"}, {"principalId", "pid"}}},
                     {"properties",
                      {{"publicNetworkAccess", "Disabled"},
                       {"hbiWorkspace", true},
                       {"systemDatastoresAuthMode", "Identity"},
                       {"storageAccount", "/subscriptions/x/sa"},
                       {"workspaceId", "guid"}}}});
  }

  core::ReadDataResponse Read(std::map<std::string, Value> attrs) {
    core::ReadDataRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.config = core::NormalizeBlockValue(
        ds_.GetSchema().block,
        Value::Object(ds_.GetSchema().ImpliedType(), std::move(attrs)));
    core::ReadDataResponse resp;
    ds_.Read(req, resp);
    return resp;
  }

  WorkspaceDataSource ds_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(DataWorkspaceTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(ds_.GetSchema()).ok());
}

TEST_F(DataWorkspaceTest, ReadsByNameOrId) {
  core::ReadDataResponse r =
      Read({{"name", Value::String("ws1")},
            {"resource_group_name", Value::String("ml-rg")}});
  ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  EXPECT_TRUE(r.state.IsWhollyKnown());
  EXPECT_EQ(r.state.GetString("id"), kWs);
  EXPECT_EQ(r.state.GetBool("public_network_access_enabled"), false);
  EXPECT_EQ(r.state.GetString("storage_account_access_type"), "identity");
  EXPECT_EQ(r.state.GetString("identity_principal_id"), "pid");

  r = Read({{"id", Value::String(kWs)}});
  ASSERT_FALSE(r.diagnostics.HasError());
  EXPECT_EQ(r.state.GetString("name"), "ws1");
  EXPECT_EQ(r.state.GetString("resource_group_name"), "ml-rg");
}

TEST_F(DataWorkspaceTest, MissingWorkspaceIsAnError) {
  core::ReadDataResponse r =
      Read({{"name", Value::String("nope")},
            {"resource_group_name", Value::String("ml-rg")}});
  EXPECT_TRUE(r.diagnostics.HasError());
}

TEST_F(DataWorkspaceTest, NeedsIdOrNameAndGroup) {
  core::ValidateConfigRequest req;
  req.config = core::NormalizeBlockValue(
      ds_.GetSchema().block, Value::Object(ds_.GetSchema().ImpliedType(),
                                           {{"name", Value::String("ws1")}}));
  core::ValidateConfigResponse resp;
  ds_.ValidateConfig(req, resp);
  EXPECT_TRUE(resp.diagnostics.HasError());
}

}  // namespace
}  // namespace secureaml::resources
