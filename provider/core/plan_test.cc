#include "provider/core/plan.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/testing/workspace_schema.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core {
namespace {

using testing::ProposedNew;
using testing::WorkspaceConfig;
using testing::WorkspaceLikeSchema;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const tf::Schema& S() {
  static const tf::Schema* const kSchema =
      new tf::Schema(WorkspaceLikeSchema());
  return *kSchema;
}

Value Str(const char* s) { return Value::String(s); }
Value UnknownStr() { return Value::Unknown(Type::String()); }

Value Encryption(const char* key_id, Value client_id = Value()) {
  const tf::NestedBlock* nb = S().block.FindBlock("encryption");
  Type et = nb->block.ImpliedType();
  std::map<std::string, Value> attrs = {{"key_id", Str(key_id)}};
  if (!client_id.IsNull()) attrs["identity_client_id"] = client_id;
  return Value::List(et, {Value::Object(et, attrs)});
}

Value Rules(std::vector<std::string> ranges) {
  const tf::NestedBlock* nb = S().block.FindBlock("network_rule");
  Type et = nb->block.ImpliedType();
  std::vector<Value> elems;
  for (const auto& r : ranges) {
    elems.push_back(Value::Object(et, {{"ip_range", Value::String(r)}}));
  }
  return Value::Set(et, elems);
}

Value Timeouts(const char* create) {
  Type t = S().block.FindBlock("timeouts")->ImpliedType();
  return Value::Object(t, {{"create", Str(create)}});
}

// The configuration a user writes: no computed values.
Value Config(std::map<std::string, Value> overrides = {}) {
  std::map<std::string, Value> attrs = {
      {"name", Str("ws1")},
      {"location", Str("westeurope")},
      {"description", Str("first")},
      {"encryption", Encryption("https://kv/keys/k1")},
      {"network_rule", Rules({"10.0.0.0/24"})},
  };
  for (auto& [k, v] : overrides) attrs[k] = v;
  return WorkspaceConfig(attrs);
}

// What Azure returned after creating Config().
Value Prior() {
  return WorkspaceConfig({
      {"id", Str("/subscriptions/s/ws1")},
      {"name", Str("ws1")},
      {"location", Str("westeurope")},
      {"description", Str("first")},
      {"sku", Str("Basic")},
      {"public_network_access_enabled", Value::Bool(false)},
      {"etag", Str("etag-1")},
      {"principal_id", Str("principal-1")},
      {"encryption", Encryption("https://kv/keys/k1", Str("client-1"))},
      {"network_rule", Rules({"10.0.0.0/24"})},
  });
}

GenericPlan Plan(const Value& prior, const Value& config) {
  return PlanGeneric(S().block, prior, ProposedNew(S().block, prior, config),
                     config);
}

std::vector<std::string> PathStrings(const std::vector<AttributePath>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.ToString());
  return out;
}

const Value& EncAttr(const Value& v, const char* name) {
  return v.GetAttr("encryption").Elements()[0].GetAttr(name);
}

