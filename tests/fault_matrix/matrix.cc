#include "tests/fault_matrix/matrix.h"

#include "absl/strings/str_cat.h"

namespace secureaml::fault_matrix {

using nlohmann::json;

const std::vector<Fault>& AllFaults() {
  static const auto* faults = new std::vector<Fault>{
      Fault::kThrottleStorm,
      Fault::kServerError,
      Fault::kDroppedConnection,
      Fault::kSlowPastTimeout,
      Fault::kLroFailed,
      Fault::kTokenExpiry,
      Fault::kIdentityDown,
      Fault::kOutOfBandDeletion,
      Fault::kConcurrentModification,
      Fault::kStopProvider,
  };
  return *faults;
}

std::string FaultName(Fault f) {
  switch (f) {
    case Fault::kThrottleStorm:
      return "429 storm";
    case Fault::kServerError:
      return "500/503";
    case Fault::kDroppedConnection:
      return "dropped connection";
    case Fault::kSlowPastTimeout:
      return "slow past timeout";
    case Fault::kLroFailed:
      return "LRO Failed";
    case Fault::kTokenExpiry:
      return "token expiry";
    case Fault::kIdentityDown:
      return "identity endpoint down";
    case Fault::kOutOfBandDeletion:
      return "out-of-band deletion";
    case Fault::kConcurrentModification:
      return "409 concurrent modification";
    case Fault::kStopProvider:
      return "StopProvider";
  }
  return "?";
}

std::string StepName(Step s) {
  switch (s) {
    case Step::kBeforeWrite:
      return "before the write";
    case Step::kPolling:
      return "during polling";
    case Step::kFinalRead:
      return "on the final read";
  }
  return "?";
}

std::string OperationName(Operation o) {
  switch (o) {
    case Operation::kCreate:
      return "create";
    case Operation::kUpdate:
      return "update";
    case Operation::kDestroy:
      return "destroy";
  }
  return "?";
}

std::string Cell::Name() const {
  return absl::StrCat(type_name, " / ", OperationName(operation), " / ",
                      FaultName(fault), " / ", StepName(step));
}

bool Applicable(const RowTraits& traits, Fault fault, Step step,
                std::string* why) {
  auto no = [&](const char* reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (step == Step::kPolling && !traits.create_polls) {
    return no("the create answers synchronously: there is no poll");
  }
  if (step == Step::kFinalRead && !traits.create_final_read) {
    return no("the create takes its state from the write's answer");
  }
  switch (fault) {
    case Fault::kLroFailed:
      if (step != Step::kPolling) {
        return no("an operation can only end Failed while it is polled");
      }
      return true;
    case Fault::kOutOfBandDeletion:
      if (step != Step::kBeforeWrite) {
        return no("deletion between plan and apply happens before the write");
      }
      return true;
    case Fault::kConcurrentModification:
      if (step != Step::kBeforeWrite) {
        return no("ARM answers 409 AnotherOperationInProgress to writes only");
      }
      return true;
    default:
      return true;
  }
}

std::vector<Cell> CellsFor(const RowTraits& traits) {
  std::vector<Cell> out;
  for (Fault f : AllFaults()) {
    for (Step s : {Step::kBeforeWrite, Step::kPolling, Step::kFinalRead}) {
      if (!Applicable(traits, f, s)) continue;
      if (f == Fault::kOutOfBandDeletion) {
        // Needs a prior object: the update and the destroy of one.
        if (traits.updatable) {
          out.push_back({traits.type_name, f, s, Operation::kUpdate});
        }
        out.push_back({traits.type_name, f, s, Operation::kDestroy});
        continue;
      }
      out.push_back({traits.type_name, f, s, Operation::kCreate});
    }
  }
  return out;
}

namespace {

// Matching fields that put a rule on the cell's step.
json StepFilter(Step step, const std::string& write_type) {
  switch (step) {
    case Step::kBeforeWrite:
      return {{"phase", "initial"}, {"resource_type", write_type}};
    case Step::kPolling:
      // Poll URLs carry no resource type; each row has its own emulator.
      return {{"phase", "poll"}};
    case Step::kFinalRead:
      return {{"phase", "final_get"}, {"resource_type", write_type}};
  }
  return json::object();
}

json Rule(json fields, const json& filter) {
  fields.update(filter);
  return fields;
}

}  // namespace

json FaultRules(const Cell& cell, const std::string& write_type) {
  const json filter = StepFilter(cell.step, write_type);
  json rules = json::array();
  switch (cell.fault) {
    case Fault::kThrottleStorm:
      rules.push_back(Rule({{"kind", "status"},
                            {"status", 429},
                            {"count", 3},
                            {"retry_after_seconds", 1}},
                           filter));
      break;
    case Fault::kServerError:
      rules.push_back(
          Rule({{"kind", "status"}, {"status", 500}, {"count", 1}}, filter));
      rules.push_back(
          Rule({{"kind", "status"}, {"status", 503}, {"count", 1}}, filter));
      break;
    case Fault::kDroppedConnection:
      rules.push_back(Rule({{"kind", "drop"}, {"count", 1}}, filter));
      break;
    case Fault::kSlowPastTimeout:
      rules.push_back(
          Rule({{"kind", "delay"}, {"delay_ms", kSlowAnswerMs}, {"count", 1}},
               filter));
      break;
    case Fault::kLroFailed:
      // The rule marks the write; its operation then ends Failed.
      rules.push_back({{"kind", "lro_failed"},
                       {"resource_type", write_type},
                       {"code", kLroFailedCode},
                       {"message", kLroFailedMessage},
                       {"count", 1}});
      break;
    case Fault::kTokenExpiry:
      rules.push_back(Rule({{"kind", "token_expired"}, {"count", 1}}, filter));
      break;
    case Fault::kIdentityDown:
      // The token expires at this step and Entra ID is down from then on:
      // the provider must fetch a new token and cannot.
      rules.push_back(Rule(
          {{"kind", "token_expired"}, {"count", 1}, {"identity_down", true}},
          filter));
      break;
    case Fault::kOutOfBandDeletion:
      break;
    case Fault::kConcurrentModification:
      rules.push_back(
          Rule({{"kind", "status"}, {"status", 409}, {"count", 1}}, filter));
      break;
    case Fault::kStopProvider:
      // Holds the exchange open while the runner sends StopProvider.
      rules.push_back(
          Rule({{"kind", "delay"}, {"delay_ms", kSlowAnswerMs}, {"count", 1}},
               filter));
      break;
  }
  return rules;
}

Expectation ExpectationFor(const Cell& cell) {
  using Remote = Expectation::Remote;
  auto fails = [](std::vector<std::string> texts, Remote remote) {
    Expectation f;
    f.succeeds = false;
    f.diagnostic_contains = std::move(texts);
    f.remote = remote;
    return f;
  };
  Expectation e;
  const bool wrote = cell.step != Step::kBeforeWrite;
  switch (cell.fault) {
    case Fault::kThrottleStorm:
    case Fault::kServerError:
    case Fault::kDroppedConnection:
    case Fault::kTokenExpiry:
      e.remote = Remote::kExists;
      break;
    case Fault::kSlowPastTimeout:
      // The emulator applies a write before it holds back the answer.
      e = fails({"did not finish within its timeout"}, Remote::kExists);
      break;
    case Fault::kLroFailed:
      e = fails({kLroFailedCode, kLroFailedMessage, "Request a quota increase"},
                Remote::kEither);
      break;
    case Fault::kIdentityDown:
      e = fails({"AADSTS90033"}, wrote ? Remote::kExists : Remote::kAbsent);
      break;
    case Fault::kOutOfBandDeletion:
      if (cell.operation == Operation::kDestroy) {
        e.remote = Remote::kAbsent;
      } else {
        // A PUT-based update puts the object back; a PATCH finds nothing
        // and must say so. Either way the invariants hold.
        e.remote = Remote::kEither;
        e.may_fail = true;
        e.diagnostic_contains = {"not found"};
      }
      break;
    case Fault::kConcurrentModification:
      e = fails({"AnotherOperationInProgress",
                 "Another operation on this resource was still running"},
                Remote::kAbsent);
      break;
    case Fault::kStopProvider:
      e = fails({"Terraform stopped the operation"}, Remote::kExists);
      break;
  }
  return e;
}

json TimeoutsFor(const Cell& cell) {
  std::string create = "60s";
  if (cell.fault == Fault::kSlowPastTimeout) create = "3s";
  // The provider retries a transient Entra ID error with backoff until the
  // timeout; a short one ends the cell after two or three attempts.
  if (cell.fault == Fault::kIdentityDown) create = "5s";
  return {{"create", create},
          {"read", "60s"},
          {"update", "60s"},
          {"delete", "60s"}};
}

}  // namespace secureaml::fault_matrix
