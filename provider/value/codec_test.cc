#include "provider/value/codec.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"

namespace secureaml::tf {

// Readable gtest output.
void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }
void PrintTo(const Number& n, std::ostream* os) { *os << n.ToString(); }

namespace {

using ::testing::HasSubstr;

std::string Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (!out.empty()) out += ' ';
    out += kHex[u >> 4];
    out += kHex[u & 0xF];
  }
  return out;
}

std::string Bytes(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out += static_cast<char>(hi * 16 + v);
      hi = -1;
    }
  }
  return out;
}

Number Dec(const char* s) { return *Number::FromDecimalString(s); }
Value Num(Number n) { return Value::NumberValue(std::move(n)); }

// Round-trips through msgpack (always) and JSON (when wholly known) and
// checks the value and the number representations survive. JSON cannot say
// "float64": a double comes back as its shortest decimal text, which is a
// different exact number (as in Terraform), so `json_exact` is off for them.
void ExpectRoundTrip(const Value& v, const Type& t, bool json_exact = true) {
  auto mp = EncodeMsgpack(v, t);
  ASSERT_TRUE(mp.ok()) << mp.status() << " for " << v.DebugString();
  auto back = DecodeMsgpack(*mp, t);
  ASSERT_TRUE(back.ok()) << back.status() << " bytes " << Hex(*mp);
  EXPECT_EQ(*back, v) << back->DebugString() << " vs " << v.DebugString();
  auto mp2 = EncodeMsgpack(*back, t);
  ASSERT_TRUE(mp2.ok());
  EXPECT_EQ(Hex(*mp2), Hex(*mp)) << "msgpack re-encode is not byte-stable";
  if (!v.IsWhollyKnown()) return;
  auto js = EncodeJson(v, t);
  ASSERT_TRUE(js.ok()) << js.status();
  auto jback = DecodeJson(*js, t);
  ASSERT_TRUE(jback.ok()) << jback.status() << " json " << *js;
  if (!json_exact) {
    EXPECT_EQ(jback->AsNumber().ToDouble(), v.AsNumber().ToDouble());
    return;
  }
  EXPECT_EQ(*jback, v) << *js;
  auto js2 = EncodeJson(*jback, t);
  ASSERT_TRUE(js2.ok());
  EXPECT_EQ(*js2, *js);
}

Type RuleType() {
  return Type::Object({{"name", Type::String()}, {"port", Type::Number()}});
}

Schema WorkspaceSchema() {
  Block rule;
  rule.description = "Rule.";
  rule.attributes = {Attribute::Required("name", Type::String(), "d"),
                     Attribute::Optional("port", Type::Number(), "d")};
  Block identity;
  identity.description = "Identity.";
  identity.attributes = {
      Attribute::Required("type", Type::String(), "d"),
      Attribute::Optional("ids", Type::Set(Type::String()), "d")};
  Schema s;
  s.block.description = "Workspace.";
  s.block.attributes = {
      Attribute::Required("name", Type::String(), "d"),
      Attribute::Computed("id", Type::String(), "d"),
      Attribute::Optional("tags", Type::Map(Type::String()), "d"),
      Attribute::Optional("enabled", Type::Bool(), "d"),
      Attribute::Optional("ratio", Type::Number(), "d"),
      Attribute::Optional("extra", Type::Dynamic(), "d"),
  };
  s.block.blocks = {NestedBlock::List("rule", rule),
                    NestedBlock::Set("allowed", rule),
                    NestedBlock::Single("identity", identity)};
  return s;
}

Value SampleWorkspace() {
  Type t = WorkspaceSchema().ImpliedType();
  Type rt = RuleType();
  Type it = t.AttributeTypes().at("identity");
  return Value::Object(
      t,
      {{"name", Value::String("ws1")},
       {"id", Value::String("/subscriptions/x/ws1")},
       {"tags", Value::StringMap({{"env", "prod"}, {"team", "ml"}})},
       {"enabled", Value::Bool(true)},
       {"ratio", Num(Dec("0.1"))},
       {"extra", Value::StringList({"a"})},
       {"rule",
        Value::List(rt, {Value::Object(rt, {{"name", Value::String("r1")},
                                            {"port", Value::Int(443)}}),
                         Value::Object(rt, {{"name", Value::String("r2")}})})},
       {"allowed",
        Value::Set(rt, {Value::Object(rt, {{"name", Value::String("a")},
                                           {"port", Value::Int(1)}})})},
       {"identity",
        Value::Object(it, {{"type", Value::String("SystemAssigned")},
                           {"ids", Value::StringSet({"x", "y"})}})}});
}

TEST(MsgpackTest, ReferenceUnknownBytes) {
  auto plain = EncodeMsgpack(Value::Unknown(Type::String()), Type::String());
  EXPECT_EQ(Hex(*plain), "d4 00 00");
  auto not_null = EncodeMsgpack(
      Value::Unknown(Type::String(), {false, std::nullopt}), Type::String());
  EXPECT_EQ(Hex(*not_null), "c7 03 0c 81 01 c2");
  auto prefixed = EncodeMsgpack(Value::Unknown(Type::String(), {false, "ab"}),
                                Type::String());
  EXPECT_EQ(Hex(*prefixed), "c7 07 0c 82 01 c2 02 a2 61 62");

  auto d1 = DecodeMsgpack(Bytes("d4 00 00"), Type::String());
  ASSERT_TRUE(d1.ok());
  EXPECT_TRUE(d1->IsUnknown());
  EXPECT_FALSE(d1->refinements().is_null.has_value());
  auto d2 = DecodeMsgpack(Bytes("c7 03 0c 81 01 c2"), Type::String());
  ASSERT_TRUE(d2.ok()) << d2.status();
  EXPECT_EQ(d2->refinements().is_null, false);
  auto d3 =
      DecodeMsgpack(Bytes("c7 07 0c 82 01 c2 02 a2 61 62"), Type::String());
  ASSERT_TRUE(d3.ok()) << d3.status();
  EXPECT_EQ(d3->refinements().string_prefix, "ab");
  ExpectRoundTrip(*d3, Type::String());
}