TEST(PlanGenericTest, CreateMarksComputedUnknownAndAppliesDefaults) {
  Value config = Config();
  GenericPlan p = Plan(Value::Null(S().ImpliedType()), config);
  EXPECT_FALSE(p.no_op);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_TRUE(p.planned.GetAttr("id").IsUnknown());
  EXPECT_TRUE(p.planned.GetAttr("etag").IsUnknown());
  EXPECT_TRUE(p.planned.GetAttr("principal_id").IsUnknown());
  EXPECT_EQ(p.planned.GetAttr("sku"), Str("Basic"));
  EXPECT_EQ(p.planned.GetAttr("public_network_access_enabled"),
            Value::Bool(false));
  EXPECT_TRUE(EncAttr(p.planned, "identity_client_id").IsUnknown());
  EXPECT_EQ(EncAttr(p.planned, "key_id"), Str("https://kv/keys/k1"));
  // Non-computed, unset attributes stay null.
  EXPECT_TRUE(p.planned.GetAttr("tags").IsNull());
  EXPECT_TRUE(p.planned.GetAttr("timeouts").IsNull());
  tf::Diagnostics d;
  CheckPlanValid(S().block, Value::Null(S().ImpliedType()), config, p.planned,
                 d);
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST(PlanGenericTest, NoChangeReplansToPrior) {
  Value prior = Prior();
  GenericPlan p = Plan(prior, Config());
  EXPECT_TRUE(p.no_op);
  EXPECT_EQ(p.planned, prior);
  EXPECT_TRUE(p.requires_replace.empty());
  // Deterministic: the same inputs give the same plan.
  EXPECT_EQ(Plan(prior, Config()).planned, p.planned);
}

TEST(PlanGenericTest, InPlaceUpdateKeepsUseStateForUnknownValues) {
  Value prior = Prior();
  Value config = Config({{"description", Str("second")}});
  GenericPlan p = Plan(prior, config);
  EXPECT_FALSE(p.no_op);
  EXPECT_FALSE(p.replace);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned.GetAttr("description"), Str("second"));
  EXPECT_EQ(p.planned.GetAttr("id"), prior.GetAttr("id"));  // use_state
  EXPECT_TRUE(p.planned.GetAttr("etag").IsUnknown());       // changes
  EXPECT_TRUE(p.planned.GetAttr("principal_id").IsUnknown());
  EXPECT_TRUE(EncAttr(p.planned, "identity_client_id").IsUnknown());
  tf::Diagnostics d;
  CheckPlanValid(S().block, prior, config, p.planned, d);
  EXPECT_TRUE(d.empty()) << d.ToString();
}

TEST(PlanGenericTest, TimeoutsOnlyChangeIsNoOp) {
  Value prior = Prior();
  Value config = Config({{"timeouts", Timeouts("2h")}});
  GenericPlan p = Plan(prior, config);
  EXPECT_TRUE(p.no_op);
  EXPECT_EQ(p.planned.GetAttr("etag"), prior.GetAttr("etag"));
  EXPECT_EQ(p.planned.GetAttr("timeouts"), Timeouts("2h"));
}

struct ReplaceCase {
  std::string name;
  std::map<std::string, Value> config;
  std::vector<std::string> want_paths;
};

TEST(PlanGenericTest, RequiresReplaceTable) {
  const ReplaceCase cases[] = {
      {"attribute", {{"location", Str("northeurope")}}, {"location"}},
      {"unknown_forcenew", {{"name", UnknownStr()}}, {"name"}},
      {"two_attributes",
       {{"location", Str("northeurope")}, {"name", Str("ws2")}},
       {"location", "name"}},
      {"nested_list_attribute",
       {{"encryption", Encryption("https://kv/keys/k2")}},
       {"encryption[0].key_id"}},
      {"nested_block_removed",
       {{"encryption",
         Value::List(S().block.FindBlock("encryption")->block.ImpliedType(),
                     {})}},
       {"encryption[0].key_id"}},
      {"set_block",
       {{"network_rule", Rules({"10.1.0.0/24"})}},
       {"network_rule"}},
      {"in_place", {{"tags", Value::StringMap({{"a", "b"}})}}, {}},
  };
  for (const ReplaceCase& c : cases) {
    SCOPED_TRACE(c.name);
    Value prior = Prior();
    Value config = Config(c.config);
    GenericPlan p = Plan(prior, config);
    EXPECT_THAT(PathStrings(p.requires_replace),
                ::testing::ElementsAreArray(c.want_paths));
    EXPECT_EQ(p.replace, !c.want_paths.empty());
    if (p.replace) {
      // A new object: nothing computed carries over, not even the id.
      EXPECT_TRUE(p.planned.GetAttr("id").IsUnknown());
    } else {
      EXPECT_EQ(p.planned.GetAttr("id"), prior.GetAttr("id"));
    }
    tf::Diagnostics d;
    CheckPlanValid(S().block, prior, config, p.planned, d);
    EXPECT_TRUE(d.empty()) << d.ToString();
  }
}

TEST(PlanGenericTest, DefaultReappliedWhenRemovedFromConfig) {
  Value prior = Prior().WithAttr("sku", Str("Premium"));
  GenericPlan p = Plan(prior, Config());  // sku not set
  EXPECT_FALSE(p.no_op);
  EXPECT_EQ(p.planned.GetAttr("sku"), Str("Basic"));
  // Configured values win over defaults.
  GenericPlan q = Plan(prior, Config({{"sku", Str("Standard")}}));
  EXPECT_EQ(q.planned.GetAttr("sku"), Str("Standard"));
}

