// Entra ID (v1/v2 token endpoint), managed identity (IMDS and App Service)
// and the GitHub-Actions-style OIDC token service, plus access-token
// validation for ARM routes.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/emulator/jwt.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kAssertionType[] =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

bool IsManagementAudience(absl::string_view aud, absl::string_view base_url) {
  std::string a = absl::AsciiStrToLower(aud);
  while (!a.empty() && a.back() == '/') a.pop_back();
  std::string b = absl::AsciiStrToLower(base_url);
  return a == "https://management.azure.com" ||
         a == "https://management.core.windows.net" || a == b;
}

}  // namespace

void ArmService::SeedIdentities() {
  Principal admin;
  admin.object_id = "3c2f9a1e-7b4d-4e2a-9c1f-5d8e7a6b4c21";
  admin.app_id = kDefaultClientId;
  admin.display_name = "secureaml-emulator-admin";
  admin.type = "ServicePrincipal";
  admin.secret = kDefaultClientSecret;
  AddPrincipal(admin);

  // The identity IMDS and the App Service endpoint hand out tokens for.
  Principal vm;
  vm.object_id = "9e1d4c7b-2a3f-4b5e-8d6c-1f0a2b3c4d5e";
  vm.app_id = "5b7e2d1c-9f8a-4c3b-a2e1-0d9c8b7a6f5e";
  vm.display_name = "emulator-vm-system-identity";
  vm.type = "ServicePrincipal";
  vm.managed_identity = true;
  AddPrincipal(vm);
}

std::string ArmService::Sign(absl::string_view signing_input,
                             const std::string& key) {
  return Base64UrlEncode(HmacSha256(key, signing_input));
}

std::string ArmService::MintAccessToken(const Principal& p,
                                        absl::string_view audience,
                                        int64_t lifetime_seconds) {
  int64_t now = absl::ToUnixSeconds(now_);
  json header = {{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "emulator"}};
  json payload = {
      {"aud", audience},
      {"iss", absl::StrCat("https://sts.windows.net/", kTenantId, "/")},
      {"iat", now},
      {"nbf", now},
      {"exp", now + lifetime_seconds},
      {"tid", kTenantId},
      {"oid", p.object_id},
      {"sub", p.object_id},
      {"idtyp", p.type == "User" ? "user" : "app"},
      {"ver", "1.0"},
      {"uti", NewGuid()}};
  if (!p.app_id.empty()) payload["appid"] = p.app_id;
  if (p.type == "User") payload["name"] = p.display_name;
  return SignHs256(header, payload, hmac_key_);
}

std::string ArmService::MintOidcToken(absl::string_view subject,
                                      absl::string_view audience) {
  int64_t now = absl::ToUnixSeconds(now_);
  json header = {{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "emulator-oidc"}};
  json payload = {{"iss", kGithubIssuer},
                  {"sub", subject},
                  {"aud", audience},
                  {"iat", now},
                  {"nbf", now},
                  {"exp", now + 600},
                  {"jti", NewGuid()},
                  {"repository", "secureaml/demo"},
                  {"ref", "refs/heads/main"}};
  return SignHs256(header, payload, oidc_key_);
}

