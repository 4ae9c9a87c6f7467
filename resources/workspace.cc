#include "resources/workspace.h"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kRegistryApi[] = "2023-07-01";
constexpr char kVaultApi[] = "2023-07-01";
constexpr char kSystemAssigned[] = "SystemAssigned";
constexpr char kUserAssigned[] = "UserAssigned";
constexpr char kBothIdentities[] = "SystemAssigned,UserAssigned";

// "SystemAssigned, UserAssigned" (Network spelling) -> without the space.
std::string NormalizeIdentityType(std::string t) {
  t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
  return t;
}

bool HasUserAssigned(const std::string& type) {
  return NormalizeIdentityType(type).find(kUserAssigned) != std::string::npos;
}

tf::Validator UserAssignedIdentitySet() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (!value.type().IsCollection()) return;
    for (const Value& e : value.Elements()) {
      if (!e.IsKnown()) continue;
      absl::StatusOr<ArmId> id = ParseArmIdOfType(
          e.AsString(), "Microsoft.ManagedIdentity/userAssignedIdentities");
      if (!id.ok()) {
        diags.AddAttributeError(path, "Invalid user-assigned identity ID",
                                std::string(id.status().message()));
      }
    }
  };
}

// https://{vault}.vault.azure.net/keys/{name}[/{version}], any cloud suffix.
const std::regex& KeyIdPattern() {
  static const std::regex* re = new std::regex(
      "https://([a-zA-Z0-9-]{3,24})\\.[a-zA-Z0-9.-]+/keys/"
      "([a-zA-Z0-9-]{1,127})(/[a-zA-Z0-9]{32})?/?");
  return *re;
}

