#include "provider/value/type.h"

#include "gtest/gtest.h"

namespace secureaml::tf {
namespace {

TEST(TypeTest, PrimitiveJson) {
  EXPECT_EQ(Type::String().ToJson(), "\"string\"");
  EXPECT_EQ(Type::Number().ToJson(), "\"number\"");
  EXPECT_EQ(Type::Bool().ToJson(), "\"bool\"");
  EXPECT_EQ(Type::Dynamic().ToJson(), "\"dynamic\"");
  EXPECT_EQ(Type().ToJson(), "\"dynamic\"");
}

TEST(TypeTest, CompositeJson) {
  Type t =
      Type::Object({{"name", Type::String()},
                    {"tags", Type::Map(Type::String())},
                    {"ports", Type::List(Type::Number())},
                    {"ids", Type::Set(Type::String())},
                    {"pair", Type::Tuple({Type::Bool(), Type::Dynamic()})}});
  EXPECT_EQ(t.ToJson(),
            "[\"object\",{\"ids\":[\"set\",\"string\"],\"name\":\"string\","
            "\"pair\":[\"tuple\",[\"bool\",\"dynamic\"]],"
            "\"ports\":[\"list\",\"number\"],\"tags\":[\"map\",\"string\"]}]");
  auto back = Type::FromJson(t.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, t);
  EXPECT_TRUE(t.HasDynamic());
  EXPECT_FALSE(Type::List(Type::String()).HasDynamic());
}

TEST(TypeTest, EmptyObjectAndTuple) {
  EXPECT_EQ(Type::Object({}).ToJson(), "[\"object\",{}]");
  EXPECT_EQ(Type::Tuple({}).ToJson(), "[\"tuple\",[]]");
  EXPECT_EQ(*Type::FromJson("[\"object\",{}]"), Type::Object({}));
  EXPECT_EQ(*Type::FromJson("[\"tuple\",[]]"), Type::Tuple({}));
}

TEST(TypeTest, OptionalAttributesParsedNeverEmitted) {
  auto t = Type::FromJson(R"(["object",{"a":"string","b":"number"},["b"]])");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->OptionalAttributes(), std::set<std::string>{"b"});
  EXPECT_EQ(t->ToJson(), R"(["object",{"a":"string","b":"number"}])");
  EXPECT_FALSE(Type::FromJson(R"(["object",{"a":"string"},["zz"]])").ok());
}

TEST(TypeTest, FromJsonRejectsMalformed) {
  for (const char* bad :
       {"", "string", "\"strin\"", "[]", "[\"list\"]",
        "[\"list\",\"string\",\"x\"]", "[\"object\",[]]", "[\"tuple\",{}]",
        "[\"frob\",\"string\"]", "42", "{\"a\":1}", "[\"map\",\"nope\"]"}) {
    EXPECT_FALSE(Type::FromJson(bad).ok()) << bad;
  }
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "[\"list\",";
  deep += "\"string\"";
  for (int i = 0; i < 1000; ++i) deep += "]";
  EXPECT_FALSE(Type::FromJson(deep).ok());
}

TEST(TypeTest, Equality) {
  EXPECT_EQ(Type::List(Type::String()), Type::List(Type::String()));
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_NE(Type::Object({{"a", Type::String()}}),
            Type::Object({{"a", Type::Number()}}));
  EXPECT_NE(Type::Object({{"a", Type::String()}}),
            Type::Object({{"b", Type::String()}}));
}

TEST(TypeTest, FriendlyName) {
  EXPECT_EQ(Type::List(Type::String()).FriendlyName(), "list of string");
  EXPECT_EQ(Type::Map(Type::Number()).FriendlyName(), "map of number");
  EXPECT_EQ(Type::Set(Type::Bool()).FriendlyName(), "set of bool");
  EXPECT_EQ(Type::Object({}).FriendlyName(), "object");
  EXPECT_EQ(Type::Tuple({}).FriendlyName(), "tuple");
}

TEST(TypeTest, AccessorsOnWrongKindAreSafe) {
  EXPECT_TRUE(Type::String().ElementType().IsDynamic());
  EXPECT_TRUE(Type::String().AttributeTypes().empty());
  EXPECT_TRUE(Type::String().TupleElementTypes().empty());
  EXPECT_TRUE(Type::String().IsPrimitive());
  EXPECT_TRUE(Type::Map(Type::String()).IsCollection());
}

}  // namespace
}  // namespace secureaml::tf
