// File: role_assignment_test_fakes.h
//
// Test-only: a small in-memory ARM for the role definition, role assignment
// and network rules unit tests, behind the HttpTransport seam, with the
// service behaviours those resources must cope with:
//   - role definitions readable only `definition_replication_reads` GETs
//     after a PUT (404 before);
//   - principals that appear at a given (fake) time, PrincipalNotFound
//     before, and 409 RoleAssignmentExists for a duplicate assignment;
//   - NSG security rules written with the Network RP's async pattern (PUT
//     201 + Azure-AsyncOperation, DELETE 202 + Location) and returned
//     inline by an NSG GET.
// Plus a planner that runs validation, the core's generic planning and the
// resource's ModifyPlan the way the server does.
#ifndef SECUREAML_RESOURCES_ROLE_ASSIGNMENT_TEST_FAKES_H_
#define SECUREAML_RESOURCES_ROLE_ASSIGNMENT_TEST_FAKES_H_

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "provider/azure/arm_client.h"
#include "provider/azure/clock.h"
#include "provider/azure/credentials.h"
#include "provider/azure/http_transport.h"
#include "provider/core/object_checks.h"
#include "provider/core/plan.h"
#include "provider/core/resource.h"
#include "resources/common/azure_context.h"

namespace secureaml::resources::rbac_testing {

inline constexpr char kSub[] = "00000000-0000-0000-0000-000000000001";
inline constexpr char kEndpoint[] = "https://management.azure.com";

struct Request {
  std::string method;
  std::string path;
  std::string query;
  nlohmann::json body;
};

class TestCredential : public azure::TokenCredential {
 public:
  absl::StatusOr<azure::AccessToken> GetToken(
      absl::string_view, const CancellationToken&) override {
    return azure::AccessToken{"test-token", absl::InfiniteFuture()};
  }
  std::string Name() const override { return "test"; }
};

class FakeAzure : public azure::HttpTransport {
 public:
  using Hook =
      std::function<std::optional<azure::HttpResponse>(const Request&)>;

  // --- knobs -------------------------------------------------------------
  int definition_replication_reads = 0;  // 404s before a new definition shows
  // Principal object ID -> when it becomes visible.
  void AddPrincipal(const std::string& id,
                    absl::Time visible = absl::InfinitePast()) {
    std::lock_guard<std::mutex> lock(mu_);
    principals_[Lower(id)] = visible;
  }
  void AddHook(Hook h) {
    std::lock_guard<std::mutex> lock(mu_);
    hooks_.push_back(std::move(h));
  }
  void Seed(const std::string& id, nlohmann::json body) {
    std::lock_guard<std::mutex> lock(mu_);
    body["id"] = id;
    if (!body.contains("name")) body["name"] = id.substr(id.rfind('/') + 1);
    store_[Lower(id)] = body;
  }
  std::optional<nlohmann::json> Get(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = store_.find(Lower(id));
    if (it == store_.end()) return std::nullopt;
    return it->second;
  }
  void Remove(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    store_.erase(Lower(id));
  }
  void Mutate(const std::string& id,
              const std::function<void(nlohmann::json&)>& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    fn(store_[Lower(id)]);
  }
  std::vector<Request> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<Request> Writes() {
    std::vector<Request> out;
    for (const Request& r : Requests()) {
      if (r.method != "GET") out.push_back(r);
    }
    return out;
  }
  void ClearRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.clear();
  }
  azure::FakeTime& time() { return time_; }

  std::shared_ptr<AzureProviderData> ProviderData(
      std::shared_ptr<FakeAzure> self) {
    auto data = std::make_shared<AzureProviderData>();
    azure::ArmClientOptions opts;
    opts.endpoint = kEndpoint;
    opts.clock = &time_;
    opts.sleeper = &time_;
    opts.rng_seed = 1;
    opts.max_attempts = 1000;
    data->arm = std::make_shared<azure::ArmClient>(
        self, std::make_shared<TestCredential>(), opts);
    data->subscription_id = kSub;
    data->tenant_id = "00000000-0000-0000-0000-0000000000aa";
    return data;
  }

