// File: testing/emulator_process.h
//
// Runs tests/emulator's secureaml-arm-emulator for a test: fork/exec with
// --port 0, read "listening https://HOST:PORT" from the first stdout line,
// parse the --env-out file, and kill the process on destruction. The binary
// path comes from $SECUREAML_ARM_EMULATOR (set by CMake for ctest).
//
//   auto emu = EmulatorProcess::Start({.config = R"({"token_lifetime_seconds":
//   5})"}); ASSERT_TRUE(emu.ok()) << emu.status();
//   (*emu)->env()["ARM_CLIENT_SECRET"];
//   (*emu)->Admin("POST", "/faults", R"({"kind":"drop","count":1})");
#ifndef SECUREAML_PROVIDER_AZURE_TESTING_EMULATOR_PROCESS_H_
#define SECUREAML_PROVIDER_AZURE_TESTING_EMULATOR_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "provider/azure/http_transport.h"

namespace secureaml::azure::testing {

class EmulatorProcess {
 public:
  struct Options {
    std::string config;  // JSON written to a file and passed as --config
    std::string binary;  // default: $SECUREAML_ARM_EMULATOR
  };
  static absl::StatusOr<std::unique_ptr<EmulatorProcess>> Start(
      Options options);
  ~EmulatorProcess();

  const std::string& host() const { return host_; }  // "127.0.0.1:PORT"
  std::string base_url() const { return "https://" + host_; }
  const std::string& ca_file() const { return ca_file_; }
  // Variables from --env-out (ARM_METADATA_HOSTNAME, ARM_CLIENT_SECRET, ...).
  std::map<std::string, std::string>& env() { return env_; }
  // A transport trusting the emulator's CA (through the provider-level CA
  // bundle, not SSL_CERT_FILE, so that path is exercised too).
  std::shared_ptr<HttpTransport> transport() const { return transport_; }

  // Calls /_emulator{path}; returns the parsed JSON body (null if empty).
  absl::StatusOr<nlohmann::json> Admin(const std::string& method,
                                       const std::string& path,
                                       const std::string& body = "");

 private:
  EmulatorProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::thread drain_;
  std::string dir_, host_, ca_file_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<HttpTransport> transport_;
};

}  // namespace secureaml::azure::testing

#endif  // SECUREAML_PROVIDER_AZURE_TESTING_EMULATOR_PROCESS_H_
