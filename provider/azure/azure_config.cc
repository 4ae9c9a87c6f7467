#include "provider/azure/azure_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "provider/azure/url.h"
#include "provider/common/logging.h"
#include "provider/common/status_macros.h"

namespace secureaml::azure {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": cannot read file ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// First non-empty of the explicit value and the environment variables.
std::optional<std::string> Pick(
    const std::optional<std::string>& explicit_value, const Environment& env,
    std::initializer_list<const char*> vars) {
  if (explicit_value && !explicit_value->empty()) return explicit_value;
  for (const char* v : vars) {
    std::optional<std::string> value = env(v);
    if (value && !value->empty()) return value;
  }
  return std::nullopt;
}

absl::StatusOr<bool> PickBool(const std::optional<bool>& explicit_value,
                              const Environment& env, const char* var,
                              bool default_value) {
  if (explicit_value) return *explicit_value;
  std::optional<std::string> v = env(var);
  if (!v || v->empty()) return default_value;
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*v));
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return absl::InvalidArgumentError(
      absl::StrCat(var, " must be true or false, not \"", *v, "\""));
}

// A value may come inline or from a file; both with different contents is a
// mistake worth stopping for (azurerm does the same).
absl::StatusOr<std::string> ValueOrFile(
    const std::optional<std::string>& explicit_value,
    const std::optional<std::string>& explicit_file, const Environment& env,
    const char* var, const char* file_var, const char* attribute) {
  std::optional<std::string> value = Pick(explicit_value, env, {var});
  std::optional<std::string> file = Pick(explicit_file, env, {file_var});
  if (!file) return value.value_or("");
  SECUREAML_ASSIGN_OR_RETURN(std::string contents, ReadFile(*file, file_var));
  std::string trimmed(absl::StripAsciiWhitespace(contents));
  log::RegisterSecret(trimmed);
  if (value && *value != trimmed) {
    return absl::InvalidArgumentError(absl::StrCat(
        attribute, " is set both directly (", var, ") and through a file (",
        file_var, ") with different values; set only one"));
  }
  return trimmed;
}

bool IsGuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !absl::ascii_isxdigit(s[i])) return false;
  }
  return true;
}

}  // namespace

