// File: serve.h
//
// Runs the provider as a go-plugin server, the way Terraform and OpenTofu
// launch it: checks the magic cookie, negotiates protocol 5 or 6, listens on
// a 0600 Unix socket in a private directory, serves AutoMTLS when the host
// sent PLUGIN_CLIENT_CERT (plaintext otherwise), prints the handshake line and
// serves until GRPCController.Shutdown or SIGTERM.
//
// With --debug it serves plaintext for a debugger instead and prints the
// TF_REATTACH_PROVIDERS line to paste into another shell.
//
// The plugin layer knows nothing about the provider core: main.cc builds the
// tfplugin5/tfplugin6 services and hands them over.
//
//   int main(int argc, char** argv) {
//     Tfplugin6Service v6(...);
//     return secureaml::plugin::Serve({.provider_v6 = &v6}, argc, argv);
//   }
#ifndef SECUREAML_PROVIDER_PLUGIN_SERVE_H_
#define SECUREAML_PROVIDER_PLUGIN_SERVE_H_

#include <functional>
#include <string>

#include "grpcpp/impl/service_type.h"

namespace secureaml::plugin {

// The tfplugin5.Provider and tfplugin6.Provider services; either may be
// null, and the versions offered follow. Not owned; must outlive Serve().
struct ProviderServices {
  grpc::Service* v5 = nullptr;
  grpc::Service* v6 = nullptr;
};

struct ServeConfig {
  // The services, when they are built before Serve is called.
  grpc::Service* provider_v5 = nullptr;
  grpc::Service* provider_v6 = nullptr;

  // Or: builds them, replacing provider_v5/provider_v6. Serve calls it once
  // the magic cookie checks out, while other threads make the AutoMTLS key
  // and certificate, so building the provider overlaps with the TLS set-up
  // instead of delaying the handshake by its whole length.
  std::function<ProviderServices()> build_services;

  // Printed in the --debug reattach line.
  std::string provider_address = "registry.terraform.io/secureaml/secureaml";

  // Runs when the host calls GRPCController.Shutdown or on SIGTERM, before
  // the server stops: cancel in-flight work here. Must not block.
  std::function<void()> on_shutdown;
};

// Serves until told to stop; returns the process exit code.
int Serve(const ServeConfig& config, int argc, char** argv);

// gRPC's message size limits, both directions (terraform-plugin-go's value).
inline constexpr int kMaxMessageBytes = 256 << 20;

}  // namespace secureaml::plugin

#endif  // SECUREAML_PROVIDER_PLUGIN_SERVE_H_
