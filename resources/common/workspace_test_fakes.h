// File: workspace_test_fakes.h
//
// Test-only helpers for the workspace, private endpoint, private DNS zone and
// datastore unit tests: a tiny in-memory ARM behind the HttpTransport seam
// (PUT stores, GET returns or 404s, PATCH merges, DELETE removes, child
// collections list), hooks to script failures and record requests, and a
// planner that runs the core's generic planning plus the resource's
// ModifyPlan the way the server does.
//
//   FakeArm arm;
//   auto az = arm.ProviderData();
//   arm.Seed("/subscriptions/.../registries/acr1", {{"sku", {{"name",
//   "Basic"}}}}); PlanResult p = PlanCreate(resource, config, az.get());
#ifndef SECUREAML_RESOURCES_COMMON_WORKSPACE_TEST_FAKES_H_
#define SECUREAML_RESOURCES_COMMON_WORKSPACE_TEST_FAKES_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/azure/arm_client.h"
#include "provider/azure/clock.h"
#include "provider/azure/credentials.h"
#include "provider/azure/http_transport.h"
#include "provider/core/object_checks.h"
#include "provider/core/plan.h"
#include "provider/core/resource.h"
#include "resources/common/azure_context.h"

namespace secureaml::resources::testing {

inline constexpr char kTestSub[] = "00000000-0000-0000-0000-000000000001";
inline constexpr char kArmEndpoint[] = "https://management.azure.com";

struct RecordedRequest {
  std::string method;
  std::string path;  // as sent (case kept), without query
  std::string query;
  nlohmann::json body;
};

class StaticCredential : public azure::TokenCredential {
 public:
  absl::StatusOr<azure::AccessToken> GetToken(
      absl::string_view, const CancellationToken&) override {
    return azure::AccessToken{"test-token", absl::InfiniteFuture()};
  }
  std::string Name() const override { return "static test token"; }
};

class FakeArm : public azure::HttpTransport {
 public:
  // Return a response to short-circuit the store (a scripted failure, an
  // unusual shape); nullopt to let the store answer.
  using Hook =
      std::function<std::optional<azure::HttpResponse>(const RecordedRequest&)>;

  absl::StatusOr<azure::HttpResponse> Send(const azure::HttpRequest& request,
                                           const CancellationToken&) override {
    std::lock_guard<std::mutex> lock(mu_);
    RecordedRequest rec;
    rec.method = request.method;
    std::string url = request.url;
    if (absl::StartsWith(url, kArmEndpoint))
      url = url.substr(strlen(kArmEndpoint));
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
    azure::HttpResponse response = Handle(rec);
    if (lose_answer_) {
      if (std::optional<absl::Status> lost = lose_answer_(rec)) return *lost;
    }
    return response;
  }

  // Applies matching requests but fails the exchange with the returned
  // status: Azure acted, the answer never arrived (Ctrl-C, a timeout or a
  // broken connection mid-request).
  void LoseAnswers(
      std::function<std::optional<absl::Status>(const RecordedRequest&)> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    lose_answer_ = std::move(fn);
  }

  // Pre-existing resources (registries, vaults, ...).
  void Seed(const std::string& id, nlohmann::json body) {
    std::lock_guard<std::mutex> lock(mu_);
    body["id"] = id;
    store_[Key(id)] = body;
  }
  std::optional<nlohmann::json> Get(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = store_.find(Key(id));
    if (it == store_.end()) return std::nullopt;
    return it->second;
  }
  void Remove(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    store_.erase(Key(id));
  }
  // Mutates a stored resource (out-of-band drift).
  void Mutate(const std::string& id,
              const std::function<void(nlohmann::json&)>& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    fn(store_[Key(id)]);
  }
  void AddHook(Hook h) {
    std::lock_guard<std::mutex> lock(mu_);
    hooks_.push_back(std::move(h));
  }
  // Called on every PUT body before it is stored (service-side defaults).
  void OnPut(std::function<void(const std::string& path, nlohmann::json&)> fn) {
    on_put_ = std::move(fn);
  }
  std::vector<RecordedRequest> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<RecordedRequest> Writes() {
    std::vector<RecordedRequest> out;
    for (const RecordedRequest& r : Requests()) {
      if (r.method != "GET") out.push_back(r);
    }
    return out;
  }
  void ClearRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.clear();
  }