TEST(MsgpackTest, RefinementsWeIgnore) {
  // Number bounds (3, 4) and length bounds (5, 6) are accepted and dropped;
  // unknown keys are ignored.
  auto n = DecodeMsgpack(
      Bytes("c7 0d 0c 84 01 c2 03 92 01 c3 04 92 cb 40 59 00 00 00 00 00 00"),
      Type::Number());
  EXPECT_FALSE(n.ok());  // length byte deliberately too short: truncated
  std::string payload =
      Bytes("84 01 c2 03 92 01 c3 04 92 cb 40 59 00 00 00 00 00 00 c2 63 c0");
  std::string ext = Bytes("c7");
  ext += static_cast<char>(payload.size());
  ext += '\x0c';
  ext += payload;
  auto ok = DecodeMsgpack(ext, Type::Number());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->IsUnknown());
  EXPECT_EQ(ok->refinements().is_null, false);
  EXPECT_EQ(Hex(*EncodeMsgpack(*ok, Type::Number())), "c7 03 0c 81 01 c2");
  auto lens = DecodeMsgpack(Bytes("c7 05 0c 82 05 01 06 0a"),
                            Type::List(Type::String()));
  ASSERT_TRUE(lens.ok()) << lens.status();
  EXPECT_EQ(Hex(*EncodeMsgpack(*lens, Type::List(Type::String()))), "d4 00 00");
}

TEST(MsgpackTest, RefinementNormalisation) {
  // Nullness true means "definitely null": cty turns it into a null.
  auto null = DecodeMsgpack(Bytes("c7 03 0c 81 01 c3"), Type::String());
  ASSERT_TRUE(null.ok()) << null.status();
  EXPECT_TRUE(null->IsNull());
  // Prefixes are cut to 256 bytes at a character boundary, on decode and
  // encode alike, so a decode/encode/decode cycle is stable.
  std::string prefix = "a" + std::string(200, 'x');
  for (int i = 0; i < 40; ++i) prefix += "\xc3\xa9";  // 2-byte characters
  Value u = Value::Unknown(Type::String(), {false, prefix});
  ASSERT_TRUE(u.refinements().string_prefix.has_value());
  EXPECT_EQ(u.refinements().string_prefix->size(), 255u);
  auto enc = EncodeMsgpack(u, Type::String());
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(Hex(enc->substr(0, 4)), "c8 01 05 0c");
  ExpectRoundTrip(u, Type::String());
  // Refinements on dynamic and prefixes on non-strings are dropped.
  EXPECT_EQ(Hex(*EncodeMsgpack(Value::Unknown(Type::Dynamic(), {false, {}}),
                               Type::Dynamic())),
            "d4 00 00");
  EXPECT_EQ(
      Hex(*EncodeMsgpack(
          DecodeMsgpack(Bytes("c7 07 0c 82 01 c2 02 a2 61 62"), Type::Number())
              .value(),
          Type::Number())),
      "c7 03 0c 81 01 c2");
}

TEST(MsgpackTest, AllExtFormsAreUnknown) {
  for (const char* hex :
       {"d4 00 00", "d5 00 00 00", "d6 05 00 00 00 00", "c7 00 00",
        "c7 01 00 00", "c8 00 00 00", "c9 00 00 00 00 00", "d4 ff 00"}) {
    auto v = DecodeMsgpack(Bytes(hex), Type::Number());
    if (std::string(hex).rfind("d5", 0) == 0 ||
        std::string(hex).rfind("d6", 0) == 0) {
      // More than one payload byte with a type other than 12.
      EXPECT_FALSE(v.ok()) << hex;
      continue;
    }
    ASSERT_TRUE(v.ok()) << hex << ": " << v.status();
    EXPECT_TRUE(v->IsUnknown()) << hex;
  }
  EXPECT_THAT(
      DecodeMsgpack(Bytes("d7 01 00 00 00 00 00 00 00 00"), Type::String())
          .status()
          .message(),
      HasSubstr("unsupported msgpack extension type 1"));
  // ext 12 with an empty payload is a plain unknown.
  EXPECT_TRUE(DecodeMsgpack(Bytes("c7 00 0c"), Type::String())->IsUnknown());
  // Malformed refinement payloads are errors.
  EXPECT_FALSE(DecodeMsgpack(Bytes("d4 0c 01"), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("c7 02 0c 81 01"), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("c7 03 0c 81 a1 61"), Type::String()).ok());
  EXPECT_FALSE(
      DecodeMsgpack(Bytes("c7 04 0c 81 01 c2 c0"), Type::String()).ok());
}