tf::Validator KeyIdValidator() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (value.type() != Type::String()) return;
    if (!std::regex_match(value.AsString(), KeyIdPattern())) {
      diags.AddAttributeError(
          path, "Invalid Key Vault key ID",
          absl::StrCat("\"", value.AsString(),
                       "\" is not a Key Vault key identifier. Use the key's "
                       "`id` (versioned, e.g. https://myvault.vault.azure.net/"
                       "keys/mykey/0123456789abcdef0123456789abcdef) or its "
                       "`versionless_id`."));
    }
  };
}

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "An Azure Machine Learning workspace, private by default: public network "
      "access is disabled, the workspace is marked high business impact, it "
      "gets a system-assigned managed identity, and Azure ML studio reads the "
      "default storage through that identity instead of account keys.\n\n"
      "Reach it through a `secureaml_private_endpoint` with "
      "`subresource_name = \"amlworkspace\"`. Deleting the workspace "
      "soft-deletes it unless `purge_on_destroy` is set.";

  tf::Block identity;
  identity.description =
      "The workspace's managed identity. Omit the block for a "
      "system-assigned identity (the default).";
  identity.attributes = {
      Attribute::Required(
          "type", Type::String(),
          "`SystemAssigned`, `UserAssigned` or "
          "`SystemAssigned,UserAssigned`. Changing it updates the workspace "
          "in place.")
          .Validate(OneOf({kSystemAssigned, kUserAssigned, kBothIdentities})),
      Attribute::Optional(
          "identity_ids", Type::Set(Type::String()),
          "IDs of user-assigned identities to attach. Required when `type` "
          "includes `UserAssigned`; the lexicographically first one becomes "
          "the workspace's primary identity when `type` is `UserAssigned`.")
          .Validate(UserAssignedIdentitySet()),
  };

  tf::Block encryption;
  encryption.description =
      "Encrypts workspace metadata with a customer-managed key. The key vault "
      "must have purge protection and soft delete enabled (checked at plan "
      "time). Rotating `key_id` updates the workspace in place; adding or "
      "removing the block, or changing the vault or identity, replaces it.";
  encryption.attributes = {
      Attribute::Required("key_vault_id", Type::String(),
                          "ID of the Key Vault holding the key. Changing it "
                          "forces a new workspace.")
          .ForceNew()
          .Validate(ArmIdValidator("Microsoft.KeyVault/vaults")),
      Attribute::Required(
          "key_id", Type::String(),
          "Key identifier URL, e.g. "
          "`https://myvault.vault.azure.net/keys/mykey/<version>`."
          " Changing it rotates the key in place.")
          .Validate(KeyIdValidator()),
      Attribute::Optional(
          "user_assigned_identity_id", Type::String(),
          "ID of a user-assigned identity (attached through `identity`) that "
          "can read the key. Omit to use the system-assigned identity. "
          "Changing it forces a new workspace.")
          .ForceNew()
          .Validate(ArmIdValidator(
              "Microsoft.ManagedIdentity/userAssignedIdentities")),
  };

  tf::Block managed_network;
  managed_network.description =
      "Workspace managed virtual network. Once enabled it cannot be "
      "disabled: switching back to `Disabled` replaces the workspace.";
  managed_network.attributes = {
      Attribute::Required("isolation_mode", Type::String(),
                          "`Disabled`, `AllowInternetOutbound` or "
                          "`AllowOnlyApprovedOutbound`.")
          .Validate(OneOf({"Disabled", "AllowInternetOutbound",
                           "AllowOnlyApprovedOutbound"})),
  };

  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the workspace.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Workspace name: 3 to 33 characters, letters, "
                          "digits, `-` and `_`, starting with a letter or "
                          "digit. Changing it forces a new workspace.")
          .ForceNew()
          .Validate(WorkspaceName()),
      Attribute::Required("resource_group_name", Type::String(),
                          "Resource group of the workspace. Changing it "
                          "forces a new workspace.")
          .ForceNew()
          .Validate(ResourceGroupName()),
      Attribute::Required("location", Type::String(),
                          "Azure region, e.g. `eastus`. Changing it forces a "
                          "new workspace.")
          .ForceNew(),
      Attribute::Required("storage_account_id", Type::String(),
                          "ID of the default storage account. Azure cannot "
                          "change it later: changing it forces a new "
                          "workspace.")
          .ForceNew()
          .Validate(ArmIdValidator("Microsoft.Storage/storageAccounts")),
      Attribute::Required("key_vault_id", Type::String(),
                          "ID of the workspace's Key Vault. Azure cannot "
                          "change it later: changing it forces a new "
                          "workspace.")
          .ForceNew()
          .Validate(ArmIdValidator("Microsoft.KeyVault/vaults")),
      Attribute::Optional(
          "application_insights_id", Type::String(),
          "ID of the Application Insights component. Changing it to another "
          "component updates in place; removing it forces a new workspace.")
          .Validate(ArmIdValidator("Microsoft.Insights/components")),
      Attribute::Optional(
          "container_registry_id", Type::String(),
          "ID of the Azure Container Registry for environment images. A "
          "private workspace needs a **Premium** registry, and a registry "
          "without public access needs `image_build_compute_name` (both "
          "checked at plan time). Changing it to another registry updates in "
          "place; removing it forces a new workspace.")
          .Validate(ArmIdValidator("Microsoft.ContainerRegistry/registries")),
      Attribute::Optional("public_network_access_enabled", Type::Bool(),
                          "Allow access to the workspace from the public "
                          "internet. Defaults to `false`: the workspace is "
                          "only reachable through private endpoints. Setting "
                          "`true` produces a plan-time warning.")
          .WithDefault(Value::Bool(false)),
      Attribute::Optional(
          "high_business_impact", Type::Bool(),
          "High business impact workspace: Azure ML limits the diagnostic "
          "data it collects and encrypts local scratch disks of compute. "
          "Defaults to `true`. Changing it forces a new workspace.")
          .WithDefault(Value::Bool(true))
          .ForceNew(),
      Attribute::Optional(
          "image_build_compute_name", Type::String(),
          "Name of the compute cluster that builds environment images. "
          "Required when the container registry is not publicly reachable, "
          "because serverless image builds cannot reach a private registry.")
          .Validate(ComputeName()),
      Attribute::Optional(
          "storage_account_access_type", Type::String(),
          "How Azure ML studio reads the default storage: `identity` (the "
          "default: data preview and profiling use the workspace managed "
          "identity, which needs *Storage Blob Data Reader* on the account), "
          "`access_key` or `user_delegation_sas`. Maps to "
          "`systemDatastoresAuthMode`; updates in place.")
          .WithDefault(Value::String("identity"))
          .Validate(OneOf({"identity", "access_key", "user_delegation_sas"})),
      Attribute::Optional(
          "purge_on_destroy", Type::Bool(),
          "Permanently delete (purge) the workspace on destroy instead of "
          "soft-deleting it, so the name can be reused at once. Defaults to "
          "`false`.")
          .WithDefault(Value::Bool(false)),
      Attribute::Optional("description", Type::String(),
                          "Description of the workspace."),
      Attribute::Optional("friendly_name", Type::String(),
                          "Display name shown in Azure ML studio."),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the workspace."),
      Attribute::Computed("workspace_id", Type::String(),
                          "The workspace's immutable GUID (`workspaceId`).")
          .UseStateForUnknown(),
      Attribute::Computed("discovery_url", Type::String(),
                          "URL of the workspace's discovery service, used by "
                          "SDKs to find its regional endpoints.")
          .UseStateForUnknown(),
      Attribute::Computed(
          "identity_principal_id", Type::String(),
          "Object ID of the workspace's system-assigned identity (empty "
          "without one). Grant it *Storage Blob Data Reader* on the storage "
          "account for identity-based studio access."),
      Attribute::Computed(
          "private_endpoint_connections",
          Type::List(workspace_internal::PrivateEndpointConnectionType()),
          "Private endpoint connections of the workspace: `id`, "
          "`private_endpoint_id`, `status` (Approved, Pending, ...) and "
          "`description`."),
  };
  s.block.blocks = {
      tf::NestedBlock::Single("identity", identity),
      tf::NestedBlock::Single("encryption", encryption),
      tf::NestedBlock::Single("managed_network", managed_network),
      core::TimeoutsBlock(core::DefaultTimeouts{}),
  };
  return s;
}

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

bool IsObjectSet(const Value& v) { return v.IsKnown(); }