Environment ProcessEnvironment() {
  return [](absl::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Environment MapEnvironment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](
             absl::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<ResolvedAzureConfig> ResolveAzureConfig(const AzureConfig& c,
                                                       const Environment& env) {
  ResolvedAzureConfig r;
  r.subscription_id =
      Pick(c.subscription_id, env, {"ARM_SUBSCRIPTION_ID"}).value_or("");
  SECUREAML_ASSIGN_OR_RETURN(bool aks,
                             PickBool(c.use_aks_workload_identity, env,
                                      "ARM_USE_AKS_WORKLOAD_IDENTITY", false));
  r.tenant_id = Pick(c.tenant_id, env, {"ARM_TENANT_ID"}).value_or("");
  if (r.tenant_id.empty() && aks)
    r.tenant_id = env("AZURE_TENANT_ID").value_or("");
  SECUREAML_ASSIGN_OR_RETURN(
      r.client_id,
      ValueOrFile(c.client_id, c.client_id_file_path, env, "ARM_CLIENT_ID",
                  "ARM_CLIENT_ID_FILE_PATH", "client_id"));
  if (r.client_id.empty() && aks)
    r.client_id = env("AZURE_CLIENT_ID").value_or("");
  SECUREAML_ASSIGN_OR_RETURN(
      r.client_secret,
      ValueOrFile(c.client_secret, c.client_secret_file_path, env,
                  "ARM_CLIENT_SECRET", "ARM_CLIENT_SECRET_FILE_PATH",
                  "client_secret"));
  log::RegisterSecret(r.client_secret);

  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{
                                        "subscription_id", &r.subscription_id},
                                    {"tenant_id", &r.tenant_id}}) {
    if (!value->empty() && !IsGuid(*value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name,
          " must be a GUID such as 00000000-0000-0000-0000-000000000000, "
          "not \"",
          *value, "\""));
    }
  }

  // Certificate: inline base64 PKCS#12 or a file path (PEM or PKCS#12).
  std::optional<std::string> cert_b64 =
      Pick(c.client_certificate, env, {"ARM_CLIENT_CERTIFICATE"});
  std::optional<std::string> cert_path =
      Pick(c.client_certificate_path, env, {"ARM_CLIENT_CERTIFICATE_PATH"});
  if (cert_b64 && cert_path) {
    return absl::InvalidArgumentError(
        "client_certificate and client_certificate_path are both set; set "
        "only one");
  }
  if (cert_b64) {
    std::string raw;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(*cert_b64), &raw)) {
      return absl::InvalidArgumentError(
          "client_certificate (ARM_CLIENT_CERTIFICATE) is not valid base64");
    }
    log::RegisterSecret(*cert_b64);
    r.client_certificate = std::move(raw);
    r.client_certificate_source = "client_certificate";
  } else if (cert_path) {
    SECUREAML_ASSIGN_OR_RETURN(r.client_certificate,
                               ReadFile(*cert_path, "client_certificate_path"));
    r.client_certificate_source = *cert_path;
  }
  r.client_certificate_password = Pick(c.client_certificate_password, env,
                                       {"ARM_CLIENT_CERTIFICATE_PASSWORD"})
                                      .value_or("");
  log::RegisterSecret(r.client_certificate_password);

  SECUREAML_ASSIGN_OR_RETURN(r.use_oidc,
                             PickBool(c.use_oidc, env, "ARM_USE_OIDC", false));
  r.use_oidc = r.use_oidc || aks;
  r.oidc.token = Pick(c.oidc_token, env, {"ARM_OIDC_TOKEN"}).value_or("");
  r.oidc.token_file_path =
      Pick(c.oidc_token_file_path, env, {"ARM_OIDC_TOKEN_FILE_PATH"})
          .value_or("");
  if (r.oidc.token_file_path.empty() && aks) {
    r.oidc.token_file_path = env("AZURE_FEDERATED_TOKEN_FILE").value_or("");
  }
  r.oidc.request_url =
      Pick(c.oidc_request_url, env,
           {"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL",
            "SYSTEM_OIDCREQUESTURI"})
          .value_or("");
  r.oidc.request_token =
      Pick(c.oidc_request_token, env,
           {"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "SYSTEM_ACCESSTOKEN"})
          .value_or("");
  r.oidc.ado_service_connection_id =
      Pick(c.ado_pipeline_service_connection_id, env,
           {"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID",
            "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"})
          .value_or("");
  log::RegisterSecret(r.oidc.token);
  log::RegisterSecret(r.oidc.request_token);

  SECUREAML_ASSIGN_OR_RETURN(r.use_msi,
                             PickBool(c.use_msi, env, "ARM_USE_MSI", false));
  r.msi.client_id = r.client_id;
  r.msi.msi_endpoint =
      Pick(c.msi_endpoint, env, {"ARM_MSI_ENDPOINT"}).value_or("");
  r.msi.identity_endpoint = env("IDENTITY_ENDPOINT").value_or("");
  r.msi.identity_header = env("IDENTITY_HEADER").value_or("");
  log::RegisterSecret(r.msi.identity_header);

  SECUREAML_ASSIGN_OR_RETURN(r.use_cli,
                             PickBool(c.use_cli, env, "ARM_USE_CLI", true));
  r.cloud_shell = absl::StartsWith(env("AZUREPS_HOST_ENVIRONMENT").value_or(""),
                                   "cloud-shell/");

  r.environment = absl::AsciiStrToLower(
      Pick(c.environment, env, {"ARM_ENVIRONMENT"}).value_or("public"));
  r.metadata_host =
      Pick(c.metadata_host, env, {"ARM_METADATA_HOSTNAME"}).value_or("");
  if (r.metadata_host.empty()) {
    SECUREAML_RETURN_IF_ERROR(BuiltinCloud(r.environment).status());
  }
  if (c.auxiliary_tenant_ids) {
    r.auxiliary_tenant_ids = *c.auxiliary_tenant_ids;
  } else if (auto aux = env("ARM_AUXILIARY_TENANT_IDS"); aux && !aux->empty()) {
    for (absl::string_view t : absl::StrSplit(*aux, ';', absl::SkipEmpty())) {
      r.auxiliary_tenant_ids.emplace_back(absl::StripAsciiWhitespace(t));
    }
  }
  if (r.auxiliary_tenant_ids.size() > 3) {
    return absl::InvalidArgumentError(
        "auxiliary_tenant_ids accepts at most 3 tenants");
  }
  r.partner_id = Pick(c.partner_id, env, {"ARM_PARTNER_ID"}).value_or("");
  SECUREAML_ASSIGN_OR_RETURN(
      r.disable_terraform_partner_id,
      PickBool(c.disable_terraform_partner_id, env,
               "ARM_DISABLE_TERRAFORM_PARTNER_ID", false));
  SECUREAML_ASSIGN_OR_RETURN(
      r.disable_correlation_request_id,
      PickBool(c.disable_correlation_request_id, env,
               "ARM_DISABLE_CORRELATION_REQUEST_ID", false));
  r.ca_bundle_path =
      Pick(c.ca_bundle_path, env, {"SECUREAML_CA_BUNDLE"}).value_or("");
  return r;
}

std::string CloudEndpoints::TokenScope() const {
  return absl::StrCat(absl::StripSuffix(token_audience, "/"), "/.default");
}

absl::StatusOr<CloudEndpoints> BuiltinCloud(absl::string_view environment) {
  std::string e = absl::AsciiStrToLower(environment);
  CloudEndpoints c;
  if (e == "public" || e == "azurecloud" || e == "azurepubliccloud") {
    c = {"AzureCloud",
         "https://management.azure.com",
         "https://login.microsoftonline.com",
         "https://management.azure.com",
         "https://graph.microsoft.com",
         "core.windows.net",
         "vault.azure.net",
         "azurecr.io"};
  } else if (e == "usgovernment" || e == "azureusgovernment" ||
             e == "azureusgovernmentcloud") {
    c = {"AzureUSGovernment",
         "https://management.usgovcloudapi.net",
         "https://login.microsoftonline.us",
         "https://management.usgovcloudapi.net",
         "https://graph.microsoft.us",
         "core.usgovcloudapi.net",
         "vault.usgovcloudapi.net",
         "azurecr.us"};
  } else if (e == "china" || e == "azurechinacloud") {
    c = {"AzureChinaCloud",
         "https://management.chinacloudapi.cn",
         "https://login.chinacloudapi.cn",
         "https://management.chinacloudapi.cn",
         "https://microsoftgraph.chinacloudapi.cn",
         "core.chinacloudapi.cn",
         "vault.azure.cn",
         "azurecr.cn"};
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "environment must be one of public, usgovernment or china, not \"",
        environment, "\" (use metadata_host for other clouds)"));
  }
  return c;
}

