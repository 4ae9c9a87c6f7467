#include "tests/bench/apply_accounting.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace secureaml::bench {
namespace {

// Collects "${...}" reference bodies from every string inside `j`.
void CollectReferences(const nlohmann::json& j, std::vector<std::string>* out) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    size_t pos = 0;
    while ((pos = s.find("${", pos)) != std::string::npos) {
      size_t close = s.find('}', pos);
      if (close == std::string::npos) break;
      out->push_back(s.substr(pos + 2, close - pos - 2));
      pos = close + 1;
    }
  } else if (j.is_array() || j.is_object()) {
    for (const auto& e : j) CollectReferences(e, out);
  }
}

}  // namespace

DependencyGraph ScenarioDependencies(const conformance::Scenario& scenario) {
  DependencyGraph deps;
  for (const conformance::ScenarioResource& r : scenario.resources) {
    std::set<std::string>& mine = deps[r.Address()];
    std::vector<std::string> refs;
    CollectReferences(r.config, &refs);
    for (const std::string& ref : refs) {
      std::vector<std::string> parts = absl::StrSplit(ref, '.');
      if (parts.size() >= 4 && parts[0] == "data") {
        mine.insert("data." + parts[1] + "." + parts[2]);
      } else if (parts.size() >= 3 && parts[0] != "env" &&
                 parts[0] != "landing_zone") {
        mine.insert(parts[0] + "." + parts[1]);
      }
    }
  }
  return deps;
}

absl::StatusOr<CriticalPath> LongestPath(
    const std::map<std::string, double>& weight, const DependencyGraph& deps) {
  // Depth-first with memo; `state` 1 = on the stack (cycle), 2 = done.
  std::map<std::string, int> state;
  std::map<std::string, double> finish;  // earliest finish of each node
  std::map<std::string, std::string> via;
  std::function<absl::Status(const std::string&)> visit =
      [&](const std::string& node) -> absl::Status {
    int& s = state[node];
    if (s == 2) return absl::OkStatus();
    if (s == 1) {
      return absl::InvalidArgumentError("dependency cycle through " + node);
    }
    s = 1;
    double start = 0;
    auto it = deps.find(node);
    if (it != deps.end()) {
      for (const std::string& d : it->second) {
        if (!deps.count(d)) {
          return absl::InvalidArgumentError(node + " depends on unknown " + d);
        }
        if (absl::Status st = visit(d); !st.ok()) return st;
        if (via[node].empty() || finish[d] > start) {
          start = finish[d];
          via[node] = d;
        }
      }
    }
    auto w = weight.find(node);
    finish[node] = start + (w == weight.end() ? 0.0 : w->second);
    state[node] = 2;
    return absl::OkStatus();
  };
  CriticalPath best;
  std::string last;
  for (const auto& entry : deps) {
    const std::string& node = entry.first;
    if (absl::Status st = visit(node); !st.ok()) return st;
    if (last.empty() || finish[node] > best.seconds) {
      best.seconds = finish[node];
      last = node;
    }
  }
  for (std::string n = last; !n.empty(); n = via[n]) best.path.push_back(n);
  std::reverse(best.path.begin(), best.path.end());
  return best;
}

double UnionSeconds(std::vector<std::pair<double, double>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  double total = 0;
  bool open = false;
  double cur_start = 0, cur_end = 0;
  for (const auto& [s, e] : intervals) {
    if (e <= s) continue;
    if (open && s <= cur_end) {
      cur_end = std::max(cur_end, e);
      continue;
    }
    if (open) total += cur_end - cur_start;
    cur_start = s;
    cur_end = e;
    open = true;
  }
  if (open) total += cur_end - cur_start;
  return total;
}

int PacedPolls(double seconds, int retry_after_cap) {
  if (seconds <= 0) return 1;  // complete, but the client learns it by a poll
  const double cap = std::max(1, retry_after_cap);
  int polls = 0;
  for (double remaining = seconds; remaining > 1e-9; ++polls) {
    remaining -= std::max(1.0, std::min(std::ceil(remaining - 1e-9), cap));
  }
  return polls;
}