nlohmann::json IdentityJson(const Value& identity) {
  nlohmann::json out;
  if (!IsObjectSet(identity)) {
    out["type"] = kSystemAssigned;
    return out;
  }
  std::string type = NormalizeIdentityType(Str(identity, "type"));
  out["type"] = type;
  if (HasUserAssigned(type)) {
    nlohmann::json uais = nlohmann::json::object();
    for (const std::string& id : identity.GetStringList("identity_ids")) {
      uais[id] = nlohmann::json::object();
    }
    out["userAssignedIdentities"] = uais;
  }
  return out;
}

std::string PrimaryUserAssignedIdentity(const Value& identity) {
  if (!IsObjectSet(identity)) return "";
  if (NormalizeIdentityType(Str(identity, "type")) != kUserAssigned) return "";
  std::vector<std::string> ids = identity.GetStringList("identity_ids");
  if (ids.empty()) return "";
  return *std::min_element(ids.begin(), ids.end());
}

nlohmann::json EncryptionJson(const Value& enc) {
  nlohmann::json out;
  out["status"] = "Enabled";
  out["keyVaultProperties"] = {{"keyVaultArmId", Str(enc, "key_vault_id")},
                               {"keyIdentifier", Str(enc, "key_id")}};
  std::string uai = Str(enc, "user_assigned_identity_id");
  if (!uai.empty()) out["identity"] = {{"userAssignedIdentity", uai}};
  return out;
}

// The vault name a key identifier URL points at ("" when it does not parse).
std::string VaultNameOfKeyId(const std::string& key_id) {
  std::smatch m;
  if (!std::regex_match(key_id, m, KeyIdPattern())) return "";
  return m[1].str();
}

bool Changed(const Value& prior, const Value& planned, std::string_view name) {
  return prior.GetAttr(name) != planned.GetAttr(name);
}

// Known-string view of an attribute: nullopt when unknown.
std::optional<std::string> KnownString(const Value& obj,
                                       std::string_view name) {
  const Value& v = obj.GetAttr(name);
  if (!v.IsKnown()) return std::nullopt;
  return v.AsString();
}

const AzureProviderData* AzureForPlan(const core::OperationContext& ctx) {
  return dynamic_cast<const AzureProviderData*>(ctx.provider_data);
}

// Plan-time check of the linked container registry (see the header).
void CheckRegistry(const AzureProviderData& az,
                   const core::OperationContext& ctx, const Value& config,
                   const Value& planned, tf::Diagnostics& diags) {
  std::optional<std::string> acr = KnownString(config, "container_registry_id");
  if (!acr) return;
  auto r = az.arm->Get(*acr, kRegistryApi, RequestOptionsFor(ctx));
  AttributePath path = AttributePath::Root("container_registry_id");
  if (absl::IsNotFound(r.status())) {
    diags.AddAttributeError(
        path, "Container registry not found",
        absl::StrCat("No container registry exists at ", *acr,
                     ". Create it first, or reference its resource so "
                     "Terraform creates it before the workspace."));
    return;
  }
  if (!r.ok()) {
    diags.AddAttributeWarning(
        path, "Could not check the container registry",
        absl::StrCat("Reading ", *acr,
                     " failed, so the plan-time checks for "
                     "a Premium SKU and image_build_compute_name were "
                     "skipped: ",
                     r.status().message()));
    return;
  }
  std::string sku = JsonString(r->body, {"sku", "name"});
  std::string pna = JsonString(r->body, {"properties", "publicNetworkAccess"});
  std::string default_action =
      JsonString(r->body, {"properties", "networkRuleSet", "defaultAction"});
  bool registry_private = EqualsIgnoreCase(pna, "Disabled") ||
                          EqualsIgnoreCase(default_action, "Deny");
  std::optional<bool> ws_public =
      planned.GetBool("public_network_access_enabled");
  if (!sku.empty() && !EqualsIgnoreCase(sku, "Premium") &&
      (registry_private || (ws_public.has_value() && !*ws_public))) {
    diags.AddAttributeError(
        path, "Container registry must be Premium",
        absl::StrCat(
            "The registry ", *acr, " has the ", sku,
            " SKU. A workspace without public network access reaches its "
            "registry through a private endpoint, and only Premium "
            "registries support private endpoints and network rules. "
            "Upgrade the registry to Premium (`sku = \"Premium\"`) or use "
            "another one."));
  }
  const Value& ibc = config.GetAttr("image_build_compute_name");
  if (registry_private && ibc.IsNull()) {
    diags.AddAttributeError(
        AttributePath::Root("image_build_compute_name"),
        "image_build_compute_name is required",
        absl::StrCat(
            "The registry ", *acr,
            " is not publicly reachable, so Azure ML cannot build "
            "environment images with serverless compute (the service fails "
            "with ImageBuildComputeNotValid). Set image_build_compute_name "
            "to a compute cluster in the workspace's virtual network."));
  }
}

