// Microsoft.Authorization (2022-04-01): role definitions and role
// assignments at any scope. Names are GUIDs; duplicates are 409
// RoleAssignmentExists; a principal that is still replicating (or unknown)
// yields 400 PrincipalNotFound unless principalType is set (ARM then skips
// the directory lookup); new custom roles replicate for
// role_definition_replication_seconds before they can be used or read.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kRoleDefType[] = "Microsoft.Authorization/roleDefinitions";
constexpr char kRoleAsgType[] = "Microsoft.Authorization/roleAssignments";

struct BuiltIn {
  const char* id;
  const char* name;
  const char* description;
  std::vector<std::string> actions;
  std::vector<std::string> data_actions;
};

const std::vector<BuiltIn>& BuiltIns() {
  static const auto* v = new std::vector<BuiltIn>{
      {"8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
       "Owner",
       "Grants full access to manage all resources, including the ability to "
       "assign roles in Azure RBAC.",
       {"*"},
       {}},
      {"b24988ac-6180-42a0-ab88-20f7382dd24c",
       "Contributor",
       "Grants full access to manage all resources, but does not allow you to "
       "assign roles in Azure RBAC.",
       {"*"},
       {}},
      {"acdd72a7-3385-48ef-bd42-f606fba81ae7",
       "Reader",
       "View all resources, but does not allow you to make any changes.",
       {"*/read"},
       {}},
      {"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
       "User Access Administrator",
       "Lets you manage user access to Azure resources.",
       {"*/read", "Microsoft.Authorization/*"},
       {}},
      {"f6c7c914-8db3-469d-8ca1-694a8f32e121",
       "AzureML Data Scientist",
       "Can perform all actions within an Azure Machine Learning workspace, "
       "except for creating or deleting compute resources and modifying the "
       "workspace itself.",
       {"Microsoft.MachineLearningServices/workspaces/*/read",
        "Microsoft.MachineLearningServices/workspaces/*/action",
        "Microsoft.MachineLearningServices/workspaces/*/delete",
        "Microsoft.MachineLearningServices/workspaces/*/write"},
       {}},
      {"e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
       "AzureML Compute Operator",
       "Can access and perform CRUD operations on Machine Learning Services "
       "managed compute resources (including Notebook VMs).",
       {"Microsoft.MachineLearningServices/workspaces/computes/*/read",
        "Microsoft.MachineLearningServices/workspaces/computes/*/write",
        "Microsoft.MachineLearningServices/workspaces/computes/*/delete",
        "Microsoft.MachineLearningServices/workspaces/computes/*/action"},
       {}},
      {"ba92f5b4-2d11-453d-a403-e96b0029c9fe",
       "Storage Blob Data Contributor",
       "Allows for read, write and delete access to Azure Storage blob "
       "containers and data",
       {"Microsoft.Storage/storageAccounts/blobServices/containers/*"},
       {"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"}},
      {"e147488a-f6f5-4113-8e2d-b22465e65bf6",
       "Key Vault Crypto Service Encryption User",
       "Read metadata of keys and perform wrap/unwrap operations.",
       {"Microsoft.KeyVault/vaults/keys/read"},
       {"Microsoft.KeyVault/vaults/keys/wrap/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action"}},
      {"7f951dda-4ed3-4680-a7ca-43fe172d538d",
       "AcrPull",
       "acr pull",
       {"Microsoft.ContainerRegistry/registries/pull/read"},
       {}},
      {"4d97b98b-1d4f-4787-a291-c67834d212e7",
       "Network Contributor",
       "Lets you manage networks, but not access to them.",
       {"Microsoft.Network/*"},
       {}},
  };
  return *v;
}

std::string GuidTail(absl::string_view id) {
  size_t slash = id.find_last_of('/');
  return std::string(slash == absl::string_view::npos ? id
                                                      : id.substr(slash + 1));
}

bool IsSubOrRgScope(absl::string_view scope) {
  return absl::StartsWithIgnoreCase(scope, "/subscriptions/");
}