int RetryAfterCap(const nlohmann::json& durations, const std::string& type) {
  if (!durations.is_object()) return 1;
  auto cap_of = [&](const std::string& key) -> int {
    for (auto it = durations.begin(); it != durations.end(); ++it) {
      if (!absl::EqualsIgnoreCase(it.key(), key)) continue;
      const nlohmann::json& v = it.value();
      if (v.is_object() && v.contains("retry_after_seconds") &&
          v["retry_after_seconds"].is_number()) {
        return v["retry_after_seconds"].get<int>();
      }
    }
    return 0;
  };
  if (int c = cap_of(type); c > 0) return c;
  if (int c = cap_of("default"); c > 0) return c;
  return 1;
}

RequestsByKind ClassifyCounters(const nlohmann::json& by_method_and_type) {
  RequestsByKind k;
  if (!by_method_and_type.is_object()) return k;
  for (auto it = by_method_and_type.begin(); it != by_method_and_type.end();
       ++it) {
    if (!it.value().is_number()) continue;
    int64_t n = it.value().get<int64_t>();
    std::pair<std::string, std::string> mt =
        absl::StrSplit(it.key(), absl::MaxSplits(' ', 1));
    const std::string& method = mt.first;
    const std::string& what = mt.second;
    if (what == "token" || what == "metadata") {
      k.auth += n;
    } else if (what == "operation-poll") {
      k.polls += n;
    } else if (what == "unknown" || what == "other") {
      k.other += n;
    } else if (method == "GET" || method == "HEAD") {
      k.reads += n;
    } else if (method == "PUT" || method == "PATCH" || method == "POST" ||
               method == "DELETE") {
      k.writes += n;
    } else {
      k.other += n;
    }
  }
  return k;
}

Excess RequestsBeyondBudget(const nlohmann::json& by_method_and_type,
                            const RequestBudget& budget) {
  std::map<std::string, int64_t> writes, reads;
  int64_t polls = 0;
  Excess e;
  if (by_method_and_type.is_object()) {
    for (auto it = by_method_and_type.begin(); it != by_method_and_type.end();
         ++it) {
      if (!it.value().is_number()) continue;
      int64_t n = it.value().get<int64_t>();
      RequestsByKind k = ClassifyCounters(nlohmann::json{{it.key(), n}});
      std::string type = absl::AsciiStrToLower(
          it.key().substr(std::min(it.key().size(), it.key().find(' ') + 1)));
      if (k.writes) writes[type] += n;
      if (k.reads) reads[type] += n;
      polls += k.polls;
      if (k.other) e.by_kind["other " + it.key()] += n;
    }
  }
  auto allowed_writes = [&](const std::string& type) -> int64_t {
    auto it = budget.writes_by_type.find(type);
    return it == budget.writes_by_type.end() ? 0 : it->second;
  };
  for (const auto& [type, n] : writes) {
    int64_t allowed = allowed_writes(type);
    e.writes_allowed += allowed;
    if (n > allowed) e.by_kind["writes " + type] = n - allowed;
  }
  for (const auto& [type, n] : reads) {
    auto w = writes.find(type);
    int64_t allowed =
        std::min(allowed_writes(type), w == writes.end() ? 0 : w->second);
    e.reads_allowed += allowed;
    if (n > allowed) e.by_kind["reads " + type] = n - allowed;
  }
  if (polls > budget.polls) e.by_kind["polls"] = polls - budget.polls;
  for (const auto& entry : e.by_kind) e.total += entry.second;
  return e;
}

std::string OwnerOf(const std::string& arm_id,
                    const std::map<std::string, std::string>& id_by_address) {
  std::string best;
  size_t best_len = 0;
  std::string lower_id = absl::AsciiStrToLower(arm_id);
  for (const auto& [address, id] : id_by_address) {
    if (id.empty() || id.size() <= best_len) continue;
    std::string lower = absl::AsciiStrToLower(id);
    if (!absl::StartsWith(lower_id, lower)) continue;
    if (lower_id.size() != lower.size() && lower_id[lower.size()] != '/') {
      continue;
    }
    best = address;
    best_len = id.size();
  }
  return best;
}

std::string ArmTypeOf(const std::string& arm_id) {
  std::vector<std::string> segs =
      absl::StrSplit(arm_id, '/', absl::SkipEmpty());
  size_t p = segs.size();
  for (size_t i = 0; i < segs.size(); ++i) {
    if (absl::EqualsIgnoreCase(segs[i], "providers")) p = i;
  }
  if (p + 2 >= segs.size()) return "";
  std::string type = segs[p + 1] + "/" + segs[p + 2];
  for (size_t i = p + 4; i < segs.size(); i += 2) type += "/" + segs[i];
  return type;
}

}  // namespace secureaml::bench
