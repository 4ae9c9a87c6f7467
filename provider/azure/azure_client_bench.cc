// azure_client_bench: what one create/read/delete costs against the local ARM
// emulator. Prints "figure / target" lines; not a test (timing on a shared
// machine is not a pass/fail signal).
//
//   azure_client_bench [--emulator PATH] [--duration SECONDS] [--runs N]
//
// Targets: a create is 1 write + polls paced by Retry-After + 1 final read;
// a read is 1 request; a delete is 1 write + polls; no retries, one token
// request per run; LRO wall time within 5% of the emulated duration.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "provider/azure/arm_client.h"
#include "provider/azure/azure_config.h"
#include "provider/azure/testing/emulator_process.h"

#ifndef SECUREAML_ARM_EMULATOR_PATH
#define SECUREAML_ARM_EMULATOR_PATH ""
#endif

namespace secureaml::azure {
namespace {

// Counts every HTTP request by destination, token endpoint included.
class CountingTransport : public HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<HttpTransport> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<HttpResponse> Send(const HttpRequest& r,
                                    const CancellationToken& c) override {
    if (absl::StrContains(r.url, "/oauth2/")) {
      ++token_;
    } else if (!absl::StrContains(r.url, "/_emulator/")) {
      ++arm_;
    }
    return inner_->Send(r, c);
  }
  int token_ = 0, arm_ = 0;
  std::shared_ptr<HttpTransport> inner_;
};

int Run(int argc, char** argv) {
  std::string emulator = SECUREAML_ARM_EMULATOR_PATH;
  if (const char* e = std::getenv("SECUREAML_ARM_EMULATOR")) emulator = e;
  int duration = 10;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--emulator")) emulator = argv[i + 1];
    if (!std::strcmp(argv[i], "--duration")) {
      (void)absl::SimpleAtoi(argv[i + 1], &duration);
    }
    if (!std::strcmp(argv[i], "--runs"))
      (void)absl::SimpleAtoi(argv[i + 1], &runs);
  }
  testing::EmulatorProcess::Options eo;
  eo.binary = emulator;
  eo.config = absl::StrCat(
      R"({"durations": {"Microsoft.MachineLearningServices/workspaces":
           {"create_seconds": )",
      duration, R"(, "delete_seconds": )", duration / 2,
      R"(, "retry_after_seconds": 1}}})");
  auto emu = testing::EmulatorProcess::Start(eo);
  if (!emu.ok()) {
    std::fprintf(stderr, "cannot start the emulator (%s): %s\n",
                 emulator.c_str(), std::string(emu.status().message()).c_str());
    return 1;
  }
  std::map<std::string, std::string> env = (*emu)->env();
  env["ARM_USE_CLI"] = "false";
  auto counting = std::make_shared<CountingTransport>((*emu)->transport());
  ConfigureOptions co;
  co.transport = counting;
  auto az = ConfigureAzure({}, MapEnvironment(env), co);
  if (!az.ok()) {
    std::fprintf(stderr, "configure: %s\n",
                 std::string(az.status().message()).c_str());
    return 1;
  }
  ArmClient& arm = *az->arm;
  std::string sub = env["ARM_SUBSCRIPTION_ID"];
  std::string rg =
      absl::StrCat("/subscriptions/", sub, "/resourceGroups/bench");
  if (!arm.Put(rg, "2025-04-01", {{"location", "westeurope"}}).ok()) return 1;
  for (const char* t : {"Microsoft.Storage/storageAccounts/sa1",
                        "Microsoft.KeyVault/vaults/kv1"}) {
    std::string id = absl::StrCat(rg, "/providers/", t);
    std::string type(t, std::strrchr(t, '/') - t);
    if (!(*emu)
             ->Admin("PUT", "/resources?id=" + id,
                     nlohmann::json{{"type", type}, {"location", "westeurope"}}
                         .dump())
             .ok()) {
      return 1;
    }
  }
  nlohmann::json body = {
      {"location", "westeurope"},
      {"identity", {{"type", "SystemAssigned"}}},
      {"properties",
       {{"storageAccount",
         absl::StrCat(rg, "/providers/Microsoft.Storage/storageAccounts/sa1")},
        {"keyVault",
         absl::StrCat(rg, "/providers/Microsoft.KeyVault/vaults/kv1")}}}};
  std::printf("emulated workspace create %d s, delete %d s, Retry-After 1 s\n",
              duration, duration / 2);
  double worst_create = 0, worst_delete = 0;
  for (int run = 0; run < runs; ++run) {
    std::string ws = absl::StrCat(
        rg, "/providers/Microsoft.MachineLearningServices/workspaces/bench",
        run);
    arm.ResetStats();
    int arm_before = counting->arm_;
    absl::Time t0 = absl::Now();
    auto created = arm.Put(ws, "2025-06-01", body);
    double create_s = absl::ToDoubleSeconds(absl::Now() - t0);
    ArmClientStats c = arm.Stats();
    int create_http = counting->arm_ - arm_before;
    if (!created.ok()) {
      std::fprintf(stderr, "create: %s\n",
                   std::string(created.status().message()).c_str());
      return 1;
    }
    arm.ResetStats();
    arm_before = counting->arm_;
    auto read = arm.Get(ws, "2025-06-01");
    int read_http = counting->arm_ - arm_before;
    if (!read.ok()) return 1;
    arm.ResetStats();
    arm_before = counting->arm_;
    RequestOptions purge;
    purge.query = {{"forceToPurge", "true"}};
    t0 = absl::Now();
    auto deleted = arm.Delete(ws, "2025-06-01", purge);
    double delete_s = absl::ToDoubleSeconds(absl::Now() - t0);
    ArmClientStats d = arm.Stats();
    int delete_http = counting->arm_ - arm_before;
    if (!deleted.ok()) return 1;
    double create_over = 100.0 * (create_s - duration) / duration;
    double delete_over = 100.0 * (delete_s - duration / 2) / (duration / 2.0);
    worst_create = std::max(worst_create, create_over);
    worst_delete = std::max(worst_delete, delete_over);
    std::printf(
        "run %d: ARM requests per create: %d (%lld write + %lld polls + %lld "
        "final read + %lld retries) / target 1 write + ~%d Retry-After-paced "
        "polls + 1 final read + 0 retries\n",
        run, create_http, static_cast<long long>(c.writes),
        static_cast<long long>(c.polls), static_cast<long long>(c.final_reads),
        static_cast<long long>(c.retries), duration);
    std::printf("run %d: ARM requests per read: %d / target 1\n", run,
                read_http);
    std::printf(
        "run %d: ARM requests per delete: %d (%lld write + %lld polls + %lld "
        "final read + %lld retries) / target 1 write + ~%d polls + 0 final "
        "reads\n",
        run, delete_http, static_cast<long long>(d.writes),
        static_cast<long long>(d.polls), static_cast<long long>(d.final_reads),
        static_cast<long long>(d.retries), duration / 2);
    std::printf(
        "run %d: LRO wall time create %.3f s vs emulated %d s (%+.1f%%), "
        "delete %.3f s vs %d s (%+.1f%%) / target within 5%%\n",
        run, create_s, duration, create_over, delete_s, duration / 2,
        delete_over);
  }
  std::printf("token requests for %d runs: %d / target 1 (cached)\n", runs,
              counting->token_);
  std::printf(
      "worst LRO overshoot: create %+.1f%%, delete %+.1f%% / target "
      "<= 5%%\n",
      worst_create, worst_delete);
  return 0;
}

}  // namespace
}  // namespace secureaml::azure

int main(int argc, char** argv) { return secureaml::azure::Run(argc, argv); }
