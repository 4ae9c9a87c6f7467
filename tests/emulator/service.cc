#include "tests/emulator/service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/emulator/http.h"

namespace secureaml::emulator {
namespace {

std::vector<std::string> SplitPath(absl::string_view path) {
  std::vector<std::string> out;
  for (absl::string_view s : absl::StrSplit(path, '/')) {
    if (!s.empty()) out.emplace_back(s);
  }
  return out;
}

bool IsAllowedRgName(absl::string_view name) {
  if (name.empty() || name.size() > 90) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
          c == '_' || c == '.' || c == '(' || c == ')')) {
      return false;
    }
  }
  return name.back() != '.';
}

}  // namespace

// ---------------------------------------------------------------------------
// Shared helpers for resource types.

json PickKeys(const json& from, const std::vector<std::string>& allowed) {
  json out = json::object();
  if (!from.is_object()) return out;
  for (const std::string& k : allowed) {
    auto it = from.find(k);
    if (it != from.end() && !it->is_null()) out[k] = *it;
  }
  return out;
}

std::string ShortResourceName(const ArmPath& p) {
  std::string out = p.provider_ns;
  for (const auto& [t, n] : p.segments) absl::StrAppend(&out, "/", t, "/", n);
  return out;
}

std::optional<HttpResponse> ValidateTags(const json& body) {
  if (!body.contains("tags") || body["tags"].is_null()) return std::nullopt;
  const json& tags = body["tags"];
  if (!tags.is_object()) {
    return ArmService::Error(400, "InvalidRequestContent",
                             "The request content was invalid and could not "
                             "be deserialized: 'tags' must be an object.");
  }
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (!it.value().is_string()) {
      return ArmService::Error(400, "InvalidTagValue",
                               absl::StrCat("The tag value of tag name '",
                                            it.key(), "' must be a string."));
    }
  }
  return std::nullopt;
}