  std::shared_ptr<AzureProviderData> ProviderData(
      std::shared_ptr<FakeArm> self) {
    auto data = std::make_shared<AzureProviderData>();
    azure::ArmClientOptions opts;
    opts.endpoint = kArmEndpoint;
    opts.clock = &time_;
    opts.sleeper = &time_;
    opts.rng_seed = 1;
    data->arm = std::make_shared<azure::ArmClient>(
        self, std::make_shared<StaticCredential>(), opts);
    data->subscription_id = kTestSub;
    data->tenant_id = "00000000-0000-0000-0000-0000000000aa";
    return data;
  }

  static azure::HttpResponse Json(int status, const nlohmann::json& body) {
    azure::HttpResponse r;
    r.status = status;
    r.headers.Set("Content-Type", "application/json; charset=utf-8");
    r.headers.Set("x-ms-request-id", "req-1");
    r.body = body.is_null() ? "" : body.dump();
    return r;
  }
  static azure::HttpResponse Error(int status, const std::string& code,
                                   const std::string& message) {
    return Json(status, {{"error", {{"code", code}, {"message", message}}}});
  }

 private:
  static std::string Key(const std::string& path) {
    std::string k = absl::AsciiStrToLower(path);
    while (!k.empty() && k.back() == '/') k.pop_back();
    return k;
  }

  static void Merge(nlohmann::json& into, const nlohmann::json& patch) {
    for (auto it = patch.begin(); it != patch.end(); ++it) {
      if (it.value().is_object() && into.contains(it.key()) &&
          into[it.key()].is_object() && it.key() != "tags" &&
          it.key() != "userAssignedIdentities") {
        Merge(into[it.key()], it.value());
      } else {
        into[it.key()] = it.value();
      }
    }
  }

  azure::HttpResponse Handle(const RecordedRequest& r) {
    std::string key = Key(r.path);
    if (r.method == "GET") {
      auto it = store_.find(key);
      if (it != store_.end()) return Json(200, it->second);
      // A collection: list the direct children.
      nlohmann::json value = nlohmann::json::array();
      bool parent_exists = false;
      std::string parent = key.substr(0, key.rfind('/'));
      parent_exists = store_.count(parent) > 0;
      for (const auto& [k, v] : store_) {
        if (absl::StartsWith(k, key + "/") &&
            k.find('/', key.size() + 1) == std::string::npos) {
          value.push_back(v);
        }
      }
      if (parent_exists && !value.empty()) return Json(200, {{"value", value}});
      if (parent_exists && absl::EndsWith(key, "s")) {
        return Json(200, {{"value", value}});
      }
      return Error(404, "ResourceNotFound",
                   absl::StrCat("The Resource '", r.path, "' was not found."));
    }
    if (r.method == "PUT") {
      nlohmann::json body =
          r.body.is_object() ? r.body : nlohmann::json::object();
      body["id"] = r.path;
      body["name"] = r.path.substr(r.path.rfind('/') + 1);
      if (on_put_) on_put_(r.path, body);
      bool existed = store_.count(key) > 0;
      store_[key] = body;
      return Json(existed ? 200 : 201, body);
    }
    if (r.method == "PATCH") {
      auto it = store_.find(key);
      if (it == store_.end())
        return Error(404, "ResourceNotFound", "not found");
      Merge(it->second, r.body);
      return Json(200, it->second);
    }
    if (r.method == "DELETE") {
      auto it = store_.find(key);
      if (it == store_.end()) return Json(204, nullptr);
      for (auto c = store_.begin(); c != store_.end();) {
        if (absl::StartsWith(c->first, key + "/")) {
          c = store_.erase(c);
        } else {
          ++c;
        }
      }
      store_.erase(key);
      return Json(200, nullptr);
    }
    return Error(405, "MethodNotAllowed", r.method);
  }

  std::mutex mu_;
  std::map<std::string, nlohmann::json> store_;
  std::function<std::optional<absl::Status>(const RecordedRequest&)>
      lose_answer_;
  std::vector<RecordedRequest> requests_;
  std::vector<Hook> hooks_;
  std::function<void(const std::string&, nlohmann::json&)> on_put_;
  azure::FakeTime time_;
};

