// Acceptance tests for secureaml_compute_cluster (walkthrough section 4,
// "Compute Cluster behind VNet" / "with Private IP"): the provider binary,
// started as Terraform starts it and driven through the conformance
// client's Lifecycle, against the ARM emulator with its landing zone (VNet
// hub with subnet training in eastus) and operation durations long enough
// that every create and delete is a real asynchronous operation.
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); skipped without them.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "resources/common/compute_acceptance_fixture.h"

namespace secureaml::resources {
namespace {

using conformance::Findings;
using conformance::InstanceState;
using conformance::Lifecycle;
using nlohmann::json;

constexpr char kType[] = "secureaml_compute_cluster";

class ComputeClusterAcceptanceTest : public testing::ComputeAcceptanceTest {
 protected:
  json Cluster() {
    return {{"name", "cpu-cluster"},
            {"workspace_id", workspace_id_},
            {"location", Lz("location")},
            {"vm_size", "Standard_DS3_v2"},
            {"subnet_id", Lz("training_subnet_id")},
            {"description", "CPU cluster behind the VNet"},
            {"scale", {{"min_nodes", 0}, {"max_nodes", 4}}}};
  }
};

// create -> re-plan clean -> scale and tags in place -> import -> destroy,
// and nothing left behind.
TEST_F(ComputeClusterAcceptanceTest, LifecycleScalesAndRetagsInPlace) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = kType;
  steps.name = "cpu";
  steps.create = Cluster();
  json update = steps.create;
  update["scale"] = {{"min_nodes", 1},
                     {"max_nodes", 8},
                     {"idle_time_before_scale_down", "PT15M"}};
  update["tags"] = {{"env", "test"}};
  steps.update = update;
  steps.expect_in_place_update = true;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
  EXPECT_TRUE(ComputesInEmulator().empty());
}

// Walkthrough "Compute Cluster with Private IP" with an SSH account and a
// managed identity: imported by ID, the imported state plans no changes,
// and a later tag-only change is an in-place update.
TEST_F(ComputeClusterAcceptanceTest, ImportPlansCleanThenTagChangeInPlace) {
  json config = Cluster();
  config["name"] = "gpu-cluster";
  config["vm_size"] = "Standard_NC6s_v3";
  config["vm_priority"] = "LowPriority";
  config["identity"] = {{"type", "SystemAssigned"}};
  config["ssh"] = {{"admin_username", "azureuser"},
                   {"admin_public_key", "ssh-rsa AAAAB3NzaC1yc2E test"}};
  InstanceState created = Create(kType, "gpu", config);
  ASSERT_FALSE(created.value.IsNull()) << findings_.Report();
  EXPECT_EQ(ComputesInEmulator().size(), 1u);
  EXPECT_FALSE(
      created.value.GetString("identity_principal_id").value_or("").empty());

  std::string id = created.value.GetString("id").value_or("");
  auto imported = lc_->Import(kType, "secureaml_compute_cluster.imported", id);
  ASSERT_TRUE(imported.has_value()) << findings_.Report();
  EXPECT_TRUE(conformance::ExpectNoChanges(*lc_, kType,
                                           "secureaml_compute_cluster.imported",
                                           *imported, Config(kType, config)))
      << findings_.Report();

  config["tags"] = {{"env", "prod"}};
  auto plan = lc_->Plan(kType, "secureaml_compute_cluster.gpu", created,
                        Config(kType, config));
  ASSERT_TRUE(plan.has_value()) << findings_.Report();
  EXPECT_EQ(plan->action, conformance::Action::kUpdate);
  EXPECT_TRUE(plan->requires_replace.empty());
  InstanceState updated = lc_->Apply(*plan);
  EXPECT_EQ(updated.value.GetString("identity_principal_id"),
            created.value.GetString("identity_principal_id"));
  created_.back().state = updated;
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

// The service accepts the create, then the operation fails (no quota left):
// the diagnostic carries the service's code and message, and the compute
// Azure created stays in state, tainted, so the next apply replaces it
// instead of orphaning it.
TEST_F(ComputeClusterAcceptanceTest, FailedProvisioningKeepsTheClusterTainted) {
  Admin("POST", "/_emulator/faults",
        {{"kind", "lro_failed"},
         {"method", "PUT"},
         {"resource_type",
          "Microsoft.MachineLearningServices/workspaces/computes"},
         {"count", 1},
         {"code", "QuotaExceeded"},
         {"message",
          "Operation could not be completed as it results in exceeding "
          "approved standardDSv2Family Cores quota."}});
  auto plan = lc_->Plan(kType, "secureaml_compute_cluster.cpu", InstanceState{},
                        Config(kType, Cluster()));
  ASSERT_TRUE(plan.has_value()) << findings_.Report();
  Findings before = findings_;
  InstanceState state = lc_->Apply(*plan);
  created_.push_back({kType, "secureaml_compute_cluster.cpu", state});
  ASSERT_FALSE(state.value.IsNull()) << findings_.Report();
  EXPECT_TRUE(state.tainted);
  EXPECT_TRUE(state.value.GetString("id").has_value());
  std::string report = findings_.Report();
  EXPECT_NE(report.find("QuotaExceeded"), std::string::npos) << report;
  EXPECT_NE(report.find("standardDSv2Family"), std::string::npos) << report;
  EXPECT_EQ(ComputesInEmulator().size(), 1u);
  findings_ = before;
}

// min > max, an unknown VM priority and a malformed subnet ID fail
// validation on the attribute at fault; the plan stops and nothing exists.
TEST_F(ComputeClusterAcceptanceTest, BadInputRejectedAtPlanOnTheAttribute) {
  json min_above_max = Cluster();
  min_above_max["scale"] = {{"min_nodes", 5}, {"max_nodes", 2}};
  EXPECT_TRUE(RejectedOn(kType, min_above_max,
                         tf::AttributePath::Root("scale").Attr("min_nodes")));
  json priority = Cluster();
  priority["vm_priority"] = "Spot";
  EXPECT_TRUE(
      RejectedOn(kType, priority, tf::AttributePath::Root("vm_priority")));
  json subnet = Cluster();
  subnet["subnet_id"] = absl::StrCat(Lz("vnet_id"), "/training");
  EXPECT_TRUE(RejectedOn(kType, subnet, tf::AttributePath::Root("subnet_id")));
  // Terraform's validate walk fails, so it never plans or applies.
  EXPECT_FALSE(lc_->Validate(kType, "secureaml_compute_cluster.bad",
                             Config(kType, min_above_max)));
  EXPECT_TRUE(ComputesInEmulator().empty());
}

}  // namespace
}  // namespace secureaml::resources