std::string NormalizeLocation(absl::string_view location) {
  std::string out;
  for (char c : location) {
    if (c != ' ')
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<HttpResponse> ValidateLocation(const RequestContext& c,
                                             const Resource* existing) {
  if (!c.body.contains("location") || !c.body["location"].is_string() ||
      c.body["location"].get<std::string>().empty()) {
    return ArmService::Error(
        400, "LocationRequired",
        "The location property is required for this definition.");
  }
  if (existing != nullptr && existing->body.contains("location")) {
    std::string have =
        NormalizeLocation(existing->body["location"].get<std::string>());
    std::string want = NormalizeLocation(c.body["location"].get<std::string>());
    if (have != want) {
      return ArmService::Error(
          400, "InvalidResourceLocation",
          absl::StrCat("The resource '", c.path.Name(),
                       "' already exists in location '", have,
                       "' in resource group '", c.path.resource_group,
                       "'. A resource with the same name cannot be created in "
                       "location '",
                       want, "'. Please select a new resource name."));
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// ResourceType defaults.

HttpResponse ResourceType::NotFound(ArmService& s, RequestContext& c) {
  return s.NotFoundError(c);
}

HttpResponse ResourceType::Put(ArmService& s, RequestContext& c) {
  return ArmService::Error(405, "MethodNotAllowed",
                           absl::StrCat("The resource type '", Type(),
                                        "' does not support PUT here."));
}

HttpResponse ResourceType::Get(ArmService& s, RequestContext& c) {
  Resource* r = s.Find(c.path.resource_id);
  if (r == nullptr) return NotFound(s, c);
  return ArmService::JsonResponse(200, Render(s, *r));
}

HttpResponse ResourceType::Patch(ArmService& s, RequestContext& c) {
  return ArmService::Error(
      405, "MethodNotAllowed",
      absl::StrCat("The resource type '", Type(), "' does not support PATCH."));
}

HttpResponse ResourceType::Delete(ArmService& s, RequestContext& c) {
  Resource* r = s.Find(c.path.resource_id);
  if (r == nullptr) return ArmService::Empty(204);
  if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
  s.Erase(c.path.resource_id);
  return ArmService::Empty(200);
}

HttpResponse ResourceType::List(ArmService& s, RequestContext& c) {
  json value = json::array();
  if (!c.path.parent_id.empty()) {
    for (Resource* r : s.Children(c.path.parent_id, Type())) {
      value.push_back(Render(s, *r));
    }
  } else {
    std::string prefix = ArmService::Lower(c.path.scope) + "/";
    for (Resource* r : s.All()) {
      if (!r->visible || !absl::EqualsIgnoreCase(r->type, Type())) continue;
      if (!absl::StartsWith(ArmService::Lower(r->id), prefix)) continue;
      value.push_back(Render(s, *r));
    }
  }
  return ArmService::JsonResponse(200, json{{"value", value}});
}

HttpResponse ResourceType::Action(ArmService& s, RequestContext& c) {
  return ArmService::Error(
      400, "InvalidResourceType",
      absl::StrCat("The action '", c.path.action,
                   "' is not supported for resource type '", Type(), "'."));
}

void ResourceType::OnOperationDone(ArmService& s, Resource& r,
                                   const Operation& op) {
  if (!r.body.contains("properties") || !r.body["properties"].is_object()) {
    return;
  }
  json& props = r.body["properties"];
  if (op.failed) {
    props["provisioningState"] = "Failed";
  } else if (op.kind != "delete") {
    props["provisioningState"] = "Succeeded";
  }
}

// ---------------------------------------------------------------------------
// ArmService basics.

ArmService::ArmService(const Clock* clock, Config config)
    : clock_(clock), config_(std::move(config)) {
  now_ = clock_->Now();
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  for (int i = 0; i < 32; ++i) {
    hmac_key_.push_back(static_cast<char>(rng() & 0xff));
    oidc_key_.push_back(static_cast<char>(rng() & 0xff));
  }
  guid_counter_ = rng();
  for (FaultRule& f : config_.faults) {
    if (f.id.empty()) f.id = absl::StrCat("fault-", next_fault_id_++);
  }
  RegisterResourceGroupTypes(types_);
  RegisterWorkspaceTypes(types_);
  RegisterComputeTypes(types_);
  RegisterMlDataTypes(types_);
  RegisterAuthorizationTypes(types_);
  RegisterNetworkTypes(types_);
  RegisterPrivateDnsTypes(types_);
  RegisterReadOnlyTypes(types_);
  SeedIdentities();
}

ArmService::~ArmService() = default;

std::string ArmService::Lower(absl::string_view s) {
  return absl::AsciiStrToLower(s);
}

bool ArmService::IsGuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string ArmService::NewGuid() {
  // splitmix64 over a counter: unique, cheap, and reproducible only within a
  // run, which is all IDs need.
  auto next = [this] {
    uint64_t z = (guid_counter_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t a = next(), b = next();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", a >> 32,
                         (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                         b & 0xffffffffffffULL);
}

std::string ArmService::NewEtag() {
  return absl::StrCat("W/\"", NewGuid(), "\"");
}

std::string ArmService::Rfc3339(absl::Time t) const {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E7SZ", t, absl::UTCTimeZone());
}

json ArmService::SystemData(const RequestContext& c, const Resource* existing) {
  std::string by =
      c.caller.display.empty() ? c.caller.app_id : c.caller.display;
  std::string by_type = c.caller.type;
  json sd;
  if (existing != nullptr && existing->body.contains("systemData")) {
    sd = existing->body["systemData"];
  } else {
    sd = {{"createdBy", by},
          {"createdByType", by_type},
          {"createdAt", Rfc3339(c.now)}};
  }
  sd["lastModifiedBy"] = by;
  sd["lastModifiedByType"] = by_type;
  sd["lastModifiedAt"] = Rfc3339(c.now);
  return sd;
}

HttpResponse ArmService::JsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.SetHeader("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump();
  return r;
}

HttpResponse ArmService::Error(int status, absl::string_view code,
                               absl::string_view message,
                               absl::string_view target) {
  json err = {{"code", code}, {"message", message}};
  if (!target.empty()) err["target"] = target;
  return JsonResponse(status, json{{"error", err}});
}

HttpResponse ArmService::Empty(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

HttpResponse ArmService::NotFoundError(const RequestContext& c) {
  if (!c.path.resource_group.empty()) {
    return Error(404, "ResourceNotFound",
                 absl::StrCat("The Resource '", ShortResourceName(c.path),
                              "' under resource group '", c.path.resource_group,
                              "' was not found. For more details please go to "
                              "https://aka.ms/ARMResourceNotFoundFix"));
  }
  return Error(404, "ResourceNotFound",
               absl::StrCat("The Resource '", ShortResourceName(c.path),
                            "' was not found."));
}

Resource* ArmService::Find(absl::string_view id, bool include_invisible) {
  auto it = store_.find(Lower(id));
  if (it == store_.end()) return nullptr;
  if (!it->second.visible && !include_invisible) return nullptr;
  return &it->second;
}

Resource& ArmService::Upsert(Resource r) {
  std::string key = Lower(r.id);
  auto it = store_.find(key);
  if (it != store_.end()) {
    // Keep create-time casing of the id.
    r.id = it->second.id;
    r.created = it->second.created;
    it->second = std::move(r);
    return it->second;
  }
  if (r.created == absl::Time()) r.created = now_;
  return store_.emplace(key, std::move(r)).first->second;
}

void ArmService::Erase(absl::string_view id) {
  std::string key = Lower(id);
  std::string prefix = key + "/";
  for (auto it = store_.begin(); it != store_.end();) {
    if (it->first == key || absl::StartsWith(it->first, prefix)) {
      it = store_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<Resource*> ArmService::Children(absl::string_view parent_id,
                                            absl::string_view type) {
  std::vector<Resource*> out;
  std::string prefix = Lower(parent_id) + "/";
  for (auto& [k, r] : store_) {
    if (!r.visible || !absl::StartsWith(k, prefix)) continue;
    if (!absl::EqualsIgnoreCase(r.type, type)) continue;
    // Direct children only: exactly two more segments.
    absl::string_view rest = absl::string_view(k).substr(prefix.size());
    if (std::count(rest.begin(), rest.end(), '/') != 1) continue;
    out.push_back(&r);
  }
  return out;
}

std::vector<Resource*> ArmService::All() {
  std::vector<Resource*> out;
  for (auto& [k, r] : store_) out.push_back(&r);
  return out;
}

Principal* ArmService::FindPrincipal(absl::string_view id) {
  auto it = principals_.find(Lower(id));
  if (it != principals_.end()) return &it->second;
  return FindPrincipalByAppId(id);
}

Principal* ArmService::FindPrincipalByAppId(absl::string_view app_id) {
  if (app_id.empty()) return nullptr;
  for (auto& [k, p] : principals_) {
    if (absl::EqualsIgnoreCase(p.app_id, app_id)) return &p;
  }
  return nullptr;
}

Principal& ArmService::AddPrincipal(Principal p) {
  if (p.object_id.empty()) p.object_id = NewGuid();
  std::string key = Lower(p.object_id);
  principals_[key] = std::move(p);
  return principals_[key];
}

double ArmService::Duration(absl::string_view type, absl::string_view subkind,
                            absl::string_view kind) {
  auto pick = [&](const OperationDurations& d) -> std::optional<double> {
    if (kind == "create") return d.create_seconds;
    if (kind == "update") return d.update_seconds;
    return d.delete_seconds;
  };
  std::vector<std::string> keys;
  if (!subkind.empty()) keys.push_back(Lower(absl::StrCat(type, "/", subkind)));
  keys.push_back(Lower(type));
  keys.push_back("default");
  for (const std::string& k : keys) {
    auto it = config_.durations.find(k);
    if (it == config_.durations.end()) continue;
    if (auto v = pick(it->second)) return *v;
  }
  // Small defaults: long enough that clients really poll, short enough for
  // interactive use.
  if (kind == "update") return 0;
  return 1;
}

int ArmService::RetryAfterCap(absl::string_view type) {
  for (const std::string& k : {Lower(type), std::string("default")}) {
    auto it = config_.durations.find(k);
    if (it != config_.durations.end() && it->second.retry_after_seconds) {
      return *it->second.retry_after_seconds;
    }
  }
  return 1;
}

Operation& ArmService::StartOperation(RequestContext& c, Resource& r,
                                      absl::string_view kind, double seconds) {
  Operation op;
  op.id = NewGuid();
  op.resource_key = Lower(r.id);
  op.resource_id = r.id;
  op.resource_type = r.type;
  op.kind = std::string(kind);
  op.start = now_;
  op.end = now_ + absl::Seconds(seconds);
  op.retry_after_cap = RetryAfterCap(r.type);
  if (c.lro_fault != nullptr) {
    op.failed = true;
    op.error_code = c.lro_fault->code;
    op.error_message = c.lro_fault->message;
    op.error_status = c.lro_fault->status >= 400 ? c.lro_fault->status : 400;
  }
  r.pending_op = op.id;
  std::string key = Lower(op.id);
  operations_[key] = std::move(op);
  if (seconds <= 0) AdvanceOperations();
  return operations_[key];
}

Operation* ArmService::FindOperation(absl::string_view id) {
  auto it = operations_.find(Lower(id));
  return it == operations_.end() ? nullptr : &it->second;
}

int ArmService::RetryAfter(const Operation& op) const {
  if (op.applied) return 0;
  double remaining = absl::ToDoubleSeconds(op.end - now_);
  if (op.end == op.start) return 0;
  int secs = static_cast<int>(std::ceil(std::max(remaining, 0.0)));
  secs = std::max(secs, 1);
  if (op.retry_after_cap > 0) secs = std::min(secs, op.retry_after_cap);
  return std::max(secs, 1);
}

std::string ArmService::PollUrl(const RequestContext& c, absl::string_view ns,
                                absl::string_view location,
                                absl::string_view segment,
                                absl::string_view op_id) {
  return absl::StrCat(c.base_url, "/subscriptions/", kSubscriptionId,
                      "/providers/", ns, "/locations/",
                      NormalizeLocation(location), "/", segment, "/", op_id,
                      "?api-version=", c.api_version);
}

std::optional<HttpResponse> ArmService::CheckBusy(RequestContext& c,
                                                  absl::string_view resource_id,
                                                  absl::string_view verb) {
  auto busy = [&](absl::string_view id) -> const Operation* {
    Resource* r = Find(id, true);
    if (r == nullptr || r->pending_op.empty()) return nullptr;
    Operation* op = FindOperation(r->pending_op);
    return (op != nullptr && !op->applied) ? op : nullptr;
  };
  const Operation* op = busy(resource_id);
  if (op == nullptr && !c.path.parent_id.empty()) {
    const Operation* pop = busy(c.path.parent_id);
    // A parent being created/updated/deleted blocks writes to children, as
    // Network RP does ("this or a dependent resource").
    if (pop != nullptr) op = pop;
  }
  if (op == nullptr) return std::nullopt;
  return Error(
      409, "AnotherOperationInProgress",
      absl::StrCat("Operation '", verb, "' on resource '", resource_id,
                   "' is not allowed because another operation (", op->kind,
                   ", id '", op->id,
                   "') on this or a dependent resource is in progress. Retry "
                   "the request after the operation completes."));
}

void ArmService::AdvanceOperations() {
  for (auto& [k, op] : operations_) {
    if (op.applied || now_ < op.end) continue;
    op.applied = true;
    auto it = store_.find(op.resource_key);
    if (it == store_.end()) continue;
    Resource& r = it->second;
    if (r.pending_op == op.id) r.pending_op.clear();
    ResourceType* t = TypeFor(Lower(r.type));
    if (op.kind == "delete" && !op.failed) {
      if (t != nullptr) t->OnOperationDone(*this, r, op);
      Erase(op.resource_id);
      continue;
    }
    r.visible = true;
    if (t != nullptr) t->OnOperationDone(*this, r, op);
  }
}

ResourceType* ArmService::TypeFor(absl::string_view type_key) {
  auto it = types_.find(Lower(type_key));
  return it == types_.end() ? nullptr : it->second.get();
}

// ---------------------------------------------------------------------------
// Request handling.

HttpResponse ArmService::Handle(HttpRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = clock_->Now();
  AdvanceOperations();
  RequestContext c;
  c.http = &req;
  c.now = now_;
  c.request_id = NewGuid();
  std::string host = req.Header("host");
  c.base_url = absl::StrCat("https://", host.empty() ? "127.0.0.1" : host);
  std::string key;
  HttpResponse resp;
  try {
    resp = Dispatch(req, c, &key);
  } catch (const nlohmann::json::exception& e) {
    // A field of the wrong JSON type somewhere a handler did not check
    // explicitly: ARM's deserializer rejects such bodies the same way.
    resp =
        Error(400, "InvalidRequestContent",
              absl::StrCat("The request content was invalid and could not be "
                           "deserialized: '",
                           e.what(), "'."));
  } catch (const std::exception& e) {
    resp = Error(
        500, "InternalServerError",
        absl::StrCat("The emulator failed to process the request: ", e.what()));
  }
  bool admin = absl::StartsWith(req.path, "/_emulator/");
  if (!admin) {
    AddStandardHeaders(c, resp);
    counters_.total++;
    counters_.by_key[key.empty() ? req.method + " other" : key]++;
    if (!record_dir_.empty()) Record(req, resp, c);
  }
  return resp;
}

void ArmService::AddStandardHeaders(const RequestContext& c,
                                    HttpResponse& resp) {
  resp.SetHeader("Cache-Control", "no-cache");
  resp.SetHeader("Pragma", "no-cache");
  resp.SetHeader("Expires", "-1");
  resp.SetHeader("x-ms-request-id", c.request_id);
  std::string corr = c.http->Header("x-ms-correlation-request-id");
  resp.SetHeader("x-ms-correlation-request-id",
                 corr.empty() ? c.request_id : corr);
  resp.SetHeader("x-ms-routing-request-id",
                 absl::StrCat("EASTUS:",
                              absl::FormatTime("%Y%m%dT%H%M%SZ", now_,
                                               absl::UTCTimeZone()),
                              ":", c.request_id));
  std::string client_id = c.http->Header("x-ms-client-request-id");
  if (!client_id.empty() &&
      absl::EqualsIgnoreCase(c.http->Header("x-ms-return-client-request-id"),
                             "true")) {
    resp.SetHeader("x-ms-client-request-id", client_id);
  }
  resp.SetHeader("Strict-Transport-Security",
                 "max-age=31536000; includeSubDomains");
  resp.SetHeader("X-Content-Type-Options", "nosniff");
  resp.SetHeader("Date", absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", now_,
                                          absl::UTCTimeZone()));
}

HttpResponse ArmService::Dispatch(HttpRequest& req, RequestContext& c,
                                  std::string* key) {
  const std::string& path = req.path;
  if (absl::StartsWith(path, "/_emulator/")) return HandleAdmin(req, c);
  std::vector<std::string> segs = SplitPath(path);
  bool is_token = false;
  bool v2 = false;
  std::string tenant;
  if (path == "/metadata/identity/oauth2/token" || path == "/msi/token") {
    is_token = true;
  } else if (segs.size() == 4 && absl::EqualsIgnoreCase(segs[1], "oauth2") &&
             segs[2] == "v2.0" && absl::EqualsIgnoreCase(segs[3], "token")) {
    is_token = true;
    v2 = true;
    tenant = segs[0];
  } else if (segs.size() == 3 && absl::EqualsIgnoreCase(segs[1], "oauth2") &&
             absl::EqualsIgnoreCase(segs[2], "token")) {
    is_token = true;
    tenant = segs[0];
  }
  if (is_token) {
    *key = absl::StrCat(req.method, " token");
    if (identity_down_) {
      FaultRule outage;
      outage.kind = FaultKind::kTokenDown;
      return *ApplyFault(outage, true);
    }
    if (const FaultRule* f = MatchFault(req, "", FaultPhase::kToken, false)) {
      if (f->kind == FaultKind::kDelay) {
        HttpResponse r =
            path == "/metadata/identity/oauth2/token" ? HandleImds(req, c)
            : path == "/msi/token" ? HandleAppServiceMsi(req, c)
                                   : HandleToken(req, c, tenant, v2);
        r.delay_ms = f->delay_ms;
        return r;
      }
      if (auto r = ApplyFault(*f, true)) return *r;
    }
    if (path == "/metadata/identity/oauth2/token") return HandleImds(req, c);
    if (path == "/msi/token") return HandleAppServiceMsi(req, c);
    return HandleToken(req, c, tenant, v2);
  }
  if (path == "/metadata/endpoints") {
    *key = absl::StrCat(req.method, " metadata");
    return HandleMetadata(req, c);
  }
  if (!segs.empty() && (absl::EqualsIgnoreCase(segs[0], "subscriptions") ||
                        absl::EqualsIgnoreCase(segs[0], "providers"))) {
    return HandleArm(req, c, key);
  }
  *key = absl::StrCat(req.method, " unknown");
  return Error(404, "NotFound",
               absl::StrCat("No HTTP resource was found that matches the "
                            "request URI '",
                            c.base_url, req.target, "'."));
}

HttpResponse ArmService::HandleMetadata(HttpRequest& req, RequestContext& c) {
  if (req.method != "GET") {
    return Error(405, "MethodNotAllowed", "Only GET is supported.");
  }
  auto v = req.Query("api-version");
  if (!v) {
    return Error(400, "MissingApiVersionParameter",
                 "The api-version query parameter (?api-version=) is required "
                 "for all requests.");
  }
  if (*v != "2022-09-01" && *v != "2020-06-01" && *v != "2019-05-01" &&
      *v != "1.0") {
    return Error(400, "InvalidApiVersionParameter",
                 absl::StrCat("The api-version '", *v,
                              "' is invalid. The supported versions are "
                              "'2022-09-01,2020-06-01,2019-05-01,1.0'."));
  }
  std::string rm = c.base_url + "/";
  json body = {
      {"portal", "https://portal.azure.com"},
      {"authentication",
       {{"loginEndpoint", c.base_url},
        {"audiences",
         {"https://management.core.windows.net/",
          "https://management.azure.com/"}},
        {"tenant", "common"},
        {"identityProvider", "AAD"}}},
      {"media", "https://rest.media.azure.net"},
      {"graphAudience", "https://graph.windows.net/"},
      {"graph", "https://graph.windows.net/"},
      {"name", "AzureCloud"},
      {"suffixes",
       {{"azureDataLakeStoreFileSystem", "azuredatalakestore.net"},
        {"acrLoginServer", "azurecr.io"},
        {"sqlServerHostname", "database.windows.net"},
        {"azureDataLakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net"},
        {"keyVaultDns", "vault.azure.net"},
        {"storage", "core.windows.net"},
        {"azureFrontDoorEndpointSuffix", "azurefd.net"},
        {"storageSyncEndpointSuffix", "afs.azure.net"},
        {"mhsmDns", "managedhsm.azure.net"},
        {"mysqlServerEndpoint", "mysql.database.azure.com"},
        {"postgresqlServerEndpoint", "postgres.database.azure.com"},
        {"mariadbServerEndpoint", "mariadb.database.azure.com"},
        {"synapseAnalytics", "dev.azuresynapse.net"},
        {"attestationEndpoint", "attest.azure.net"}}},
      {"batch", "https://batch.core.windows.net/"},
      {"resourceManager", rm},
      {"vmImageAliasDoc",
       "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/"
       "arm-compute/quickstart-templates/aliases.json"},
      {"activeDirectoryDataLake", "https://datalake.azure.net/"},
      {"sqlManagement", "https://management.core.windows.net:8443/"},
      {"microsoftGraphResourceId", "https://graph.microsoft.com/"},
      {"appInsightsResourceId", "https://api.applicationinsights.io"},
      {"appInsightsTelemetryChannelResourceId",
       "https://dc.applicationinsights.azure.com/v2/track"},
      {"attestationResourceId", "https://attest.azure.net"},
      {"synapseAnalyticsResourceId", "https://dev.azuresynapse.net"},
      {"logAnalyticsResourceId", "https://api.loganalytics.io"},
      {"ossrDbmsResourceId", "https://ossrdbms-aad.database.windows.net"}};
  return JsonResponse(200, body);
}

const FaultRule* ArmService::MatchFault(const HttpRequest& req,
                                        absl::string_view type,
                                        FaultPhase phase, bool lro_only) {
  for (FaultRule& f : config_.faults) {
    bool is_lro = f.kind == FaultKind::kLroFailed;
    if (is_lro != lro_only) continue;
    // Token requests carry no bearer token to expire.
    if (phase == FaultPhase::kToken && f.kind == FaultKind::kTokenExpired) {
      continue;
    }
    if (f.count >= 0 && f.fired >= f.count) continue;
    bool get_matches_final =
        f.phase == FaultPhase::kGet && phase == FaultPhase::kFinalGet;
    if (f.phase != FaultPhase::kAny && f.phase != phase && !get_matches_final) {
      continue;
    }
    if (phase == FaultPhase::kToken && f.phase == FaultPhase::kAny &&
        !f.resource_type.empty()) {
      continue;
    }
    if (!f.method.empty() && !absl::EqualsIgnoreCase(f.method, req.method)) {
      continue;
    }
    if (!f.resource_type.empty() &&
        !absl::EqualsIgnoreCase(f.resource_type, type)) {
      continue;
    }
    if (f.compiled && !std::regex_search(req.path, *f.compiled)) continue;
    if (f.probability < 1.0) {
      std::uniform_real_distribution<double> dist(0.0, 1.0);
      if (dist(*f.rng) >= f.probability) continue;
    }
    f.fired++;
    return &f;
  }
  return nullptr;
}

std::optional<HttpResponse> ArmService::ApplyFault(const FaultRule& f,
                                                   bool token) {
  HttpResponse r;
  switch (f.kind) {
    case FaultKind::kDrop:
      r.drop_connection = true;
      return r;
    case FaultKind::kDelay:
    case FaultKind::kLroFailed:
    case FaultKind::kTokenExpired:
      return std::nullopt;
    case FaultKind::kTokenDown:
    case FaultKind::kStatus:
      break;
  }
  if (token) {
    int status = f.kind == FaultKind::kTokenDown ? 503 : f.status;
    std::string ts =
        absl::FormatTime("%Y-%m-%d %H:%M:%SZ", now_, absl::UTCTimeZone());
    std::string trace = NewGuid(), corr = NewGuid();
    r = JsonResponse(
        status,
        json{{"error", "temporarily_unavailable"},
             {"error_description",
              absl::StrCat("AADSTS90033: A transient error has occurred. "
                           "Please try again.\r\nTrace ID: ",
                           trace, "\r\nCorrelation ID: ", corr,
                           "\r\nTimestamp: ", ts)},
             {"error_codes", {90033}},
             {"timestamp", ts},
             {"trace_id", trace},
             {"correlation_id", corr},
             {"error_uri",
              "https://login.microsoftonline.com/error?code=90033"}});
  } else {
    std::string message = f.message;
    if (f.status == 429 && f.code == "SubscriptionRequestsThrottled" &&
        f.message == "Injected fault from the emulator configuration.") {
      message =
          absl::StrCat("Number of requests for subscription '", kSubscriptionId,
                       "' exceeded the limit. Please try again after '",
                       f.retry_after_seconds, "' seconds.");
    }
    r = Error(f.status, f.code, message);
  }
  if (f.retry_after_seconds > 0) {
    r.SetHeader("Retry-After", absl::StrCat(f.retry_after_seconds));
  }
  return r;
}

std::optional<HttpResponse> ArmService::Authenticate(HttpRequest& req,
                                                     RequestContext& c) {
  std::string auth = req.Header("authorization");
  auto fail = [&](absl::string_view code, absl::string_view message,
                  absl::string_view desc) {
    HttpResponse r = Error(401, code, message);
    r.SetHeader(
        "WWW-Authenticate",
        absl::StrCat("Bearer authorization_uri=\"", c.base_url, "/", kTenantId,
                     "\", error=\"invalid_token\", error_description=\"", desc,
                     "\""));
    return r;
  };
  if (auth.empty()) {
    return fail("AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' "
                "header.");
  }
  if (!absl::StartsWithIgnoreCase(auth, "Bearer ")) {
    return fail("AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided "
                "in an invalid format.",
                "The access token is in an invalid format.");
  }
  std::string token = std::string(absl::StripAsciiWhitespace(auth.substr(7)));
  std::string code, message;
  if (!ValidateAccessToken(token, &c.caller, &code, &message)) {
    return fail(code, message, message);
  }
  return std::nullopt;
}

std::optional<HttpResponse> ArmService::Throttle(HttpRequest& req,
                                                 RequestContext& c,
                                                 HttpResponse* headers_out) {
  std::string category;
  TokenBucketConfig cfg;
  if (req.method == "GET" || req.method == "HEAD") {
    category = "reads";
    cfg = config_.reads;
  } else if (req.method == "DELETE") {
    category = "deletes";
    cfg = config_.deletes;
  } else {
    category = "writes";
    cfg = config_.writes;
  }
  std::string key = absl::StrCat(Lower(c.caller.object_id), ":", category);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    it = buckets_.emplace(key, std::make_pair(cfg.capacity, now_)).first;
  }
  double& tokens = it->second.first;
  absl::Time& last = it->second.second;
  tokens = std::min(cfg.capacity, tokens + absl::ToDoubleSeconds(now_ - last) *
                                               cfg.refill_per_second);
  last = now_;
  if (tokens < 1.0) {
    int wait =
        static_cast<int>(std::ceil((1.0 - tokens) / cfg.refill_per_second));
    wait = std::max(wait, 1);
    std::string op = category == "reads"     ? "read"
                     : category == "deletes" ? "delete"
                                             : "write";
    HttpResponse r =
        Error(429, "SubscriptionRequestsThrottled",
              absl::StrCat("Number of '", op, "' requests for subscription '",
                           kSubscriptionId, "' actor '", c.caller.object_id,
                           "' exceeded. Please try again after '", wait,
                           "' seconds after the last request. Please see "
                           "https://aka.ms/arm-throttling for more details."));
    r.SetHeader("Retry-After", absl::StrCat(wait));
    r.SetHeader(
        absl::StrCat("x-ms-ratelimit-remaining-subscription-", category), "0");
    return r;
  }
  tokens -= 1.0;
  int remaining = static_cast<int>(std::floor(tokens));
  headers_out->SetHeader(
      absl::StrCat("x-ms-ratelimit-remaining-subscription-", category),
      absl::StrCat(remaining));
  headers_out->SetHeader(
      absl::StrCat("x-ms-ratelimit-remaining-subscription-global-", category),
      absl::StrCat(remaining * 15 + 14));
  if (category != "deletes") {
    headers_out->SetHeader(
        absl::StrCat("x-ms-ratelimit-remaining-tenant-", category),
        absl::StrCat(remaining * 15 + 14));
  }
  return std::nullopt;
}

HttpResponse ArmService::HandlePoll(HttpRequest& req, RequestContext& c,
                                    absl::string_view segment,
                                    absl::string_view op_id) {
  std::string seg = Lower(segment);
  bool location_semantics;
  if (seg == "operationresults" || seg == "privatednsoperationresults" ||
      seg == "mfeoperationresults") {
    location_semantics = true;
  } else if (seg == "operations" || seg == "operationstatuses" ||
             seg == "privatednsoperationstatuses" ||
             seg == "mfeoperationsstatus") {
    location_semantics = false;
  } else {
    auto t = req.Query("type");
    location_semantics = t && absl::EqualsIgnoreCase(*t, "location");
  }
  if (req.method != "GET") {
    return Error(405, "MethodNotAllowed", "Operation URLs only support GET.");
  }
  Operation* op = FindOperation(op_id);
  if (op == nullptr) {
    return Error(404, "OperationNotFound",
                 absl::StrCat("The operation '", op_id, "' was not found."));
  }
  std::string self = absl::StrCat(c.base_url, req.target);
  if (location_semantics) {
    if (!op->applied) {
      HttpResponse r = Empty(202);
      r.SetHeader("Location", self);
      r.SetHeader("Retry-After", absl::StrCat(RetryAfter(*op)));
      return r;
    }
    if (op->failed) {
      return Error(op->error_status, op->error_code, op->error_message);
    }
    if (op->location_returns_resource) {
      Resource* r = Find(op->resource_id);
      ResourceType* t = TypeFor(Lower(op->resource_type));
      if (r != nullptr && t != nullptr) {
        return JsonResponse(200, t->Render(*this, *r));
      }
    }
    return Empty(200);  // explicit Content-Length: 0 = done
  }
  json body = {{"id", req.path},
               {"name", op->id},
               {"status", !op->applied ? "InProgress"
                          : op->failed ? "Failed"
                                       : "Succeeded"},
               {"startTime", Rfc3339(op->start)}};
  if (op->applied) {
    body["endTime"] = Rfc3339(op->end);
    body["percentComplete"] = 100;
  } else {
    double total = absl::ToDoubleSeconds(op->end - op->start);
    double done = absl::ToDoubleSeconds(now_ - op->start);
    body["percentComplete"] =
        total > 0 ? std::min(99, static_cast<int>(100 * done / total)) : 0;
  }
  if (op->failed && op->applied) {
    body["error"] = {{"code", op->error_code}, {"message", op->error_message}};
  }
  HttpResponse r = JsonResponse(200, body);
  if (!op->applied) r.SetHeader("Retry-After", absl::StrCat(RetryAfter(*op)));
  return r;
}

namespace {

std::string JoinPath(const std::vector<std::string>& segs, size_t from,
                     size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < segs.size(); ++i) {
    absl::StrAppend(&out, "/", segs[i]);
  }
  return out;
}

}  // namespace

HttpResponse ArmService::HandleArm(HttpRequest& req, RequestContext& c,
                                   std::string* key) {
  std::vector<std::string> segs = SplitPath(req.path);
  // IDs are returned in ARM's canonical casing for the fixed segments, and
  // create-time casing for names.
  for (size_t i = 0; i < segs.size(); ++i) {
    if (absl::EqualsIgnoreCase(segs[i], "subscriptions") && i == 0) {
      segs[i] = "subscriptions";
    } else if (i == 2 && absl::EqualsIgnoreCase(segs[i], "resourceGroups")) {
      segs[i] = "resourceGroups";
    } else if (absl::EqualsIgnoreCase(segs[i], "providers") &&
               i + 1 < segs.size()) {
      segs[i] = "providers";
    }
  }
  ArmPath& p = c.path;
  FaultPhase phase = (req.method == "GET" || req.method == "HEAD")
                         ? FaultPhase::kGet
                         : FaultPhase::kInitial;
  bool is_sub = absl::EqualsIgnoreCase(segs[0], "subscriptions");

  // Operation polling URLs.
  std::string poll_segment, poll_id;
  if (is_sub && segs.size() == 4 &&
      absl::EqualsIgnoreCase(segs[2], "operationresults")) {
    poll_segment = segs[2];
    poll_id = segs[3];
  } else if (is_sub && segs.size() == 8 &&
             absl::EqualsIgnoreCase(segs[2], "providers") &&
             absl::EqualsIgnoreCase(segs[4], "locations")) {
    poll_segment = segs[6];
    poll_id = segs[7];
  } else if (is_sub && segs.size() == 8 &&
             absl::EqualsIgnoreCase(segs[2], "resourceGroups") &&
             absl::EqualsIgnoreCase(segs[4], "providers") &&
             absl::StartsWithIgnoreCase(segs[6], "privateDnsOperation")) {
    poll_segment = segs[6];
    poll_id = segs[7];
  }
  bool is_poll = !poll_segment.empty();
  if (is_poll) phase = FaultPhase::kPoll;

  // Parse the resource path (pure; validation comes after auth).
  std::string parse_error;
  if (!is_poll) {
    size_t prov = std::string::npos;
    for (size_t i = 0; i < segs.size(); ++i) {
      if (absl::EqualsIgnoreCase(segs[i], "providers") && i + 1 < segs.size()) {
        prov = i;
      }
    }
    if (is_sub && segs.size() >= 2) p.subscription = segs[1];
    if (is_sub && segs.size() >= 4 &&
        absl::EqualsIgnoreCase(segs[2], "resourceGroups")) {
      p.resource_group = segs[3];
    }
    if (prov == std::string::npos) {
      // Microsoft.Resources built-ins: subscriptions, resource groups.
      p.provider_ns = "Microsoft.Resources";
      p.scope = "";
      if (!is_sub) {
        parse_error = "scope";
      } else if (segs.size() == 1) {
        p.segments = {{"subscriptions", ""}};
        p.collection = true;
        p.type_key = "microsoft.resources/subscriptions";
      } else if (segs.size() == 2) {
        p.segments = {{"subscriptions", segs[1]}};
        p.type_key = "microsoft.resources/subscriptions";
        p.resource_id = JoinPath(segs, 0, 2);
      } else if (absl::EqualsIgnoreCase(segs[2], "resourceGroups") &&
                 segs.size() <= 4) {
        p.scope = JoinPath(segs, 0, 2);
        p.segments = {{"resourceGroups", segs.size() == 4 ? segs[3] : ""}};
        p.collection = segs.size() == 3;
        p.type_key = "microsoft.resources/resourcegroups";
        if (!p.collection) p.resource_id = JoinPath(segs, 0, 4);
      } else {
        parse_error = "shape";
      }
    } else {
      p.scope = JoinPath(segs, 0, prov);
      p.provider_ns = segs[prov + 1];
      std::vector<std::string> rest(segs.begin() + prov + 2, segs.end());
      if (rest.empty()) {
        // /subscriptions/{s}/providers/{ns}: provider registration.
        p.type_key = "microsoft.resources/providers";
        p.segments = {{"providers", p.provider_ns}};
        p.resource_id = JoinPath(segs, 0, segs.size());
      } else if (rest.size() == 1 && req.method == "POST" && prov == 2 &&
                 is_sub) {
        p.type_key = "microsoft.resources/providers";
        p.segments = {{"providers", p.provider_ns}};
        p.action = rest[0];
        p.resource_id = JoinPath(segs, 0, segs.size() - 1);
      } else {
        if (req.method == "POST" && rest.size() % 2 == 1 && rest.size() >= 3) {
          p.action = rest.back();
          rest.pop_back();
        }
        p.collection = rest.size() % 2 == 1;
        std::string type_key = Lower(p.provider_ns);
        for (size_t i = 0; i < rest.size(); i += 2) {
          p.segments.emplace_back(rest[i],
                                  i + 1 < rest.size() ? rest[i + 1] : "");
          absl::StrAppend(&type_key, "/", Lower(rest[i]));
        }
        p.type_key = type_key;
        std::string base = absl::StrCat(p.scope, "/providers/", p.provider_ns);
        std::string id = base;
        for (size_t i = 0; i < p.segments.size(); ++i) {
          bool last = i + 1 == p.segments.size();
          if (last) {
            if (!p.collection) {
              p.parent_id = p.segments.size() > 1 ? id : "";
              absl::StrAppend(&id, "/", p.segments[i].first, "/",
                              p.segments[i].second);
            } else {
              p.parent_id = p.segments.size() > 1 ? id : "";
            }
          } else {
            absl::StrAppend(&id, "/", p.segments[i].first, "/",
                            p.segments[i].second);
          }
        }
        if (!p.collection) p.resource_id = id;
      }
    }
  }

  ResourceType* type = is_poll ? nullptr : TypeFor(p.type_key);
  std::string type_name = type != nullptr ? type->Type() : "";
  if (is_poll) {
    *key = absl::StrCat(req.method, " operation-poll");
  } else {
    *key = absl::StrCat(req.method, " ",
                        type_name.empty() ? p.type_key : type_name);
  }

  if (phase == FaultPhase::kGet && !p.collection && !p.resource_id.empty()) {
    bool exists = Find(p.resource_id) != nullptr;
    size_t tenant_level = p.resource_id.rfind("/providers/");
    if (!exists && type != nullptr && type->AnyScope() &&
        tenant_level != std::string::npos) {
      // Role definitions are stored once and read at any scope.
      exists = Find(p.resource_id.substr(tenant_level)) != nullptr;
    }
    if (exists) phase = FaultPhase::kFinalGet;
  }
  // Faults: before authentication, as a front door would fail.
  HttpResponse rate_headers;
  int delay_ms = 0;
  if (const FaultRule* f = MatchFault(req, type_name, phase, false)) {
    if (f->kind == FaultKind::kDelay) {
      delay_ms = f->delay_ms;
    } else if (f->kind == FaultKind::kTokenExpired) {
      // Authenticate below then answers as Azure does for an expired token.
      std::string auth = req.Header("authorization");
      if (absl::StartsWithIgnoreCase(auth, "Bearer ")) {
        expired_tokens_.emplace(
            std::string(absl::StripAsciiWhitespace(auth.substr(7))), now_);
      }
      if (f->identity_down) identity_down_ = true;
    } else if (auto r = ApplyFault(*f, false)) {
      return *r;
    }
  }
  auto finish = [&](HttpResponse r) {
    for (const auto& [k, v] : rate_headers.headers) {
      if (!r.HasHeader(k)) r.SetHeader(k, v);
    }
    r.delay_ms = std::max(r.delay_ms, delay_ms);
    return r;
  };

  if (auto r = Authenticate(req, c)) return finish(*r);
  if (auto r = Throttle(req, c, &rate_headers)) return finish(*r);

  auto api_version = req.Query("api-version");
  if (!api_version || api_version->empty()) {
    return finish(Error(400, "MissingApiVersionParameter",
                        "The api-version query parameter (?api-version=) is "
                        "required for all requests."));
  }
  c.api_version = *api_version;
  if (is_poll) return finish(HandlePoll(req, c, poll_segment, poll_id));

  if (!parse_error.empty()) {
    return finish(Error(400, "InvalidResourceId",
                        absl::StrCat("The resource identifier '", req.path,
                                     "' is malformed or invalid.")));
  }
  if (!p.subscription.empty()) {
    if (!IsGuid(p.subscription)) {
      return finish(
          Error(400, "InvalidSubscriptionId",
                absl::StrCat("The provided subscription identifier '",
                             p.subscription, "' is malformed or invalid.")));
    }
    if (!absl::EqualsIgnoreCase(p.subscription, kSubscriptionId)) {
      return finish(Error(404, "SubscriptionNotFound",
                          absl::StrCat("The subscription '", p.subscription,
                                       "' could not be found.")));
    }
  }
  if (type == nullptr) {
    bool ns_known = false;
    for (const auto& [k, t] : types_) {
      if (absl::StartsWith(k, Lower(p.provider_ns) + "/")) ns_known = true;
    }
    if (!ns_known) {
      return finish(Error(400, "InvalidResourceNamespace",
                          absl::StrCat("The resource namespace '",
                                       p.provider_ns, "' is invalid.")));
    }
    std::string tname;
    for (const auto& [t, n] : p.segments) {
      absl::StrAppend(&tname, tname.empty() ? "" : "/", t);
    }
    return finish(Error(
        400, "InvalidResourceType",
        absl::StrCat("The resource type '", tname,
                     "' could not be found in the namespace '", p.provider_ns,
                     "' for api version '", c.api_version, "'.")));
  }
  {
    std::vector<std::string> versions = type->ApiVersions();
    if (std::find(versions.begin(), versions.end(), c.api_version) ==
        versions.end()) {
      std::string supported = absl::StrJoin(versions, ", ");
      if (p.provider_ns == "Microsoft.Resources" ||
          absl::EqualsIgnoreCase(p.provider_ns, "Microsoft.Resources")) {
        return finish(Error(400, "InvalidApiVersionParameter",
                            absl::StrCat("The api-version '", c.api_version,
                                         "' is invalid. The supported versions "
                                         "are '",
                                         supported, "'.")));
      }
      std::string tname = type->Type().substr(type->Type().find('/') + 1);
      return finish(Error(
          400, "NoRegisteredProviderFound",
          absl::StrCat("No registered resource provider found for location "
                       "'eastus' and API version '",
                       c.api_version, "' for type '", tname,
                       "'. The supported api-versions are '", supported,
                       "'. The supported locations are 'eastus, eastus2, "
                       "westus, westus2, westeurope, northeurope, global'.")));
    }
  }
  // Resource-group scoped types must sit directly in a resource group.
  if (!type->AnyScope() && p.type_key != "microsoft.resources/resourcegroups" &&
      p.type_key != "microsoft.resources/subscriptions" &&
      p.type_key != "microsoft.resources/providers") {
    std::vector<std::string> scope = SplitPath(p.scope);
    bool rg_scope = scope.size() == 4 &&
                    absl::EqualsIgnoreCase(scope[0], "subscriptions") &&
                    absl::EqualsIgnoreCase(scope[2], "resourceGroups");
    bool sub_list = scope.size() == 2 && p.collection &&
                    p.segments.size() == 1 && req.method == "GET";
    if (!rg_scope && !sub_list) {
      return finish(Error(400, "InvalidResourceId",
                          absl::StrCat("The resource identifier '", req.path,
                                       "' is malformed or invalid for type '",
                                       type->Type(), "'.")));
    }
  }
  if (!p.resource_group.empty()) {
    if (!IsAllowedRgName(p.resource_group)) {
      return finish(Error(400, "InvalidResourceGroupName",
                          absl::StrCat("Resource group name '",
                                       p.resource_group, "' is invalid.")));
    }
    bool rg_itself = p.type_key == "microsoft.resources/resourcegroups";
    if (!rg_itself &&
        Find(absl::StrCat("/subscriptions/", p.subscription, "/resourceGroups/",
                          p.resource_group)) == nullptr) {
      return finish(Error(404, "ResourceGroupNotFound",
                          absl::StrCat("Resource group '", p.resource_group,
                                       "' could not be found.")));
    }
  }
  if (!p.parent_id.empty() && Find(p.parent_id) == nullptr) {
    std::string parent_name = p.provider_ns;
    for (size_t i = 0; i + 1 < p.segments.size(); ++i) {
      absl::StrAppend(&parent_name, "/", p.segments[i].first, "/",
                      p.segments[i].second);
    }
    return finish(Error(
        404, "ParentResourceNotFound",
        absl::StrCat("Can not perform requested operation on nested resource. "
                     "Parent resource '",
                     parent_name.substr(parent_name.find('/') + 1),
                     "' not found.")));
  }
  if (req.method == "PUT" || req.method == "PATCH" ||
      (req.method == "POST" && !req.body.empty())) {
    if (req.body.empty()) {
      return finish(Error(400, "InvalidRequestContent",
                          "The request content was invalid and could not be "
                          "deserialized: 'The request content is empty.'."));
    }
    c.body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (c.body.is_discarded() || !c.body.is_object()) {
      c.body = json();
      return finish(Error(
          400, "InvalidRequestContent",
          "The request content was invalid and could not be deserialized: "
          "'Unexpected character encountered while parsing value. Path '', "
          "line 1, position 1.'."));
    }
    c.has_body = true;
  }
  if (phase == FaultPhase::kInitial) {
    c.lro_fault = MatchFault(req, type_name, phase, true);
  }
  const std::string& m = req.method;
  HttpResponse resp;
  if (m == "PUT" && !p.collection && p.action.empty()) {
    resp = type->Put(*this, c);
  } else if ((m == "GET" || m == "HEAD") && !p.collection) {
    resp = type->Get(*this, c);
  } else if (m == "GET" && p.collection) {
    resp = type->List(*this, c);
  } else if (m == "PATCH" && !p.collection) {
    resp = type->Patch(*this, c);
  } else if (m == "DELETE" && !p.collection) {
    resp = type->Delete(*this, c);
  } else if (m == "POST" && !p.action.empty()) {
    resp = type->Action(*this, c);
  } else {
    resp = Error(405, "MethodNotAllowed",
                 absl::StrCat("The requested method '", m,
                              "' is not allowed on this URL."));
  }
  return finish(std::move(resp));
}

// ---------------------------------------------------------------------------
// Recording (oav traffic files).

void ArmService::SetRecordDirectory(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  record_dir_ = dir;
}

void ArmService::Record(const HttpRequest& req, const HttpResponse& resp,
                        const RequestContext& c) {
  if (resp.drop_connection) return;  // nothing went over the wire
  json rh = json::object();
  for (const auto& [k, v] : req.headers) {
    if (k == "authorization") {
      rh[k] = "Bearer <redacted>";
    } else {
      rh[k] = v;
    }
  }
  json q = json::object();
  for (const auto& [k, v] : req.query) q[k] = v;
  json live_request = {{"method", req.method},
                       {"url", c.base_url + req.target},
                       {"headers", rh},
                       {"query", q}};
  if (!req.body.empty()) {
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_discarded()) {
      live_request["body"] = b;
    } else {
      // Form bodies of token requests: keep the shape, drop the secrets.
      std::string redacted;
      for (const auto& [k, v] : ParseQueryString(req.body)) {
        bool secret = k == "client_secret" || k == "client_assertion";
        absl::StrAppend(&redacted, redacted.empty() ? "" : "&", k, "=",
                        secret ? "<redacted>" : PercentEncode(v));
      }
      live_request["body"] = redacted;
    }
  }
  json sh = json::object();
  for (const auto& [k, v] : resp.headers) sh[ToLower(k)] = v;
  if (resp.status != 204)
    sh["content-length"] = std::to_string(resp.body.size());
  json live_response = {{"statusCode", std::to_string(resp.status)},
                        {"headers", sh}};
  if (!resp.body.empty()) {
    json b = json::parse(resp.body, nullptr, false);
    if (b.is_object()) {
      for (const char* k : {"access_token", "value", "token"}) {
        if (b.contains(k) && b[k].is_string() &&
            b[k].get<std::string>().find('.') != std::string::npos) {
          b[k] = "<redacted>";
        }
      }
    }
    if (!b.is_discarded()) live_response["body"] = b;
  }
  json file = {{"liveRequest", live_request}, {"liveResponse", live_response}};
  std::string path = absl::StrFormat("%s/%06d_%s.json", record_dir_,
                                     ++record_seq_, req.method);
  std::ofstream out(path);
  out << file.dump(2) << "\n";
}

json ArmService::DumpState() {
  json resources = json::array();
  for (auto& [k, r] : store_) {
    resources.push_back({{"id", r.id},
                         {"type", r.type},
                         {"visible", r.visible},
                         {"pendingOperation", r.pending_op},
                         {"body", r.body}});
  }
  json ops = json::array();
  for (auto& [k, op] : operations_) {
    ops.push_back({{"id", op.id},
                   {"resourceId", op.resource_id},
                   {"kind", op.kind},
                   {"start", Rfc3339(op.start)},
                   {"end", Rfc3339(op.end)},
                   {"done", op.applied},
                   {"failed", op.failed}});
  }
  json principals = json::array();
  for (auto& [k, p] : principals_) {
    json pj = {{"objectId", p.object_id},
               {"displayName", p.display_name},
               {"type", p.type},
               {"managedIdentity", p.managed_identity},
               {"replicated", now_ >= p.visible_at}};
    if (!p.app_id.empty()) pj["clientId"] = p.app_id;
    principals.push_back(pj);
  }
  return {{"tenantId", kTenantId}, {"subscriptionId", kSubscriptionId},
          {"now", Rfc3339(now_)},  {"resources", resources},
          {"operations", ops},     {"principals", principals}};
}

}  // namespace secureaml::emulator
