#include "provider/azure/credentials.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "provider/azure/arm_error.h"
#include "provider/azure/redaction.h"
#include "provider/azure/url.h"
#include "provider/common/logging.h"
#include "provider/common/status_macros.h"

namespace secureaml::azure {
namespace {

// Identity endpoints answer with little but secrets under varied names
// ("value", "oidcToken", "access_token"), so their bodies are logged by
// allow-list: only fields known to be harmless keep their values.
std::string RedactTokenResponse(absl::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    return absl::StrCat("[non-JSON body, ", body.size(), " bytes]");
  }
  static const char* const kSafe[] = {
      "token_type",  "expires_in", "ext_expires_in", "expires_on",
      "not_before",  "resource",   "error",          "error_description",
      "error_codes", "timestamp",  "trace_id",       "correlation_id",
      "count",       "client_id"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool safe = false;
    for (const char* k : kSafe) safe = safe || it.key() == k;
    if (!safe) it.value() = kRedacted;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Token endpoints are idempotent in effect, so transient failures are
// retried a few times here; ARM-level pacing is not needed for them.
absl::StatusOr<HttpResponse> SendTokenRequest(const CredentialDeps& deps,
                                              HttpRequest req,
                                              const CancellationToken& cancel,
                                              absl::string_view what) {
  if (!deps.transport) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": no HTTP transport"));
  }
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) {
      if (deps.sleeper->Sleep(absl::Seconds(attempt), cancel)) {
        return absl::CancelledError(absl::StrCat(what, ": cancelled"));
      }
    }
    req.deadline = deps.clock->Now() + deps.request_timeout;
    absl::Time start = deps.clock->Now();
    absl::StatusOr<HttpResponse> resp = deps.transport->Send(req, cancel);
    if (!resp.ok()) {
      log::Debug("token request failed",
                 {{"method", req.method},
                  {"url", RedactUrl(req.url)},
                  {"error", std::string(resp.status().message())}});
      if (absl::IsCancelled(resp.status())) return resp.status();
      last = resp.status();
      continue;
    }
    log::Debug("token request",
               {{"method", req.method},
                {"url", RedactUrl(req.url)},
                {"status", std::to_string(resp->status)},
                {"duration_ms", std::to_string(absl::ToInt64Milliseconds(
                                    deps.clock->Now() - start))}});
    if (log::Enabled(log::Level::kTrace)) {
      log::Trace("token response body",
                 {{"body", RedactTokenResponse(resp->body)}});
    }
    if (resp->status == 429 || resp->status >= 500) {
      last = absl::UnavailableError(
          ArmErrorToStatus(ParseArmError(*resp, req.method, req.url))
              .message());
      continue;
    }
    return resp;
  }
  return absl::Status(last.code(), absl::StrCat(what, ": ", last.message()));
}

absl::StatusOr<AccessToken> ExchangeForToken(
    const CredentialDeps& deps, const std::string& login_endpoint,
    const std::string& tenant_id,
    std::vector<std::pair<std::string, std::string>> fields,
    const CancellationToken& cancel, absl::string_view what) {
  if (tenant_id.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": tenant_id (ARM_TENANT_ID) is not set"));
  }
  HttpRequest req;
  req.method = "POST";
  req.url = absl::StrCat(absl::StripSuffix(login_endpoint, "/"), "/",
                         PercentEncode(tenant_id), "/oauth2/v2.0/token");
  req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.Set("Accept", "application/json");
  req.body = FormEncode(fields);
  SECUREAML_ASSIGN_OR_RETURN(HttpResponse resp,
                             SendTokenRequest(deps, req, cancel, what));
  if (resp.status != 200) {
    ArmError e = ParseArmError(resp, "POST", req.url);
    return absl::UnauthenticatedError(
        absl::StrCat(what, ": the token endpoint ", RedactUrl(req.url),
                     " answered ", resp.status, " ", e.code, ": ", e.message));
  }
  absl::StatusOr<AccessToken> token =
      ParseTokenResponse(resp.body, deps.clock->Now());
  if (!token.ok()) {
    return absl::Status(token.status().code(),
                        absl::StrCat(what, ": ", token.status().message()));
  }
  return token;
}

absl::StatusOr<std::string> ReadFileTrimmed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read file ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

