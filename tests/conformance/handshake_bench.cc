// Start-up and round-trip figures for the provider binary, measured the way
// Terraform experiences them: exec to handshake line (Terraform starts a new
// provider process for every phase of every command), GetProviderSchema
// round trip over the AutoMTLS channel, and Shutdown to process exit.
//
//   handshake_bench --provider build/provider/terraform-provider-secureaml
//                   [--runs 50] [--protocol 6,5] [--calls 200]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/conformance/provider_client.h"
#include "tests/conformance/provider_process.h"

namespace {

using secureaml::conformance::ProviderClient;
using secureaml::conformance::ProviderProcess;
using secureaml::conformance::ProviderProcessOptions;

struct Stats {
  double median = 0, p90 = 0, min = 0, max = 0;
};

Stats Summarize(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2]
                          : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p90 = v[std::min(v.size() - 1, v.size() * 9 / 10)];
  s.min = v.front();
  s.max = v.back();
  return s;
}

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

// Issue #9's budgets: Terraform starts a provider process for every phase of
// every command and fetches the schema from each, so these two figures are
// paid many times per run.
constexpr double kHandshakeTargetMs = 2.0;
constexpr double kSchemaRoundTripTargetMs = 1.0;

const char* Verdict(double median_ms, double target_ms) {
  return median_ms < target_ms ? "met" : "MISSED";
}

}  // namespace

int main(int argc, char** argv) {
  std::string provider;
  std::string protocol = "6,5";
  int runs = 50;
  int calls = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--provider") {
      provider = next();
    } else if (a == "--runs") {
      runs = std::atoi(next().c_str());
    } else if (a == "--calls") {
      calls = std::atoi(next().c_str());
    } else if (a == "--protocol") {
      protocol = next();
    } else {
      std::fprintf(stderr,
                   "usage: %s --provider PATH [--runs N] [--calls N] "
                   "[--protocol 6,5]\n",
                   argv[0]);
      return 2;
    }
  }
  if (provider.empty()) {
    if (const char* env = std::getenv("SECUREAML_PROVIDER_BINARY")) {
      provider = env;
    }
  }
  if (provider.empty()) {
    std::fprintf(stderr, "handshake_bench: --provider PATH is required\n");
    return 2;
  }

  std::vector<double> startup, first_call, shutdown, round_trips;
  std::string schema_error;
  size_t resources = 0;
  for (int r = 0; r < runs; ++r) {
    ProviderProcessOptions o;
    o.binary = provider;
    o.protocol_versions = protocol;
    auto p = ProviderProcess::Start(o);
    if (!p.ok()) {
      std::fprintf(stderr, "start failed: %s\n",
                   std::string(p.status().message()).c_str());
      return 1;
    }
    startup.push_back(Ms((*p)->startup_duration()));
    ProviderClient client((*p)->channel(), (*p)->handshake().protocol_version);
    // The first call also pays for the TLS handshake, as Terraform's does.
    absl::Time t0 = absl::Now();
    auto s = client.GetProviderSchema();
    first_call.push_back(Ms(absl::Now() - t0));
    if (!s.ok()) {
      schema_error = std::string(s.status().message());
    } else {
      resources = s->schemas.resources.size();
    }
    // Steady-state round trips on one connection (first process only, so
    // the whole bench stays short).
    if (r == 0) {
      for (int c = 0; c < calls; ++c) {
        absl::Time t = absl::Now();
        auto again = client.GetProviderSchema();
        round_trips.push_back(Ms(absl::Now() - t));
        if (!again.ok()) break;
      }
    }
    auto exit = (*p)->Shutdown();
    shutdown.push_back(Ms(exit.shutdown_duration));
    if (exit.killed_by_us) {
      std::fprintf(stderr, "warning: run %d needed SIGKILL after Shutdown\n",
                   r);
    }
  }

  Stats st = Summarize(startup);
  Stats fc = Summarize(first_call);
  Stats rt = Summarize(round_trips);
  Stats sd = Summarize(shutdown);
  std::printf("provider: %s (protocol offer %s, %zu resource schemas)\n",
              provider.c_str(), protocol.c_str(), resources);
  if (!schema_error.empty()) {
    std::printf("note: GetProviderSchema failed: %s\n", schema_error.c_str());
  }
  std::printf(
      "exec to handshake: median %.3f ms over %d runs (target < %.0f ms: %s) "
      "[p90 %.3f, min %.3f, max %.3f]\n",
      st.median, runs, kHandshakeTargetMs,
      Verdict(st.median, kHandshakeTargetMs), st.p90, st.min, st.max);
  std::printf(
      "GetProviderSchema round trip: median %.3f ms (target < %.0f ms: %s) "
      "[p90 %.3f, min %.3f, max %.3f, %zu calls on one connection]\n",
      rt.median, kSchemaRoundTripTargetMs,
      Verdict(rt.median, kSchemaRoundTripTargetMs), rt.p90, rt.min, rt.max,
      round_trips.size());
  std::printf(
      "first GetProviderSchema incl. TLS connect: median %.3f ms [p90 %.3f]\n",
      fc.median, fc.p90);
  std::printf("Shutdown to exit: median %.3f ms [p90 %.3f, max %.3f]\n",
              sd.median, sd.p90, sd.max);
  return 0;
}
