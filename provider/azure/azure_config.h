// File: azure_config.h
//
// The provider block and ARM_* environment variables, resolved the way
// azurerm users expect, into endpoints, a credential chain and an ArmClient.
// Precedence for every setting: explicit provider attribute, then the ARM_*
// variable (and its documented fallbacks), then the default. The credential
// chain order is documented in provider/azure/README.md.
//
//   absl::StatusOr<AzureClients> az =
//       ConfigureAzure(config_from_hcl, ProcessEnvironment(), {});
//   if (!az.ok()) diagnostics.AddError(az.status(), "Failed to configure");
//   az->arm->Get(id, "2025-04-01", opts);
#ifndef SECUREAML_PROVIDER_AZURE_AZURE_CONFIG_H_
#define SECUREAML_PROVIDER_AZURE_AZURE_CONFIG_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/azure/arm_client.h"
#include "provider/azure/clock.h"
#include "provider/azure/credentials.h"
#include "provider/azure/http_transport.h"

namespace secureaml::azure {

// Provider-block attributes; unset attributes fall back to the environment.
struct AzureConfig {
  std::optional<std::string> subscription_id;
  std::optional<std::string> tenant_id;
  std::optional<std::string> client_id;
  std::optional<std::string> client_id_file_path;
  std::optional<std::string> client_secret;  // sensitive
  std::optional<std::string> client_secret_file_path;
  std::optional<std::string> client_certificate;  // base64 PKCS#12, sensitive
  std::optional<std::string> client_certificate_path;
  std::optional<std::string> client_certificate_password;  // sensitive
  std::optional<bool> use_oidc;
  std::optional<std::string> oidc_token;  // sensitive
  std::optional<std::string> oidc_token_file_path;
  std::optional<std::string> oidc_request_url;
  std::optional<std::string> oidc_request_token;  // sensitive
  std::optional<std::string> ado_pipeline_service_connection_id;
  std::optional<bool> use_aks_workload_identity;
  std::optional<bool> use_msi;
  std::optional<std::string> msi_endpoint;
  std::optional<bool> use_cli;
  std::optional<std::string> environment;  // public | usgovernment | china
  std::optional<std::string> metadata_host;
  std::optional<std::vector<std::string>> auxiliary_tenant_ids;
  std::optional<std::string> partner_id;
  std::optional<bool> disable_terraform_partner_id;
  std::optional<bool> disable_correlation_request_id;
  std::optional<std::string> ca_bundle_path;
};

// Everything resolved; secrets are registered for log redaction.
struct ResolvedAzureConfig {
  std::string subscription_id;
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
  std::string client_certificate;         // raw PEM or PKCS#12 bytes
  std::string client_certificate_source;  // where it came from, for errors
  std::string client_certificate_password;
  bool use_oidc = false;
  OidcSource oidc;
  bool use_msi = false;
  ManagedIdentityOptions msi;
  bool use_cli = true;
  bool cloud_shell = false;
  std::string environment = "public";
  std::string metadata_host;
  std::vector<std::string> auxiliary_tenant_ids;
  std::string partner_id;
  bool disable_terraform_partner_id = false;
  bool disable_correlation_request_id = false;
  std::string ca_bundle_path;
};

// Looks up one environment variable (nullopt when unset). Injected so tests
// never mutate the process environment.
using Environment =
    std::function<std::optional<std::string>(absl::string_view name)>;
Environment ProcessEnvironment();
Environment MapEnvironment(std::map<std::string, std::string> values);

absl::StatusOr<ResolvedAzureConfig> ResolveAzureConfig(
    const AzureConfig& explicit_values, const Environment& env);

struct CloudEndpoints {
  std::string name;              // "AzureCloud", ...
  std::string resource_manager;  // https://management.azure.com
  std::string login_endpoint;    // https://login.microsoftonline.com
  std::string token_audience;    // https://management.azure.com
  std::string microsoft_graph;
  std::string storage_suffix;
  std::string key_vault_dns_suffix;
  std::string acr_login_server_suffix;
  // "{audience}/.default"
  std::string TokenScope() const;
};

// public, usgovernment, china.
absl::StatusOr<CloudEndpoints> BuiltinCloud(absl::string_view environment);

// GET https://{host}/metadata/endpoints?api-version=2022-09-01 (always TLS).
absl::StatusOr<CloudEndpoints> DiscoverCloud(absl::string_view metadata_host,
                                             HttpTransport& transport,
                                             const CredentialDeps& deps,
                                             const CancellationToken& cancel);

// Builds the credential chain (see README.md for the order) wrapped in a
// CachingCredential.
absl::StatusOr<std::shared_ptr<TokenCredential>> BuildCredential(
    const ResolvedAzureConfig& config, const CloudEndpoints& cloud,
    const CredentialDeps& deps,
    absl::Duration refresh_margin = absl::Minutes(5));

struct ConfigureOptions {
  // Defaults to MakeCppRestTransport({ca_bundle_path}).
  std::shared_ptr<HttpTransport> transport;
  Clock* clock = &RealTime::Get();
  Sleeper* sleeper = &RealTime::Get();
  CancellationToken cancel;
  std::string terraform_version;  // for the User-Agent
  // Overrides for tests and the benchmark.
  std::optional<LroOptions> lro;
  std::optional<BackoffOptions> backoff;
  absl::Duration token_refresh_margin = absl::Minutes(5);
  // Last say over the ArmClient options (tests, benchmark).
  std::function<void(ArmClientOptions&)> customize_arm;
  // Verify the credential now so that a broken login is reported by
  // ConfigureProvider rather than by the first resource.
  bool verify_credential = false;
};

struct AzureClients {
  ResolvedAzureConfig config;
  CloudEndpoints cloud;
  std::shared_ptr<HttpTransport> transport;
  std::shared_ptr<TokenCredential> credential;
  std::shared_ptr<ArmClient> arm;
};

absl::StatusOr<AzureClients> ConfigureAzure(const AzureConfig& config,
                                            const Environment& env,
                                            const ConfigureOptions& options);

// Provider-schema documentation for every attribute above, so the schema
// and the docs come from one place.
struct ProviderAttributeDoc {
  std::string name;
  enum class Type { kString, kBool, kStringList } type = Type::kString;
  bool sensitive = false;
  std::vector<std::string> env_vars;  // in precedence order
  std::string description;
};
const std::vector<ProviderAttributeDoc>& ProviderAttributeDocs();

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_AZURE_CONFIG_H_
