// File: credentials.h
//
// Entra ID token credentials, mirroring what azurerm users already configure.
// Every credential fetches tokens over the injected HttpTransport (or the
// Azure CLI), registers each secret and token with log::RegisterSecret the
// moment it learns it, and is wrapped by CachingCredential so ARM requests
// reuse a token until 5 minutes before it expires.
//
//   auto cred = std::make_shared<CachingCredential>(
//       std::make_unique<ClientSecretCredential>(transport, login, tenant,
//                                                client_id, secret));
//   absl::StatusOr<AccessToken> t =
//       cred->GetToken("https://management.azure.com/.default", cancel);
#ifndef SECUREAML_PROVIDER_AZURE_CREDENTIALS_H_
#define SECUREAML_PROVIDER_AZURE_CREDENTIALS_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/azure/clock.h"
#include "provider/azure/http_transport.h"
#include "provider/common/cancellation.h"

namespace secureaml::azure {

struct AccessToken {
  std::string token;
  absl::Time expires_on;
};

class TokenCredential {
 public:
  virtual ~TokenCredential() = default;
  // `scope` is "{audience}/.default". Thread-safe.
  virtual absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) = 0;
  // Short human name used in diagnostics ("client secret", "Azure CLI").
  virtual std::string Name() const = 0;
  // Drops any cached token (called after ARM answers 401).
  virtual void Invalidate() {}
};

// Shared plumbing for credentials that talk HTTP.
struct CredentialDeps {
  std::shared_ptr<HttpTransport> transport;
  Clock* clock = &RealTime::Get();
  Sleeper* sleeper = &RealTime::Get();
  // Per token request.
  absl::Duration request_timeout = absl::Seconds(60);
};

// Caches one token per scope; refreshes `refresh_margin` before expiry.
// Concurrent callers for one scope share a single fetch (they wait on the
// mutex instead of stampeding the token endpoint). When a refresh fails but
// the cached token is still valid, the cached token is returned.
class CachingCredential : public TokenCredential {
 public:
  explicit CachingCredential(std::unique_ptr<TokenCredential> inner,
                             Clock* clock = &RealTime::Get(),
                             absl::Duration refresh_margin = absl::Minutes(5));
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return inner_->Name(); }
  void Invalidate() override;
  // Number of calls that reached the inner credential (for tests/benchmark).
  int fetches() const;

 private:
  std::unique_ptr<TokenCredential> inner_;
  Clock* clock_;
  absl::Duration refresh_margin_;
  mutable std::mutex mu_;
  std::map<std::string, AccessToken, std::less<>> cache_;
  int fetches_ = 0;
};

// client_credentials grant with a client secret.
class ClientSecretCredential : public TokenCredential {
 public:
  ClientSecretCredential(CredentialDeps deps, std::string login_endpoint,
                         std::string tenant_id, std::string client_id,
                         std::string client_secret);
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return "client secret"; }

 private:
  CredentialDeps deps_;
  std::string login_endpoint_, tenant_id_, client_id_, client_secret_;
};

// A loaded certificate + private key able to sign the client assertion.
class CertificateSigner {
 public:
  virtual ~CertificateSigner() = default;
  // base64url(SHA-1(cert DER)) for the `x5t` header.
  virtual std::string Thumbprint() const = 0;
  virtual std::string Algorithm() const = 0;  // "RS256" or "ES256"
  virtual absl::StatusOr<std::string> Sign(absl::string_view data) const = 0;
};

// Loads PEM (certificate + private key, optionally encrypted with
// `password`) or PKCS#12 (DER, optionally password-protected).
absl::StatusOr<std::unique_ptr<CertificateSigner>> LoadCertificate(
    absl::string_view contents, absl::string_view password);

// Builds the signed JWT client assertion for the token endpoint.
absl::StatusOr<std::string> BuildClientAssertion(
    const CertificateSigner& signer, absl::string_view token_url,
    absl::string_view client_id, absl::Time now);

