#include "resources/common/platform_knowledge.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace secureaml::resources {
namespace {

struct ZoneRow {
  const char* subresource;
  const char* public_zone;
  const char* usgov_zone;
  const char* china_zone;
};

// private-endpoint-dns.md. The workspace needs two zones: the API zone and
// the integrated notebooks zone; leaving the second out breaks notebooks.
constexpr ZoneRow kZones[] = {
    {"amlworkspace", "privatelink.api.azureml.ms",
     "privatelink.api.ml.azure.us", "privatelink.api.ml.azure.cn"},
    {"amlworkspace", "privatelink.notebooks.azure.net",
     "privatelink.notebooks.usgovcloudapi.net",
     "privatelink.notebooks.chinacloudapi.cn"},
    {"amlregistry", "privatelink.api.azureml.ms", "privatelink.api.ml.azure.us",
     "privatelink.api.ml.azure.cn"},
    {"blob", "privatelink.blob.core.windows.net",
     "privatelink.blob.core.usgovcloudapi.net",
     "privatelink.blob.core.chinacloudapi.cn"},
    {"file", "privatelink.file.core.windows.net",
     "privatelink.file.core.usgovcloudapi.net",
     "privatelink.file.core.chinacloudapi.cn"},
    {"queue", "privatelink.queue.core.windows.net",
     "privatelink.queue.core.usgovcloudapi.net",
     "privatelink.queue.core.chinacloudapi.cn"},
    {"table", "privatelink.table.core.windows.net",
     "privatelink.table.core.usgovcloudapi.net",
     "privatelink.table.core.chinacloudapi.cn"},
    {"dfs", "privatelink.dfs.core.windows.net",
     "privatelink.dfs.core.usgovcloudapi.net",
     "privatelink.dfs.core.chinacloudapi.cn"},
    {"vault", "privatelink.vaultcore.azure.net",
     "privatelink.vaultcore.usgovcloudapi.net",
     "privatelink.vaultcore.azure.cn"},
    {"registry", "privatelink.azurecr.io", "privatelink.azurecr.us",
     "privatelink.azurecr.cn"},
};

}  // namespace

std::optional<Cloud> ParseCloud(std::string_view name) {
  if (name == "public") return Cloud::kPublic;
  if (name == "usgovernment") return Cloud::kUsGovernment;
  if (name == "china") return Cloud::kChina;
  return std::nullopt;
}

std::string CloudName(Cloud cloud) {
  switch (cloud) {
    case Cloud::kPublic:
      return "public";
    case Cloud::kUsGovernment:
      return "usgovernment";
    case Cloud::kChina:
      return "china";
  }
  return "public";
}

std::vector<std::string> RequiredPrivateDnsZones(std::string_view subresource,
                                                 Cloud cloud) {
  std::vector<std::string> out;
  for (const ZoneRow& row : kZones) {
    if (subresource != row.subresource) continue;
    switch (cloud) {
      case Cloud::kPublic:
        out.emplace_back(row.public_zone);
        break;
      case Cloud::kUsGovernment:
        out.emplace_back(row.usgov_zone);
        break;
      case Cloud::kChina:
        out.emplace_back(row.china_zone);
        break;
    }
  }
  return out;
}

std::vector<std::string> KnownSubresources() {
  std::vector<std::string> out;
  for (const ZoneRow& row : kZones) {
    if (out.empty() || out.back() != row.subresource) {
      out.emplace_back(row.subresource);
    }
  }
  return out;
}

std::string PublicZoneFor(std::string_view privatelink_zone) {
  constexpr std::string_view kPrefix = "privatelink.";
  if (privatelink_zone.substr(0, kPrefix.size()) == kPrefix) {
    return std::string(privatelink_zone.substr(kPrefix.size()));
  }
  return std::string(privatelink_zone);
}

