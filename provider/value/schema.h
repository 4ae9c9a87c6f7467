// File: schema.h
//
// The schema model: attributes and nested blocks with descriptions, as
// Terraform's configschema. Schemas are declarative data built once per
// resource; the core derives types, planning behaviour and documentation
// from them.
//
//   Schema s;
//   s.block.description = "An Azure ML workspace.";
//   s.block.attributes = {
//       Attribute::Required("name", Type::String(), "Workspace name.")
//           .ForceNew(),
//       Attribute::Computed("id", Type::String(), "ARM resource ID.")
//           .UseStateForUnknown(),
//       Attribute::Optional("public_network_access_enabled", Type::Bool(),
//                           "Allow access from the public internet.")
//           .WithDefault(Value::Bool(false)),
//   };
//
// Nested attributes (protocol 6 only) are deliberately not modelled: nested
// blocks work on protocol 5 and 6 alike.
#ifndef SECUREAML_PROVIDER_VALUE_SCHEMA_H_
#define SECUREAML_PROVIDER_VALUE_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/type.h"
#include "provider/value/value.h"

namespace secureaml::tf {

enum class AttributeMode { kRequired, kOptional, kComputed, kOptionalComputed };

// Validates one known, non-null configuration value. Runs during
// ValidateResourceConfig (plan time) with the attribute's path.
using Validator = std::function<void(
    const Value& value, const AttributePath& path, Diagnostics& diagnostics)>;

struct Attribute {
  std::string name;
  Type type;
  AttributeMode mode = AttributeMode::kOptional;
  std::string description;  // Markdown; required, docs are generated from it
  bool sensitive = false;
  // A change of this attribute replaces the resource.
  bool requires_replace = false;
  // Computed attribute whose prior value stays valid across updates: planned
  // as the prior state's value rather than unknown.
  bool use_state_for_unknown = false;
  // Planned when the configuration leaves the attribute null. Makes the
  // attribute optional+computed on the wire.
  std::optional<Value> default_value;
  bool deprecated = false;
  std::string deprecation_message;
  std::vector<Validator> validators;

  static Attribute Required(std::string name, Type type, std::string desc);
  static Attribute Optional(std::string name, Type type, std::string desc);
  static Attribute Computed(std::string name, Type type, std::string desc);
  static Attribute OptionalComputed(std::string name, Type type,
                                    std::string desc);

  Attribute& Sensitive() {
    sensitive = true;
    return *this;
  }
  Attribute& ForceNew() {
    requires_replace = true;
    return *this;
  }
  Attribute& UseStateForUnknown() {
    use_state_for_unknown = true;
    return *this;
  }
  // Sets the default and makes the attribute optional+computed.
  Attribute& WithDefault(Value v);
  Attribute& Deprecated(std::string message) {
    deprecated = true;
    deprecation_message = std::move(message);
    return *this;
  }
  Attribute& Validate(Validator v) {
    validators.push_back(std::move(v));
    return *this;
  }

  bool IsRequired() const { return mode == AttributeMode::kRequired; }
  bool IsOptional() const {
    return mode == AttributeMode::kOptional ||
           mode == AttributeMode::kOptionalComputed;
  }
  bool IsComputed() const {
    return mode == AttributeMode::kComputed ||
           mode == AttributeMode::kOptionalComputed;
  }
};

enum class Nesting { kSingle, kList, kSet, kMap, kGroup };

struct NestedBlock;

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> blocks;
  std::string description;  // Markdown
  bool deprecated = false;

  // The object type Terraform derives from the block.
  Type ImpliedType() const;
  const Attribute* FindAttribute(std::string_view name) const;
  const NestedBlock* FindBlock(std::string_view name) const;
};

struct NestedBlock {
  std::string type_name;
  Nesting nesting = Nesting::kList;
  Block block;
  int64_t min_items = 0;
  int64_t max_items = 0;  // 0: unbounded
  // Any change inside the block replaces the resource.
  bool requires_replace = false;

  // The type of this block's value inside its parent object.
  Type ImpliedType() const;

  static NestedBlock Single(std::string type_name, Block block);
  static NestedBlock List(std::string type_name, Block block,
                          int64_t min_items = 0, int64_t max_items = 0);
  static NestedBlock Set(std::string type_name, Block block,
                         int64_t min_items = 0, int64_t max_items = 0);
  NestedBlock& ForceNew() {
    requires_replace = true;
    return *this;
  }
};

struct Schema {
  int64_t version = 0;
  Block block;

  Type ImpliedType() const { return block.ImpliedType(); }
};

// Checks the rules Terraform's InternalValidate enforces (names, modes,
// nesting min/max, reserved names) so a bad schema fails our tests instead
// of crashing the user's terraform. `is_provider` applies the provider
// block's reserved names.
absl::Status ValidateSchema(const Schema& schema, bool is_provider = false);

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_SCHEMA_H_