TEST(MsgpackTest, DynamicReferenceBytes) {
  Value hello = Value::String("hello");
  auto enc = EncodeMsgpack(hello, Type::Dynamic());
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(Hex(*enc), "92 c4 08 22 73 74 72 69 6e 67 22 a5 68 65 6c 6c 6f");
  auto dec = DecodeMsgpack(*enc, Type::Dynamic());
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, hello);
  // The type may also arrive as str.
  auto str =
      DecodeMsgpack(Bytes("92 a8 22 73 74 72 69 6e 67 22 a5 68 65 6c 6c 6f"),
                    Type::Dynamic());
  ASSERT_TRUE(str.ok()) << str.status();
  EXPECT_EQ(*str, hello);
  // Wholly unknown dynamic is a bare ext; null is nil.
  EXPECT_EQ(
      Hex(*EncodeMsgpack(Value::Unknown(Type::Dynamic()), Type::Dynamic())),
      "d4 00 00");
  EXPECT_EQ(Hex(*EncodeMsgpack(Value(), Type::Dynamic())), "c0");
  EXPECT_TRUE(DecodeMsgpack(Bytes("d4 00 00"), Type::Dynamic())->IsUnknown());
  EXPECT_TRUE(DecodeMsgpack(Bytes("c0"), Type::Dynamic())->IsNull());
  // A typed unknown or null inside a dynamic slot is wrapped.
  ExpectRoundTrip(Value::Unknown(Type::String()), Type::Dynamic());
  EXPECT_EQ(Hex(*EncodeMsgpack(Value::Null(Type::Bool()), Type::Dynamic())),
            "92 c4 06 22 62 6f 6f 6c 22 c0");
  ExpectRoundTrip(Value::Null(Type::Bool()), Type::Dynamic());
  ExpectRoundTrip(
      Value::Object({{"a", Value::Int(1)}, {"b", Value::StringSet({"x"})}}),
      Type::Dynamic());
}

TEST(MsgpackTest, NumbersKeepRepresentation) {
  struct Case {
    Number n;
    const char* hex;
  } cases[] = {
      {Number::FromInt64(0), "00"},
      {Number::FromInt64(127), "7f"},
      {Number::FromInt64(128), "cc 80"},
      {Number::FromInt64(-1), "ff"},
      {Number::FromInt64(-32), "e0"},
      {Number::FromInt64(-33), "d0 df"},
      {Number::FromInt64(65536), "ce 00 01 00 00"},
      {Number::FromInt64(std::numeric_limits<int64_t>::min()),
       "d3 80 00 00 00 00 00 00 00"},
      {Number::FromUint64(std::numeric_limits<uint64_t>::max()),
       "cf ff ff ff ff ff ff ff ff"},
      {Number::FromDouble(9223372036854775808.0), "cb 43 e0 00 00 00 00 00 00"},
      {Number::FromDouble(1e300), "cb 7e 37 e4 3c 88 00 75 9c"},
      {Number::FromDouble(-0.0), "cb 80 00 00 00 00 00 00 00"},
      {Number::FromDouble(INFINITY), "cb 7f f0 00 00 00 00 00 00"},
      {Number::FromDouble(-INFINITY), "cb ff f0 00 00 00 00 00 00"},
      {Dec("0.1"), "a3 30 2e 31"},
  };
  for (const auto& c : cases) {
    auto enc = EncodeMsgpack(Num(c.n), Type::Number());
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(Hex(*enc), c.hex) << c.n.ToString();
    auto dec = DecodeMsgpack(*enc, Type::Number());
    ASSERT_TRUE(dec.ok()) << dec.status();
    EXPECT_EQ(dec->AsNumber(), c.n) << c.n.ToString();
    EXPECT_EQ(Hex(*EncodeMsgpack(*dec, Type::Number())), c.hex);
  }
  // "0.1" stays a string and unequal to the float64 0.1.
  auto tenth = DecodeMsgpack(Bytes("a3 30 2e 31"), Type::Number());
  EXPECT_EQ(tenth->AsNumber().repr(), Number::Repr::kDecimal);
  EXPECT_NE(tenth->AsNumber(), Number::FromDouble(0.1));
  // 2^63 arrives as float64 and leaves as float64, never clamped.
  auto two63 =
      DecodeMsgpack(Bytes("cb 43 e0 00 00 00 00 00 00"), Type::Number());
  EXPECT_EQ(two63->AsNumber().repr(), Number::Repr::kDouble);
  EXPECT_EQ(two63->AsNumber().ToString(), "9223372036854775808");
  // float32 is accepted.
  auto f32 = DecodeMsgpack(Bytes("ca 3f c0 00 00"), Type::Number());
  ASSERT_TRUE(f32.ok());
  EXPECT_EQ(f32->AsNumber(), Dec("1.5"));
  // All the other integer widths decode.
  EXPECT_EQ(DecodeMsgpack(Bytes("cd 01 00"), Type::Number())->AsNumber(),
            Number::FromInt64(256));
  EXPECT_EQ(DecodeMsgpack(Bytes("d1 ff 00"), Type::Number())->AsNumber(),
            Number::FromInt64(-256));
  EXPECT_EQ(DecodeMsgpack(Bytes("d2 ff ff ff 00"), Type::Number())->AsNumber(),
            Number::FromInt64(-256));
  EXPECT_EQ(DecodeMsgpack(Bytes("cf 00 00 00 00 00 00 00 05"), Type::Number())
                ->AsNumber()
                .repr(),
            Number::Repr::kInt64);
  // Big decimal strings survive exactly, including as bin.
  std::string big = "123456789012345678901234567890.000000000000000000001";
  std::string enc = "\xd9";
  enc += static_cast<char>(big.size());
  enc += big;
  auto b = DecodeMsgpack(enc, Type::Number());
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->AsNumber().decimal_text(), big);
  EXPECT_EQ(*EncodeMsgpack(*b, Type::Number()), enc);
  enc[0] = '\xc4';
  EXPECT_EQ(DecodeMsgpack(enc, Type::Number())->AsNumber(), Dec(big.c_str()));
}

