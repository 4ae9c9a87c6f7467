#include "provider/core/provider_server.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/common/logging.h"
#include "provider/core/testing/fake_resource.h"
#include "provider/core/testing/workspace_schema.h"
#include "provider/value/codec.h"

namespace secureaml::core {
namespace {

using ::testing::ElementsAre;
using testing::FakeDataSource;
using testing::FakeProvider;
using testing::FakeResource;
using ::testing::HasSubstr;
using testing::ProposedNew;
using testing::WorkspaceConfig;
using testing::WorkspaceLikeSchema;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kType[] = "fake_workspace";

Value Str(const char* s) { return Value::String(s); }

const tf::Schema& WsSchema() {
  static const tf::Schema* const kSchema =
      new tf::Schema(WorkspaceLikeSchema());
  return *kSchema;
}
const Type& WsType() {
  static const Type* const kType_ = new Type(WsSchema().ImpliedType());
  return *kType_;
}

tf::Schema ProviderSchema() {
  tf::Schema s;
  s.block.description = "Fake provider.";
  s.block.attributes = {tf::Attribute::Optional(
      "subscription_id", Type::String(), "Subscription.")};
  return s;
}

tf::Schema LookupSchema() {
  tf::Schema s;
  s.block.description = "Lookup.";
  s.block.attributes = {
      tf::Attribute::Required("name", Type::String(), "Name."),
      tf::Attribute::Computed("id", Type::String(), "ID.")};
  return s;
}

DynamicValue Enc(const Value& v, const Type& t = WsType()) {
  absl::StatusOr<std::string> b = tf::EncodeMsgpack(v, t);
  EXPECT_TRUE(b.ok()) << b.status();
  return DynamicValue{b.ok() ? *b : "", ""};
}

Value Dec(const DynamicValue& dv, const Type& t = WsType()) {
  if (dv.msgpack.empty() && dv.json.empty()) return Value::Null(t);
  absl::StatusOr<Value> v = tf::DecodeMsgpack(dv.msgpack, t);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

Value NullState() { return Value::Null(WsType()); }

Value Config(std::map<std::string, Value> overrides = {}) {
  std::map<std::string, Value> attrs = {{"name", Str("ws1")},
                                        {"location", Str("westeurope")}};
  for (auto& [k, v] : overrides) attrs[k] = v;
  return WorkspaceConfig(attrs);
}

Value State() {
  return WorkspaceConfig({{"id", Str("/subscriptions/s/ws1")},
                          {"name", Str("ws1")},
                          {"location", Str("westeurope")},
                          {"sku", Str("Basic")},
                          {"public_network_access_enabled", Value::Bool(false)},
                          {"etag", Str("e1")},
                          {"principal_id", Str("p1")}});
}

Value TimeoutsValue(std::map<std::string, Value> t) {
  return Value::Object(WsSchema().block.FindBlock("timeouts")->ImpliedType(),
                       std::move(t));
}

std::string Paths(const tf::Diagnostics& d) {
  std::string out;
  for (const auto& item : d) {
    out += (item.attribute ? item.attribute->ToString() : "-") + ";";
  }
  return out;
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex. (std::regex
// trips gcc 12's -Wmaybe-uninitialized under sanitizers.)
bool IsUuidV4(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i])) ||
               std::isupper(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return s[14] == '4' && std::string("89ab").find(s[19]) != std::string::npos;
}

class ProviderServerTest : public ::testing::Test {
 protected:
  FakeResource resource_;
  FakeDataSource lookup_;

  void SetUp() override {
    resource_.type_name = kType;
    resource_.schema = WsSchema();
    lookup_.type_name = "fake_lookup";
    lookup_.schema = LookupSchema();
  }

  std::unique_ptr<ProviderServer> Server(bool configure = true) {
    auto p = std::make_unique<FakeProvider>();
    p->schema = ProviderSchema();
    p->AddResource(resource_);
    p->AddDataSource(lookup_);
    auto server = std::make_unique<ProviderServer>(std::move(p));
    if (configure) {
      ConfigureProviderRequest req;
      req.config = Enc(Value::Null(ProviderSchema().ImpliedType()),
                       ProviderSchema().ImpliedType());
      EXPECT_TRUE(server->ConfigureProvider(req).diagnostics.empty());
    }
    return server;
  }

  PlanResourceChangeResponse Plan(ProviderServer& s, const Value& prior,
                                  const Value& config,
                                  std::string prior_private = "") {
    PlanResourceChangeRequest req;
    req.type_name = kType;
    req.prior_state = Enc(prior);
    req.config = Enc(config);
    req.proposed_new_state =
        Enc(config.IsNull() ? config
                            : ProposedNew(WsSchema().block, prior, config));
    req.prior_private = std::move(prior_private);
    return s.PlanResourceChange(req);
  }

  ApplyResourceChangeResponse Apply(ProviderServer& s, const Value& prior,
                                    const Value& planned, const Value& config) {
    ApplyResourceChangeRequest req;
    req.type_name = kType;
    req.prior_state = Enc(prior);
    req.planned_state = Enc(planned);
    req.config = Enc(config);
    req.planned_private = "private-1";
    return s.ApplyResourceChange(req);
  }
};

// ---- schema and registry ----

TEST_F(ProviderServerTest, SchemaListsEverythingWithCapabilities) {
  auto s = Server(false);
  GetProviderSchemaResponse r = s->GetProviderSchema();
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics.ToString();
  EXPECT_EQ(r.resource_schemas.count(kType), 1u);
  EXPECT_EQ(r.data_source_schemas.count("fake_lookup"), 1u);
  EXPECT_TRUE(r.capabilities.plan_destroy);
  EXPECT_TRUE(r.capabilities.get_provider_schema_optional);
}

TEST_F(ProviderServerTest, RegistryProblemsBecomeSchemaDiagnostics) {
  auto p = std::make_unique<FakeProvider>();
  p->schema = ProviderSchema();
  p->AddResource(resource_);
  p->AddResource(resource_);  // duplicate
  FakeResource unnamed = resource_;
  unnamed.type_name = "";
  p->AddResource(unnamed);
  FakeResource bad = resource_;
  bad.type_name = "fake_bad";
  bad.schema.block.attributes.push_back(
      tf::Attribute::Optional("Bad-Name", Type::String(), "x"));
  p->AddResource(bad);
  ProviderServer s(std::move(p));
  GetProviderSchemaResponse r = s.GetProviderSchema();
  ASSERT_EQ(r.diagnostics.size(), 3u) << r.diagnostics.ToString();
  std::string all = r.diagnostics.ToString();
  EXPECT_THAT(all, HasSubstr("Duplicate resource type"));
  EXPECT_THAT(all, HasSubstr("empty type name"));
  EXPECT_THAT(all, HasSubstr("fake_bad"));
}

TEST_F(ProviderServerTest, NullProviderDoesNotCrash) {
  ProviderServer s(nullptr);
  EXPECT_TRUE(s.GetProviderSchema().diagnostics.HasError());
  EXPECT_TRUE(s.ConfigureProvider({}).diagnostics.HasError());
  EXPECT_FALSE(s.ValidateProviderConfig({}).diagnostics.HasError());
  PlanResourceChangeRequest plan;
  plan.type_name = kType;
  EXPECT_TRUE(s.PlanResourceChange(plan).diagnostics.HasError());
}

TEST_F(ProviderServerTest, UnknownTypeNamesAreDiagnostics) {
  auto s = Server();
  PlanResourceChangeRequest plan;
  plan.type_name = "fake_nope";
  auto pr = s->PlanResourceChange(plan);
  ASSERT_TRUE(pr.diagnostics.HasError());
  EXPECT_EQ(pr.diagnostics.items()[0].summary, "Unknown resource type");
  EXPECT_THAT(pr.diagnostics.items()[0].detail,
              HasSubstr("This provider has: fake_workspace"));
  ApplyResourceChangeRequest apply;
  apply.type_name = "fake_nope";
  EXPECT_TRUE(s->ApplyResourceChange(apply).diagnostics.HasError());
  ReadResourceRequest read;
  read.type_name = "fake_nope";
  EXPECT_TRUE(s->ReadResource(read).diagnostics.HasError());
  ImportResourceStateRequest imp{"fake_nope", "x"};
  EXPECT_TRUE(s->ImportResourceState(imp).diagnostics.HasError());
  UpgradeResourceStateRequest up;
  up.type_name = "fake_nope";
  EXPECT_TRUE(s->UpgradeResourceState(up).diagnostics.HasError());
  ValidateResourceConfigRequest v{"fake_nope", {}};
  EXPECT_TRUE(s->ValidateResourceConfig(v).diagnostics.HasError());
  EXPECT_TRUE(s->ValidateDataResourceConfig(v).diagnostics.HasError());
  ReadDataSourceRequest ds;
  ds.type_name = "fake_workspace";  // a resource, not a data source
  auto dr = s->ReadDataSource(ds);
  ASSERT_TRUE(dr.diagnostics.HasError());
  EXPECT_THAT(dr.diagnostics.items()[0].detail, HasSubstr("fake_lookup"));
}

// ---- hostile input ----

TEST_F(ProviderServerTest, MalformedInputGivesDiagnosticsWithPaths) {
  auto s = Server();
  auto validate = [&](std::string bytes) {
    ValidateResourceConfigRequest req{kType, {std::move(bytes), ""}};
    return s->ValidateResourceConfig(req).diagnostics;
  };
  // Garbage bytes.
  tf::Diagnostics d = validate("\xff\x00\x13garbage");
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(d.items()[0].detail, HasSubstr("terraform init -upgrade"));
  // Truncated msgpack.
  std::string good = Enc(Config()).msgpack;
  EXPECT_TRUE(validate(good.substr(0, good.size() / 2)).HasError());
  // Wrong type for an attribute: number where a string belongs.
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [name, t] : WsType().AttributeTypes()) obj[name] = nullptr;
  obj["network_rule"] = nlohmann::json::array();
  obj["encryption"] = nlohmann::json::array();
  obj["name"] = 5;
  std::vector<uint8_t> mp = nlohmann::json::to_msgpack(obj);
  d = validate(std::string(mp.begin(), mp.end()));
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(Paths(d), "name;");
  // An attribute the schema does not have.
  obj["name"] = "ws1";
  obj["surprise"] = true;
  mp = nlohmann::json::to_msgpack(obj);
  d = validate(std::string(mp.begin(), mp.end()));
  EXPECT_TRUE(d.HasError()) << d.ToString();
  // JSON-only DynamicValue is accepted.
  ValidateResourceConfigRequest json_req{kType, {"", "{\"bad\": 1}"}};
  EXPECT_TRUE(s->ValidateResourceConfig(json_req).diagnostics.HasError());
  // The same garbage through every RPC: diagnostics, never a crash.
  DynamicValue junk{"\xc1\xc1\xc1", ""};
  PlanResourceChangeRequest p;
  p.type_name = kType;
  p.prior_state = junk;
  p.proposed_new_state = junk;
  p.config = junk;
  EXPECT_TRUE(s->PlanResourceChange(p).diagnostics.HasError());
  ApplyResourceChangeRequest a;
  a.type_name = kType;
  a.prior_state = junk;
  a.planned_state = junk;
  a.config = junk;
  EXPECT_TRUE(s->ApplyResourceChange(a).diagnostics.HasError());
  ReadResourceRequest r;
  r.type_name = kType;
  r.current_state = junk;
  EXPECT_TRUE(s->ReadResource(r).diagnostics.HasError());
}

// ---- validation ----

TEST_F(ProviderServerTest, ValidatorsRunWithNestedPaths) {
  resource_.validate = [](const ValidateConfigRequest& req,
                          ValidateConfigResponse& resp) {
    resp.diagnostics.AddWarning("resource validate ran");
  };
  auto s = Server(false);  // validation never needs a configured provider
  const tf::Block& b = WsSchema().block;
  Type enc = b.FindBlock("encryption")->block.ImpliedType();
  Type rule = b.FindBlock("network_rule")->block.ImpliedType();
  Value config = Config(
      {{"name", Str("")},
       {"legacy_flag", Value::Bool(true)},
       {"description", Value::Unknown(Type::String())},
       {"encryption",
        Value::List(enc, {Value::Object(enc, {{"key_id", Str("http://x")}})})},
       {"network_rule",
        Value::Set(rule,
                   {Value::Object(rule, {{"ip_range", Str("10.0.0.1")}})})},
       {"timeouts", TimeoutsValue({{"create", Str("-1m")}})}});
  ValidateResourceConfigRequest req{kType, Enc(config)};
  tf::Diagnostics d = s->ValidateResourceConfig(req).diagnostics;
  EXPECT_EQ(Paths(d),
            "name;legacy_flag;encryption[0].key_id;network_rule;"
            "timeouts.create;-;")
      << d.ToString();
  EXPECT_EQ(d.items()[1].severity, tf::Severity::kWarning);
  EXPECT_THAT(d.items()[1].detail, HasSubstr("remove it"));

  // Unknown values are not validated.
  Value unknown_name = Config({{"name", Value::Unknown(Type::String())}});
  ValidateResourceConfigRequest req2{kType, Enc(unknown_name)};
  tf::Diagnostics d2 = s->ValidateResourceConfig(req2).diagnostics;
  EXPECT_FALSE(d2.HasError()) << d2.ToString();
}

TEST_F(ProviderServerTest, ValidateProviderConfigEchoes) {
  auto s = Server(false);
  Type pt = ProviderSchema().ImpliedType();
  Value config = Value::Object(pt, {{"subscription_id", Str("sub")}});
  ValidateProviderConfigRequest req{Enc(config, pt)};
  ValidateProviderConfigResponse r = s->ValidateProviderConfig(req);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(Dec(r.prepared_config, pt), config);
}

// ---- plan ----

TEST_F(ProviderServerTest, PlanCreateUpdateReplaceDestroy) {
  std::atomic<int> modify_calls{0};
  std::atomic<bool> saw_provider_data{false};
  resource_.modify_plan = [&](const ModifyPlanRequest& req,
                              ModifyPlanResponse& resp) {
    ++modify_calls;
    saw_provider_data = req.ctx.provider_data != nullptr;
  };
  auto s = Server();

  // Create.
  auto create = Plan(*s, NullState(), Config());
  ASSERT_FALSE(create.diagnostics.HasError()) << create.diagnostics.ToString();
  Value planned = Dec(create.planned_state);
  EXPECT_TRUE(planned.GetAttr("id").IsUnknown());
  EXPECT_EQ(planned.GetAttr("sku"), Str("Basic"));
  EXPECT_TRUE(create.requires_replace.empty());
  EXPECT_TRUE(saw_provider_data);

  // No-op.
  auto noop = Plan(*s, State(), Config(), "priv");
  EXPECT_EQ(Dec(noop.planned_state), State());
  EXPECT_EQ(noop.planned_private, "priv");

  // In-place update keeps the id.
  auto update = Plan(*s, State(), Config({{"description", Str("new")}}));
  Value up = Dec(update.planned_state);
  EXPECT_EQ(up.GetAttr("id"), State().GetAttr("id"));
  EXPECT_TRUE(up.GetAttr("etag").IsUnknown());
  EXPECT_TRUE(update.requires_replace.empty());

  // ForceNew.
  auto replace = Plan(*s, State(), Config({{"location", Str("northeurope")}}));
  ASSERT_FALSE(replace.diagnostics.HasError());
  ASSERT_EQ(replace.requires_replace.size(), 1u);
  EXPECT_EQ(replace.requires_replace[0].ToString(), "location");
  EXPECT_TRUE(Dec(replace.planned_state).GetAttr("id").IsUnknown());

  // Destroy.
  PlanResourceChangeRequest destroy;
  destroy.type_name = kType;
  destroy.prior_state = Enc(State());
  destroy.proposed_new_state = Enc(NullState());
  destroy.config = Enc(NullState());
  destroy.prior_private = "keep-me";
  auto d = s->PlanResourceChange(destroy);
  EXPECT_FALSE(d.diagnostics.HasError());
  EXPECT_TRUE(Dec(d.planned_state).IsNull());
  EXPECT_EQ(d.planned_private, "keep-me");
  EXPECT_EQ(modify_calls.load(), 4);  // not called for destroy
}

TEST_F(ProviderServerTest, PlanWithoutConfigureGivesNullProviderData) {
  bool called = false;
  resource_.modify_plan = [&](const ModifyPlanRequest& req,
                              ModifyPlanResponse& resp) {
    called = true;
    EXPECT_EQ(req.ctx.provider_data, nullptr);
  };
  auto s = Server(false);
  auto r = Plan(*s, NullState(), Config());
  EXPECT_TRUE(called);
  EXPECT_FALSE(r.diagnostics.HasError());
}

TEST_F(ProviderServerTest, InvalidModifyPlanBlamesProvider) {
  resource_.modify_plan = [](const ModifyPlanRequest& req,
                             ModifyPlanResponse& resp) {
    resp.planned_state =
        resp.planned_state.WithAttr("description", Str("sneaky"));
    resp.requires_replace.push_back(AttributePath::Root("no_such_attr"));
  };
  auto s = Server();
  auto r = Plan(*s, State(), Config({{"description", Str("mine")}}));
  ASSERT_TRUE(r.diagnostics.HasError());
  std::string all = r.diagnostics.ToString();
  EXPECT_THAT(all, HasSubstr("no_such_attr"));
  EXPECT_THAT(Paths(r.diagnostics), HasSubstr("description"));
  EXPECT_THAT(all, HasSubstr("bug in the provider"));
}

TEST_F(ProviderServerTest, ModifyPlanMayAddReplacePathsAndPrivate) {
  resource_.modify_plan = [](const ModifyPlanRequest& req,
                             ModifyPlanResponse& resp) {
    resp.requires_replace.push_back(AttributePath::Root("description"));
    resp.requires_replace.push_back(AttributePath::Root("description"));
    resp.planned_private = "new-private";
    resp.diagnostics.AddAttributeWarning(AttributePath::Root("description"),
                                         "Weakened security", "careful");
  };
  auto s = Server();
  auto r = Plan(*s, State(), Config({{"description", Str("x")}}));
  EXPECT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  ASSERT_EQ(r.requires_replace.size(), 1u);
  EXPECT_EQ(r.planned_private, "new-private");
  EXPECT_EQ(r.diagnostics.size(), 1u);
}

TEST_F(ProviderServerTest, ReplaceFromModifyPlanMakesCarriedOverUnknown) {
  resource_.modify_plan = [](const ModifyPlanRequest& req,
                             ModifyPlanResponse& resp) {
    // e.g. Azure cannot change the description in place.
    resp.requires_replace.push_back(AttributePath::Root("description"));
    resp.planned_state =
        resp.planned_state.WithAttr("principal_id", Str("chosen"));
  };
  auto s = Server();
  auto r = Plan(*s, State(), Config({{"description", Str("x")}}));
  ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  Value planned = Dec(r.planned_state);
  EXPECT_TRUE(planned.GetAttr("id").IsUnknown());
  EXPECT_EQ(planned.GetAttr("principal_id"), Str("chosen"));
  // Without a real change the replace path is inert and ids stay.
  auto noop = Plan(*s, State(), Config());
  EXPECT_EQ(Dec(noop.planned_state).GetAttr("id"), State().GetAttr("id"));
}

TEST_F(ProviderServerTest, OneDebugLinePerRpcWithoutValues) {
  std::vector<std::string> lines;
  std::mutex mu;
  log::SetLevel(log::Level::kDebug);
  log::SetSinkForTest([&](std::string_view line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.emplace_back(line);
  });
  auto s = Server(false);
  lines.clear();
  Plan(*s, NullState(), Config({{"description", Str("top-secret-value")}}));
  log::SetSinkForTest(nullptr);
  log::SetLevel(log::Level::kOff);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("PlanResourceChange"));
  EXPECT_THAT(lines[0], HasSubstr(kType));
  EXPECT_THAT(lines[0], HasSubstr("duration_ms"));
  EXPECT_THAT(lines[0], HasSubstr("diagnostics"));
  EXPECT_THAT(lines[0], ::testing::Not(HasSubstr("top-secret-value")));
}

// ---- apply ----

TEST_F(ProviderServerTest, ApplyCreateUpdateDelete) {
  std::vector<std::string> calls;
  resource_.create = [&](const CreateRequest& req, CreateResponse& resp) {
    calls.push_back("create");
    EXPECT_NE(req.ctx.provider_data, nullptr);
    resp.new_state = testing::FillUnknowns(req.planned_state)
                         .WithAttr("id", Str("/subscriptions/s/ws1"));
    resp.private_state = "p-create";
  };
  resource_.update = [&](const UpdateRequest& req, UpdateResponse& resp) {
    calls.push_back("update");
    EXPECT_EQ(req.planned_private, "private-1");
    resp.new_state = testing::FillUnknowns(req.planned_state);
  };
  resource_.del = [&](const DeleteRequest& req, DeleteResponse& resp) {
    calls.push_back("delete");
    EXPECT_EQ(req.prior_state.GetAttr("id"), State().GetAttr("id"));
  };
  auto s = Server();

  Value config = Config({{"timeouts", TimeoutsValue({{"create", Str("1h")}})}});
  Value planned = Dec(Plan(*s, NullState(), config).planned_state);
  auto created = Apply(*s, NullState(), planned, config);
  ASSERT_FALSE(created.diagnostics.HasError())
      << created.diagnostics.ToString();
  Value state = Dec(created.new_state);
  EXPECT_TRUE(state.IsWhollyKnown());
  EXPECT_EQ(state.GetAttr("id"), Str("/subscriptions/s/ws1"));
  EXPECT_EQ(state.GetAttr("timeouts"), config.GetAttr("timeouts"));
  EXPECT_EQ(created.private_state, "p-create");

  Value config2 = Config({{"description", Str("two")}});
  Value planned2 = Dec(Plan(*s, state, config2).planned_state);
  auto updated = Apply(*s, state, planned2, config2);
  ASSERT_FALSE(updated.diagnostics.HasError())
      << updated.diagnostics.ToString();
  EXPECT_EQ(Dec(updated.new_state).GetAttr("description"), Str("two"));

  auto deleted = Apply(*s, State(), NullState(), NullState());
  EXPECT_FALSE(deleted.diagnostics.HasError());
  EXPECT_TRUE(Dec(deleted.new_state).IsNull());
  EXPECT_THAT(calls, ElementsAre("create", "update", "delete"));
}

TEST_F(ProviderServerTest, TimeoutsOnlyUpdateSkipsTheResource) {
  bool called = false;
  resource_.update = [&](const UpdateRequest&, UpdateResponse&) {
    called = true;
  };
  auto s = Server();
  Value config = Config({{"timeouts", TimeoutsValue({{"update", Str("2h")}})}});
  auto plan = Plan(*s, State(), config);
  Value planned = Dec(plan.planned_state);
  EXPECT_EQ(planned.GetAttr("etag"), State().GetAttr("etag"));
  auto r = Apply(*s, State(), planned, config);
  EXPECT_FALSE(called);
  EXPECT_FALSE(r.diagnostics.HasError());
  EXPECT_EQ(Dec(r.new_state), planned);
}

TEST_F(ProviderServerTest, FailedDeleteKeepsPriorState) {
  resource_.del = [](const DeleteRequest&, DeleteResponse& resp) {
    resp.diagnostics.AddError("Delete failed", "locked");
  };
  auto s = Server();
  auto r = Apply(*s, State(), NullState(), NullState());
  EXPECT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(Dec(r.new_state), State());
}

TEST_F(ProviderServerTest, PartialStateOnCreateErrorIsKept) {
  resource_.create = [](const CreateRequest& req, CreateResponse& resp) {
    resp.new_state = req.planned_state.WithAttr("id", Str("/created"));
    resp.diagnostics.AddError("Role assignment failed", "after create");
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  auto r = Apply(*s, NullState(), planned, Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(r.diagnostics.size(), 1u) << r.diagnostics.ToString();
  Value state = Dec(r.new_state);
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetAttr("id"), Str("/created"));
  EXPECT_TRUE(state.IsWhollyKnown());  // leftover unknowns nulled quietly
}

TEST_F(ProviderServerTest, MisshapenCreateResultStillTracksTheObject) {
  resource_.create = [](const CreateRequest& req, CreateResponse& resp) {
    // A buggy resource: wrong type for `name`.
    resp.new_state = testing::FillUnknowns(req.planned_state)
                         .WithAttr("id", Str("/created"))
                         .WithAttr("name", Value::Int(5));
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  auto r = Apply(*s, NullState(), planned, Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_THAT(r.diagnostics.ToString(), HasSubstr("does not match its own"));
  Value state = Dec(r.new_state);
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetAttr("id"), Str("/created"));
}

TEST_F(ProviderServerTest, UnknownAfterApplyIsNulledAndReported) {
  resource_.create = [](const CreateRequest& req, CreateResponse& resp) {
    resp.new_state = req.planned_state.WithAttr("id", Str("/created"));
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  auto r = Apply(*s, NullState(), planned, Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(Paths(r.diagnostics), "etag;principal_id;");
  Value state = Dec(r.new_state);
  EXPECT_TRUE(state.GetAttr("etag").IsNull());
  EXPECT_EQ(state.GetAttr("id"), Str("/created"));
}

TEST_F(ProviderServerTest, InconsistentResultDetectedButStateKept) {
  resource_.create = [](const CreateRequest& req, CreateResponse& resp) {
    resp.new_state = testing::FillUnknowns(req.planned_state)
                         .WithAttr("location", Str("West Europe"));
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  auto r = Apply(*s, NullState(), planned, Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(r.diagnostics.items()[0].summary,
            "Provider produced inconsistent result after apply");
  EXPECT_EQ(Paths(r.diagnostics), "location;");
  EXPECT_EQ(Dec(r.new_state).GetAttr("location"), Str("West Europe"));
}

TEST_F(ProviderServerTest, ApplyNeedsConfiguredProvider) {
  auto s = Server(false);
  auto r = Apply(*s, NullState(), Config(), Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(r.diagnostics.items()[0].summary, "Provider not configured");
}

TEST_F(ProviderServerTest, ExceptionsInResourcesBecomeDiagnostics) {
  resource_.create = [](const CreateRequest&, CreateResponse&) {
    throw std::runtime_error("boom");
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  auto r = Apply(*s, NullState(), planned, Config());
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_THAT(r.diagnostics.ToString(), HasSubstr("boom"));
  EXPECT_TRUE(Dec(r.new_state).IsNull());
}

TEST_F(ProviderServerTest, ContextCarriesDeadlineAndCorrelationId) {
  std::vector<OperationContext> seen;
  resource_.create = [&](const CreateRequest& req, CreateResponse& resp) {
    seen.push_back(req.ctx);
    resp.new_state = testing::FillUnknowns(req.planned_state);
  };
  resource_.timeouts.create = absl::Minutes(10);
  auto s = Server();
  Value config =
      Config({{"timeouts", TimeoutsValue({{"create", Str("1h30m")}})}});
  Value planned = Dec(Plan(*s, NullState(), config).planned_state);
  absl::Time before = absl::Now();
  Apply(*s, NullState(), planned, config);
  Apply(*s, NullState(), Dec(Plan(*s, NullState(), Config()).planned_state),
        Config());
  absl::Time after = absl::Now();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_GE(seen[0].deadline, before + absl::Minutes(90));
  EXPECT_LE(seen[0].deadline, after + absl::Minutes(90));
  EXPECT_LE(seen[1].deadline, after + absl::Minutes(10));  // default
  EXPECT_GE(seen[1].deadline, before + absl::Minutes(10));
  EXPECT_TRUE(IsUuidV4(seen[0].correlation_id)) << seen[0].correlation_id;
  EXPECT_TRUE(IsUuidV4(seen[1].correlation_id)) << seen[1].correlation_id;
  EXPECT_NE(seen[0].correlation_id, seen[1].correlation_id);
}

// ---- read ----

TEST_F(ProviderServerTest, ReadGoneAndPassThrough) {
  resource_.read = [](const ReadRequest& req, ReadResponse& resp) {
    if (req.private_state == "gone") {
      resp.new_state = Value::Null(req.current_state.type());
      return;
    }
    resp.new_state = req.current_state.WithAttr("etag", Str("e2"));
  };
  auto s = Server();
  Value current =
      State().WithAttr("timeouts", TimeoutsValue({{"read", Str("1m")}}));
  ReadResourceRequest req;
  req.type_name = kType;
  req.current_state = Enc(current);
  req.private_state = "keep";
  auto r = s->ReadResource(req);
  EXPECT_FALSE(r.diagnostics.HasError());
  EXPECT_EQ(Dec(r.new_state).GetAttr("etag"), Str("e2"));
  EXPECT_EQ(Dec(r.new_state).GetAttr("timeouts"), current.GetAttr("timeouts"));
  EXPECT_EQ(r.private_state, "keep");

  req.private_state = "gone";
  auto g = s->ReadResource(req);
  EXPECT_FALSE(g.diagnostics.HasError());
  EXPECT_EQ(g.new_state.msgpack, std::string("\xc0"));
  EXPECT_TRUE(Dec(g.new_state).IsNull());
}

TEST_F(ProviderServerTest, ReadWithUnknownsIsReported) {
  resource_.read = [](const ReadRequest& req, ReadResponse& resp) {
    resp.new_state =
        req.current_state.WithAttr("etag", Value::Unknown(Type::String()));
  };
  auto s = Server();
  ReadResourceRequest req;
  req.type_name = kType;
  req.current_state = Enc(State());
  auto r = s->ReadResource(req);
  EXPECT_EQ(Paths(r.diagnostics), "etag;");
  EXPECT_TRUE(Dec(r.new_state).IsWhollyKnown());
}

// ---- import ----

TEST_F(ProviderServerTest, ImportFillsNulls) {
  auto s = Server();
  auto r = s->ImportResourceState({kType, "/subscriptions/s/ws9"});
  ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  ASSERT_EQ(r.imported_resources.size(), 1u);
  EXPECT_EQ(r.imported_resources[0].type_name, kType);
  Value state = Dec(r.imported_resources[0].state);
  EXPECT_EQ(state.GetAttr("id"), Str("/subscriptions/s/ws9"));
  EXPECT_TRUE(state.GetAttr("name").IsNull());
  EXPECT_TRUE(state.GetAttr("timeouts").IsNull());
  EXPECT_TRUE(state.GetAttr("encryption").IsKnown());
  EXPECT_TRUE(state.GetAttr("encryption").Elements().empty());
}

TEST_F(ProviderServerTest, ImportErrorsComeFromTheResource) {
  resource_.import = [](const ImportRequest& req, ImportResponse& resp) {
    resp.diagnostics.AddError("Invalid import ID",
                              "Expected /subscriptions/...; got " + req.id);
  };
  auto s = Server();
  auto r = s->ImportResourceState({kType, "bogus"});
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_FALSE(r.diagnostics.items()[0].attribute.has_value());
  EXPECT_TRUE(r.imported_resources.empty());
  EXPECT_TRUE(s->ImportResourceState({kType, " "}).diagnostics.HasError());
}

// ---- upgrade ----

TEST_F(ProviderServerTest, UpgradeDropsUnknownKeysAndFillsMissing) {
  auto s = Server();
  UpgradeResourceStateRequest req;
  req.type_name = kType;
  req.version = 1;
  req.raw_state_json =
      R"({"id":"/x","name":"ws1","location":"westeurope","removed_attr":3,)"
      R"("tags":{"a":"b"}})";
  auto r = s->UpgradeResourceState(req);
  ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  Value v = Dec(r.upgraded_state);
  EXPECT_EQ(v.GetAttr("id"), Str("/x"));
  EXPECT_TRUE(v.GetAttr("etag").IsNull());
  EXPECT_TRUE(v.GetAttr("encryption").IsKnown());  // empty list, not null
  EXPECT_EQ(v.GetAttr("tags"), Value::StringMap({{"a", "b"}}));
}

TEST_F(ProviderServerTest, UpgradeFromOlderVersionCallsResource) {
  resource_.upgrade = [](const UpgradeStateRequest& req,
                         UpgradeStateResponse& resp) {
    EXPECT_EQ(req.from_version, 0);
    resp.state = req.state;
    resp.state["location"] = req.state["region"];
    resp.state.erase("region");
  };
  auto s = Server();
  UpgradeResourceStateRequest req;
  req.type_name = kType;
  req.version = 0;
  req.raw_state_json = R"({"id":"/x","name":"n","region":"westeurope"})";
  auto r = s->UpgradeResourceState(req);
  ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
  EXPECT_EQ(Dec(r.upgraded_state).GetAttr("location"), Str("westeurope"));
}

TEST_F(ProviderServerTest, UpgradeRejectsNewerVersionFlatmapAndJunk) {
  auto s = Server();
  UpgradeResourceStateRequest req;
  req.type_name = kType;
  req.version = 7;
  req.raw_state_json = R"({"id":"/x"})";
  auto r = s->UpgradeResourceState(req);
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_EQ(r.diagnostics.items()[0].summary,
            "Resource instance managed by newer provider version");

  UpgradeResourceStateRequest flat;
  flat.type_name = kType;
  flat.raw_state_flatmap = {{"id", "/x"}};
  EXPECT_THAT(s->UpgradeResourceState(flat).diagnostics.ToString(),
              HasSubstr("0.11"));

  UpgradeResourceStateRequest junk;
  junk.type_name = kType;
  junk.version = 0;
  junk.raw_state_json = "{not json";
  EXPECT_TRUE(s->UpgradeResourceState(junk).diagnostics.HasError());
  junk.version = 1;
  EXPECT_TRUE(s->UpgradeResourceState(junk).diagnostics.HasError());
  junk.raw_state_json = R"({"name": {"not": "a string"}})";
  auto typed = s->UpgradeResourceState(junk);
  EXPECT_EQ(Paths(typed.diagnostics), "name;");
}

// ---- data sources, move ----

TEST_F(ProviderServerTest, ReadDataSourceMustBeKnownAndNonNull) {
  Type lt = LookupSchema().ImpliedType();
  Value config = Value::Object(lt, {{"name", Str("a")}});
  {
    auto s = Server();
    auto r = s->ReadDataSource({"fake_lookup", Enc(config, lt), {}});
    ASSERT_FALSE(r.diagnostics.HasError()) << r.diagnostics.ToString();
    EXPECT_EQ(Dec(r.state, lt).GetAttr("name"), Str("a"));
  }
  lookup_.read = [](const ReadDataRequest& req, ReadDataResponse& resp) {
    resp.state = req.config.WithAttr("id", Value::Unknown(Type::String()));
  };
  {
    auto s = Server();
    auto r = s->ReadDataSource({"fake_lookup", Enc(config, lt), {}});
    EXPECT_EQ(Paths(r.diagnostics), "id;");
  }
  lookup_.read = [](const ReadDataRequest& req, ReadDataResponse& resp) {
    resp.state = Value::Null(req.config.type());
  };
  {
    auto s = Server();
    auto r = s->ReadDataSource({"fake_lookup", Enc(config, lt), {}});
    ASSERT_TRUE(r.diagnostics.HasError());
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "Provider produced null object");
  }
}

TEST_F(ProviderServerTest, MoveIsRefusedCleanly) {
  auto s = Server();
  MoveResourceStateRequest req;
  req.source_type_name = "azurerm_machine_learning_workspace";
  req.target_type_name = kType;
  auto r = s->MoveResourceState(req);
  ASSERT_TRUE(r.diagnostics.HasError());
  EXPECT_THAT(r.diagnostics.items()[0].detail,
              HasSubstr("Moving resources into fake_workspace is not "
                        "supported"));
}

// ---- configure, stop, concurrency ----

TEST_F(ProviderServerTest, ConfigureErrorsAndUnknownConfig) {
  auto p = std::make_unique<FakeProvider>();
  p->schema = ProviderSchema();
  p->AddResource(resource_);
  p->configure = [](const ConfigureRequest& req, ConfigureResponse& resp) {
    if (!req.config.GetAttr("subscription_id").IsKnown()) return;  // plan
    resp.diagnostics.AddAttributeError(AttributePath::Root("subscription_id"),
                                       "Bad subscription", "x");
  };
  ProviderServer s(std::move(p));
  Type pt = ProviderSchema().ImpliedType();
  ConfigureProviderRequest req;
  req.config = Enc(
      Value::Object(pt, {{"subscription_id", Value::Unknown(Type::String())}}),
      pt);
  EXPECT_FALSE(s.ConfigureProvider(req).diagnostics.HasError());
  req.config = Enc(Value::Object(pt, {{"subscription_id", Str("x")}}), pt);
  EXPECT_EQ(Paths(s.ConfigureProvider(req).diagnostics), "subscription_id;");
  // Unknown config configured nothing: applies say so.
  auto r = s.ApplyResourceChange(
      {kType, Enc(NullState()), Enc(Config()), Enc(Config()), "", {}});
  EXPECT_EQ(r.diagnostics.items()[0].summary, "Provider not configured");
}

TEST_F(ProviderServerTest, StopCancelsInFlightCreateWithinASecond) {
  std::atomic<bool> started{false};
  resource_.create = [&](const CreateRequest& req, CreateResponse& resp) {
    started = true;
    if (req.ctx.cancel.WaitFor(absl::Seconds(60))) {
      resp.diagnostics.AddError("Cancelled", "stopped by Terraform");
      return;
    }
    resp.new_state = testing::FillUnknowns(req.planned_state);
  };
  auto s = Server();
  Value planned = Dec(Plan(*s, NullState(), Config()).planned_state);
  ApplyResourceChangeResponse result;
  std::thread t([&] { result = Apply(*s, NullState(), planned, Config()); });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto stop_at = std::chrono::steady_clock::now();
  EXPECT_EQ(s->Stop(), "");
  t.join();
  auto took = std::chrono::steady_clock::now() - stop_at;
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_THAT(result.diagnostics.ToString(), HasSubstr("stopped by Terraform"));
  // Later operations are refused at once.
  auto later = Apply(*s, NullState(), planned, Config());
  EXPECT_THAT(later.diagnostics.ToString(),
              HasSubstr("asked the provider to stop"));
}

TEST_F(ProviderServerTest, ConcurrentPlansAreConsistent) {
  auto s = Server();
  const Value prior = State();
  const Value config = Config({{"description", Str("c")}});
  const std::string want = Plan(*s, prior, config).planned_state.msgpack;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (Plan(*s, prior, config).planned_state.msgpack != want) {
          ++mismatches;
        }
        if (i % 10 == t) {
          ConfigureProviderRequest req;
          req.config = Enc(Value::Null(ProviderSchema().ImpliedType()),
                           ProviderSchema().ImpliedType());
          s->ConfigureProvider(req);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace secureaml::core
