#include "provider/value/schema.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace secureaml::tf {
namespace {

using ::testing::HasSubstr;

Block NetworkBlock() {
  Block b;
  b.description = "Network rule.";
  b.attributes = {Attribute::Required("cidr", Type::String(), "CIDR.")};
  return b;
}

Schema GoodSchema() {
  Schema s;
  s.block.description = "An Azure ML workspace.";
  s.block.attributes = {
      Attribute::Required("name", Type::String(), "Workspace name.").ForceNew(),
      Attribute::Computed("id", Type::String(), "ARM resource ID.")
          .UseStateForUnknown(),
      Attribute::Optional("public_network_access_enabled", Type::Bool(),
                          "Allow access from the public internet.")
          .WithDefault(Value::Bool(false)),
      Attribute::Optional("tags", Type::Map(Type::String()), "Tags."),
  };
  s.block.blocks = {
      NestedBlock::List("network_rule", NetworkBlock(), 0, 10),
      NestedBlock::Set("ip_rule", NetworkBlock()),
      NestedBlock::Single("identity", NetworkBlock()),
  };
  return s;
}

TEST(SchemaTest, FactoriesAndModes) {
  Attribute a = Attribute::Optional("x", Type::Bool(), "d");
  EXPECT_TRUE(a.IsOptional());
  EXPECT_FALSE(a.IsComputed());
  a.WithDefault(Value::Bool(true));
  EXPECT_EQ(a.mode, AttributeMode::kOptionalComputed);
  EXPECT_TRUE(a.IsComputed());
  EXPECT_TRUE(Attribute::Required("r", Type::String(), "d").IsRequired());
  EXPECT_TRUE(
      Attribute::Computed("c", Type::String(), "d").Sensitive().sensitive);
  EXPECT_TRUE(
      Attribute::OptionalComputed("oc", Type::String(), "d").IsOptional());
}

TEST(SchemaTest, ImpliedType) {
  Schema s = GoodSchema();
  Type obj = Type::Object({{"cidr", Type::String()}});
  EXPECT_EQ(s.ImpliedType(),
            Type::Object({{"name", Type::String()},
                          {"id", Type::String()},
                          {"public_network_access_enabled", Type::Bool()},
                          {"tags", Type::Map(Type::String())},
                          {"network_rule", Type::List(obj)},
                          {"ip_rule", Type::Set(obj)},
                          {"identity", obj}}));
  NestedBlock m;
  m.type_name = "m";
  m.nesting = Nesting::kMap;
  m.block = NetworkBlock();
  EXPECT_EQ(m.ImpliedType(), Type::Map(obj));
  m.nesting = Nesting::kGroup;
  EXPECT_EQ(m.ImpliedType(), obj);
  Block dyn;
  dyn.attributes = {Attribute::Optional("v", Type::Dynamic(), "d")};
  EXPECT_TRUE(NestedBlock::List("d", dyn).ImpliedType().IsDynamic());
  EXPECT_NE(s.block.FindAttribute("name"), nullptr);
  EXPECT_EQ(s.block.FindAttribute("nope"), nullptr);
  EXPECT_NE(s.block.FindBlock("identity"), nullptr);
}

TEST(SchemaTest, GoodSchemaValidates) {
  EXPECT_TRUE(ValidateSchema(GoodSchema()).ok())
      << ValidateSchema(GoodSchema());
}

absl::Status WithAttr(Attribute a, bool provider = false) {
  Schema s = GoodSchema();
  s.block.attributes.push_back(std::move(a));
  return ValidateSchema(s, provider);
}
absl::Status WithBlock(NestedBlock b, bool provider = false) {
  Schema s = GoodSchema();
  s.block.blocks.push_back(std::move(b));
  return ValidateSchema(s, provider);
}

TEST(SchemaTest, RejectsBadAttributes) {
  EXPECT_THAT(
      WithAttr(Attribute::Optional("Bad-Name", Type::String(), "d")).message(),
      HasSubstr("must match"));
  EXPECT_THAT(WithAttr(Attribute::Optional("x", Type::String(), "")).message(),
              HasSubstr("description"));
  EXPECT_THAT(
      WithAttr(Attribute::Optional("name", Type::String(), "d")).message(),
      HasSubstr("duplicate"));
  EXPECT_THAT(
      WithAttr(Attribute::Optional("count", Type::Number(), "d")).message(),
      HasSubstr("reserved"));
  Attribute dep = Attribute::Optional("old", Type::String(), "d");
  dep.deprecation_message = "gone";
  EXPECT_THAT(WithAttr(dep).message(), HasSubstr("deprecation_message"));
  Attribute def =
      Attribute::Optional("x", Type::String(), "d").WithDefault(Value::Int(1));
  EXPECT_THAT(WithAttr(def).message(), HasSubstr("default does not conform"));
  Attribute req_def = Attribute::Required("y", Type::Bool(), "d");
  req_def.default_value = Value::Bool(true);
  EXPECT_THAT(WithAttr(req_def).message(), HasSubstr("optional+computed"));
  EXPECT_THAT(
      WithAttr(
          Attribute::Optional("z", Type::String(), "d").UseStateForUnknown())
          .message(),
      HasSubstr("computed"));
}

TEST(SchemaTest, RejectsBadBlocks) {
  EXPECT_THAT(WithBlock(NestedBlock::List("name", NetworkBlock())).message(),
              HasSubstr("more than one"));
  EXPECT_THAT(WithBlock(NestedBlock::List("x", NetworkBlock(), 3, 2)).message(),
              HasSubstr("min_items exceeds"));
  EXPECT_THAT(WithBlock(NestedBlock::List("x", NetworkBlock(), -1)).message(),
              HasSubstr(">= 0"));
  NestedBlock single = NestedBlock::Single("s", NetworkBlock());
  single.min_items = 1;
  EXPECT_THAT(WithBlock(single).message(), HasSubstr("SINGLE"));
  single.max_items = 1;
  EXPECT_TRUE(WithBlock(single).ok());
  NestedBlock group = NestedBlock::Single("g", NetworkBlock());
  group.nesting = Nesting::kGroup;
  group.max_items = 1;
  EXPECT_THAT(WithBlock(group).message(), HasSubstr("GROUP"));
  NestedBlock map = NestedBlock::Single("m", NetworkBlock());
  map.nesting = Nesting::kMap;
  map.min_items = 1;
  EXPECT_THAT(WithBlock(map).message(), HasSubstr("MAP"));
  Block dyn = NetworkBlock();
  dyn.attributes.push_back(Attribute::Optional("v", Type::Dynamic(), "d"));
  EXPECT_THAT(WithBlock(NestedBlock::Set("ds", dyn)).message(),
              HasSubstr("dynamic"));
  EXPECT_THAT(
      WithBlock(NestedBlock::List("lifecycle", NetworkBlock())).message(),
      HasSubstr("reserved"));
  EXPECT_THAT(WithBlock(NestedBlock::List("BadName", NetworkBlock())).message(),
              HasSubstr("must match"));
  Block nodesc = NetworkBlock();
  nodesc.description.clear();
  EXPECT_THAT(WithBlock(NestedBlock::List("nd", nodesc)).message(),
              HasSubstr("block description"));
  // Nested attribute errors carry the block path.
  Block bad_inner = NetworkBlock();
  bad_inner.attributes.push_back(Attribute::Optional("X", Type::String(), "d"));
  EXPECT_THAT(WithBlock(NestedBlock::List("outer", bad_inner)).message(),
              HasSubstr("outer.X"));
  // Reserved names only apply at the top level.
  Block inner_count = NetworkBlock();
  inner_count.attributes.push_back(
      Attribute::Optional("count", Type::Number(), "d"));
  EXPECT_TRUE(WithBlock(NestedBlock::List("ok", inner_count)).ok());
}

TEST(SchemaTest, ProviderReservedNames) {
  Schema p;
  p.block.description = "Provider configuration.";
  p.block.attributes = {
      Attribute::Optional("subscription_id", Type::String(), "Sub.")};
  EXPECT_TRUE(ValidateSchema(p, true).ok());
  for (const char* n : {"alias", "version", "source"}) {
    Schema q = p;
    q.block.attributes.push_back(Attribute::Optional(n, Type::String(), "d"));
    EXPECT_FALSE(ValidateSchema(q, true).ok()) << n;
  }
  // "provider" is reserved in resources but fine in the provider block.
  Schema r = p;
  r.block.attributes.push_back(
      Attribute::Optional("provisioner", Type::String(), "d"));
  EXPECT_TRUE(ValidateSchema(r, true).ok());
  EXPECT_FALSE(ValidateSchema(r, false).ok());
  Schema v = p;
  v.version = -1;
  EXPECT_FALSE(ValidateSchema(v, true).ok());
}

}  // namespace
}  // namespace secureaml::tf