NetworkRequirements ComputeNetworkRequirements(
    const NetworkRequirementsInput& in) {
  NetworkRequirements out;
  const std::string region = in.location;
  auto regional = [&](std::string tag) {
    return region.empty() ? tag : absl::StrCat(tag, ".", region);
  };

  // Inbound: only public-IP compute is reached by the service; no-public-IP
  // compute is reached through the workspace private endpoint instead.
  if (in.node_public_ip_enabled) {
    out.inbound.push_back({"aml-inbound",
                           "Inbound",
                           "Tcp",
                           "AzureMachineLearning",
                           "VirtualNetwork",
                           {"44224"},
                           "Azure ML service to compute instance and cluster "
                           "nodes with public IPs"});
  }
  if (in.include_legacy_batch_inbound) {
    out.inbound.push_back({"batch-inbound",
                           "Inbound",
                           "Tcp",
                           "BatchNodeManagement",
                           "VirtualNetwork",
                           {"29876-29877"},
                           "Legacy Batch node management (pre-2022 AML "
                           "compute); kept for policies that expect it"});
  }

  // Outbound from the compute subnet.
  out.outbound = {
      {"aad-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureActiveDirectory",
       {"80", "443"},
       "Microsoft Entra ID sign-in"},
      {"aml-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureMachineLearning",
       {"443", "8787", "18881"},
       "Azure ML service, compute instance applications"},
      {"aml-udp-outbound",
       "Outbound",
       "Udp",
       "VirtualNetwork",
       "AzureMachineLearning",
       {"5831"},
       "Azure ML compute instance tunnel"},
      {"batch-outbound",
       "Outbound",
       "*",
       "VirtualNetwork",
       regional("BatchNodeManagement"),
       {"443"},
       "Batch node management for AML compute"},
      {"arm-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureResourceManager",
       {"443"},
       "Azure Resource Manager"},
      {"storage-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       regional("Storage"),
       {"443", "445"},
       "Workspace storage; 445 for compute instance file shares"},
      {"frontdoor-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureFrontDoor.FrontEnd",
       {"443"},
       "Azure ML studio"},
      {"frontdoor-firstparty-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureFrontDoor.FirstParty",
       {"443"},
       "Microsoft first-party content"},
      {"mcr-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "MicrosoftContainerRegistry",
       {"443"},
       "Microsoft container images"},
      {"acr-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       regional("AzureContainerRegistry"),
       {"443"},
       "Workspace container registry"},
      {"monitor-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "AzureMonitor",
       {"443"},
       "Application Insights and Azure Monitor"},
      {"vnet-outbound",
       "Outbound",
       "Tcp",
       "VirtualNetwork",
       "VirtualNetwork",
       {"443"},
       "Private endpoints inside the virtual network"},
  };
  if (in.cloud == Cloud::kChina) {
    // Front Door is not available in Azure China.
    std::vector<NsgRuleSpec> kept;
    for (auto& r : out.outbound) {
      if (r.destination.rfind("AzureFrontDoor", 0) != 0) {
        kept.push_back(std::move(r));
      }
    }
    out.outbound = std::move(kept);
  }
  if (in.high_business_impact) {
    // HBI workspaces keep Batch secrets in a Microsoft-managed Key Vault.
    out.outbound.push_back({"keyvault-outbound",
                            "Outbound",
                            "Tcp",
                            "VirtualNetwork",
                            regional("AzureKeyVault"),
                            {"443"},
                            "Key Vault for high-business-impact workspaces"});
  }

  // FQDN allow-list for a firewall.
  auto add = [&](std::string fqdn, std::vector<std::string> ports,
                 std::string purpose) {
    out.fqdns.push_back(
        {std::move(fqdn), std::move(ports), std::move(purpose)});
  };
  switch (in.cloud) {
    case Cloud::kPublic:
      add("login.microsoftonline.com", {"80", "443"}, "Sign-in");
      add("management.azure.com", {"443"}, "Azure Resource Manager");
      add("graph.microsoft.com", {"443"}, "Microsoft Graph");
      add("ml.azure.com", {"443"}, "Azure ML studio");
      add("*.azureml.ms", {"443"}, "Azure ML APIs");
      add("*.azureml.net", {"443"}, "Azure ML APIs");
      add("*.modelmanagement.azureml.net", {"443"}, "Model management");
      add("*.notebooks.azure.net", {"443"}, "Integrated notebooks");
      add("*.aznbcontent.net", {"443"}, "Notebook content");
      add("automlresources-prod.azureedge.net", {"443"}, "AutoML resources");
      add("aka.ms", {"443"}, "Short links used by tooling");
      add("*.instances.azureml.net", {"443"}, "Compute instances");
      add("*.instances.azureml.ms", {"443", "8787", "18881"},
          "Compute instances");
      if (!region.empty()) {
        add(absl::StrCat(region, ".tundra.azureml.ms"), {"5831"},
            "Compute instance tunnel (UDP)");
        add(absl::StrCat("*.", region, ".batch.azure.com"), {"443"}, "Batch");
        add(absl::StrCat("*.", region, ".service.batch.azure.com"), {"443"},
            "Batch");
      }
      add("*.blob.core.windows.net", {"443"}, "Storage (blob)");
      add("*.file.core.windows.net", {"443", "445"}, "Storage (file)");
      add("*.vault.azure.net", {"443"}, "Key Vault");
      add("mcr.microsoft.com", {"443"}, "Microsoft Container Registry");
      add("*.data.mcr.microsoft.com", {"443"}, "Microsoft Container Registry");
      add("*.azurecr.io", {"443"}, "Workspace container registry");
      add("dc.applicationinsights.azure.com", {"443"}, "Application Insights");
      add("dc.applicationinsights.microsoft.com", {"443"},
          "Application Insights");
      add("dc.services.visualstudio.com", {"443"}, "Application Insights");
      add("*.in.applicationinsights.azure.com", {"443"},
          "Application Insights");
      break;
    case Cloud::kUsGovernment:
      add("login.microsoftonline.us", {"80", "443"}, "Sign-in");
      add("management.usgovcloudapi.net", {"443"}, "Azure Resource Manager");
      add("ml.azure.us", {"443"}, "Azure ML studio");
      add("*.ml.azure.us", {"443"}, "Azure ML APIs");
      add("*.notebooks.usgovcloudapi.net", {"443"}, "Integrated notebooks");
      add("*.instances.azureml.us", {"443", "8787", "18881"},
          "Compute instances");
      if (!region.empty()) {
        add(absl::StrCat(region, ".tundra.azureml.us"), {"5831"},
            "Compute instance tunnel (UDP)");
      }
      add("*.blob.core.usgovcloudapi.net", {"443"}, "Storage (blob)");
      add("*.file.core.usgovcloudapi.net", {"443", "445"}, "Storage (file)");
      add("*.vault.usgovcloudapi.net", {"443"}, "Key Vault");
      add("mcr.microsoft.com", {"443"}, "Microsoft Container Registry");
      add("*.azurecr.us", {"443"}, "Workspace container registry");
      break;
    case Cloud::kChina:
      add("login.chinacloudapi.cn", {"80", "443"}, "Sign-in");
      add("management.chinacloudapi.cn", {"443"}, "Azure Resource Manager");
      add("studio.ml.azure.cn", {"443"}, "Azure ML studio");
      add("*.ml.azure.cn", {"443"}, "Azure ML APIs");
      add("*.azureml.cn", {"443"}, "Azure ML APIs");
      add("*.notebooks.chinacloudapi.cn", {"443"}, "Integrated notebooks");
      add("*.instances.azureml.cn", {"443", "8787", "18881"},
          "Compute instances");
      if (!region.empty()) {
        add(absl::StrCat(region, ".tundra.azureml.cn"), {"5831"},
            "Compute instance tunnel (UDP)");
      }
      add("*.blob.core.chinacloudapi.cn", {"443"}, "Storage (blob)");
      add("*.file.core.chinacloudapi.cn", {"443", "445"}, "Storage (file)");
      add("*.vault.azure.cn", {"443"}, "Key Vault");
      add("mcr.azk8s.cn", {"443"}, "Container images mirror");
      add("*.azurecr.cn", {"443"}, "Workspace container registry");
      break;
  }

  for (const std::string& sub : KnownSubresources()) {
    out.dns_zones.emplace_back(sub, RequiredPrivateDnsZones(sub, in.cloud));
  }
  return out;
}