  static azure::HttpResponse Json(int status, const nlohmann::json& body,
                                  azure::HttpHeaders headers = {}) {
    azure::HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.headers.Set("Content-Type", "application/json; charset=utf-8");
    r.headers.Set("x-ms-request-id", "req-1");
    r.body = body.is_null() ? "" : body.dump();
    return r;
  }
  static azure::HttpResponse Error(int status, const std::string& code,
                                   const std::string& message) {
    return Json(status, {{"error", {{"code", code}, {"message", message}}}});
  }

  absl::StatusOr<azure::HttpResponse> Send(const azure::HttpRequest& request,
                                           const CancellationToken&) override {
    std::lock_guard<std::mutex> lock(mu_);
    Request rec;
    rec.method = request.method;
    std::string url = request.url;
    if (absl::StartsWith(url, kEndpoint)) url = url.substr(strlen(kEndpoint));
    std::vector<std::string> parts =
        absl::StrSplit(url, absl::MaxSplits('?', 1));
    rec.path = parts[0];
    rec.query = parts.size() > 1 ? parts[1] : "";
    if (!request.body.empty()) {
      rec.body = nlohmann::json::parse(request.body, nullptr, false);
    }
    requests_.push_back(rec);
    for (const Hook& h : hooks_) {
      if (std::optional<azure::HttpResponse> r = h(rec)) return *r;
    }
    return Handle(rec);
  }

 private:
  static std::string Lower(const std::string& s) {
    std::string k = absl::AsciiStrToLower(s);
    while (!k.empty() && k.back() == '/') k.pop_back();
    return k;
  }

  azure::HttpResponse NotFound(const Request& r) {
    return Error(404, "ResourceNotFound",
                 absl::StrCat("The Resource '", r.path, "' was not found."));
  }

  azure::HttpResponse Handle(const Request& r) {
    const std::string key = Lower(r.path);
    if (absl::StartsWith(key, "/operations/")) {
      // Async operation status / Location polls.
      if (absl::StrContains(key, "/location/")) return Json(200, nullptr);
      return Json(200, {{"status", "Succeeded"}});
    }
    if (absl::StrContains(key,
                          "/providers/microsoft.authorization/"
                          "roledefinitions")) {
      return Definitions(r, key);
    }
    if (absl::StrContains(key,
                          "/providers/microsoft.authorization/"
                          "roleassignments")) {
      return Assignments(r, key);
    }
    if (absl::StrContains(key, "/securityrules/")) return Rules(r, key);
    if (r.method == "GET") {
      auto it = store_.find(key);
      if (it == store_.end()) return NotFound(r);
      nlohmann::json body = it->second;
      if (absl::StrContains(key, "/networksecuritygroups/")) {
        nlohmann::json rules = nlohmann::json::array();
        for (const auto& [k, v] : store_) {
          if (absl::StartsWith(k, key + "/securityrules/")) rules.push_back(v);
        }
        body["properties"]["securityRules"] = rules;
      }
      return Json(200, body);
    }
    return Error(405, "MethodNotAllowed", r.method);
  }

  azure::HttpResponse Definitions(const Request& r, const std::string& key) {
    if (r.method == "PUT") {
      nlohmann::json body = r.body;
      std::string guid = r.path.substr(r.path.rfind('/') + 1);
      body["name"] = guid;
      body["id"] = absl::StrCat(
          "/subscriptions/", kSub,
          "/providers/Microsoft.Authorization/roleDefinitions/", guid);
      body["type"] = "Microsoft.Authorization/roleDefinitions";
      if (!store_.count(key))
        pending_reads_[key] = definition_replication_reads;
      store_[key] = body;
      return Json(201, body);
    }
    auto it = store_.find(key);
    if (r.method == "GET") {
      if (it == store_.end()) return NotFound(r);
      if (pending_reads_[key] > 0) {
        --pending_reads_[key];
        return Error(404, "RoleDefinitionDoesNotExist",
                     "The specified role definition does not exist.");
      }
      return Json(200, it->second);
    }
    if (r.method == "DELETE") {
      if (it == store_.end()) return Json(204, nullptr);
      nlohmann::json body = it->second;
      store_.erase(it);
      return Json(200, body);
    }
    return Error(405, "MethodNotAllowed", r.method);
  }

