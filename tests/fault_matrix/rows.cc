// The resource types of the fault matrix: one row each. Adding a resource
// type is adding a row: its traits (which steps its create has), the
// prerequisites it needs once, and the config of cell `n`.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/fault_matrix/runner.h"

namespace secureaml::fault_matrix {
namespace {

using nlohmann::json;

constexpr char kNetworkApi[] = "2024-07-01";

json WorkspaceConfig(const RowEnv& env, const std::string& name) {
  return {{"name", name},
          {"resource_group_name", env.Lz("resource_group_name")},
          {"location", env.Lz("location")},
          {"storage_account_id", env.Lz("storage_account_id")},
          {"key_vault_id", env.Lz("key_vault_id")},
          {"application_insights_id", env.Lz("application_insights_id")},
          {"container_registry_id", env.Lz("container_registry_id")},
          {"image_build_compute_name", "cpu-cluster"}};
}

// Creates the workspace a row's resources live in; stores its ID.
absl::Status PrepareWorkspace(RowEnv& env, const std::string& name) {
  auto ws = env.CreateWithProvider("secureaml_workspace", "prereq",
                                   WorkspaceConfig(env, name));
  if (!ws.ok()) return ws.status();
  env.prereq["workspace_id"] = ws->value.GetString("id").value_or("");
  return absl::OkStatus();
}

json WithAttr(json config, const char* key, json value) {
  config[key] = std::move(value);
  return config;
}

bool ContainsIgnoreCase(const std::vector<std::string>& names,
                        const std::string& name) {
  for (const std::string& n : names) {
    if (absl::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

std::vector<ResourceRow> BuildRows() {
  std::vector<ResourceRow> rows;

  rows.push_back(
      {{"secureaml_workspace", "Microsoft.MachineLearningServices/workspaces",
        /*create_polls=*/true, /*create_final_read=*/true},
       nullptr,
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return WorkspaceConfig(env, absl::StrCat("fmws", n));
       },
       [](json c) { return WithAttr(c, "description", "changed"); },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_private_dns_zone", "Microsoft.Network/privateDnsZones",
        /*create_polls=*/true, /*create_final_read=*/true},
       nullptr,
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         // A zone name is fixed, so each cell gets its own resource group.
         auto rg = env.NewResourceGroup(absl::StrCat("fm-dns-", n));
         if (!rg.ok()) return rg.status();
         return json{{"name", "privatelink.api.azureml.ms"},
                     {"resource_group_name", *rg},
                     {"virtual_network_ids", {env.Lz("vnet_id")}}};
       },
       [](json c) {
         return WithAttr(c, "tags", {{"env", "changed"}});
       },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_private_endpoint", "Microsoft.Network/privateEndpoints",
        /*create_polls=*/true, /*create_final_read=*/true},
       [](RowEnv& env) -> absl::Status {
         absl::Status ws = PrepareWorkspace(env, "fmpetarget");
         if (!ws.ok()) return ws;
         json zones = json::array();
         for (const char* zone : {"privatelink.api.azureml.ms",
                                  "privatelink.notebooks.azure.net"}) {
           auto z = env.CreateWithProvider(
               "secureaml_private_dns_zone", absl::StrCat("z", zones.size()),
               {{"name", zone},
                {"resource_group_name", env.Lz("resource_group_name")},
                {"virtual_network_ids", {env.Lz("vnet_id")}}});
           if (!z.ok()) return z.status();
           zones.push_back(z->value.GetString("id").value_or(""));
         }
         env.prereq["zones"] = zones;
         return absl::OkStatus();
       },
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return json{{"name", absl::StrCat("fm-pe-", n)},
                     {"resource_group_name", env.Lz("resource_group_name")},
                     {"location", env.Lz("location")},
                     {"subnet_id", env.Lz("training_subnet_id")},
                     {"target_resource_id", env.prereq["workspace_id"]},
                     {"subresource_name", "amlworkspace"},
                     {"private_dns_zone_ids", env.prereq["zones"]}};
       },
       [](json c) {
         return WithAttr(c, "tags", {{"env", "changed"}});
       },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_datastore",
        "Microsoft.MachineLearningServices/workspaces/datastores",
        /*create_polls=*/false, /*create_final_read=*/false},
       [](RowEnv& env) { return PrepareWorkspace(env, "fmdsws"); },
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return json{{"name", absl::StrCat("fm_ds_", n)},
                     {"workspace_id", env.prereq["workspace_id"]},
                     {"datastore_type", "blob"},
                     {"storage_account_id", env.Lz("storage_account_id")},
                     {"container_name", "training"}};
       },
       [](json c) { return WithAttr(c, "description", "changed"); },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_role_definition", "Microsoft.Authorization/roleDefinitions",
        /*create_polls=*/false, /*create_final_read=*/true},
       nullptr,
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return json{
             {"scope", env.SubscriptionScope()},
             {"name", absl::StrCat("Fault matrix ", n)},
             {"permissions",
              {{{"actions",
                 {"Microsoft.MachineLearningServices/workspaces/read"}}}}}};
       },
       [](json c) { return WithAttr(c, "description", "changed"); },
       // Azure stores a custom role once and shows it at every scope.
       [](const tf::Value& state, const std::string& id) {
         std::string guid = state.GetString("role_definition_id").value_or("");
         return !guid.empty() &&
                absl::EndsWithIgnoreCase(
                    id, absl::StrCat("/roleDefinitions/", guid));
       },
       nullptr});

  rows.push_back(
      {{"secureaml_role_assignment", "Microsoft.Authorization/roleAssignments",
        /*create_polls=*/false, /*create_final_read=*/true},
       nullptr,
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         // One principal per cell: an assignment is unique per principal.
         auto user = env.NewUser(absl::StrCat("fault matrix ", n));
         if (!user.ok()) return user.status();
         return json{{"scope", env.Lz("resource_group_id")},
                     {"role_definition_id",
                      absl::StrCat(env.SubscriptionScope(),
                                   "/providers/Microsoft.Authorization/"
                                   "roleDefinitions/",
                                   kReaderRoleGuid)},
                     {"principal_id", *user},
                     {"principal_type", "User"}};
       },
       [](json c) { return WithAttr(c, "description", "changed"); },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_network_rules",
        "Microsoft.Network/networkSecurityGroups/securityRules",
        /*create_polls=*/true, /*create_final_read=*/true},
       nullptr,
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         // A clean NSG per cell, created out of band as the landing zone is.
         std::string nsg =
             absl::StrCat("/subscriptions/", env.Lz("subscription_id"),
                          "/resourceGroups/", env.Lz("resource_group_name"),
                          "/providers/Microsoft.Network/"
                          "networkSecurityGroups/fm-nsg-",
                          n);
         auto put =
             env.ArmPut(nsg, kNetworkApi, {{"location", env.Lz("location")}});
         if (!put.ok()) return put.status();
         // Two rules of our own keep the cell short (one PUT and poll each);
         // the required set is the acceptance test's subject.
         json rules = json::array();
         for (const char* name : {"deny-internet", "allow-storage"}) {
           rules.push_back(
               {{"name", name},
                {"direction", "Outbound"},
                {"access", absl::StartsWith(name, "deny") ? "Deny" : "Allow"},
                {"protocol", "Tcp"},
                {"source_address_prefix", "VirtualNetwork"},
                {"destination_address_prefix",
                 absl::StartsWith(name, "deny") ? "Internet" : "Storage"},
                {"destination_port_ranges", {"443"}}});
         }
         return json{{"network_security_group_id", nsg},
                     {"include_requirements", false},
                     {"rule", rules},
                     {"priority_range", {{{"start", 3000}, {"end", 3099}}}}};
       },
       [](json c) {
         c["rule"][0]["description"] = "changed";
         return c;
       },
       // The NSG is not ours; the rules named in `rule_names` are.
       [](const tf::Value& state, const std::string& id) {
         std::string nsg =
             state.GetString("network_security_group_id").value_or("");
         std::string prefix = absl::StrCat(nsg, "/securityRules/");
         if (nsg.empty() || !absl::StartsWithIgnoreCase(id, prefix)) {
           return false;
         }
         return ContainsIgnoreCase(state.GetStringList("rule_names"),
                                   id.substr(prefix.size()));
       },
       // Writes to one NSG are serialised: it waits out another operation.
       [](const Cell& cell, Expectation& expect) {
         if (cell.fault == Fault::kConcurrentModification) {
           expect = Expectation{};
           expect.remote = Expectation::Remote::kExists;
         }
       }});

  // Training and scoring compute (#6): children of one workspace each row.
  const char* kComputes =
      "Microsoft.MachineLearningServices/workspaces/computes";
  rows.push_back(
      {{"secureaml_compute_cluster", kComputes,
        /*create_polls=*/true, /*create_final_read=*/true},
       [](RowEnv& env) { return PrepareWorkspace(env, "fmccws"); },
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return json{{"name", absl::StrCat("cc", n)},
                     {"workspace_id", env.prereq["workspace_id"]},
                     {"location", env.Lz("location")},
                     {"vm_size", "Standard_DS3_v2"},
                     {"subnet_id", env.Lz("training_subnet_id")},
                     {"scale", {{"min_nodes", 0}, {"max_nodes", 2}}}};
       },
       [](json c) {
         return WithAttr(c, "tags", {{"env", "changed"}});
       },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_compute_instance", kComputes,
        /*create_polls=*/true, /*create_final_read=*/true},
       [](RowEnv& env) { return PrepareWorkspace(env, "fmciws"); },
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         return json{{"name", absl::StrCat("ci", n)},
                     {"workspace_id", env.prereq["workspace_id"]},
                     {"location", env.Lz("location")},
                     {"vm_size", "Standard_DS3_v2"},
                     {"subnet_id", env.Lz("training_subnet_id")}};
       },
       [](json c) {
         return WithAttr(c, "tags", {{"env", "changed"}});
       },
       nullptr,
       nullptr});

  rows.push_back(
      {{"secureaml_inference_cluster", kComputes,
        /*create_polls=*/true, /*create_final_read=*/true},
       [](RowEnv& env) { return PrepareWorkspace(env, "fmaksws"); },
       [](RowEnv& env, const std::string& n) -> absl::StatusOr<json> {
         // Attaches the landing zone's private AKS cluster.
         return json{{"name", absl::StrCat("aks", n)},
                     {"workspace_id", env.prereq["workspace_id"]},
                     {"kubernetes_cluster_id", env.Lz("aks_cluster_id")}};
       },
       [](json c) {
         return WithAttr(c, "tags", {{"env", "changed"}});
       },
       nullptr,
       nullptr});

  return rows;
}

}  // namespace

const std::vector<ResourceRow>& AllRows() {
  static const auto* rows = new std::vector<ResourceRow>(BuildRows());
  return *rows;
}

}  // namespace secureaml::fault_matrix
