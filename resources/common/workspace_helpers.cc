#include "resources/common/workspace_helpers.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "provider/core/object_checks.h"
#include "resources/common/arm_id.h"
#include "resources/common/validators.h"

namespace secureaml::resources {

const nlohmann::json* JsonAt(const nlohmann::json& j,
                             std::initializer_list<std::string_view> path) {
  const nlohmann::json* cur = &j;
  for (std::string_view step : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(step));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string JsonString(const nlohmann::json& j,
                       std::initializer_list<std::string_view> path) {
  const nlohmann::json* v = JsonAt(j, path);
  if (v == nullptr || !v->is_string()) return "";
  return v->get<std::string>();
}

std::optional<bool> JsonBool(const nlohmann::json& j,
                             std::initializer_list<std::string_view> path) {
  const nlohmann::json* v = JsonAt(j, path);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

const nlohmann::json& JsonArray(const nlohmann::json& j,
                                std::initializer_list<std::string_view> path) {
  static const nlohmann::json* kEmpty =
      new nlohmann::json(nlohmann::json::array());
  const nlohmann::json* v = JsonAt(j, path);
  if (v == nullptr || !v->is_array()) return *kEmpty;
  return *v;
}

tf::Value PreferPriorCasing(const tf::Value& prior, const std::string& remote) {
  if (prior.IsKnown() && prior.type() == tf::Type::String() &&
      EqualsIgnoreCase(prior.AsString(), remote)) {
    return prior;
  }
  return tf::Value::String(remote);
}

tf::Value OptionalString(const tf::Value& prior, const std::string& remote) {
  if (remote.empty()) {
    if (prior.IsKnown() && prior.type() == tf::Type::String() &&
        prior.AsString().empty()) {
      return prior;
    }
    return tf::Value::Null(tf::Type::String());
  }
  return tf::Value::String(remote);
}

tf::Value OptionalId(const tf::Value& prior, const std::string& remote) {
  if (remote.empty()) return OptionalString(prior, remote);
  return PreferPriorCasing(prior, remote);
}

tf::Value PreferPriorLocation(const tf::Value& prior,
                              const std::string& remote) {
  if (prior.IsKnown() && prior.type() == tf::Type::String() &&
      NormalizeLocation(prior.AsString()) == NormalizeLocation(remote)) {
    return prior;
  }
  return tf::Value::String(remote);
}

tf::Value TagsFromJson(const nlohmann::json* tags, const tf::Value& prior) {
  std::map<std::string, tf::Value> out;
  if (tags != nullptr && tags->is_object()) {
    for (auto it = tags->begin(); it != tags->end(); ++it) {
      if (it.value().is_string()) {
        out[it.key()] = tf::Value::String(it.value().get<std::string>());
      }
    }
  }
  if (out.empty() &&
      !(prior.IsKnown() && prior.type().kind() == tf::Type::Kind::kMap)) {
    return tf::Value::Null(tf::Type::Map(tf::Type::String()));
  }
  return tf::Value::Map(tf::Type::String(), std::move(out));
}

nlohmann::json TagsToJson(const tf::Value& tags) {
  nlohmann::json out = nlohmann::json::object();
  if (!tags.IsKnown() || tags.type().kind() != tf::Type::Kind::kMap) {
    return out;
  }
  for (const auto& [k, v] : tags.Entries()) {
    if (v.IsKnown()) out[k] = v.AsString();
  }
  return out;
}

tf::Value IdSetPreferPrior(const tf::Value& prior,
                           const std::vector<std::string>& remote) {
  std::vector<tf::Value> out;
  for (const std::string& r : remote) {
    tf::Value v = tf::Value::String(r);
    if (prior.IsKnown() && prior.type().IsCollection()) {
      for (const tf::Value& p : prior.Elements()) {
        if (p.IsKnown() && EqualsIgnoreCase(p.AsString(), r)) {
          v = p;
          break;
        }
      }
    }
    out.push_back(std::move(v));
  }
  return tf::Value::Set(tf::Type::String(), std::move(out));
}

tf::Validator AnyArmIdValidator() {
  return [](const tf::Value& value, const tf::AttributePath& path,
            tf::Diagnostics& diags) {
    if (value.type().kind() != tf::Type::Kind::kString) return;
    absl::StatusOr<ArmId> id = ParseArmId(value.AsString());
    if (!id.ok()) {
      diags.AddAttributeError(path, "Invalid Azure resource ID",
                              std::string(id.status().message()));
    } else if (id->segments.empty()) {
      diags.AddAttributeError(
          path, "Invalid Azure resource ID",
          absl::StrCat("\"", value.AsString(),
                       "\" names a subscription or resource group, not a "
                       "resource: expected /subscriptions/{sub}/"
                       "resourceGroups/{group}/providers/{Namespace}/{type}/"
                       "{name}."));
    }
  };
}

bool EnsureAbsentBeforeCreate(const AzureProviderData& az,
                              const core::OperationContext& ctx,
                              const std::string& id,
                              const std::string& api_version,
                              const std::string& type_name,
                              tf::Diagnostics& diagnostics,
                              std::vector<azure::RetryRule> retry) {
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.retry_rules = std::move(retry);
  absl::StatusOr<azure::ArmResponse> r = az.arm->Get(id, api_version, opts);
  if (r.ok()) {
    diagnostics.AddError(
        "Resource already exists",
        absl::StrCat(
            "A ", type_name, " with the ID ", id,
            " already exists, and Terraform does not manage it. To manage it "
            "with Terraform, import it into state:\n\n  terraform import ",
            type_name, ".<name> \"", id,
            "\"\n\nor use an `import` block with that ID. Otherwise choose "
            "another name."));
    return false;
  }
  if (absl::IsNotFound(r.status())) return true;
  AddAzureError(diagnostics, r.status(),
                absl::StrCat("Failed to check whether the ", type_name,
                             " already exists"),
                id);
  return false;
}

tf::Value PartialState(const tf::Value& planned, const std::string& id) {
  tf::Value out = core::ReplaceUnknowns(planned, nullptr, nullptr);
  return out.WithAttr("id", tf::Value::String(id));
}

void ImportByArmId(const core::ImportRequest& req, core::ImportResponse& resp,
                   const tf::Schema& schema, const std::string& expected_type,
                   const std::string& example_id) {
  absl::StatusOr<ArmId> id = ParseArmIdOfType(req.id, expected_type);
  if (!id.ok()) {
    resp.diagnostics.AddError("Invalid import ID",
                              absl::StrCat(id.status().message(),
                                           "\n\nImport with the full ARM ID, "
                                           "for example:\n  ",
                                           example_id));
    return;
  }
  std::map<std::string, tf::Value> attrs;
  attrs["id"] = tf::Value::String(req.id);
  if (schema.block.FindAttribute("name") != nullptr) {
    attrs["name"] = tf::Value::String(id->Name());
  }
  if (schema.block.FindAttribute("resource_group_name") != nullptr) {
    attrs["resource_group_name"] = tf::Value::String(id->resource_group);
  }
  resp.state = tf::Value::Object(schema.ImpliedType(), std::move(attrs));
}

tf::Value UnknownComputedForReplace(const tf::Block& block,
                                    const tf::Value& config,
                                    const tf::Value& planned) {
  tf::Value out = planned;
  for (const tf::Attribute& attr : block.attributes) {
    if (!attr.IsComputed()) continue;
    if (!config.GetAttr(attr.name).IsNull()) continue;
    out = out.WithAttr(attr.name, tf::Value::Unknown(attr.type));
  }
  return out;
}

std::string ShortHash(const std::string& text) {
  uint32_t h = 2166136261u;
  for (char c : text) {
    unsigned char lc =
        static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
    h ^= lc;
    h *= 16777619u;
  }
  return absl::StrFormat("%08x", h);
}

}  // namespace secureaml::resources
