// The /_emulator/ admin API: state, counters, faults, durations, principals,
// credentials and out-of-band changes. No authentication: it only listens on
// loopback and exists for tests. Documented in README.md.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "provider/common/status_macros.h"
#include "tests/emulator/jwt.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {

HttpResponse ArmService::HandleAdmin(HttpRequest& req, RequestContext& c) {
  std::string path = req.path.substr(strlen("/_emulator"));
  const std::string& m = req.method;
  json body;
  if (!req.body.empty()) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      return Error(400, "InvalidRequestContent", "Admin body is not JSON.");
    }
  }
  auto bad = [](const absl::Status& s) {
    return Error(400, "InvalidRequest", std::string(s.message()));
  };
  auto principal_json = [&](const Principal& p) {
    json j = {
        {"objectId", p.object_id},
        {"displayName", p.display_name},
        {"type", p.type},
        {"managedIdentity", p.managed_identity},
        {"replicated", now_ >= p.visible_at},
        {"visibleAt", Rfc3339(std::max(p.visible_at, absl::UnixEpoch()))}};
    if (!p.app_id.empty()) j["clientId"] = p.app_id;
    if (!p.secret.empty()) j["clientSecret"] = p.secret;
    return j;
  };

  if (path == "/health" && m == "GET") {
    return JsonResponse(200, json{{"status", "ok"}});
  }
  if (path == "/state" && m == "GET") return JsonResponse(200, DumpState());
  if (path == "/landing-zone" && m == "GET") {
    return JsonResponse(
        200, landing_zone_.is_null() ? json::object() : landing_zone_);
  }
  if (path == "/counters" && m == "GET") {
    return JsonResponse(200, json{{"total", counters_.total},
                                  {"by_method_and_type", counters_.by_key}});
  }
  if ((path == "/counters/reset" && m == "POST") ||
      (path == "/counters" && m == "DELETE")) {
    counters_ = Counters{};
    return Empty(204);
  }
  if (path == "/faults") {
    if (m == "GET") {
      json arr = json::array();
      for (const FaultRule& f : config_.faults) arr.push_back(f.ToJson());
      return JsonResponse(200, json{{"value", arr}});
    }
    if (m == "DELETE") {
      config_.faults.clear();
      identity_down_ = false;
      return Empty(204);
    }
    if (m == "POST") {
      json rules = body.is_array() ? body : json::array({body});
      std::vector<FaultRule> parsed;
      for (const json& r : rules) {
        auto f = ParseFaultRule(r);
        if (!f.ok()) return bad(f.status());
        parsed.push_back(*std::move(f));
      }
      json ids = json::array();
      for (FaultRule& f : parsed) {
        f.id = absl::StrCat("fault-", next_fault_id_++);
        ids.push_back(f.id);
        config_.faults.push_back(std::move(f));
      }
      return JsonResponse(201, json{{"ids", ids}});
    }
  }
  if (absl::StartsWith(path, "/faults/") && m == "DELETE") {
    std::string id = path.substr(strlen("/faults/"));
    for (auto it = config_.faults.begin(); it != config_.faults.end(); ++it) {
      if (it->id == id) {
        config_.faults.erase(it);
        return Empty(204);
      }
    }
    return Error(404, "NotFound", "No such fault rule.");
  }
  if (path == "/durations") {
    if (m == "GET") {
      json out = json::object();
      for (const auto& [k, d] : config_.durations) {
        json e = json::object();
        if (d.create_seconds) e["create_seconds"] = *d.create_seconds;
        if (d.update_seconds) e["update_seconds"] = *d.update_seconds;
        if (d.delete_seconds) e["delete_seconds"] = *d.delete_seconds;
        if (d.retry_after_seconds)
          e["retry_after_seconds"] = *d.retry_after_seconds;
        out[k] = e;
      }
      return JsonResponse(200, out);
    }
    if (m == "PUT" || m == "PATCH" || m == "POST") {
      Config copy = config_;
      if (auto s = MergeDurations(body, &copy); !s.ok()) return bad(s);
      config_.durations = copy.durations;
      return Empty(204);
    }
  }
  if (path == "/config" && (m == "PATCH" || m == "POST")) {
    Config copy = config_;
    if (auto s = MergeConfig(body, &copy); !s.ok()) return bad(s);
    for (FaultRule& f : copy.faults) {
      if (f.id.empty()) f.id = absl::StrCat("fault-", next_fault_id_++);
    }
    config_ = std::move(copy);
    return Empty(204);
  }
  if (path == "/principals") {
    if (m == "GET") {
      json arr = json::array();
      for (auto& [k, p] : principals_) arr.push_back(principal_json(p));
      return JsonResponse(200, json{{"value", arr}});
    }
    if (m == "POST") {
      if (!body.is_object()) body = json::object();
      Principal p;
      p.display_name = body.value("displayName", "runtime-principal");
      p.type = body.value("type", "ServicePrincipal");
      if (p.type != "User" && p.type != "ServicePrincipal" &&
          p.type != "Group") {
        return Error(400, "InvalidRequest",
                     "type must be User, ServicePrincipal or Group");
      }
      if (body.contains("objectId") && body["objectId"].is_string()) {
        p.object_id = body["objectId"].get<std::string>();
      }
      if (p.type == "ServicePrincipal") {
        p.app_id = body.value("clientId", NewGuid());
        p.secret =
            body.value("clientSecret", absl::StrCat("secret-", NewGuid()));
      }
      double delay = config_.principal_replication_seconds;
      if (body.contains("replication_delay_seconds") &&
          body["replication_delay_seconds"].is_number()) {
        delay = body["replication_delay_seconds"].get<double>();
      }
      p.visible_at = now_ + absl::Seconds(delay);
      Principal& stored = AddPrincipal(std::move(p));
      return JsonResponse(201, principal_json(stored));
    }
  }
  {
    // /clients/{clientId}/certificates |
    // /clients/{clientId}/federated-credentials
    std::vector<std::string> parts =
        absl::StrSplit(path, '/', absl::SkipEmpty());
    if (parts.size() == 3 && parts[0] == "clients" && m == "POST") {
      Principal* p = FindPrincipalByAppId(parts[1]);
      if (p == nullptr) return Error(404, "NotFound", "Unknown client id.");
      if (parts[2] == "certificates") {
        if (!body.is_object() || !body.contains("pem") ||
            !body["pem"].is_string() ||
            CertificateThumbprint(body["pem"].get<std::string>()).empty()) {
          return Error(400, "InvalidRequest",
                       "Body must be {\"pem\": \"<PEM certificate>\"}.");
        }
        p->certificate_pems.push_back(body["pem"].get<std::string>());
        return JsonResponse(
            201, json{{"x5t",
                       CertificateThumbprint(body["pem"].get<std::string>())}});
      }
      if (parts[2] == "federated-credentials") {
        if (!body.is_object() || !body.contains("subject") ||
            !body["subject"].is_string()) {
          return Error(
              400, "InvalidRequest",
              "Body must be {\"issuer\", \"subject\", \"audience\"?}.");
        }
        FederatedCredential f;
        f.issuer = body.value("issuer", kGithubIssuer);
        f.subject = body["subject"].get<std::string>();
        f.audience = body.value("audience", "api://AzureADTokenExchange");
        p->federated.push_back(f);
        return JsonResponse(201, json{{"issuer", f.issuer},
                                      {"subject", f.subject},
                                      {"audience", f.audience}});
      }
    }
  }
  if (path == "/oidc-token" && m == "POST") {
    if (!body.is_object()) body = json::object();
    return JsonResponse(
        200, json{{"token",
                   MintOidcToken(
                       body.value("subject",
                                  "repo:secureaml/demo:ref:refs/heads/main"),
                       body.value("audience", "api://AzureADTokenExchange"))}});
  }
  if (path == "/github-oidc" && m == "GET") return HandleGithubOidc(req, c);
  if (path == "/tokens" && m == "POST") {
    // Mints an ARM access token directly (tests use it for expired tokens).
    if (!body.is_object()) body = json::object();
    std::string who = body.value("principal", std::string(kDefaultClientId));
    Principal* p = FindPrincipal(who);
    if (p == nullptr) return Error(404, "NotFound", "Unknown principal.");
    int64_t life = config_.token_lifetime_seconds;
    if (body.contains("lifetime_seconds") &&
        body["lifetime_seconds"].is_number_integer()) {
      life = body["lifetime_seconds"].get<int64_t>();
    }
    return JsonResponse(
        200,
        json{{"access_token",
              MintAccessToken(
                  *p, body.value("audience", "https://management.azure.com/"),
                  life)}});
  }
  if (path == "/resources") {
    auto id = req.Query("id");
    if (m == "GET" && !id) {
      json arr = json::array();
      for (auto& [k, r] : store_) {
        json e = {{"id", r.id}, {"type", r.type}, {"visible", r.visible}};
        if (r.body.contains("properties") && r.body["properties"].is_object() &&
            r.body["properties"].contains("provisioningState")) {
          e["provisioningState"] = r.body["properties"]["provisioningState"];
        }
        arr.push_back(e);
      }
      return JsonResponse(200, json{{"value", arr}});
    }
    if (!id || id->empty())
      return Error(400, "InvalidRequest", "Query parameter 'id' is required.");
    if (m == "GET") {
      Resource* r = Find(*id, true);
      if (r == nullptr) return Error(404, "NotFound", "No such resource.");
      return JsonResponse(200, r->body);
    }
    if (m == "DELETE") {
      // Drift: the resource disappears without ARM noticing any operation.
      if (Find(*id, true) == nullptr)
        return Error(404, "NotFound", "No such resource.");
      Erase(*id);
      return Empty(204);
    }
    if (m == "PUT") {
      if (!body.is_object() || !body.contains("type") ||
          !body["type"].is_string()) {
        return Error(400, "InvalidRequest",
                     "Body must be the resource JSON with 'type'.");
      }
      Resource r;
      r.id = *id;
      r.type = body["type"].get<std::string>();
      r.body = body;
      r.body["id"] = *id;
      if (!r.body.contains("name")) {
        r.body["name"] = id->substr(id->find_last_of('/') + 1);
      }
      Upsert(std::move(r));
      return Empty(204);
    }
    if (m == "PATCH") {
      // Out-of-band property change (drift): deep-merges the body.
      Resource* r = Find(*id, true);
      if (r == nullptr) return Error(404, "NotFound", "No such resource.");
      r->body.merge_patch(body);
      return Empty(204);
    }
  }
  return Error(404, "NotFound",
               absl::StrCat("Unknown admin path '", req.path, "'."));
}

}  // namespace secureaml::emulator