// Plan-time check that a CMK vault keeps deleted keys recoverable.
void CheckEncryptionVault(const AzureProviderData& az,
                          const core::OperationContext& ctx,
                          const Value& encryption, tf::Diagnostics& diags) {
  std::optional<std::string> vault = KnownString(encryption, "key_vault_id");
  if (!vault) return;
  AttributePath path = AttributePath::Root("encryption").Attr("key_vault_id");
  auto r = az.arm->Get(*vault, kVaultApi, RequestOptionsFor(ctx));
  if (absl::IsNotFound(r.status())) {
    diags.AddAttributeError(
        path, "Key vault not found",
        absl::StrCat("No key vault exists at ", *vault, "."));
    return;
  }
  if (!r.ok()) {
    diags.AddAttributeWarning(
        path, "Could not check the key vault",
        absl::StrCat("Reading ", *vault,
                     " failed, so the purge protection check was skipped: ",
                     r.status().message()));
    return;
  }
  std::optional<bool> purge =
      JsonBool(r->body, {"properties", "enablePurgeProtection"});
  std::optional<bool> soft =
      JsonBool(r->body, {"properties", "enableSoftDelete"});
  if (!purge.value_or(false) || !soft.value_or(true)) {
    diags.AddAttributeError(
        path, "Key vault needs purge protection",
        absl::StrCat(
            "The key vault ", *vault,
            " does not have purge protection (and soft delete) enabled. "
            "Azure ML refuses customer-managed keys from such a vault, "
            "because deleting the key would make the workspace data "
            "unreadable for good. Set `purge_protection_enabled = true` on "
            "the vault."));
  }
}

}  // namespace

namespace workspace_internal {

tf::Type PrivateEndpointConnectionType() {
  return Type::Object({{"id", Type::String()},
                       {"private_endpoint_id", Type::String()},
                       {"status", Type::String()},
                       {"description", Type::String()}});
}

tf::Value PrivateEndpointConnections(const nlohmann::json& body) {
  std::vector<Value> items;
  for (const nlohmann::json& c :
       JsonArray(body, {"properties", "privateEndpointConnections"})) {
    items.push_back(Value::Object(
        PrivateEndpointConnectionType(),
        {{"id", Value::String(JsonString(c, {"id"}))},
         {"private_endpoint_id",
          Value::String(
              JsonString(c, {"properties", "privateEndpoint", "id"}))},
         {"status", Value::String(JsonString(
                        c, {"properties", "privateLinkServiceConnectionState",
                            "status"}))},
         {"description",
          Value::String(
              JsonString(c, {"properties", "privateLinkServiceConnectionState",
                             "description"}))}}));
  }
  return Value::List(PrivateEndpointConnectionType(), std::move(items));
}

std::string AuthModeToTerraform(const std::string& arm) {
  if (EqualsIgnoreCase(arm, "Identity")) return "identity";
  if (EqualsIgnoreCase(arm, "AccessKey")) return "access_key";
  if (EqualsIgnoreCase(arm, "UserDelegationSAS")) return "user_delegation_sas";
  return arm;
}

std::string AuthModeToArm(const std::string& tf) {
  if (tf == "identity") return "Identity";
  if (tf == "access_key") return "AccessKey";
  if (tf == "user_delegation_sas") return "UserDelegationSAS";
  return tf;
}

std::string WorkspaceIdFromState(const Value& state,
                                 const std::string& subscription_id) {
  std::string id = Str(state, "id");
  if (!id.empty()) return id;
  return ProviderResourceId(subscription_id, Str(state, "resource_group_name"),
                            "Microsoft.MachineLearningServices",
                            {{"workspaces", Str(state, "name")}});
}

nlohmann::json CreateBody(const Value& planned) {
  nlohmann::json props;
  props["storageAccount"] = Str(planned, "storage_account_id");
  props["keyVault"] = Str(planned, "key_vault_id");
  if (auto v = planned.GetString("application_insights_id")) {
    props["applicationInsights"] = *v;
  }
  if (auto v = planned.GetString("container_registry_id")) {
    props["containerRegistry"] = *v;
  }
  props["publicNetworkAccess"] =
      planned.GetBool("public_network_access_enabled").value_or(false)
          ? "Enabled"
          : "Disabled";
  props["hbiWorkspace"] =
      planned.GetBool("high_business_impact").value_or(true);
  if (auto v = planned.GetString("image_build_compute_name")) {
    props["imageBuildCompute"] = *v;
  }
  props["systemDatastoresAuthMode"] = AuthModeToArm(
      planned.GetString("storage_account_access_type").value_or("identity"));
  if (auto v = planned.GetString("description")) props["description"] = *v;
  if (auto v = planned.GetString("friendly_name")) props["friendlyName"] = *v;
  const Value& mn = planned.GetAttr("managed_network");
  if (IsObjectSet(mn)) {
    props["managedNetwork"] = {{"isolationMode", Str(mn, "isolation_mode")}};
  }
  const Value& enc = planned.GetAttr("encryption");
  if (IsObjectSet(enc)) props["encryption"] = EncryptionJson(enc);
  std::string primary =
      PrimaryUserAssignedIdentity(planned.GetAttr("identity"));
  if (!primary.empty()) props["primaryUserAssignedIdentity"] = primary;

  nlohmann::json body;
  body["location"] = Str(planned, "location");
  body["kind"] = "Default";
  body["sku"] = {{"name", "Basic"}, {"tier", "Basic"}};
  body["identity"] = IdentityJson(planned.GetAttr("identity"));
  body["tags"] = TagsToJson(planned.GetAttr("tags"));
  body["properties"] = props;
  return body;
}

nlohmann::json PatchBody(const Value& prior, const Value& planned) {
  nlohmann::json props = nlohmann::json::object();
  nlohmann::json body = nlohmann::json::object();
  // Clearing an optional string is an explicit "" in a PATCH.
  auto string_prop = [&](std::string_view attr, const char* arm) {
    if (Changed(prior, planned, attr)) {
      props[arm] = planned.GetString(attr).value_or("");
    }
  };
  string_prop("description", "description");
  string_prop("friendly_name", "friendlyName");
  string_prop("image_build_compute_name", "imageBuildCompute");
  // Removal of these two is planned as a replacement (ModifyPlan).
  if (Changed(prior, planned, "container_registry_id") &&
      planned.GetString("container_registry_id")) {
    props["containerRegistry"] = *planned.GetString("container_registry_id");
  }
  if (Changed(prior, planned, "application_insights_id") &&
      planned.GetString("application_insights_id")) {
    props["applicationInsights"] =
        *planned.GetString("application_insights_id");
  }
  if (Changed(prior, planned, "public_network_access_enabled")) {
    props["publicNetworkAccess"] =
        planned.GetBool("public_network_access_enabled").value_or(false)
            ? "Enabled"
            : "Disabled";
  }
  if (Changed(prior, planned, "storage_account_access_type")) {
    props["systemDatastoresAuthMode"] = AuthModeToArm(
        planned.GetString("storage_account_access_type").value_or("identity"));
  }
  if (Changed(prior, planned, "managed_network")) {
    const Value& mn = planned.GetAttr("managed_network");
    props["managedNetwork"] = {{"isolationMode", IsObjectSet(mn)
                                                     ? Str(mn, "isolation_mode")
                                                     : "Disabled"}};
  }
  const Value& enc_prior = prior.GetAttr("encryption");
  const Value& enc = planned.GetAttr("encryption");
  if (IsObjectSet(enc) && IsObjectSet(enc_prior) &&
      Str(enc, "key_id") != Str(enc_prior, "key_id")) {
    // Key rotation: the only encryption property the service can PATCH.
    props["encryption"] = {
        {"keyVaultProperties", {{"keyIdentifier", Str(enc, "key_id")}}}};
  }
  if (Changed(prior, planned, "identity")) {
    body["identity"] = IdentityJson(planned.GetAttr("identity"));
    std::string primary =
        PrimaryUserAssignedIdentity(planned.GetAttr("identity"));
    if (!primary.empty()) props["primaryUserAssignedIdentity"] = primary;
  }
  if (Changed(prior, planned, "tags")) {
    body["tags"] = TagsToJson(planned.GetAttr("tags"));
  }
  if (!props.empty()) body["properties"] = props;
  return body;
}

Value StateFromJson(const nlohmann::json& body, const Value& prior,
                    const Type& type) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* p = JsonAt(body, {"properties"});
  const nlohmann::json& props = (p != nullptr && p->is_object()) ? *p : empty;
  std::map<std::string, Value> a;

