// File: semantics.h
//
// What Terraform core computes and checks around each provider call,
// reimplemented from hashicorp/terraform internal/plans/objchange
// (ProposedNew, AssertPlanValid, AssertObjectCompatible) and
// internal/terraform/node_resource_abstract_instance.go (getAction,
// getRequiredReplaces, the apply/read result checks). Error texts follow
// Terraform's, including cty's %#v rendering of values, so a failing test
// prints what a user would have seen.
//
//   tf::Value proposed = ProposedNew(schema.block, prior, config);
//   auto plan = client.PlanResourceChange(type, prior, proposed, config, "");
//   for (const PathError& e :
//        AssertPlanValid(schema.block, prior, config, plan->planned_state))
//     ADD_FAILURE() << FormatPathError(e);
#ifndef SECUREAML_TESTS_CONFORMANCE_SEMANTICS_H_
#define SECUREAML_TESTS_CONFORMANCE_SEMANTICS_H_

#include <optional>
#include <string>
#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/type.h"
#include "provider/value/value.h"
#include "tests/conformance/config_schema.h"

namespace secureaml::conformance {

// One step of a cty.Path. Set elements are addressed by value, as in cty.
struct CtyStep {
  enum class Kind { kAttr, kIndex, kKey, kSetElement };
  Kind kind = Kind::kAttr;
  std::string name;  // attribute name or map key
  int64_t index = 0;
  tf::Value element;  // set element
};
using CtyPath = std::vector<CtyStep>;

// tfdiags.FormatCtyPath: .a[0]["k"]
std::string FormatCtyPath(const CtyPath& path);
// The provider-facing path (stops at a set, as protocol paths must).
tf::AttributePath ToAttributePath(const CtyPath& path);
CtyPath FromAttributePath(const tf::AttributePath& path);

// cty.PathError.
struct PathError {
  CtyPath path;
  std::string message;
};
// tfdiags.FormatError: ".a.b: message" (or just the message at the root).
std::string FormatPathError(const PathError& e);
// tfdiags.FormatErrorPrefixed(err, prefix).
std::string FormatPathErrorPrefixed(const PathError& e,
                                    const std::string& prefix);

// cty's GoString (%#v): cty.StringVal("x"), cty.NullVal(cty.String), ...
std::string GoString(const tf::Value& v);
std::string GoTypeString(const tf::Type& t);

// configschema.Block.EmptyValue: attributes null, single blocks null,
// collection blocks empty, group blocks their empty object.
tf::Value EmptyValue(const ConfigBlock& block);

// objchange.ProposedNew.
tf::Value ProposedNew(const ConfigBlock& schema, const tf::Value& prior,
                      const tf::Value& config);
// objchange.PlannedDataResourceObject: computed attributes unknown.
tf::Value PlannedDataResourceObject(const ConfigBlock& schema,
                                    const tf::Value& config);

// objchange.AssertPlanValid.
std::vector<PathError> AssertPlanValid(const ConfigBlock& schema,
                                       const tf::Value& prior,
                                       const tf::Value& config,
                                       const tf::Value& planned);
// objchange.AssertObjectCompatible.
std::vector<PathError> AssertObjectCompatible(const ConfigBlock& schema,
                                              const tf::Value& planned,
                                              const tf::Value& actual);
std::vector<PathError> AssertValueCompatible(const tf::Value& planned,
                                             const tf::Value& actual);

// Type conformance (cty TestConformance wording where it matters).
std::vector<PathError> TestConformance(const tf::Value& v, const tf::Type& t);

// Paths of every unknown value (cty.Walk order).
std::vector<CtyPath> UnknownPaths(const tf::Value& v);
// Non-null write-only attributes (ephemeral.ValidateWriteOnlyAttributes).
std::vector<CtyPath> NonNullWriteOnlyPaths(const ConfigBlock& schema,
                                           const tf::Value& v);

// cty Value.Equals: nullopt when the answer is unknown.
std::optional<bool> CtyEquals(const tf::Value& a, const tf::Value& b);
// Value.RawEquals after stripping refinements (objchange.unrefinedValue).
bool RawEqualsUnrefined(const tf::Value& a, const tf::Value& b);

// hcl.ApplyPath; nullopt with `error` set when a step does not apply.
std::optional<tf::Value> ApplyPath(const tf::Value& v, const CtyPath& path,
                                   std::string* error = nullptr);

enum class Action {
  kNoOp,
  kCreate,
  kRead,
  kUpdate,
  kDeleteThenCreate,
  kDelete
};
// plans.Action String(): "NoOp", "Create", "Update", "DeleteThenCreate"...
std::string ActionName(Action a);

struct RequiredReplaces {
  std::vector<tf::AttributePath> paths;  // those that really changed
  // Paths that exist in neither value ("non-existent attribute path").
  std::vector<tf::AttributePath> invalid;
};
// getRequiredReplaces.
RequiredReplaces GetRequiredReplaces(
    const tf::Value& prior, const tf::Value& planned,
    const std::vector<tf::AttributePath>& requires_replace);
// getAction (no create_before_destroy, no -replace).
Action GetAction(const tf::Value& prior, const tf::Value& planned,
                 const RequiredReplaces& replaces);

// Attribute-by-attribute differences between two wholly known objects, as
// "attr: before => after" lines (for import/refresh comparison reports).
// `ignore` lists top-level attribute names to skip.
std::vector<std::string> DiffObjects(const ConfigBlock& schema,
                                     const tf::Value& a, const tf::Value& b,
                                     const std::vector<std::string>& ignore);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_SEMANTICS_H_