TEST(MsgpackTest, RejectsBadNumbers) {
  EXPECT_THAT(DecodeMsgpack(Bytes("cb 7f f8 00 00 00 00 00 00"), Type::Number())
                  .status()
                  .message(),
              HasSubstr("NaN"));
  EXPECT_FALSE(DecodeMsgpack(Bytes("ca 7f c0 00 00"), Type::Number()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("a3 61 62 63"), Type::Number()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("c3"), Type::Number()).ok());
  EXPECT_FALSE(
      EncodeMsgpack(Num(Number::FromDouble(NAN)), Type::Number()).ok());
}

TEST(MsgpackTest, RoundTripsEveryType) {
  ExpectRoundTrip(Value::String(""), Type::String());
  ExpectRoundTrip(Value::String(std::string(70000, 'x')), Type::String());
  ExpectRoundTrip(Value::String("h\xc3\xa9llo \xe2\x9c\x93"), Type::String());
  ExpectRoundTrip(Value::Bool(true), Type::Bool());
  ExpectRoundTrip(Value::Bool(false), Type::Bool());
  ExpectRoundTrip(Num(Dec("1e300")), Type::Number());
  ExpectRoundTrip(Num(Number::FromDouble(1e300)), Type::Number(), false);
  ExpectRoundTrip(Num(Number::FromDouble(-0.0)), Type::Number(), false);
  ExpectRoundTrip(Num(Number::FromDouble(0.1)), Type::Number(), false);
  ExpectRoundTrip(Num(Number::FromDouble(9223372036854775808.0)),
                  Type::Number(), false);
  ExpectRoundTrip(Num(Number::FromUint64(std::numeric_limits<uint64_t>::max())),
                  Type::Number());
  ExpectRoundTrip(Num(Number::FromInt64(std::numeric_limits<int64_t>::min())),
                  Type::Number());
  ExpectRoundTrip(Num(Dec("-98765432109876543210987654321.5")), Type::Number());
  ExpectRoundTrip(Value::StringList({"a", "b", "a"}),
                  Type::List(Type::String()));
  ExpectRoundTrip(Value::StringSet({"b", "a", "b"}), Type::Set(Type::String()));
  ExpectRoundTrip(Value::StringMap({{"k", "v"}, {"", "empty key"}}),
                  Type::Map(Type::String()));
  ExpectRoundTrip(Value::List(Type::String(), {}), Type::List(Type::String()));
  ExpectRoundTrip(Value::Set(Type::Number(), {}), Type::Set(Type::Number()));
  ExpectRoundTrip(Value::Map(Type::Bool(), {}), Type::Map(Type::Bool()));
  ExpectRoundTrip(Value::Object({}), Type::Object({}));
  ExpectRoundTrip(Value::Tuple({}), Type::Tuple({}));
  Value tuple = Value::Tuple(
      {Value::String("a"), Value::Int(2), Value::Null(Type::Bool())});
  ExpectRoundTrip(tuple, tuple.type());
  Type lots = Type::List(Type::Number());
  std::vector<Value> many;
  for (int i = 0; i < 70000; ++i) many.push_back(Value::Int(i - 35000));
  ExpectRoundTrip(Value::List(Type::Number(), many), lots);
  std::map<std::string, Value> big_map;
  for (int i = 0; i < 300; ++i) {
    big_map.emplace("k" + std::to_string(i), Value::String("v"));
  }
  ExpectRoundTrip(Value::Map(Type::String(), big_map),
                  Type::Map(Type::String()));
  // Nulls and unknowns at every level.
  for (const Type& t :
       {Type::String(), Type::List(Type::String()), Type::Map(Type::Number()),
        RuleType(), Type::Set(RuleType())}) {
    ExpectRoundTrip(Value::Null(t), t);
    ExpectRoundTrip(Value::Unknown(t), t);
  }
  ExpectRoundTrip(Value::List(Type::String(), {Value::Unknown(Type::String()),
                                               Value::Null(Type::String())}),
                  Type::List(Type::String()));
  ExpectRoundTrip(Value::List(Type::Dynamic(),
                              {Value::String("a"), Value::Int(1), Value()}),
                  Type::List(Type::Dynamic()));
}

TEST(MsgpackTest, WorkspaceWithBlocks) {
  Type t = WorkspaceSchema().ImpliedType();
  Value v = SampleWorkspace();
  ExpectRoundTrip(v, t);
  // Null whole object (prior state on create).
  EXPECT_EQ(Hex(*EncodeMsgpack(Value::Null(t), t)), "c0");
  EXPECT_TRUE(DecodeMsgpack(Bytes("c0"), t)->IsNull());
  // Partially unknown plan.
  Value planned =
      v.WithAttr("id", Value::Unknown(Type::String(), {false, "/sub"}));
  ExpectRoundTrip(planned, t);
  auto enc = EncodeMsgpack(v, t);
  // Every attribute and block key is present, sorted.
  EXPECT_EQ(static_cast<uint8_t>((*enc)[0]), 0x89);
}

