// terraform-provider-secureaml: the binary Terraform launches. Wires the
// provider (resources/) into the protocol-free core, wraps the core in the
// tfplugin5/tfplugin6 adapters and hands both to the go-plugin server,
// which owns everything about process start-up and shutdown.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "provider/common/logging.h"
#include "provider/core/provider_server.h"
#include "provider/plugin/serve.h"
#include "provider/protocol/core_server.h"
#include "provider/protocol/provider_v5.h"
#include "provider/protocol/provider_v6.h"
#include "resources/provider.h"

namespace secureaml {
namespace {

// What Terraform talks to: the core with every schema built (Terraform may
// skip GetProviderSchema under get_provider_schema_optional, so the schemas
// must exist before the first RPC) behind the tfplugin5/6 adapters.
struct Provider {
  Provider()
      : server(resources::NewProvider()), core(server), v5(core), v6(core) {}

  core::ProviderServer server;
  protocol::CoreServerFor<core::ProviderServer> core;
  protocol::ProviderV5 v5;
  protocol::ProviderV6 v6;
};

int Main(int argc, char** argv) {
  // Before the core is built, so its records honour TF_LOG too.
  log::InitFromEnvironment();

  // Built by Serve once the magic cookie checks out, while the AutoMTLS key
  // is generated on other threads.
  std::unique_ptr<Provider> provider;
  plugin::ServeConfig config;
  config.build_services = [&provider] {
    provider = std::make_unique<Provider>();
    return plugin::ProviderServices{&provider->v5, &provider->v6};
  };
  // The host is done with us: cancel whatever is still waiting on Azure.
  config.on_shutdown = [&provider] {
    if (provider != nullptr) provider->server.Stop();
  };
  int rc = plugin::Serve(config, argc, argv);
  // Leave at once, as go-plugin servers do with os.Exit: the host gives us
  // 2 s after Shutdown before SIGKILL, and running the destructors of gRPC's
  // and cpprest's thread pools after concurrent calls sometimes blocked past
  // that (seen by the conformance client's concurrent-calls test).
  std::fflush(nullptr);
  std::_Exit(rc);
}

}  // namespace
}  // namespace secureaml

int main(int argc, char** argv) { return secureaml::Main(argc, argv); }