bool ArmService::ValidateAccessToken(absl::string_view token, Caller* caller,
                                     std::string* code, std::string* message) {
  auto jwt = DecodeJwt(token);
  if (!jwt || Base64UrlEncode(HmacSha256(hmac_key_, jwt->signing_input)) !=
                  Base64UrlEncode(jwt->signature)) {
    *code = "InvalidAuthenticationToken";
    *message = "The access token is invalid.";
    return false;
  }
  const json& p = jwt->payload;
  if (!p.contains("exp") || !p["exp"].is_number_integer()) {
    *code = "InvalidAuthenticationToken";
    *message = "The access token is invalid.";
    return false;
  }
  int64_t exp = p["exp"].get<int64_t>();
  if (auto expired = expired_tokens_.find(std::string(token));
      expired != expired_tokens_.end()) {
    exp = std::min(exp, absl::ToUnixSeconds(expired->second));
  }
  if (absl::ToUnixSeconds(now_) >= exp) {
    *code = "ExpiredAuthenticationToken";
    *message = absl::StrCat(
        "The access token expiry UTC time '",
        absl::FormatTime("%m/%d/%Y %I:%M:%S %p", absl::FromUnixSeconds(exp),
                         absl::UTCTimeZone()),
        "' is earlier than current UTC time '",
        absl::FormatTime("%m/%d/%Y %I:%M:%S %p", now_, absl::UTCTimeZone()),
        "'.");
    return false;
  }
  std::string aud = p.value("aud", "");
  if (!IsManagementAudience(aud, "https://management.azure.com") &&
      !absl::StartsWith(aud, "https://127.0.0.1") &&
      !absl::StartsWith(aud, "https://localhost")) {
    *code = "InvalidAuthenticationTokenAudience";
    *message = absl::StrCat(
        "The access token has been obtained for wrong audience or resource '",
        aud,
        "'. It should exactly match with one of the allowed audiences "
        "'https://management.core.windows.net/','https://"
        "management.core.windows.net','https://management.azure.com/',"
        "'https://management.azure.com'.");
    return false;
  }
  if (!absl::EqualsIgnoreCase(p.value("tid", ""), kTenantId)) {
    *code = "InvalidAuthenticationTokenTenant";
    *message = absl::StrCat("The access token is from the wrong issuer '",
                            p.value("iss", ""),
                            "'. It must match the tenant associated with this "
                            "subscription.");
    return false;
  }
  caller->object_id = p.value("oid", "");
  caller->app_id = p.value("appid", "");
  caller->tenant_id = kTenantId;
  caller->type = p.value("idtyp", "app") == "user" ? "User" : "Application";
  caller->display = caller->type == "User" ? p.value("name", caller->object_id)
                                           : caller->app_id;
  return true;
}

namespace {

struct EntraError {
  int status;
  std::string error;
  int code;
  std::string description;
};

}  // namespace