absl::StatusOr<CloudEndpoints> DiscoverCloud(absl::string_view metadata_host,
                                             HttpTransport& transport,
                                             const CredentialDeps& deps,
                                             const CancellationToken& cancel) {
  // Accept "host:port", "https://host:port" and a trailing slash.
  absl::string_view h = absl::StripAsciiWhitespace(metadata_host);
  absl::ConsumePrefix(&h, "https://");
  absl::ConsumeSuffix(&h, "/");
  std::string host(h);
  std::string url = absl::StrCat("https://", host,
                                 "/metadata/endpoints?api-version=2022-09-01");
  absl::StatusOr<HttpResponse> resp;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0 && deps.sleeper->Sleep(absl::Seconds(attempt), cancel)) {
      return absl::CancelledError("cancelled during cloud discovery");
    }
    HttpRequest req;
    req.method = "GET";
    req.url = url;
    req.headers.Set("Accept", "application/json");
    req.headers.Set("User-Agent", ProviderUserAgent());
    req.deadline = deps.clock->Now() + deps.request_timeout;
    resp = transport.Send(req, cancel);
    if (resp.ok() && resp->status < 500 && resp->status != 429) break;
  }
  if (!resp.ok()) {
    return absl::Status(resp.status().code(),
                        absl::StrCat("metadata_host: cannot read ", url, ": ",
                                     resp.status().message()));
  }
  if (resp->status != 200) {
    return absl::FailedPreconditionError(
        absl::StrCat("metadata_host: ", url, " answered HTTP ", resp->status));
  }
  nlohmann::json j = nlohmann::json::parse(resp->body, nullptr, false);
  if (j.is_array() && !j.empty()) j = j[0];
  if (!j.is_object()) {
    return absl::FailedPreconditionError(
        absl::StrCat("metadata_host: ", url, " did not return a JSON object"));
  }
  auto str = [](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : "";
  };
  CloudEndpoints c;
  c.name = str(j, "name");
  c.resource_manager =
      std::string(absl::StripSuffix(str(j, "resourceManager"), "/"));
  c.microsoft_graph = str(j, "microsoftGraphResourceId");
  auto auth = j.find("authentication");
  if (auth != j.end() && auth->is_object()) {
    c.login_endpoint =
        std::string(absl::StripSuffix(str(*auth, "loginEndpoint"), "/"));
    auto aud = auth->find("audiences");
    if (aud != auth->end() && aud->is_array() && !aud->empty() &&
        (*aud)[0].is_string()) {
      c.token_audience = (*aud)[0].get<std::string>();
    }
  }
  auto suffixes = j.find("suffixes");
  if (suffixes != j.end() && suffixes->is_object()) {
    c.storage_suffix = str(*suffixes, "storage");
    c.key_vault_dns_suffix = str(*suffixes, "keyVaultDns");
    c.acr_login_server_suffix = str(*suffixes, "acrLoginServer");
  }
  if (c.resource_manager.empty() || c.login_endpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("metadata_host: ", url,
                     " lacks resourceManager or authentication.loginEndpoint"));
  }
  for (const std::string* u : {&c.resource_manager, &c.login_endpoint}) {
    if (!absl::StartsWith(*u, "https://")) {
      return absl::FailedPreconditionError(
          absl::StrCat("metadata_host: endpoint ", *u,
                       " is not https; refusing to send "
                       "credentials over plain HTTP"));
    }
  }
  if (c.token_audience.empty()) c.token_audience = c.resource_manager;
  return c;
}