TEST(MsgpackTest, SetsDedupeAndIgnoreOrder) {
  Type st = Type::Set(RuleType());
  // Two identical objects plus one different, in two orders.
  auto rule = [](const char* name, int port) {
    return Value::Object(RuleType(), {{"name", Value::String(name)},
                                      {"port", Value::Int(port)}});
  };
  auto a = EncodeMsgpack(
      Value::Set(RuleType(), {rule("b", 2), rule("a", 1), rule("b", 2)}), st);
  auto b =
      EncodeMsgpack(Value::Set(RuleType(), {rule("a", 1), rule("b", 2)}), st);
  EXPECT_EQ(*a, *b);
  // A wire set with duplicates collapses.
  std::string dup = Bytes(
      "93 82 a4 6e 61 6d 65 a1 78 a4 70 6f 72 74 01"
      " 82 a4 70 6f 72 74 01 a4 6e 61 6d 65 a1 78"
      " 82 a4 6e 61 6d 65 a1 79 a4 70 6f 72 74 cb 3f f0 00 00 00 00 00 00");
  auto d = DecodeMsgpack(dup, st);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->Elements().size(), 2u);
  EXPECT_EQ(*d, Value::Set(RuleType(), {rule("y", 1), rule("x", 1)}));
}

TEST(MsgpackTest, ObjectAttributeErrorsCarryPaths) {
  Type t = WorkspaceSchema().ImpliedType();
  Value v = SampleWorkspace();
  std::string good = *EncodeMsgpack(v, t);
  // Missing attribute: a rule object without "port".
  Type rt = RuleType();
  std::string missing = Bytes("81 a4 6e 61 6d 65 a1 78");
  auto m = DecodeMsgpack(missing, rt);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(),
              HasSubstr("attribute \"port\" is required"));
  // Unknown attribute.
  std::string extra =
      Bytes("83 a4 6e 61 6d 65 a1 78 a4 70 6f 72 74 01 a1 7a c0");
  auto e = DecodeMsgpack(extra, rt);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), HasSubstr("unsupported attribute \"z\""));
  EXPECT_EQ(GetDecodeErrorPath(e.status()), AttributePath::Root("z"));
  // Nested: rule[1].port has the wrong type.
  Type lt = Type::List(rt);
  std::string nested = Bytes(
      "92 82 a4 6e 61 6d 65 a1 78 a4 70 6f 72 74 01"
      " 82 a4 6e 61 6d 65 a1 78 a4 70 6f 72 74 c3");
  auto n = DecodeMsgpack(nested, lt);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(GetDecodeErrorPath(n.status()),
            AttributePath().Index(1).Attr("port"));
  EXPECT_THAT(n.status().message(), HasSubstr("[1].port: number required"));
  // Map key path.
  auto mk = DecodeMsgpack(Bytes("81 a1 6b c3"), Type::Map(Type::String()));
  EXPECT_EQ(GetDecodeErrorPath(mk.status()), AttributePath().Key("k"));
  // An empty map is an empty object, which lacks attributes.
  EXPECT_FALSE(DecodeMsgpack(Bytes("80"), rt).ok());
  // Duplicate attribute.
  EXPECT_FALSE(
      DecodeMsgpack(Bytes("82 a4 6e 61 6d 65 a1 78 a4 6e 61 6d 65 a1 78"), rt)
          .ok());
}

TEST(MsgpackTest, MalformedInputNeverCrashes) {
  Type t = WorkspaceSchema().ImpliedType();
  std::string good = *EncodeMsgpack(SampleWorkspace(), t);
  // Every truncation fails cleanly.
  for (size_t i = 0; i < good.size(); ++i) {
    auto r = DecodeMsgpack(good.substr(0, i), t);
    EXPECT_FALSE(r.ok()) << "prefix " << i;
  }
  // Trailing garbage.
  auto trailing = DecodeMsgpack(good + std::string(1, '\0'), t);
  EXPECT_THAT(trailing.status().message(), HasSubstr("trailing"));
  EXPECT_FALSE(DecodeMsgpack("", t).ok());
  // Wrong kinds.
  EXPECT_THAT(DecodeMsgpack(Bytes("a1 78"), t).status().message(),
              HasSubstr("object required, got msgpack string"));
  EXPECT_FALSE(DecodeMsgpack(Bytes("c1"), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("01"), Type::String()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("91 01"), Type::Tuple({})).ok());
  // Huge length prefixes must not allocate.
  for (const char* hex :
       {"dd ff ff ff ff 01", "df ff ff ff ff 01", "db ff ff ff ff 61",
        "c6 ff ff ff ff 61", "c9 ff ff ff ff 0c 81", "dc ff ff 01"}) {
    for (const Type& ty :
         {Type::List(Type::String()), Type::Map(Type::String()), Type::String(),
          RuleType()}) {
      EXPECT_FALSE(DecodeMsgpack(Bytes(hex), ty).ok()) << hex;
    }
  }
  // Deep nesting is bounded.
  std::string deep(100000, '\x91');
  Type nested = Type::Dynamic();
  EXPECT_FALSE(
      DecodeMsgpack(deep, Type::List(Type::List(Type::String()))).ok());
  std::string deep_dyn;
  for (int i = 0; i < 400; ++i) {
    deep_dyn += Bytes("92 c4 09 22 64 79 6e 61 6d 69 63 22");  // "dynamic"
  }
  deep_dyn += "\xc0";
  auto dd = DecodeMsgpack(deep_dyn, Type::Dynamic());
  EXPECT_THAT(dd.status().message(), HasSubstr("too deeply"));
  // Invalid UTF-8.
  EXPECT_THAT(
      DecodeMsgpack(Bytes("a2 c3 28"), Type::String()).status().message(),
      HasSubstr("UTF-8"));
  EXPECT_FALSE(DecodeMsgpack(Bytes("a3 ed a0 80"), Type::String()).ok());
  // An attribute name that is not UTF-8 must not reach the error's text or
  // path (found by protocol_request_fuzz: the diagnostic then failed to
  // serialize as a protobuf string).
  auto bad_name = DecodeMsgpack(Bytes("81 a2 c3 28 c0"), RuleType());
  EXPECT_THAT(bad_name.status().message(), HasSubstr("not valid UTF-8"));
  EXPECT_EQ(bad_name.status().message().find('\xc3'), absl::string_view::npos);
  EXPECT_EQ(GetDecodeErrorPath(bad_name.status()), AttributePath());
  // Dynamic with a bad type or wrong arity.
  EXPECT_FALSE(DecodeMsgpack(Bytes("92 a3 22 78 22 c0"), Type::Dynamic()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("91 c0"), Type::Dynamic()).ok());
  EXPECT_FALSE(DecodeMsgpack(Bytes("a1 78"), Type::Dynamic()).ok());
}

