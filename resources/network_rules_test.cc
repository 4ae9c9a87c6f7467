#include "resources/network_rules.h"

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/platform_knowledge.h"
#include "resources/role_assignment_test_fakes.h"

namespace secureaml::resources {
namespace {

using rbac_testing::FakeAzure;
using rbac_testing::kSub;
using ::testing::HasSubstr;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kNsg = absl::StrCat(
    "/subscriptions/", kSub,
    "/resourceGroups/net/providers/Microsoft.Network/networkSecurityGroups/"
    "compute-nsg");

nlohmann::json ForeignRule(const std::string& name, const std::string& dir,
                           int priority) {
  return {{"name", name},
          {"properties",
           {{"protocol", "Tcp"},
            {"access", "Deny"},
            {"direction", dir},
            {"priority", priority},
            {"sourceAddressPrefix", "*"},
            {"sourcePortRange", "*"},
            {"destinationAddressPrefix", "*"},
            {"destinationPortRange", "22"}}}};
}

class NetworkRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeAzure>();
    az_ = arm_->ProviderData(arm_);
    arm_->Seed(kNsg, {{"location", "westeurope"},
                      {"properties", nlohmann::json::object()}});
    // Rules other people own, some inside our default range.
    for (auto [name, dir, prio] :
         std::vector<std::tuple<std::string, std::string, int>>{
             {"corp-deny-ssh", "Inbound", 3000},
             {"corp-out-1", "Outbound", 3000},
             {"corp-out-2", "Outbound", 3002},
             {"corp-low", "Outbound", 200}}) {
      arm_->Seed(kNsg + "/securityRules/" + name, ForeignRule(name, dir, prio));
      foreign_[name] = *arm_->Get(kNsg + "/securityRules/" + name);
    }
  }

  std::map<std::string, Value> Config() {
    return {{"network_security_group_id", Value::String(kNsg)}};
  }

  rbac_testing::PlanResult Plan(std::map<std::string, Value> config,
                                const Value& prior = Value()) {
    return rbac_testing::Plan(res_, std::move(config), prior, az_.get());
  }

  Value CreateOk(std::map<std::string, Value> config) {
    rbac_testing::PlanResult p = Plan(config);
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
    EXPECT_FALSE(a.diagnostics.HasError()) << a.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, a.state).empty())
        << p.planned.DebugString() << "\n"
        << a.state.DebugString();
    return a.state;
  }

  // Foreign rules exactly as seeded.
  void ExpectForeignUntouched() {
    for (const auto& [name, body] : foreign_) {
      std::optional<nlohmann::json> now =
          arm_->Get(kNsg + "/securityRules/" + name);
      ASSERT_TRUE(now.has_value()) << name;
      EXPECT_EQ(*now, body) << name;
    }
    for (const auto& w : arm_->Writes()) {
      EXPECT_FALSE(absl::StrContains(w.path, "/securityRules/corp-")) << w.path;
    }
  }

  Value RangeBlock(int64_t start, int64_t end) {
    Type t =
        res_.GetSchema().block.FindBlock("priority_range")->block.ImpliedType();
    return Value::List(t, {Value::Object(t, {{"start", Value::Int(start)},
                                             {"end", Value::Int(end)}})});
  }

  NetworkRulesResource res_;
  std::shared_ptr<FakeAzure> arm_;
  std::shared_ptr<AzureProviderData> az_;
  std::map<std::string, nlohmann::json> foreign_;
};