std::string Unquote(absl::string_view v) {
  v = absl::StripAsciiWhitespace(v);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') {
    v = v.substr(1, v.size() - 2);
  }
  return std::string(v);
}

// Parses "$filter" of the forms ARM supports here: atScope(),
// principalId eq '...', roleName eq '...', type eq '...', joined by "and".
std::map<std::string, std::string> ParseFilter(absl::string_view filter) {
  std::map<std::string, std::string> out;
  std::string f(filter);
  size_t pos = 0;
  while (pos < f.size()) {
    size_t next = ArmService::Lower(f).find(" and ", pos);
    std::string part = f.substr(
        pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string lp =
        ArmService::Lower(std::string(absl::StripAsciiWhitespace(part)));
    if (lp.rfind("atscope()", 0) == 0) {
      out["atscope"] = "true";
    } else if (lp.rfind("assignedto(", 0) == 0) {
      size_t a = part.find('\''), b = part.rfind('\'');
      if (a != std::string::npos && b > a)
        out["assignedto"] = part.substr(a + 1, b - a - 1);
    } else {
      size_t eq = lp.find(" eq ");
      if (eq != std::string::npos) {
        out[std::string(absl::StripAsciiWhitespace(lp.substr(0, eq)))] =
            Unquote(
                std::string(absl::StripAsciiWhitespace(part)).substr(eq + 4));
      }
    }
    if (next == std::string::npos) break;
    pos = next + 5;
  }
  return out;
}

class RoleDefinitions : public ResourceType {
 public:
  std::string Type() const override { return kRoleDefType; }
  std::vector<std::string> ApiVersions() const override {
    return {"2022-04-01", "2022-05-01-preview", "2018-01-01-preview",
            "2015-07-01"};
  }
  bool AnyScope() const override { return true; }

  static std::string Key(absl::string_view guid) {
    return absl::StrCat("/providers/Microsoft.Authorization/roleDefinitions/",
                        ArmService::Lower(guid));
  }

  // The stored definition for a GUID (built-in or custom), if replicated.
  static Resource* Lookup(ArmService& s, absl::string_view guid,
                          bool include_unreplicated = false) {
    Resource* r = s.Find(Key(guid), true);
    if (r == nullptr) return nullptr;
    if (!include_unreplicated && s.Now() < r->visible_after) return nullptr;
    return r;
  }

  static void SeedBuiltIns(ArmService& s) {
    for (const BuiltIn& b : BuiltIns()) {
      Resource r;
      r.id = Key(b.id);
      r.type = kRoleDefType;
      r.body = {
          {"id",
           absl::StrCat("/providers/Microsoft.Authorization/roleDefinitions/",
                        b.id)},
          {"name", b.id},
          {"type", kRoleDefType},
          {"properties",
           {{"roleName", b.name},
            {"type", "BuiltInRole"},
            {"description", b.description},
            {"assignableScopes", json::array({"/"})},
            {"permissions",
             json::array({{{"actions", b.actions},
                           {"notActions", json::array()},
                           {"dataActions", b.data_actions},
                           {"notDataActions", json::array()}}})}}}};
      s.Upsert(std::move(r));
    }
  }

  static json RenderAt(const Resource& r, absl::string_view scope) {
    json out = r.body;
    std::string guid = r.body["name"].get<std::string>();
    if (IsSubOrRgScope(scope)) {
      out["id"] = absl::StrCat(
          "/subscriptions/", kSubscriptionId,
          "/providers/Microsoft.Authorization/roleDefinitions/", guid);
    } else {
      out["id"] = absl::StrCat(
          "/providers/Microsoft.Authorization/roleDefinitions/", guid);
    }
    return out;
  }

  HttpResponse DoesNotExist(absl::string_view guid) {
    return ArmService::Error(
        404, "RoleDefinitionDoesNotExist",
        absl::StrCat("The specified role definition with ID '", guid,
                     "' does not exist."));
  }

  HttpResponse Get(ArmService& s, RequestContext& c) override {
    if (!s.Find(Key(BuiltIns()[0].id))) SeedBuiltIns(s);
    Resource* r = Lookup(s, c.path.Name());
    if (r == nullptr) return DoesNotExist(c.path.Name());
    return ArmService::JsonResponse(200, RenderAt(*r, c.path.scope));
  }

  HttpResponse List(ArmService& s, RequestContext& c) override {
    if (!s.Find(Key(BuiltIns()[0].id))) SeedBuiltIns(s);
    auto filter = ParseFilter(c.http->Query("$filter").value_or(""));
    json value = json::array();
    for (Resource* r : s.All()) {
      if (!absl::EqualsIgnoreCase(r->type, kRoleDefType)) continue;
      if (s.Now() < r->visible_after) continue;
      const json& p = r->body["properties"];
      if (filter.count("rolename") &&
          p["roleName"].get<std::string>() != filter["rolename"]) {
        continue;
      }
      if (filter.count("type") &&
          !absl::EqualsIgnoreCase(p["type"].get<std::string>(),
                                  filter["type"])) {
        continue;
      }
      // Definitions assignable at (or above) the requested scope.
      bool assignable = false;
      for (const json& a : p["assignableScopes"]) {
        std::string as = a.get<std::string>();
        if (as == "/" || c.path.scope.empty() ||
            absl::StartsWithIgnoreCase(c.path.scope, as) ||
            absl::StartsWithIgnoreCase(as, c.path.scope)) {
          assignable = true;
        }
      }
      if (!assignable) continue;
      value.push_back(RenderAt(*r, c.path.scope));
    }
    return ArmService::JsonResponse(200, json{{"value", value}});
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    if (!s.Find(Key(BuiltIns()[0].id))) SeedBuiltIns(s);
    std::string guid = c.path.Name();
    if (!ArmService::IsGuid(guid)) {
      return ArmService::Error(
          400, "InvalidRoleDefinitionId",
          absl::StrCat("The role definition ID '", guid,
                       "' is not valid. The role definition "
                       "ID must be a GUID."));
    }
    if (!IsSubOrRgScope(c.path.scope)) {
      return ArmService::Error(400, "InvalidScope",
                               "Custom role definitions can only be created at "
                               "subscription or resource group scope in the "
                               "emulator.");
    }
    if (!c.body.contains("properties") || !c.body["properties"].is_object()) {
      return ArmService::Error(
          400, "InvalidRequestContent",
          "The request content was invalid and could not be "
          "deserialized: 'Required property 'properties' "
          "not found in JSON.'.");
    }
    const json& in = c.body["properties"];
    if (!in.contains("roleName") || !in["roleName"].is_string() ||
        in["roleName"].get<std::string>().empty()) {
      return ArmService::Error(
          400, "RoleDefinitionNameNullOrEmpty",
          "The role definition name cannot be null or empty.");
    }
    Resource* existing = Lookup(s, guid, true);
    if (existing != nullptr &&
        existing->body["properties"]["type"] == "BuiltInRole") {
      return ArmService::Error(400, "RoleDefinitionUpdateNotPermitted",
                               "Built-in role definitions cannot be updated.");
    }
    std::string role_name = in["roleName"].get<std::string>();
    for (Resource* r : s.All()) {
      if (!absl::EqualsIgnoreCase(r->type, kRoleDefType) || r == existing)
        continue;
      if (absl::EqualsIgnoreCase(
              r->body["properties"]["roleName"].get<std::string>(),
              role_name)) {
        return ArmService::Error(
            409, "RoleDefinitionWithSameNameExists",
            "A custom role with the same name already exists in this "
            "directory. Use a different name.");
      }
    }
    json scopes = in.contains("assignableScopes") &&
                          in["assignableScopes"].is_array() &&
                          !in["assignableScopes"].empty()
                      ? in["assignableScopes"]
                      : json::array({c.path.scope});
    for (const json& a : scopes) {
      if (!a.is_string() || !IsSubOrRgScope(a.get<std::string>())) {
        return ArmService::Error(400, "InvalidAssignableScope",
                                 "Assignable scopes must be subscription, "
                                 "resource group or resource scopes.");
      }
    }
    json perms = json::array();
    if (in.contains("permissions") && in["permissions"].is_array()) {
      for (const json& p : in["permissions"]) {
        json e = PickKeys(
            p, {"actions", "notActions", "dataActions", "notDataActions"});
        for (const char* k :
             {"actions", "notActions", "dataActions", "notDataActions"}) {
          if (!e.contains(k)) e[k] = json::array();
        }
        perms.push_back(e);
      }
    }
    Resource r;
    r.id = Key(guid);
    r.type = kRoleDefType;
    r.body = {{"id", ""},
              {"name", ArmService::Lower(guid)},
              {"type", kRoleDefType},
              {"properties",
               {{"roleName", role_name},
                {"type", "CustomRole"},
                {"description", in.value("description", "")},
                {"assignableScopes", scopes},
                {"permissions", perms}}}};
    r.visible_after =
        existing
            ? existing->visible_after
            : s.Now() +
                  absl::Seconds(s.config().role_definition_replication_seconds);
    Resource& stored = s.Upsert(std::move(r));
    return ArmService::JsonResponse(201, RenderAt(stored, c.path.scope));
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = Lookup(s, c.path.Name(), true);
    if (r == nullptr) return ArmService::Empty(204);
    if (r->body["properties"]["type"] == "BuiltInRole") {
      return ArmService::Error(400, "RoleDefinitionDeleteNotPermitted",
                               "Built-in role definitions cannot be deleted.");
    }
    std::string guid = r->body["name"].get<std::string>();
    for (Resource* a : s.All()) {
      if (!absl::EqualsIgnoreCase(a->type, kRoleAsgType)) continue;
      if (ArmService::Lower(GuidTail(
              a->body["properties"]["roleDefinitionId"].get<std::string>())) ==
          guid) {
        return ArmService::Error(
            409, "RoleDefinitionHasAssignments",
            "There are existing role assignments referencing role. Remove the "
            "role assignments before deleting the role definition.");
      }
    }
    json body = RenderAt(*r, c.path.scope);
    s.Erase(r->id);
    return ArmService::JsonResponse(200, body);
  }
};

class RoleAssignments : public ResourceType {
 public:
  std::string Type() const override { return kRoleAsgType; }
  std::vector<std::string> ApiVersions() const override {
    return {"2022-04-01", "2020-10-01-preview", "2020-04-01-preview",
            "2015-07-01"};
  }
  bool AnyScope() const override { return true; }

  HttpResponse NotFound(ArmService& s, RequestContext& c) override {
    return ArmService::Error(404, "RoleAssignmentNotFound",
                             absl::StrCat("The role assignment '",
                                          c.path.Name(), "' is not found."));
  }

  std::optional<HttpResponse> CheckScope(ArmService& s, RequestContext& c) {
    const std::string& scope = c.path.scope;
    if (scope.empty() || scope == "/") return std::nullopt;
    if (!IsSubOrRgScope(scope)) {
      return ArmService::Error(
          400, "InvalidScope",
          "The scope is not a valid Azure resource scope.");
    }
    std::vector<std::string> parts =
        absl::StrSplit(scope, '/', absl::SkipEmpty());
    if (parts.size() > 4 && s.Find(scope) == nullptr) {
      return ArmService::Error(
          404, "ResourceNotFound",
          absl::StrCat("The Resource '", scope, "' under resource group '",
                       c.path.resource_group,
                       "' was not found. For more details please go to "
                       "https://aka.ms/ARMResourceNotFoundFix"));
    }
    return std::nullopt;
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    std::string name = c.path.Name();
    if (!ArmService::IsGuid(name)) {
      return ArmService::Error(
          400, "InvalidRoleAssignmentId",
          absl::StrCat("The role assignment ID '", name,
                       "' is not valid. The role assignment "
                       "ID must be a GUID."));
    }
    if (auto e = CheckScope(s, c)) return *e;
    if (!c.body.contains("properties") || !c.body["properties"].is_object()) {
      return ArmService::Error(
          400, "InvalidRequestContent",
          "The request content was invalid and could not be "
          "deserialized: 'Required property 'properties' "
          "not found in JSON.'.");
    }
    const json& in = c.body["properties"];
    for (const char* k : {"roleDefinitionId", "principalId"}) {
      if (!in.contains(k) || !in[k].is_string() ||
          in[k].get<std::string>().empty()) {
        return ArmService::Error(
            400, "InvalidRequestContent",
            absl::StrCat("The request content was invalid and could not be "
                         "deserialized: 'Required property '",
                         k, "' not found in JSON. Path 'properties'.'."));
      }
    }
    std::string role_id = in["roleDefinitionId"].get<std::string>();
    std::string principal_id = in["principalId"].get<std::string>();
    if (!ArmService::IsGuid(principal_id)) {
      return ArmService::Error(400, "InvalidPrincipalId",
                               "A valid principal ID must be provided for role "
                               "assignment.");
    }
    std::string role_guid = GuidTail(role_id);
    if (ArmService::Lower(role_id).find(
            "/providers/microsoft.authorization/roledefinitions/") ==
            std::string::npos ||
        !ArmService::IsGuid(role_guid)) {
      return ArmService::Error(
          400, "InvalidRoleDefinitionId",
          absl::StrCat("The role definition ID '", role_id, "' is not valid."));
    }
    if (!s.Find(RoleDefinitions::Key("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"))) {
      RoleDefinitions::SeedBuiltIns(s);
    }
    if (RoleDefinitions::Lookup(s, role_guid) == nullptr) {
      return ArmService::Error(
          400, "RoleDefinitionDoesNotExist",
          absl::StrCat("The specified role definition with ID '", role_guid,
                       "' does not exist."));
    }
    std::string principal_type;
    if (in.contains("principalType") && in["principalType"].is_string()) {
      principal_type = in["principalType"].get<std::string>();
      static const std::vector<std::string> kTypes = {
          "User", "Group", "ServicePrincipal", "ForeignGroup", "Device"};
      if (std::find(kTypes.begin(), kTypes.end(), principal_type) ==
          kTypes.end()) {
        return ArmService::Error(
            400, "InvalidPrincipalType",
            absl::StrCat("The principal type '", principal_type,
                         "' is not valid."));
      }
    }
    Principal* p = s.FindPrincipal(principal_id);
    bool replicated = p != nullptr && s.Now() >= p->visible_at &&
                      absl::EqualsIgnoreCase(p->object_id, principal_id);
    if (principal_type.empty()) {
      if (!replicated) {
        std::string compact = absl::StrReplaceAll(principal_id, {{"-", ""}});
        return ArmService::Error(
            400, "PrincipalNotFound",
            absl::StrCat(
                "Principal ", compact, " does not exist in the directory ",
                kTenantId,
                ". Check that you have the correct principal ID. If you "
                "are creating this principal and then immediately "
                "assigning a role, this error might be related to a "
                "replication delay. In this case, set the role "
                "assignment principalType property to a value, such as "
                "ServicePrincipal, User, or Group.  See "
                "https://aka.ms/docs-principaltype"));
      }
      principal_type = p->type;
    } else if (replicated && p->type != principal_type) {
      return ArmService::Error(
          400, "UnmatchedPrincipalType",
          absl::StrCat("The PrincipalId '", ArmService::Lower(principal_id),
                       "' has type '", p->type,
                       "' , which is different from specified PrincipalType '",
                       principal_type, "'."));
    }
    std::string scope = c.path.scope.empty() ? "/" : c.path.scope;
    Resource* existing = s.Find(c.path.resource_id);
    if (existing != nullptr) {
      const json& old = existing->body["properties"];
      if (!absl::EqualsIgnoreCase(
              GuidTail(old["roleDefinitionId"].get<std::string>()),
              role_guid) ||
          !absl::EqualsIgnoreCase(old["principalId"].get<std::string>(),
                                  principal_id)) {
        return ArmService::Error(400, "RoleAssignmentUpdateNotPermitted",
                                 "Tenant ID, application ID, principal ID, and "
                                 "scope are not allowed to be updated.");
      }
    } else {
      // Same principal, role and scope under another name.
      for (Resource* r : s.All()) {
        if (!absl::EqualsIgnoreCase(r->type, kRoleAsgType)) continue;
        const json& rp = r->body["properties"];
        if (absl::EqualsIgnoreCase(rp["scope"].get<std::string>(), scope) &&
            absl::EqualsIgnoreCase(rp["principalId"].get<std::string>(),
                                   principal_id) &&
            absl::EqualsIgnoreCase(
                GuidTail(rp["roleDefinitionId"].get<std::string>()),
                role_guid)) {
          return ArmService::Error(
              409, "RoleAssignmentExists",
              absl::StrCat("The role assignment already exists. The ID of the "
                           "existing role assignment is ",
                           absl::StrReplaceAll(
                               r->body["name"].get<std::string>(), {{"-", ""}}),
                           "."));
        }
      }
    }
    std::string canonical_role =
        absl::StrCat("/subscriptions/", kSubscriptionId,
                     "/providers/Microsoft.Authorization/roleDefinitions/",
                     ArmService::Lower(role_guid));
    json props = {
        {"roleDefinitionId", canonical_role},
        {"principalId", ArmService::Lower(principal_id)},
        {"principalType", principal_type},
        {"scope", scope},
        {"createdOn", existing ? existing->body["properties"]["createdOn"]
                               : json(s.Rfc3339(c.now))},
        {"updatedOn", s.Rfc3339(c.now)},
        {"createdBy", existing ? existing->body["properties"]["createdBy"]
                               : json(c.caller.object_id)},
        {"updatedBy", c.caller.object_id}};
    for (const char* k : {"description", "condition", "conditionVersion",
                          "delegatedManagedIdentityResourceId"}) {
      if (in.contains(k) && in[k].is_string()) props[k] = in[k];
    }
    if (props.contains("condition") && !props.contains("conditionVersion")) {
      props["conditionVersion"] = "2.0";
    }
    Resource r;
    r.id = c.path.resource_id;
    r.type = kRoleAsgType;
    r.body = {{"id", existing ? existing->id : c.path.resource_id},
              {"name", ArmService::Lower(name)},
              {"type", kRoleAsgType},
              {"properties", props}};
    bool created = existing == nullptr;
    Resource& stored = s.Upsert(std::move(r));
    return ArmService::JsonResponse(created ? 201 : 200, stored.body);
  }

  HttpResponse Get(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    return ArmService::JsonResponse(200, r->body);
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    json body = r->body;
    s.Erase(r->id);
    return ArmService::JsonResponse(200, body);
  }

  HttpResponse List(ArmService& s, RequestContext& c) override {
    auto filter = ParseFilter(c.http->Query("$filter").value_or(""));
    std::string scope =
        ArmService::Lower(c.path.scope.empty() ? "/" : c.path.scope);
    json value = json::array();
    for (Resource* r : s.All()) {
      if (!absl::EqualsIgnoreCase(r->type, kRoleAsgType)) continue;
      const json& p = r->body["properties"];
      std::string as = ArmService::Lower(p["scope"].get<std::string>());
      bool above =
          as == "/" || scope == as || absl::StartsWith(scope, as + "/");
      bool below = scope == "/" || absl::StartsWith(as, scope + "/");
      if (filter.count("atscope") ? !above : !(above || below)) continue;
      for (const char* k : {"principalid", "assignedto"}) {
        if (filter.count(k) &&
            !absl::EqualsIgnoreCase(p["principalId"].get<std::string>(),
                                    filter[k])) {
          above = below = false;
        }
      }
      if (!(above || below)) continue;
      value.push_back(r->body);
    }
    return ArmService::JsonResponse(200, json{{"value", value}});
  }
};

}  // namespace

void RegisterAuthorizationTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.authorization/roledefinitions"] =
      std::make_unique<RoleDefinitions>();
  types["microsoft.authorization/roleassignments"] =
      std::make_unique<RoleAssignments>();
}

}  // namespace secureaml::emulator
