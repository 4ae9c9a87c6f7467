// File: config_schema.h
//
// The schema exactly as Terraform core sees it after GetProviderSchema
// (its configschema package): raw required/optional/computed flags, write-only,
// v6 nested attribute types, computed blocks, GROUP nesting. The provider's
// own tf::Schema cannot represent invalid flag combinations, and the
// conformance client must be able to see and reject them, so it keeps this
// independent mirror, converted straight from the protobuf messages.
//
//   ConfigBlock b = ...;            // from ProviderClient::GetProviderSchema
//   tf::Type t = b.ImpliedType();   // what DynamicValues are encoded against
//   std::vector<std::string> errs = InternalValidate(b);
#ifndef SECUREAML_TESTS_CONFORMANCE_CONFIG_SCHEMA_H_
#define SECUREAML_TESTS_CONFORMANCE_CONFIG_SCHEMA_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/schema.h"
#include "provider/value/type.h"

namespace secureaml::conformance {

enum class ConfigNesting { kInvalid, kSingle, kList, kSet, kMap, kGroup };

std::string NestingName(ConfigNesting n);

struct ConfigObject;

struct ConfigAttribute {
  // Exactly one of `type` / `nested_type` is meaningful; `has_type` tells
  // whether the wire message carried type bytes at all.
  bool has_type = false;
  tf::Type type;
  std::shared_ptr<ConfigObject> nested_type;  // protocol 6 only
  std::string type_json;                      // raw bytes, for reports
  bool required = false;
  bool optional = false;
  bool computed = false;
  bool sensitive = false;
  bool write_only = false;
  bool deprecated = false;
  std::string deprecation_message;
  std::string description;

  tf::Type ImpliedType() const;
};

struct ConfigObject {
  std::map<std::string, ConfigAttribute> attributes;
  ConfigNesting nesting = ConfigNesting::kSingle;
  tf::Type ImpliedType() const;
};

struct ConfigNestedBlock;

struct ConfigBlock {
  std::map<std::string, ConfigAttribute> attributes;
  std::map<std::string, ConfigNestedBlock> block_types;
  bool computed = false;
  bool deprecated = false;
  std::string deprecation_message;
  std::string description;

  tf::Type ImpliedType() const;
  const ConfigAttribute* Attribute(const std::string& name) const;
  const ConfigNestedBlock* BlockType(const std::string& name) const;
  bool ContainsWriteOnly() const;
};

struct ConfigNestedBlock {
  ConfigNesting nesting = ConfigNesting::kInvalid;
  // Always present after conversion; `block_missing` records that the wire
  // message had no block (which crashes Terraform with a nil pointer).
  ConfigBlock block;
  bool block_missing = false;
  int64_t min_items = 0;
  int64_t max_items = 0;
  bool deprecated = false;
  std::string deprecation_message;
  bool computed = false;  // the nested block's own Block.computed

  tf::Type ImpliedType() const;
};

struct ConfigSchema {
  int64_t version = 0;
  ConfigBlock block;
  bool block_missing = false;  // Schema.block was unset on the wire
};

struct ServerCapabilitiesInfo {
  bool plan_destroy = false;
  bool get_provider_schema_optional = false;
  bool move_resource_state = false;
  bool generate_resource_config = false;
};

struct ProviderSchemas {
  bool provider_present = false;
  ConfigSchema provider;
  ConfigSchema provider_meta;
  std::map<std::string, ConfigSchema> resources;
  std::map<std::string, ConfigSchema> data_sources;
  ServerCapabilitiesInfo capabilities;
  // Attribute types whose JSON did not parse: Terraform panics on these.
  std::vector<std::string> type_errors;

  const ConfigSchema* Resource(const std::string& type_name) const;
  const ConfigSchema* DataSource(const std::string& type_name) const;
};

// configschema.Block.InternalValidate, message for message. Empty = valid.
std::vector<std::string> InternalValidate(const ConfigBlock& block,
                                          const std::string& prefix = "");

// Everything Terraform checks when it loads provider schemas
// (loadschemas/plugins.go + InternalValidate + reserved names), phrased as
// Terraform's errors, e.g. `provider X has invalid schema for managed
// resource type "t", which is a bug in the provider: ...`.
std::vector<std::string> ValidateProviderSchemas(
    const ProviderSchemas& schemas, const std::string& provider_address);

// Best-effort conversion to the provider's own model, so tests can also run
// tf::ValidateSchema over what came off the wire. Nested attribute types
// become plain attributes of their implied type; write-only is dropped.
tf::Schema ToTfSchema(const ConfigSchema& schema);

// Paths of every sensitive / write-only attribute inside `value` (used to
// redact reports and to check write-only attributes are null).
bool IsSensitivePath(const ConfigBlock& block, const tf::AttributePath& path);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_CONFIG_SCHEMA_H_
