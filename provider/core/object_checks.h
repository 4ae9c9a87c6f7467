// File: object_checks.h
//
// Value-level checks and repairs the core applies to what resources return,
// mirroring the rules Terraform enforces (protocol fact sheet, section 6) so a
// provider bug surfaces as a clear diagnostic naming an attribute path instead
// of Terraform's generic "Provider produced invalid object".
//
//   std::vector<tf::AttributePath> unknown;
//   tf::Value fixed = ReplaceUnknowns(new_state, nullptr, &unknown);
//   for (auto& p : unknown) diags.AddAttributeError(p, "...", "...");
#ifndef SECUREAML_PROVIDER_CORE_OBJECT_CHECKS_H_
#define SECUREAML_PROVIDER_CORE_OBJECT_CHECKS_H_

#include <string>
#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core {

// Equality that treats any two nulls as equal whatever their type (a missing
// attribute reads as a dynamic null).
bool NullSafeEqual(const tf::Value& a, const tf::Value& b);

// Reads an attribute of an object value; a dynamic null when `object` is null,
// unknown or lacks the attribute.
const tf::Value& AttrOrNull(const tf::Value& object, std::string_view name);

// Rebuilds a list/set/tuple value with new elements, or a map/object value
// with new entries, keeping its type.
tf::Value WithElements(const tf::Value& like, std::vector<tf::Value> elements);
tf::Value WithEntries(const tf::Value& like,
                      std::map<std::string, tf::Value> entries);

// Replaces every unknown inside `value` by the value at the same position in
// `fallback` (when given, known and present) or by a typed null. Paths of the
// replaced unknowns (stopping at sets) are appended to `found`.
tf::Value ReplaceUnknowns(const tf::Value& value, const tf::Value* fallback,
                          std::vector<tf::AttributePath>* found);

struct Inconsistency {
  tf::AttributePath path;
  std::string problem;  // never contains values: they may be secrets
};

// Terraform's AssertObjectCompatible(planned, actual): every known planned
// leaf must be unchanged, collection lengths and keys must match, and
// not-null refinements must hold.
std::vector<Inconsistency> CheckCompatible(const tf::Value& planned,
                                           const tf::Value& actual);

// Makes a resource object value match its block: missing attributes become
// typed nulls, absent list/set/map nested blocks become empty collections and
// group blocks objects. Values of the wrong shape are left for the encoder to
// report.
tf::Value NormalizeBlockValue(const tf::Block& block, const tf::Value& value);

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_OBJECT_CHECKS_H_
