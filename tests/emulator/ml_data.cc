// Workspace data-plane-style ARM resources from mfe.json (2025-06-01):
// datastores (synchronous PUT 201/200, DELETE 200/204, secrets never
// returned) and jobs (PUT 201 then status NotStarted -> Starting -> Running
// -> Completed over the configured duration; DELETE 202 + Location).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kNs[] = "Microsoft.MachineLearningServices";

HttpResponse UserError(absl::string_view message,
                       absl::string_view target = "") {
  return ArmService::Error(400, "UserError", message, target);
}

class Datastores : public ResourceType {
 public:
  std::string Type() const override {
    return absl::StrCat(kNs, "/workspaces/datastores");
  }
  std::vector<std::string> ApiVersions() const override {
    return {"2025-06-01", "2024-10-01", "2024-04-01"};
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    if (!c.body.contains("properties") || !c.body["properties"].is_object()) {
      return UserError("The 'properties' field is required.", "properties");
    }
    const json& in = c.body["properties"];
    static const std::vector<std::string> kTypes = {
        "AzureBlob", "AzureDataLakeGen1", "AzureDataLakeGen2", "AzureFile",
        "OneLake"};
    std::string dtype = in.value("datastoreType", "");
    if (std::find(kTypes.begin(), kTypes.end(), dtype) == kTypes.end()) {
      return UserError(absl::StrCat("Invalid datastoreType '", dtype, "'."),
                       "properties.datastoreType");
    }
    if (!in.contains("credentials") || !in["credentials"].is_object() ||
        !in["credentials"].contains("credentialsType")) {
      return UserError(
          "The 'credentials' field with 'credentialsType' is required.",
          "properties.credentials");
    }
    if (dtype == "AzureBlob" &&
        (!in.contains("accountName") || !in.contains("containerName"))) {
      return UserError(
          "AzureBlob datastores need accountName and containerName.",
          "properties");
    }
    Resource* existing = s.Find(c.path.resource_id);
    if (existing != nullptr &&
        existing->body["properties"]["datastoreType"].get<std::string>() !=
            dtype) {
      return UserError("datastoreType cannot be changed.",
                       "properties.datastoreType");
    }
    json p = in;
    // Secrets are write-only.
    p["credentials"].erase("secrets");
    p.erase("isDefault");
    p["isDefault"] = false;
    if (dtype == "AzureBlob" || dtype == "AzureFile" ||
        dtype == "AzureDataLakeGen2") {
      if (!p.contains("endpoint")) p["endpoint"] = "core.windows.net";
      if (!p.contains("protocol")) p["protocol"] = "https";
      if (!p.contains("serviceDataAccessAuthIdentity"))
        p["serviceDataAccessAuthIdentity"] = "None";
    }
    json body = {{"id", existing ? existing->id : c.path.resource_id},
                 {"name", existing ? existing->body["name"].get<std::string>()
                                   : c.path.Name()},
                 {"type", Type()},
                 {"properties", p},
                 {"systemData", s.SystemData(c, existing)}};
    bool created = existing == nullptr;
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = body;
    Resource& stored = s.Upsert(std::move(r));
    return ArmService::JsonResponse(created ? 201 : 200, stored.body);
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    s.Erase(r->id);
    return ArmService::Empty(200);
  }

  HttpResponse Action(ArmService& s, RequestContext& c) override {
    if (!absl::EqualsIgnoreCase(c.path.action, "listSecrets"))
      return ResourceType::Action(s, c);
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    std::string ct =
        r->body["properties"]["credentials"].value("credentialsType", "None");
    return ArmService::JsonResponse(200, json{{"secretsType", ct}});
  }
};

class Jobs : public ResourceType {
 public:
  std::string Type() const override {
    return absl::StrCat(kNs, "/workspaces/jobs");
  }
  std::vector<std::string> ApiVersions() const override {
    return {"2025-06-01", "2024-10-01", "2024-04-01"};
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    if (!c.body.contains("properties") || !c.body["properties"].is_object() ||
        !c.body["properties"].contains("jobType")) {
      return UserError("The 'properties.jobType' field is required.",
                       "properties.jobType");
    }
    const json& in = c.body["properties"];
    Resource* existing = s.Find(c.path.resource_id);
    if (existing != nullptr) {
      // Jobs are immutable apart from description, tags and properties.
      json a = in, b = existing->body["properties"];
      for (const char* k :
           {"description", "tags", "properties", "status", "services"}) {
        a.erase(k);
        b.erase(k);
      }
      if (a != b) {
        return UserError(
            "A job cannot be modified after it is created; only "
            "description, tags and properties can change.");
      }
      for (const char* k : {"description", "tags", "properties"}) {
        if (in.contains(k)) existing->body["properties"][k] = in[k];
      }
      return ArmService::JsonResponse(200, Render(s, *existing));
    }
    std::string jtype =
        in["jobType"].is_string() ? in["jobType"].get<std::string>() : "";
    if (jtype == "Command" && !in.contains("command")) {
      return UserError("Command jobs need 'command'.", "properties.command");
    }
    if (in.contains("computeId") && in["computeId"].is_string() &&
        s.Find(in["computeId"].get<std::string>()) == nullptr) {
      return UserError(
          absl::StrCat("Compute '", in["computeId"].get<std::string>(),
                       "' was not found in the workspace."),
          "properties.computeId");
    }
    json p = in;
    p["status"] = "NotStarted";
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = {{"id", c.path.resource_id},
              {"name", c.path.Name()},
              {"type", Type()},
              {"properties", p},
              {"systemData", s.SystemData(c, nullptr)}};
    Resource& stored = s.Upsert(std::move(r));
    run_seconds_[ArmService::Lower(stored.id)] =
        s.Duration(Type(), "", "create");
    return ArmService::JsonResponse(201, Render(s, stored));
  }

  json Render(ArmService& s, const Resource& r) override {
    json out = r.body;
    std::string& status = *out["properties"]["status"].get_ptr<std::string*>();
    if (status == "NotStarted" || status == "Starting" || status == "Running") {
      double total = run_seconds_[ArmService::Lower(r.id)];
      double elapsed = absl::ToDoubleSeconds(s.Now() - r.created);
      status = elapsed >= total       ? "Completed"
               : elapsed >= total / 2 ? "Running"
               : elapsed > 0          ? "Starting"
                                      : "NotStarted";
    }
    return out;
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
    Operation& op =
        s.StartOperation(c, *r, "delete", s.Duration(Type(), "", "delete"));
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location",
                   s.PollUrl(c, kNs, "eastus", "mfeOperationResults", op.id));
    resp.SetHeader("Retry-After", absl::StrCat(std::max(1, s.RetryAfter(op))));
    return resp;
  }

  HttpResponse Action(ArmService& s, RequestContext& c) override {
    if (!absl::EqualsIgnoreCase(c.path.action, "cancel"))
      return ResourceType::Action(s, c);
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    r->body["properties"]["status"] = "Canceled";
    HttpResponse resp = ArmService::Empty(202);
    Operation& op = s.StartOperation(c, *r, "action", 0);
    resp.SetHeader("Location",
                   s.PollUrl(c, kNs, "eastus", "mfeOperationResults", op.id));
    resp.SetHeader("Retry-After", "1");
    return resp;
  }

 private:
  std::map<std::string, double> run_seconds_;
};

}  // namespace

void RegisterMlDataTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.machinelearningservices/workspaces/datastores"] =
      std::make_unique<Datastores>();
  types["microsoft.machinelearningservices/workspaces/jobs"] =
      std::make_unique<Jobs>();
}

}  // namespace secureaml::emulator
