#include "provider/core/object_checks.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/testing/workspace_schema.h"

namespace secureaml::core {
namespace {

using ::testing::ElementsAre;
using tf::AttributePath;
using tf::Type;
using tf::Value;

Value Str(const char* s) { return Value::String(s); }
Value Unk() { return Value::Unknown(Type::String()); }

std::vector<std::string> Strings(const std::vector<AttributePath>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.ToString());
  return out;
}

TEST(ReplaceUnknownsTest, NullsUnknownsAndReportsPaths) {
  Value v = Value::Object({
      {"a", Unk()},
      {"b", Str("known")},
      {"l", Value::List(Type::String(), {Str("x"), Unk()})},
      {"m", Value::Map(Type::String(), {{"k", Unk()}})},
      {"s", Value::Set(Type::String(), {Unk(), Str("y")})},
  });
  std::vector<AttributePath> found;
  Value out = ReplaceUnknowns(v, nullptr, &found);
  EXPECT_TRUE(out.IsWhollyKnown());
  EXPECT_TRUE(out.GetAttr("a").IsNull());
  EXPECT_EQ(out.GetAttr("b"), Str("known"));
  EXPECT_TRUE(out.GetAttr("l").Elements()[1].IsNull());
  EXPECT_THAT(Strings(found), ElementsAre("a", "l[1]", "m[\"k\"]", "s"));
  EXPECT_EQ(out.type(), v.type());
}

TEST(ReplaceUnknownsTest, UsesFallbackWhenGiven) {
  Value v = Value::Object({{"a", Unk()}, {"b", Unk()}});
  Value prior =
      Value::Object({{"a", Str("old")}, {"b", Value::Null(Type::String())}});
  std::vector<AttributePath> found;
  Value out = ReplaceUnknowns(v, &prior, &found);
  EXPECT_EQ(out.GetAttr("a"), Str("old"));
  EXPECT_TRUE(out.GetAttr("b").IsNull());
  EXPECT_EQ(found.size(), 2u);
}

TEST(CheckCompatibleTest, Table) {
  struct Case {
    std::string name;
    Value planned;
    Value actual;
    std::vector<std::string> want;
  };
  auto obj = [](Value a) { return Value::Object({{"a", a}}); };
  const Case cases[] = {
      {"same", obj(Str("x")), obj(Str("x")), {}},
      {"unknown_resolved", obj(Unk()), obj(Str("x")), {}},
      {"changed", obj(Str("x")), obj(Str("y")), {"a"}},
      {"null_to_value", obj(Value::Null(Type::String())), obj(Str("y")), {"a"}},
      {"value_to_null", obj(Str("x")), obj(Value::Null(Type::String())), {"a"}},
      {"still_unknown", obj(Str("x")), obj(Unk()), {"a"}},
      {"list_length",
       obj(Value::List(Type::String(), {Str("x")})),
       obj(Value::List(Type::String(), {Str("x"), Str("y")})),
       {"a"}},
      {"list_element",
       obj(Value::List(Type::String(), {Str("x"), Unk()})),
       obj(Value::List(Type::String(), {Str("z"), Str("y")})),
       {"a[0]"}},
      {"map_key_vanished",
       obj(Value::Map(Type::String(), {{"k", Str("v")}})),
       obj(Value::Map(Type::String(), {})),
       {"a[\"k\"]"}},
      {"known_set_changed",
       obj(Value::Set(Type::String(), {Str("x")})),
       obj(Value::Set(Type::String(), {Str("y")})),
       {"a"}},
      {"unknown_set_elements_free",
       obj(Value::Set(Type::String(), {Unk()})),
       obj(Value::Set(Type::String(), {Str("y"), Str("z")})),
       {}},
      {"number_repr_ignored",
       obj(Value::NumberValue(tf::Number::FromInt64(1))),
       obj(Value::NumberValue(tf::Number::FromDouble(1.0))),
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> got;
    for (const Inconsistency& i : CheckCompatible(c.planned, c.actual)) {
      got.push_back(i.path.ToString());
    }
    EXPECT_THAT(got, ::testing::ElementsAreArray(c.want));
  }
}

TEST(CheckCompatibleTest, NotNullRefinementHolds) {
  tf::UnknownRefinements r;
  r.is_null = false;
  Value planned = Value::Object({{"a", Value::Unknown(Type::String(), r)}});
  Value actual = Value::Object({{"a", Value::Null(Type::String())}});
  EXPECT_EQ(CheckCompatible(planned, actual).size(), 1u);
}

TEST(NormalizeBlockValueTest, FillsAttributesAndEmptyBlocks) {
  tf::Schema s = testing::WorkspaceLikeSchema();
  Value seed = Value::Object({{"id", Str("/x")}});  // inferred type
  Value out = NormalizeBlockValue(s.block, seed);
  EXPECT_EQ(out.type(), s.ImpliedType());
  EXPECT_EQ(out.GetAttr("id"), Str("/x"));
  EXPECT_TRUE(out.GetAttr("name").IsNull());
  EXPECT_TRUE(out.GetAttr("timeouts").IsNull());
  ASSERT_TRUE(out.GetAttr("encryption").IsKnown());
  EXPECT_TRUE(out.GetAttr("encryption").Elements().empty());
  ASSERT_TRUE(out.GetAttr("network_rule").IsKnown());
  // Idempotent.
  EXPECT_EQ(NormalizeBlockValue(s.block, out), out);
}

TEST(NullSafeEqualTest, NullsOfAnyTypeAreEqual) {
  EXPECT_TRUE(NullSafeEqual(Value(), Value::Null(Type::String())));
  EXPECT_FALSE(NullSafeEqual(Value(), Str("")));
  EXPECT_TRUE(AttrOrNull(Value(), "x").IsNull());
  EXPECT_TRUE(AttrOrNull(Value::Object({{"y", Str("1")}}), "x").IsNull());
}

}  // namespace
}  // namespace secureaml::core
