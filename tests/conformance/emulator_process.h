// File: emulator_process.h
//
// Runs the local HTTPS ARM emulator (tests/emulator) for lifecycle tests and
// the scenario CLI: `secureaml-arm-emulator --port 0 --ca-cert-out F
// --env-out F --landing-zone --landing-zone-out F [--config F]`, waits for
// its "listening https://127.0.0.1:PORT" line and exposes the environment a
// provider needs to talk to it (ARM_METADATA_HOSTNAME, SSL_CERT_FILE,
// ARM_*).
//
//   SECUREAML_ASSIGN_OR_RETURN(auto emu, EmulatorProcess::Start({binary}));
//   process_options.env = emu->ProviderEnv();
#ifndef SECUREAML_TESTS_CONFORMANCE_EMULATOR_PROCESS_H_
#define SECUREAML_TESTS_CONFORMANCE_EMULATOR_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace secureaml::conformance {

struct EmulatorOptions {
  std::string binary;
  std::string config_file;  // --config, optional
  bool landing_zone = true;
  absl::Duration start_timeout = absl::Seconds(30);
};

class EmulatorProcess {
 public:
  static absl::StatusOr<std::unique_ptr<EmulatorProcess>> Start(
      const EmulatorOptions& options);
  ~EmulatorProcess();  // SIGTERM, then SIGKILL; removes the temp directory

  const std::string& url() const { return url_; }  // https://127.0.0.1:PORT
  // Variables from --env-out (ARM_METADATA_HOSTNAME, SSL_CERT_FILE, ARM_*).
  const std::map<std::string, std::string>& ProviderEnv() const { return env_; }
  // The seeded landing zone (--landing-zone-out), or null.
  const nlohmann::json& landing_zone() const { return landing_zone_; }
  std::string StderrText() const;
  void Stop();

 private:
  EmulatorProcess() = default;
  pid_t pid_ = -1;
  std::string dir_;
  std::string url_;
  std::map<std::string, std::string> env_;
  nlohmann::json landing_zone_;
};

// Reads "export K=V" / "K=V" lines.
std::map<std::string, std::string> ParseEnvFile(const std::string& text);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_EMULATOR_PROCESS_H_
