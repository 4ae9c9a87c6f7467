// A go-plugin server with empty tfplugin5/tfplugin6 services (every provider
// RPC answers UNIMPLEMENTED). The plugin-layer process tests drive it so they
// exercise handshake, TLS, health and shutdown without the provider core.
#include "proto/tfplugin5.grpc.pb.h"
#include "proto/tfplugin6.grpc.pb.h"
#include "provider/plugin/serve.h"

int main(int argc, char** argv) {
  tfplugin5::Provider::Service v5;
  tfplugin6::Provider::Service v6;
  secureaml::plugin::ServeConfig config;
  config.provider_v5 = &v5;
  config.provider_v6 = &v6;
  return secureaml::plugin::Serve(config, argc, argv);
}