absl::StatusOr<std::shared_ptr<TokenCredential>> BuildCredential(
    const ResolvedAzureConfig& r, const CloudEndpoints& cloud,
    const CredentialDeps& deps, absl::Duration refresh_margin) {
  std::vector<std::unique_ptr<TokenCredential>> chain;
  std::vector<std::string> skipped;
  bool have_client = !r.client_id.empty() && !r.tenant_id.empty();
  std::string missing_ids = r.client_id.empty()
                                ? "client_id (ARM_CLIENT_ID) is not set"
                                : "tenant_id (ARM_TENANT_ID) is not set";

  if (!r.client_certificate.empty()) {
    if (!have_client) {
      return absl::InvalidArgumentError(
          absl::StrCat("a client certificate is configured but ", missing_ids));
    }
    absl::StatusOr<std::unique_ptr<ClientCertificateCredential>> cert =
        ClientCertificateCredential::Create(
            deps, cloud.login_endpoint, r.tenant_id, r.client_id,
            r.client_certificate, r.client_certificate_password);
    if (!cert.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          r.client_certificate_source, ": ", cert.status().message()));
    }
    chain.push_back(std::move(*cert));
  } else {
    skipped.push_back(
        "client certificate: client_certificate_path / "
        "ARM_CLIENT_CERTIFICATE_PATH not set");
  }
  if (!r.client_secret.empty()) {
    if (!have_client) {
      return absl::InvalidArgumentError(
          absl::StrCat("client_secret is set but ", missing_ids));
    }
    chain.push_back(std::make_unique<ClientSecretCredential>(
        deps, cloud.login_endpoint, r.tenant_id, r.client_id, r.client_secret));
  } else {
    skipped.push_back(
        "client secret: client_secret / ARM_CLIENT_SECRET not set");
  }
  if (r.use_oidc) {
    if (!have_client) {
      return absl::InvalidArgumentError(
          absl::StrCat("use_oidc is true but ", missing_ids));
    }
    chain.push_back(std::make_unique<OidcCredential>(
        deps, cloud.login_endpoint, r.tenant_id, r.client_id, r.oidc));
  } else {
    skipped.push_back("OIDC: use_oidc / ARM_USE_OIDC is not true");
  }
  if (r.use_msi) {
    chain.push_back(std::make_unique<ManagedIdentityCredential>(deps, r.msi));
  } else {
    skipped.push_back("managed identity: use_msi / ARM_USE_MSI is not true");
  }
  if (r.use_cli) {
    AzureCliCredential::Options o;
    if (!r.cloud_shell) o.tenant_id = r.tenant_id;
    chain.push_back(std::make_unique<AzureCliCredential>(o, deps.clock));
  } else {
    skipped.push_back("Azure CLI: use_cli / ARM_USE_CLI is false");
  }
  return std::shared_ptr<TokenCredential>(std::make_shared<CachingCredential>(
      std::make_unique<ChainedCredential>(std::move(chain), std::move(skipped)),
      deps.clock, refresh_margin));
}

