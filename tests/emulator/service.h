// File: service.h
//
// The pure ARM service: HttpRequest in, HttpResponse out, under one mutex,
// with an injected Clock. It owns the resource store, long-running
// operations, principals and credentials, throttling buckets, fault rules,
// request counters and the traffic recorder. Resource-type behaviour lives in
// one ResourceType subclass per file (workspaces.cc, network.cc, ...); the
// network server (server.h) only moves bytes.
//
//   FakeClock clock;
//   ArmService svc(&clock, Config{});
//   HttpRequest req = ...;             // e.g. from ParseHttpRequest
//   HttpResponse resp = svc.Handle(req);
#ifndef SECUREAML_TESTS_EMULATOR_SERVICE_H_
#define SECUREAML_TESTS_EMULATOR_SERVICE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/config.h"
#include "tests/emulator/http.h"

namespace secureaml::emulator {

using nlohmann::json;

// Fixed identifiers so seeded IDs are stable between runs.
inline constexpr char kTenantId[] = "6d3c1f7a-2b8e-4c1d-9a5f-0e7b3c9d1a42";
inline constexpr char kSubscriptionId[] =
    "a4393d89-7e7f-4b0b-826e-72fc42c33d1f";
inline constexpr char kDefaultClientId[] =
    "0f6c2b9e-5d1a-4e8b-b3c7-9a2d4e6f8a10";
inline constexpr char kDefaultClientSecret[] = "emulator-client-secret-5e8f1c";
inline constexpr char kGithubRequestToken[] = "emulator-actions-request-token";
inline constexpr char kIdentityHeader[] = "emulator-identity-header";
inline constexpr char kGithubIssuer[] =
    "https://token.actions.githubusercontent.com";

struct Resource {
  std::string id;    // create-time casing
  std::string type;  // canonical casing, e.g. Microsoft.Network/virtualNetworks
  json body;         // the representation GET returns
  bool visible = true;     // false while a 202-create is running
  std::string pending_op;  // id of the running operation, if any
  absl::Time created;
  absl::Time visible_after = absl::InfinitePast();  // replication delay
};

struct Operation {
  std::string id;
  std::string resource_key;  // lower-case resource id
  std::string resource_id;   // original casing
  std::string resource_type;
  std::string kind;  // create | update | delete | action
  absl::Time start;
  absl::Time end;
  int retry_after_cap = 1;
  bool failed = false;
  int error_status = 400;
  std::string error_code;
  std::string error_message;
  bool applied = false;
  // What a finished Location poll returns: the resource (workspace PUT,
  // final-state-via location) or an empty 200.
  bool location_returns_resource = false;
};

struct FederatedCredential {
  std::string issuer;
  std::string subject;
  std::string audience = "api://AzureADTokenExchange";
};

struct Principal {
  std::string object_id;
  std::string app_id;  // client id; empty for users
  std::string display_name;
  std::string type;  // User | ServicePrincipal | Group
  std::string secret;
  std::vector<std::string> certificate_pems;
  std::vector<FederatedCredential> federated;
  bool managed_identity = false;
  absl::Time visible_at = absl::InfinitePast();  // directory replication
};

// A parsed ARM URL below /subscriptions or /providers.
struct ArmPath {
  std::string scope;  // text before /providers/{ns}, original casing
  std::string subscription;
  std::string resource_group;  // empty when not RG-scoped
  std::string provider_ns;     // as sent
  // (type, name) pairs after the namespace; the last name may be empty for a
  // collection or an action.
  std::vector<std::pair<std::string, std::string>> segments;
  bool collection = false;
  std::string action;       // POST .../{name}/{action}
  std::string type_key;     // lower-case "ns/t1/t2"
  std::string resource_id;  // full id as sent (instance paths)
  std::string parent_id;    // id of the parent resource for nested types
  std::string Name() const {
    return segments.empty() ? "" : segments.back().second;
  }
};

struct Caller {
  std::string object_id;
  std::string app_id;
  std::string tenant_id;
  std::string type = "Application";  // systemData createdByType
  std::string display;
};

class ArmService;

struct RequestContext {
  HttpRequest* http = nullptr;
  std::string base_url;  // https://host:port, from the Host the client used
  std::string request_id;
  ArmPath path;
  std::string api_version;
  json body;
  bool has_body = false;
  Caller caller;
  absl::Time now;
  const FaultRule* lro_fault = nullptr;  // an lro_failed rule hit this write
};

// Behaviour of one resource type. Default methods give the generic ARM
// semantics; subclasses override what their RP does differently.
class ResourceType {
 public:
  virtual ~ResourceType() = default;
  virtual std::string Type() const = 0;  // canonical casing
  virtual std::vector<std::string> ApiVersions() const = 0;
  // Scope kind: resource-group resources (default) or any scope.
  virtual bool AnyScope() const { return false; }
  virtual bool ReadOnly() const { return false; }