std::vector<RolePreset> AllRolePresets() {
  const std::string ws = "Microsoft.MachineLearningServices/workspaces";
  std::vector<RolePreset> presets;

  // Data scientist: the built-in AzureML Data Scientist permissions (runs
  // experiments, manages assets) minus anything that changes the workspace,
  // compute, secrets or access control.
  RolePreset ds;
  ds.name = "data_scientist";
  ds.role_name = "AML Data Scientist";
  ds.description =
      "Runs jobs and manages assets in Azure ML workspaces; cannot create or "
      "delete compute, change the workspace, read keys or grant access.";
  ds.permissions.actions = {
      ws + "/*/read", ws + "/*/action", ws + "/*/delete", ws + "/*/write",
      "Microsoft.MachineLearningServices/workspaces/read"};
  ds.permissions.not_actions = {
      ws + "/delete",
      ws + "/write",
      ws + "/computes/*/write",
      ws + "/computes/*/delete",
      ws + "/computes/listKeys/action",
      ws + "/listKeys/action",
      ws + "/privateEndpointConnections/*",
      ws + "/connections/listsecrets/action",
      ws + "/datastores/listsecrets/action",
      ws + "/hubs/write",
      ws + "/hubs/delete",
      ws + "/featurestores/write",
      ws + "/featurestores/delete",
      "Microsoft.Authorization/*",
  };
  presets.push_back(ds);

  // Super data scientist: also creates, scales and deletes compute, still
  // without workspace-level, secret or access-control changes.
  RolePreset sds = ds;
  sds.name = "super_data_scientist";
  sds.role_name = "AML Super Data Scientist";
  sds.description =
      "Everything a data scientist can do, plus creating, scaling and "
      "deleting compute; cannot change the workspace, read keys or grant "
      "access.";
  sds.permissions.not_actions = {
      ws + "/delete",
      ws + "/write",
      ws + "/listKeys/action",
      ws + "/computes/listKeys/action",
      ws + "/privateEndpointConnections/*",
      ws + "/connections/listsecrets/action",
      ws + "/datastores/listsecrets/action",
      ws + "/hubs/write",
      ws + "/hubs/delete",
      ws + "/featurestores/write",
      ws + "/featurestores/delete",
      "Microsoft.Authorization/*",
  };
  presets.push_back(sds);

  // IT admin: owns the platform (workspace settings, compute, connections,
  // private endpoint approval) but does not run data-science workloads or
  // read data through datastore secrets.
  RolePreset it;
  it.name = "it_admin";
  it.role_name = "AML IT Admin";
  it.description =
      "Manages Azure ML workspaces, compute, connections and private endpoint "
      "approvals; does not submit jobs or read datastore secrets.";
  it.permissions.actions = {
      ws + "/*",
      "Microsoft.MachineLearningServices/locations/*/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Network/virtualNetworks/subnets/join/action",
      "Microsoft.Network/privateEndpoints/*",
      "Microsoft.Network/privateDnsZones/join/action",
      "Microsoft.Insights/alertRules/*",
  };
  it.permissions.not_actions = {
      ws + "/jobs/write",
      ws + "/experiments/runs/submit/action",
      ws + "/datastores/listsecrets/action",
      ws + "/connections/listsecrets/action",
  };
  presets.push_back(it);
  return presets;
}

std::optional<RolePreset> FindRolePreset(std::string_view name) {
  for (RolePreset& p : AllRolePresets()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

}  // namespace secureaml::resources