// Reads an int or string JSON value as int64.
std::optional<int64_t> IntOrString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string()) {
    int64_t v = 0;
    if (absl::SimpleAtoi(it->get<std::string>(), &v)) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string ScopeToResource(absl::string_view scope) {
  absl::string_view s = scope;
  if (absl::ConsumeSuffix(&s, "/.default")) return absl::StrCat(s, "/");
  absl::ConsumeSuffix(&s, ".default");
  return std::string(s);
}

absl::StatusOr<AccessToken> ParseTokenResponse(absl::string_view body,
                                               absl::Time now) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) {
    return absl::UnauthenticatedError("token response is not a JSON object");
  }
  auto it = j.find("access_token");
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return absl::UnauthenticatedError("token response has no access_token");
  }
  AccessToken t;
  t.token = it->get<std::string>();
  log::RegisterSecret(t.token);
  if (auto rt = j.find("refresh_token"); rt != j.end() && rt->is_string()) {
    log::RegisterSecret(rt->get<std::string>());
  }
  if (auto on = IntOrString(j, "expires_on"); on && *on > 1000000000) {
    t.expires_on = absl::FromUnixSeconds(*on);
  } else if (auto in = IntOrString(j, "expires_in"); in) {
    t.expires_on = now + absl::Seconds(*in);
  } else {
    return absl::UnauthenticatedError(
        "token response has neither expires_in nor expires_on");
  }
  return t;
}

// ---------------------------------------------------------------- caching

CachingCredential::CachingCredential(std::unique_ptr<TokenCredential> inner,
                                     Clock* clock,
                                     absl::Duration refresh_margin)
    : inner_(std::move(inner)),
      clock_(clock),
      refresh_margin_(refresh_margin) {}

absl::StatusOr<AccessToken> CachingCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  // Holding the lock across the fetch is the single flight: concurrent
  // requests wait for the one refresh instead of each calling Entra ID.
  std::lock_guard<std::mutex> lock(mu_);
  absl::Time now = clock_->Now();
  auto it = cache_.find(scope);
  if (it != cache_.end() && now < it->second.expires_on - refresh_margin_) {
    return it->second;
  }
  ++fetches_;
  absl::StatusOr<AccessToken> fresh = inner_->GetToken(scope, cancel);
  if (!fresh.ok()) {
    if (it != cache_.end() && now < it->second.expires_on - absl::Seconds(30)) {
      log::Warn("token refresh failed; using the cached token until it expires",
                {{"credential", inner_->Name()},
                 {"error", std::string(fresh.status().message())}});
      return it->second;
    }
    return fresh.status();
  }
  log::RegisterSecret(fresh->token);
  log::Debug("acquired access token",
             {{"credential", inner_->Name()},
              {"scope", std::string(scope)},
              {"expires_on", absl::FormatTime(fresh->expires_on)}});
  cache_[std::string(scope)] = *fresh;
  return *fresh;
}

void CachingCredential::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
  inner_->Invalidate();
}

int CachingCredential::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

// ---------------------------------------------------------- client secret

ClientSecretCredential::ClientSecretCredential(CredentialDeps deps,
                                               std::string login_endpoint,
                                               std::string tenant_id,
                                               std::string client_id,
                                               std::string client_secret)
    : deps_(std::move(deps)),
      login_endpoint_(std::move(login_endpoint)),
      tenant_id_(std::move(tenant_id)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)) {
  log::RegisterSecret(client_secret_);
}

absl::StatusOr<AccessToken> ClientSecretCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  return ExchangeForToken(deps_, login_endpoint_, tenant_id_,
                          {{"grant_type", "client_credentials"},
                           {"client_id", client_id_},
                           {"client_secret", client_secret_},
                           {"scope", std::string(scope)}},
                          cancel, "client secret");
}

// ----------------------------------------------------- client certificate

absl::StatusOr<std::unique_ptr<ClientCertificateCredential>>
ClientCertificateCredential::Create(CredentialDeps deps,
                                    std::string login_endpoint,
                                    std::string tenant_id,
                                    std::string client_id,
                                    absl::string_view certificate,
                                    absl::string_view password) {
  log::RegisterSecret(std::string(password));
  SECUREAML_ASSIGN_OR_RETURN(std::unique_ptr<CertificateSigner> signer,
                             LoadCertificate(certificate, password));
  std::unique_ptr<ClientCertificateCredential> c(
      new ClientCertificateCredential());
  c->deps_ = std::move(deps);
  c->login_endpoint_ = std::move(login_endpoint);
  c->tenant_id_ = std::move(tenant_id);
  c->client_id_ = std::move(client_id);
  c->signer_ = std::move(signer);
  return c;
}

