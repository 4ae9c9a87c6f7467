// secureaml-conformance: runs a JSON scenario against the provider binary
// through the conformance client, with Terraform core's checks, and no
// terraform/tofu needed. The quickstart falls back to it when neither is on
// PATH.
//
//   secureaml-conformance --provider
//   build/provider/terraform-provider-secureaml
//                         --scenario examples/quickstart/scenario.json
//                         [--emulator
//                         build/tests/emulator/secureaml-arm-emulator]
//                         [--protocol 6,5] [--fresh-process-per-phase]
//                         [--keep-going] [--verbose]
//
// Exit status: 0 when every step passed, 1 on any violation or error, 2 on
// usage errors.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "nlohmann/json.hpp"
#include "tests/conformance/scenario.h"

namespace {

int Usage(const char* why) {
  if (why) std::fprintf(stderr, "secureaml-conformance: %s\n", why);
  std::fprintf(stderr,
               "usage: secureaml-conformance --provider PATH --scenario FILE "
               "[--emulator PATH] [--protocol 6,5] "
               "[--fresh-process-per-phase] [--keep-going] [--verbose]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using secureaml::conformance::Finding;
  using secureaml::conformance::ParseScenario;
  using secureaml::conformance::RunScenario;
  using secureaml::conformance::ScenarioOptions;

  std::string provider, scenario_path, emulator, protocol = "6,5";
  bool fresh = false, keep_going = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (a == "--provider") {
      if (!value(&provider)) return Usage("--provider needs a path");
    } else if (a == "--scenario") {
      if (!value(&scenario_path)) return Usage("--scenario needs a file");
    } else if (a == "--emulator") {
      if (!value(&emulator)) return Usage("--emulator needs a path");
    } else if (a == "--protocol") {
      if (!value(&protocol)) return Usage("--protocol needs e.g. 6,5");
    } else if (a == "--fresh-process-per-phase") {
      fresh = true;
    } else if (a == "--keep-going") {
      keep_going = true;
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (a == "--help" || a == "-h") {
      return Usage(nullptr);
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
  }
  if (provider.empty()) {
    if (const char* e = std::getenv("SECUREAML_PROVIDER_BINARY")) provider = e;
  }
  if (emulator.empty()) {
    if (const char* e = std::getenv("SECUREAML_EMULATOR_BINARY")) emulator = e;
  }
  if (provider.empty()) return Usage("--provider is required");
  if (scenario_path.empty()) return Usage("--scenario is required");

  std::ifstream in(scenario_path);
  if (!in) return Usage(("cannot read " + scenario_path).c_str());
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return Usage("scenario is not valid JSON");
  auto scenario = ParseScenario(j);
  if (!scenario.ok()) {
    return Usage(std::string(scenario.status().message()).c_str());
  }

  ScenarioOptions o;
  o.session.process.binary = provider;
  o.session.process.protocol_versions = protocol;
  o.session.process.echo_stderr = verbose;
  o.session.fresh_process_per_phase = fresh;
  o.emulator_binary = emulator;
  o.keep_going = keep_going;
  o.log = [](const std::string& line) { std::cout << line << std::endl; };
  std::cout << "secureaml-conformance: " << scenario_path << " against "
            << provider << std::endl;
  auto result = RunScenario(*scenario, o);
  for (const Finding& f : result.findings.items()) {
    if (f.kind == Finding::Kind::kWarning && !verbose) continue;
    std::cout << "\n" << f.ToString() << "\n";
  }
  std::cout << "\n" << result.summary << std::endl;
  return result.ok ? 0 : 1;
}
