// --landing-zone: the walkthrough's pre-existing estate in eastus, created
// through the emulator's own ARM handlers (so seeded resources look exactly
// like created ones) plus read-only resources and Entra principals.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kRg[] = "ws1103";

std::string RgId() {
  return absl::StrCat("/subscriptions/", kSubscriptionId, "/resourceGroups/",
                      kRg);
}

}  // namespace

json ArmService::SeedLandingZone() {
  std::string token;
  std::map<std::string, OperationDurations> saved;
  {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = clock_->Now();
    token = MintAccessToken(*FindPrincipal(kDefaultClientId),
                            "https://management.azure.com/", 3600);
    saved = config_.durations;
    // Seeding completes at once whatever durations the tests configured.
    config_.durations.clear();
    config_.durations["default"] = {0.0, 0.0, 0.0, 0};
  }
  std::string saved_record;
  {
    std::lock_guard<std::mutex> lock(mu_);
    saved_record = record_dir_;
    record_dir_.clear();
  }
  auto call = [&](const std::string& method, const std::string& path,
                  const json& body, const std::string& api) {
    HttpRequest req;
    req.method = method;
    req.target = absl::StrCat(path, "?api-version=", api);
    req.path = path;
    req.query = {{"api-version", api}};
    req.headers = {{"host", "127.0.0.1"},
                   {"authorization", absl::StrCat("Bearer ", token)},
                   {"content-type", "application/json"}};
    if (!body.is_null()) req.body = body.dump();
    HttpResponse resp = Handle(req);
    if (resp.status >= 300) {
      std::fprintf(stderr, "landing zone: %s %s -> %d %s\n", method.c_str(),
                   path.c_str(), resp.status, resp.body.c_str());
    }
  };
  auto put_raw = [&](const std::string& id, const json& body) {
    HttpRequest req;
    req.method = "PUT";
    req.path = "/_emulator/resources";
    req.target = "/_emulator/resources?id=" + PercentEncode(id);
    req.query = {{"id", id}};
    req.body = body.dump();
    Handle(req);
  };
  std::string rg = RgId();
  std::string net = absl::StrCat(rg, "/providers/Microsoft.Network");
  call("PUT", rg, {{"location", "eastus"}}, "2025-04-01");
  call("PUT", net + "/networkSecurityGroups/ws1103nsg",
       {{"location", "eastus"}}, "2024-07-01");
  std::string nsg_id = net + "/networkSecurityGroups/ws1103nsg";
  json endpoints = json::array({{{"service", "Microsoft.Storage"}},
                                {{"service", "Microsoft.KeyVault"}},
                                {{"service", "Microsoft.ContainerRegistry"}}});
  call("PUT", net + "/virtualNetworks/hub",
       {{"location", "eastus"},
        {"properties",
         {{"addressSpace", {{"addressPrefixes", {"10.150.0.0/16"}}}},
          {"subnets",
           {{{"name", "training"},
             {"properties",
              {{"addressPrefix", "10.150.0.0/24"},
               {"networkSecurityGroup", {{"id", nsg_id}}},
               {"serviceEndpoints", endpoints}}}},
            {{"name", "scoring"},
             {"properties",
              {{"addressPrefix", "10.150.1.0/24"},
               {"networkSecurityGroup", {{"id", nsg_id}}},
               {"serviceEndpoints", endpoints}}}}}}}}},
       "2024-07-01");
  std::string scoring = net + "/virtualNetworks/hub/subnets/scoring";

  std::string kv =
      absl::StrCat(rg, "/providers/Microsoft.KeyVault/vaults/ws1103kv");
  std::string key_version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    key_version = NewGuid();
  }
  key_version.erase(std::remove(key_version.begin(), key_version.end(), '-'),
                    key_version.end());
  std::string kid = absl::StrCat(
      "https://ws1103kv.vault.azure.net/keys/ws1103key/", key_version);
  put_raw(kv, {{"type", "Microsoft.KeyVault/vaults"},
               {"name", "ws1103kv"},
               {"location", "eastus"},
               {"properties",
                {{"tenantId", kTenantId},
                 {"sku", {{"family", "A"}, {"name", "standard"}}},
                 {"accessPolicies", json::array()},
                 {"vaultUri", "https://ws1103kv.vault.azure.net/"},
                 {"enableSoftDelete", true},
                 {"softDeleteRetentionInDays", 90},
                 {"enablePurgeProtection", true},
                 {"enableRbacAuthorization", true},
                 {"publicNetworkAccess", "Enabled"},
                 {"provisioningState", "Succeeded"}}}});
  put_raw(kv + "/keys/ws1103key",
          {{"type", "Microsoft.KeyVault/vaults/keys"},
           {"name", "ws1103key"},
           {"location", "eastus"},
           {"properties",
            {{"kty", "RSA"},
             {"keySize", 2048},
             {"keyOps",
              {"encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"}},
             {"attributes", {{"enabled", true}, {"exportable", false}}},
             {"keyUri", "https://ws1103kv.vault.azure.net/keys/ws1103key"},
             {"keyUriWithVersion", kid}}}});
  std::string st =
      absl::StrCat(rg, "/providers/Microsoft.Storage/storageAccounts/ws1103st");
  put_raw(st, {{"type", "Microsoft.Storage/storageAccounts"},
               {"name", "ws1103st"},
               {"location", "eastus"},
               {"kind", "StorageV2"},
               {"sku", {{"name", "Standard_LRS"}, {"tier", "Standard"}}},
               {"properties",
                {{"provisioningState", "Succeeded"},
                 {"isHnsEnabled", false},
                 {"allowBlobPublicAccess", false},
                 {"minimumTlsVersion", "TLS1_2"},
                 {"publicNetworkAccess", "Disabled"},
                 {"primaryEndpoints",
                  {{"blob", "https://ws1103st.blob.core.windows.net/"},
                   {"file", "https://ws1103st.file.core.windows.net/"},
                   {"dfs", "https://ws1103st.dfs.core.windows.net/"}}}}}});
  std::string acr = absl::StrCat(
      rg, "/providers/Microsoft.ContainerRegistry/registries/ws1103acr");
  put_raw(acr, {{"type", "Microsoft.ContainerRegistry/registries"},
                {"name", "ws1103acr"},
                {"location", "eastus"},
                {"sku", {{"name", "Premium"}, {"tier", "Premium"}}},
                {"properties",
                 {{"loginServer", "ws1103acr.azurecr.io"},
                  {"adminUserEnabled", false},
                  {"publicNetworkAccess", "Disabled"},
                  {"provisioningState", "Succeeded"}}}});
  std::string ai =
      absl::StrCat(rg, "/providers/Microsoft.Insights/components/ws1103ai");
  put_raw(ai, {{"type", "microsoft.insights/components"},
               {"name", "ws1103ai"},
               {"location", "eastus"},
               {"kind", "web"},
               {"properties",
                {{"Application_Type", "web"},
                 {"AppId", "3b1d2c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"},
                 {"InstrumentationKey", "7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f"},
                 {"provisioningState", "Succeeded"}}}});
  std::string aks = absl::StrCat(
      rg, "/providers/Microsoft.ContainerService/managedClusters/ws1103aks");
  put_raw(aks,
          {{"type", "Microsoft.ContainerService/managedClusters"},
           {"name", "ws1103aks"},
           {"location", "eastus"},
           {"sku", {{"name", "Base"}, {"tier", "Free"}}},
           {"properties",
            {{"provisioningState", "Succeeded"},
             {"powerState", {{"code", "Running"}}},
             {"kubernetesVersion", "1.30.6"},
             {"dnsPrefix", "ws1103aks"},
             {"privateFQDN", "ws1103aks-4f2a9c1e.privatelink.eastus.azmk8s.io"},
             {"apiServerAccessProfile", {{"enablePrivateCluster", true}}},
             {"agentPoolProfiles",
              {{{"name", "agentpool"},
                {"count", 3},
                {"vmSize", "Standard_D4s_v3"},
                {"mode", "System"},
                {"vnetSubnetID", scoring}}}},
             {"networkProfile",
              {{"networkPlugin", "azure"},
               {"serviceCidr", "10.0.0.0/16"},
               {"dnsServiceIP", "10.0.0.10"},
               {"loadBalancerSku", "standard"}}}}}});

  json principals = json::object();
  {
    std::lock_guard<std::mutex> lock(mu_);
    Principal admin;
    admin.object_id = "4a6f0c2e-8b1d-4e3f-a5c7-9d2b4f6e8a01";
    admin.display_name = "IT Admin (itadmin@contoso.example)";
    admin.type = "User";
    AddPrincipal(admin);
    Principal ds;
    ds.object_id = "5b7e1d3f-9c2e-4f4a-b6d8-0e3c5a7f9b12";
    ds.display_name = "Data Scientist (datascientist@contoso.example)";
    ds.type = "User";
    AddPrincipal(ds);
    Principal ci;
    ci.object_id = "6c8f2e4a-0d3f-4a5b-87e9-1f4d6b8a0c23";
    ci.app_id = "7d9a3f5b-1e4a-4b6c-98fa-2a5e7c9b1d34";
    ci.display_name = "secureaml-ci";
    ci.type = "ServicePrincipal";
    ci.secret = "ci-client-secret-8d2f6a";
    ci.federated.push_back(
        {kGithubIssuer,
         "repo:secureaml/terraform-provider-secureaml:ref:refs/heads/main",
         "api://AzureADTokenExchange"});
    AddPrincipal(ci);
    principals = {
        {"it_admin", {{"object_id", admin.object_id}, {"type", "User"}}},
        {"data_scientist", {{"object_id", ds.object_id}, {"type", "User"}}},
        {"ci",
         {{"object_id", ci.object_id},
          {"client_id", ci.app_id},
          {"client_secret", ci.secret},
          {"type", "ServicePrincipal"},
          {"federated_subject", ci.federated[0].subject}}}};
    config_.durations = saved;
    record_dir_ = saved_record;
  }
  json lz = {
      {"tenant_id", kTenantId},
      {"subscription_id", kSubscriptionId},
      {"location", "eastus"},
      {"resource_group_name", kRg},
      {"resource_group_id", rg},
      {"vnet_id", net + "/virtualNetworks/hub"},
      {"training_subnet_id", net + "/virtualNetworks/hub/subnets/training"},
      {"scoring_subnet_id", scoring},
      {"nsg_id", nsg_id},
      {"key_vault_id", kv},
      {"key_id", kv + "/keys/ws1103key"},
      {"key_versioned_id", kid},
      {"storage_account_id", st},
      {"container_registry_id", acr},
      {"application_insights_id", ai},
      {"aks_cluster_id", aks},
      {"aks_private_fqdn", "ws1103aks-4f2a9c1e.privatelink.eastus.azmk8s.io"},
      {"principals", principals}};
  std::lock_guard<std::mutex> lock(mu_);
  landing_zone_ = lz;
  return lz;
}

}  // namespace secureaml::emulator
