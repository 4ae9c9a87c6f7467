// Cases adapted from Terraform's objchange tests (objchange_test.go,
// plan_valid_test.go, compatible_test.go), so our port answers the way
// Terraform does.
#include "tests/conformance/semantics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace secureaml::conformance {
namespace {

using ::testing::HasSubstr;
using tf::Type;
using tf::Value;

ConfigAttribute Attr(Type t, bool required, bool optional, bool computed,
                     bool sensitive = false) {
  ConfigAttribute a;
  a.has_type = true;
  a.type = std::move(t);
  a.required = required;
  a.optional = optional;
  a.computed = computed;
  a.sensitive = sensitive;
  return a;
}
ConfigAttribute Required(Type t) { return Attr(t, true, false, false); }
ConfigAttribute Optional(Type t) { return Attr(t, false, true, false); }
ConfigAttribute Computed(Type t) { return Attr(t, false, false, true); }
ConfigAttribute OptComputed(Type t) { return Attr(t, false, true, true); }

// A workspace-like schema: name (required), sku (optional+computed),
// id (computed), tags (optional map), secret (sensitive optional) and a
// list block "rule" with required "cidr" and computed "rule_id".
ConfigBlock TestSchema() {
  ConfigBlock b;
  b.attributes["name"] = Required(Type::String());
  b.attributes["sku"] = OptComputed(Type::String());
  b.attributes["id"] = Computed(Type::String());
  b.attributes["tags"] = Optional(Type::Map(Type::String()));
  b.attributes["secret"] = Attr(Type::String(), false, true, false, true);
  ConfigNestedBlock rule;
  rule.nesting = ConfigNesting::kList;
  rule.block.attributes["cidr"] = Required(Type::String());
  rule.block.attributes["rule_id"] = Computed(Type::String());
  b.block_types["rule"] = rule;
  ConfigNestedBlock set_rule;
  set_rule.nesting = ConfigNesting::kSet;
  set_rule.block.attributes["port"] = Required(Type::Number());
  set_rule.block.attributes["generated"] = Computed(Type::String());
  b.block_types["port_rule"] = set_rule;
  return b;
}

Value RuleObj(const ConfigBlock& s, Value cidr, Value rule_id) {
  return Value::Object(
      s.block_types.at("rule").block.ImpliedType(),
      {{"cidr", std::move(cidr)}, {"rule_id", std::move(rule_id)}});
}
Value PortObj(const ConfigBlock& s, int64_t port, Value generated) {
  return Value::Object(
      s.block_types.at("port_rule").block.ImpliedType(),
      {{"port", Value::Int(port)}, {"generated", std::move(generated)}});
}

Value Obj(const ConfigBlock& s, std::map<std::string, Value> attrs) {
  // Collection blocks default to empty, as decoded config would be.
  for (const auto& [n, b] : s.block_types) {
    if (!attrs.count(n)) {
      attrs[n] = b.nesting == ConfigNesting::kSet
                     ? Value::Set(b.block.ImpliedType(), {})
                     : Value::List(b.block.ImpliedType(), {});
    }
  }
  return Value::Object(s.ImpliedType(), std::move(attrs));
}

std::vector<std::string> Texts(const std::vector<PathError>& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(FormatPathError(e));
  return out;
}

TEST(ProposedNewTest, CreateLeavesComputedNull) {
  ConfigBlock s = TestSchema();
  Value config = Obj(s, {{"name", Value::String("ws")}});
  Value p = ProposedNew(s, Value::Null(s.ImpliedType()), config);
  EXPECT_EQ(p.GetAttr("name"), Value::String("ws"));
  EXPECT_TRUE(p.GetAttr("id").IsNull());
  EXPECT_TRUE(p.GetAttr("sku").IsNull());
  EXPECT_EQ(p.GetAttr("rule").Elements().size(), 0u);
}

TEST(ProposedNewTest, ComputedNullInConfigTakesPrior) {
  ConfigBlock s = TestSchema();
  Value prior =
      Obj(s, {{"name", Value::String("ws")},
              {"sku", Value::String("basic")},
              {"id", Value::String("/x")},
              {"rule", Value::List(s.block_types.at("rule").block.ImpliedType(),
                                   {RuleObj(s, Value::String("10.0.0.0/8"),
                                            Value::String("r1"))})}});
  Value config =
      Obj(s, {{"name", Value::String("ws2")},
              {"rule", Value::List(s.block_types.at("rule").block.ImpliedType(),
                                   {RuleObj(s, Value::String("10.0.0.0/16"),
                                            Value::Null(Type::String()))})}});
  Value p = ProposedNew(s, prior, config);
  EXPECT_EQ(p.GetAttr("name"), Value::String("ws2"));
  EXPECT_EQ(p.GetAttr("sku"), Value::String("basic"));
  EXPECT_EQ(p.GetAttr("id"), Value::String("/x"));
  // Nested list blocks correlate by index: computed rule_id survives.
  const Value& r0 = p.GetAttr("rule").Elements()[0];
  EXPECT_EQ(r0.GetAttr("cidr"), Value::String("10.0.0.0/16"));
  EXPECT_EQ(r0.GetAttr("rule_id"), Value::String("r1"));
}

TEST(ProposedNewTest, SetBlocksCorrelateOnNonComputedAttributes) {
  ConfigBlock s = TestSchema();
  Type pt = s.block_types.at("port_rule").block.ImpliedType();
  Value prior = Obj(
      s,
      {{"name", Value::String("ws")},
       {"port_rule", Value::Set(pt, {PortObj(s, 443, Value::String("g443")),
                                     PortObj(s, 80, Value::String("g80"))})}});
  Value config =
      Obj(s, {{"name", Value::String("ws")},
              {"port_rule",
               Value::Set(pt, {PortObj(s, 443, Value::Null(Type::String())),
                               PortObj(s, 22, Value::Null(Type::String()))})}});
  Value p = ProposedNew(s, prior, config);
  Value want = Value::Set(pt, {PortObj(s, 443, Value::String("g443")),
                               PortObj(s, 22, Value::Null(Type::String()))});
  EXPECT_EQ(p.GetAttr("port_rule"), want) << GoString(p.GetAttr("port_rule"));
}

TEST(ProposedNewTest, DestroyIsNull) {
  ConfigBlock s = TestSchema();
  Value prior = Obj(s, {{"name", Value::String("ws")}});
  // Config null, prior non-null: proposedNew returns prior (Terraform never
  // calls it for destroy; it plans null itself).
  EXPECT_TRUE(
      ProposedNew(s, Value::Null(s.ImpliedType()), Value::Null(s.ImpliedType()))
          .IsNull());
  EXPECT_EQ(ProposedNew(s, prior, Value::Null(s.ImpliedType())), prior);
}

TEST(AssertPlanValidTest, AcceptsUnknownForComputed) {
  ConfigBlock s = TestSchema();
  Value config = Obj(s, {{"name", Value::String("ws")}});
  Value planned = Obj(s, {{"name", Value::String("ws")},
                          {"sku", Value::String("basic")},
                          {"id", Value::Unknown(Type::String())}});
  EXPECT_THAT(
      Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config, planned)),
      ::testing::IsEmpty());
}

