// File: apply_accounting.h
//
// The arithmetic behind the emulator benchmarks, kept free of processes and
// sockets so it can be unit-tested: the dependency graph of a scenario, the
// critical path through it weighted by emulated operation durations, how many
// Retry-After-paced polls an operation of a given duration needs, and the
// classification of the emulator's request counters into writes, polls and
// reads.
//
//   auto deps = ScenarioDependencies(scenario);
//   auto cp = LongestPath(seconds_by_address, deps);   // cp->seconds
//   int polls = PacedPolls(8.0, /*retry_after_cap=*/2);  // 4
#ifndef SECUREAML_TESTS_BENCH_APPLY_ACCOUNTING_H_
#define SECUREAML_TESTS_BENCH_APPLY_ACCOUNTING_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/conformance/scenario.h"

namespace secureaml::bench {

// Address -> addresses it references through "${type.name.attr}" or
// "${data.type.name.attr}" anywhere in its config. References to the landing
// zone or the environment are not edges.
using DependencyGraph = std::map<std::string, std::set<std::string>>;
DependencyGraph ScenarioDependencies(const conformance::Scenario& scenario);

struct CriticalPath {
  double seconds = 0;
  std::vector<std::string> path;  // first to last
};

// Longest path through the graph where each node costs its weight (missing
// weight: 0). Fails on a cycle or an edge to an unknown node.
absl::StatusOr<CriticalPath> LongestPath(
    const std::map<std::string, double>& weight, const DependencyGraph& deps);

// Total length of the union of [start, end] intervals (seconds): the time
// a resource spent waiting on emulated operations, overlapping ones once.
double UnionSeconds(std::vector<std::pair<double, double>> intervals);

// Polls of an operation lasting `seconds` when each answer carries
// Retry-After = min(ceil(remaining), cap), at least 1 while running, and the
// client waits exactly that long: the emulator's (and ARM's) pacing. An
// operation already complete still takes one poll to learn so.
int PacedPolls(double seconds, int retry_after_cap);

// The emulator's Retry-After cap for a resource type under a "durations"
// config object: sub-type, type, "default", else 1 (tests/emulator/README.md).
int RetryAfterCap(const nlohmann::json& durations, const std::string& type);

struct RequestsByKind {
  int64_t writes = 0;  // PUT, PATCH, POST, DELETE on ARM resources
  int64_t polls = 0;   // operation-status and Location polls
  int64_t reads = 0;   // GET and HEAD on ARM resources
  int64_t auth = 0;    // token and cloud metadata endpoints
  int64_t other = 0;   // anything else (unknown routes)
  int64_t Arm() const { return writes + polls + reads; }
};
// Classifies /_emulator/counters' "by_method_and_type" object.
RequestsByKind ClassifyCounters(const nlohmann::json& by_method_and_type);

// What an apply may send: per lower-case resource type, one write per
// operation the emulator ran (or resource it created synchronously), one
// final read per write actually made; and the Retry-After-paced polls.
struct RequestBudget {
  std::map<std::string, int64_t> writes_by_type;
  int64_t polls = 0;
};
struct Excess {
  int64_t total = 0;
  // "writes <type>", "reads <type>", "polls", "other <key>" -> requests
  // beyond the budget.
  std::map<std::string, int64_t> by_kind;
  int64_t writes_allowed = 0, reads_allowed = 0;
};
// Compares /_emulator/counters' "by_method_and_type" with the budget. Token
// and metadata requests are not ARM requests and are not counted.
Excess RequestsBeyondBudget(const nlohmann::json& by_method_and_type,
                            const RequestBudget& budget);

// The Terraform address owning an ARM id: the address whose state id is the
// longest case-insensitive prefix of `arm_id` ending at a path boundary.
// Empty when none matches.
std::string OwnerOf(const std::string& arm_id,
                    const std::map<std::string, std::string>& id_by_address);

// The resource type of an ARM id: "Microsoft.Network/privateDnsZones" for a
// zone, "Microsoft.Network/privateDnsZones/virtualNetworkLinks" for a link.
// Empty when the id has no provider segment.
std::string ArmTypeOf(const std::string& arm_id);

}  // namespace secureaml::bench

#endif  // SECUREAML_TESTS_BENCH_APPLY_ACCOUNTING_H_