  azure::HttpResponse Assignments(const Request& r, const std::string& key) {
    if (absl::EndsWith(key, "/roleassignments")) {
      // List, optionally filtered by principal.
      nlohmann::json value = nlohmann::json::array();
      std::string scope = key.substr(0, key.find("/providers/microsoft."
                                                 "authorization/"));
      for (const auto& [k, v] : store_) {
        if (!absl::StrContains(k, "/roleassignments/")) continue;
        std::string s = Lower(v["properties"].value("scope", ""));
        if (s != scope) continue;
        std::string pid = v["properties"].value("principalId", "");
        if (absl::StrContains(r.query, "principalId") &&
            !absl::StrContains(r.query, pid)) {
          continue;
        }
        value.push_back(v);
      }
      return Json(200, {{"value", value}});
    }
    auto it = store_.find(key);
    if (r.method == "PUT") {
      const nlohmann::json& p = r.body["properties"];
      std::string pid = Lower(p.value("principalId", ""));
      std::string role = Lower(p.value("roleDefinitionId", ""));
      role = role.substr(role.rfind('/') + 1);
      std::string scope =
          r.path.substr(0, r.path.find("/providers/Microsoft.Authorization/"));
      auto pr = principals_.find(pid);
      if (pr == principals_.end() || time_.Now() < pr->second) {
        return Error(
            400, "PrincipalNotFound",
            absl::StrCat("Principal ", absl::StrReplaceAll(pid, {{"-", ""}}),
                         " does not exist in the directory "
                         "00000000-0000-0000-0000-0000000000aa."));
      }
      for (const auto& [k, v] : store_) {
        if (k == key || !absl::StrContains(k, "/roleassignments/")) continue;
        const nlohmann::json& q = v["properties"];
        std::string qrole = Lower(q.value("roleDefinitionId", ""));
        qrole = qrole.substr(qrole.rfind('/') + 1);
        if (Lower(q.value("principalId", "")) == pid && qrole == role &&
            Lower(q.value("scope", "")) == Lower(scope)) {
          std::string name = v.value("name", "");
          return Error(
              409, "RoleAssignmentExists",
              absl::StrCat("The role assignment already exists. The "
                           "ID of the existing role assignment is ",
                           absl::StrReplaceAll(name, {{"-", ""}}), "."));
        }
      }
      nlohmann::json body = r.body;
      body["id"] = r.path;
      body["name"] = r.path.substr(r.path.rfind('/') + 1);
      body["type"] = "Microsoft.Authorization/roleAssignments";
      body["properties"]["scope"] = scope;
      if (!body["properties"].contains("principalType")) {
        body["properties"]["principalType"] = "User";
      }
      if (body["properties"].contains("condition") &&
          !body["properties"].contains("conditionVersion")) {
        body["properties"]["conditionVersion"] = "2.0";
      }
      store_[key] = body;
      return Json(201, body);
    }
    if (r.method == "GET") {
      if (it == store_.end()) return NotFound(r);
      return Json(200, it->second);
    }
    if (r.method == "DELETE") {
      if (it == store_.end()) return Json(204, nullptr);
      nlohmann::json body = it->second;
      store_.erase(it);
      return Json(200, body);
    }
    return Error(405, "MethodNotAllowed", r.method);
  }

