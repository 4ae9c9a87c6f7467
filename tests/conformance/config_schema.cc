#include "tests/conformance/config_schema.h"

#include <regex>
#include <set>

#include "absl/strings/str_cat.h"

namespace secureaml::conformance {
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

tf::Type WrapNesting(ConfigNesting nesting, tf::Type element) {
  switch (nesting) {
    case ConfigNesting::kList:
      return tf::Type::List(std::move(element));
    case ConfigNesting::kSet:
      return tf::Type::Set(std::move(element));
    case ConfigNesting::kMap:
      return tf::Type::Map(std::move(element));
    case ConfigNesting::kSingle:
    case ConfigNesting::kGroup:
    case ConfigNesting::kInvalid:
      break;
  }
  return element;
}

void ValidateAttribute(const std::string& name, const ConfigAttribute& a,
                       const std::string& prefix,
                       std::vector<std::string>& errs) {
  const std::string p = prefix + name;
  if (!a.optional && !a.required && !a.computed) {
    errs.push_back(p + ": must set Optional, Required or Computed");
  }
  if (a.optional && a.required) {
    errs.push_back(p + ": cannot set both Optional and Required");
  }
  if (a.computed && a.required) {
    errs.push_back(p + ": cannot set both Computed and Required");
  }
  if (!a.deprecated && !a.deprecation_message.empty()) {
    errs.push_back(
        p + ": DeprecationMessage must not be set when Deprecated is false");
  }
  if (!a.has_type && a.nested_type == nullptr) {
    errs.push_back(p + ": either Type or NestedType must be defined");
  }
  if (a.has_type && a.nested_type != nullptr) {
    errs.push_back(name + ": Type and NestedType cannot both be set");
  }
  if (a.nested_type != nullptr) {
    const ConfigObject& o = *a.nested_type;
    switch (o.nesting) {
      case ConfigNesting::kSingle:
      case ConfigNesting::kMap:
      case ConfigNesting::kList:
        break;
      case ConfigNesting::kSet: {
        if (a.ImpliedType().HasDynamic()) {
          errs.push_back(p +
                         ": NestingSet attributes may not contain attributes "
                         "of cty.DynamicPseudoType");
        }
        for (const auto& [n, sub] : o.attributes) {
          if (sub.write_only) {
            errs.push_back(p +
                           ": NestingSet attributes may not contain WriteOnly "
                           "attributes");
            break;
          }
        }
        break;
      }
      default:
        errs.push_back(p + ": invalid nesting mode " + NestingName(o.nesting));
    }
    for (const auto& [n, sub] : o.attributes) {
      ValidateAttribute(n, sub, prefix, errs);
    }
  }
}

const std::set<std::string>& ReservedResourceNames() {
  static const auto* names = new std::set<std::string>{
      "count",      "for_each",    "provider", "depends_on", "lifecycle",
      "connection", "provisioner", "locals",   "_"};
  return *names;
}

void CheckReserved(const ConfigBlock& b, const std::set<std::string>& attrs,
                   const std::set<std::string>& blocks, const std::string& what,
                   std::vector<std::string>& errs) {
  for (const auto& [n, a] : b.attributes) {
    if (attrs.count(n)) {
      errs.push_back(absl::StrCat(what, ": attribute name \"", n,
                                  "\" is reserved by Terraform"));
    }
  }
  for (const auto& [n, nb] : b.block_types) {
    if (blocks.count(n)) {
      errs.push_back(absl::StrCat(what, ": block type name \"", n,
                                  "\" is reserved by Terraform"));
    }
  }
}

void ToTfBlock(const ConfigBlock& in, tf::Block& out) {
  out.description = in.description;
  out.deprecated = in.deprecated;
  for (const auto& [name, a] : in.attributes) {
    tf::Attribute t;
    t.name = name;
    t.type = a.ImpliedType();
    t.description = a.description;
    t.sensitive = a.sensitive;
    t.deprecated = a.deprecated;
    t.deprecation_message = a.deprecation_message;
    if (a.required) {
      t.mode = tf::AttributeMode::kRequired;
    } else if (a.optional && a.computed) {
      t.mode = tf::AttributeMode::kOptionalComputed;
    } else if (a.computed) {
      t.mode = tf::AttributeMode::kComputed;
    } else {
      t.mode = tf::AttributeMode::kOptional;
    }
    out.attributes.push_back(std::move(t));
  }
  for (const auto& [name, nb] : in.block_types) {
    tf::NestedBlock t;
    t.type_name = name;
    switch (nb.nesting) {
      case ConfigNesting::kSingle:
        t.nesting = tf::Nesting::kSingle;
        break;
      case ConfigNesting::kSet:
        t.nesting = tf::Nesting::kSet;
        break;
      case ConfigNesting::kMap:
        t.nesting = tf::Nesting::kMap;
        break;
      case ConfigNesting::kGroup:
        t.nesting = tf::Nesting::kGroup;
        break;
      default:
        t.nesting = tf::Nesting::kList;
    }
    t.min_items = nb.min_items;
    t.max_items = nb.max_items;
    ToTfBlock(nb.block, t.block);
    out.blocks.push_back(std::move(t));
  }
}

}  // namespace

