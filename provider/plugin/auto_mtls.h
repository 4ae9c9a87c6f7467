// File: auto_mtls.h
//
// go-plugin AutoMTLS, server side. When Terraform sets PLUGIN_CLIENT_CERT it
// expects the plugin to (1) generate a one-time self-signed certificate that
// verifies for host "localhost" against itself as the only root, (2) print it
// as DER in the handshake, and (3) serve TLS that requires and verifies the
// client certificate against PLUGIN_CLIENT_CERT alone. Everything is done in
// memory; nothing touches disk.
//
//   SECUREAML_ASSIGN_OR_RETURN(SelfSignedCertificate cert,
//                              GenerateSelfSignedCertificate({}));
//   auto creds = MakeServerCredentials(cert, client_cert_pem);
#ifndef SECUREAML_PROVIDER_PLUGIN_AUTO_MTLS_H_
#define SECUREAML_PROVIDER_PLUGIN_AUTO_MTLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"

namespace secureaml::plugin {

enum class KeyCurve { kP256, kP384, kP521 };

struct CertificateOptions {
  // P-256: fast to generate and verified by every Go and OpenSSL version.
  // Tests use kP521 to make client certificates like Terraform's.
  KeyCurve curve = KeyCurve::kP256;
  std::string common_name = "localhost";
  std::string organization = "secureaml";
  // The certificate lives as long as the process; the margin only guards
  // against clock skew between the host and the plugin.
  absl::Duration not_before_margin = absl::Seconds(30);
  absl::Duration validity = absl::Hours(24 * 365);
};

struct SelfSignedCertificate {
  std::string cert_pem;
  std::string cert_der;
  std::string key_pem;  // RFC 5915 "EC PRIVATE KEY"
};

// ECDSA key, SHA-256/384/512 signature matching the curve, SAN DNS:localhost,
// EKU serverAuth+clientAuth, CA:TRUE (Go's own servers set it too),
// random 127-bit serial, NotBefore = now - margin.
absl::StatusOr<SelfSignedCertificate> GenerateSelfSignedCertificate(
    const CertificateOptions& options);

// TLS server credentials that present `server` and require a client
// certificate signed by (in practice: equal to) `client_cert_pem`.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const SelfSignedCertificate& server, const std::string& client_cert_pem);

// DER of the first certificate in `pem`, to check PLUGIN_CLIENT_CERT early
// and give a clear error instead of a failing TLS handshake later.
absl::StatusOr<std::string> PemCertificateToDer(const std::string& pem);
// The inverse, for clients that got the DER from the handshake line.
absl::StatusOr<std::string> DerCertificateToPem(const std::string& der);

}  // namespace secureaml::plugin

#endif  // SECUREAML_PROVIDER_PLUGIN_AUTO_MTLS_H_