  azure::HttpResponse Rules(const Request& r, const std::string& key) {
    std::string nsg = key.substr(0, key.find("/securityrules/"));
    if (!store_.count(nsg)) return NotFound(r);
    auto it = store_.find(key);
    if (r.method == "PUT") {
      nlohmann::json body = r.body;
      body["id"] = r.path;
      body["name"] = r.path.substr(r.path.rfind('/') + 1);
      body["properties"]["provisioningState"] = "Succeeded";
      // Priorities are unique per direction.
      for (const auto& [k, v] : store_) {
        if (k == key || !absl::StartsWith(k, nsg + "/securityrules/")) continue;
        if (v["properties"]["direction"] == body["properties"]["direction"] &&
            v["properties"]["priority"] == body["properties"]["priority"]) {
          return Error(400, "SecurityRuleConflict",
                       absl::StrCat("Rule ", body["name"].get<std::string>(),
                                    " conflicts with rule ",
                                    v["name"].get<std::string>(),
                                    ": same priority and direction."));
        }
      }
      bool existed = it != store_.end();
      store_[key] = body;
      azure::HttpHeaders h;
      h.Set("Azure-AsyncOperation",
            absl::StrCat(kEndpoint, "/operations/op-", ++ops_));
      h.Set("Retry-After", "1");
      return Json(existed ? 200 : 201, body, h);
    }
    if (r.method == "GET") {
      if (it == store_.end()) return NotFound(r);
      return Json(200, it->second);
    }
    if (r.method == "DELETE") {
      if (it == store_.end()) return Json(204, nullptr);
      store_.erase(it);
      azure::HttpHeaders h;
      h.Set("Location",
            absl::StrCat(kEndpoint, "/operations/location/op-", ++ops_));
      h.Set("Retry-After", "1");
      return Json(202, nullptr, h);
    }
    return Error(405, "MethodNotAllowed", r.method);
  }

  std::mutex mu_;
  std::map<std::string, nlohmann::json> store_;
  std::map<std::string, int> pending_reads_;
  std::map<std::string, absl::Time> principals_;
  std::vector<Request> requests_;
  std::vector<Hook> hooks_;
  azure::FakeTime time_;
  int ops_ = 0;
};

inline core::OperationContext Ctx(const core::ProviderData* data,
                                  absl::Duration timeout = absl::Hours(10)) {
  core::OperationContext ctx;
  ctx.provider_data = data;
  ctx.correlation_id = "test-correlation";
  const auto* az = dynamic_cast<const AzureProviderData*>(data);
  absl::Time now = az != nullptr && az->arm != nullptr
                       ? az->arm->options().clock->Now()
                       : absl::Now();
  ctx.deadline = now + timeout;
  return ctx;
}

// Terraform's ProposedNewState, simplified: configuration values, with prior
// values for computed attributes the configuration leaves null.
inline tf::Value ProposedNew(const tf::Block& block, const tf::Value& prior,
                             const tf::Value& config) {
  tf::Value out = config;
  if (prior.IsNull()) return out;
  for (const tf::Attribute& a : block.attributes) {
    if (a.IsComputed() && config.GetAttr(a.name).IsNull()) {
      out = out.WithAttr(a.name, prior.GetAttr(a.name));
    }
  }
  return out;
}

struct PlanResult {
  tf::Value config;
  tf::Value planned;
  std::vector<tf::AttributePath> requires_replace;
  tf::Diagnostics diagnostics;
  bool no_op = false;  // planned equals prior
};

inline void RunValidators(const tf::Block& block, const tf::Value& value,
                          const tf::AttributePath& path,
                          tf::Diagnostics& diags) {
  for (const tf::Attribute& a : block.attributes) {
    const tf::Value& v = value.GetAttr(a.name);
    if (!v.IsKnown()) continue;
    for (const tf::Validator& fn : a.validators)
      fn(v, path.Attr(a.name), diags);
  }
  for (const tf::NestedBlock& b : block.blocks) {
    const tf::Value& bv = value.GetAttr(b.type_name);
    if (!bv.IsKnown()) continue;
    if (bv.type().kind() == tf::Type::Kind::kObject) {
      RunValidators(b.block, bv, path.Attr(b.type_name), diags);
    } else if (bv.type().kind() == tf::Type::Kind::kList) {
      int64_t i = 0;
      for (const tf::Value& e : bv.Elements()) {
        RunValidators(b.block, e, path.Attr(b.type_name).Index(i++), diags);
      }
    }
  }
}

