// File: handshake.h
//
// The host half of go-plugin's start-up contract, as Terraform runs it:
// generating the one-time AutoMTLS client certificate (go-plugin mtls.go:
// ECDSA P-521, self-signed CA, CN/SAN localhost, O HashiCorp, EKU client and
// server auth, NotBefore now-30s) and parsing the handshake line the plugin
// prints on stdout (go-plugin client.go, "1|6|unix|/tmp/p|grpc|<base64 DER>").
//
// Parsing follows the Go code step by step, including its error texts, so a
// failure here reads like the message Terraform would print.
//
//   SECUREAML_ASSIGN_OR_RETURN(ClientCertificate cert,
//                              GenerateClientCertificate());
//   SECUREAML_ASSIGN_OR_RETURN(HandshakeInfo h,
//                              ParseHandshakeLine(line, {5, 6}));
#ifndef SECUREAML_TESTS_CONFORMANCE_HANDSHAKE_H_
#define SECUREAML_TESTS_CONFORMANCE_HANDSHAKE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace secureaml::conformance {

inline constexpr char kMagicCookieKey[] = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr char kMagicCookieValue[] =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// PEM-encoded certificate and "EC PRIVATE KEY" exactly as go-plugin makes.
struct ClientCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// A fresh go-plugin style certificate (P-521 unless `curve_nid` says
// otherwise; tests use other curves to build "a different certificate").
absl::StatusOr<ClientCertificate> GenerateClientCertificate(int curve_nid = 0);

struct HandshakeInfo {
  int core_version = 0;
  int protocol_version = 0;  // negotiated app protocol (5 or 6)
  std::string network;       // "unix" or "tcp"
  std::string address;       // socket path or host:port
  std::string protocol;      // "grpc"
  // Server leaf certificate as PEM; empty when the plugin sent none (field
  // absent or <= 50 characters, which go-plugin ignores).
  std::string server_cert_pem;
  std::string server_cert_der;
  // The line had more than six fields. go-plugin v1.3.0 (Terraform 0.13 and
  // 0.14) uses SplitN(line, "|", 6) and would glue the extra text onto the
  // certificate, so a strict check treats this as an error.
  bool has_extra_fields = false;
};

struct ParseOptions {
  // Protocol versions the host offered in PLUGIN_PROTOCOL_VERSIONS.
  std::vector<int> offered_versions = {5, 6};
  // Fail on a 7th field (see HandshakeInfo::has_extra_fields).
  bool strict_field_count = true;
};

// Parses the first stdout line (TrimSpace'd as Go does).
absl::StatusOr<HandshakeInfo> ParseHandshakeLine(std::string_view line,
                                                 const ParseOptions& options);

// base64.RawStdEncoding.DecodeString: standard alphabet, padding rejected,
// CR/LF ignored.
absl::StatusOr<std::string> DecodeRawStdBase64(std::string_view text);
std::string EncodeRawStdBase64(std::string_view bytes);

// DER certificate -> PEM (fails if the DER does not parse as X.509, as Go's
// x509.ParseCertificate would).
absl::StatusOr<std::string> CertificateDerToPem(std::string_view der);

// Describes the certificate for reports: subject, SAN, key type, validity.
std::string DescribeCertificatePem(std::string_view pem);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_HANDSHAKE_H_
