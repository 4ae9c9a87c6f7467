// secureaml-arm-emulator: local HTTPS emulator of the parts of Azure the
// provider talks to. See README.md for the command line and the admin API.
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/config.h"
#include "tests/emulator/server.h"
#include "tests/emulator/service.h"
#include "tests/emulator/tls.h"

namespace {

using secureaml::emulator::ArmService;

int Usage(const char* msg) {
  if (msg != nullptr) std::cerr << "secureaml-arm-emulator: " << msg << "\n";
  std::cerr << "usage: secureaml-arm-emulator [--port N] [--ca-cert-out FILE] "
               "[--env-out FILE] [--landing-zone] [--landing-zone-out FILE] "
               "[--config FILE] [--record DIR]\n";
  return 2;
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return static_cast<bool>(out);
}

int signal_pipe[2] = {-1, -1};

void OnSignal(int) {
  char c = 1;
  ssize_t ignored = write(signal_pipe[1], &c, 1);
  (void)ignored;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string ca_out, env_out, lz_out, config_path, record_dir;
  bool landing_zone = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) -> bool {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--port") {
      if (!value(&v) || !absl::SimpleAtoi(v, &port) || port < 0 ||
          port > 65535) {
        return Usage("--port needs a number 0-65535");
      }
    } else if (a == "--ca-cert-out") {
      if (!value(&ca_out)) return Usage("--ca-cert-out needs a file");
    } else if (a == "--env-out") {
      if (!value(&env_out)) return Usage("--env-out needs a file");
    } else if (a == "--landing-zone") {
      landing_zone = true;
    } else if (a == "--landing-zone-out") {
      if (!value(&lz_out)) return Usage("--landing-zone-out needs a file");
    } else if (a == "--config") {
      if (!value(&config_path)) return Usage("--config needs a file");
    } else if (a == "--record") {
      if (!value(&record_dir)) return Usage("--record needs a directory");
    } else if (a == "--help" || a == "-h") {
      Usage(nullptr);
      return 0;
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
  }

  secureaml::emulator::Config config;
  if (!config_path.empty()) {
    std::ifstream in(config_path);
    if (!in) return Usage(("cannot read " + config_path).c_str());
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = secureaml::emulator::ParseConfig(ss.str());
    if (!parsed.ok()) {
      std::cerr << "secureaml-arm-emulator: " << config_path << ": "
                << parsed.status().message() << "\n";
      return 2;
    }
    config = *std::move(parsed);
  }
  if (!record_dir.empty()) {
    std::string cmd = "mkdir -p '" + record_dir + "'";
    if (record_dir.find('\'') != std::string::npos ||
        std::system(cmd.c_str()) != 0) {
      return Usage("cannot create --record directory");
    }
  }

  auto material = secureaml::emulator::GenerateTlsMaterial();
  if (!material.ok()) {
    std::cerr << material.status() << "\n";
    return 1;
  }
  auto ctx = secureaml::emulator::MakeServerContext(*material);
  if (!ctx.ok()) {
    std::cerr << ctx.status() << "\n";
    return 1;
  }
  if (!ca_out.empty()) {
    if (!WriteFile(ca_out, material->ca_cert_pem)) {
      return Usage(("cannot write " + ca_out).c_str());
    }
    // SSL_CERT_FILE in --env-out must work from any directory.
    if (char* abs = realpath(ca_out.c_str(), nullptr)) {
      ca_out = abs;
      free(abs);
    }
  }

  secureaml::emulator::RealClock clock;
  ArmService service(&clock, std::move(config));
  if (!record_dir.empty()) service.SetRecordDirectory(record_dir);
  nlohmann::json lz;
  if (landing_zone) lz = service.SeedLandingZone();

  secureaml::emulator::HttpsServer server(
      ctx->get(),
      [&](secureaml::emulator::HttpRequest& r) { return service.Handle(r); });
  auto bound = server.Listen(port);
  if (!bound.ok()) {
    std::cerr << "secureaml-arm-emulator: " << bound.status().message() << "\n";
    return 1;
  }
  std::string host = absl::StrCat("127.0.0.1:", *bound);
  if (!env_out.empty()) {
    std::string env = absl::StrCat(
        "export ARM_METADATA_HOSTNAME=", host, "\n",
        "export ARM_TENANT_ID=", secureaml::emulator::kTenantId, "\n",
        "export ARM_SUBSCRIPTION_ID=", secureaml::emulator::kSubscriptionId,
        "\n", "export ARM_CLIENT_ID=", secureaml::emulator::kDefaultClientId,
        "\n",
        "export ARM_CLIENT_SECRET=", secureaml::emulator::kDefaultClientSecret,
        "\n",
        ca_out.empty() ? ""
                       : absl::StrCat("export SSL_CERT_FILE=", ca_out, "\n"));
    if (!WriteFile(env_out, env))
      return Usage(("cannot write " + env_out).c_str());
  }
  if (!lz_out.empty()) {
    if (!landing_zone) return Usage("--landing-zone-out needs --landing-zone");
    if (!WriteFile(lz_out, lz.dump(2) + "\n")) {
      return Usage(("cannot write " + lz_out).c_str());
    }
  }

  if (pipe(signal_pipe) != 0) return 1;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::cout << "listening https://" << host << std::endl;  // flushed

  std::thread serve([&] { server.Serve(); });
  char c;
  while (read(signal_pipe[0], &c, 1) < 0 && errno == EINTR) {
  }
  server.Stop();
  serve.join();
  std::cerr << "secureaml-arm-emulator: stopped\n";
  return 0;
}