absl::StatusOr<AccessToken> ClientCertificateCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  std::string token_url =
      absl::StrCat(absl::StripSuffix(login_endpoint_, "/"), "/",
                   PercentEncode(tenant_id_), "/oauth2/v2.0/token");
  SECUREAML_ASSIGN_OR_RETURN(
      std::string assertion,
      BuildClientAssertion(*signer_, token_url, client_id_,
                           deps_.clock->Now()));
  log::RegisterSecret(assertion);
  return ExchangeForToken(
      deps_, login_endpoint_, tenant_id_,
      {{"grant_type", "client_credentials"},
       {"client_id", client_id_},
       {"client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
       {"client_assertion", assertion},
       {"scope", std::string(scope)}},
      cancel, "client certificate");
}

// ------------------------------------------------------------------- OIDC

OidcCredential::OidcCredential(CredentialDeps deps, std::string login_endpoint,
                               std::string tenant_id, std::string client_id,
                               OidcSource source)
    : deps_(std::move(deps)),
      login_endpoint_(std::move(login_endpoint)),
      tenant_id_(std::move(tenant_id)),
      client_id_(std::move(client_id)),
      source_(std::move(source)) {
  log::RegisterSecret(source_.token);
  log::RegisterSecret(source_.request_token);
}

absl::StatusOr<std::string> OidcCredential::IdToken(
    const CancellationToken& cancel) {
  if (!source_.token.empty()) return source_.token;
  if (!source_.token_file_path.empty()) {
    absl::StatusOr<std::string> t = ReadFileTrimmed(source_.token_file_path);
    if (!t.ok()) return t.status();
    if (t->empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "OIDC token file ", source_.token_file_path, " is empty"));
    }
    log::RegisterSecret(*t);
    return t;
  }
  if (source_.request_url.empty() || source_.request_token.empty()) {
    return absl::FailedPreconditionError(
        "no OIDC token: set oidc_token / ARM_OIDC_TOKEN, oidc_token_file_path "
        "/ ARM_OIDC_TOKEN_FILE_PATH, or run in GitHub Actions with "
        "`permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL and "
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN)");
  }
  HttpRequest req;
  req.headers.Set("Authorization",
                  absl::StrCat("Bearer ", source_.request_token));
  req.headers.Set("Accept", "application/json");
  bool ado = !source_.ado_service_connection_id.empty();
  if (ado) {
    req.method = "POST";
    req.url =
        AppendQuery(AppendQuery(source_.request_url, "api-version", "7.1"),
                    "serviceConnectionId", source_.ado_service_connection_id);
    req.headers.Set("Content-Type", "application/json");
  } else {
    req.method = "GET";
    req.url = source_.request_url;
    if (QueryParam(req.url, "audience").empty()) {
      req.url = AppendQuery(req.url, "audience", "api://AzureADTokenExchange");
    }
  }
  SECUREAML_ASSIGN_OR_RETURN(
      HttpResponse resp,
      SendTokenRequest(deps_, req, cancel, "OIDC ID token request"));
  if (resp.status != 200) {
    return absl::UnauthenticatedError(absl::StrCat("the OIDC request URL ",
                                                   RedactUrl(req.url),
                                                   " answered ", resp.status));
  }
  nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
  const char* field = ado ? "oidcToken" : "value";
  if (!j.is_object() || !j.contains(field) || !j[field].is_string()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the OIDC request URL answered without a `", field, "` token"));
  }
  std::string token = j[field].get<std::string>();
  log::RegisterSecret(token);
  return token;
}

absl::StatusOr<AccessToken> OidcCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  absl::StatusOr<std::string> id_token = IdToken(cancel);
  if (!id_token.ok()) {
    return absl::Status(id_token.status().code(),
                        absl::StrCat("OIDC: ", id_token.status().message()));
  }
  return ExchangeForToken(
      deps_, login_endpoint_, tenant_id_,
      {{"grant_type", "client_credentials"},
       {"client_id", client_id_},
       {"client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
       {"client_assertion", *id_token},
       {"scope", std::string(scope)}},
      cancel, "OIDC");
}