TEST(MsgpackTest, EncodeChecksConformance) {
  Type rt = RuleType();
  auto wrong = EncodeMsgpack(Value::Int(1), Type::String());
  EXPECT_FALSE(wrong.ok());
  auto missing =
      EncodeMsgpack(Value::Object({{"name", Value::String("x")}}), rt);
  EXPECT_THAT(missing.status().message(), HasSubstr("\"port\" is required"));
  auto extra = EncodeMsgpack(Value::Object({{"name", Value::String("x")},
                                            {"port", Value::Int(1)},
                                            {"zzz", Value::Bool(true)}}),
                             rt);
  EXPECT_THAT(extra.status().message(), HasSubstr("unsupported attribute"));
  EXPECT_EQ(GetDecodeErrorPath(extra.status()), AttributePath::Root("zzz"));
  auto nested =
      EncodeMsgpack(Value::List(rt, {Value::Object({{"name", Value::Int(1)},
                                                    {"port", Value::Int(1)}})}),
                    Type::List(rt));
  EXPECT_EQ(GetDecodeErrorPath(nested.status()),
            AttributePath().Index(0).Attr("name"));
  EXPECT_FALSE(EncodeMsgpack(Value::Null(Type::Number()), Type::String()).ok());
  // Value() is null of any type.
  EXPECT_EQ(Hex(*EncodeMsgpack(Value(), Type::String())), "c0");
  EXPECT_FALSE(EncodeMsgpack(Value::Tuple({Value::Int(1)}),
                             Type::Tuple({Type::Number(), Type::Number()}))
                   .ok());
}

TEST(JsonTest, NumbersAreExact) {
  auto v = DecodeJson(R"({"a":0.1,"b":9223372036854775808,"c":-5,)"
                      R"("d":18446744073709551616,"e":1e300,"f":1.50})",
                      Type::Object({{"a", Type::Number()},
                                    {"b", Type::Number()},
                                    {"c", Type::Number()},
                                    {"d", Type::Number()},
                                    {"e", Type::Number()},
                                    {"f", Type::Number()}}));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->GetAttr("a").AsNumber().decimal_text(), "0.1");
  EXPECT_EQ(v->GetAttr("b").AsNumber().repr(), Number::Repr::kUint64);
  EXPECT_EQ(v->GetAttr("c").AsNumber().repr(), Number::Repr::kInt64);
  EXPECT_EQ(v->GetAttr("d").AsNumber().decimal_text(), "18446744073709551616");
  EXPECT_EQ(v->GetAttr("e").AsNumber(), Dec("1e300"));
  // Exact comparison: the float64 nearest 1e300 is a different number.
  EXPECT_NE(v->GetAttr("e").AsNumber(), Number::FromDouble(1e300));
  auto out = EncodeJson(*v, v->type());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, R"({"a":0.1,"b":9223372036854775808,"c":-5,)"
                  R"("d":18446744073709551616,"e":1e300,"f":1.50})");
  // Doubles print as the shortest text that reads back the same.
  EXPECT_EQ(*EncodeJson(Num(Number::FromDouble(0.1)), Type::Number()), "0.1");
  EXPECT_FALSE(
      EncodeJson(Num(Number::FromDouble(INFINITY)), Type::Number()).ok());
  // Decimal text that is not JSON syntax is written canonically.
  EXPECT_EQ(*EncodeJson(Num(Dec("+.5")), Type::Number()), "0.5");
}

