// File: type.h
//
// Terraform's type system (cty): primitive string/number/bool, the dynamic
// pseudo-type, collections (list, set, map) and structural types (object,
// tuple). Types are immutable values, cheap to copy (shared detail).
//
//   Type t = Type::Object({{"name", Type::String()},
//                          {"tags", Type::Map(Type::String())}});
//   t.ToJson();  // ["object",{"name":"string","tags":["map","string"]}]
#ifndef SECUREAML_PROVIDER_VALUE_TYPE_H_
#define SECUREAML_PROVIDER_VALUE_TYPE_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace secureaml::tf {

class Type {
 public:
  enum class Kind {
    kString,
    kNumber,
    kBool,
    kDynamic,
    kList,
    kSet,
    kMap,
    kObject,
    kTuple,
  };

  // The default type is dynamic (DynamicPseudoType).
  Type();

  static Type String();
  static Type Number();
  static Type Bool();
  static Type Dynamic();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  // `optional` names attributes marked optional in type constraints. We never
  // emit it in schemas (Terraform 0.13 rejects the 3-element form) but accept
  // it when parsing.
  static Type Object(std::map<std::string, Type> attributes,
                     std::set<std::string> optional = {});
  static Type Tuple(std::vector<Type> elements);

  Kind kind() const { return kind_; }
  bool IsPrimitive() const;   // string, number, bool
  bool IsCollection() const;  // list, set, map
  bool IsDynamic() const { return kind_ == Kind::kDynamic; }

  // Element type of a list, set or map. Must not be called on other kinds.
  const Type& ElementType() const;
  // Attribute types of an object (empty map for other kinds).
  const std::map<std::string, Type>& AttributeTypes() const;
  const std::set<std::string>& OptionalAttributes() const;
  // Element types of a tuple (empty for other kinds).
  const std::vector<Type>& TupleElementTypes() const;

  // True when the type contains the dynamic pseudo-type anywhere.
  bool HasDynamic() const;

  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

  // cty's JSON type encoding, e.g. "string" (with quotes),
  // ["list","string"], ["object",{"a":"number"}], ["tuple",["bool"]].
  std::string ToJson() const;
  static absl::StatusOr<Type> FromJson(std::string_view json);

  // Human wording for diagnostics: "string", "list of string",
  // "object", "map of number".
  std::string FriendlyName() const;

 private:
  struct Detail;
  Type(Kind kind, std::shared_ptr<const Detail> detail);
  Kind kind_;
  std::shared_ptr<const Detail> detail_;
};

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_TYPE_H_