class ClientCertificateCredential : public TokenCredential {
 public:
  // `certificate` is the PEM or PKCS#12 file contents.
  static absl::StatusOr<std::unique_ptr<ClientCertificateCredential>> Create(
      CredentialDeps deps, std::string login_endpoint, std::string tenant_id,
      std::string client_id, absl::string_view certificate,
      absl::string_view password);
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return "client certificate"; }

 private:
  ClientCertificateCredential() = default;
  CredentialDeps deps_;
  std::string login_endpoint_, tenant_id_, client_id_;
  std::unique_ptr<CertificateSigner> signer_;
};

// Federated credential (workload identity / OIDC). The ID token comes from,
// in order: a literal token, a token file (re-read on every fetch because
// AKS and CI runners rotate it), or the GitHub Actions / Azure DevOps
// request-token endpoint.
struct OidcSource {
  std::string token;
  std::string token_file_path;
  std::string request_url;
  std::string request_token;
  // Azure DevOps service connection ID; switches the request to the ADO
  // OIDC flow (POST with serviceConnectionId).
  std::string ado_service_connection_id;
};

class OidcCredential : public TokenCredential {
 public:
  OidcCredential(CredentialDeps deps, std::string login_endpoint,
                 std::string tenant_id, std::string client_id,
                 OidcSource source);
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return "OIDC (workload identity)"; }

 private:
  absl::StatusOr<std::string> IdToken(const CancellationToken& cancel);
  CredentialDeps deps_;
  std::string login_endpoint_, tenant_id_, client_id_;
  OidcSource source_;
};

// IMDS (Metadata: true) or the App Service identity endpoint
// (IDENTITY_ENDPOINT + IDENTITY_HEADER).
struct ManagedIdentityOptions {
  std::string client_id;          // user-assigned identity, optional
  std::string msi_endpoint;       // ARM_MSI_ENDPOINT override
  std::string identity_endpoint;  // IDENTITY_ENDPOINT (App Service)
  std::string identity_header;    // IDENTITY_HEADER
};

class ManagedIdentityCredential : public TokenCredential {
 public:
  ManagedIdentityCredential(CredentialDeps deps, ManagedIdentityOptions opts);
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return "managed identity"; }

 private:
  CredentialDeps deps_;
  ManagedIdentityOptions opts_;
};

// `az account get-access-token --scope S [--tenant T] -o json`, run without a
// shell (argv vector) so no attribute value can inject a command.
class AzureCliCredential : public TokenCredential {
 public:
  struct Options {
    std::string az_path = "az";  // resolved through PATH
    std::string tenant_id;       // omitted in Cloud Shell
    absl::Duration timeout = absl::Seconds(60);
  };
  AzureCliCredential(Options opts, Clock* clock = &RealTime::Get());
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override { return "Azure CLI"; }

 private:
  Options opts_;
  Clock* clock_;
};

// Parses `az account get-access-token` output (expires_on epoch preferred,
// expiresOn local time as fallback). Exposed for tests.
absl::StatusOr<AccessToken> ParseAzureCliToken(absl::string_view json);

// Tries each credential in order and sticks with the first that works. When
// none works, one error lists every method tried and why it failed.
class ChainedCredential : public TokenCredential {
 public:
  // `not_configured` lists methods skipped for lack of configuration, shown
  // in the final diagnostic ("client secret: ARM_CLIENT_SECRET not set").
  ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> chain,
                    std::vector<std::string> not_configured = {});
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override;
  std::string Name() const override;
  void Invalidate() override;

 private:
  std::vector<std::unique_ptr<TokenCredential>> chain_;
  std::vector<std::string> not_configured_;
  std::mutex mu_;
  int selected_ = -1;
};

// Parses an OAuth token response: access_token plus expires_in (int or
// string seconds) or expires_on (epoch int or string). Exposed for tests.
absl::StatusOr<AccessToken> ParseTokenResponse(absl::string_view body,
                                               absl::Time now);

// "https://management.azure.com/.default" -> "https://management.azure.com/"
std::string ScopeToResource(absl::string_view scope);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_CREDENTIALS_H_
