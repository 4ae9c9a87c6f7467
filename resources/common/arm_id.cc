#include "resources/common/arm_id.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace secureaml::resources {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string ArmId::Type() const {
  if (provider_namespace.empty()) {
    return resource_group.empty() ? "Microsoft.Resources/subscriptions"
                                  : "Microsoft.Resources/resourceGroups";
  }
  std::string out = provider_namespace;
  for (const auto& [type, name] : segments) absl::StrAppend(&out, "/", type);
  return out;
}

std::string ArmId::Name() const {
  if (!segments.empty()) return segments.back().second;
  if (!resource_group.empty()) return resource_group;
  return subscription_id;
}

ArmId ArmId::Parent() const {
  ArmId parent = *this;
  if (!parent.segments.empty()) {
    parent.segments.pop_back();
    if (parent.segments.empty()) parent.provider_namespace.clear();
  } else if (!parent.resource_group.empty()) {
    parent.resource_group.clear();
  }
  return parent;
}

std::string ArmId::ToString() const {
  std::string out = absl::StrCat("/subscriptions/", subscription_id);
  if (!resource_group.empty()) {
    absl::StrAppend(&out, "/resourceGroups/", resource_group);
  }
  if (!provider_namespace.empty()) {
    absl::StrAppend(&out, "/providers/", provider_namespace);
    for (const auto& [type, name] : segments) {
      absl::StrAppend(&out, "/", type, "/", name);
    }
  }
  return out;
}

bool ArmId::SameAs(const ArmId& other) const {
  return EqualsIgnoreCase(ToString(), other.ToString());
}

namespace {

absl::Status Malformed(std::string_view id, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", std::string(id),
      "\" is not a valid Azure resource ID: ", std::string(why),
      ". Expected /subscriptions/{subscription}/resourceGroups/{group}/"
      "providers/{Namespace}/{type}/{name}."));
}

bool ValidSegment(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == '?' || c == '#') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<ArmId> ParseArmId(std::string_view id) {
  if (id.empty()) return Malformed(id, "it is empty");
  if (id.front() != '/') return Malformed(id, "it must start with '/'");
  std::string_view body = id.substr(1);
  if (!body.empty() && body.back() == '/') body.remove_suffix(1);
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t slash = body.find('/', start);
    parts.push_back(body.substr(start, slash == std::string_view::npos
                                           ? std::string_view::npos
                                           : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (std::string_view p : parts) {
    if (!ValidSegment(p)) {
      return Malformed(id, "it has an empty or invalid segment");
    }
  }
  if (parts.size() < 2 || !EqualsIgnoreCase(parts[0], "subscriptions")) {
    return Malformed(id, "it must begin with /subscriptions/{subscription}");
  }
  ArmId out;
  out.subscription_id = std::string(parts[1]);
  size_t i = 2;
  if (i < parts.size() && EqualsIgnoreCase(parts[i], "resourceGroups")) {
    if (i + 1 >= parts.size()) {
      return Malformed(id, "the resource group name is missing");
    }
    out.resource_group = std::string(parts[i + 1]);
    i += 2;
  }
  if (i == parts.size()) return out;
  if (!EqualsIgnoreCase(parts[i], "providers") || i + 1 >= parts.size()) {
    return Malformed(
        id, absl::StrCat("unexpected segment \"", std::string(parts[i]), "\""));
  }
  out.provider_namespace = std::string(parts[i + 1]);
  i += 2;
  size_t remaining = parts.size() - i;
  if (remaining == 0 || remaining % 2 != 0) {
    return Malformed(id, "every resource type must be followed by a name");
  }
  for (; i < parts.size(); i += 2) {
    out.segments.emplace_back(std::string(parts[i]), std::string(parts[i + 1]));
  }
  return out;
}

absl::StatusOr<ArmId> ParseArmIdOfType(std::string_view id,
                                       std::string_view expected_type) {
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(parsed.status().message(), " The ID must identify a ",
                     std::string(expected_type), "."));
  }
  if (!EqualsIgnoreCase(parsed->Type(), expected_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", std::string(id), "\" identifies a ", parsed->Type(), ", but a ",
        std::string(expected_type), " is required here."));
  }
  if (parsed->resource_group.empty() &&
      !EqualsIgnoreCase(expected_type, "Microsoft.Resources/subscriptions")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(id), "\" has no resource group; a ",
                     std::string(expected_type),
                     " ID must include /resourceGroups/{group}."));
  }
  return parsed;
}

std::string ResourceGroupId(std::string_view subscription_id,
                            std::string_view resource_group) {
  return absl::StrCat("/subscriptions/", std::string(subscription_id),
                      "/resourceGroups/", std::string(resource_group));
}

std::string ProviderResourceId(
    std::string_view subscription_id, std::string_view resource_group,
    std::string_view provider_namespace,
    const std::vector<std::pair<std::string, std::string>>& segments) {
  ArmId id;
  id.subscription_id = std::string(subscription_id);
  id.resource_group = std::string(resource_group);
  id.provider_namespace = std::string(provider_namespace);
  id.segments = segments;
  return id.ToString();
}

tf::Validator ArmIdValidator(std::string expected_type) {
  return [expected_type](const tf::Value& value, const tf::AttributePath& path,
                         tf::Diagnostics& diags) {
    if (value.type().kind() != tf::Type::Kind::kString) return;
    absl::StatusOr<ArmId> id =
        ParseArmIdOfType(value.AsString(), expected_type);
    if (!id.ok()) {
      diags.AddAttributeError(path, "Invalid Azure resource ID",
                              std::string(id.status().message()));
    }
  };
}

}  // namespace secureaml::resources
