#include "tests/conformance/scenario.h"

#include "tests/conformance/emulator_process.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace secureaml::conformance {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

absl::StatusOr<json> Lookup(const std::string& ref) {
  if (ref == "secureaml_resource_group.rg.name") return json("rg-ml");
  if (ref == "secureaml_vnet.v.address_space") return json({"10.0.0.0/16"});
  return absl::NotFoundError("${" + ref + "}: resource not applied yet");
}

TEST(ResolveReferencesTest, WholeStringKeepsType) {
  auto out = ResolveReferences(
      json{{"rg", "${secureaml_resource_group.rg.name}"},
           {"space", "${secureaml_vnet.v.address_space}"},
           {"nested", {{"list", {"x-${secureaml_resource_group.rg.name}-y"}}}},
           {"n", 3}},
      Lookup);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["rg"], "rg-ml");
  EXPECT_EQ((*out)["space"], json({"10.0.0.0/16"}));
  EXPECT_EQ((*out)["nested"]["list"][0], "x-rg-ml-y");
  EXPECT_EQ((*out)["n"], 3);
}

TEST(ResolveReferencesTest, UnknownReferenceIsAnError) {
  auto out = ResolveReferences(json{{"a", "${secureaml_x.y.id}"}}, Lookup);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(std::string(out.status().message()),
              HasSubstr("not applied yet"));
  EXPECT_FALSE(ResolveReferences(json("${unterminated"), Lookup).ok());
}

TEST(ParseScenarioTest, DefaultsAndValidation) {
  auto s = ParseScenario(json::parse(R"({
    "provider": {"config": {"a": 1},
                 "config_from_env": {"subscription_id": "ARM_SUBSCRIPTION_ID"}},
    "emulator": {"landing_zone": true},
    "resources": [
      {"type": "secureaml_resource_group", "name": "rg",
       "config": {"name": "x"}, "update": {"name": "x", "tags": {"a": "b"}},
       "import_ignore": ["secret"]},
      {"data": true, "type": "secureaml_subscription", "name": "cur"}
    ]})"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->use_emulator);
  EXPECT_EQ(s->provider_config_from_env.at("subscription_id"),
            "ARM_SUBSCRIPTION_ID");
  ASSERT_EQ(s->resources.size(), 2u);
  EXPECT_EQ(s->resources[0].Address(), "secureaml_resource_group.rg");
  EXPECT_EQ(s->resources[1].Address(), "data.secureaml_subscription.cur");
  EXPECT_TRUE(s->resources[0].update.has_value());
  EXPECT_EQ(s->steps.size(), 6u);

  EXPECT_FALSE(
      ParseScenario(json::parse(R"({"resources": [{"type": "x"}]})")).ok());
  EXPECT_FALSE(
      ParseScenario(json::parse(R"({"resources": [], "steps": ["explode"]})"))
          .ok());
  EXPECT_FALSE(ParseScenario(json::parse(R"({"resources": [
      {"type": "t", "name": "a"}, {"type": "t", "name": "a"}]})"))
                   .ok());
}

TEST(DecodeConfigJsonTest, TerraformConfigRules) {
  ConfigBlock b;
  ConfigAttribute name;
  name.has_type = true;
  name.type = tf::Type::String();
  name.required = true;
  b.attributes["name"] = name;
  ConfigAttribute id;
  id.has_type = true;
  id.type = tf::Type::String();
  id.computed = true;
  b.attributes["id"] = id;
  ConfigAttribute tags;
  tags.has_type = true;
  tags.type = tf::Type::Map(tf::Type::String());
  tags.optional = true;
  b.attributes["tags"] = tags;
  ConfigNestedBlock rule;
  rule.nesting = ConfigNesting::kList;
  ConfigAttribute cidr = name;
  rule.block.attributes["cidr"] = cidr;
  b.block_types["rule"] = rule;

  std::vector<std::string> errors;
  auto v = DecodeConfigJson(
      b, json{{"name", "ws"}, {"rule", {{{"cidr", "10.0.0.0/8"}}}}}, &errors);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(v->GetAttr("name"), tf::Value::String("ws"));
  EXPECT_TRUE(v->GetAttr("tags").IsNull());
  EXPECT_TRUE(v->GetAttr("id").IsNull());
  ASSERT_EQ(v->GetAttr("rule").Elements().size(), 1u);

  auto empty = DecodeConfigJson(b, json{{"name", "ws"}}, &errors);
  ASSERT_TRUE(empty.ok());
  // Absent list blocks are empty lists, never null.
  EXPECT_FALSE(empty->GetAttr("rule").IsNull());
  EXPECT_EQ(empty->GetAttr("rule").Elements().size(), 0u);

  errors.clear();
  (void)DecodeConfigJson(b, json{{"id", "x"}, {"bogus", 1}}, &errors);
  EXPECT_THAT(
      errors,
      ::testing::UnorderedElementsAre(
          HasSubstr("Missing required argument"),
          HasSubstr("Unsupported argument: An argument named \"bogus\""),
          HasSubstr("Value for unconfigurable attribute")));
}

TEST(EnvFileTest, ParsesExports) {
  auto env = ParseEnvFile(
      "export ARM_METADATA_HOSTNAME=127.0.0.1:4443\n# c\nSSL_CERT_FILE='/a "
      "b'\n");
  EXPECT_EQ(env.at("ARM_METADATA_HOSTNAME"), "127.0.0.1:4443");
  EXPECT_EQ(env.at("SSL_CERT_FILE"), "/a b");
}

}  // namespace
}  // namespace secureaml::conformance