TEST_F(NetworkRulesTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(res_.GetSchema()).ok());
  for (const tf::Attribute& a : res_.GetSchema().block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST_F(NetworkRulesTest, CreateAppliesRequirementsAroundForeignRules) {
  Value state = CreateOk(Config());
  NetworkRequirementsInput in;
  in.location = "westeurope";
  NetworkRequirements reqs = ComputeNetworkRequirements(in);
  std::vector<std::string> names = state.GetStringList("rule_names");
  EXPECT_EQ(names.size(), reqs.inbound.size() + reqs.outbound.size());
  EXPECT_EQ(state.GetAttr("location"), Value::String("westeurope"));
  std::set<int64_t> outbound;
  for (const Value& r : state.GetAttr("rules").Elements()) {
    int64_t p = *r.GetInt("priority");
    EXPECT_GE(p, 3000);
    EXPECT_LE(p, 3999);
    EXPECT_TRUE(absl::StartsWith(*r.GetString("name"), "secureaml-"));
    if (*r.GetString("direction") == "Outbound") {
      EXPECT_TRUE(outbound.insert(p).second);
      EXPECT_NE(p, 3000);  // foreign
      EXPECT_NE(p, 3002);  // foreign
    }
  }
  // Lowest free priorities, in order.
  EXPECT_EQ(*state.GetAttr("rules").Elements()[0].GetInt("priority"), 3001);
  EXPECT_EQ(*state.GetAttr("rules").Elements()[1].GetInt("priority"), 3003);
  // Regional tags from the NSG's location; async pattern followed.
  std::optional<nlohmann::json> storage =
      arm_->Get(kNsg + "/securityRules/secureaml-storage-outbound");
  ASSERT_TRUE(storage.has_value());
  EXPECT_EQ((*storage)["properties"]["destinationAddressPrefix"],
            "Storage.westeurope");
  EXPECT_EQ((*storage)["properties"]["destinationPortRanges"],
            nlohmann::json::array({"443", "445"}));
  bool polled = false;
  for (const auto& r : arm_->Requests()) {
    polled = polled || absl::StartsWith(r.path, "/operations/");
  }
  EXPECT_TRUE(polled);
  ExpectForeignUntouched();
}

TEST_F(NetworkRulesTest, ReplanAfterCreateIsNoOp) {
  Value state = CreateOk(Config());
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  ASSERT_FALSE(read.diagnostics.HasError()) << read.diagnostics.ToString();
  EXPECT_EQ(read.state, state);
  rbac_testing::PlanResult p = Plan(Config(), read.state);
  EXPECT_TRUE(p.no_op) << p.planned.DebugString();
}

TEST_F(NetworkRulesTest, UpdateTouchesOnlyOwnRules) {
  Value state = CreateOk(Config());
  auto config = Config();
  config["node_public_ip_enabled"] = Value::Bool(true);
  config["high_business_impact"] = Value::Bool(false);
  rbac_testing::PlanResult p = Plan(config, state);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_TRUE(p.planned.GetAttr("rule_names").IsUnknown());
  arm_->ClearRequests();
  rbac_testing::Applied u = rbac_testing::Update(res_, state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  EXPECT_TRUE(core::CheckCompatible(p.planned, u.state).empty());
  EXPECT_THAT(u.state.GetStringList("rule_names"),
              ::testing::Contains("secureaml-aml-inbound"));
  EXPECT_THAT(
      u.state.GetStringList("rule_names"),
      ::testing::Not(::testing::Contains("secureaml-keyvault-outbound")));
  // Exactly one add and one delete.
  std::vector<std::string> writes;
  for (const auto& w : arm_->Writes()) {
    if (!absl::StartsWith(w.path, "/operations/")) {
      writes.push_back(w.method + " " + w.path.substr(w.path.rfind('/') + 1));
    }
  }
  EXPECT_THAT(writes, ::testing::UnorderedElementsAre(
                          "DELETE secureaml-keyvault-outbound",
                          "PUT secureaml-aml-inbound"));
  std::optional<nlohmann::json> inbound =
      arm_->Get(kNsg + "/securityRules/secureaml-aml-inbound");
  ASSERT_TRUE(inbound.has_value());
  EXPECT_EQ((*inbound)["properties"]["priority"], 3001);  // 3000 is foreign
  EXPECT_EQ((*inbound)["properties"]["destinationPortRange"], "44224");
  ExpectForeignUntouched();
  rbac_testing::Applied read = rbac_testing::Read(res_, u.state, az_.get());
  EXPECT_TRUE(Plan(config, read.state).no_op);
  // Import recovers the same lists (ImportStateVerify).
  rbac_testing::Applied imported = rbac_testing::Import(res_, kNsg, az_.get());
  EXPECT_EQ(imported.state.GetAttr("rules"), read.state.GetAttr("rules"));
  EXPECT_EQ(imported.state.GetAttr("rule_names"),
            read.state.GetAttr("rule_names"));
}

TEST_F(NetworkRulesTest, DestroyRemovesExactlyOwnRules) {
  Value state = CreateOk(Config());
  arm_->ClearRequests();
  EXPECT_FALSE(rbac_testing::Delete(res_, state, az_.get()).HasError());
  for (const std::string& n : state.GetStringList("rule_names")) {
    EXPECT_FALSE(arm_->Get(kNsg + "/securityRules/" + n).has_value()) << n;
  }
  ExpectForeignUntouched();
  EXPECT_TRUE(arm_->Get(kNsg).has_value());
}

TEST_F(NetworkRulesTest, RuleDeletedOutOfBandIsRecreated) {
  Value state = CreateOk(Config());
  arm_->Remove(kNsg + "/securityRules/secureaml-aad-outbound");
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  ASSERT_FALSE(read.diagnostics.HasError());
  EXPECT_THAT(read.state.GetStringList("rule_names"),
              ::testing::Not(::testing::Contains("secureaml-aad-outbound")));
  rbac_testing::PlanResult p = Plan(Config(), read.state);
  EXPECT_FALSE(p.no_op);
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  rbac_testing::Applied u =
      rbac_testing::Update(res_, read.state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  EXPECT_TRUE(arm_->Get(kNsg + "/securityRules/secureaml-aad-outbound"));
  int puts = 0;
  for (const auto& w : arm_->Writes()) puts += w.method == "PUT";
  EXPECT_EQ(puts, 1);
}

TEST_F(NetworkRulesTest, ChangedRuleIsPutBack) {
  Value state = CreateOk(Config());
  arm_->Mutate(kNsg + "/securityRules/secureaml-arm-outbound",
               [](nlohmann::json& b) {
                 b["properties"]["destinationPortRange"] = "8443";
               });
  rbac_testing::Applied read = rbac_testing::Read(res_, state, az_.get());
  rbac_testing::PlanResult p = Plan(Config(), read.state);
  EXPECT_FALSE(p.no_op);
  rbac_testing::Applied u =
      rbac_testing::Update(res_, read.state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  EXPECT_EQ(
      (*arm_->Get(
          kNsg +
          "/securityRules/secureaml-arm-outbound"))["properties"]
                                                   ["destinationPortRange"],
      "443");
}

TEST_F(NetworkRulesTest, ExhaustedRangeFailsAtApplyWithPartialState) {
  auto config = Config();
  config["priority_range"] = RangeBlock(3000, 3005);
  rbac_testing::PlanResult p = Plan(config);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      a.diagnostics, AttributePath::Root("priority_range")));
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr("3000-3005"));
  // Nothing was written, nothing is owned.
  EXPECT_TRUE(arm_->Writes().empty());
  ASSERT_TRUE(a.state.IsKnown());
  EXPECT_TRUE(a.state.GetStringList("rule_names").empty());
}

TEST_F(NetworkRulesTest, FailureMidwayKeepsCreatedRulesInState) {
  int puts = 0;
  arm_->AddHook([&](const rbac_testing::Request& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "PUT" && ++puts == 4) {
      return FakeAzure::Error(400, "InvalidRequestFormat", "Bad rule.");
    }
    return std::nullopt;
  });
  rbac_testing::PlanResult p = Plan(Config());
  rbac_testing::Applied a = rbac_testing::Create(res_, p, az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  ASSERT_TRUE(a.state.IsKnown());
  EXPECT_EQ(a.state.GetStringList("rule_names").size(), 3u);
  EXPECT_EQ(a.state.GetAttr("rules").Elements().size(), 3u);
  // Destroying that partial state removes exactly those three.
  EXPECT_FALSE(rbac_testing::Delete(res_, a.state, az_.get()).HasError());
  for (const auto& n : a.state.GetStringList("rule_names")) {
    EXPECT_FALSE(arm_->Get(kNsg + "/securityRules/" + n).has_value());
  }
  ExpectForeignUntouched();
}

TEST_F(NetworkRulesTest, ConcurrentNsgWritesAreRetried) {
  int busy = 2;
  arm_->AddHook([&](const rbac_testing::Request& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "PUT" && busy > 0) {
      --busy;
      return FakeAzure::Error(
          409, "AnotherOperationInProgress",
          "Another operation on this or dependent resource is in progress.");
    }
    return std::nullopt;
  });
  Value state = CreateOk(Config());
  EXPECT_EQ(busy, 0);
  EXPECT_FALSE(state.GetStringList("rule_names").empty());
}

