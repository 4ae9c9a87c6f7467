// terraform-provider-secureaml built over EchoCore instead of the real core:
// lets the Terraform smoke test drive plan/apply/destroy through the plugin
// and protocol layers with no Azure behind them.
#include "provider/plugin/serve.h"
#include "provider/protocol/provider_v5.h"
#include "provider/protocol/provider_v6.h"
#include "provider/protocol/testing/echo_core.h"

int main(int argc, char** argv) {
  secureaml::protocol::testing::EchoCore core;
  secureaml::protocol::ProviderV5 v5(core);
  secureaml::protocol::ProviderV6 v6(core);
  secureaml::plugin::ServeConfig config;
  config.provider_v5 = &v5;
  config.provider_v6 = &v6;
  config.on_shutdown = [&core] { core.Stop(); };
  return secureaml::plugin::Serve(config, argc, argv);
}