TEST(JsonTest, RoundTripWorkspaceAndDynamic) {
  Type t = WorkspaceSchema().ImpliedType();
  auto js = EncodeJson(SampleWorkspace(), t);
  ASSERT_TRUE(js.ok()) << js.status();
  EXPECT_THAT(*js,
              HasSubstr(R"("extra":{"value":["a"],"type":["list","string"]})"));
  auto back = DecodeJson(*js, t);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, SampleWorkspace());
  // "type" may come before "value".
  auto dyn = DecodeJson(R"({"type":"string","value":"hi"})", Type::Dynamic());
  ASSERT_TRUE(dyn.ok()) << dyn.status();
  EXPECT_EQ(*dyn, Value::String("hi"));
  EXPECT_TRUE(DecodeJson("null", Type::Dynamic())->IsNull());
  EXPECT_FALSE(DecodeJson(R"({"value":1})", Type::Dynamic()).ok());
  EXPECT_FALSE(DecodeJson(R"("x")", Type::Dynamic()).ok());
  EXPECT_FALSE(EncodeJson(Value::Unknown(Type::String()), Type::String()).ok());
  EXPECT_EQ(*EncodeJson(Value::Null(t), t), "null");
}

TEST(JsonTest, LenientObjectsForStoredState) {
  Type rt = RuleType();
  const char* stored = R"({"name":"x","removed_attr":[1,2],"legacy":{"a":1}})";
  auto strict = DecodeJson(stored, rt);
  EXPECT_THAT(strict.status().message(),
              HasSubstr("unsupported attribute \"removed_attr\""));
  EXPECT_EQ(GetDecodeErrorPath(strict.status()),
            AttributePath::Root("removed_attr"));
  auto lenient = DecodeJson(stored, rt, {/*lenient_objects=*/true});
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(*lenient, Value::Object(rt, {{"name", Value::String("x")}}));
  EXPECT_TRUE(lenient->GetAttr("port").IsNull());
  EXPECT_THAT(DecodeJson(R"({"name":"x"})", rt).status().message(),
              HasSubstr("attribute \"port\" is required"));
  // Nested objects are lenient too.
  auto nested = DecodeJson(R"([{"name":"x","old":1}])", Type::List(rt),
                           {/*lenient_objects=*/true});
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->Elements()[0].GetString("name"), "x");
}

TEST(JsonTest, CtyStyleScalarConversions) {
  EXPECT_EQ(*DecodeJson("12", Type::String()), Value::String("12"));
  EXPECT_EQ(*DecodeJson("true", Type::String()), Value::String("true"));
  EXPECT_EQ(*DecodeJson("\"12.5\"", Type::Number()), Num(Dec("12.5")));
  EXPECT_EQ(*DecodeJson("\"true\"", Type::Bool()), Value::Bool(true));
  EXPECT_FALSE(DecodeJson("\"yes\"", Type::Bool()).ok());
  EXPECT_FALSE(DecodeJson("[]", Type::String()).ok());
}

TEST(JsonTest, StringsAndEscapes) {
  auto v = DecodeJson(R"("a\"b\\c\n\u00e9\ud83d\ude00\/")", Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString(), "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80/");
  ExpectRoundTrip(Value::String("ctl\x01\x1f tab\t"), Type::String());
  EXPECT_FALSE(DecodeJson(R"("\ud83d")", Type::String()).ok());
  EXPECT_FALSE(DecodeJson(R"("\x")", Type::String()).ok());
  EXPECT_FALSE(DecodeJson("\"\xc3\x28\"", Type::String()).ok());
  EXPECT_FALSE(DecodeJson("\"a\nb\"", Type::String()).ok());
  EXPECT_FALSE(EncodeJson(Value::String("\xff"), Type::String()).ok());
}

TEST(JsonTest, MalformedInputNeverCrashes) {
  Type t = WorkspaceSchema().ImpliedType();
  std::string good = *EncodeJson(SampleWorkspace(), t);
  for (size_t i = 0; i < good.size(); ++i) {
    EXPECT_FALSE(DecodeJson(good.substr(0, i), t).ok()) << i;
  }
  for (const char* bad :
       {"", "nul", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "1e", "+1", ".5",
        "[1 2]", "{\"a\":1,}", "\"abc", "tru", "null x"}) {
    EXPECT_FALSE(DecodeJson(bad, Type::Dynamic()).ok()) << bad;
    EXPECT_FALSE(DecodeJson(bad, Type::List(Type::Number())).ok()) << bad;
  }
  std::string deep(100000, '[');
  EXPECT_THAT(DecodeJson(deep, Type::Dynamic()).status().message(),
              HasSubstr("too deep"));
  EXPECT_FALSE(DecodeJson(R"({"a":1,"a":2})", Type::Map(Type::Number())).ok());
  EXPECT_FALSE(DecodeJson("[1,2]", Type::Tuple({Type::Number()})).ok());
  auto path =
      DecodeJson(R"({"k":[1,"x"]})", Type::Map(Type::List(Type::Number())));
  EXPECT_EQ(GetDecodeErrorPath(path.status()),
            AttributePath().Key("k").Index(1));
}