HttpResponse ArmService::HandleToken(HttpRequest& req, RequestContext& c,
                                     absl::string_view tenant, bool v2) {
  auto fail = [&](const EntraError& e) {
    std::string ts =
        absl::FormatTime("%Y-%m-%d %H:%M:%SZ", now_, absl::UTCTimeZone());
    std::string trace = NewGuid();
    std::string corr = c.http->Header("client-request-id");
    if (corr.empty()) corr = NewGuid();
    return JsonResponse(
        e.status,
        json{{"error", e.error},
             {"error_description",
              absl::StrCat("AADSTS", e.code, ": ", e.description,
                           " Trace ID: ", trace, " Correlation ID: ", corr,
                           " Timestamp: ", ts)},
             {"error_codes", {e.code}},
             {"timestamp", ts},
             {"trace_id", trace},
             {"correlation_id", corr},
             {"error_uri",
              absl::StrCat("https://login.microsoftonline.com/error?code=",
                           e.code)}});
  };
  if (req.method != "POST") {
    return fail({400, "invalid_request", 900561,
                 "The endpoint only accepts POST requests. Received a " +
                     req.method + " request."});
  }
  if (!absl::EqualsIgnoreCase(tenant, kTenantId)) {
    return fail({400, "invalid_request", 90002,
                 absl::StrCat("Tenant '", tenant,
                              "' not found. Check to make sure you have the "
                              "correct tenant ID and are signing into the "
                              "correct cloud.")});
  }
  KeyValues form = ParseQueryString(req.body);
  auto get = [&](absl::string_view k) -> std::string {
    for (const auto& [key, v] : form) {
      if (key == k) return v;
    }
    return "";
  };
  std::string grant = get("grant_type");
  if (grant.empty()) {
    return fail({400, "invalid_request", 900144,
                 "The request body must contain the following parameter: "
                 "'grant_type'."});
  }
  if (grant != "client_credentials") {
    return fail({400, "unsupported_grant_type", 70003,
                 absl::StrCat("The app requested an unsupported grant type '",
                              grant, "'.")});
  }
  std::string client_id = get("client_id");
  if (client_id.empty()) {
    return fail({400, "invalid_request", 900144,
                 "The request body must contain the following parameter: "
                 "'client_id'."});
  }
  std::string audience;
  if (v2) {
    std::string scope = get("scope");
    if (scope.empty()) {
      return fail({400, "invalid_request", 900144,
                   "The request body must contain the following parameter: "
                   "'scope'."});
    }
    if (!absl::EndsWith(scope, "/.default")) {
      return fail({400, "invalid_scope", 1002012,
                   absl::StrCat("The provided value for scope ", scope,
                                " is not valid. Client credential flows must "
                                "have a scope value with /.default suffixed "
                                "to the resource identifier (application ID "
                                "URI).")});
    }
    audience = scope.substr(0, scope.size() - strlen("/.default"));
  } else {
    audience = get("resource");
    if (audience.empty()) {
      return fail({400, "invalid_request", 900144,
                   "The request body must contain the following parameter: "
                   "'resource'."});
    }
  }
  if (!IsManagementAudience(audience, c.base_url)) {
    return fail({400, "invalid_resource", 500011,
                 absl::StrCat("The resource principal named ", audience,
                              " was not found in the tenant named ", kTenantId,
                              ". This can happen if the application has not "
                              "been installed by the administrator of the "
                              "tenant or consented to by any user in the "
                              "tenant. You might have sent your "
                              "authentication request to the wrong tenant.")});
  }
  // A trailing-slash audience is what ARM tokens carry.
  if (!absl::EndsWith(audience, "/")) audience += "/";
  Principal* p = FindPrincipalByAppId(client_id);
  if (p == nullptr || now_ < p->visible_at || p->managed_identity) {
    return fail({400, "unauthorized_client", 700016,
                 absl::StrCat("Application with identifier '", client_id,
                              "' was not found in the directory '", kTenantId,
                              "'. This can happen if the application has not "
                              "been installed by the administrator of the "
                              "tenant or consented to by any user in the "
                              "tenant. You may have sent your authentication "
                              "request to the wrong tenant.")});
  }
  std::string secret = get("client_secret");
  std::string assertion = get("client_assertion");
  if (!secret.empty()) {
    if (p->secret.empty() || secret != p->secret) {
      return fail({401, "invalid_client", 7000215,
                   absl::StrCat("Invalid client secret provided. Ensure the "
                                "secret being sent in the request is the "
                                "client secret value, not the client secret "
                                "ID, for a secret added to app '",
                                client_id, "'.")});
    }
  } else if (!assertion.empty()) {
    if (get("client_assertion_type") != kAssertionType) {
      return fail({400, "invalid_request", 50027,
                   "client_assertion_type must be "
                   "urn:ietf:params:oauth:client-assertion-type:jwt-bearer."});
    }
    auto jwt = DecodeJwt(assertion);
    if (!jwt) {
      return fail({400, "invalid_request", 50027,
                   "JWT token is invalid or malformed."});
    }
    const json& claims = jwt->payload;
    std::string iss = claims.value("iss", "");
    std::string sub = claims.value("sub", "");
    int64_t now = absl::ToUnixSeconds(now_);
    int64_t exp = claims.contains("exp") && claims["exp"].is_number()
                      ? claims["exp"].get<int64_t>()
                      : 0;
    int64_t nbf = claims.contains("nbf") && claims["nbf"].is_number()
                      ? claims["nbf"].get<int64_t>()
                      : 0;
    if (exp == 0 || now >= exp || nbf > now + 300) {
      return fail({400, "invalid_client", 700024,
                   "Client assertion is not within its valid time range."});
    }
    if (absl::EqualsIgnoreCase(iss, client_id)) {
      // Certificate credential: iss = sub = client id, aud = token URL.
      if (!absl::EqualsIgnoreCase(sub, client_id)) {
        return fail({401, "invalid_client", 700021,
                     "Client assertion application identifier doesn't match "
                     "'client_id' parameter."});
      }
      std::string aud;
      if (claims.contains("aud") && claims["aud"].is_string()) {
        aud = claims["aud"].get<std::string>();
      }
      std::string token_url = c.base_url + req.path;
      if (!absl::EqualsIgnoreCase(aud, token_url) &&
          !absl::EqualsIgnoreCase(
              aud, absl::StrCat(c.base_url, "/", tenant, "/oauth2/token")) &&
          !absl::EqualsIgnoreCase(
              aud, absl::StrCat(c.base_url, "/", tenant, "/v2.0"))) {
        return fail({401, "invalid_client", 700212,
                     absl::StrCat("The audience '", aud,
                                  "' of the client assertion is not valid. "
                                  "Expected '",
                                  token_url, "'.")});
      }
      bool verified = false;
      std::string x5t = jwt->header.value("x5t", "");
      for (const std::string& pem : p->certificate_pems) {
        if (!x5t.empty() && CertificateThumbprint(pem) != x5t) continue;
        if (VerifyWithCertificate(*jwt, pem)) {
          verified = true;
          break;
        }
      }
      if (!verified) {
        return fail({401, "invalid_client", 700027,
                     "The certificate with identifier used to sign the "
                     "client assertion is not registered on application, "
                     "or the signature is invalid."});
      }
    } else {
      // Federated credential: an OIDC token from a trusted issuer.
      const FederatedCredential* match = nullptr;
      for (const FederatedCredential& f : p->federated) {
        if (f.issuer == iss && f.subject == sub) match = &f;
      }
      if (match == nullptr) {
        return fail(
            {400, "invalid_request", 70021,
             absl::StrCat("No matching federated identity record "
                          "found for presented assertion. Assertion "
                          "Issuer: '",
                          iss, "'. Assertion Subject: '", sub,
                          "'. Assertion Audience: '",
                          claims.contains("aud") ? claims["aud"].dump() : "",
                          "'.")});
      }
      bool aud_ok = false;
      if (claims.contains("aud")) {
        if (claims["aud"].is_string()) {
          aud_ok = claims["aud"].get<std::string>() == match->audience;
        } else if (claims["aud"].is_array()) {
          for (const json& a : claims["aud"]) {
            if (a.is_string() && a.get<std::string>() == match->audience) {
              aud_ok = true;
            }
          }
        }
      }
      if (!aud_ok) {
        return fail({400, "invalid_request", 700212,
                     "No matching federated identity record found for "
                     "presented assertion audience."});
      }
      if (Base64UrlEncode(HmacSha256(oidc_key_, jwt->signing_input)) !=
          Base64UrlEncode(jwt->signature)) {
        return fail({400, "invalid_client", 700027,
                     "Client assertion failed signature validation."});
      }
    }
  } else {
    return fail({401, "invalid_client", 7000218,
                 "The request body must contain the following parameter: "
                 "'client_assertion' or 'client_secret'."});
  }
  int64_t life = config_.token_lifetime_seconds;
  std::string token = MintAccessToken(*p, audience, life);
  if (v2) {
    return JsonResponse(200, json{{"token_type", "Bearer"},
                                  {"expires_in", life},
                                  {"ext_expires_in", life},
                                  {"access_token", token}});
  }
  int64_t now = absl::ToUnixSeconds(now_);
  return JsonResponse(200, json{{"token_type", "Bearer"},
                                {"expires_in", std::to_string(life)},
                                {"ext_expires_in", std::to_string(life)},
                                {"expires_on", std::to_string(now + life)},
                                {"not_before", std::to_string(now)},
                                {"resource", audience},
                                {"access_token", token}});
}

