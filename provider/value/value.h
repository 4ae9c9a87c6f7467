// File: value.h
//
// A Terraform value: a type plus null, unknown or a known payload. This is the
// provider's own model rather than nlohmann::json because JSON cannot tell a
// typed null from an unknown, or a set from a list.
//
//   Value v = Value::Object({{"name", Value::String("ws1")},
//                            {"tags",
//                            Value::Null(Type::Map(Type::String()))}});
//   v.GetAttr("name").AsString();        // "ws1"
//   v.WithAttr("id", Value::Unknown(Type::String()));
//
// Values are immutable and cheap to copy: collection payloads are shared.
#ifndef SECUREAML_PROVIDER_VALUE_VALUE_H_
#define SECUREAML_PROVIDER_VALUE_VALUE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/number.h"
#include "provider/value/type.h"

namespace secureaml::tf {

// Refinements Terraform >= 1.6 may attach to unknown values. We accept and
// keep them where cheap, but the planner is free to drop them.
struct UnknownRefinements {
  std::optional<bool> is_null;  // false: definitely not null
  std::optional<std::string> string_prefix;
};

// cty's bound on string prefix refinements; longer prefixes are cut at a
// UTF-8 character boundary (a shorter prefix is still true).
inline constexpr size_t kMaxRefinedPrefixBytes = 256;

class Value {
 public:
  // A null value of the dynamic pseudo-type.
  Value();

  static Value Null(Type type);
  // Refinements are normalised: dropped for dynamic, prefix only for
  // strings, cut to kMaxRefinedPrefixBytes, is_null=true and empty prefixes
  // dropped.
  static Value Unknown(Type type, UnknownRefinements refinements = {});
  static Value String(std::string s);
  static Value NumberValue(tf::Number n);
  static Value Int(int64_t n) { return NumberValue(tf::Number::FromInt64(n)); }
  static Value Bool(bool b);
  // Collections take their element type explicitly so empty collections are
  // typed. Elements must conform to `element_type` (not checked in release).
  static Value List(Type element_type, std::vector<Value> elements);
  // Duplicates (by Value::operator==) collapse, as in cty.
  static Value Set(Type element_type, std::vector<Value> elements);
  static Value Map(Type element_type, std::map<std::string, Value> elements);
  // The object type is inferred from the attribute values' types.
  static Value Object(std::map<std::string, Value> attributes);
  // With an explicit type: missing attributes are filled with typed nulls.
  static Value Object(const Type& object_type,
                      std::map<std::string, Value> attributes);
  static Value Tuple(std::vector<Value> elements);

  // Convenience for string lists/sets/maps.
  static Value StringList(const std::vector<std::string>& items);
  static Value StringSet(const std::vector<std::string>& items);
  static Value StringMap(const std::map<std::string, std::string>& items);

  const Type& type() const { return type_; }
  bool IsNull() const { return state_ == State::kNull; }
  bool IsUnknown() const { return state_ == State::kUnknown; }
  bool IsKnown() const { return state_ == State::kKnown; }
  // Known and not null.
  bool IsKnownNonNull() const { return IsKnown(); }
  // No unknown anywhere inside (null counts as known).
  bool IsWhollyKnown() const;
  const UnknownRefinements& refinements() const;

  // Accessors for known values. Calling one on the wrong kind or on a
  // null/unknown value is a programming error (asserts in debug builds,
  // returns an empty result in release).
  const std::string& AsString() const;
  const tf::Number& AsNumber() const;
  bool AsBool() const;
  // Elements of a list, set or tuple.
  const std::vector<Value>& Elements() const;
  // Entries of a map, or attributes of an object.
  const std::map<std::string, Value>& Entries() const;

  // Object attribute access; a missing attribute yields a dynamic null.
  const Value& GetAttr(std::string_view name) const;
  bool HasAttr(std::string_view name) const;
  // Returns a copy with one attribute replaced (object values only).
  Value WithAttr(const std::string& name, Value v) const;

  // Typed optional getters for object attributes: nullopt when the attribute
  // is null, unknown or missing.
  std::optional<std::string> GetString(std::string_view name) const;
  std::optional<bool> GetBool(std::string_view name) const;
  std::optional<int64_t> GetInt(std::string_view name) const;
  // Known string elements of a list/set attribute (empty when null/unknown).
  std::vector<std::string> GetStringList(std::string_view name) const;
  std::map<std::string, std::string> GetStringMap(std::string_view name) const;

  // Follows a path; nullopt when a step does not exist.
  std::optional<Value> AtPath(const AttributePath& path) const;

  // Structural equality: same type, same null/unknown state, equal payloads
  // (sets compare order-insensitively, numbers by value).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // Rewrites the value bottom-up. `fn` sees each nested value with its path
  // and returns the replacement.
  Value Transform(
      const std::function<Value(const AttributePath&, const Value&)>& fn) const;

  // Compact rendering for logs and test output; sensitive values are the
  // caller's responsibility.
  std::string DebugString() const;

 private:
  // Lets the codecs build collections with an existing type instead of
  // allocating a new one per value (codec_internal.h).
  friend class ValueInternal;
  enum class State { kNull, kUnknown, kKnown };
  struct Payload;
  Value(Type type, State state, std::shared_ptr<const Payload> payload);

  Type type_;
  State state_ = State::kNull;
  std::shared_ptr<const Payload> payload_;
};

// A total order consistent with operator== (types, then null < unknown <
// known, then payloads; numbers by value). Sets are kept sorted by it.
int CompareValues(const Value& a, const Value& b);

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_VALUE_H_
