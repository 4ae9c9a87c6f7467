#include "provider/value/value.h"

#include <chrono>

#include "gtest/gtest.h"

namespace secureaml::tf {
namespace {

Type WorkspaceType() {
  return Type::Object({{"name", Type::String()},
                       {"count", Type::Number()},
                       {"enabled", Type::Bool()},
                       {"tags", Type::Map(Type::String())},
                       {"zones", Type::Set(Type::String())}});
}

TEST(ValueTest, NullUnknownKnown) {
  Value n = Value::Null(Type::String());
  EXPECT_TRUE(n.IsNull());
  EXPECT_FALSE(n.IsUnknown());
  EXPECT_TRUE(n.IsWhollyKnown());
  Value u = Value::Unknown(Type::String());
  EXPECT_TRUE(u.IsUnknown());
  EXPECT_FALSE(u.IsWhollyKnown());
  Value s = Value::String("x");
  EXPECT_TRUE(s.IsKnown());
  EXPECT_EQ(s.AsString(), "x");
  Value d;
  EXPECT_TRUE(d.IsNull());
  EXPECT_TRUE(d.type().IsDynamic());
  EXPECT_NE(n, Value::Null(Type::Number()));
  EXPECT_NE(n, u);
}

TEST(ValueTest, Refinements) {
  Value u = Value::Unknown(Type::String(), {false, "ab"});
  EXPECT_EQ(u.refinements().is_null, false);
  EXPECT_EQ(u.refinements().string_prefix, "ab");
  EXPECT_NE(u, Value::Unknown(Type::String()));
  // Prefixes only mean something for strings; dynamic drops everything.
  EXPECT_FALSE(
      Value::Unknown(Type::Number(), {false, "1"}).refinements().string_prefix);
  EXPECT_FALSE(
      Value::Unknown(Type::Dynamic(), {false, {}}).refinements().is_null);
  EXPECT_FALSE(Value::String("x").refinements().is_null);
}

TEST(ValueTest, ObjectFillsMissingWithTypedNulls) {
  Value v = Value::Object(WorkspaceType(), {{"name", Value::String("ws1")}});
  EXPECT_EQ(v.type(), WorkspaceType());
  EXPECT_EQ(v.Entries().size(), 5u);
  EXPECT_EQ(v.GetAttr("tags"), Value::Null(Type::Map(Type::String())));
  EXPECT_EQ(v.GetString("name"), "ws1");
  EXPECT_FALSE(v.GetString("count").has_value());
  EXPECT_TRUE(v.HasAttr("zones"));
  EXPECT_FALSE(v.HasAttr("nope"));
  EXPECT_TRUE(v.GetAttr("nope").IsNull());
  EXPECT_TRUE(v.GetAttr("nope").type().IsDynamic());
  // Value() as an attribute takes the attribute's type.
  Value w = Value::Object(WorkspaceType(), {{"count", Value()}});
  EXPECT_EQ(w.GetAttr("count"), Value::Null(Type::Number()));
}

TEST(ValueTest, WithAttrAndGetters) {
  Value v = Value::Object(WorkspaceType(),
                          {{"name", Value::String("ws1")},
                           {"count", Value::Int(3)},
                           {"enabled", Value::Bool(true)},
                           {"tags", Value::StringMap({{"a", "1"}})},
                           {"zones", Value::StringSet({"2", "1", "2"})}});
  EXPECT_EQ(v.GetInt("count"), 3);
  EXPECT_EQ(v.GetBool("enabled"), true);
  EXPECT_EQ(v.GetStringMap("tags"),
            (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(v.GetStringList("zones"), (std::vector<std::string>{"1", "2"}));
  Value w = v.WithAttr("name", Value::Unknown(Type::String()));
  EXPECT_TRUE(w.GetAttr("name").IsUnknown());
  EXPECT_EQ(v.GetString("name"), "ws1");  // original unchanged
  EXPECT_EQ(w.type(), v.type());
  Value x = v.WithAttr("id", Value::String("i"));
  EXPECT_TRUE(x.HasAttr("id"));
  EXPECT_EQ(x.type().AttributeTypes().size(), 6u);
  EXPECT_FALSE(w.IsWhollyKnown());
  EXPECT_TRUE(v.IsWhollyKnown());
}

TEST(ValueTest, SetDedupesAndIgnoresOrder) {
  Value a = Value::StringSet({"b", "a", "b", "c"});
  Value b = Value::StringSet({"c", "a", "b"});
  EXPECT_EQ(a.Elements().size(), 3u);
  EXPECT_EQ(a, b);
  Value n1 =
      Value::Set(Type::Number(),
                 {Value::Int(1), Value::NumberValue(Number::FromDouble(1.0))});
  EXPECT_EQ(n1.Elements().size(), 1u);
  Type ot = Type::Object({{"k", Type::String()}, {"v", Type::Number()}});
  auto obj = [&](const char* k, int64_t v) {
    return Value::Object(ot, {{"k", Value::String(k)}, {"v", Value::Int(v)}});
  };
  Value s1 = Value::Set(ot, {obj("x", 1), obj("y", 2), obj("x", 1)});
  Value s2 = Value::Set(ot, {obj("y", 2), obj("x", 1)});
  EXPECT_EQ(s1.Elements().size(), 2u);
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, Value::Set(ot, {obj("y", 2)}));
  EXPECT_NE(Value::StringSet({"a"}), Value::StringList({"a"}));
}

TEST(ValueTest, SetKeepsEveryUnknownElement) {
  // Terraform plans `[zone_a.id, zone_b.id]` before either exists: a set of
  // two unknowns. Collapsing them made real Terraform reject our plan.
  Value s =
      Value::Set(Type::String(), {Value::Unknown(Type::String()),
                                  Value::Unknown(Type::String()),
                                  Value::String("a"), Value::String("a")});
  EXPECT_EQ(s.Elements().size(), 3u);
}

TEST(ValueTest, HostileNumberSetSortsQuickly) {
  // Doubles mixed with decimals that round to them force exact big-number
  // comparison; a set of them must still build in well under a second.
  std::vector<Value> elems;
  const double tiny = 4.9406564584124654e-324;
  for (int i = 0; i < 100000; ++i) {
    if (i % 2 == 0) {
      elems.push_back(
          Value::NumberValue(Number::FromDouble(tiny * (i % 7 + 1))));
    } else {
      elems.push_back(Value::NumberValue(*Number::FromDecimalString(
          "4.9406564584124654e-3" + std::to_string(24 + i % 3))));
    }
  }
  auto start = std::chrono::steady_clock::now();
  Value set = Value::Set(Type::Number(), std::move(elems));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_EQ(set.Elements().size(), 10u);  // 7 doubles + 3 decimals
}

TEST(ValueTest, EqualityNumbersByValue) {
  EXPECT_EQ(Value::Int(1), Value::NumberValue(Number::FromDouble(1.0)));
  EXPECT_EQ(Value::Int(1),
            Value::NumberValue(*Number::FromDecimalString("1.00")));
  EXPECT_NE(Value::NumberValue(*Number::FromDecimalString("0.1")),
            Value::NumberValue(Number::FromDouble(0.1)));
}

TEST(ValueTest, EmptyCollectionsAreTyped) {
  Value l = Value::List(Type::String(), {});
  EXPECT_EQ(l.type(), Type::List(Type::String()));
  EXPECT_TRUE(l.IsKnown());
  EXPECT_NE(l, Value::List(Type::Number(), {}));
  EXPECT_NE(l, Value::Null(Type::List(Type::String())));
  EXPECT_EQ(Value::Map(Type::Bool(), {}).type(), Type::Map(Type::Bool()));
}

TEST(ValueTest, TupleAndInferredObject) {
  Value t = Value::Tuple({Value::String("a"), Value::Int(1)});
  EXPECT_EQ(t.type(), Type::Tuple({Type::String(), Type::Number()}));
  Value o = Value::Object({{"a", Value::Bool(false)}});
  EXPECT_EQ(o.type(), Type::Object({{"a", Type::Bool()}}));
}

TEST(ValueTest, AtPath) {
  Type inner = Type::Object({{"key_id", Type::String()}});
  Value v = Value::Object(
      {{"encryption",
        Value::List(inner,
                    {Value::Object(inner, {{"key_id", Value::String("k1")}})})},
       {"tags", Value::StringMap({{"env", "prod"}})}});
  auto p = AttributePath::Root("encryption").Index(0).Attr("key_id");
  ASSERT_TRUE(v.AtPath(p).has_value());
  EXPECT_EQ(v.AtPath(p)->AsString(), "k1");
  EXPECT_EQ(v.AtPath(AttributePath::Root("tags").Key("env"))->AsString(),
            "prod");
  EXPECT_FALSE(v.AtPath(AttributePath::Root("encryption").Index(1)));
  EXPECT_FALSE(v.AtPath(AttributePath::Root("encryption").Index(-1)));
  EXPECT_FALSE(v.AtPath(AttributePath::Root("nope")));
  EXPECT_FALSE(v.AtPath(AttributePath::Root("tags").Index(0)));
  EXPECT_EQ(*v.AtPath(AttributePath()), v);
}

TEST(ValueTest, TransformBottomUpWithPaths) {
  Value v = Value::Object({{"a", Value::String("x")},
                           {"l", Value::StringList({"y", "z"})},
                           {"m", Value::StringMap({{"k", "w"}})}});
  std::vector<std::string> seen;
  Value out = v.Transform([&](const AttributePath& p, const Value& x) {
    seen.push_back(p.ToString());
    if (x.IsKnown() && x.type() == Type::String()) {
      return Value::String(x.AsString() + "!");
    }
    return x;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "l[0]", "l[1]", "l",
                                            "m[\"k\"]", "m", ""}));
  EXPECT_EQ(out.GetString("a"), "x!");
  EXPECT_EQ(out.GetStringList("l"), (std::vector<std::string>{"y!", "z!"}));
  EXPECT_EQ(out.GetStringMap("m").at("k"), "w!");
  // Sets re-dedupe after a transform that makes elements equal.
  Value s = Value::StringSet({"a", "b"});
  Value t = s.Transform([](const AttributePath&, const Value& x) {
    return x.type() == Type::String() ? Value::String("same") : x;
  });
  EXPECT_EQ(t.Elements().size(), 1u);
}

TEST(ValueTest, TransformCanReplaceUnknowns) {
  Type t =
      Type::Object({{"id", Type::String()}, {"l", Type::List(Type::String())}});
  Value planned = Value::Object(
      t,
      {{"id", Value::Unknown(Type::String())},
       {"l", Value::List(Type::String(), {Value::Unknown(Type::String())})}});
  EXPECT_FALSE(planned.IsWhollyKnown());
  Value applied = planned.Transform([](const AttributePath&, const Value& v) {
    return v.IsUnknown() ? Value::Null(v.type()) : v;
  });
  EXPECT_TRUE(applied.IsWhollyKnown());
  EXPECT_EQ(applied.type(), t);
  EXPECT_TRUE(applied.GetAttr("id").IsNull());
  EXPECT_TRUE(applied.GetAttr("l").Elements()[0].IsNull());
}

TEST(ValueTest, WithAttrOnNullObjectMaterialises) {
  Type t = Type::Object({{"a", Type::String()}, {"b", Type::Number()}});
  Value v = Value::Null(t).WithAttr("a", Value::String("x"));
  EXPECT_TRUE(v.IsKnown());
  EXPECT_EQ(v.GetString("a"), "x");
  EXPECT_EQ(v.GetAttr("b"), Value::Null(Type::Number()));
}

TEST(ValueTest, CompareValuesIsATotalOrder) {
  std::vector<Value> vals = {Value::Null(Type::String()),
                             Value::Unknown(Type::String()),
                             Value::String("a"),
                             Value::String("b"),
                             Value::Int(1),
                             Value::Bool(false),
                             Value::StringList({"a"}),
                             Value::StringList({"a", "b"}),
                             Value::StringMap({{"k", "v"}}),
                             Value::Tuple({Value::Int(1)}),
                             Value::Object({{"a", Value::Int(1)}}),
                             Value::Unknown(Type::String(), {false, "p"})};
  for (const auto& a : vals) {
    EXPECT_EQ(CompareValues(a, a), 0) << a.DebugString();
    for (const auto& b : vals) {
      EXPECT_EQ(CompareValues(a, b), -CompareValues(b, a))
          << a.DebugString() << " vs " << b.DebugString();
      EXPECT_EQ(CompareValues(a, b) == 0, a == b);
    }
  }
}

TEST(ValueTest, DebugString) {
  Value v = Value::Object({{"name", Value::String("ws\"1")},
                           {"n", Value::Int(2)},
                           {"id", Value::Unknown(Type::String())},
                           {"tags", Value::Null(Type::Map(Type::String()))},
                           {"s", Value::StringSet({"b", "a"})},
                           {"m", Value::StringMap({{"k", "v"}})}});
  EXPECT_EQ(v.DebugString(),
            "{id=(unknown string), m={\"k\"=\"v\"}, n=2, name=\"ws\\\"1\", "
            "s=set[\"a\", \"b\"], tags=null}");
}

TEST(ValueTest, CopiesShareThePayload) {
  std::vector<Value> many;
  for (int i = 0; i < 1000; ++i) many.push_back(Value::Int(i));
  Value l = Value::List(Type::Number(), std::move(many));
  Value copy = l;
  EXPECT_EQ(&copy.Elements(), &l.Elements());
}

TEST(ValueTest, WrongKindAccessorsAreSafeInRelease) {
#ifdef NDEBUG
  Value n = Value::Null(Type::String());
  EXPECT_EQ(n.AsString(), "");
  EXPECT_TRUE(n.Elements().empty());
  EXPECT_TRUE(n.Entries().empty());
  EXPECT_FALSE(Value::Int(1).AsBool());
#endif
}

}  // namespace
}  // namespace secureaml::tf