TEST_F(NetworkRulesTest, ForeignRuleWithOurNameIsNotTaken) {
  arm_->Seed(kNsg + "/securityRules/secureaml-aad-outbound",
             ForeignRule("secureaml-aad-outbound", "Outbound", 4000));
  rbac_testing::Applied a =
      rbac_testing::Create(res_, Plan(Config()), az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr("secureaml-aad-outbound"));
  EXPECT_EQ(
      (*arm_->Get(
          kNsg +
          "/securityRules/secureaml-aad-outbound"))["properties"]["access"],
      "Deny");
}

TEST_F(NetworkRulesTest, ExtraRulesAndNarrowerRangeMoveOnlyOwnRules) {
  Value state = CreateOk(Config());
  auto config = Config();
  Type t = res_.GetSchema().block.FindBlock("rule")->block.ImpliedType();
  config["rule"] = Value::List(
      t, {Value::Object(
             t, {{"name", Value::String("deny-internet")},
                 {"direction", Value::String("Outbound")},
                 {"access", Value::String("Deny")},
                 {"protocol", Value::String("*")},
                 {"source_address_prefix", Value::String("VirtualNetwork")},
                 {"destination_address_prefix", Value::String("Internet")},
                 {"destination_port_ranges", Value::StringList({"*"})}})});
  config["priority_range"] = RangeBlock(3500, 3599);
  rbac_testing::PlanResult p = Plan(config, state);
  ASSERT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  rbac_testing::Applied u = rbac_testing::Update(res_, state, p, az_.get());
  ASSERT_FALSE(u.diagnostics.HasError()) << u.diagnostics.ToString();
  for (const Value& r : u.state.GetAttr("rules").Elements()) {
    EXPECT_GE(*r.GetInt("priority"), 3500);
    EXPECT_LE(*r.GetInt("priority"), 3599);
  }
  std::optional<nlohmann::json> deny =
      arm_->Get(kNsg + "/securityRules/secureaml-deny-internet");
  ASSERT_TRUE(deny.has_value());
  EXPECT_EQ((*deny)["properties"]["access"], "Deny");
  ExpectForeignUntouched();
  rbac_testing::Applied read = rbac_testing::Read(res_, u.state, az_.get());
  EXPECT_TRUE(Plan(config, read.state).no_op);
}

