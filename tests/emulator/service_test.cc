// In-process tests of the ARM service on a fake clock: async patterns,
// throttling, faults, token flows, authorization rules and bad requests.
#include "tests/emulator/service.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/jwt.h"
#include "tests/emulator/test_util.h"

namespace secureaml::emulator {
namespace {

using ::secureaml::emulator::testing::Body;
using ::secureaml::emulator::testing::kSub;
using ::secureaml::emulator::testing::MakeRequest;
using ::secureaml::emulator::testing::ServiceFixture;
using ::testing::HasSubstr;

const std::string kRg = absl::StrCat(kSub, "/resourceGroups/rg1");
const std::string kMl = kRg + "/providers/Microsoft.MachineLearningServices";
const std::string kNet = kRg + "/providers/Microsoft.Network";

Config Durations(double create, double del) {
  Config c;
  c.durations["default"].create_seconds = create;
  c.durations["default"].delete_seconds = del;
  c.durations["default"].retry_after_seconds = 5;
  return c;
}

// Seeds the linked resources a workspace needs.
void SeedWorkspaceDeps(ServiceFixture& f) {
  f.MakeRg("rg1");
  for (const auto& [type, name] :
       std::vector<std::pair<std::string, std::string>>{
           {"Microsoft.Storage/storageAccounts", "st1"},
           {"Microsoft.KeyVault/vaults", "kv1"}}) {
    std::string id = absl::StrCat(kRg, "/providers/", type, "/", name);
    HttpRequest req = MakeRequest(
        "PUT", "/_emulator/resources?id=" + PercentEncode(id),
        nlohmann::json{{"type", type}, {"location", "eastus"}}.dump());
    f.Raw(req);
  }
}

nlohmann::json WorkspaceBody() {
  return {{"location", "eastus"},
          {"identity", {{"type", "SystemAssigned"}}},
          {"properties",
           {{"storageAccount",
             kRg + "/providers/Microsoft.Storage/storageAccounts/st1"},
            {"keyVault", kRg + "/providers/Microsoft.KeyVault/vaults/kv1"}}}};
}

TEST(Metadata, PointsAtTheEmulator) {
  ServiceFixture f;
  HttpResponse r = f.Call("GET", "/metadata/endpoints?api-version=2022-09-01");
  ASSERT_EQ(r.status, 200);
  auto j = Body(r);
  EXPECT_EQ(j["resourceManager"], "https://127.0.0.1:8443/");
  EXPECT_EQ(j["authentication"]["loginEndpoint"], "https://127.0.0.1:8443");
  EXPECT_EQ(j["name"], "AzureCloud");
  EXPECT_TRUE(j.contains("microsoftGraphResourceId"));
}

TEST(ResourceGroups, CreateGetHeadDelete) {
  ServiceFixture f(Durations(2, 2));
  std::string rg =
      kSub + std::string("/resourcegroups/MyRg?api-version=2025-04-01");
  HttpResponse r = f.Call("PUT", rg, {{"location", "East US"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["id"], absl::StrCat(kSub, "/resourceGroups/MyRg"));
  EXPECT_EQ(Body(r)["location"], "eastus");
  EXPECT_FALSE(r.GetHeader("x-ms-request-id").empty());
  EXPECT_EQ(r.GetHeader("x-ms-ratelimit-remaining-subscription-writes"), "199");
  EXPECT_EQ(f.Call("PUT", rg, {{"location", "eastus"}}).status, 200);
  EXPECT_EQ(f.Call("PUT", rg, {{"location", "westus"}}).status, 400);
  EXPECT_EQ(f.Call("HEAD", rg).status, 204);
  EXPECT_EQ(
      f.Call("GET",
             absl::StrCat(kSub, "/resourceGroups/myrg?api-version=2025-04-01"))
          .status,
      200);
  // A resource inside goes away with the group.
  f.Call("PUT",
         absl::StrCat(kSub,
                      "/resourceGroups/MyRg/providers/Microsoft.Network/"
                      "networkSecurityGroups/n?api-version=2024-07-01"),
         {{"location", "eastus"}});
  r = f.Call("DELETE", rg);
  ASSERT_EQ(r.status, 202);
  std::string loc = ServiceFixture::PathOf(r.GetHeader("Location"));
  EXPECT_THAT(loc, HasSubstr("/operationresults/"));
  EXPECT_EQ(r.GetHeader("Retry-After"), "2");
  EXPECT_EQ(f.Call("GET", loc).status, 202);
  f.Advance(2);
  r = f.Call("GET", loc);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(Body(f.Call("GET", rg))["error"]["code"], "ResourceGroupNotFound");
  EXPECT_EQ(f.Call("HEAD", rg).status, 404);
  HttpResponse res = f.Raw(MakeRequest("GET", "/_emulator/resources"));
  EXPECT_EQ(Body(res)["value"].size(), 0u);
}

TEST(Workspaces, AcceptedWithLocationAndInvisibleUntilDone) {
  ServiceFixture f(Durations(3, 2));
  SeedWorkspaceDeps(f);
  std::string ws = kMl + "/workspaces/ws1?api-version=2025-06-01";
  HttpResponse r = f.Call("PUT", ws, WorkspaceBody());
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.GetHeader("Retry-After"), "3");
  std::string loc = r.GetHeader("Location");
  EXPECT_THAT(loc, HasSubstr("https://127.0.0.1:8443/subscriptions/"));
  loc = ServiceFixture::PathOf(loc);
  EXPECT_EQ(f.Call("GET", ws).status, 404);
  // A second write while the create runs is refused.
  EXPECT_EQ(Body(f.Call("PUT", ws, WorkspaceBody()))["error"]["code"],
            "AnotherOperationInProgress");
  f.Advance(1.5);
  r = f.Call("GET", loc);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.GetHeader("Retry-After"), "2");  // min(ceil(remaining), cap)
  f.Advance(1.5);
  r = f.Call("GET", loc);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["properties"]["provisioningState"], "Succeeded");
  r = f.Call("GET", ws);
  ASSERT_EQ(r.status, 200);
  auto j = Body(r);
  EXPECT_EQ(j["identity"]["type"], "SystemAssigned");
  EXPECT_TRUE(j["identity"].contains("principalId"));
  EXPECT_EQ(j["properties"]["hbiWorkspace"], false);
  // Immutable property on update is rejected; read-only ones are ignored.
  auto body = WorkspaceBody();
  body["properties"]["storageAccount"] =
      kRg + "/providers/Microsoft.Storage/storageAccounts/other";
  EXPECT_EQ(f.Call("PUT", ws, body).status, 400);
  body = WorkspaceBody();
  body["properties"]["workspaceId"] = "forged";
  r = f.Call("PUT", ws, body);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(Body(r)["properties"]["workspaceId"], "forged");
  // Soft delete, then purge.
  r = f.Call("DELETE", ws);
  ASSERT_EQ(r.status, 202);
  loc = ServiceFixture::PathOf(r.GetHeader("Location"));
  f.Advance(2);
  r = f.Call("GET", loc);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(f.Call("GET", ws).status, 404);
  EXPECT_EQ(f.Call("PUT", ws, WorkspaceBody()).status, 409);
  EXPECT_EQ(
      f.Call("DELETE",
             kMl + "/workspaces/ws1?api-version=2025-06-01&forceToPurge=true")
          .status,
      200);
  EXPECT_EQ(f.Call("PUT", ws, WorkspaceBody()).status, 202);
}

TEST(Workspaces, ValidationErrorsLeaveNoState) {
  ServiceFixture f(Durations(0, 0));
  SeedWorkspaceDeps(f);
  std::string ws = kMl + "/workspaces/ws1?api-version=2025-06-01";
  auto body = WorkspaceBody();
  body["properties"].erase("keyVault");
  EXPECT_EQ(f.Call("PUT", ws, body).status, 400);
  body = WorkspaceBody();
  body["properties"]["storageAccount"] = "not-an-id";
  EXPECT_EQ(Body(f.Call("PUT", ws, body))["error"]["code"],
            "LinkedInvalidPropertyId");
  EXPECT_EQ(f.Call("PUT", kMl + "/workspaces/x?api-version=2025-06-01",
                   WorkspaceBody())
                .status,
            400);
  EXPECT_EQ(f.Call("GET", ws).status, 404);
}

TEST(Computes, CreatedWithAzureAsyncOperation) {
  ServiceFixture f(Durations(0, 0));
  SeedWorkspaceDeps(f);
  f.Call("PUT", kMl + "/workspaces/ws1?api-version=2025-06-01",
         WorkspaceBody());
  f.svc->config()
      .durations["microsoft.machinelearningservices/workspaces/computes/aks"]
      .create_seconds = 20;
  std::string c = kMl + "/workspaces/ws1/computes/aks1?api-version=2025-06-01";
  HttpResponse r =
      f.Call("PUT", c,
             {{"location", "eastus"},
              {"properties",
               {{"computeType", "AKS"}, {"properties", {{"agentCount", 3}}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["properties"]["provisioningState"], "Creating");
  std::string aao = ServiceFixture::PathOf(r.GetHeader("Azure-AsyncOperation"));
  EXPECT_THAT(aao, HasSubstr("computeOperationsStatus"));
  r = f.Call("GET", aao);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["status"], "InProgress");
  EXPECT_EQ(f.Call("GET", c).status, 200);  // visible while Creating
  f.Advance(20);
  EXPECT_EQ(Body(f.Call("GET", aao))["status"], "Succeeded");
  EXPECT_EQ(Body(f.Call("GET", c))["properties"]["provisioningState"],
            "Succeeded");
  // Delete needs underlyingResourceAction.
  EXPECT_EQ(f.Call("DELETE", c).status, 400);
  r = f.Call("DELETE",
             kMl +
                 "/workspaces/ws1/computes/aks1?api-version=2025-06-01&"
                 "underlyingResourceAction=Delete");
  EXPECT_EQ(r.status, 202);
  EXPECT_FALSE(r.GetHeader("Azure-AsyncOperation").empty());
  EXPECT_FALSE(r.GetHeader("Location").empty());
}

TEST(Computes, AmlComputeNeedsSubnetWithoutPublicIp) {
  ServiceFixture f(Durations(0, 0));
  SeedWorkspaceDeps(f);
  f.Call("PUT", kMl + "/workspaces/ws1?api-version=2025-06-01",
         WorkspaceBody());
  HttpResponse r = f.Call(
      "PUT", kMl + "/workspaces/ws1/computes/cpu?api-version=2025-06-01",
      {{"properties",
        {{"computeType", "AmlCompute"},
         {"properties",
          {{"vmSize", "STANDARD_DS3_V2"}, {"enableNodePublicIp", false}}}}}});
  EXPECT_EQ(r.status, 400);
  r = f.Call("PUT", kMl + "/workspaces/ws1/computes/cpu?api-version=2025-06-01",
             {{"properties",
               {{"computeType", "AmlCompute"},
                {"properties",
                 {{"vmSize", "STANDARD_DS3_V2"},
                  {"userAccountCredentials",
                   {{"adminUserName", "azureuser"},
                    {"adminUserPassword", "s3cret!"}}}}}}}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);
}

TEST(Computes, UpdatesKeepTheIdentityAndIdleShutdownHasItsAction) {
  ServiceFixture f(Durations(0, 0));
  SeedWorkspaceDeps(f);
  f.Call("PUT", kMl + "/workspaces/ws1?api-version=2025-06-01",
         WorkspaceBody());
  std::string c = kMl + "/workspaces/ws1/computes/cpu?api-version=2025-06-01";
  nlohmann::json cluster = {
      {"identity", {{"type", "SystemAssigned"}}},
      {"properties",
       {{"computeType", "AmlCompute"},
        {"properties", {{"vmSize", "STANDARD_DS3_V2"}}}}}};
  ASSERT_EQ(f.Call("PUT", c, cluster).status, 201);
  f.Advance(1);
  std::string principal =
      Body(f.Call("GET", c))["identity"]["principalId"].get<std::string>();
  // A tag change is a PUT of the same compute: same identity.
  cluster["tags"] = {{"env", "test"}};
  HttpResponse r = f.Call("PUT", c, cluster);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["identity"]["principalId"], principal);
  EXPECT_EQ(Body(r)["tags"]["env"], "test");

  std::string ci = kMl + "/workspaces/ws1/computes/ci1";
  ASSERT_EQ(f.Call("PUT", ci + "?api-version=2025-06-01",
                   {{"properties",
                     {{"computeType", "ComputeInstance"},
                      {"properties",
                       {{"vmSize", "STANDARD_DS3_V2"},
                        {"idleTimeBeforeShutdown", "PT30M"}}}}}})
                .status,
            201);
  f.Advance(1);
  std::string action = ci + "/updateIdleShutdownSetting?api-version=2025-06-01";
  EXPECT_EQ(f.Call("POST", action, {{"idleTimeBeforeShutdown", "PT2H"}}).status,
            200);
  EXPECT_EQ(
      Body(f.Call("GET",
                  ci + "?api-version=2025-06-01"))["properties"]["properties"]
                                                  ["idleTimeBeforeShutdown"],
      "PT2H");
  EXPECT_EQ(f.Call("POST", action, {{"idleTimeBeforeShutdown", 5}}).status,
            400);
}

TEST(Network, CreateConflictDeletePatterns) {
  ServiceFixture f(Durations(2, 2));
  f.MakeRg("rg1");
  std::string vnet = kNet + "/virtualNetworks/hub?api-version=2024-07-01";
  nlohmann::json body = {
      {"location", "eastus"},
      {"properties",
       {{"addressSpace", {{"addressPrefixes", {"10.1.0.0/16"}}}},
        {"subnets",
         {{{"name", "a"},
           {"properties", {{"addressPrefix", "10.1.0.0/24"}}}}}}}}};
  HttpResponse r = f.Call("PUT", vnet, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["properties"]["provisioningState"], "Updating");
  EXPECT_THAT(Body(r)["etag"].get<std::string>(), HasSubstr("W/\""));
  std::string aao = ServiceFixture::PathOf(r.GetHeader("Azure-AsyncOperation"));
  EXPECT_EQ(Body(f.Call("PUT", vnet, body))["error"]["code"],
            "AnotherOperationInProgress");
  EXPECT_EQ(Body(f.Call("GET", aao))["status"], "InProgress");
  f.Advance(2);
  EXPECT_EQ(Body(f.Call("GET", aao))["status"], "Succeeded");
  // Subnet outside the VNet range.
  r = f.Call("PUT",
             kNet + "/virtualNetworks/hub/subnets/b?api-version=2024-07-01",
             {{"properties", {{"addressPrefix", "10.2.0.0/24"}}}});
  EXPECT_EQ(Body(r)["error"]["code"], "NetcfgSubnetRangeOutsideVnet");
  r = f.Call("DELETE", vnet);
  ASSERT_EQ(r.status, 202);
  std::string loc = ServiceFixture::PathOf(r.GetHeader("Location"));
  EXPECT_FALSE(r.GetHeader("Azure-AsyncOperation").empty());
  EXPECT_EQ(f.Call("GET", loc).status, 202);
  f.Advance(2);
  r = f.Call("GET", loc);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(SerializeResponse(r, true, false).find("Content-Length: 0\r\n") !=
                std::string::npos,
            true);
  EXPECT_EQ(f.Call("GET", vnet).status, 404);
  EXPECT_EQ(f.Call("DELETE", vnet).status, 204);
}

TEST(PrivateDns, AcceptedWithBothPollUrls) {
  ServiceFixture f(Durations(1, 1));
  f.MakeRg("rg1");
  std::string zone =
      kNet +
      "/privateDnsZones/privatelink.api.azureml.ms?api-version=2024-06-01";
  EXPECT_EQ(
      Body(f.Call("PUT", zone, {{"location", "eastus"}}))["error"]["code"],
      "LocationNotAvailableForResourceType");
  HttpResponse r = f.Call("PUT", zone, {{"location", "global"}});
  ASSERT_EQ(r.status, 202);
  EXPECT_THAT(r.GetHeader("Location"),
              HasSubstr("/privateDnsOperationResults/"));
  EXPECT_THAT(r.GetHeader("Azure-AsyncOperation"),
              HasSubstr("/privateDnsOperationStatuses/"));
  f.Advance(1);
  r = f.Call("GET", ServiceFixture::PathOf(r.GetHeader("Location")));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(f.Call("PUT", zone, {{"location", "global"}}, {"If-None-Match: *"})
                .status,
            412);
}

TEST(Authorization, PrincipalReplicationAndDuplicates) {
  ServiceFixture f(Durations(0, 0));
  f.MakeRg("rg1");
  HttpResponse p = f.Raw(MakeRequest(
      "POST", "/_emulator/principals",
      R"({"displayName":"new-sp","replication_delay_seconds":30})"));
  ASSERT_EQ(p.status, 201);
  std::string oid = Body(p)["objectId"];
  std::string role =
      absl::StrCat(kSub,
                   "/providers/Microsoft.Authorization/roleDefinitions/"
                   "acdd72a7-3385-48ef-bd42-f606fba81ae7");
  std::string ra =
      kRg +
      "/providers/Microsoft.Authorization/roleAssignments/"
      "11111111-2222-4333-8444-555555555555?api-version=2022-04-01";
  nlohmann::json body = {
      {"properties", {{"roleDefinitionId", role}, {"principalId", oid}}}};
  HttpResponse r = f.Call("PUT", ra, body);
  EXPECT_EQ(Body(r)["error"]["code"], "PrincipalNotFound");
  f.Advance(30);
  r = f.Call("PUT", ra, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["properties"]["principalType"], "ServicePrincipal");
  EXPECT_EQ(Body(r)["properties"]["scope"], kRg);
  r = f.Call("PUT",
             kRg +
                 "/providers/Microsoft.Authorization/roleAssignments/"
                 "21111111-2222-4333-8444-555555555555?api-version=2022-04-01",
             body);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error"]["code"], "RoleAssignmentExists");
  EXPECT_EQ(
      f.Call("PUT",
             kRg +
                 "/providers/Microsoft.Authorization/roleAssignments/not-a-guid"
                 "?api-version=2022-04-01",
             body)
          .status,
      400);
  EXPECT_EQ(f.Call("DELETE", ra).status, 200);
  EXPECT_EQ(f.Call("DELETE", ra).status, 204);
}

TEST(Authorization, RoleDefinitionReplicationDelay) {
  Config c = Durations(0, 0);
  c.role_definition_replication_seconds = 10;
  ServiceFixture f(c);
  f.MakeRg("rg1");
  std::string id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  HttpResponse r =
      f.Call("PUT",
             kRg + "/providers/Microsoft.Authorization/roleDefinitions/" + id +
                 "?api-version=2022-04-01",
             {{"properties",
               {{"roleName", "custom"},
                {"permissions", {{{"actions", {"*/read"}}}}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(
      Body(r)["id"],
      absl::StrCat(kSub, "/providers/Microsoft.Authorization/roleDefinitions/",
                   id));
  nlohmann::json ra = {
      {"properties",
       {{"roleDefinitionId", Body(r)["id"]},
        {"principalId", "3c2f9a1e-7b4d-4e2a-9c1f-5d8e7a6b4c21"}}}};
  std::string ra_url =
      kRg +
      "/providers/Microsoft.Authorization/roleAssignments/"
      "31111111-2222-4333-8444-555555555555?api-version=2022-04-01";
  EXPECT_EQ(Body(f.Call("PUT", ra_url, ra))["error"]["code"],
            "RoleDefinitionDoesNotExist");
  f.Advance(10);
  EXPECT_EQ(f.Call("PUT", ra_url, ra).status, 201);
}

TEST(Throttling, TokenBucketPerPrincipal) {
  Config c = Durations(0, 0);
  c.writes = {2, 1};
  ServiceFixture f(c);
  f.MakeRg("rg1");  // uses one write
  std::string nsg = kNet + "/networkSecurityGroups/n?api-version=2024-07-01";
  EXPECT_EQ(f.Call("PUT", nsg, {{"location", "eastus"}}).status, 201);
  HttpResponse r = f.Call("PUT", nsg, {{"location", "eastus"}});
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(Body(r)["error"]["code"], "SubscriptionRequestsThrottled");
  EXPECT_EQ(r.GetHeader("Retry-After"), "1");
  // Reads have their own bucket.
  EXPECT_EQ(f.Call("GET", nsg).status, 200);
  f.Advance(1);
  EXPECT_EQ(f.Call("PUT", nsg, {{"location", "eastus"}}).status, 200);
}

TEST(Faults, StatusDropDelayAndCount) {
  ServiceFixture f(Durations(0, 0));
  f.MakeRg("rg1");
  HttpResponse a = f.Raw(MakeRequest(
      "POST", "/_emulator/faults",
      R"([{"kind":"status","status":503,"method":"PUT","resource_type":"Microsoft.Network/networkSecurityGroups","count":1},
          {"kind":"drop","path_regex":"/virtualNetworks/dropme","count":1},
          {"kind":"delay","delay_ms":250,"phase":"get","path_regex":"slow"}])"));
  ASSERT_EQ(a.status, 201) << a.body;
  std::string nsg = kNet + "/networkSecurityGroups/n?api-version=2024-07-01";
  HttpResponse r = f.Call("PUT", nsg, {{"location", "eastus"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(f.Call("GET", nsg).status,
            404);  // the failed write changed nothing
  EXPECT_EQ(f.Call("PUT", nsg, {{"location", "eastus"}}).status, 201);
  EXPECT_TRUE(
      f.Call("GET", kNet + "/virtualNetworks/dropme?api-version=2024-07-01")
          .drop_connection);
  EXPECT_FALSE(
      f.Call("GET", kNet + "/virtualNetworks/dropme?api-version=2024-07-01")
          .drop_connection);
  EXPECT_EQ(f.Call("GET", kNet + "/virtualNetworks/slow?api-version=2024-07-01")
                .delay_ms,
            250);
  EXPECT_EQ(f.Raw(MakeRequest("DELETE", "/_emulator/faults")).status, 204);
}

TEST(Faults, FinalGetSkipsTheAbsenceCheckBeforeACreate) {
  ServiceFixture f(Durations(0, 0));
  f.MakeRg("rg1");
  ASSERT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"status","status":500,
                                  "phase":"final_get","count":1})"))
                .status,
            201);
  std::string nsg = kNet + "/networkSecurityGroups/n?api-version=2024-07-01";
  EXPECT_EQ(f.Call("GET", nsg).status, 404);  // absent: not a final GET
  EXPECT_EQ(f.Call("PUT", nsg, {{"location", "eastus"}}).status, 201);
  EXPECT_EQ(f.Call("GET", nsg).status, 500);  // exists: the final GET
  EXPECT_EQ(f.Call("GET", nsg).status, 200);
  auto rules = Body(f.Raw(MakeRequest("GET", "/_emulator/faults")));
  EXPECT_EQ(rules["value"][0]["phase"], "final_get");
  EXPECT_EQ(rules["value"][0]["fired"], 1);

  // A custom role is stored once but read at its scope: still a final GET.
  std::string role = kSub + std::string(
                                "/providers/Microsoft.Authorization/"
                                "roleDefinitions/"
                                "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
                                "?api-version=2022-04-01");
  ASSERT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"status","status":503,
                                  "phase":"final_get","count":1})"))
                .status,
            201);
  EXPECT_EQ(f.Call("GET", role).status, 404);
  EXPECT_EQ(f.Call("PUT", role,
                   {{"properties",
                     {{"roleName", "custom"},
                      {"permissions", {{{"actions", {"*/read"}}}}}}}})
                .status,
            201);
  EXPECT_EQ(f.Call("GET", role).status, 503);
  EXPECT_EQ(f.Call("GET", role).status, 200);
}

TEST(Faults, LroEndsFailed) {
  ServiceFixture f(Durations(1, 1));
  SeedWorkspaceDeps(f);
  f.Raw(MakeRequest(
      "POST", "/_emulator/faults",
      R"({"kind":"lro_failed","resource_type":"Microsoft.MachineLearningServices/workspaces",
                        "code":"QuotaExceeded","message":"Quota exceeded for workspaces.","count":1})"));
  HttpResponse r = f.Call("PUT", kMl + "/workspaces/ws1?api-version=2025-06-01",
                          WorkspaceBody());
  ASSERT_EQ(r.status, 202);
  std::string loc = ServiceFixture::PathOf(r.GetHeader("Location"));
  f.Advance(1);
  r = f.Call("GET", loc);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["code"], "QuotaExceeded");
  EXPECT_EQ(
      Body(f.Call(
          "GET",
          kMl + "/workspaces/ws1?api-version=2025-06-01"))["properties"]
                                                          ["provisioningState"],
      "Failed");
}

TEST(Faults, ProbabilityIsDeterministicWithSeed) {
  auto run = [] {
    ServiceFixture f;
    f.Raw(MakeRequest(
        "POST", "/_emulator/faults",
        R"({"kind":"status","status":500,"phase":"get","probability":0.5,"seed":42})"));
    std::string out;
    for (int i = 0; i < 20; ++i) {
      out +=
          f.Call("GET",
                 absl::StrCat(kSub, "/resourceGroups/x?api-version=2025-04-01"))
                      .status == 500
              ? "F"
              : ".";
    }
    return out;
  };
  std::string a = run();
  EXPECT_EQ(a, run());
  EXPECT_NE(a.find('F'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(Tokens, ClientSecretErrorsAreEntraShaped) {
  ServiceFixture f;
  auto token = [&](const std::string& body,
                   const std::string& tenant = kTenantId) {
    return f.Raw(
        MakeRequest("POST", absl::StrCat("/", tenant, "/oauth2/v2.0/token"),
                    body, {"Content-Type: application/x-www-form-urlencoded"}));
  };
  std::string scope = "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
  HttpResponse r = token(
      absl::StrCat("grant_type=client_credentials&client_id=", kDefaultClientId,
                   "&client_secret=nope", scope));
  EXPECT_EQ(r.status, 401);
  auto j = Body(r);
  EXPECT_EQ(j["error"], "invalid_client");
  EXPECT_EQ(j["error_codes"][0], 7000215);
  EXPECT_THAT(j["error_description"].get<std::string>(),
              HasSubstr("AADSTS7000215"));
  EXPECT_TRUE(j.contains("trace_id") && j.contains("correlation_id") &&
              j.contains("timestamp"));
  EXPECT_EQ(Body(token(
                absl::StrCat("grant_type=client_credentials&client_id=00000000-"
                             "0000-4000-8000-000000000000&client_secret=x",
                             scope)))["error_codes"][0],
            700016);
  EXPECT_EQ(
      Body(token(
          "grant_type=client_credentials&client_id=a&client_secret=b" + scope,
          "other"))["error_codes"][0],
      90002);
  EXPECT_EQ(Body(token(absl::StrCat(
                "grant_type=client_credentials&client_id=", kDefaultClientId,
                "&client_secret=", kDefaultClientSecret)))["error_codes"][0],
            900144);
  r = token(
      absl::StrCat("grant_type=client_credentials&client_id=", kDefaultClientId,
                   "&client_secret=", kDefaultClientSecret, scope));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(Body(r)["expires_in"].is_number_integer());
}

TEST(Tokens, ExpiredAndMissingBearerGet401) {
  Config c;
  c.token_lifetime_seconds = 60;
  ServiceFixture f(c);
  std::string url =
      absl::StrCat(kSub, "/resourceGroups/x?api-version=2025-04-01");
  EXPECT_EQ(f.Call("GET", url).status, 404);
  f.Advance(61);
  HttpResponse r = f.Call("GET", url);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "ExpiredAuthenticationToken");
  EXPECT_THAT(r.GetHeader("WWW-Authenticate"),
              HasSubstr("Bearer authorization_uri="));
  r = f.Raw(MakeRequest("GET", url));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "AuthenticationFailed");
  r = f.Raw(MakeRequest("GET", url, "", {"Authorization: Bearer abc.def.ghi"}));
  EXPECT_EQ(Body(r)["error"]["code"], "InvalidAuthenticationToken");
}

TEST(Tokens, TokenEndpointDownFault) {
  ServiceFixture f;
  f.Raw(MakeRequest("POST", "/_emulator/faults",
                    R"({"kind":"token_down","count":1})"));
  EXPECT_EQ(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
  EXPECT_NE(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
}

TEST(Tokens, TokenExpiredFaultExpiresTheTokenInUse) {
  ServiceFixture f;
  ASSERT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"token_expired","phase":"get",
                                  "count":1})"))
                .status,
            201);
  std::string url =
      absl::StrCat(kSub, "/resourceGroups/x?api-version=2025-04-01");
  HttpResponse r = f.Call("GET", url);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "ExpiredAuthenticationToken");
  EXPECT_THAT(r.GetHeader("WWW-Authenticate"), HasSubstr("invalid_token"));
  // The fault fired once, but the token stays expired, as a real one does.
  EXPECT_EQ(f.Call("GET", url).status, 401);
  f.token = f.TokenFor(kDefaultClientId, kDefaultClientSecret);
  EXPECT_EQ(f.Call("GET", url).status, 404);
  // identity_down: the expiry comes with an Entra ID outage, until cleared.
  ASSERT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"token_expired","phase":"get",
                                  "count":1,"identity_down":true})"))
                .status,
            201);
  EXPECT_NE(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
  EXPECT_EQ(f.Call("GET", url).status, 401);
  EXPECT_EQ(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
  EXPECT_EQ(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
  EXPECT_EQ(f.Raw(MakeRequest("DELETE", "/_emulator/faults")).status, 204);
  EXPECT_NE(f.TokenFor(kDefaultClientId, kDefaultClientSecret), "");
  EXPECT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"drop","identity_down":true})"))
                .status,
            400);
  // Token requests carry no bearer token: the kind is refused for them.
  EXPECT_EQ(f.Raw(MakeRequest("POST", "/_emulator/faults",
                              R"({"kind":"token_expired","phase":"token"})"))
                .status,
            400);
}

// A certificate credential: RS256 assertion signed with a key whose
// certificate was registered through the admin API.
TEST(Tokens, ClientAssertionWithCertificate) {
  ServiceFixture f;
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("client"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  HttpResponse reg = f.Raw(MakeRequest(
      "POST",
      absl::StrCat("/_emulator/clients/", kDefaultClientId, "/certificates"),
      nlohmann::json{{"pem", pem}}.dump()));
  ASSERT_EQ(reg.status, 201) << reg.body;
  auto assertion = [&](const std::string& aud, int64_t exp_offset) {
    int64_t now = absl::ToUnixSeconds(f.clock.Now());
    nlohmann::json header = {
        {"alg", "RS256"}, {"typ", "JWT"}, {"x5t", CertificateThumbprint(pem)}};
    nlohmann::json claims = {{"aud", aud},
                             {"iss", kDefaultClientId},
                             {"sub", kDefaultClientId},
                             {"jti", "1"},
                             {"nbf", now},
                             {"exp", now + exp_offset}};
    std::string input =
        Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    size_t sig_len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(md, nullptr, &sig_len,
                   reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(sig_len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                   reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    EVP_MD_CTX_free(md);
    sig.resize(sig_len);
    return input + "." + Base64UrlEncode(sig);
  };
  std::string url = absl::StrCat("/", kTenantId, "/oauth2/v2.0/token");
  auto call = [&](const std::string& jwt) {
    return f.Raw(MakeRequest(
        "POST", url,
        absl::StrCat(
            "grant_type=client_credentials&client_id=", kDefaultClientId,
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-"
            "assertion-type%3Ajwt-bearer",
            "&client_assertion=", jwt,
            "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"),
        {"Content-Type: application/x-www-form-urlencoded"}));
  };
  EXPECT_EQ(call(assertion("https://127.0.0.1:8443" + url, 600)).status, 200);
  EXPECT_EQ(Body(call(assertion("https://127.0.0.1:8443" + url,
                                -10)))["error_codes"][0],
            700024);
  EXPECT_EQ(
      Body(call(assertion("https://elsewhere/token", 600)))["error_codes"][0],
      700212);
  std::string tampered = assertion("https://127.0.0.1:8443" + url, 600);
  tampered[tampered.size() - 5] =
      tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Body(call(tampered))["error_codes"][0], 700027);
  X509_free(cert);
  EVP_PKEY_free(key);
}

TEST(Tokens, FederatedOidcFromGithubStandIn) {
  ServiceFixture f;
  f.Raw(MakeRequest("POST",
                    absl::StrCat("/_emulator/clients/", kDefaultClientId,
                                 "/federated-credentials"),
                    R"({"subject":"repo:o/r:ref:refs/heads/main"})"));
  HttpResponse gh = f.Raw(MakeRequest(
      "GET",
      "/_emulator/github-oidc?audience=api://"
      "AzureADTokenExchange&subject=repo:o/r:ref:refs/heads/main",
      "", {absl::StrCat("Authorization: Bearer ", kGithubRequestToken)}));
  ASSERT_EQ(gh.status, 200);
  EXPECT_EQ(Body(gh)["count"], 1);
  std::string jwt = Body(gh)["value"];
  auto call = [&](const std::string& a) {
    return f.Raw(MakeRequest(
        "POST", absl::StrCat("/", kTenantId, "/oauth2/v2.0/token"),
        absl::StrCat(
            "grant_type=client_credentials&client_id=", kDefaultClientId,
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-"
            "assertion-type%3Ajwt-bearer",
            "&client_assertion=", a,
            "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default")));
  };
  EXPECT_EQ(call(jwt).status, 200);
  HttpResponse other =
      f.Raw(MakeRequest("POST", "/_emulator/oidc-token",
                        R"({"subject":"repo:evil/r:ref:refs/heads/main"})"));
  EXPECT_EQ(Body(call(Body(other)["token"]))["error_codes"][0], 70021);
  EXPECT_EQ(f.Raw(MakeRequest("GET", "/_emulator/github-oidc", "",
                              {"Authorization: Bearer wrong"}))
                .status,
            401);
}

TEST(Tokens, ManagedIdentityEndpoints) {
  ServiceFixture f;
  HttpResponse r = f.Raw(MakeRequest(
      "GET",
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://"
      "management.azure.com/"));
  EXPECT_EQ(r.status, 400);
  r = f.Raw(MakeRequest(
      "GET",
      "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://"
      "management.azure.com/",
      "", {"Metadata: true"}));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(Body(r)["expires_in"].is_string());
  std::string tok = Body(r)["access_token"];
  r = f.Raw(MakeRequest(
      "GET", absl::StrCat(kSub, "/resourceGroups/x?api-version=2025-04-01"), "",
      {"Authorization: Bearer " + tok}));
  EXPECT_EQ(r.status, 404);  // authenticated
  r = f.Raw(
      MakeRequest("GET",
                  "/msi/token?api-version=2019-08-01&resource=https://"
                  "management.azure.com/",
                  "", {absl::StrCat("X-IDENTITY-HEADER: ", kIdentityHeader)}));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(Body(r)["expires_on"].is_string());
  EXPECT_EQ(
      f.Raw(MakeRequest("GET",
                        "/msi/token?api-version=2019-08-01&resource=https://"
                        "management.azure.com/"))
          .status,
      401);
}

TEST(BadRequests, AzureErrorsWithoutStateChange) {
  ServiceFixture f(Durations(0, 0));
  f.MakeRg("rg1");
  auto count = [&] {
    return Body(f.Raw(MakeRequest("GET", "/_emulator/resources")))["value"]
        .size();
  };
  size_t before = count();
  std::string vnet = kNet + "/virtualNetworks/v";
  nlohmann::json ok = {
      {"location", "eastus"},
      {"properties",
       {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}}}}};
  EXPECT_EQ(Body(f.Call("PUT", vnet, ok))["error"]["code"],
            "MissingApiVersionParameter");
  EXPECT_EQ(Body(f.Call("PUT", vnet + "?api-version=2099-01-01",
                        ok))["error"]["code"],
            "NoRegisteredProviderFound");
  EXPECT_EQ(Body(f.Call("PUT", vnet + "?api-version=2024-07-01",
                        std::string("{\"location\":")))["error"]["code"],
            "InvalidRequestContent");
  EXPECT_EQ(
      f.Call("PUT", vnet + "?api-version=2024-07-01", {{"location", "eastus"}})
          .status,
      400);
  EXPECT_EQ(Body(f.Call(
                "PUT",
                absl::StrCat(kSub,
                             "/resourceGroups/none/providers/Microsoft.Network/"
                             "virtualNetworks/v?api-version=2024-07-01"),
                ok))["error"]["code"],
            "ResourceGroupNotFound");
  EXPECT_EQ(
      Body(f.Call("PUT", vnet + "/subnets/s?api-version=2024-07-01",
                  {{"properties",
                    {{"addressPrefix", "10.0.0.0/24"}}}}))["error"]["code"],
      "ParentResourceNotFound");
  EXPECT_EQ(
      Body(f.Call(
          "GET",
          kRg + "/providers/Microsoft.Nope/things/x?api-version=2024-07-01"))
          ["error"]["code"],
      "InvalidResourceNamespace");
  EXPECT_EQ(
      Body(f.Call(
          "GET",
          kRg + "/providers/Microsoft.Network/things/x?api-version=2024-07-01"))
          ["error"]["code"],
      "InvalidResourceType");
  EXPECT_EQ(
      Body(f.Call(
          "GET", "/subscriptions/nope/resourceGroups/x?api-version=2025-04-01"))
          ["error"]["code"],
      "InvalidSubscriptionId");
  EXPECT_EQ(
      Body(f.Call("GET",
                  "/subscriptions/00000000-0000-4000-8000-000000000000/"
                  "resourceGroups/x?api-version=2025-04-01"))["error"]["code"],
      "SubscriptionNotFound");
  EXPECT_EQ(count(), before);
  EXPECT_EQ(f.Call("PUT", vnet + "?api-version=2024-07-01", ok).status, 201);
}

TEST(Admin, CountersDriftAndDump) {
  ServiceFixture f(Durations(0, 0));
  f.MakeRg("rg1");
  f.Call("PUT", kNet + "/networkSecurityGroups/n?api-version=2024-07-01",
         {{"location", "eastus"}});
  f.Call("GET", kNet + "/networkSecurityGroups/n?api-version=2024-07-01");
  auto c = Body(f.Raw(MakeRequest("GET", "/_emulator/counters")));
  EXPECT_EQ(
      c["by_method_and_type"]["PUT Microsoft.Network/networkSecurityGroups"],
      1);
  EXPECT_EQ(
      c["by_method_and_type"]["GET Microsoft.Network/networkSecurityGroups"],
      1);
  EXPECT_EQ(c["by_method_and_type"]["POST token"], 1);
  f.Raw(MakeRequest("POST", "/_emulator/counters/reset"));
  EXPECT_EQ(Body(f.Raw(MakeRequest("GET", "/_emulator/counters")))["total"], 0);
  std::string id = kNet + "/networkSecurityGroups/n";
  EXPECT_EQ(f.Raw(MakeRequest("DELETE",
                              "/_emulator/resources?id=" + PercentEncode(id)))
                .status,
            204);
  EXPECT_EQ(f.Call("GET", id + "?api-version=2024-07-01").status, 404);
  auto state = Body(f.Raw(MakeRequest("GET", "/_emulator/state")));
  EXPECT_EQ(state["subscriptionId"], "a4393d89-7e7f-4b0b-826e-72fc42c33d1f");
  EXPECT_EQ(f.Raw(MakeRequest("PUT", "/_emulator/durations",
                              R"({"default":{"create_seconds":-1}})"))
                .status,
            400);
}

TEST(LandingZone, SeedsTheWalkthroughEstate) {
  ServiceFixture f;
  nlohmann::json lz = f.svc->SeedLandingZone();
  HttpResponse r = f.Call(
      "GET", lz["vnet_id"].get<std::string>() + "?api-version=2024-07-01");
  ASSERT_EQ(r.status, 200);
  auto vnet = Body(r);
  EXPECT_EQ(vnet["properties"]["subnets"].size(), 2u);
  EXPECT_EQ(vnet["properties"]["subnets"][1]["properties"]
                ["networkSecurityGroup"]["id"],
            lz["nsg_id"]);
  EXPECT_EQ(Body(f.Call("GET", lz["container_registry_id"].get<std::string>() +
                                   "?api-version=2023-07-01"))["sku"]["name"],
            "Premium");
  EXPECT_THAT(
      lz["key_versioned_id"].get<std::string>(),
      ::testing::MatchesRegex(
          "https://ws1103kv.vault.azure.net/keys/ws1103key/[0-9a-f]{32}"));
  EXPECT_EQ(Body(f.Call(
                "GET", lz["key_vault_id"].get<std::string>() +
                           "?api-version=2023-07-01"))["properties"]
                                                      ["enablePurgeProtection"],
            true);
  EXPECT_NE(f.TokenFor(lz["principals"]["ci"]["client_id"],
                       lz["principals"]["ci"]["client_secret"]),
            "");
  // The AKS cluster's subnet cannot be deleted.
  EXPECT_EQ(
      Body(f.Call("DELETE", lz["scoring_subnet_id"].get<std::string>() +
                                "?api-version=2024-07-01"))["error"]["code"],
      "InUseSubnetCannotBeDeleted");
}

}  // namespace
}  // namespace secureaml::emulator