HttpResponse ArmService::HandleImds(HttpRequest& req, RequestContext& c) {
  auto fail = [](int status, absl::string_view desc) {
    return JsonResponse(status, json{{"error", "invalid_request"},
                                     {"error_description", desc}});
  };
  if (req.method != "GET") return fail(405, "Only GET is supported");
  if (!absl::EqualsIgnoreCase(req.Header("metadata"), "true")) {
    return fail(400, "Required metadata header not specified");
  }
  if (!req.Query("api-version")) {
    return fail(400, "Required query variable 'api-version' is missing");
  }
  auto resource = req.Query("resource");
  if (!resource || resource->empty()) {
    return fail(400, "Required query variable 'resource' is missing");
  }
  if (!IsManagementAudience(*resource, c.base_url)) {
    return fail(400, "Specified resource is not supported by the emulator");
  }
  Principal* p = nullptr;
  auto client_id = req.Query("client_id");
  auto object_id = req.Query("object_id");
  if (client_id) {
    p = FindPrincipalByAppId(*client_id);
  } else if (object_id) {
    p = FindPrincipal(*object_id);
  } else {
    p = FindPrincipal("9e1d4c7b-2a3f-4b5e-8d6c-1f0a2b3c4d5e");
  }
  if (p == nullptr || !p->managed_identity) {
    return fail(400, "Identity not found");
  }
  int64_t life = config_.token_lifetime_seconds;
  int64_t now = absl::ToUnixSeconds(now_);
  return JsonResponse(
      200, json{{"access_token", MintAccessToken(*p, *resource, life)},
                {"client_id", p->app_id},
                {"expires_in", std::to_string(life)},
                {"expires_on", std::to_string(now + life)},
                {"ext_expires_in", std::to_string(life)},
                {"not_before", std::to_string(now)},
                {"resource", *resource},
                {"token_type", "Bearer"}});
}

