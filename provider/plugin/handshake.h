// File: handshake.h
//
// The pure parts of go-plugin's start-up contract, kept free of sockets and
// TLS so they can be tested exhaustively: the magic cookie, protocol version
// negotiation, the one-line handshake Terraform reads from stdout, and the
// TF_REATTACH_PROVIDERS text printed in --debug mode.
//
//   SECUREAML_ASSIGN_OR_RETURN(int v, NegotiateProtocol("5,6", "", {5, 6}));
//   std::cout << FormatHandshakeLine(v, "unix", "/tmp/x/plugin.sock", der)
//             << std::flush;
#ifndef SECUREAML_PROVIDER_PLUGIN_HANDSHAKE_H_
#define SECUREAML_PROVIDER_PLUGIN_HANDSHAKE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace secureaml::plugin {

// Terraform's handshake config (internal/plugin/serve.go). Not a security
// measure: it only stops people from running the binary by hand by mistake.
inline constexpr absl::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr absl::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// What go-plugin servers print when the cookie is missing.
std::string MagicCookieMessage();

bool MagicCookieMatches(const char* value);

// Picks the protocol version to serve.
//  - `offered` is PLUGIN_PROTOCOL_VERSIONS ("5,6", "6,5", "5"; random order).
//    Empty means an old host that predates the list: it speaks 5 only.
//  - `forced` is SECUREAML_FORCE_PROTOCOL; when non-empty it must be one of
//    `supported` and `offered`.
//  - otherwise the highest version in both lists wins.
absl::StatusOr<int> NegotiateProtocol(absl::string_view offered,
                                      absl::string_view forced,
                                      const std::vector<int>& supported);

// Go's base64.RawStdEncoding: standard alphabet, no '=' padding.
std::string Base64RawStd(absl::string_view bytes);

// `1|<version>|<network>|<address>|grpc|<cert>` plus '\n'. `cert_der` empty
// means plaintext and leaves the 6th field empty. Never a 7th field: go-plugin
// v1.3 (Terraform 0.13/0.14) would glue it onto the certificate.
std::string FormatHandshakeLine(int protocol_version, absl::string_view network,
                                absl::string_view address,
                                absl::string_view cert_der);

// The shell line a user pastes in --debug mode:
// TF_REATTACH_PROVIDERS='{"<provider>":{"Protocol":"grpc",...}}'
std::string FormatReattachLine(absl::string_view provider_address,
                               int protocol_version, int pid,
                               absl::string_view network,
                               absl::string_view address);

}  // namespace secureaml::plugin

#endif  // SECUREAML_PROVIDER_PLUGIN_HANDSHAKE_H_
