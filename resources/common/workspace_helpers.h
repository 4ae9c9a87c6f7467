// File: workspace_helpers.h
//
// Small pieces shared by the workspace, private endpoint, private DNS zone and
// datastore resources: reading ARM JSON without exceptions, mapping remote
// values back onto state without inventing drift (ID casing, empty strings,
// empty tag maps), the "already exists - import it" check before a create,
// partial state for a create that failed after Azure accepted it, and import
// by ARM ID.
//
//   if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kApi, TypeName(),
//                                 resp.diagnostics)) return;
//   state = state.WithAttr("subnet_id",
//                          PreferPriorCasing(prior.GetAttr("subnet_id"), r));
#ifndef SECUREAML_RESOURCES_COMMON_WORKSPACE_HELPERS_H_
#define SECUREAML_RESOURCES_COMMON_WORKSPACE_HELPERS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"
#include "resources/common/azure_context.h"

namespace secureaml::resources {

// The value at a path of object keys, or nullptr when any step is missing or
// not an object. Never throws.
const nlohmann::json* JsonAt(const nlohmann::json& j,
                             std::initializer_list<std::string_view> path);
// The string at `path`, "" when missing or not a string.
std::string JsonString(const nlohmann::json& j,
                       std::initializer_list<std::string_view> path);
std::optional<bool> JsonBool(const nlohmann::json& j,
                             std::initializer_list<std::string_view> path);
// The array at `path`, or an empty array.
const nlohmann::json& JsonArray(const nlohmann::json& j,
                                std::initializer_list<std::string_view> path);

// A string attribute from Azure: the prior value when Azure returns the same
// text in another casing (AML lower-cases linked IDs), so that a refresh does
// not report drift and apply does not report an inconsistent result.
tf::Value PreferPriorCasing(const tf::Value& prior, const std::string& remote);
// An optional string attribute: "" from Azure becomes null unless the prior
// value was the empty string.
tf::Value OptionalString(const tf::Value& prior, const std::string& remote);
// Like OptionalString for IDs: empty -> null, else PreferPriorCasing.
tf::Value OptionalId(const tf::Value& prior, const std::string& remote);
// A location from Azure ("eastus") kept in the user's spelling ("East US").
tf::Value PreferPriorLocation(const tf::Value& prior,
                              const std::string& remote);

// `tags`: {} from Azure stays null when the prior value was null.
tf::Value TagsFromJson(const nlohmann::json* tags, const tf::Value& prior);
nlohmann::json TagsToJson(const tf::Value& tags);

// A set of IDs from Azure, each in the prior set's casing when it matches
// one of its elements ignoring case.
tf::Value IdSetPreferPrior(const tf::Value& prior,
                           const std::vector<std::string>& remote);

// Plan-time validator for any ARM resource ID (type not fixed).
tf::Validator AnyArmIdValidator();

// GETs `id` before a create. Returns true when it does not exist yet. When it
// does, adds an error telling the user to import it (with the command), and
// returns false; other failures are reported too.
bool EnsureAbsentBeforeCreate(const AzureProviderData& az,
                              const core::OperationContext& ctx,
                              const std::string& id,
                              const std::string& api_version,
                              const std::string& type_name,
                              tf::Diagnostics& diagnostics,
                              std::vector<azure::RetryRule> retry = {});

// The planned state with `id` set and every unknown replaced by null: what
// Create returns when Azure accepted the resource but a later step failed, so
// Terraform records it (tainted) instead of orphaning it.
tf::Value PartialState(const tf::Value& planned, const std::string& id);

// Import by ARM ID: checks the type and fills `id` plus the attributes named
// in `name_attrs`, which map to segment names counted from the end
// (e.g. {"name"} or {"name", "workspace_name"}) and `resource_group_name`
// when the schema has it.
void ImportByArmId(const core::ImportRequest& req, core::ImportResponse& resp,
                   const tf::Schema& schema, const std::string& expected_type,
                   const std::string& example_id);

// For a replacement the provider adds in ModifyPlan: every computed
// attribute the configuration leaves null becomes unknown, as the core does
// for replacements the schema implies (the new object gets new values).
tf::Value UnknownComputedForReplace(const tf::Block& block,
                                    const tf::Value& config,
                                    const tf::Value& planned);

// Stable, short hex hash (FNV-1a 32) of a lower-cased string, for child
// resource names derived from IDs.
std::string ShortHash(const std::string& text);

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_WORKSPACE_HELPERS_H_