TEST(AssertPlanValidTest, RejectsChangedConfigValue) {
  ConfigBlock s = TestSchema();
  Value config = Obj(s, {{"name", Value::String("ws")}});
  Value planned = Obj(s, {{"name", Value::String("WS")}});
  auto errs =
      Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config, planned));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            ".name: planned value cty.StringVal(\"WS\") does not match config "
            "value cty.StringVal(\"ws\")");
}

TEST(AssertPlanValidTest, PriorValueMayStandForConfig) {
  ConfigBlock s = TestSchema();
  Value prior = Obj(s, {{"name", Value::String("WS")}});
  Value config = Obj(s, {{"name", Value::String("ws")}});
  EXPECT_THAT(Texts(AssertPlanValid(s, prior, config, prior)),
              ::testing::IsEmpty());
  Value planned = Obj(s, {{"name", Value::String("other")}});
  auto errs = Texts(AssertPlanValid(s, prior, config, planned));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("nor prior value cty.StringVal(\"WS\")"));
}

TEST(AssertPlanValidTest, NonComputedNullMustStayNullAndSensitiveIsHidden) {
  ConfigBlock s = TestSchema();
  Value config = Obj(s, {{"name", Value::String("ws")}});
  Value planned = Obj(s, {{"name", Value::String("ws")},
                          {"tags", Value::StringMap({{"a", "b"}})},
                          {"secret", Value::String("hunter22")}});
  auto errs =
      Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config, planned));
  EXPECT_THAT(errs, ::testing::UnorderedElementsAre(
                        ".secret: sensitive planned value for a non-computed "
                        "attribute",
                        ".tags: planned value "
                        "cty.MapVal(map[string]cty.Value{\"a\":cty.StringVal("
                        "\"b\")}) for a non-computed attribute"));
  for (const auto& e : errs)
    EXPECT_THAT(e, ::testing::Not(HasSubstr("hunter")));
}

