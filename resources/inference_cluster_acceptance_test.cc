// Acceptance tests for walkthrough section 5 (secure scoring on AKS): the
// provider binary, started as Terraform starts it and driven through the
// conformance client's Lifecycle, against the ARM emulator with its landing
// zone (VNet hub 10.150.0.0/16 with subnet scoring, private AKS cluster
// ws1103aks). AKS computes take seconds to create and delete here, so the
// provider really polls.
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); skipped without them.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "resources/common/compute_acceptance_fixture.h"
#include "tests/conformance/semantics.h"

namespace secureaml::resources {
namespace {

using conformance::InstanceState;
using conformance::Lifecycle;
using nlohmann::json;

constexpr char kType[] = "secureaml_inference_cluster";
constexpr int kAksCreateSeconds = 4;

// AKS computes take seconds to create and delete, so the provider polls.
class InferenceClusterAcceptanceTest : public testing::ComputeAcceptanceTest {
 protected:
  json Durations() const override {
    return {{"Microsoft.MachineLearningServices/workspaces/computes/AKS",
             {{"create_seconds", kAksCreateSeconds}, {"delete_seconds", 2}}}};
  }

  int ComputeWrites() {
    json counters = AdminCall("GET", "/_emulator/counters").second;
    int n = 0;
    for (const char* m : {"PUT", "PATCH", "DELETE"}) {
      n += counters["by_method_and_type"].value(
          absl::StrCat(m,
                       " Microsoft.MachineLearningServices/workspaces/"
                       "computes"),
          0);
    }
    return n;
  }

  // What `terraform plan` reports for a new resource with `config`:
  // validation, then (when it passes) the plan's diagnostics.
  tf::Diagnostics PlanDiagnostics(const json& config) {
    tf::Value value = Config(kType, config);
    tf::Diagnostics out;
    auto v = session_->client().ValidateResourceConfig(kType, value);
    EXPECT_TRUE(v.ok()) << v.status();
    if (!v.ok()) return out;
    out.Append(v->diagnostics);
    if (out.HasError()) return out;
    const conformance::ConfigSchema* schema = lc_->ResourceSchema(kType);
    tf::Value prior = tf::Value::Null(schema->block.ImpliedType());
    auto p = session_->client().PlanResourceChange(
        kType, prior, conformance::ProposedNew(schema->block, prior, value),
        value, "");
    EXPECT_TRUE(p.ok()) << p.status();
    if (p.ok()) out.Append(p->diagnostics);
    return out;
  }

