#!/usr/bin/env node
// Contract check of the ARM emulator (ctest label "contract").
//
// 1. Starts the emulator built by CMake with --record into a temp dir.
// 2. Drives a scenario over HTTPS that covers every resource type, every
//    async pattern and the common error paths, with node's https module and
//    with the official Azure JS SDK (@azure/arm-resources) as a second,
//    independent LRO client.
// 3. Validates every recorded exchange with oav's LiveValidator against the
//    official specs (zero violations is the bar) and with our own LRO
//    header assertions, which oav does not make. Exchanges the vendored
//    specs cannot describe are listed with the reason, never silently
//    skipped.
//
// usage: node contract_test.js --emulator PATH --repo REPO_ROOT
//   env SECUREAML_SPECS_DIR overrides REPO_ROOT/../shared/azure-rest-api-specs
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const https = require("https");
const os = require("os");
const path = require("path");
const readline = require("readline");

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const emulatorBin = arg("--emulator");
const repo = arg("--repo") || path.resolve(__dirname, "../../..");
const specsDir = process.env.SECUREAML_SPECS_DIR || path.resolve(repo, "../shared/azure-rest-api-specs");
for (const mod of ["oav", "@azure/arm-resources"]) {
  try {
    require.resolve(mod);
  } catch {
    console.error(`contract: npm package ${mod} is missing: run 'npm install' in ${__dirname} (scripts/install-deps.sh does it)`);
    process.exit(1);
  }
}
const sdkMode = process.argv.includes("--sdk");
if (!sdkMode && (!emulatorBin || !fs.existsSync(emulatorBin))) {
  console.error("contract: --emulator must name the built secureaml-arm-emulator");
  process.exit(2);
}
if (!sdkMode && !fs.existsSync(path.join(specsDir, "specification"))) {
  console.error(`contract: specs not found at ${specsDir} (set SECUREAML_SPECS_DIR)`);
  process.exit(2);
}

const tmp = sdkMode ? os.tmpdir() : fs.mkdtempSync(path.join(os.tmpdir(), "secureaml-contract-"));
const trafficDir = path.join(tmp, "traffic");
const caFile = path.join(tmp, "ca.pem");
const configFile = path.join(tmp, "config.json");
// Durations long enough that every LRO is observed in progress at least once.
if (!sdkMode) fs.writeFileSync(configFile, JSON.stringify({
  durations: {
    default: { create_seconds: 0, update_seconds: 0, delete_seconds: 0, retry_after_seconds: 1 },
    "Microsoft.MachineLearningServices/workspaces": { create_seconds: 1.2, delete_seconds: 1 },
    "Microsoft.MachineLearningServices/workspaces/computes": { create_seconds: 1, delete_seconds: 1 },
    "Microsoft.Network/virtualNetworks": { create_seconds: 1, delete_seconds: 1 },
    "Microsoft.Network/privateDnsZones": { create_seconds: 1, delete_seconds: 1 },
    "Microsoft.Resources/resourceGroups": { delete_seconds: 1 },
  },
}));

const failures = [];
function check(cond, what) {
  if (!cond) failures.push(what);
}

let agent;
let base;
let token;
const SUB = "a4393d89-7e7f-4b0b-826e-72fc42c33d1f";

function request(method, url, body, headers = {}) {
  const u = new URL(url, base);
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const h = { ...headers };
  if (token && !("authorization" in h)) h.authorization = `Bearer ${token}`;
  if (data !== undefined && !h["content-type"]) h["content-type"] = "application/json";
  if (data !== undefined) h["content-length"] = Buffer.byteLength(data);
  h["x-ms-correlation-request-id"] = h["x-ms-correlation-request-id"] || "c0ffee00-0000-4000-8000-000000000001";
  return new Promise((resolve, reject) => {
    const req = https.request(u, { method, agent, headers: h }, (res) => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (buf += d));
      res.on("end", () => {
        let json;
        try { json = buf ? JSON.parse(buf) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: json, raw: buf });
      });
    });
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Follows an ARM LRO the way go-azure-sdk does: prefer Azure-AsyncOperation,
// else Location, honouring Retry-After; returns the final poll response.
async function follow(resp) {
  const aao = resp.headers["azure-asyncoperation"];
  const loc = resp.headers["location"];
  if (!(resp.status === 201 || resp.status === 202) || (!aao && !loc)) return resp;
  const url = aao || loc;
  for (let i = 0; i < 60; i++) {
    const wait = Number(resp.headers["retry-after"] || 1);
    await sleep(Math.min(wait, 2) * 1000);
    const p = await request("GET", url);
    if (aao) {
      check(p.status === 200, `A-AO poll answered ${p.status}`);
      const st = p.body && p.body.status;
      check(["InProgress", "Succeeded", "Failed", "Canceled"].includes(st), `A-AO status ${st}`);
      if (st !== "InProgress") return p;
    } else {
      if (p.status !== 202) return p;
    }
    resp = p;
  }
  throw new Error("LRO did not finish");
}

async function lro(method, url, body, expectInitial) {
  const r = await request(method, url, body);
  if (expectInitial) check(expectInitial.includes(r.status), `${method} ${url} -> ${r.status} ${r.raw}`);
  return { initial: r, final: await follow(r) };
}

const V = {
  res: "2025-04-01", ml: "2025-06-01", auth: "2022-04-01", net: "2024-07-01", dns: "2024-06-01",
};
const rg = `/subscriptions/${SUB}/resourceGroups/contract-rg`;
const net = `${rg}/providers/Microsoft.Network`;
const mls = `${rg}/providers/Microsoft.MachineLearningServices`;
const q = (v) => `?api-version=${v}`;