  virtual HttpResponse Put(ArmService& s, RequestContext& c);
  virtual HttpResponse Get(ArmService& s, RequestContext& c);
  virtual HttpResponse Patch(ArmService& s, RequestContext& c);
  virtual HttpResponse Delete(ArmService& s, RequestContext& c);
  virtual HttpResponse List(ArmService& s, RequestContext& c);
  virtual HttpResponse Action(ArmService& s, RequestContext& c);
  // Final state of a finished operation (create/update: provisioningState
  // Succeeded etc.). Runs under the service lock.
  virtual void OnOperationDone(ArmService& s, Resource& r, const Operation& op);
  // Representation for GET/list (lets parents embed children).
  virtual json Render(ArmService& s, const Resource& r) { return r.body; }
  // Network RP answers missing children with NotFound rather than
  // ResourceNotFound.
  virtual HttpResponse NotFound(ArmService& s, RequestContext& c);
};

struct Counters {
  int64_t total = 0;
  std::map<std::string, int64_t> by_key;  // "METHOD type"
};

class ArmService {
 public:
  ArmService(const Clock* clock, Config config);
  ~ArmService();

  // Thread-safe.
  HttpResponse Handle(HttpRequest& request);

  // Pre-creates the walkthrough's landing zone; returns its IDs.
  json SeedLandingZone();
  // Records every non-admin exchange as an oav traffic file into `dir`.
  void SetRecordDirectory(const std::string& dir);
  json DumpState();
  const Clock& clock() const { return *clock_; }

  // ---- Helpers for resource types (called with the lock held). ----
  Config& config() { return config_; }
  absl::Time Now() const { return now_; }
  Resource* Find(absl::string_view id, bool include_invisible = false);
  Resource& Upsert(Resource r);
  void Erase(absl::string_view id);  // with children
  std::vector<Resource*> Children(absl::string_view parent_id,
                                  absl::string_view type);
  std::vector<Resource*> All();
  Principal* FindPrincipal(absl::string_view object_or_app_id);
  Principal* FindPrincipalByAppId(absl::string_view app_id);
  Principal& AddPrincipal(Principal p);

  // Seconds an operation of `kind` takes on `type_key` (with optional
  // sub-kind, e.g. ".../computes/AKS").
  double Duration(absl::string_view type, absl::string_view subkind,
                  absl::string_view kind);
  int RetryAfterCap(absl::string_view type);
  // Starts an operation on `r` and marks it pending; returns it.
  Operation& StartOperation(RequestContext& c, Resource& r,
                            absl::string_view kind, double seconds);
  Operation* FindOperation(absl::string_view id);
  // Integer Retry-After for a running operation.
  int RetryAfter(const Operation& op) const;
  // Absolute polling URL: base + /subscriptions/{sub}/providers/{ns}/
  // locations/{loc}/{segment}/{op}?api-version=...
  std::string PollUrl(const RequestContext& c, absl::string_view ns,
                      absl::string_view location, absl::string_view segment,
                      absl::string_view op_id);

  std::string NewGuid();
  std::string NewEtag();
  std::string Rfc3339(absl::Time t) const;
  json SystemData(const RequestContext& c, const Resource* existing);
  // 409 AnotherOperationInProgress if the resource or its parent is busy.
  std::optional<HttpResponse> CheckBusy(RequestContext& c,
                                        absl::string_view resource_id,
                                        absl::string_view verb);

  static HttpResponse JsonResponse(int status, const json& body);
  static HttpResponse Error(int status, absl::string_view code,
                            absl::string_view message,
                            absl::string_view target = "");
  static HttpResponse Empty(int status);
  HttpResponse NotFoundError(const RequestContext& c);
  static std::string Lower(absl::string_view s);
  // RFC 4122 form check.
  static bool IsGuid(absl::string_view s);

