#include "resources/provider.h"

#include <set>

#include "gtest/gtest.h"
#include "provider/value/schema.h"

namespace secureaml::resources {
namespace {

TEST(ProviderTest, SchemasPassTerraformsInternalValidate) {
  auto provider = NewProvider();
  EXPECT_EQ(provider->TypeName(), "secureaml");
  absl::Status s = tf::ValidateSchema(provider->GetSchema(), true);
  EXPECT_TRUE(s.ok()) << s;
  std::set<std::string> names;
  for (const auto& r : provider->Resources()) {
    EXPECT_TRUE(names.insert(r->TypeName()).second) << r->TypeName();
    EXPECT_EQ(r->TypeName().rfind("secureaml_", 0), 0u) << r->TypeName();
    absl::Status rs = tf::ValidateSchema(r->GetSchema());
    EXPECT_TRUE(rs.ok()) << r->TypeName() << ": " << rs;
  }
  for (const auto& d : provider->DataSources()) {
    absl::Status ds = tf::ValidateSchema(d->GetSchema());
    EXPECT_TRUE(ds.ok()) << d->TypeName() << ": " << ds;
  }
}

TEST(ProviderTest, SecretsAreSensitive) {
  auto provider = NewProvider();
  for (const char* name : {"client_secret", "client_certificate_password",
                           "oidc_token", "oidc_request_token"}) {
    const tf::Attribute* a = provider->GetSchema().block.FindAttribute(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_TRUE(a->sensitive) << name;
  }
}

TEST(ProviderTest, UnknownConfigurationDefersWithoutError) {
  auto provider = NewProvider();
  tf::Type type = provider->GetSchema().ImpliedType();
  std::map<std::string, tf::Value> attrs;
  attrs["subscription_id"] = tf::Value::Unknown(tf::Type::String());
  core::ConfigureRequest req;
  req.config = tf::Value::Object(type, attrs);
  core::ConfigureResponse resp;
  provider->Configure(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  EXPECT_EQ(resp.provider_data, nullptr);
}

TEST(ProviderTest, BadDurationIsAPlanTimeError) {
  auto provider = NewProvider();
  const tf::Attribute* a = provider->GetSchema().block.FindAttribute(
      "principal_replication_timeout");
  ASSERT_NE(a, nullptr);
  tf::Diagnostics diags;
  for (const auto& v : a->validators) {
    v(tf::Value::String("soon"), tf::AttributePath::Root(a->name), diags);
  }
  EXPECT_TRUE(diags.HasError());
}

}  // namespace
}  // namespace secureaml::resources
