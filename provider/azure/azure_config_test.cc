#include "provider/azure/azure_config.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/testing/fake_transport.h"

namespace secureaml::azure {
namespace {

using ::secureaml::azure::testing::FakeTransport;
using ::secureaml::azure::testing::JsonResponse;
using ::testing::HasSubstr;

constexpr char kSub[] = "22222222-2222-2222-2222-222222222222";
constexpr char kTenant[] = "11111111-1111-1111-1111-111111111111";

std::string WriteTemp(const std::string& contents) {
  char tmpl[] = "/tmp/secureaml-cfg-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  std::ofstream(tmpl) << contents;
  return tmpl;
}

TEST(ResolveAzureConfigTest, ExplicitBeatsEnvironmentBeatsDefaults) {
  AzureConfig c;
  c.subscription_id = kSub;
  auto env = MapEnvironment({{"ARM_SUBSCRIPTION_ID", "ignored"},
                             {"ARM_TENANT_ID", kTenant},
                             {"ARM_CLIENT_ID", "app-1"}});
  auto r = ResolveAzureConfig(c, env);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->subscription_id, kSub);
  EXPECT_EQ(r->tenant_id, kTenant);
  EXPECT_EQ(r->client_id, "app-1");
  EXPECT_TRUE(r->use_cli);
  EXPECT_FALSE(r->use_msi);
  EXPECT_EQ(r->environment, "public");
}

TEST(ResolveAzureConfigTest, BooleansFromEnvironmentAndOverrides) {
  auto env = MapEnvironment({{"ARM_USE_MSI", "true"},
                             {"ARM_USE_CLI", "false"},
                             {"ARM_USE_OIDC", "1"}});
  auto r = ResolveAzureConfig({}, env);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->use_msi);
  EXPECT_FALSE(r->use_cli);
  EXPECT_TRUE(r->use_oidc);
  AzureConfig c;
  c.use_msi = false;
  EXPECT_FALSE(ResolveAzureConfig(c, env)->use_msi);
  auto bad = ResolveAzureConfig({}, MapEnvironment({{"ARM_USE_MSI", "yes!"}}));
  EXPECT_THAT(bad.status().message(), HasSubstr("ARM_USE_MSI"));
}

TEST(ResolveAzureConfigTest, ValueAndFilePathMustAgree) {
  std::string file = WriteTemp("file-secret-1\n");
  auto same = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_CLIENT_SECRET", "file-secret-1"},
                          {"ARM_CLIENT_SECRET_FILE_PATH", file}}));
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->client_secret, "file-secret-1");
  auto only_file = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_CLIENT_SECRET_FILE_PATH", file}}));
  EXPECT_EQ(only_file->client_secret, "file-secret-1");
  auto differ = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_CLIENT_SECRET", "other"},
                          {"ARM_CLIENT_SECRET_FILE_PATH", file}}));
  EXPECT_TRUE(absl::IsInvalidArgument(differ.status()));
  EXPECT_THAT(differ.status().message(), HasSubstr("different values"));
  EXPECT_THAT(differ.status().message(), Not(HasSubstr("file-secret-1")));
}

TEST(ResolveAzureConfigTest, OidcRequestFallsBackToGitHubAndDevOpsVariables) {
  auto gh = ResolveAzureConfig(
      {}, MapEnvironment({{"ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x"},
                          {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghtok"},
                          {"SYSTEM_OIDCREQUESTURI", "https://ado/x"}}));
  EXPECT_EQ(gh->oidc.request_url, "https://gh/x");
  EXPECT_EQ(gh->oidc.request_token, "ghtok");
  auto arm = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_OIDC_REQUEST_URL", "https://arm/x"},
                          {"ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x"}}));
  EXPECT_EQ(arm->oidc.request_url, "https://arm/x");
  auto aks = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_USE_AKS_WORKLOAD_IDENTITY", "true"},
                          {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"},
                          {"AZURE_CLIENT_ID", "aks-app"},
                          {"AZURE_TENANT_ID", kTenant}}));
  EXPECT_TRUE(aks->use_oidc);
  EXPECT_EQ(aks->oidc.token_file_path, "/var/run/token");
  EXPECT_EQ(aks->client_id, "aks-app");
}

TEST(ResolveAzureConfigTest, RejectsBadValues) {
  EXPECT_THAT(
      ResolveAzureConfig({}, MapEnvironment({{"ARM_ENVIRONMENT", "mars"}}))
          .status()
          .message(),
      HasSubstr("public, usgovernment or china"));
  EXPECT_THAT(
      ResolveAzureConfig({}, MapEnvironment({{"ARM_SUBSCRIPTION_ID", "nope"}}))
          .status()
          .message(),
      HasSubstr("GUID"));
  EXPECT_FALSE(
      ResolveAzureConfig(
          {}, MapEnvironment({{"ARM_AUXILIARY_TENANT_IDS", "a;b;c;d"}}))
          .ok());
  auto aux = ResolveAzureConfig(
      {}, MapEnvironment({{"ARM_AUXILIARY_TENANT_IDS", "a; b"}}));
  EXPECT_EQ(aux->auxiliary_tenant_ids, (std::vector<std::string>{"a", "b"}));
}

TEST(CloudTest, BuiltinClouds) {
  EXPECT_EQ(BuiltinCloud("public")->resource_manager,
            "https://management.azure.com");
  EXPECT_EQ(BuiltinCloud("public")->TokenScope(),
            "https://management.azure.com/.default");
  EXPECT_EQ(BuiltinCloud("usgovernment")->login_endpoint,
            "https://login.microsoftonline.us");
  EXPECT_EQ(BuiltinCloud("china")->resource_manager,
            "https://management.chinacloudapi.cn");
  EXPECT_FALSE(BuiltinCloud("german").ok());
}