std::string NestingName(ConfigNesting n) {
  switch (n) {
    case ConfigNesting::kSingle:
      return "NestingSingle";
    case ConfigNesting::kList:
      return "NestingList";
    case ConfigNesting::kSet:
      return "NestingSet";
    case ConfigNesting::kMap:
      return "NestingMap";
    case ConfigNesting::kGroup:
      return "NestingGroup";
    case ConfigNesting::kInvalid:
      break;
  }
  return "nestingModeInvalid";
}

tf::Type ConfigObject::ImpliedType() const {
  std::map<std::string, tf::Type> attrs;
  for (const auto& [n, a] : attributes) attrs[n] = a.ImpliedType();
  return WrapNesting(nesting, tf::Type::Object(std::move(attrs)));
}

tf::Type ConfigAttribute::ImpliedType() const {
  if (nested_type != nullptr) return nested_type->ImpliedType();
  return type;
}

tf::Type ConfigBlock::ImpliedType() const {
  std::map<std::string, tf::Type> attrs;
  for (const auto& [n, a] : attributes) attrs[n] = a.ImpliedType();
  for (const auto& [n, b] : block_types) attrs[n] = b.ImpliedType();
  return tf::Type::Object(std::move(attrs));
}

const ConfigAttribute* ConfigBlock::Attribute(const std::string& name) const {
  auto it = attributes.find(name);
  return it == attributes.end() ? nullptr : &it->second;
}

const ConfigNestedBlock* ConfigBlock::BlockType(const std::string& name) const {
  auto it = block_types.find(name);
  return it == block_types.end() ? nullptr : &it->second;
}

bool ConfigBlock::ContainsWriteOnly() const {
  for (const auto& [n, a] : attributes) {
    if (a.write_only) return true;
  }
  for (const auto& [n, b] : block_types) {
    if (b.block.ContainsWriteOnly()) return true;
  }
  return false;
}

tf::Type ConfigNestedBlock::ImpliedType() const {
  // Terraform makes LIST/MAP blocks with dynamic attributes tuples/objects;
  // our provider has none, and the wire shape is the same.
  return WrapNesting(nesting, block.ImpliedType());
}

const ConfigSchema* ProviderSchemas::Resource(
    const std::string& type_name) const {
  auto it = resources.find(type_name);
  return it == resources.end() ? nullptr : &it->second;
}

const ConfigSchema* ProviderSchemas::DataSource(
    const std::string& type_name) const {
  auto it = data_sources.find(type_name);
  return it == data_sources.end() ? nullptr : &it->second;
}

std::vector<std::string> InternalValidate(const ConfigBlock& b,
                                          const std::string& prefix) {
  std::vector<std::string> errs;
  if (prefix.empty() && !b.deprecated && !b.deprecation_message.empty()) {
    errs.push_back(
        "top-level block: DeprecationMessage must not be set when Deprecated "
        "is false");
  }
  for (const auto& [name, a] : b.attributes) {
    ValidateAttribute(name, a, prefix, errs);
    if (b.computed && !a.computed) {
      errs.push_back(prefix + name +
                     ": all attributes within computed blocks must also be "
                     "computed");
    }
  }
  for (const auto& [name, nb] : b.block_types) {
    const std::string p = prefix + name;
    if (nb.block_missing) {
      errs.push_back(p + ": block schema is nil");
      continue;
    }
    if (b.attributes.count(name)) {
      errs.push_back(p +
                     ": name defined as both attribute and child block type");
    } else if (!ValidName(name)) {
      errs.push_back(p +
                     ": name may contain only lowercase letters, digits and "
                     "underscores");
    }
    if (!nb.deprecated && !nb.deprecation_message.empty()) {
      errs.push_back(
          p + ": DeprecationMessage must not be set when Deprecated is false");
    }
    if (nb.min_items < 0 || nb.max_items < 0) {
      errs.push_back(p +
                     ": MinItems and MaxItems must both be greater than zero");
    }
    if (b.computed && !nb.computed) {
      errs.push_back(p +
                     ": all nested blocks within computed blocks must also be "
                     "computed");
    }
    switch (nb.nesting) {
      case ConfigNesting::kSingle:
        if (nb.min_items != nb.max_items) {
          errs.push_back(
              p + ": MinItems and MaxItems must match in NestingSingle mode");
        } else if (nb.min_items < 0 || nb.min_items > 1) {
          errs.push_back(p +
                         ": MinItems and MaxItems must be set to either 0 or 1 "
                         "in NestingSingle mode");
        }
        break;
      case ConfigNesting::kGroup:
        if (nb.min_items != 0 || nb.max_items != 0) {
          errs.push_back(
              p +
              ": MinItems and MaxItems cannot be used in NestingGroup mode");
        }
        if (nb.computed) {
          errs.push_back(p + ": NestingGroup blocks cannot be computed");
        }
        break;
      case ConfigNesting::kList:
      case ConfigNesting::kSet:
        if (nb.min_items > nb.max_items && nb.max_items != 0) {
          errs.push_back(absl::StrCat(
              p, ": MinItems must be less than or equal to MaxItems in ",
              NestingName(nb.nesting), " mode"));
        }
        if (nb.nesting == ConfigNesting::kSet) {
          if (nb.block.ImpliedType().HasDynamic()) {
            errs.push_back(p +
                           ": NestingSet blocks may not contain attributes of "
                           "cty.DynamicPseudoType");
          }
          if (nb.block.ContainsWriteOnly()) {
            errs.push_back(
                p + ": NestingSet blocks may not contain WriteOnly attributes");
          }
        }
        if (nb.min_items > 0 && nb.computed) {
          errs.push_back(p + ": Computed cannot be used when MinItems > 0");
        }
        break;
      case ConfigNesting::kMap:
        if (nb.min_items != 0 || nb.max_items != 0) {
          errs.push_back(
              p + ": MinItems and MaxItems must both be 0 in NestingMap mode");
        }
        break;
      case ConfigNesting::kInvalid:
        errs.push_back(p + ": invalid nesting mode " + NestingName(nb.nesting));
        break;
    }
    std::vector<std::string> sub = InternalValidate(nb.block, p + ".");
    errs.insert(errs.end(), sub.begin(), sub.end());
  }
  return errs;
}