TEST(AssertPlanValidTest, BlockRules) {
  ConfigBlock s = TestSchema();
  Type rt = s.block_types.at("rule").block.ImpliedType();
  Value config = Obj(
      s, {{"name", Value::String("ws")},
          {"rule", Value::List(rt, {RuleObj(s, Value::String("a"),
                                            Value::Null(Type::String()))})}});
  Value null_blocks = config.WithAttr("rule", Value::Null(Type::List(rt)));
  EXPECT_THAT(
      Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config,
                            null_blocks)),
      ::testing::ElementsAre(".rule: attribute representing a list of nested "
                             "blocks must be empty to indicate no blocks, not "
                             "null"));
  Value extra = config.WithAttr(
      "rule",
      Value::List(
          rt,
          {RuleObj(s, Value::String("a"), Value::Unknown(Type::String())),
           RuleObj(s, Value::String("b"), Value::Unknown(Type::String()))}));
  EXPECT_THAT(
      Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config, extra)),
      ::testing::ElementsAre(".rule: block count in plan (2) disagrees "
                             "with count in config (1)"));
  Value unknown_elem =
      config.WithAttr("rule", Value::List(rt, {Value::Unknown(rt)}));
  EXPECT_THAT(Texts(AssertPlanValid(s, Value::Null(s.ImpliedType()), config,
                                    unknown_elem)),
              ::testing::ElementsAre(
                  ".rule[0]: element representing nested block must not be "
                  "unknown itself; set nested attribute values to unknown "
                  "instead"));
}

TEST(AssertPlanValidTest, DestroyMustBeNull) {
  ConfigBlock s = TestSchema();
  Value prior = Obj(s, {{"name", Value::String("ws")}});
  EXPECT_THAT(
      Texts(AssertPlanValid(s, prior, Value::Null(s.ImpliedType()), prior)),
      ::testing::ElementsAre("planned for existence but config wants absence"));
}

TEST(AssertObjectCompatibleTest, KnownValuesMustNotChange) {
  ConfigBlock s = TestSchema();
  Value planned = Obj(s, {{"name", Value::String("ws")},
                          {"sku", Value::String("basic")},
                          {"id", Value::Unknown(Type::String())}});
  Value good = Obj(s, {{"name", Value::String("ws")},
                       {"sku", Value::String("basic")},
                       {"id", Value::String("/x")}});
  EXPECT_THAT(Texts(AssertObjectCompatible(s, planned, good)),
              ::testing::IsEmpty());
  Value bad = good.WithAttr("sku", Value::String("premium"))
                  .WithAttr("tags", Value::StringMap({}));
  EXPECT_THAT(Texts(AssertObjectCompatible(s, planned, bad)),
              ::testing::UnorderedElementsAre(
                  ".sku: was cty.StringVal(\"basic\"), but now "
                  "cty.StringVal(\"premium\")",
                  ".tags: was null, but now cty.MapValEmpty(cty.String)"));
  Value still_unknown = planned;
  EXPECT_THAT(Texts(AssertObjectCompatible(s, good, still_unknown)),
              ::testing::ElementsAre(".id: was known, but now unknown"));
  EXPECT_THAT(
      Texts(AssertObjectCompatible(s, planned, Value::Null(s.ImpliedType()))),
      ::testing::ElementsAre("Root object was present, but now absent"));
}

TEST(AssertObjectCompatibleTest, SensitiveValuesAreNotPrinted) {
  ConfigBlock s = TestSchema();
  Value planned = Obj(s, {{"name", Value::String("ws")},
                          {"secret", Value::String("topsecret1")}});
  Value actual = planned.WithAttr("secret", Value::String("topsecret2"));
  auto errs = Texts(AssertObjectCompatible(s, planned, actual));
  EXPECT_THAT(errs,
              ::testing::ElementsAre(
                  ".secret: inconsistent values for sensitive attribute"));
}