async function scenario(lz) {
  // Cloud metadata and tokens.
  let r = await request("GET", "/metadata/endpoints?api-version=2022-09-01");
  check(r.status === 200 && r.body.resourceManager === `${base}/`, "metadata resourceManager");
  const tenant = lz.tenant_id;
  r = await request("POST", `/${tenant}/oauth2/v2.0/token`,
    `grant_type=client_credentials&client_id=${lz.principals.ci.client_id}&client_secret=wrong&scope=https%3A%2F%2Fmanagement.azure.com%2F.default`,
    { "content-type": "application/x-www-form-urlencoded" });
  check(r.status === 401 && r.body.error === "invalid_client" && r.body.error_codes[0] === 7000215, "bad secret -> AADSTS7000215");
  r = await request("POST", `/${tenant}/oauth2/v2.0/token`,
    `grant_type=client_credentials&client_id=${lz.principals.ci.client_id}&client_secret=${lz.principals.ci.client_secret}&scope=https%3A%2F%2Fmanagement.azure.com%2F.default`,
    { "content-type": "application/x-www-form-urlencoded" });
  check(r.status === 200 && typeof r.body.expires_in === "number", "client secret token");
  token = r.body.access_token;

  // Resource group.
  r = await request("PUT", rg + q(V.res), { location: "eastus", tags: { env: "contract" } });
  check(r.status === 201, `RG create ${r.status}`);
  r = await request("GET", rg + q(V.res));
  check(r.status === 200, "RG get");
  r = await request("PATCH", rg + q(V.res), { tags: { env: "contract", owner: "ci" } });
  check(r.status === 200, "RG patch");
  r = await request("GET", `/subscriptions/${SUB}/resourcegroups${q(V.res)}`);
  check(r.status === 200 && r.body.value.length >= 2, "RG list");
  r = await request("HEAD", rg + q(V.res));
  check(r.status === 204, `RG head ${r.status}`);
  r = await request("GET", `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices${q(V.res)}`);
  check(r.status === 200, "provider get");

  // NSG with an inline rule, then a child rule.
  let x = await lro("PUT", `${net}/networkSecurityGroups/nsg1${q(V.net)}`, {
    location: "eastus",
    properties: { securityRules: [{ name: "allow-aml", properties: { protocol: "Tcp", access: "Allow", direction: "Inbound", priority: 100, sourceAddressPrefix: "AzureMachineLearning", sourcePortRange: "*", destinationAddressPrefix: "VirtualNetwork", destinationPortRange: "44224" } }] },
  }, [201]);
  check(x.initial.headers["azure-asyncoperation"], "NSG PUT has A-AO");
  x = await lro("PUT", `${net}/networkSecurityGroups/nsg1/securityRules/deny-all${q(V.net)}`, {
    properties: { protocol: "*", access: "Deny", direction: "Outbound", priority: 4000, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "Internet", destinationPortRange: "*" },
  }, [201]);
  r = await request("GET", `${net}/networkSecurityGroups/nsg1${q(V.net)}`);
  check(r.status === 200 && r.body.properties.securityRules.length === 2, "NSG get with 2 rules");
  r = await request("GET", `${net}/networkSecurityGroups/nsg1/securityRules/deny-all${q(V.net)}`);
  check(r.status === 200, "rule get");

  // VNet with inline subnets (takes 1 s: polled), then a child subnet.
  const vnetBody = {
    location: "eastus",
    properties: {
      addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
      subnets: [{ name: "training", properties: { addressPrefix: "10.10.0.0/24", networkSecurityGroup: { id: `${net}/networkSecurityGroups/nsg1` } } }],
    },
  };
  const vnetPut = await request("PUT", `${net}/virtualNetworks/vnet1${q(V.net)}`, vnetBody);
  check(vnetPut.status === 201 && vnetPut.body.properties.provisioningState === "Updating", "VNet PUT 201 shows Updating");
  r = await request("PUT", `${net}/virtualNetworks/vnet1${q(V.net)}`, vnetBody);
  check(r.status === 409 && r.body.error.code === "AnotherOperationInProgress", `VNet concurrent write ${r.status}`);
  x = { initial: vnetPut, final: await follow(vnetPut) };
  check(x.final.body.status === "Succeeded", "VNet A-AO Succeeded");
  x = await lro("PUT", `${net}/virtualNetworks/vnet1/subnets/pe${q(V.net)}`, { properties: { addressPrefix: "10.10.1.0/24", privateEndpointNetworkPolicies: "Disabled" } }, [201]);
  r = await request("GET", `${net}/virtualNetworks/vnet1${q(V.net)}`);
  check(r.status === 200 && r.body.properties.subnets.length === 2, "VNet get shows 2 subnets");
  r = await request("PATCH", `${net}/virtualNetworks/vnet1${q(V.net)}`, { tags: { a: "b" } });
  check(r.status === 200, "VNet tags patch");
  r = await request("GET", `${net}/virtualNetworks/vnet1/subnets/training${q(V.net)}`);
  check(r.status === 200, "subnet get");
  r = await request("GET", `${net}/virtualNetworks/vnet1/subnets${q(V.net)}`);
  check(r.status === 200 && r.body.value.length === 2, "subnet list");

  // Private DNS zone + link: 202 with both poll URLs.
  x = await lro("PUT", `${net}/privateDnsZones/privatelink.api.azureml.ms${q(V.dns)}`, { location: "global" }, [202]);
  check(x.initial.headers["location"] && x.initial.headers["azure-asyncoperation"], "DNS zone 202 has both poll URLs");
  r = await request("GET", x.initial.headers["location"]);
  check(r.status === 200 && r.body && r.body.name === "privatelink.api.azureml.ms", `DNS Location final ${r.status}`);
  x = await lro("PUT", `${net}/privateDnsZones/privatelink.api.azureml.ms/virtualNetworkLinks/vnet1-link${q(V.dns)}`,
    { location: "global", properties: { virtualNetwork: { id: `${net}/virtualNetworks/vnet1` }, registrationEnabled: false } }, [202]);
  r = await request("GET", `${net}/privateDnsZones/privatelink.api.azureml.ms/virtualNetworkLinks/vnet1-link${q(V.dns)}`);
  check(r.status === 200 && r.body.properties.virtualNetworkLinkState === "Completed", "DNS link completed");
  r = await request("GET", `${net}/privateDnsZones/privatelink.api.azureml.ms${q(V.dns)}`);
  check(r.status === 200 && r.body.properties.numberOfVirtualNetworkLinks === 1, "zone counts link");
  r = await request("PATCH", `${net}/privateDnsZones/privatelink.api.azureml.ms${q(V.dns)}`, { tags: { k: "v" } });
  check(r.status === 200, "zone patch");
  r = await request("DELETE", `${net}/privateDnsZones/privatelink.api.azureml.ms${q(V.dns)}`);
  check(r.status === 409, `zone with links cannot be deleted (${r.status})`);

  // Workspace: 202 + Location, invisible until done.
  const ws = `${mls}/workspaces/ws1`;
  x = { initial: await request("PUT", ws + q(V.ml), {
    location: "eastus",
    identity: { type: "SystemAssigned" },
    sku: { name: "Basic", tier: "Basic" },
    properties: {
      friendlyName: "contract", storageAccount: lz.storage_account_id, keyVault: lz.key_vault_id,
      applicationInsights: lz.application_insights_id, containerRegistry: lz.container_registry_id,
      publicNetworkAccess: "Disabled", hbiWorkspace: true, v1LegacyMode: false,
      encryption: { status: "Enabled", keyVaultProperties: { keyVaultArmId: lz.key_vault_id, keyIdentifier: lz.key_versioned_id } },
      managedNetwork: { isolationMode: "Disabled" },
    },
  }) };
  check(x.initial.status === 202 && x.initial.headers.location && /^\d+$/.test(x.initial.headers["retry-after"]), "workspace 202 + Location + Retry-After");
  r = await request("GET", ws + q(V.ml));
  check(r.status === 404, `workspace invisible while creating (${r.status})`);
  x.final = await follow(x.initial);
  check(x.final.status === 200 && x.final.body.properties.provisioningState === "Succeeded", "workspace Location final 200 with body");
  r = await request("GET", ws + q(V.ml));
  check(r.status === 200, "workspace get");
  r = await request("PATCH", ws + q(V.ml), { properties: { description: "patched", imageBuildCompute: "cpu-cluster" } });
  check(r.status === 200, "workspace patch");
  r = await request("PATCH", ws + q(V.ml), { properties: { storageAccount: "/subscriptions/x" } });
  check(r.status === 400, "workspace patch of immutable property rejected");
  r = await request("GET", `${mls}/workspaces${q(V.ml)}`);
  check(r.status === 200 && r.body.value.length === 1, "workspace list");

  // Private endpoint to the workspace + DNS zone group.
  x = await lro("PUT", `${net}/privateEndpoints/ws1-pe${q(V.net)}`, {
    location: "eastus",
    properties: {
      subnet: { id: `${net}/virtualNetworks/vnet1/subnets/pe` },
      privateLinkServiceConnections: [{ name: "ws1", properties: { privateLinkServiceId: ws, groupIds: ["amlworkspace"] } }],
    },
  }, [201]);
  x = await lro("PUT", `${net}/privateEndpoints/ws1-pe/privateDnsZoneGroups/default${q(V.net)}`, {
    properties: { privateDnsZoneConfigs: [{ name: "api", properties: { privateDnsZoneId: `${net}/privateDnsZones/privatelink.api.azureml.ms` } }] },
  }, [201]);
  r = await request("GET", `${net}/privateEndpoints/ws1-pe${q(V.net)}`);
  check(r.status === 200 && r.body.properties.privateLinkServiceConnections[0].properties.privateLinkServiceConnectionState.status === "Approved", "PE approved");
  r = await request("GET", `${net}/privateEndpoints/ws1-pe/privateDnsZoneGroups/default${q(V.net)}`);
  check(r.status === 200 && r.body.properties.privateDnsZoneConfigs[0].properties.recordSets.length >= 1, "zone group records");

  // Computes: 201 + Azure-AsyncOperation.
  const subnet = `${net}/virtualNetworks/vnet1/subnets/training`;
  x = await lro("PUT", `${ws}/computes/cpu-cluster${q(V.ml)}`, {
    location: "eastus",
    properties: { computeType: "AmlCompute", computeLocation: "eastus", disableLocalAuth: true,
      properties: { vmSize: "STANDARD_DS3_V2", vmPriority: "Dedicated", enableNodePublicIp: false, subnet: { id: subnet },
        scaleSettings: { maxNodeCount: 4, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: "PT120S" }, remoteLoginPortPublicAccess: "Disabled" } },
  }, [201]);
  check(x.initial.body.properties.provisioningState === "Creating", "compute 201 Creating");
  check(x.final.body.status === "Succeeded", "compute A-AO Succeeded");
  x = await lro("PUT", `${ws}/computes/ci-alice${q(V.ml)}`, {
    location: "eastus",
    properties: { computeType: "ComputeInstance", properties: { vmSize: "STANDARD_DS3_V2", enableNodePublicIp: false, subnet: { id: subnet },
      personalComputeInstanceSettings: { assignedUser: { objectId: lz.principals.data_scientist.object_id, tenantId: lz.tenant_id } } } },
  }, [201]);
  x = await lro("PUT", `${ws}/computes/aks-attach${q(V.ml)}`, {
    location: "eastus",
    properties: { computeType: "AKS", resourceId: lz.aks_cluster_id, properties: { clusterPurpose: "FastProd", loadBalancerType: "InternalLoadBalancer" } },
  }, [201]);
  r = await request("GET", `${ws}/computes/cpu-cluster${q(V.ml)}`);
  check(r.status === 200 && r.body.properties.properties.vmSize, "compute get (nested properties)");
  r = await request("PATCH", `${ws}/computes/cpu-cluster${q(V.ml)}`, { properties: { properties: { scaleSettings: { maxNodeCount: 6, minNodeCount: 1 } } } });
  check(r.status === 200, "compute scale patch");
  r = await request("GET", `${ws}/computes${q(V.ml)}`);
  check(r.status === 200 && r.body.value.length === 3, "compute list");
  r = await request("DELETE", `${ws}/computes/aks-attach${q(V.ml)}`);
  check(r.status === 400, "compute delete without underlyingResourceAction rejected");
  x = await lro("DELETE", `${ws}/computes/aks-attach${q(V.ml)}&underlyingResourceAction=Detach`, undefined, [202]);
  x = await lro("DELETE", `${ws}/computes/ci-alice${q(V.ml)}&underlyingResourceAction=Delete`, undefined, [202]);
  check(x.initial.headers["azure-asyncoperation"] && x.initial.headers["location"], "compute delete has A-AO + Location");

  // Datastores and jobs (mfe.json: not in the vendored specs).
  r = await request("PUT", `${ws}/datastores/blobstore${q(V.ml)}`, { properties: { datastoreType: "AzureBlob", accountName: "ws1103st", containerName: "data", credentials: { credentialsType: "AccountKey", secrets: { secretsType: "AccountKey", key: "c2VjcmV0" } }, serviceDataAccessAuthIdentity: "WorkspaceSystemAssignedIdentity" } });
  check(r.status === 201 && !r.body.properties.credentials.secrets, "datastore create hides secrets");
  r = await request("GET", `${ws}/datastores/blobstore${q(V.ml)}`);
  check(r.status === 200, "datastore get");
  r = await request("PUT", `${ws}/jobs/job-1${q(V.ml)}`, { properties: { jobType: "Command", command: "python train.py", environmentId: "azureml:AzureML-sklearn-1.5@latest", computeId: `${ws}/computes/cpu-cluster` } });
  check(r.status === 201, "job create");
  r = await request("GET", `${ws}/jobs/job-1${q(V.ml)}`);
  check(r.status === 200, "job get");
  r = await request("DELETE", `${ws}/datastores/blobstore${q(V.ml)}`);
  check(r.status === 200, "datastore delete");

  // Authorization.
  const roleDefId = "3d6a1f7e-2c4b-4e8d-9a1f-6b2c3d4e5f60";
  r = await request("PUT", `${rg}/providers/Microsoft.Authorization/roleDefinitions/${roleDefId}${q(V.auth)}`, {
    properties: { roleName: "Contract AML Operator", description: "contract", type: "CustomRole",
      permissions: [{ actions: ["Microsoft.MachineLearningServices/workspaces/computes/*"], notActions: [], dataActions: [], notDataActions: [] }],
      assignableScopes: [rg] },
  });
  check(r.status === 201, `role definition create ${r.status}`);
  r = await request("GET", `${rg}/providers/Microsoft.Authorization/roleDefinitions/${roleDefId}${q(V.auth)}`);
  check(r.status === 200, "role definition get");
  r = await request("GET", `${rg}/providers/Microsoft.Authorization/roleDefinitions${q(V.auth)}&$filter=${encodeURIComponent("roleName eq 'AzureML Data Scientist'")}`);
  check(r.status === 200 && r.body.value.length === 1, "role definition list by name");
  const raName = "9f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
  const dsRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121`;
  r = await request("PUT", `${ws}/providers/Microsoft.Authorization/roleAssignments/${raName}${q(V.auth)}`, {
    properties: { roleDefinitionId: dsRole, principalId: lz.principals.data_scientist.object_id, principalType: "User", description: "data scientist" },
  });
  check(r.status === 201, `role assignment create ${r.status} ${r.raw}`);
  r = await request("PUT", `${ws}/providers/Microsoft.Authorization/roleAssignments/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d${q(V.auth)}`, {
    properties: { roleDefinitionId: dsRole, principalId: lz.principals.data_scientist.object_id },
  });
  check(r.status === 409 && r.body.error.code === "RoleAssignmentExists", "duplicate role assignment");
  r = await request("PUT", `${rg}/providers/Microsoft.Authorization/roleAssignments/1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d${q(V.auth)}`, {
    properties: { roleDefinitionId: dsRole, principalId: "2e4c6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c" },
  });
  check(r.status === 400 && r.body.error.code === "PrincipalNotFound", "unknown principal");
  r = await request("GET", `${ws}/providers/Microsoft.Authorization/roleAssignments/${raName}${q(V.auth)}`);
  check(r.status === 200, "role assignment get");
  r = await request("GET", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments${q(V.auth)}&$filter=${encodeURIComponent(`principalId eq '${lz.principals.data_scientist.object_id}'`)}`);
  check(r.status === 200 && r.body.value.length === 1, "role assignment list by principal");
  r = await request("GET", `${rg}/providers/Microsoft.Authorization/roleAssignments${q(V.auth)}`);
  check(r.status === 200, "role assignment list rg");
  r = await request("DELETE", `${ws}/providers/Microsoft.Authorization/roleAssignments/${raName}${q(V.auth)}`);
  check(r.status === 200, "role assignment delete");
  r = await request("DELETE", `${ws}/providers/Microsoft.Authorization/roleAssignments/${raName}${q(V.auth)}`);
  check(r.status === 204, "role assignment delete again");
  r = await request("DELETE", `${rg}/providers/Microsoft.Authorization/roleDefinitions/${roleDefId}${q(V.auth)}`);
  check(r.status === 200, "role definition delete");

  // Read-only validation targets.
  for (const [id, v] of [[lz.storage_account_id, "2023-05-01"], [lz.key_vault_id, "2023-07-01"], [lz.key_id, "2023-07-01"],
    [lz.container_registry_id, "2023-07-01"], [lz.application_insights_id, "2020-02-02"], [lz.aks_cluster_id, "2024-09-01"]]) {
    r = await request("GET", id + q(v));
    check(r.status === 200, `read-only GET ${id}`);
  }

  // Bad requests: Azure's errors, no state change.
  const before = (await request("GET", "/_emulator/resources")).body.value.length;
  r = await request("PUT", `${net}/virtualNetworks/bad`, { location: "eastus" });
  check(r.status === 400 && r.body.error.code === "MissingApiVersionParameter", "missing api-version");
  r = await request("PUT", `${net}/virtualNetworks/bad?api-version=2099-01-01`, { location: "eastus" });
  check(r.status === 400 && r.body.error.code === "NoRegisteredProviderFound", "unknown api-version");
  r = await request("PUT", `${net}/virtualNetworks/bad${q(V.net)}`, "{not json");
  check(r.status === 400 && r.body.error.code === "InvalidRequestContent", "malformed JSON");
  r = await request("PUT", `${net}/virtualNetworks/bad${q(V.net)}`, { location: "eastus", properties: {} });
  check(r.status === 400, "VNet without address space");
  r = await request("PUT", `/subscriptions/${SUB}/resourceGroups/nope/providers/Microsoft.Network/virtualNetworks/bad${q(V.net)}`, { location: "eastus", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
  check(r.status === 404 && r.body.error.code === "ResourceGroupNotFound", "missing RG");
  r = await request("PUT", `${net}/virtualNetworks/missing/subnets/s${q(V.net)}`, { properties: { addressPrefix: "10.0.0.0/24" } });
  check(r.status === 404 && r.body.error.code === "ParentResourceNotFound", "missing parent");
  r = await request("GET", `/subscriptions/not-a-guid/resourceGroups/x${q(V.res)}`);
  check(r.status === 400 && r.body.error.code === "InvalidSubscriptionId", "bad subscription id");
  r = await request("PUT", `${ws}/providers/Microsoft.Authorization/roleAssignments/not-a-guid${q(V.auth)}`, { properties: { roleDefinitionId: dsRole, principalId: lz.principals.data_scientist.object_id } });
  check(r.status === 400, "role assignment name must be a GUID");
  r = await request("PUT", `${ws}/providers/Microsoft.Authorization/roleAssignments/${raName}${q(V.auth)}`, { properties: { roleDefinitionId: dsRole } });
  check(r.status === 400, "role assignment missing principalId");
  r = await request("GET", `${net}/virtualNetworks/vnet1${q(V.net)}`, undefined, { authorization: "" });
  check(r.status === 401, "missing token -> 401");
  r = await request("GET", `${net}/virtualNetworks/nope${q(V.net)}`);
  check(r.status === 404, "missing VNet 404");
  const after = (await request("GET", "/_emulator/resources")).body.value.length;
  check(before === after, `rejected requests changed state (${before} -> ${after})`);

  // Faults through the admin API: throttling, transient 503 and an LRO
  // that ends Failed; their error bodies are validated like any other.
  r = await request("POST", "/_emulator/faults", [
    { kind: "status", status: 429, method: "PUT", resource_type: "Microsoft.Network/networkSecurityGroups", count: 1, retry_after_seconds: 2 },
    { kind: "status", status: 503, method: "GET", resource_type: "Microsoft.Resources/resourceGroups", count: 1 },
    { kind: "lro_failed", resource_type: "Microsoft.Network/networkSecurityGroups", code: "QuotaExceeded", message: "Quota exceeded for network security groups.", count: 1 },
  ]);
  check(r.status === 201, "fault rules added");
  r = await request("PUT", `${net}/networkSecurityGroups/nsg2${q(V.net)}`, { location: "eastus" });
  check(r.status === 429 && r.headers["retry-after"] === "2" && r.body.error.code === "SubscriptionRequestsThrottled", "injected 429");
  r = await request("GET", rg + q(V.res));
  check(r.status === 503, "injected 503");
  x = await lro("PUT", `${net}/networkSecurityGroups/nsg2${q(V.net)}`, { location: "eastus" }, [201]);
  check(x.final.body.status === "Failed" && x.final.body.error.code === "QuotaExceeded", "LRO ended Failed");
  r = await request("GET", `${net}/networkSecurityGroups/nsg2${q(V.net)}`);
  check(r.status === 200 && r.body.properties.provisioningState === "Failed", "resource shows Failed");
  x = await lro("DELETE", `${net}/networkSecurityGroups/nsg2${q(V.net)}`, undefined, [200, 202]);
  r = await request("GET", "/_emulator/counters");
  check(r.body.by_method_and_type["PUT Microsoft.Network/networkSecurityGroups"] >= 3, "counters per method and type");

  // Deletes: Network 202 + Location + A-AO, DNS 202, workspace soft delete, RG.
  x = await lro("DELETE", `${net}/privateEndpoints/ws1-pe/privateDnsZoneGroups/default${q(V.net)}`, undefined, [200, 202]);
  x = await lro("DELETE", `${net}/privateEndpoints/ws1-pe${q(V.net)}`, undefined, [200, 202]);
  x = await lro("DELETE", `${net}/privateDnsZones/privatelink.api.azureml.ms/virtualNetworkLinks/vnet1-link${q(V.dns)}`, undefined, [202]);
  x = await lro("DELETE", `${net}/privateDnsZones/privatelink.api.azureml.ms${q(V.dns)}`, undefined, [202]);
  r = await request("DELETE", `${ws}/computes/cpu-cluster${q(V.ml)}&underlyingResourceAction=Delete`);
  await follow(r);
  x = await lro("DELETE", `${net}/virtualNetworks/vnet1/subnets/pe${q(V.net)}`, undefined, [200, 202]);
  x = await lro("DELETE", `${net}/virtualNetworks/vnet1${q(V.net)}`, undefined, [202]);
  check(x.initial.headers["location"] && x.initial.headers["azure-asyncoperation"], "VNet delete 202 has Location + A-AO");
  r = await request("GET", `${net}/virtualNetworks/vnet1${q(V.net)}`);
  check(r.status === 404, "VNet gone");
  x = await lro("DELETE", ws + q(V.ml), undefined, [202]);
  check(x.final.status === 200 && x.final.headers["content-length"] === "0", "workspace delete Location final 200 CL 0");
  r = await request("PUT", ws + q(V.ml), { location: "eastus", properties: { storageAccount: lz.storage_account_id, keyVault: lz.key_vault_id } });
  check(r.status === 409, "soft-deleted workspace blocks re-create");
  r = await request("DELETE", ws + q(V.ml) + "&forceToPurge=true");
  check(r.status === 200, "purge soft-deleted workspace");
  x = await lro("DELETE", `${net}/networkSecurityGroups/nsg1${q(V.net)}`, undefined, [200, 202]);
  x = await lro("DELETE", rg + q(V.res), undefined, [202]);
  check(x.final.status === 200, "RG delete completes");
}

// Second, independent client: the official Azure SDK for JS.
async function sdkScenario(lz) {
  const { ResourceManagementClient } = require("@azure/arm-resources");
  const credential = {
    async getToken(scopes) {
      const r = await request("POST", `/${lz.tenant_id}/oauth2/v2.0/token`,
        `grant_type=client_credentials&client_id=${lz.principals.ci.client_id}&client_secret=${lz.principals.ci.client_secret}&scope=${encodeURIComponent([].concat(scopes)[0])}`,
        { "content-type": "application/x-www-form-urlencoded", authorization: "" });
      if (r.status !== 200) throw new Error(`token: ${r.status} ${r.raw}`);
      return { token: r.body.access_token, expiresOnTimestamp: Date.now() + r.body.expires_in * 1000 };
    },
  };
  const client = new ResourceManagementClient(credential, SUB, { endpoint: base, credentialScopes: ["https://management.azure.com/.default"] });
  const created = await client.resourceGroups.createOrUpdate("sdk-rg", { location: "eastus", tags: { via: "azure-sdk" } });
  check(created.name === "sdk-rg" && created.properties.provisioningState === "Succeeded", "SDK createOrUpdate");
  const got = await client.resourceGroups.get("sdk-rg");
  check(got.tags.via === "azure-sdk", "SDK get");
  const exists = await client.resourceGroups.checkExistence("sdk-rg");
  check(exists.body === true, "SDK checkExistence");
  let n = 0;
  for await (const g of client.resourceGroups.list()) n += g ? 1 : 0;
  check(n >= 2, "SDK list");
  await client.resourceGroups.beginDeleteAndWait("sdk-rg", { updateIntervalInMs: 200 });
  try {
    await client.resourceGroups.get("sdk-rg");
    check(false, "SDK: RG still there after beginDeleteAndWait");
  } catch (e) {
    check(e.statusCode === 404 && e.code === "ResourceGroupNotFound", `SDK 404 after delete: ${e.code}`);
  }
  console.log("contract: @azure/arm-resources created, read, listed and deleted a resource group over HTTPS");
}

// Exchanges the vendored specs cannot describe, with the reason.
function explain(file) {
  const u = new URL(file.liveRequest.url);
  const p = u.pathname.toLowerCase();
  if (p === "/metadata/endpoints") return "cloud metadata endpoint: not an ARM resource API, no swagger exists";
  if (/\/oauth2\/(v2\.0\/)?token$/.test(p) || p === "/metadata/identity/oauth2/token" || p === "/msi/token")
    return "Entra ID / managed identity token endpoint: not ARM, no swagger exists";
  if (/\/(operationresults|operations|operationsstatus|computeoperationsstatus|workspaceoperationsstatus|privatednsoperationresults|privatednsoperationstatuses|mfeoperationresults)\//.test(p))
    return "LRO polling URL: specs do not describe RP operation-status URLs (checked by our own LRO assertions)";
  if (/\/workspaces\/[^/]+\/(datastores|jobs)/.test(p)) return "datastores/jobs live in mfe.json, which is not vendored (see specs README)";
  if (/\/providers\/microsoft\.(storage|keyvault|containerregistry|insights|containerservice|managedidentity)\//.test(p))
    return "read-only validation target: that RP's spec is not vendored";
  if (/^\/subscriptions\/[^/]+$/.test(p) || p === "/subscriptions") return "subscriptions API (Microsoft.Resources subscriptions.json) not vendored";
  if (p.startsWith("/_emulator/")) return "emulator admin API";
  const v = u.searchParams.get("api-version");
  if (!v || !["2025-04-01", "2025-06-01", "2022-04-01", "2024-07-01", "2024-06-01"].includes(v))
    return "deliberately missing/unknown api-version: oav selects the operation by api-version, so there is none to validate against (the scenario asserts Azure's 400)";
  if (/^\/subscriptions\/[^/]+\/providers\/[^/]+(\/register)?$/.test(p))
    return "provider registration (resources.json Providers_Get/Register): oav buckets operations by the URL's provider namespace, which here is the target RP, so it cannot find the Microsoft.Resources operation";
  return null;
}

// Our own LRO-shape assertions (oav does not check these).
function lroAssertions(file) {
  const res = file.liveResponse;
  const h = res.headers || {};
  const out = [];
  if (h["retry-after"] !== undefined && !/^\d+$/.test(h["retry-after"])) out.push("Retry-After not an integer");
  for (const k of ["location", "azure-asyncoperation"]) {
    if (h[k] && !/^https:\/\//.test(h[k])) out.push(`${k} not absolute`);
  }
  if (res.statusCode === "202" && file.liveRequest.method !== "GET" && !h["location"] && !h["azure-asyncoperation"])
    out.push("202 without Location or Azure-AsyncOperation");
  if (!h["x-ms-request-id"]) out.push("missing x-ms-request-id");
  if (res.statusCode === "200" && !res.body && h["content-length"] !== "0") out.push("empty 200 without Content-Length: 0");
  return out;
}

function at(obj, ptr) {
  let cur = obj;
  for (const part of ptr.split("/").filter(Boolean)) {
    if (cur === undefined || cur === null) return undefined;
    cur = cur[part];
  }
  return cur;
}

// True when every value in `sent` appears unchanged in `got` (ARM IDs
// compared case-insensitively, as ARM treats them).
function isSubset(sent, got) {
  if (sent === undefined) return true;
  if (Array.isArray(sent)) {
    return Array.isArray(got) && sent.length === got.length && sent.every((v, i) => isSubset(v, got[i]));
  }
  if (sent && typeof sent === "object") {
    return !!got && typeof got === "object" && Object.keys(sent).every((k) => isSubset(sent[k], got[k]));
  }
  if (typeof sent === "string" && typeof got === "string" && sent.startsWith("/subscriptions/")) {
    return sent.toLowerCase() === got.toLowerCase();
  }
  return sent === got;
}

async function validate() {
  const oav = require("oav");
  // oav logs every spec-loading warning to the console; keep the report readable.
  for (const t of require("oav/dist/lib/util/logging").log.transports) t.silent = true;
  const validator = new oav.LiveValidator({
    directory: specsDir,
    swaggerPathsPattern: ["specification/**/*.json"],
    excludedSwaggerPathsPattern: ["**/examples/**", "**/common-types/**", "**/authorization/**/common-types.json"],
    git: { shouldClone: false },
    isPathCaseSensitive: false,
    isArmCall: true,
  });
  await validator.initialize();
  const files = fs.readdirSync(trafficDir).filter((f) => f.endsWith(".json")).sort();
  let validated = 0, violations = 0, rejectedInvalid = 0, disambiguated = 0, roundTrips = 0, roundTripAdded = 0, roundTripEnriched = 0;
  let dns;
  const dnsValidator = async () => {
    if (dns) return dns;
    const rel = "specification/privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json";
    const spec = JSON.parse(fs.readFileSync(path.join(specsDir, rel), "utf8"));
    for (const p of Object.keys(spec.paths)) if (p.includes("{recordType}")) delete spec.paths[p];
    const dir = path.join(tmp, "derived-specs");
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), JSON.stringify(spec));
    dns = new oav.LiveValidator({ directory: dir, swaggerPathsPattern: ["specification/**/*.json"],
      git: { shouldClone: false }, isPathCaseSensitive: false, isArmCall: true });
    await dns.initialize();
    return dns;
  };
  const explained = {};
  for (const f of files) {
    const file = JSON.parse(fs.readFileSync(path.join(trafficDir, f), "utf8"));
    for (const e of lroAssertions(file)) {
      violations++;
      console.log(`VIOLATION ${f} ${file.liveRequest.method} ${file.liveRequest.url}: ${e}`);
    }
    const why = explain(file);
    if (why) {
      explained[why] = (explained[why] || 0) + 1;
      continue;
    }
    let r = await validator.validateLiveRequestResponse(file);
    const ambiguous = (v) => v.runtimeException && v.runtimeException.code === "MULTIPLE_OPERATIONS_FOUND";
    if (ambiguous(r.requestValidationResult) || ambiguous(r.responseValidationResult)) {
      // privatedns.json's RecordSets_* template ".../{recordType}/{name}"
      // also matches ".../virtualNetworkLinks/{name}"; validate against a
      // copy of the official file without the record-set paths (the
      // emulator does not serve record sets), definitions untouched.
      r = await (await dnsValidator()).validateLiveRequestResponse(file);
      disambiguated++;
    }
    validated++;
    const problems = [];
    const status = Number(file.liveResponse.statusCode);
    for (const [side, v] of [["request", r.requestValidationResult], ["response", r.responseValidationResult]]) {
      if (side === "request" && status >= 400 && status < 500 && (v.errors || []).length && !v.runtimeException) {
        // A deliberately invalid request that the emulator rejected: the
        // spec violation is the point of the request, not an emulator bug.
        rejectedInvalid++;
        continue;
      }
      if (v.runtimeException) problems.push(`${side} runtime: ${v.runtimeException.code} ${v.runtimeException.message}`);
      for (const e of v.errors || []) problems.push(`${side}: ${e.code} ${e.message} at ${JSON.stringify(e.pathsInPayload || e.jsonPathsInPayload || "")}`);
    }
    // Round trip: what a PUT sent must come back unchanged (oav's
    // ROUNDTRIP_* checks), for successful creates and updates.
    if (file.liveRequest.method === "PUT" && (status === 200 || status === 201) && file.liveResponse.body) {
      const rt = await validator.validateRoundTrip(file);
      roundTrips++;
      for (const e of rt.errors || []) {
        // Defaults and read-only values the service adds are what Azure
        // does too; values that changed or vanished are real bugs.
        if (e.code === "ROUNDTRIP_ADDITIONAL_PROPERTY") {
          roundTripAdded++;
          continue;
        }
        // oav compares array elements as whole objects, so an element the
        // service enriched (id, etag, provisioningState: Azure does the
        // same) looks "inconsistent". Accept it only if every value sent is
        // returned unchanged.
        const ptr = [].concat(e.pathsInPayload || e.jsonPathsInPayload || [])[0] || "";
        if (e.code === "ROUNDTRIP_INCONSISTENT_PROPERTY" && /\/\d+$/.test(ptr) &&
            isSubset(at(file.liveRequest.body, ptr), at(file.liveResponse.body, ptr))) {
          roundTripEnriched++;
          continue;
        }
        problems.push(`round-trip: ${e.code} ${e.message} at ${JSON.stringify(e.pathsInPayload || e.jsonPathsInPayload || "")}`);
      }
    }
    if (problems.length) {
      violations += problems.length;
      console.log(`VIOLATION ${f} ${file.liveRequest.method} ${file.liveRequest.url} -> ${file.liveResponse.statusCode}`);
      for (const p of problems) console.log(`    ${p}`);
    }
  }
  console.log(`contract: ${files.length} exchanges recorded; ${validated} validated with oav LiveValidator against ${specsDir}`);
  console.log(`contract:   ${roundTrips} successful PUTs also went through oav's round-trip check (request values must come back unchanged; ${roundTripAdded} server-added defaults/read-only values noted, as Azure adds them too; ${roundTripEnriched} array elements returned with every sent value unchanged plus server fields)`);
  console.log(`contract:   ${disambiguated} of them (virtualNetworkLinks) validated against privatedns.json without its ambiguous RecordSets paths`);
  console.log(`contract:   ${rejectedInvalid} deliberately invalid requests were flagged by oav on the request side and rejected by the emulator with 4xx (expected)`);
  for (const [why, n] of Object.entries(explained)) console.log(`contract:   ${n} not validatable: ${why}`);
  console.log(`contract: oav + LRO violations: ${violations}`);
  return violations;
}

async function main() {
  const emu = spawn(emulatorBin, ["--port", "0", "--ca-cert-out", caFile, "--record", trafficDir,
    "--landing-zone", "--landing-zone-out", path.join(tmp, "lz.json"), "--config", configFile],
    { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((r) => emu.on("exit", (code, sig) => r({ code, sig })));
  const line = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: emu.stdout });
    rl.once("line", resolve);
    emu.once("exit", () => reject(new Error("emulator exited before listening")));
  });
  const m = /^listening (https:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  if (!m) throw new Error(`unexpected first line: ${line}`);
  base = m[1];
  agent = new https.Agent({ ca: fs.readFileSync(caFile), keepAlive: true });
  process.env.NODE_EXTRA_CA_CERTS = caFile;
  const lz = JSON.parse(fs.readFileSync(path.join(tmp, "lz.json"), "utf8"));
  let ok = true;
  try {
    await scenario(lz);
    // Node reads NODE_EXTRA_CA_CERTS only at start-up: run the SDK client in
    // a child process that trusts the emulator CA the supported way.
    const child = spawn(process.execPath, [__filename, "--sdk", base, path.join(tmp, "lz.json")],
      { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } });
    const code = await new Promise((r) => child.on("exit", r));
    check(code === 0, `Azure SDK client scenario failed (exit ${code})`);
  } catch (e) {
    failures.push(`scenario aborted: ${e.stack || e}`);
  }
  agent.destroy();
  emu.kill("SIGTERM");
  const ex = await exited;
  check(ex.code === 0, `emulator did not stop cleanly on SIGTERM: ${JSON.stringify(ex)}`);
  for (const f of failures) console.log(`SCENARIO FAILURE: ${f}`);
  const violations = await validate();
  if (failures.length || violations) ok = false;
  console.log(`contract: scenario checks failed: ${failures.length}`);
  if (ok) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`contract: traffic kept in ${trafficDir}`);
  process.exit(ok ? 0 : 1);
}

async function sdkMain() {
  base = process.argv[process.argv.indexOf("--sdk") + 1];
  const lz = JSON.parse(fs.readFileSync(process.argv[process.argv.indexOf("--sdk") + 2], "utf8"));
  agent = new https.Agent({ keepAlive: false });
  try {
    await sdkScenario(lz);
  } catch (e) {
    failures.push(`SDK scenario aborted: ${e.stack || e}`);
  }
  for (const f of failures) console.log(`SDK FAILURE: ${f}`);
  process.exit(failures.length ? 1 : 0);
}

if (process.argv.includes("--sdk")) {
  sdkMain();
} else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