  std::string id = JsonString(body, {"id"});
  if (id.empty()) id = Str(prior, "id");
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), id);
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  std::string name = JsonString(body, {"name"});
  if (name.empty() && parsed.ok()) name = parsed->Name();
  a["name"] = PreferPriorCasing(prior.GetAttr("name"), name);
  a["resource_group_name"] = PreferPriorCasing(
      prior.GetAttr("resource_group_name"),
      parsed.ok() ? parsed->resource_group : Str(prior, "resource_group_name"));
  a["location"] = PreferPriorLocation(prior.GetAttr("location"),
                                      JsonString(body, {"location"}));
  a["storage_account_id"] =
      PreferPriorCasing(prior.GetAttr("storage_account_id"),
                        JsonString(props, {"storageAccount"}));
  a["key_vault_id"] = PreferPriorCasing(prior.GetAttr("key_vault_id"),
                                        JsonString(props, {"keyVault"}));
  a["application_insights_id"] =
      OptionalId(prior.GetAttr("application_insights_id"),
                 JsonString(props, {"applicationInsights"}));
  a["container_registry_id"] =
      OptionalId(prior.GetAttr("container_registry_id"),
                 JsonString(props, {"containerRegistry"}));

  std::string pna = JsonString(props, {"publicNetworkAccess"});
  a["public_network_access_enabled"] =
      pna.empty()
          ? Value::Bool(
                prior.GetBool("public_network_access_enabled").value_or(false))
          : Value::Bool(EqualsIgnoreCase(pna, "Enabled"));
  std::optional<bool> hbi = JsonBool(props, {"hbiWorkspace"});
  a["high_business_impact"] = Value::Bool(
      hbi.value_or(prior.GetBool("high_business_impact").value_or(false)));
  a["image_build_compute_name"] =
      OptionalString(prior.GetAttr("image_build_compute_name"),
                     JsonString(props, {"imageBuildCompute"}));
  std::string auth = JsonString(props, {"systemDatastoresAuthMode"});
  a["storage_account_access_type"] = Value::String(
      auth.empty() ? prior.GetString("storage_account_access_type")
                         .value_or("access_key")
                   : AuthModeToTerraform(auth));
  a["purge_on_destroy"] =
      Value::Bool(prior.GetBool("purge_on_destroy").value_or(false));
  a["description"] = OptionalString(prior.GetAttr("description"),
                                    JsonString(props, {"description"}));
  // The service fills friendlyName with the name when none was given.
  std::string friendly = JsonString(props, {"friendlyName"});
  if (prior.GetAttr("friendly_name").IsNull() && friendly == name) {
    friendly.clear();
  }
  a["friendly_name"] = OptionalString(prior.GetAttr("friendly_name"), friendly);
  a["tags"] = TagsFromJson(JsonAt(body, {"tags"}), prior.GetAttr("tags"));
  a["workspace_id"] = Value::String(JsonString(props, {"workspaceId"}));
  a["discovery_url"] = Value::String(JsonString(props, {"discoveryUrl"}));
  a["identity_principal_id"] =
      Value::String(JsonString(body, {"identity", "principalId"}));
  a["private_endpoint_connections"] = PrivateEndpointConnections(body);

  // identity: a bare system-assigned identity is the default and stays out
  // of state when the configuration leaves the block out.
  const Type& identity_type = type.AttributeTypes().at("identity");
  const Value& prior_identity = prior.GetAttr("identity");
  std::string itype =
      NormalizeIdentityType(JsonString(body, {"identity", "type"}));
  std::vector<std::string> uai_ids;
  if (const nlohmann::json* u =
          JsonAt(body, {"identity", "userAssignedIdentities"});
      u != nullptr && u->is_object()) {
    for (auto it = u->begin(); it != u->end(); ++it)
      uai_ids.push_back(it.key());
  }
  if ((itype.empty() || itype == kSystemAssigned) && uai_ids.empty() &&
      !IsObjectSet(prior_identity)) {
    a["identity"] = Value::Null(identity_type);
  } else if (itype.empty() || EqualsIgnoreCase(itype, "None")) {
    a["identity"] = Value::Null(identity_type);
  } else {
    Value prior_ids = IsObjectSet(prior_identity)
                          ? prior_identity.GetAttr("identity_ids")
                          : Value::Null(Type::Set(Type::String()));
    Value ids = IdSetPreferPrior(prior_ids, uai_ids);
    if (uai_ids.empty() && !prior_ids.IsKnown()) {
      ids = Value::Null(Type::Set(Type::String()));
    }
    Value type_value = Value::String(itype);
    if (IsObjectSet(prior_identity) &&
        NormalizeIdentityType(Str(prior_identity, "type")) == itype) {
      type_value = prior_identity.GetAttr("type");
    }
    a["identity"] = Value::Object(
        identity_type, {{"type", type_value}, {"identity_ids", ids}});
  }

  const Type& enc_type = type.AttributeTypes().at("encryption");
  const Value& prior_enc = prior.GetAttr("encryption");
  const Value prior_enc_obj =
      IsObjectSet(prior_enc) ? prior_enc : Value::Null(enc_type);
  if (EqualsIgnoreCase(JsonString(props, {"encryption", "status"}),
                       "Enabled")) {
    a["encryption"] = Value::Object(
        enc_type,
        {{"key_vault_id",
          PreferPriorCasing(
              prior_enc_obj.GetAttr("key_vault_id"),
              JsonString(props, {"encryption", "keyVaultProperties",
                                 "keyVaultArmId"}))},
         {"key_id", PreferPriorCasing(
                        prior_enc_obj.GetAttr("key_id"),
                        JsonString(props, {"encryption", "keyVaultProperties",
                                           "keyIdentifier"}))},
         {"user_assigned_identity_id",
          OptionalId(prior_enc_obj.GetAttr("user_assigned_identity_id"),
                     JsonString(props, {"encryption", "identity",
                                        "userAssignedIdentity"}))}});
  } else {
    a["encryption"] = Value::Null(enc_type);
  }

  const Type& mn_type = type.AttributeTypes().at("managed_network");
  std::string mode = JsonString(props, {"managedNetwork", "isolationMode"});
  if (!IsObjectSet(prior.GetAttr("managed_network")) &&
      (mode.empty() || mode == "Disabled")) {
    a["managed_network"] = Value::Null(mn_type);
  } else {
    a["managed_network"] = Value::Object(
        mn_type,
        {{"isolation_mode", Value::String(mode.empty() ? "Disabled" : mode)}});
  }

  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(type.AttributeTypes().at("timeouts"));
  return Value::Object(type, std::move(a));
}

}  // namespace workspace_internal

