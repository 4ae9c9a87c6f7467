// Acceptance tests for secureaml_compute_instance (walkthrough section 4,
// "Compute Instance behind VNet"): the provider binary, started as Terraform
// starts it and driven through the conformance client's Lifecycle, against
// the ARM emulator with its landing zone and compute operations that take a
// few seconds.
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

using conformance::InstanceState;
using conformance::Lifecycle;
using nlohmann::json;

constexpr char kType[] = "secureaml_compute_instance";

class ComputeInstanceAcceptanceTest : public testing::ComputeAcceptanceTest {
 protected:
  json Instance() {
    return {{"name", "ws1103ci1"},
            {"workspace_id", workspace_id_},
            {"location", Lz("location")},
            {"vm_size", "Standard_DS3_v2"},
            {"subnet_id", Lz("training_subnet_id")},
            {"idle_shutdown_after", "PT60M"},
            {"schedules",
             json::array(
                 {{{"action", "Stop"}, {"cron_expression", "0 19 * * 1-5"}}})}};
  }
};

// create -> re-plan clean -> tags, schedules and idle shutdown in place ->
// import -> destroy, and nothing left behind.
TEST_F(ComputeInstanceAcceptanceTest, LifecycleUpdatesInPlace) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = kType;
  steps.name = "ci";
  steps.create = Instance();
  json update = steps.create;
  update["tags"] = {{"env", "test"}};
  update["idle_shutdown_after"] = "PT2H";
  update["schedules"] =
      json::array({{{"action", "Start"},
                    {"cron_expression", "0 7 * * 1-5"},
                    {"time_zone", "W. Europe Standard Time"}},
                   {{"action", "Stop"}, {"cron_expression", "0 19 * * 1-5"}}});
  steps.update = update;
  steps.expect_in_place_update = true;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
  EXPECT_TRUE(ComputesInEmulator().empty());
}

// A personal instance with SSH: imported by ID, the imported state plans no
// changes; changing the SSH key replaces it on that attribute.
TEST_F(ComputeInstanceAcceptanceTest, ImportPlansCleanAndSshKeyReplaces) {
  json config = Instance();
  config["ssh"] = {{"public_key", "ssh-rsa AAAAB3NzaC1yc2E test"}};
  config["assigned_user"] = {
      {"object_id", "11111111-2222-3333-4444-555555555555"},
      {"tenant_id", Lz("tenant_id")}};
  InstanceState created = Create(kType, "personal", config);
  ASSERT_FALSE(created.value.IsNull()) << findings_.Report();
  EXPECT_EQ(created.value.GetAttr("ssh").GetString("admin_username"),
            "azureuser");

  std::string id = created.value.GetString("id").value_or("");
  auto imported = lc_->Import(kType, "secureaml_compute_instance.imported", id);
  ASSERT_TRUE(imported.has_value()) << findings_.Report();
  EXPECT_TRUE(conformance::ExpectNoChanges(
      *lc_, kType, "secureaml_compute_instance.imported", *imported,
      Config(kType, config)))
      << findings_.Report();

  config["ssh"]["public_key"] = "ssh-rsa AAAAB3NzaC1yc2E other";
  auto plan = lc_->Plan(kType, "secureaml_compute_instance.personal", created,
                        Config(kType, config));
  ASSERT_TRUE(plan.has_value()) << findings_.Report();
  EXPECT_EQ(plan->action, conformance::Action::kDeleteThenCreate);
  ASSERT_EQ(plan->requires_replace.size(), 1u);
  EXPECT_EQ(plan->requires_replace[0],
            tf::AttributePath::Root("ssh").Attr("public_key"));
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

// A malformed subnet ID, an idle time under 15 minutes and a cron expression
// with four fields fail validation on the attribute at fault; nothing
// exists afterwards.
TEST_F(ComputeInstanceAcceptanceTest, BadInputRejectedAtPlanOnTheAttribute) {
  json subnet = Instance();
  subnet["subnet_id"] = "training";
  EXPECT_TRUE(RejectedOn(kType, subnet, tf::AttributePath::Root("subnet_id")));
  json idle = Instance();
  idle["idle_shutdown_after"] = "PT5M";
  EXPECT_TRUE(
      RejectedOn(kType, idle, tf::AttributePath::Root("idle_shutdown_after")));
  json cron = Instance();
  cron["schedules"][0]["cron_expression"] = "0 19 * *";
  EXPECT_TRUE(RejectedOn(
      kType, cron,
      tf::AttributePath::Root("schedules").Index(0).Attr("cron_expression")));
  EXPECT_FALSE(lc_->Validate(kType, "secureaml_compute_instance.bad",
                             Config(kType, subnet)));
  EXPECT_TRUE(ComputesInEmulator().empty());
}

}  // namespace
}  // namespace secureaml::resources