TEST_F(NetworkRulesTest, ImportAdoptsPrefixedRulesAndPlansClean) {
  Value state = CreateOk(Config());
  rbac_testing::Applied imported = rbac_testing::Import(res_, kNsg, az_.get());
  ASSERT_FALSE(imported.diagnostics.HasError())
      << imported.diagnostics.ToString();
  EXPECT_EQ(imported.state.GetStringList("rule_names").size(),
            state.GetStringList("rule_names").size());
  rbac_testing::PlanResult p = Plan(Config(), imported.state);
  EXPECT_TRUE(p.no_op) << p.planned.DebugString() << "\n"
                       << imported.state.DebugString();
}

TEST_F(NetworkRulesTest, MalformedImportIdIsExplained) {
  rbac_testing::Applied a = rbac_testing::Import(
      res_,
      "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/"
      "virtualNetworks/v",
      az_.get());
  ASSERT_TRUE(a.diagnostics.HasError());
  EXPECT_THAT(a.diagnostics.ToString(), HasSubstr("network security group"));
}

TEST_F(NetworkRulesTest, NsgGoneRemovesFromState) {
  Value state = CreateOk(Config());
  arm_->Remove(kNsg);
  EXPECT_TRUE(rbac_testing::Read(res_, state, az_.get()).state.IsNull());
}

TEST_F(NetworkRulesTest, AllOwnRulesGoneRemovesFromState) {
  Value state = CreateOk(Config());
  for (const std::string& n : state.GetStringList("rule_names")) {
    arm_->Remove(kNsg + "/securityRules/" + n);
  }
  EXPECT_TRUE(rbac_testing::Read(res_, state, az_.get()).state.IsNull());
  ExpectForeignUntouched();
}

TEST_F(NetworkRulesTest, ValidatesRangeAndPrefix) {
  auto config = Config();
  config["priority_range"] = RangeBlock(3999, 3000);
  config["name_prefix"] = Value::String("-bad");
  rbac_testing::PlanResult p = Plan(config);
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      p.diagnostics,
      AttributePath::Root("priority_range").Index(0).Attr("end")));
  EXPECT_TRUE(rbac_testing::HasAttributeError(
      p.diagnostics, AttributePath::Root("name_prefix")));
}

TEST(AllocatePrioritiesTest, KeepsValidPrioritiesAndFillsGaps) {
  std::vector<SecurityRule> desired(3);
  desired[0].name = "a";
  desired[1].name = "b";
  desired[2].name = "c";
  for (auto& r : desired) r.direction = "Outbound";
  std::map<std::string, std::set<int64_t>> foreign{{"outbound", {100, 101}}};
  std::map<std::string, SecurityRule> current;
  current["b"] = desired[1];
  current["b"].priority = 105;
  EXPECT_EQ(AllocatePriorities(desired, 100, 110, foreign, current),
            std::nullopt);
  EXPECT_EQ(desired[0].priority, 102);
  EXPECT_EQ(desired[1].priority, 105);
  EXPECT_EQ(desired[2].priority, 103);
  EXPECT_EQ(AllocatePriorities(desired, 100, 102, foreign, current), "b");
}

}  // namespace
}  // namespace secureaml::resources