  json Attach() {
    return {{"name", "scoring"},
            {"workspace_id", workspace_id_},
            {"kubernetes_cluster_id", Lz("aks_cluster_id")}};
  }
  json CreateNew(json network = json::object()) {
    json create = {{"agent_count", 3},
                   {"agent_vm_size", "Standard_D3_v2"},
                   {"subnet_id", Lz("scoring_subnet_id")},
                   {"service_cidr", "10.0.0.0/16"},
                   {"dns_service_ip", "10.0.0.10"},
                   {"docker_bridge_cidr", "172.17.0.1/16"}};
    create.update(network);
    return {{"name", "scoringnew"},
            {"workspace_id", workspace_id_},
            {"cluster_purpose", "DevTest"},
            {"load_balancer_subnet", "scoring"},
            {"create", create}};
  }
};

// Walkthrough section 5, "Private AKS cluster with internal load balancer":
// validate, plan, apply, refresh, no-op plan, in-place update, import,
// destroy (detach: the cluster stays).
TEST_F(InferenceClusterAcceptanceTest, AttachPrivateAksLifecycle) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = kType;
  steps.name = "private";
  steps.create = Attach();
  json update = steps.create;
  update["description"] = "real-time scoring";
  update["tags"] = {{"env", "prod"}};
  update["load_balancer_subnet"] = "scoring";
  steps.update = update;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
  EXPECT_FALSE(Stored(Lz("aks_cluster_id")).is_null())
      << "detach must leave the AKS cluster";
}

TEST_F(InferenceClusterAcceptanceTest, AttachUsesPrivateFqdnAndInternalLb) {
  absl::Time start = absl::Now();
  InstanceState s = Create(kType, "private", Attach());
  absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(s.value.IsNull()) << findings_.Report();
  EXPECT_FALSE(s.tainted);
  // The create waited for the service's operation.
  EXPECT_GE(took, absl::Seconds(kAksCreateSeconds - 1));
  std::string id = s.value.GetString("id").value_or("");
  json stored = Stored(id);
  ASSERT_FALSE(stored.is_null()) << id;
  const json& inner = stored["properties"]["properties"];
  EXPECT_EQ(inner["loadBalancerType"], "InternalLoadBalancer");
  EXPECT_EQ(inner["clusterFqdn"], Lz("aks_private_fqdn"));
  EXPECT_EQ(stored["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(s.value.GetString("cluster_fqdn"), Lz("aks_private_fqdn"));
  EXPECT_EQ(s.value.GetString("on_destroy"), "detach");
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

// Walkthrough section 5, "AKS behind VNet with internal load balancer": Azure
// ML creates the cluster; destroy deletes it too.
TEST_F(InferenceClusterAcceptanceTest, CreateInVnetImportAndDelete) {
  json config = CreateNew();
  InstanceState s = Create(kType, "vnet", config);
  ASSERT_FALSE(s.value.IsNull()) << findings_.Report();
  ASSERT_TRUE(findings_.ok()) << findings_.Report();
  std::string id = s.value.GetString("id").value_or("");
  std::string cluster = s.value.GetString("underlying_cluster_id").value_or("");
  ASSERT_FALSE(cluster.empty());
  EXPECT_FALSE(Stored(cluster).is_null());
  EXPECT_EQ(s.value.GetString("on_destroy"), "delete");
  const json stored = Stored(id);
  EXPECT_EQ(stored["properties"]["properties"]["aksNetworkingConfiguration"]
                  ["serviceCidr"],
            "10.0.0.0/16");

  const std::string address = created_.back().address;
  ASSERT_TRUE(lc_->Refresh(kType, address, s));
  EXPECT_TRUE(conformance::ExpectNoChanges(*lc_, kType, address, s,
                                           Config(kType, config)))
      << findings_.Report();
  auto imported = lc_->Import(kType, absl::StrCat(kType, ".imported"), id);
  ASSERT_TRUE(imported.has_value()) << findings_.Report();
  EXPECT_TRUE(conformance::ExpectNoChanges(*lc_, kType,
                                           absl::StrCat(kType, ".imported"),
                                           *imported, Config(kType, config)))
      << findings_.Report();

  // Tags update in place; the cluster shape forces replacement.
  json tagged = config;
  tagged["tags"] = {{"team", "scoring"}};
  auto plan =
      lc_->Plan(kType, created_.back().address, s, Config(kType, tagged));
  ASSERT_TRUE(plan.has_value()) << findings_.Report();
  EXPECT_EQ(plan->action, conformance::Action::kUpdate);
  s = lc_->Apply(*plan);
  created_.back().state = s;
  json bigger = tagged;
  bigger["create"]["agent_count"] = 4;
  plan = lc_->Plan(kType, created_.back().address, s, Config(kType, bigger));
  ASSERT_TRUE(plan.has_value()) << findings_.Report();
  EXPECT_EQ(plan->action, conformance::Action::kDeleteThenCreate);
  ASSERT_EQ(plan->requires_replace.size(), 1u);
  EXPECT_EQ(plan->requires_replace[0].ToString(), "create.agent_count");

  auto destroy = lc_->PlanDestroy(kType, created_.back().address, s);
  ASSERT_TRUE(destroy.has_value()) << findings_.Report();
  created_.back().state = lc_->Apply(*destroy);
  EXPECT_TRUE(created_.back().state.value.IsNull());
  EXPECT_TRUE(Stored(id).is_null());
  EXPECT_TRUE(Stored(cluster).is_null())
      << "on_destroy = delete keeps " << cluster;
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(InferenceClusterAcceptanceTest, BadNetworkInputFailsAtPlanOnTheField) {
  struct Case {
    json network;
    std::string path;
    std::string phrase;
  };
  std::vector<Case> cases = {
      {{{"service_cidr", "10.150.0.0/16"}, {"dns_service_ip", "10.150.0.10"}},
       "create.service_cidr",
       "10.150.0.0/16"},
      {{{"docker_bridge_cidr", "10.0.0.1/24"}},
       "create.service_cidr",
       "docker_bridge_cidr"},
      {{{"dns_service_ip", "10.1.0.10"}},
       "create.dns_service_ip",
       "not inside"},
      {{{"subnet_id", "/subscriptions/x/virtualNetworks/hub/subnets/a"}},
       "create.subnet_id",
       ""},
      {{{"service_cidr", "10.0.0.0/40"}}, "create.service_cidr", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    tf::Diagnostics diags = PlanDiagnostics(CreateNew(c.network));
    bool on_field = false;
    for (const tf::Diagnostic& d : diags) {
      if (d.severity == tf::Severity::kError && d.attribute &&
          d.attribute->ToString() == c.path &&
          absl::StrContains(d.detail, c.phrase)) {
        on_field = true;
      }
    }
    EXPECT_TRUE(on_field) << diags.ToString();
  }
  tf::Diagnostics diags =
      PlanDiagnostics(json{{"name", "scoring"},
                           {"workspace_id", workspace_id_},
                           {"kubernetes_cluster_id", "ws1103aks"}});
  EXPECT_TRUE(diags.HasError());
  EXPECT_EQ(ComputeWrites(), 0) << "nothing may be created on bad input";
}

TEST_F(InferenceClusterAcceptanceTest, PublicLoadBalancerWarns) {
  json config = Attach();
  config["load_balancer_type"] = "PublicIp";
  tf::Diagnostics diags = PlanDiagnostics(config);
  EXPECT_FALSE(diags.HasError()) << diags.ToString();
  bool warned = false;
  for (const tf::Diagnostic& d : diags) {
    warned |= d.severity == tf::Severity::kWarning && d.attribute &&
              d.attribute->ToString() == "load_balancer_type";
  }
  EXPECT_TRUE(warned) << diags.ToString();
}

// A create Azure accepted but whose provisioning failed stays in state
// (tainted) and the error carries the service's code and message.
TEST_F(InferenceClusterAcceptanceTest, QuotaFailureKeepsTaintedState) {
  auto [status, body] =
      AdminCall("POST", "/_emulator/faults",
                {{"kind", "lro_failed"},
                 {"resource_type",
                  "Microsoft.MachineLearningServices/workspaces/"
                  "computes"},
                 {"code", "QuotaExceeded"},
                 {"message",
                  "Operation results in exceeding approved standardDv2Family "
                  "Cores quota."}});
  ASSERT_EQ(status, 201) << body;
  InstanceState s = Create(kType, "quota", CreateNew());
  ASSERT_FALSE(s.value.IsNull()) << findings_.Report();
  EXPECT_TRUE(s.tainted);
  bool named = false;
  for (const auto& f : findings_.items()) {
    named |= f.kind == conformance::Finding::Kind::kProviderError &&
             absl::StrContains(f.detail, "QuotaExceeded") &&
             absl::StrContains(f.detail, "standardDv2Family");
  }
  EXPECT_TRUE(named) << findings_.Report();
  EXPECT_EQ(findings_.CountOf(conformance::Finding::Kind::kViolation), 0u)
      << findings_.Report();
}

}  // namespace
}  // namespace secureaml::resources