std::vector<std::string> ValidateProviderSchemas(
    const ProviderSchemas& schemas, const std::string& provider_address) {
  std::vector<std::string> out;
  for (const std::string& e : schemas.type_errors) {
    out.push_back(absl::StrCat("provider ", provider_address,
                               " sent an attribute type Terraform cannot "
                               "parse (Terraform panics on this): ",
                               e));
  }
  if (!schemas.provider_present || schemas.provider.block_missing) {
    out.push_back(absl::StrCat("provider ", provider_address,
                               " has invalid schema: missing provider schema"));
  } else {
    if (schemas.provider.version < 0) {
      out.push_back(absl::StrCat(
          "provider ", provider_address,
          " has invalid negative schema version for its configuration "
          "blocks, which is a bug in the provider"));
    }
    for (const std::string& e : InternalValidate(schemas.provider.block)) {
      out.push_back(absl::StrCat("provider ", provider_address,
                                 " has invalid schema for its configuration "
                                 "block, which is a bug in the provider: ",
                                 e));
    }
    CheckReserved(
        schemas.provider.block,
        {"alias", "version", "count", "depends_on", "for_each", "source"},
        {"_", "lifecycle", "locals"}, "provider configuration", out);
  }
  auto check = [&](const std::map<std::string, ConfigSchema>& m,
                   const char* kind) {
    for (const auto& [type_name, s] : m) {
      if (s.block_missing) {
        out.push_back(absl::StrCat(
            "provider ", provider_address, " has invalid schema for ", kind,
            " type \"", type_name,
            "\", which is a bug in the provider: Schema.block is nil "
            "(Terraform dereferences it and crashes)"));
        continue;
      }
      if (s.version < 0) {
        out.push_back(absl::StrCat("provider ", provider_address,
                                   " has invalid negative schema version for ",
                                   kind, " type \"", type_name,
                                   "\", which is a bug in the provider"));
      }
      for (const std::string& e : InternalValidate(s.block)) {
        out.push_back(absl::StrCat(
            "provider ", provider_address, " has invalid schema for ", kind,
            " type \"", type_name, "\", which is a bug in the provider: ", e));
      }
      CheckReserved(s.block, ReservedResourceNames(), ReservedResourceNames(),
                    absl::StrCat(kind, " type \"", type_name, "\""), out);
    }
  };
  check(schemas.resources, "managed resource");
  check(schemas.data_sources, "data resource");
  return out;
}

tf::Schema ToTfSchema(const ConfigSchema& schema) {
  tf::Schema out;
  out.version = schema.version;
  ToTfBlock(schema.block, out.block);
  return out;
}

bool IsSensitivePath(const ConfigBlock& block, const tf::AttributePath& path) {
  const ConfigBlock* b = &block;
  for (const auto& step : path.steps()) {
    if (step.kind != tf::AttributePath::Step::Kind::kAttribute) continue;
    if (const ConfigAttribute* a = b->Attribute(step.name)) {
      return a->sensitive || a->write_only;
    }
    const ConfigNestedBlock* nb = b->BlockType(step.name);
    if (nb == nullptr) return false;
    b = &nb->block;
  }
  return false;
}

}  // namespace secureaml::conformance
