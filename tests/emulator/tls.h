// File: tls.h
//
// Self-signed TLS material for the emulator: a throwaway CA generated at start
// and a leaf certificate for 127.0.0.1 / localhost signed by it. Clients trust
// the CA through SSL_CERT_FILE or NODE_EXTRA_CA_CERTS.
#ifndef SECUREAML_TESTS_EMULATOR_TLS_H_
#define SECUREAML_TESTS_EMULATOR_TLS_H_

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "absl/status/statusor.h"

namespace secureaml::emulator {

struct TlsMaterial {
  std::string ca_cert_pem;
  std::string leaf_cert_pem;
  std::string leaf_key_pem;
};

// EC P-256 keys; the leaf carries IP SAN 127.0.0.1 and DNS SAN localhost.
absl::StatusOr<TlsMaterial> GenerateTlsMaterial();

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

// TLS 1.2 and 1.3 server context presenting leaf + CA chain.
absl::StatusOr<SslCtxPtr> MakeServerContext(const TlsMaterial& material);

// Client context trusting only `ca_pem` (tests use it).
absl::StatusOr<SslCtxPtr> MakeClientContext(const std::string& ca_pem);

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_TLS_H_