// Validation then planning as the server runs it. Attributes missing from
// `attrs` are null.
inline PlanResult Plan(const core::Resource& resource,
                       std::map<std::string, tf::Value> attrs,
                       const tf::Value& prior, const core::ProviderData* data) {
  const tf::Schema& schema = resource.GetSchema();
  tf::Value config = core::NormalizeBlockValue(
      schema.block, tf::Value::Object(schema.ImpliedType(), std::move(attrs)));
  PlanResult out;
  out.config = config;
  RunValidators(schema.block, config, tf::AttributePath(), out.diagnostics);
  core::ValidateConfigRequest vreq{config};
  core::ValidateConfigResponse vresp;
  resource.ValidateConfig(vreq, vresp);
  out.diagnostics.Append(vresp.diagnostics);
  if (out.diagnostics.HasError()) return out;

  tf::Value proposed = ProposedNew(schema.block, prior, config);
  core::GenericPlan g =
      core::PlanGeneric(schema.block, prior, proposed, config);
  core::ModifyPlanRequest mreq;
  mreq.ctx = Ctx(data);
  mreq.config = config;
  mreq.prior_state = prior;
  core::ModifyPlanResponse mresp;
  mresp.planned_state = g.planned;
  mresp.requires_replace = g.requires_replace;
  resource.ModifyPlan(mreq, mresp);
  out.diagnostics.Append(mresp.diagnostics);
  out.planned = core::NormalizeBlockValue(schema.block, mresp.planned_state);
  for (const tf::AttributePath& p :
       core::NormalizePaths(mresp.requires_replace)) {
    if (prior.IsNull() || core::PathChanged(prior, out.planned, p)) {
      out.requires_replace.push_back(p);
    }
  }
  core::CheckPlanValid(schema.block, prior, config, out.planned,
                       out.diagnostics);
  out.no_op = !prior.IsNull() && out.planned == prior;
  return out;
}

// Create / Read / Update / Delete / Import with the response checks the
// server applies.
struct Applied {
  tf::Value state;
  tf::Diagnostics diagnostics;
};

inline Applied Create(const core::Resource& r, const PlanResult& p,
                      const core::ProviderData* data) {
  core::CreateRequest req;
  req.ctx = Ctx(data);
  req.config = p.config;
  req.planned_state = p.planned;
  core::CreateResponse resp;
  r.Create(req, resp);
  return {resp.new_state, resp.diagnostics};
}

inline Applied Update(const core::Resource& r, const tf::Value& prior,
                      const PlanResult& p, const core::ProviderData* data) {
  core::UpdateRequest req;
  req.ctx = Ctx(data);
  req.config = p.config;
  req.prior_state = prior;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  resp.new_state = p.planned;
  r.Update(req, resp);
  return {resp.new_state, resp.diagnostics};
}

inline Applied Read(const core::Resource& r, const tf::Value& state,
                    const core::ProviderData* data) {
  core::ReadRequest req;
  req.ctx = Ctx(data);
  req.current_state = state;
  core::ReadResponse resp;
  resp.new_state = state;
  r.Read(req, resp);
  return {resp.new_state, resp.diagnostics};
}

inline tf::Diagnostics Delete(const core::Resource& r, const tf::Value& state,
                              const core::ProviderData* data) {
  core::DeleteRequest req;
  req.ctx = Ctx(data);
  req.prior_state = state;
  core::DeleteResponse resp;
  r.Delete(req, resp);
  return resp.diagnostics;
}

inline Applied Import(const core::Resource& r, const std::string& id,
                      const core::ProviderData* data) {
  core::ImportRequest req;
  req.ctx = Ctx(data);
  req.id = id;
  core::ImportResponse resp;
  r.ImportState(req, resp);
  if (resp.diagnostics.HasError()) return {tf::Value(), resp.diagnostics};
  tf::Value state = core::NormalizeBlockValue(r.GetSchema().block, resp.state);
  return Read(r, state, data);
}

inline bool HasAttributeError(const tf::Diagnostics& diags,
                              const tf::AttributePath& path) {
  for (const tf::Diagnostic& d : diags) {
    if (d.severity == tf::Severity::kError && d.attribute &&
        *d.attribute == path) {
      return true;
    }
  }
  return false;
}

inline bool ContainsPath(const std::vector<tf::AttributePath>& paths,
                         const tf::AttributePath& p) {
  for (const auto& q : paths) {
    if (q == p) return true;
  }
  return false;
}

}  // namespace secureaml::resources::rbac_testing

#endif  // SECUREAML_RESOURCES_ROLE_ASSIGNMENT_TEST_FAKES_H_