TEST(CloudTest, DiscoversFromMetadataHost) {
  FakeTransport t;
  FakeTime time;
  CredentialDeps deps;
  deps.clock = &time;
  deps.sleeper = &time;
  t.Expect(
      "GET", "https://127.0.0.1:8443/metadata/endpoints?api-version=2022-09-01",
      JsonResponse(200,
                   {{"name", "Emulator"},
                    {"resourceManager", "https://127.0.0.1:8443/"},
                    {"microsoftGraphResourceId", "https://graph.test/"},
                    {"authentication",
                     {{"loginEndpoint", "https://127.0.0.1:8443"},
                      {"audiences", {"https://management.core.windows.net/"}}}},
                    {"suffixes", {{"storage", "core.test"}}}}));
  auto c = DiscoverCloud("127.0.0.1:8443", t, deps, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "Emulator");
  EXPECT_EQ(c->resource_manager, "https://127.0.0.1:8443");
  EXPECT_EQ(c->login_endpoint, "https://127.0.0.1:8443");
  EXPECT_EQ(c->TokenScope(), "https://management.core.windows.net/.default");
  EXPECT_EQ(c->storage_suffix, "core.test");

  t.Expect("GET", "/metadata/endpoints",
           JsonResponse(200, {{"resourceManager", "http://plain"},
                              {"authentication",
                               {{"loginEndpoint", "https://login"}}}}));
  EXPECT_THAT(DiscoverCloud("h", t, deps, {}).status().message(),
              HasSubstr("not https"));
}

TEST(BuildCredentialTest, NothingConfiguredNamesWhatWasSkipped) {
  ResolvedAzureConfig r;
  r.use_cli = false;
  CredentialDeps deps;
  auto cred = BuildCredential(r, *BuiltinCloud("public"), deps);
  ASSERT_TRUE(cred.ok());
  auto t = (*cred)->GetToken("s/.default", {});
  ASSERT_TRUE(absl::IsUnauthenticated(t.status()));
  EXPECT_THAT(t.status().message(), HasSubstr("ARM_CLIENT_SECRET not set"));
  EXPECT_THAT(t.status().message(), HasSubstr("ARM_USE_MSI"));
  EXPECT_THAT(t.status().message(), HasSubstr("ARM_USE_CLI is false"));
}

TEST(BuildCredentialTest, SecretWithoutClientIdIsAConfigurationError) {
  ResolvedAzureConfig r;
  r.client_secret = "sec-without-id";
  r.tenant_id = kTenant;
  auto cred = BuildCredential(r, *BuiltinCloud("public"), {});
  EXPECT_THAT(cred.status().message(), HasSubstr("client_id"));
}

TEST(ConfigureAzureTest, EndToEndOverAFakeTransport) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  t->Expect("GET", "https://emu:9443/metadata/endpoints",
            JsonResponse(200, {{"name", "Emulator"},
                               {"resourceManager", "https://emu:9443"},
                               {"authentication",
                                {{"loginEndpoint", "https://emu:9443"},
                                 {"audiences", {"https://emu:9443"}}}}}));
  t->Expect(
      "POST", absl::StrCat("https://emu:9443/", kTenant, "/oauth2/v2.0/token"),
      JsonResponse(200, {{"access_token", "at-e2e"}, {"expires_in", 3600}}));
  t->Expect("GET",
            absl::StrCat("https://emu:9443/subscriptions/", kSub,
                         "/resourcegroups/rg1?api-version=2025-04-01"),
            JsonResponse(200, {{"name", "rg1"}}));
  ConfigureOptions o;
  o.transport = t;
  o.clock = &time;
  o.sleeper = &time;
  o.terraform_version = "1.9.0";
  auto az =
      ConfigureAzure({},
                     MapEnvironment({{"ARM_METADATA_HOSTNAME", "emu:9443"},
                                     {"ARM_SUBSCRIPTION_ID", kSub},
                                     {"ARM_TENANT_ID", kTenant},
                                     {"ARM_CLIENT_ID", "app"},
                                     {"ARM_CLIENT_SECRET", "e2e-secret"},
                                     {"ARM_USE_CLI", "false"}}),
                     o);
  ASSERT_TRUE(az.ok()) << az.status();
  auto rg =
      az->arm->Get(absl::StrCat("/subscriptions/", kSub, "/resourcegroups/rg1"),
                   "2025-04-01");
  ASSERT_TRUE(rg.ok()) << rg.status();
  EXPECT_THAT(az->arm->user_agent(), HasSubstr("Terraform/1.9.0"));
  EXPECT_EQ(t->requests().back().headers.Get("Authorization"), "Bearer at-e2e");
}

TEST(ProviderAttributeDocsTest, SecretsAreSensitiveAndEnvVarsListed) {
  std::map<std::string, ProviderAttributeDoc> by_name;
  for (const auto& d : ProviderAttributeDocs()) by_name[d.name] = d;
  for (const char* s :
       {"client_secret", "client_certificate_password", "oidc_token",
        "oidc_request_token", "client_certificate"}) {
    EXPECT_TRUE(by_name.at(s).sensitive) << s;
  }
  EXPECT_FALSE(by_name.at("subscription_id").sensitive);
  EXPECT_EQ(by_name.at("metadata_host").env_vars.at(0),
            "ARM_METADATA_HOSTNAME");
  for (const auto& [name, d] : by_name) {
    EXPECT_FALSE(d.description.empty()) << name;
  }
}

}  // namespace
}  // namespace secureaml::azure