inline core::OperationContext Ctx(const core::ProviderData* data) {
  core::OperationContext ctx;
  ctx.provider_data = data;
  ctx.correlation_id = "test-correlation";
  // The ARM client runs on FakeTime: "no deadline" means its default timeout.
  ctx.deadline = absl::InfiniteFuture();
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
  tf::Value planned;
  std::vector<tf::AttributePath> requires_replace;
  tf::Diagnostics diagnostics;
};

// Validation (attribute validators + ValidateConfig) then planning as the
// server runs it. `config` attributes missing from the map are null.
inline PlanResult Plan(const core::Resource& resource,
                       std::map<std::string, tf::Value> config_attrs,
                       const tf::Value& prior, const core::ProviderData* data) {
  const tf::Schema& schema = resource.GetSchema();
  tf::Value config = core::NormalizeBlockValue(
      schema.block, tf::Value::Object(schema.ImpliedType(), config_attrs));
  PlanResult out;
  for (const tf::Attribute& a : schema.block.attributes) {
    const tf::Value& v = config.GetAttr(a.name);
    if (!v.IsKnown()) continue;
    for (const tf::Validator& fn : a.validators) {
      fn(v, tf::AttributePath::Root(a.name), out.diagnostics);
    }
  }
  for (const tf::NestedBlock& b : schema.block.blocks) {
    const tf::Value& bv = config.GetAttr(b.type_name);
    if (!bv.IsKnown() || bv.type().kind() != tf::Type::Kind::kObject) continue;
    for (const tf::Attribute& a : b.block.attributes) {
      const tf::Value& v = bv.GetAttr(a.name);
      if (!v.IsKnown()) continue;
      for (const tf::Validator& fn : a.validators) {
        fn(v, tf::AttributePath::Root(b.type_name).Attr(a.name),
           out.diagnostics);
      }
    }
  }
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
  // Keep only paths whose value changes, as Terraform does.
  for (const tf::AttributePath& p :
       core::NormalizePaths(mresp.requires_replace)) {
    if (prior.IsNull() || core::PathChanged(prior, out.planned, p)) {
      out.requires_replace.push_back(p);
    }
  }
  core::CheckPlanValid(schema.block, prior, config, out.planned,
                       out.diagnostics);
  return out;
}

// Plans a create from `config_attrs` and applies it, as Terraform would,
// expecting no error in the plan and (unless `diags_out` collects them) none
// in the apply; a returned state must be compatible with the plan.
inline tf::Value CreateThroughPlan(
    const core::Resource& resource,
    const std::map<std::string, tf::Value>& config_attrs,
    const core::ProviderData* data, tf::Diagnostics* diags_out = nullptr) {
  PlanResult p =
      Plan(resource, config_attrs,
           tf::Value::Null(resource.GetSchema().ImpliedType()), data);
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  core::CreateRequest req;
  req.ctx = Ctx(data);
  req.config = p.planned;
  req.planned_state = p.planned;
  core::CreateResponse resp;
  resource.Create(req, resp);
  if (diags_out != nullptr) {
    *diags_out = resp.diagnostics;
  } else {
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  }
  if (!resp.new_state.IsNull()) {
    EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty())
        << resp.new_state.DebugString();
  }
  return resp.new_state;
}

// Refreshes `state`, expecting no error.
inline tf::Value RefreshState(const core::Resource& resource,
                              const tf::Value& state,
                              const core::ProviderData* data) {
  core::ReadRequest req;
  req.ctx = Ctx(data);
  req.current_state = state;
  core::ReadResponse resp;
  resp.new_state = state;
  resource.Read(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  return resp.new_state;
}

// Applies an update plan, expecting no error and a compatible result.
inline tf::Value UpdateThroughPlan(const core::Resource& resource,
                                   const tf::Value& prior, const PlanResult& p,
                                   const core::ProviderData* data) {
  core::UpdateRequest req;
  req.ctx = Ctx(data);
  req.prior_state = prior;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  resp.new_state = p.planned;
  resource.Update(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty())
      << resp.new_state.DebugString();
  return resp.new_state;
}

inline bool HasAttributeDiag(const tf::Diagnostics& diags,
                             const tf::AttributePath& path,
                             tf::Severity severity) {
  for (const tf::Diagnostic& d : diags) {
    if (d.severity == severity && d.attribute && *d.attribute == path) {
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

}  // namespace secureaml::resources::testing

#endif  // SECUREAML_RESOURCES_COMMON_WORKSPACE_TEST_FAKES_H_