HttpResponse ArmService::HandleAppServiceMsi(HttpRequest& req,
                                             RequestContext& c) {
  if (req.method != "GET") {
    return JsonResponse(
        405, json{{"statusCode", 405}, {"message", "Only GET is supported."}});
  }
  if (req.Header("x-identity-header") != kIdentityHeader) {
    return JsonResponse(401,
                        json{{"statusCode", 401},
                             {"message",
                              "Unauthorized: X-IDENTITY-HEADER is missing or "
                              "does not match IDENTITY_HEADER."}});
  }
  auto resource = req.Query("resource");
  if (!resource || resource->empty() || !req.Query("api-version")) {
    return JsonResponse(400, json{{"statusCode", 400},
                                  {"message",
                                   "Required parameters 'resource' and "
                                   "'api-version' are missing."}});
  }
  Principal* p = nullptr;
  if (auto id = req.Query("client_id")) {
    p = FindPrincipalByAppId(*id);
  } else if (auto oid = req.Query("principal_id")) {
    p = FindPrincipal(*oid);
  } else {
    p = FindPrincipal("9e1d4c7b-2a3f-4b5e-8d6c-1f0a2b3c4d5e");
  }
  if (p == nullptr || !p->managed_identity) {
    return JsonResponse(400, json{{"statusCode", 400},
                                  {"message",
                                   "No managed identity found for "
                                   "the specified parameters."}});
  }
  if (!IsManagementAudience(*resource, c.base_url)) {
    return JsonResponse(
        400, json{{"statusCode", 400}, {"message", "Unsupported resource."}});
  }
  int64_t life = config_.token_lifetime_seconds;
  int64_t now = absl::ToUnixSeconds(now_);
  return JsonResponse(
      200, json{{"access_token", MintAccessToken(*p, *resource, life)},
                {"expires_on", std::to_string(now + life)},
                {"resource", *resource},
                {"token_type", "Bearer"},
                {"client_id", p->app_id}});
}

HttpResponse ArmService::HandleGithubOidc(HttpRequest& req, RequestContext& c) {
  std::string auth = req.Header("authorization");
  if (auth != absl::StrCat("Bearer ", kGithubRequestToken) &&
      auth != absl::StrCat("bearer ", kGithubRequestToken)) {
    return JsonResponse(401, json{{"message", "Bad credentials"}});
  }
  std::string audience =
      req.Query("audience").value_or("api://AzureADTokenExchange");
  std::string subject = req.Query("subject").value_or(
      "repo:secureaml/terraform-provider-secureaml:ref:refs/heads/main");
  return JsonResponse(
      200, json{{"count", 1}, {"value", MintOidcToken(subject, audience)}});
}

}  // namespace secureaml::emulator