absl::StatusOr<AzureClients> ConfigureAzure(const AzureConfig& config,
                                            const Environment& env,
                                            const ConfigureOptions& options) {
  AzureClients out;
  SECUREAML_ASSIGN_OR_RETURN(out.config, ResolveAzureConfig(config, env));
  if (options.transport) {
    out.transport = options.transport;
  } else {
    TransportOptions t;
    t.ca_bundle_path = out.config.ca_bundle_path;
    t.getenv = env;
    SECUREAML_ASSIGN_OR_RETURN(out.transport, MakeCppRestTransport(t));
  }
  CredentialDeps deps;
  deps.transport = out.transport;
  deps.clock = options.clock;
  deps.sleeper = options.sleeper;
  if (!out.config.metadata_host.empty()) {
    SECUREAML_ASSIGN_OR_RETURN(
        out.cloud, DiscoverCloud(out.config.metadata_host, *out.transport, deps,
                                 options.cancel));
  } else {
    SECUREAML_ASSIGN_OR_RETURN(out.cloud, BuiltinCloud(out.config.environment));
  }
  SECUREAML_ASSIGN_OR_RETURN(out.credential,
                             BuildCredential(out.config, out.cloud, deps,
                                             options.token_refresh_margin));
  if (out.config.subscription_id.empty()) {
    return absl::InvalidArgumentError(
        "subscription_id is required: set it in the provider block or "
        "ARM_SUBSCRIPTION_ID");
  }
  ArmClientOptions ao;
  ao.endpoint = out.cloud.resource_manager;
  ao.token_scope = out.cloud.TokenScope();
  ao.clock = options.clock;
  ao.sleeper = options.sleeper;
  ao.disable_correlation_id = out.config.disable_correlation_request_id;
  if (options.lro) ao.lro = *options.lro;
  if (options.backoff) ao.backoff = *options.backoff;
  std::vector<std::string> extra;
  if (!options.terraform_version.empty()) {
    extra.push_back(absl::StrCat("Terraform/", options.terraform_version));
  }
  if (!out.config.partner_id.empty()) {
    extra.push_back(absl::StrCat("pid-", out.config.partner_id));
  }
  ao.user_agent_extra = absl::StrJoin(extra, " ");
  if (options.customize_arm) options.customize_arm(ao);
  if (options.verify_credential) {
    absl::StatusOr<AccessToken> t =
        out.credential->GetToken(ao.token_scope, options.cancel);
    if (!t.ok()) return t.status();
  }
  out.arm = std::make_shared<ArmClient>(out.transport, out.credential, ao);
  return out;
}