// ------------------------------------------------------- managed identity

ManagedIdentityCredential::ManagedIdentityCredential(
    CredentialDeps deps, ManagedIdentityOptions opts)
    : deps_(std::move(deps)), opts_(std::move(opts)) {
  log::RegisterSecret(opts_.identity_header);
  // IMDS answers within a few seconds or not at all; do not let a missing
  // IMDS stall the credential chain for a minute.
  if (deps_.request_timeout > absl::Seconds(20)) {
    deps_.request_timeout = absl::Seconds(20);
  }
}

absl::StatusOr<AccessToken> ManagedIdentityCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  std::string resource = ScopeToResource(scope);
  HttpRequest req;
  req.method = "GET";
  req.headers.Set("Accept", "application/json");
  std::string what;
  if (opts_.msi_endpoint.empty() && !opts_.identity_endpoint.empty() &&
      !opts_.identity_header.empty()) {
    what = "managed identity (App Service endpoint)";
    req.url = AppendQuery(
        AppendQuery(opts_.identity_endpoint, "api-version", "2019-08-01"),
        "resource", resource);
    req.headers.Set("X-IDENTITY-HEADER", opts_.identity_header);
  } else {
    what = "managed identity (IMDS)";
    std::string base = opts_.msi_endpoint.empty()
                           ? "http://169.254.169.254/metadata/identity/oauth2/"
                             "token"
                           : opts_.msi_endpoint;
    req.url = AppendQuery(AppendQuery(base, "api-version", "2018-02-01"),
                          "resource", resource);
    req.headers.Set("Metadata", "true");
  }
  if (!opts_.client_id.empty()) {
    req.url = AppendQuery(req.url, "client_id", opts_.client_id);
  }
  SECUREAML_ASSIGN_OR_RETURN(HttpResponse resp,
                             SendTokenRequest(deps_, req, cancel, what));
  if (resp.status != 200) {
    ArmError e = ParseArmError(resp, "GET", req.url);
    return absl::UnauthenticatedError(
        absl::StrCat(what, ": ", RedactUrl(req.url), " answered ", resp.status,
                     " ", e.code, ": ", e.message));
  }
  absl::StatusOr<AccessToken> t =
      ParseTokenResponse(resp.body, deps_.clock->Now());
  if (!t.ok()) {
    return absl::Status(t.status().code(),
                        absl::StrCat(what, ": ", t.status().message()));
  }
  return t;
}

// ---------------------------------------------------------------- chained

ChainedCredential::ChainedCredential(
    std::vector<std::unique_ptr<TokenCredential>> chain,
    std::vector<std::string> not_configured)
    : chain_(std::move(chain)), not_configured_(std::move(not_configured)) {}

std::string ChainedCredential::Name() const {
  std::vector<std::string> names;
  for (const auto& c : chain_) names.push_back(c->Name());
  return absl::StrCat("chain(", absl::StrJoin(names, ", "), ")");
}

void ChainedCredential::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : chain_) c->Invalidate();
}

absl::StatusOr<AccessToken> ChainedCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  std::lock_guard<std::mutex> lock(mu_);
  if (selected_ >= 0) {
    return chain_[selected_]->GetToken(scope, cancel);
  }
  std::vector<std::string> failures;
  for (size_t i = 0; i < chain_.size(); ++i) {
    absl::StatusOr<AccessToken> t = chain_[i]->GetToken(scope, cancel);
    if (t.ok()) {
      selected_ = static_cast<int>(i);
      log::Info("authenticated to Azure", {{"credential", chain_[i]->Name()}});
      return t;
    }
    if (absl::IsCancelled(t.status())) return t.status();
    failures.push_back(
        absl::StrCat("  - ", chain_[i]->Name(), ": ", t.status().message()));
  }
  std::string msg = "no Azure credential could get a token. Tried, in order:\n";
  if (failures.empty()) absl::StrAppend(&msg, "  (no method was enabled)\n");
  absl::StrAppend(&msg, absl::StrJoin(failures, "\n"));
  if (!not_configured_.empty()) {
    absl::StrAppend(&msg, "\nNot tried (not configured):\n  - ",
                    absl::StrJoin(not_configured_, "\n  - "));
  }
  return absl::UnauthenticatedError(log::Redact(msg));
}

}  // namespace secureaml::azure
