// File: redaction.h
//
// What the Azure client may write to logs. Two layers protect secrets:
// log::RegisterSecret() scrubs every value the credential code learned, and
// the functions here scrub things nobody registered: request/response bodies
// whose JSON keys or form fields look secret (datastore account keys, SAS
// tokens, passwords typed into HCL, tokens in AAD responses) and URL query
// parameters that are secrets (SAS `sig`, OAuth `code`, ...).
//
//   log::Trace("response body", {{"body", RedactBody(body, content_type)}});
#ifndef SECUREAML_PROVIDER_AZURE_REDACTION_H_
#define SECUREAML_PROVIDER_AZURE_REDACTION_H_

#include <string>
#include "absl/strings/string_view.h"

namespace secureaml::azure {

inline constexpr char kRedacted[] = "[REDACTED]";

// True for names such as password, clientSecret, client_secret, accountKey,
// primaryKey, key, keys, sasToken, access_token, client_assertion,
// privateKey, credentials, connectionString. False for names that merely
// mention keys or tokens: keyVault, keyVaultArmId, keyIdentifier, keyName,
// keyVersion, sshPublicKey, credentialsType, secretsType, token_type,
// expires_in.
bool IsSecretFieldName(absl::string_view name);

// Replaces values of secret query parameters (sig, se, sv, sp, skoid, code,
// client_secret, token, ...) with [REDACTED].
std::string RedactUrl(absl::string_view url);

// JSON bodies: secret keys' values become "[REDACTED]" at any depth.
// Form bodies (application/x-www-form-urlencoded): secret fields likewise.
// Anything else is returned unchanged (the log layer still applies
// registered secrets). Bodies longer than `max_len` are truncated.
std::string RedactBody(absl::string_view body, absl::string_view content_type,
                       size_t max_len = 32 * 1024);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_REDACTION_H_