const std::vector<ProviderAttributeDoc>& ProviderAttributeDocs() {
  using T = ProviderAttributeDoc::Type;
  static const auto* docs = new std::vector<ProviderAttributeDoc>{
      {"subscription_id",
       T::kString,
       false,
       {"ARM_SUBSCRIPTION_ID"},
       "The Subscription ID resources are created in. Required."},
      {"tenant_id",
       T::kString,
       false,
       {"ARM_TENANT_ID"},
       "The Entra ID tenant to authenticate against."},
      {"client_id",
       T::kString,
       false,
       {"ARM_CLIENT_ID"},
       "The client (application) ID of the service principal or "
       "user-assigned managed identity."},
      {"client_id_file_path",
       T::kString,
       false,
       {"ARM_CLIENT_ID_FILE_PATH"},
       "A file holding the client ID. Must agree with client_id if both are "
       "set."},
      {"client_secret",
       T::kString,
       true,
       {"ARM_CLIENT_SECRET"},
       "The client secret of the service principal."},
      {"client_secret_file_path",
       T::kString,
       false,
       {"ARM_CLIENT_SECRET_FILE_PATH"},
       "A file holding the client secret. Must agree with client_secret if "
       "both are set."},
      {"client_certificate",
       T::kString,
       true,
       {"ARM_CLIENT_CERTIFICATE"},
       "A base64-encoded PKCS#12 client certificate."},
      {"client_certificate_path",
       T::kString,
       false,
       {"ARM_CLIENT_CERTIFICATE_PATH"},
       "Path to a PEM (certificate and private key) or PKCS#12 client "
       "certificate."},
      {"client_certificate_password",
       T::kString,
       true,
       {"ARM_CLIENT_CERTIFICATE_PASSWORD"},
       "The password of the PKCS#12 file or encrypted PEM key."},
      {"use_oidc",
       T::kBool,
       false,
       {"ARM_USE_OIDC"},
       "Authenticate with an OIDC (workload identity federation) token."},
      {"oidc_token",
       T::kString,
       true,
       {"ARM_OIDC_TOKEN"},
       "An OIDC ID token to exchange for an access token."},
      {"oidc_token_file_path",
       T::kString,
       false,
       {"ARM_OIDC_TOKEN_FILE_PATH"},
       "A file holding the OIDC ID token; re-read on every token refresh."},
      {"oidc_request_url",
       T::kString,
       false,
       {"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL",
        "SYSTEM_OIDCREQUESTURI"},
       "The URL to request an OIDC token from (GitHub Actions, Azure DevOps)."},
      {"oidc_request_token",
       T::kString,
       true,
       {"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "SYSTEM_ACCESSTOKEN"},
       "The bearer token for oidc_request_url."},
      {"ado_pipeline_service_connection_id",
       T::kString,
       false,
       {"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID",
        "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"},
       "The Azure DevOps service connection ID for OIDC in Azure Pipelines."},
      {"use_aks_workload_identity",
       T::kBool,
       false,
       {"ARM_USE_AKS_WORKLOAD_IDENTITY"},
       "Use AKS workload identity (AZURE_FEDERATED_TOKEN_FILE, "
       "AZURE_CLIENT_ID, AZURE_TENANT_ID)."},
      {"use_msi",
       T::kBool,
       false,
       {"ARM_USE_MSI"},
       "Authenticate with a managed identity (IMDS or App Service)."},
      {"msi_endpoint",
       T::kString,
       false,
       {"ARM_MSI_ENDPOINT"},
       "Overrides the managed identity token endpoint."},
      {"use_cli",
       T::kBool,
       false,
       {"ARM_USE_CLI"},
       "Allow authenticating with the Azure CLI. Defaults to true."},
      {"environment",
       T::kString,
       false,
       {"ARM_ENVIRONMENT"},
       "The cloud: public (default), usgovernment or china."},
      {"metadata_host",
       T::kString,
       false,
       {"ARM_METADATA_HOSTNAME"},
       "A host serving /metadata/endpoints for custom clouds; overrides "
       "environment."},
      {"auxiliary_tenant_ids",
       T::kStringList,
       false,
       {"ARM_AUXILIARY_TENANT_IDS"},
       "Up to 3 extra tenants (ARM_AUXILIARY_TENANT_IDS is ';'-separated)."},
      {"partner_id",
       T::kString,
       false,
       {"ARM_PARTNER_ID"},
       "A GUID added to the User-Agent for partner attribution."},
      {"disable_terraform_partner_id",
       T::kBool,
       false,
       {"ARM_DISABLE_TERRAFORM_PARTNER_ID"},
       "Do not send the default Terraform partner ID."},
      {"disable_correlation_request_id",
       T::kBool,
       false,
       {"ARM_DISABLE_CORRELATION_REQUEST_ID"},
       "Do not send x-ms-correlation-request-id."},
      {"ca_bundle_path",
       T::kString,
       false,
       {"SECUREAML_CA_BUNDLE"},
       "A PEM CA bundle trusted in addition to the system store, "
       "SSL_CERT_FILE and SSL_CERT_DIR (e.g. for a TLS-inspecting proxy)."},
  };
  return *docs;
}

}  // namespace secureaml::azure