namespace secureaml::emulator {
namespace {

// Every writable type gets bodies with fields of the wrong JSON type; the
// service must answer (4xx) and never throw or crash.
TEST(Robustness, WrongJsonTypesNeverCrash) {
  ServiceFixture f(Durations(0, 0));
  SeedWorkspaceDeps(f);
  f.Call("PUT", kMl + "/workspaces/ws1?api-version=2025-06-01",
         WorkspaceBody());
  f.Call("PUT", kNet + "/virtualNetworks/v?api-version=2024-07-01",
         {{"location", "eastus"},
          {"properties",
           {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}}}}});
  const std::vector<std::string> urls = {
      kSub + std::string("/resourceGroups/rgx?api-version=2025-04-01"),
      kMl + "/workspaces/ws2?api-version=2025-06-01",
      kMl + "/workspaces/ws1?api-version=2025-06-01",
      kMl + "/workspaces/ws1/computes/cc1?api-version=2025-06-01",
      kMl + "/workspaces/ws1/datastores/d1?api-version=2025-06-01",
      kMl + "/workspaces/ws1/jobs/j1?api-version=2025-06-01",
      kNet + "/virtualNetworks/v?api-version=2024-07-01",
      kNet + "/virtualNetworks/v/subnets/s?api-version=2024-07-01",
      kNet + "/networkSecurityGroups/n?api-version=2024-07-01",
      kNet + "/networkSecurityGroups/n/securityRules/r?api-version=2024-07-01",
      kNet + "/privateEndpoints/p?api-version=2024-07-01",
      kNet + "/privateDnsZones/a.b?api-version=2024-06-01",
      kRg +
          "/providers/Microsoft.Authorization/roleAssignments/"
          "41111111-2222-4333-8444-555555555555?api-version=2022-04-01",
      kRg +
          "/providers/Microsoft.Authorization/roleDefinitions/"
          "51111111-2222-4333-8444-555555555555?api-version=2022-04-01",
  };
  const std::vector<nlohmann::json> odd = {nullptr,
                                           1,
                                           "x",
                                           true,
                                           nlohmann::json::array({1}),
                                           nlohmann::json::object({{"a", 1}})};
  const std::vector<std::string> keys = {"location", "properties", "tags",
                                         "identity", "kind",       "sku"};
  const std::vector<std::string> inner = {"addressSpace",
                                          "subnets",
                                          "addressPrefix",
                                          "networkSecurityGroup",
                                          "securityRules",
                                          "subnet",
                                          "privateLinkServiceConnections",
                                          "computeType",
                                          "properties",
                                          "storageAccount",
                                          "keyVault",
                                          "encryption",
                                          "roleDefinitionId",
                                          "principalId",
                                          "principalType",
                                          "roleName",
                                          "permissions",
                                          "assignableScopes",
                                          "datastoreType",
                                          "credentials",
                                          "jobType",
                                          "virtualNetwork",
                                          "priority",
                                          "protocol",
                                          "managedNetwork",
                                          "serviceEndpoints"};
  int answered = 0;
  for (const std::string& url : urls) {
    for (const char* method : {"PUT", "PATCH"}) {
      for (const auto& v : odd) {
        for (const std::string& k : keys) {
          nlohmann::json body = {{"location", "eastus"},
                                 {"properties", nlohmann::json::object()}};
          body[k] = v;
          HttpResponse r = f.Call(method, url, body);
          EXPECT_GT(r.status, 0);
          ++answered;
        }
        for (const std::string& k : inner) {
          nlohmann::json body = {{"location", "eastus"},
                                 {"properties", {{k, v}}}};
          HttpResponse r = f.Call(method, url, body);
          EXPECT_NE(r.status, 500)
              << method << " " << url << " " << body.dump() << " " << r.body;
          ++answered;
        }
      }
    }
  }
  EXPECT_GT(answered, 1000);
}

}  // namespace
}  // namespace secureaml::emulator