const tf::Schema& WorkspaceResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void WorkspaceResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);

  const Value& identity = config.GetAttr("identity");
  std::set<std::string> identity_ids;
  bool identity_ids_known = true;
  bool has_uai = false;
  if (IsObjectSet(identity)) {
    std::optional<std::string> type = KnownString(identity, "type");
    const Value& ids = identity.GetAttr("identity_ids");
    identity_ids_known = ids.IsKnown() || ids.IsNull();
    for (const std::string& id : identity.GetStringList("identity_ids")) {
      identity_ids.insert(absl::AsciiStrToLower(id));
    }
    if (type) {
      has_uai = HasUserAssigned(*type);
      AttributePath ids_path =
          AttributePath::Root("identity").Attr("identity_ids");
      if (has_uai && ids.IsNull()) {
        resp.diagnostics.AddAttributeError(
            ids_path, "Missing user-assigned identities",
            absl::StrCat("identity.type \"", *type,
                         "\" needs at least one ID in identity_ids."));
      } else if (!has_uai && ids.IsKnown() && !ids.Elements().empty()) {
        resp.diagnostics.AddAttributeError(
            ids_path, "Unexpected user-assigned identities",
            "identity_ids is only used when identity.type includes "
            "UserAssigned. Set type = \"SystemAssigned,UserAssigned\" or "
            "remove identity_ids.");
      }
    }
  }

  const Value& enc = config.GetAttr("encryption");
  if (IsObjectSet(enc)) {
    std::optional<std::string> vault = KnownString(enc, "key_vault_id");
    std::optional<std::string> key = KnownString(enc, "key_id");
    if (vault && key) {
      absl::StatusOr<ArmId> vid = ParseArmId(*vault);
      std::string key_vault = VaultNameOfKeyId(*key);
      if (vid.ok() && !key_vault.empty() &&
          !EqualsIgnoreCase(vid->Name(), key_vault)) {
        resp.diagnostics.AddAttributeError(
            AttributePath::Root("encryption").Attr("key_id"),
            "Key is not in the configured key vault",
            absl::StrCat("key_id points at the vault \"", key_vault,
                         "\", but key_vault_id names \"", vid->Name(),
                         "\". Use a key from ", vid->Name(),
                         " or fix key_vault_id."));
      }
    }
    std::optional<std::string> uai =
        KnownString(enc, "user_assigned_identity_id");
    if (uai && identity_ids_known &&
        identity_ids.count(absl::AsciiStrToLower(*uai)) == 0 &&
        (!IsObjectSet(identity) || KnownString(identity, "type"))) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("encryption").Attr("user_assigned_identity_id"),
          "Identity not attached to the workspace",
          "The identity that reads the customer-managed key must also be "
          "attached to the workspace: add it to identity.identity_ids and "
          "set identity.type to include UserAssigned.");
    }
  }
}

void WorkspaceResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                   core::ModifyPlanResponse& resp) const {
  const Value& config = req.config;
  Value& planned = resp.planned_state;
  if (planned.IsNull() || !config.IsKnown()) return;  // destroy
  const Value& prior = req.prior_state;
  bool creating = prior.IsNull();

  if (config.GetBool("public_network_access_enabled").value_or(false)) {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("public_network_access_enabled"),
        "Workspace exposed to the public internet",
        "public_network_access_enabled = true lets anyone on the internet "
        "reach the workspace's API, studio and notebooks endpoints (Entra ID "
        "sign-in still applies). A secure platform keeps it false and "
        "connects through a secureaml_private_endpoint with "
        "subresource_name = \"amlworkspace\" over VPN, ExpressRoute or a "
        "jump box.");
  }
  if (config.GetString("storage_account_access_type").value_or("") ==
      "access_key") {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("storage_account_access_type"),
        "Studio uses storage account keys",
        "With access_key, Azure ML studio reads the default storage with "
        "the account key stored in the workspace key vault. The default, "
        "identity, uses the workspace managed identity and lets you disable "
        "shared key access on the storage account.");
  }

  if (!creating) {
    size_t replace_before = resp.requires_replace.size();
    // Only a key rotation is patchable; turning CMK on or off is not.
    if (prior.GetAttr("encryption").IsNull() !=
        planned.GetAttr("encryption").IsNull()) {
      resp.requires_replace.push_back(AttributePath::Root("encryption"));
    }
    for (const char* attr :
         {"container_registry_id", "application_insights_id"}) {
      if (!prior.GetAttr(attr).IsNull() && planned.GetAttr(attr).IsNull()) {
        resp.requires_replace.push_back(AttributePath::Root(attr));
      }
    }
    const Value& pmn = prior.GetAttr("managed_network");
    const Value& nmn = planned.GetAttr("managed_network");
    std::string prior_mode = IsObjectSet(pmn) ? Str(pmn, "isolation_mode") : "";
    std::string new_mode = IsObjectSet(nmn) ? Str(nmn, "isolation_mode") : "";
    bool prior_enabled = !prior_mode.empty() && prior_mode != "Disabled";
    bool new_enabled = !new_mode.empty() && new_mode != "Disabled";
    if (prior_enabled && !new_enabled && !nmn.IsUnknown()) {
      resp.requires_replace.push_back(AttributePath::Root("managed_network"));
    }
    if (resp.requires_replace.size() > replace_before) {
      planned = UnknownComputedForReplace(GetSchema().block, config, planned);
    } else if (prior.GetAttr("identity") != planned.GetAttr("identity")) {
      planned = planned.WithAttr("identity_principal_id",
                                 Value::Unknown(Type::String()));
    } else {
      planned = planned.WithAttr("identity_principal_id",
                                 prior.GetAttr("identity_principal_id"));
    }
  }

  const AzureProviderData* az = AzureForPlan(req.ctx);
  if (az == nullptr || az->arm == nullptr) return;
  bool registry_inputs_changed =
      creating || Changed(prior, planned, "container_registry_id") ||
      Changed(prior, planned, "image_build_compute_name") ||
      Changed(prior, planned, "public_network_access_enabled");
  if (registry_inputs_changed) {
    CheckRegistry(*az, req.ctx, config, planned, resp.diagnostics);
  }
  const Value& enc = config.GetAttr("encryption");
  if (IsObjectSet(enc) && (creating || Changed(prior, planned, "encryption"))) {
    CheckEncryptionVault(*az, req.ctx, enc, resp.diagnostics);
  }
}

