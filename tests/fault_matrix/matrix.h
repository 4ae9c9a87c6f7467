// File: matrix.h
//
// The fault matrix of issue #9 as data: which faults exist, at which step of
// an ARM operation each one is injected, which (fault, step) cells apply to
// a resource type, the emulator fault rules a cell installs and the outcome
// Terraform must see. Pure: no processes, so it is unit-tested on its own
// (matrix_test.cc) and the runner (runner.h) only executes what it says.
//
//   std::vector<Cell> cells = CellsFor(row_traits);
//   for (const Cell& c : cells) {
//     nlohmann::json rules = FaultRules(c, row_traits.write_type);
//     Expectation e = ExpectationFor(c);
//   }
#ifndef SECUREAML_TESTS_FAULT_MATRIX_MATRIX_H_
#define SECUREAML_TESTS_FAULT_MATRIX_MATRIX_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace secureaml::fault_matrix {

enum class Fault {
  kThrottleStorm,           // three 429s with Retry-After
  kServerError,             // a 500 then a 503
  kDroppedConnection,       // the socket closes without an answer
  kSlowPastTimeout,         // the answer comes after the `timeouts` value
  kLroFailed,               // the operation ends Failed (QuotaExceeded)
  kTokenExpiry,             // the bearer token expires mid-operation
  kIdentityDown,            // the token expires and Entra ID answers 503
  kOutOfBandDeletion,       // the object is deleted between plan and apply
  kConcurrentModification,  // 409 AnotherOperationInProgress
  kStopProvider,            // Terraform's StopProvider (Ctrl-C) mid-apply
};

// Where in the ARM exchange the fault is injected.
enum class Step {
  kBeforeWrite,  // the PUT (or, for out-of-band deletion, plan -> apply)
  kPolling,      // an operation-status / Location poll
  kFinalRead,    // the GET of the finished resource
};

// The Terraform operation a cell applies.
enum class Operation { kCreate, kUpdate, kDestroy };

// What a resource type's create does on the wire; decides applicability.
struct RowTraits {
  std::string type_name;      // secureaml_workspace
  std::string write_type;     // ARM type of the first PUT (faults filter on it)
  bool create_polls = false;  // the create waits for an LRO
  bool create_final_read = false;  // the create ends with a GET of it
  bool updatable = true;           // has an in-place update to apply
};

struct Cell {
  std::string type_name;
  Fault fault;
  Step step;
  Operation operation = Operation::kCreate;
  std::string Name() const;  // "secureaml_workspace/429 storm/polling"
};

// The outcome Terraform must see: no error at all, or an error diagnostic
// (summary + detail) containing every listed text. `may_fail` accepts both
// (a success must then leave a consistent state, a failure must say why).
struct Expectation {
  bool succeeds = true;
  std::vector<std::string> diagnostic_contains;
  bool may_fail = false;
  // After the apply, the emulator holds the object the cell wrote.
  enum class Remote { kExists, kAbsent, kEither } remote = Remote::kEither;
};

const std::vector<Fault>& AllFaults();
std::string FaultName(Fault f);
std::string StepName(Step s);
std::string OperationName(Operation o);

// Whether `fault` at `step` can happen to a resource with `traits`; when not,
// `why` says so (for the README and --list output).
bool Applicable(const RowTraits& traits, Fault fault, Step step,
                std::string* why = nullptr);

// Every applicable cell of one row, in a stable order.
std::vector<Cell> CellsFor(const RowTraits& traits);

// The emulator fault rules (POST /_emulator/faults body, an array) for a
// cell. The first rule is the trigger: the cell fails if it never fired.
// Empty for out-of-band deletion, which the runner performs itself.
nlohmann::json FaultRules(const Cell& cell, const std::string& write_type);

Expectation ExpectationFor(const Cell& cell);

// The `timeouts` block a cell's config carries: short enough that a slow
// answer is past it, long enough for every retry the cell provokes.
nlohmann::json TimeoutsFor(const Cell& cell);

// How long the delay faults hold an answer (past TimeoutsFor's create).
inline constexpr int kSlowAnswerMs = 6000;
// The code and message of the injected failed operation.
inline constexpr char kLroFailedCode[] = "QuotaExceeded";
inline constexpr char kLroFailedMessage[] =
    "Quota exceeded for this subscription (injected by the fault matrix).";

}  // namespace secureaml::fault_matrix

#endif  // SECUREAML_TESTS_FAULT_MATRIX_MATRIX_H_