 private:
  HttpResponse Dispatch(HttpRequest& req, RequestContext& c,
                        std::string* counter_key);
  HttpResponse HandleAdmin(HttpRequest& req, RequestContext& c);
  HttpResponse HandleMetadata(HttpRequest& req, RequestContext& c);
  HttpResponse HandleArm(HttpRequest& req, RequestContext& c,
                         std::string* counter_key);
  HttpResponse HandlePoll(HttpRequest& req, RequestContext& c,
                          absl::string_view segment, absl::string_view op_id);
  HttpResponse HandleSubscriptionLevel(HttpRequest& req, RequestContext& c,
                                       const std::vector<std::string>& segs,
                                       std::string* counter_key);
  std::optional<HttpResponse> Authenticate(HttpRequest& req, RequestContext& c);
  std::optional<HttpResponse> Throttle(HttpRequest& req, RequestContext& c,
                                       HttpResponse* headers_out);
  const FaultRule* MatchFault(const HttpRequest& req, absl::string_view type,
                              FaultPhase phase, bool lro_only);
  std::optional<HttpResponse> ApplyFault(const FaultRule& f, bool token);
  void AdvanceOperations();
  void AddStandardHeaders(const RequestContext& c, HttpResponse& resp);
  void Record(const HttpRequest& req, const HttpResponse& resp,
              const RequestContext& c);
  ResourceType* TypeFor(absl::string_view type_key);

  // identity.cc
 public:
  HttpResponse HandleToken(HttpRequest& req, RequestContext& c,
                           absl::string_view tenant, bool v2);
  HttpResponse HandleImds(HttpRequest& req, RequestContext& c);
  HttpResponse HandleAppServiceMsi(HttpRequest& req, RequestContext& c);
  HttpResponse HandleGithubOidc(HttpRequest& req, RequestContext& c);
  std::string MintAccessToken(const Principal& p, absl::string_view audience,
                              int64_t lifetime_seconds);
  std::string MintOidcToken(absl::string_view subject,
                            absl::string_view audience);
  // Validates a bearer token; fills `caller` or returns the 401 code+message.
  bool ValidateAccessToken(absl::string_view token, Caller* caller,
                           std::string* code, std::string* message);

 private:
  static std::string Sign(absl::string_view signing_input,
                          const std::string& key);
  void SeedIdentities();

  const Clock* clock_;
  Config config_;
  std::mutex mu_;
  absl::Time now_;
  std::map<std::string, Resource> store_;        // key: lower-case id
  std::map<std::string, Operation> operations_;  // key: lower-case id
  std::map<std::string, Principal> principals_;  // key: lower-case object id
  std::map<std::string, std::unique_ptr<ResourceType>> types_;  // type key
  std::map<std::string, std::pair<double, absl::Time>> buckets_;
  // Bearer tokens a token_expired fault expired, with the time it fired.
  std::map<std::string, absl::Time> expired_tokens_;
  // Set by a token_expired rule with identity_down; cleared with the faults.
  bool identity_down_ = false;
  Counters counters_;
  std::string hmac_key_;
  std::string oidc_key_;
  std::string record_dir_;
  int64_t record_seq_ = 0;
  uint64_t guid_counter_ = 0;
  int next_fault_id_ = 1;
  json landing_zone_;
};

// Registration hooks, one per resource-type file.
void RegisterResourceGroupTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterWorkspaceTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterComputeTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterMlDataTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterAuthorizationTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterNetworkTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterPrivateDnsTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);
void RegisterReadOnlyTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types);

// Shared helpers for resource-type files.
// Copies only `allowed` keys of `from` (an object) into a new object.
json PickKeys(const json& from, const std::vector<std::string>& allowed);
// "Microsoft.Network/virtualNetworks/hub/subnets/a" for ResourceNotFound.
std::string ShortResourceName(const ArmPath& p);
// Returns the tags of a request body or a 400 if they are not a string map.
std::optional<HttpResponse> ValidateTags(const json& body);
// Common top-level checks for tracked resources: location required and
// create-only.
std::optional<HttpResponse> ValidateLocation(const RequestContext& c,
                                             const Resource* existing);
std::string NormalizeLocation(absl::string_view location);

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_SERVICE_H_