TEST(PlanGenericTest, DefaultsAppliedInNestedBlocks) {
  tf::Schema s;
  s.block.description = "d";
  tf::Block inner;
  inner.description = "inner";
  inner.attributes = {tf::Attribute::Optional("mode", Type::String(), "m")
                          .WithDefault(Str("auto")),
                      tf::Attribute::Optional("x", Type::String(), "x")};
  s.block.blocks = {tf::NestedBlock::List("item", inner)};
  Type et = inner.ImpliedType();
  Value config = Value::Object(
      s.ImpliedType(),
      {{"item",
        Value::List(et, {Value::Object(et, {{"x", Str("a")}}),
                         Value::Object(et, {{"mode", Str("manual")}})})}});
  GenericPlan p =
      PlanGeneric(s.block, Value::Null(s.ImpliedType()), config, config);
  const auto& items = p.planned.GetAttr("item").Elements();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].GetAttr("mode"), Str("auto"));
  EXPECT_EQ(items[1].GetAttr("mode"), Str("manual"));
}

TEST(PlanGenericTest, ComputedForceNewKeepsPriorOnInPlaceUpdate) {
  tf::Schema s;
  s.block.description = "d";
  s.block.attributes = {
      tf::Attribute::OptionalComputed("zone", Type::String(), "z").ForceNew(),
      tf::Attribute::Optional("label", Type::String(), "l")};
  Value prior =
      Value::Object(s.ImpliedType(), {{"zone", Str("1")}, {"label", Str("a")}});
  Value config = Value::Object(s.ImpliedType(), {{"label", Str("b")}});
  Value proposed = prior.WithAttr("label", Str("b"));
  GenericPlan p = PlanGeneric(s.block, prior, proposed, config);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned.GetAttr("zone"), Str("1"));
}

TEST(CheckPlanValidTest, ReportsProviderBugsWithPaths) {
  Value prior = Prior();
  Value config = Config({{"description", Str("second")}});
  GenericPlan p = Plan(prior, config);
  struct Case {
    std::string name;
    Value planned;
    std::string want_path;
  };
  const Case cases[] = {
      {"changed_configured", p.planned.WithAttr("description", Str("other")),
       "description"},
      {"non_computed_set",
       p.planned.WithAttr("tags", Value::StringMap({{"k", "v"}})), "tags"},
      {"nested_non_computed",
       p.planned.WithAttr("encryption", Encryption("https://other")),
       "encryption[0].key_id"},
      {"null_list_block",
       p.planned.WithAttr(
           "encryption",
           Value::Null(S().block.FindBlock("encryption")->ImpliedType())),
       "encryption"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    tf::Diagnostics d;
    CheckPlanValid(S().block, prior, config, c.planned, d);
    ASSERT_TRUE(d.HasError());
    ASSERT_TRUE(d.items()[0].attribute.has_value());
    EXPECT_EQ(d.items()[0].attribute->ToString(), c.want_path);
    EXPECT_EQ(d.items()[0].summary, "Provider produced invalid plan");
    EXPECT_THAT(d.items()[0].detail,
                ::testing::HasSubstr("bug in the provider"));
  }
  // The prior value stands in for an equivalent configured value.
  tf::Diagnostics ok;
  CheckPlanValid(S().block, prior, config,
                 p.planned.WithAttr("name", prior.GetAttr("name")), ok);
  EXPECT_TRUE(ok.empty()) << ok.ToString();
}

TEST(PlanPathsTest, NormalizeAndChanged) {
  std::vector<AttributePath> ps = {AttributePath::Root("b"),
                                   AttributePath::Root("a"),
                                   AttributePath::Root("b")};
  EXPECT_THAT(PathStrings(NormalizePaths(ps)),
              ::testing::ElementsAre("a", "b"));
  Value prior = Prior();
  Value planned = prior.WithAttr("location", Str("x"));
  EXPECT_TRUE(PathChanged(prior, planned, AttributePath::Root("location")));
  EXPECT_FALSE(PathChanged(prior, planned, AttributePath::Root("name")));
  EXPECT_TRUE(PathExists(prior, AttributePath::Root("encryption").Index(0)));
  EXPECT_FALSE(PathExists(prior, AttributePath::Root("nope")));
}

}  // namespace
}  // namespace secureaml::core
