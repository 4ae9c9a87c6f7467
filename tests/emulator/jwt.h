// File: jwt.h
//
// Minimal JWT plumbing for the emulator's identity endpoints: base64url,
// HS256 signing of the tokens it issues, and RS256/ES256 verification of
// client assertions against registered certificates.
#ifndef SECUREAML_TESTS_EMULATOR_JWT_H_
#define SECUREAML_TESTS_EMULATOR_JWT_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include <nlohmann/json.hpp>

namespace secureaml::emulator {

std::string Base64UrlEncode(absl::string_view data);
std::optional<std::string> Base64UrlDecode(absl::string_view text);
std::string HmacSha256(absl::string_view key, absl::string_view data);

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;  // header.payload as sent
  std::string signature;      // raw bytes
};
// Structure only; no signature check.
std::optional<DecodedJwt> DecodeJwt(absl::string_view token);

std::string SignHs256(const nlohmann::json& header,
                      const nlohmann::json& payload, absl::string_view key);
// Verifies an RS256 or ES256 signature with the public key of `cert_pem`.
bool VerifyWithCertificate(const DecodedJwt& jwt, const std::string& cert_pem);
// base64url(SHA-1(cert DER)), the x5t header value.
std::string CertificateThumbprint(const std::string& cert_pem);

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_JWT_H_
