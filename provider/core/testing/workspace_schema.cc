#include "provider/core/testing/workspace_schema.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "provider/core/object_checks.h"
#include "provider/core/timeouts.h"

namespace secureaml::core::testing {

using tf::Attribute;
using tf::Type;
using tf::Value;

tf::Schema WorkspaceLikeSchema() {
  tf::Schema s;
  s.version = 1;
  s.block.description = "A workspace-like resource for tests.";
  s.block.attributes = {
      Attribute::Computed("id", Type::String(), "ARM ID.").UseStateForUnknown(),
      Attribute::Required("name", Type::String(), "Name.")
          .ForceNew()
          .Validate([](const Value& v, const tf::AttributePath& p,
                       tf::Diagnostics& d) {
            if (v.AsString().empty()) {
              d.AddAttributeError(p, "Invalid name", "The name is empty.");
            }
          }),
      Attribute::Required("location", Type::String(), "Region.").ForceNew(),
      Attribute::Optional("description", Type::String(), "Description."),
      Attribute::Optional("sku", Type::String(), "SKU.")
          .WithDefault(Value::String("Basic")),
      Attribute::Optional("public_network_access_enabled", Type::Bool(),
                          "Public access.")
          .WithDefault(Value::Bool(false)),
      Attribute::Computed("etag", Type::String(), "Changes on every write."),
      Attribute::Optional("tags", Type::Map(Type::String()), "Tags."),
      Attribute::Optional("legacy_flag", Type::Bool(), "Old.")
          .Deprecated("legacy_flag does nothing; remove it."),
      Attribute::OptionalComputed("principal_id", Type::String(),
                                  "Identity principal."),
  };
  tf::Block enc;
  enc.description = "Customer-managed key.";
  enc.attributes = {
      Attribute::Required("key_id", Type::String(), "Key URL.")
          .ForceNew()
          .Validate([](const Value& v, const tf::AttributePath& p,
                       tf::Diagnostics& d) {
            if (!absl::StartsWith(v.AsString(), "https://")) {
              d.AddAttributeError(p, "Invalid key ID",
                                  "The key ID must be an https:// URL.");
            }
          }),
      Attribute::Optional("version", Type::String(), "Key version."),
      Attribute::Computed("identity_client_id", Type::String(),
                          "Identity used to reach the key."),
  };
  tf::Block rule;
  rule.description = "Network rule.";
  rule.attributes = {
      Attribute::Required("ip_range", Type::String(), "CIDR.")
          .ForceNew()
          .Validate([](const Value& v, const tf::AttributePath& p,
                       tf::Diagnostics& d) {
            if (v.AsString().find('/') == std::string::npos) {
              d.AddAttributeError(p, "Invalid IP range", "Use CIDR notation.");
            }
          }),
      Attribute::Optional("action", Type::String(), "Allow or Deny."),
  };
  s.block.blocks = {
      tf::NestedBlock::List("encryption", std::move(enc), 0, 1),
      tf::NestedBlock::Set("network_rule", std::move(rule)),
      TimeoutsBlock(DefaultTimeouts{}),
  };
  return s;
}

Value ProposedNew(const tf::Block& block, const Value& prior,
                  const Value& config) {
  if (!config.IsKnown()) return config;
  std::map<std::string, Value> out;
  for (const Attribute& a : block.attributes) {
    const Value& cv = AttrOrNull(config, a.name);
    const Value& pv = AttrOrNull(prior, a.name);
    out[a.name] = (a.IsComputed() && cv.IsNull() && !pv.IsNull())
                      ? pv
                      : (cv.IsNull() ? Value::Null(a.type) : cv);
  }
  for (const tf::NestedBlock& nb : block.blocks) {
    const Value& cv = AttrOrNull(config, nb.type_name);
    const Value& pv = AttrOrNull(prior, nb.type_name);
    if (!cv.IsKnown() || nb.nesting == tf::Nesting::kSet ||
        nb.nesting == tf::Nesting::kMap) {
      out[nb.type_name] = cv;
    } else if (nb.nesting == tf::Nesting::kList) {
      std::vector<Value> elems;
      const auto& ce = cv.Elements();
      for (size_t i = 0; i < ce.size(); ++i) {
        const bool has_prior = pv.IsKnown() && i < pv.Elements().size();
        elems.push_back(ProposedNew(
            nb.block, has_prior ? pv.Elements()[i] : Value(), ce[i]));
      }
      out[nb.type_name] = WithElements(cv, std::move(elems));
    } else {
      out[nb.type_name] = ProposedNew(nb.block, pv, cv);
    }
  }
  return Value::Object(config.type(), std::move(out));
}

Value WorkspaceConfig(std::map<std::string, Value> attrs) {
  static const tf::Schema* const kSchema =
      new tf::Schema(WorkspaceLikeSchema());
  return NormalizeBlockValue(
      kSchema->block, Value::Object(kSchema->ImpliedType(), std::move(attrs)));
}

}  // namespace secureaml::core::testing