TEST(AssertObjectCompatibleTest, RefinedUnknownMustHoldItsPromise) {
  tf::UnknownRefinements not_null;
  not_null.is_null = false;
  EXPECT_FALSE(AssertValueCompatible(Value::Unknown(Type::String(), not_null),
                                     Value::Null(Type::String()))
                   .empty());
  EXPECT_TRUE(AssertValueCompatible(Value::Unknown(Type::String(), not_null),
                                    Value::String("x"))
                  .empty());
}

TEST(ActionTest, NoOpUpdateReplace) {
  ConfigBlock s = TestSchema();
  Value prior =
      Obj(s, {{"name", Value::String("ws")}, {"id", Value::String("/x")}});
  EXPECT_EQ(GetAction(prior, prior, {}), Action::kNoOp);
  Value changed = prior.WithAttr("sku", Value::String("premium"));
  EXPECT_EQ(GetAction(prior, changed, {}), Action::kUpdate);
  Value unknown = prior.WithAttr("id", Value::Unknown(Type::String()));
  EXPECT_EQ(GetAction(prior, unknown, {}), Action::kUpdate);
  EXPECT_EQ(GetAction(Value::Null(s.ImpliedType()), prior, {}),
            Action::kCreate);

  Value renamed = prior.WithAttr("name", Value::String("ws2"));
  RequiredReplaces rr = GetRequiredReplaces(
      prior, renamed,
      {tf::AttributePath::Root("name"), tf::AttributePath::Root("sku")});
  // Only paths that actually changed count.
  ASSERT_EQ(rr.paths.size(), 1u);
  EXPECT_EQ(rr.paths[0], tf::AttributePath::Root("name"));
  EXPECT_EQ(GetAction(prior, renamed, rr), Action::kDeleteThenCreate);

  RequiredReplaces bogus = GetRequiredReplaces(
      prior, renamed, {tf::AttributePath::Root("no_such_attribute")});
  EXPECT_EQ(bogus.invalid.size(), 1u);
  RequiredReplaces on_create = GetRequiredReplaces(
      Value::Null(s.ImpliedType()), renamed, {tf::AttributePath::Root("name")});
  EXPECT_TRUE(on_create.paths.empty());
  EXPECT_TRUE(on_create.invalid.empty());
}

TEST(GoStringTest, MatchesCty) {
  EXPECT_EQ(GoString(Value::String("a\"b")), "cty.StringVal(\"a\\\"b\")");
  EXPECT_EQ(GoString(Value::Int(5)), "cty.NumberIntVal(5)");
  EXPECT_EQ(GoString(Value::Bool(true)), "cty.True");
  EXPECT_EQ(GoString(Value::Null(Type::List(Type::String()))),
            "cty.NullVal(cty.List(cty.String))");
  EXPECT_EQ(GoString(Value::Unknown(Type::Bool())), "cty.UnknownVal(cty.Bool)");
  EXPECT_EQ(GoString(Value::StringList({"a", "b"})),
            "cty.ListVal([]cty.Value{cty.StringVal(\"a\"), "
            "cty.StringVal(\"b\")})");
}

TEST(InternalValidateTest, FlagsInvalidCombinations) {
  ConfigBlock b;
  b.attributes["none"] = Attr(Type::String(), false, false, false);
  b.attributes["both"] = Attr(Type::String(), true, true, false);
  b.attributes["req_comp"] = Attr(Type::String(), true, false, true);
  ConfigNestedBlock single;
  single.nesting = ConfigNesting::kSingle;
  single.min_items = 0;
  single.max_items = 2;
  b.block_types["Bad-Name"] = single;
  auto errs = InternalValidate(b);
  EXPECT_THAT(errs, ::testing::IsSupersetOf(
                        {"none: must set Optional, Required or Computed",
                         "both: cannot set both Optional and Required",
                         "req_comp: cannot set both Computed and Required",
                         "Bad-Name: name may contain only lowercase letters, "
                         "digits and underscores",
                         "Bad-Name: MinItems and MaxItems must match in "
                         "NestingSingle mode"}));
  EXPECT_THAT(InternalValidate(TestSchema()), ::testing::IsEmpty());
}

}  // namespace
}  // namespace secureaml::conformance