void WorkspaceResource::Create(const core::CreateRequest& req,
                               core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id =
      workspace_internal::WorkspaceIdFromState(planned, az->subscription_id);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kWorkspaceApiVersion,
                                TypeName(), resp.diagnostics)) {
    return;
  }
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  bool accepted = false;
  opts.on_accepted = [&](const azure::AcceptedOperation&) { accepted = true; };
  auto r = az->arm->Put(id, kWorkspaceApiVersion,
                        workspace_internal::CreateBody(planned), opts);
  if (!r.ok()) {
    if (accepted || WriteMayHaveLanded(r.status())) {
      resp.new_state = PartialState(planned, id);
    }
    AddAzureError(resp.diagnostics, r.status(), "Failed to create workspace",
                  id);
    return;
  }
  absl::StatusOr<nlohmann::json> body =
      BodyAfterWrite(*az, req.ctx, id, kWorkspaceApiVersion, r->body);
  if (!body.ok()) {
    resp.new_state = PartialState(planned, id);
    AddAzureError(resp.diagnostics, body.status(),
                  "Failed to read the new workspace", id);
    return;
  }
  Value prior = planned.WithAttr("id", Value::String(id));
  resp.new_state = workspace_internal::StateFromJson(*body, prior,
                                                     GetSchema().ImpliedType());
}

void WorkspaceResource::Read(const core::ReadRequest& req,
                             core::ReadResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = workspace_internal::WorkspaceIdFromState(
      req.current_state, az->subscription_id);
  auto r = az->arm->Get(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
  if (absl::IsNotFound(r.status())) {
    resp.new_state = Value::Null(GetSchema().ImpliedType());
    return;
  }
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to read workspace", id);
    return;
  }
  // A soft-deleted workspace is gone as far as Terraform is concerned.
  if (EqualsIgnoreCase(JsonString(r->body, {"properties", "provisioningState"}),
                       "SoftDeleted")) {
    resp.new_state = Value::Null(GetSchema().ImpliedType());
    return;
  }
  resp.new_state = workspace_internal::StateFromJson(r->body, req.current_state,
                                                     GetSchema().ImpliedType());
}

void WorkspaceResource::Update(const core::UpdateRequest& req,
                               core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = workspace_internal::WorkspaceIdFromState(
      req.prior_state, az->subscription_id);
  nlohmann::json patch =
      workspace_internal::PatchBody(req.prior_state, planned);
  nlohmann::json body;
  if (!patch.empty()) {
    auto r = az->arm->Patch(id, kWorkspaceApiVersion, patch,
                            RequestOptionsFor(req.ctx));
    if (!r.ok()) {
      AddAzureError(resp.diagnostics, r.status(), "Failed to update workspace",
                    id);
      return;
    }
    body = r->body;
  }
  if (!body.is_object() || JsonAt(body, {"properties"}) == nullptr) {
    auto g = az->arm->Get(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
    if (!g.ok()) {
      AddAzureError(resp.diagnostics, g.status(),
                    "Failed to read the updated workspace", id);
      return;
    }
    body = g->body;
  }
  resp.new_state = workspace_internal::StateFromJson(
      body, planned.WithAttr("id", Value::String(id)),
      GetSchema().ImpliedType());
}

void WorkspaceResource::Delete(const core::DeleteRequest& req,
                               core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = workspace_internal::WorkspaceIdFromState(
      req.prior_state, az->subscription_id);
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  if (req.prior_state.GetBool("purge_on_destroy").value_or(false)) {
    opts.query.emplace_back("forceToPurge", "true");
  }
  auto r = az->arm->Delete(id, kWorkspaceApiVersion, opts);
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to delete workspace",
                  id);
  }
}

void WorkspaceResource::ImportState(const core::ImportRequest& req,
                                    core::ImportResponse& resp) const {
  ImportByArmId(req, resp, GetSchema(), kWorkspaceType,
                "/subscriptions/00000000-0000-0000-0000-000000000000/"
                "resourceGroups/ml-rg/providers/"
                "Microsoft.MachineLearningServices/workspaces/ws1");
}

std::unique_ptr<core::Resource> NewWorkspaceResource() {
  return std::make_unique<WorkspaceResource>();
}

}  // namespace secureaml::resources