TEST(MsgpackTest, MoreNumberEdges) {
  ExpectRoundTrip(Num(Number::FromDouble(-9223372036854775808.0)),
                  Type::Number(), false);
  EXPECT_EQ(Hex(*EncodeMsgpack(Num(Number::FromDouble(-9223372036854775808.0)),
                               Type::Number())),
            "cb c3 e0 00 00 00 00 00 00");
  // cty sends large integers that are not int64-exact as float64; they
  // equal the same integer in any other representation.
  auto v = DecodeMsgpack(Bytes("cb c3 e0 00 00 00 00 00 00"), Type::Number());
  EXPECT_EQ(v->AsNumber(),
            Number::FromInt64(std::numeric_limits<int64_t>::min()));
  // Decimal strings with exponents and signs are kept as written.
  for (const char* text : {"1e-7", "-0.000", "+3", "12345678901234567890123"}) {
    std::string enc(1, static_cast<char>(0xa0 | strlen(text)));
    enc += text;
    auto d = DecodeMsgpack(enc, Type::Number());
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(*EncodeMsgpack(*d, Type::Number()), enc) << text;
  }
}

TEST(MsgpackTest, AllNestingModesRoundTrip) {
  Block inner;
  inner.description = "Inner.";
  inner.attributes = {Attribute::Optional("v", Type::String(), "d"),
                      Attribute::Optional("n", Type::Number(), "d")};
  NestedBlock map_block = NestedBlock::Single("by_name", inner);
  map_block.nesting = Nesting::kMap;
  NestedBlock group = NestedBlock::Single("group", inner);
  group.nesting = Nesting::kGroup;
  Schema s;
  s.block.description = "All modes.";
  s.block.blocks = {NestedBlock::Single("single", inner),
                    NestedBlock::List("list", inner),
                    NestedBlock::Set("set", inner), map_block, group};
  ASSERT_TRUE(ValidateSchema(s).ok()) << ValidateSchema(s);
  Type t = s.ImpliedType();
  Type it = inner.ImpliedType();
  Value one = Value::Object(it, {{"v", Value::String("x")}});
  Value v = Value::Object(t, {{"single", Value::Null(it)},
                              {"list", Value::List(it, {one, one})},
                              {"set", Value::Set(it, {one, one})},
                              {"by_name", Value::Map(it, {{"a", one}})},
                              {"group", Value::Object(it, {})}});
  ExpectRoundTrip(v, t);
  // Absent blocks as Terraform sends them: nil single, empty list/set/map,
  // group with null attributes.
  Value absent = Value::Object(t, {{"list", Value::List(it, {})},
                                   {"set", Value::Set(it, {})},
                                   {"by_name", Value::Map(it, {})},
                                   {"group", Value::Object(it, {})}});
  ExpectRoundTrip(absent, t);
}

TEST(MsgpackTest, DynamicWithOptionalAttributeTypeJson) {
  // A 3-element object type (optional markers) is accepted inside a
  // dynamic value; re-encoding writes the 2-element form.
  std::string tj = R"(["object",{"a":"string"},["a"]])";
  std::string enc = Bytes("92 c4");
  enc += static_cast<char>(tj.size());
  enc += tj;
  enc += Bytes("81 a1 61 a1 78");
  auto v = DecodeMsgpack(enc, Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->GetString("a"), "x");
  auto again = EncodeMsgpack(*v, Type::Dynamic());
  EXPECT_NE(again->find(R"(["object",{"a":"string"}])"), std::string::npos);
  EXPECT_EQ(*DecodeMsgpack(*again, Type::Dynamic()), *v);
}

TEST(JsonTest, TuplesMapsAndNulls) {
  Type t = Type::Object({{"t", Type::Tuple({Type::String(), Type::Bool()})},
                         {"m", Type::Map(Type::List(Type::Number()))},
                         {"n", Type::String()},
                         {"d", Type::Dynamic()}});
  auto v = DecodeJson(
      R"({"t":["a",true],"m":{"x":[1,2.5],"y":[]},"n":null,"d":null})", t);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->GetAttr("n").IsNull());
  EXPECT_TRUE(v->GetAttr("d").IsNull());
  EXPECT_EQ(v->AtPath(AttributePath::Root("m").Key("x").Index(1))
                ->AsNumber()
                .decimal_text(),
            "2.5");
  EXPECT_EQ(*EncodeJson(*v, t),
            R"({"d":null,"m":{"x":[1,2.5],"y":[]},"n":null,"t":["a",true]})");
  // Whitespace is fine.
  EXPECT_TRUE(DecodeJson(" \n\t{ \"t\" : [ \"a\" , false ] , \"m\":{},"
                         "\"n\":\"s\",\"d\":null } \r\n",
                         t)
                  .ok());
}

TEST(ConformsTest, Basics) {
  Type rt = RuleType();
  EXPECT_TRUE(CheckConforms(Value::Object(rt, {}), rt).ok());
  EXPECT_TRUE(CheckConforms(Value::Unknown(rt), rt).ok());
  EXPECT_TRUE(CheckConforms(Value(), rt).ok());
  EXPECT_TRUE(CheckConforms(Value::Int(1), Type::Dynamic()).ok());
  EXPECT_FALSE(CheckConforms(Value::Int(1), Type::String()).ok());
  auto st = CheckConforms(Value::Object({{"name", Value::Int(1)}}), rt);
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(
      CheckConforms(Value::StringList({"a"}), Type::Set(Type::String())).ok());
  auto nested =
      CheckConforms(Value::Map(Type::String(), {{"k", Value::Int(1)}}),
                    Type::Map(Type::String()));
  EXPECT_EQ(GetDecodeErrorPath(nested), AttributePath().Key("k"));
  EXPECT_FALSE(GetDecodeErrorPath(absl::InvalidArgumentError("x")).has_value());
}

}  // namespace
}  // namespace secureaml::tf
