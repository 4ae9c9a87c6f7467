#include "provider/value/schema.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/value/codec.h"

namespace secureaml::tf {

namespace {

Attribute MakeAttribute(std::string name, Type type, std::string desc,
                        AttributeMode mode) {
  Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.description = std::move(desc);
  a.mode = mode;
  return a;
}

}  // namespace

Attribute Attribute::Required(std::string name, Type type, std::string desc) {
  return MakeAttribute(std::move(name), std::move(type), std::move(desc),
                       AttributeMode::kRequired);
}
Attribute Attribute::Optional(std::string name, Type type, std::string desc) {
  return MakeAttribute(std::move(name), std::move(type), std::move(desc),
                       AttributeMode::kOptional);
}
Attribute Attribute::Computed(std::string name, Type type, std::string desc) {
  return MakeAttribute(std::move(name), std::move(type), std::move(desc),
                       AttributeMode::kComputed);
}
Attribute Attribute::OptionalComputed(std::string name, Type type,
                                      std::string desc) {
  return MakeAttribute(std::move(name), std::move(type), std::move(desc),
                       AttributeMode::kOptionalComputed);
}

Attribute& Attribute::WithDefault(Value v) {
  // The provider plans the default when config is null, so Terraform must
  // see the attribute as computed or it rejects the plan.
  default_value = std::move(v);
  mode = AttributeMode::kOptionalComputed;
  return *this;
}

Type Block::ImpliedType() const {
  std::map<std::string, Type> attrs;
  for (const auto& a : attributes) attrs.emplace(a.name, a.type);
  for (const auto& b : blocks) attrs.emplace(b.type_name, b.ImpliedType());
  return Type::Object(std::move(attrs));
}

const Attribute* Block::FindAttribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::FindBlock(std::string_view name) const {
  for (const auto& b : blocks) {
    if (b.type_name == name) return &b;
  }
  return nullptr;
}

Type NestedBlock::ImpliedType() const {
  Type object = block.ImpliedType();
  switch (nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return object;
    case Nesting::kList:
      // As configschema: elements of a list must share one type, which
      // dynamic attributes cannot promise, so the block becomes dynamic
      // (a tuple on the wire, wrapped with its type).
      return object.HasDynamic() ? Type::Dynamic() : Type::List(object);
    case Nesting::kSet:
      return Type::Set(object);
    case Nesting::kMap:
      return object.HasDynamic() ? Type::Dynamic() : Type::Map(object);
  }
  return object;
}

NestedBlock NestedBlock::Single(std::string type_name, Block block) {
  NestedBlock b;
  b.type_name = std::move(type_name);
  b.nesting = Nesting::kSingle;
  b.block = std::move(block);
  return b;
}

NestedBlock NestedBlock::List(std::string type_name, Block block,
                              int64_t min_items, int64_t max_items) {
  NestedBlock b;
  b.type_name = std::move(type_name);
  b.nesting = Nesting::kList;
  b.block = std::move(block);
  b.min_items = min_items;
  b.max_items = max_items;
  return b;
}

NestedBlock NestedBlock::Set(std::string type_name, Block block,
                             int64_t min_items, int64_t max_items) {
  NestedBlock b;
  b.type_name = std::move(type_name);
  b.nesting = Nesting::kSet;
  b.block = std::move(block);
  b.min_items = min_items;
  b.max_items = max_items;
  return b;
}

namespace {

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// Names Terraform's configuration language keeps for itself
// (configs/resource.go and provider.go).
const std::set<std::string>& ResourceReservedNames() {
  static const auto* s = new std::set<std::string>{
      "count",      "for_each",    "provider", "depends_on", "lifecycle",
      "connection", "provisioner", "locals",   "_"};
  return *s;
}
const std::set<std::string>& ProviderReservedAttributes() {
  static const auto* s = new std::set<std::string>{
      "alias", "version", "count", "depends_on", "for_each", "source"};
  return *s;
}
const std::set<std::string>& ProviderReservedBlocks() {
  static const auto* s = new std::set<std::string>{"_", "lifecycle", "locals"};
  return *s;
}

void ValidateBlock(const Block& block, const std::string& where, bool top_level,
                   bool is_provider, std::vector<std::string>& errors) {
  auto err = [&](const std::string& name, std::string msg) {
    std::string at = where.empty() ? name : absl::StrCat(where, ".", name);
    errors.push_back(absl::StrCat(at.empty() ? "block" : at, ": ", msg));
  };
  std::set<std::string> seen;
  for (const auto& a : block.attributes) {
    if (!ValidName(a.name)) {
      err(a.name, "attribute name must match ^[a-z0-9_]+$");
    }
    if (!seen.insert(a.name).second) err(a.name, "duplicate name");
    if (a.description.empty()) {
      err(a.name, "description is empty (documentation is generated from it)");
    }
    if (!a.deprecated && !a.deprecation_message.empty()) {
      err(a.name, "deprecation_message set without deprecated");
    }
    if (a.default_value) {
      if (a.mode != AttributeMode::kOptionalComputed) {
        err(a.name, "an attribute with a default must be optional+computed");
      }
      if (!a.default_value->IsKnown()) {
        err(a.name, "default must be a known, non-null value");
      } else if (!CheckConforms(*a.default_value, a.type).ok()) {
        err(a.name, absl::StrCat("default does not conform to ",
                                 a.type.FriendlyName()));
      }
    }
    if (a.use_state_for_unknown && !a.IsComputed()) {
      err(a.name, "use_state_for_unknown needs a computed attribute");
    }
    if (top_level && !is_provider && ResourceReservedNames().count(a.name)) {
      err(a.name, "reserved name in resource schemas");
    }
    if (top_level && is_provider &&
        ProviderReservedAttributes().count(a.name)) {
      err(a.name, "reserved name in provider schemas");
    }
  }
  for (const auto& b : block.blocks) {
    const std::string& name = b.type_name;
    if (!ValidName(name)) err(name, "block type name must match ^[a-z0-9_]+$");
    if (!seen.insert(name).second) {
      err(name, "name used by more than one attribute or block");
    }
    if (top_level && !is_provider && ResourceReservedNames().count(name)) {
      err(name, "reserved name in resource schemas");
    }
    if (top_level && is_provider && ProviderReservedBlocks().count(name)) {
      err(name, "reserved block name in provider schemas");
    }
    if (b.block.description.empty()) {
      err(name, "block description is empty");
    }
    if (b.min_items < 0 || b.max_items < 0) {
      err(name, "min_items and max_items must be >= 0");
    }
    switch (b.nesting) {
      case Nesting::kSingle:
        if (b.min_items != b.max_items || b.min_items > 1) {
          err(name, "SINGLE blocks need min_items = max_items, 0 or 1");
        }
        break;
      case Nesting::kGroup:
        if (b.min_items != 0 || b.max_items != 0) {
          err(name, "GROUP blocks take no min_items/max_items");
        }
        break;
      case Nesting::kList:
      case Nesting::kSet:
        if (b.max_items > 0 && b.min_items > b.max_items) {
          err(name, "min_items exceeds max_items");
        }
        if (b.nesting == Nesting::kSet && b.block.ImpliedType().HasDynamic()) {
          err(name, "SET blocks may not contain dynamic attributes");
        }
        break;
      case Nesting::kMap:
        if (b.min_items != 0 || b.max_items != 0) {
          err(name, "MAP blocks take no min_items/max_items");
        }
        break;
    }
    ValidateBlock(b.block,
                  where.empty() ? name : absl::StrCat(where, ".", name),
                  /*top_level=*/false, is_provider, errors);
  }
}

}  // namespace

absl::Status ValidateSchema(const Schema& schema, bool is_provider) {
  std::vector<std::string> errors;
  if (schema.version < 0) errors.push_back("schema version must be >= 0");
  if (schema.block.description.empty()) {
    errors.push_back("block: description is empty");
  }
  ValidateBlock(schema.block, "", /*top_level=*/true, is_provider, errors);
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid schema: ", absl::StrJoin(errors, "; ")));
}

}  // namespace secureaml::tf
