#include "resources/data_role_preset.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/object_checks.h"
#include "provider/value/schema.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {
namespace {

using tf::Value;

Value Read(const RolePresetDataSource& ds, const std::string& name,
           tf::Diagnostics* diags) {
  core::ReadDataRequest req;
  req.config = core::NormalizeBlockValue(
      ds.GetSchema().block, Value::Object(ds.GetSchema().ImpliedType(),
                                          {{"name", Value::String(name)}}));
  core::ReadDataResponse resp;
  ds.Read(req, resp);
  *diags = resp.diagnostics;
  return resp.state;
}

TEST(RolePresetDataSourceTest, SchemaIsValid) {
  RolePresetDataSource ds;
  EXPECT_TRUE(tf::ValidateSchema(ds.GetSchema()).ok());
}

TEST(RolePresetDataSourceTest, PublishesEveryPreset) {
  RolePresetDataSource ds;
  for (const RolePreset& p : AllRolePresets()) {
    tf::Diagnostics diags;
    Value v = Read(ds, p.name, &diags);
    ASSERT_FALSE(diags.HasError()) << diags.ToString();
    EXPECT_TRUE(v.IsWhollyKnown());
    EXPECT_EQ(v.GetAttr("role_name"), Value::String(p.role_name));
    EXPECT_EQ(v.GetAttr("description"), Value::String(p.description));
    EXPECT_EQ(v.GetStringList("actions"), p.permissions.actions);
    EXPECT_EQ(v.GetStringList("not_actions"), p.permissions.not_actions);
    EXPECT_EQ(v.GetStringList("data_actions"), p.permissions.data_actions);
    EXPECT_EQ(v.GetStringList("not_data_actions"),
              p.permissions.not_data_actions);
  }
}

TEST(RolePresetDataSourceTest, UnknownPresetIsAnAttributeError) {
  RolePresetDataSource ds;
  tf::Diagnostics diags;
  Read(ds, "owner", &diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), ::testing::HasSubstr("data_scientist"));
}

}  // namespace
}  // namespace secureaml::resources