namespace secureaml::emulator {
namespace {

TEST(Recording, WritesOavTrafficFilesWithoutSecrets) {
  char dir_template[] = "/tmp/secureaml-record-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  ServiceFixture f(Durations(0, 0));
  f.svc->SetRecordDirectory(dir);
  f.token = f.TokenFor(kDefaultClientId, kDefaultClientSecret);
  f.MakeRg("rg1");
  auto read = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str(), nullptr, false);
  };
  nlohmann::json token = read("000001_POST.json");
  ASSERT_FALSE(token.is_discarded());
  EXPECT_EQ(token["liveResponse"]["statusCode"], "200");
  EXPECT_EQ(token["liveResponse"]["body"]["access_token"], "<redacted>");
  EXPECT_EQ(token["liveRequest"]["body"].get<std::string>().find(
                kDefaultClientSecret),
            std::string::npos);
  nlohmann::json put = read("000002_PUT.json");
  EXPECT_EQ(put["liveRequest"]["method"], "PUT");
  EXPECT_EQ(put["liveRequest"]["url"],
            absl::StrCat("https://127.0.0.1:8443", kSub,
                         "/resourceGroups/rg1?api-version=2025-04-01"));
  EXPECT_EQ(put["liveRequest"]["headers"]["authorization"],
            "Bearer <redacted>");
  EXPECT_EQ(put["liveRequest"]["body"]["location"], "eastus");
  EXPECT_EQ(put["liveResponse"]["statusCode"], "201");
  EXPECT_EQ(put["liveResponse"]["body"]["name"], "rg1");
  EXPECT_FALSE(put["liveResponse"]["headers"]["x-ms-request-id"]
                   .get<std::string>()
                   .empty());
}

}  // namespace
}  // namespace secureaml::emulator
