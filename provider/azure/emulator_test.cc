// Tests of the Azure client against the local ARM emulator (ctest label
// `emulator`): every credential type, each LRO pattern, throttling, 5xx,
// dropped connections, slow responses, deadlines and cancellation, over real
// TLS through the cpprest transport. The whole suite runs with TRACE logging
// captured, and the last test greps that log for every secret used.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/arm_client.h"
#include "provider/azure/arm_error.h"
#include "provider/azure/azure_config.h"
#include "provider/azure/testing/emulator_process.h"
#include "provider/azure/testing/test_certs.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

using ::secureaml::azure::testing::EmulatorProcess;
using ::testing::HasSubstr;

constexpr char kRgApi[] = "2025-04-01";
constexpr char kMlApi[] = "2025-06-01";

// ---- suite-wide TRACE capture ------------------------------------------
std::mutex g_mu;
std::vector<std::string>* g_log = new std::vector<std::string>();
std::set<std::string>* g_secrets = new std::set<std::string>();

void AddSecret(const std::string& s) {
  if (s.size() < 8) return;
  std::lock_guard<std::mutex> lock(g_mu);
  g_secrets->insert(s);
}

class TraceCapture : public ::testing::Environment {
 public:
  void SetUp() override {
    log::SetLevel(log::Level::kTrace);
    // SECUREAML_TEST_LOG=1 also echoes the records, for debugging.
    static const bool echo = std::getenv("SECUREAML_TEST_LOG") != nullptr;
    log::SetSinkForTest([](auto line) {
      std::lock_guard<std::mutex> lock(g_mu);
      g_log->emplace_back(line);
      if (echo)
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()),
                     line.data());
    });
  }
  void TearDown() override {
    log::SetSinkForTest(nullptr);
    log::SetLevel(log::Level::kOff);
  }
};
const auto* const kTraceEnv =
    ::testing::AddGlobalTestEnvironment(new TraceCapture());

// Records every token handed to the ARM client as a secret to grep for.
class RecordingCredential : public TokenCredential {
 public:
  explicit RecordingCredential(std::shared_ptr<TokenCredential> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override {
    absl::StatusOr<AccessToken> t = inner_->GetToken(scope, cancel);
    if (t.ok()) {
      AddSecret(t->token);
      std::lock_guard<std::mutex> lock(mu_);
      tokens_.insert(t->token);
    }
    return t;
  }
  std::string Name() const override { return inner_->Name(); }
  void Invalidate() override { inner_->Invalidate(); }
  size_t distinct_tokens() {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_.size();
  }

 private:
  std::shared_ptr<TokenCredential> inner_;
  std::mutex mu_;
  std::set<std::string> tokens_;
};

class EmulatorTest : public ::testing::Test {
 protected:
  void Start(const std::string& config = "") {
    EmulatorProcess::Options o;
    o.config = config;
    auto emu = EmulatorProcess::Start(o);
    ASSERT_TRUE(emu.ok()) << emu.status();
    emu_ = std::move(*emu);
    sub_ = emu_->env().at("ARM_SUBSCRIPTION_ID");
    AddSecret(emu_->env().at("ARM_CLIENT_SECRET"));
    rg_ = absl::StrCat("/subscriptions/", sub_, "/resourceGroups/rg-client");
  }

  // Provider environment: the emulator's --env-out, CA trusted through the
  // provider-level bundle, no Azure CLI fallback.
  std::map<std::string, std::string> BaseEnv() {
    std::map<std::string, std::string> env = emu_->env();
    env.erase("SSL_CERT_FILE");
    env["SECUREAML_CA_BUNDLE"] = emu_->ca_file();
    env["ARM_USE_CLI"] = "false";
    return env;
  }

  // Configures like ConfigureProvider would, then wraps the credential so
  // the test learns every token.
  std::shared_ptr<ArmClient> Client(
      std::map<std::string, std::string> env, ConfigureOptions o = {},
      std::function<void(ArmClientOptions&)> customize = nullptr) {
    auto az = ConfigureAzure({}, MapEnvironment(env), o);
    EXPECT_TRUE(az.ok()) << az.status();
    if (!az.ok()) return nullptr;
    recording_ = std::make_shared<RecordingCredential>(az->credential);
    ArmClientOptions ao = az->arm->options();
    ao.backoff.initial = absl::Milliseconds(200);
    if (customize) customize(ao);
    return std::make_shared<ArmClient>(az->transport, recording_, ao);
  }

  absl::Status CreateResourceGroup(ArmClient& c) {
    return c.Put(rg_, kRgApi, {{"location", "westeurope"}}).status();
  }

  // Linked resources a workspace needs, created out of band.
  void SeedWorkspaceDependencies() {
    for (const auto& [type, name] :
         std::vector<std::pair<std::string, std::string>>{
             {"Microsoft.Storage/storageAccounts", "sa1"},
             {"Microsoft.KeyVault/vaults", "kv1"}}) {
      std::string id = absl::StrCat(rg_, "/providers/", type, "/", name);
      ASSERT_TRUE(
          emu_->Admin("PUT", "/resources?id=" + id,
                      nlohmann::json{{"type", type}, {"location", "westeurope"}}
                          .dump())
              .ok());
    }
  }
  std::string WorkspaceId(const std::string& name = "ws1") {
    return absl::StrCat(rg_, "/providers/Microsoft.MachineLearningServices/",
                        "workspaces/", name);
  }
  nlohmann::json WorkspaceBody() {
    return {
        {"location", "westeurope"},
        {"identity", {{"type", "SystemAssigned"}}},
        {"properties",
         {{"storageAccount", absl::StrCat(rg_, "/providers/Microsoft.Storage/",
                                          "storageAccounts/sa1")},
          {"keyVault", absl::StrCat(rg_, "/providers/Microsoft.KeyVault/",
                                    "vaults/kv1")}}}};
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::shared_ptr<RecordingCredential> recording_;
  std::string sub_, rg_;
};

TEST_F(EmulatorTest, ClientSecretResourceGroupLifecycle) {
  Start();
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  auto got = c->Get(rg_, kRgApi);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->body["name"], "rg-client");
  EXPECT_FALSE(got->request_id.empty());
  auto del = c->Delete(rg_, kRgApi);
  ASSERT_TRUE(del.ok()) << del.status();
  auto gone = c->Get(rg_, kRgApi);
  EXPECT_TRUE(absl::IsNotFound(gone.status())) << gone.status();
  std::optional<ArmError> e = GetArmError(gone.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "ResourceGroupNotFound");
  EXPECT_FALSE(e->request_id.empty());
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr(e->request_id));
}

TEST_F(EmulatorTest, TrustComesFromSslCertFileToo) {
  Start();
  std::map<std::string, std::string> env = emu_->env();  // SSL_CERT_FILE
  env["ARM_USE_CLI"] = "false";
  auto c = Client(env);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(CreateResourceGroup(*c).ok());
}

TEST_F(EmulatorTest, TlsVerificationIsAlwaysOn) {
  Start();
  auto t = MakeCppRestTransport(
      TransportOptions{"", absl::Minutes(1),
                       [](absl::string_view) -> std::optional<std::string> {
                         return std::nullopt;
                       }});
  ASSERT_TRUE(t.ok());
  HttpRequest req{
      "GET",
      emu_->base_url() + "/metadata/endpoints?api-version=2022-09-01",
      {},
      "",
      absl::Now() + absl::Seconds(10)};
  auto r = (*t)->Send(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  // A TLS failure happens before the request is written.
  EXPECT_TRUE(RequestWasNotSent(r.status())) << r.status();
}

TEST_F(EmulatorTest, WorkspaceLocationPatternPacedByRetryAfter) {
  Start(R"({"durations": {"Microsoft.MachineLearningServices/workspaces":
             {"create_seconds": 2, "delete_seconds": 1,
              "retry_after_seconds": 1}}})");
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  c->ResetStats();
  std::vector<std::string> accepted;
  RequestOptions o;
  o.on_accepted = [&](const AcceptedOperation& op) {
    accepted.push_back(op.resource_id + " " + op.polling_url);
  };
  absl::Time start = absl::Now();
  auto r = c->Put(WorkspaceId(), kMlApi, WorkspaceBody(), o);
  absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->polled);
  EXPECT_EQ(r->body["properties"]["provisioningState"], "Succeeded");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_THAT(accepted[0], HasSubstr(WorkspaceId()));
  ArmClientStats s = c->Stats();
  EXPECT_EQ(s.writes, 1);
  EXPECT_EQ(s.final_reads, 1);
  EXPECT_EQ(s.retries, 0);
  EXPECT_GE(s.polls, 1);
  EXPECT_LE(s.polls, 3);  // ~2 s at Retry-After 1 s
  EXPECT_LT(took, absl::Seconds(4));
  RequestOptions purge;
  purge.query = {{"forceToPurge", "true"}};
  ASSERT_TRUE(c->Delete(WorkspaceId(), kMlApi, purge).ok());
  EXPECT_TRUE(absl::IsNotFound(c->Get(WorkspaceId(), kMlApi).status()));
}

TEST_F(EmulatorTest, ComputeAzureAsyncOperationPattern) {
  Start(R"({"durations": {"default": {"create_seconds": 1, "delete_seconds": 1,
                                      "retry_after_seconds": 1}}})");
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  ASSERT_TRUE(c->Put(WorkspaceId(), kMlApi, WorkspaceBody()).ok());
  std::string compute = WorkspaceId() + "/computes/cpu-cluster";
  nlohmann::json body = {
      {"location", "westeurope"},
      {"properties",
       {{"computeType", "AmlCompute"},
        {"properties",
         {{"vmSize", "STANDARD_DS3_V2"},
          {"scaleSettings", {{"maxNodeCount", 2}, {"minNodeCount", 0}}}}}}}};
  c->ResetStats();
  auto r = c->Put(compute, kMlApi, body);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(c->Stats().writes, 1);
  EXPECT_EQ(c->Stats().final_reads, 1);
  RequestOptions del;
  del.query = {{"underlyingResourceAction", "Delete"}};
  auto d = c->Delete(compute, kMlApi, del);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(absl::IsNotFound(c->Get(compute, kMlApi).status()));
}

TEST_F(EmulatorTest, ClientCertificateCredential) {
  Start();
  testing::TestCert cert;
  testing::MakeTestCert(cert, false, "cert-password-123");
  std::string client = emu_->env().at("ARM_CLIENT_ID");
  std::string cert_only = cert.pem.substr(0, cert.pem.find("-----BEGIN ENC"));
  ASSERT_TRUE(emu_->Admin("POST", "/clients/" + client + "/certificates",
                          nlohmann::json{{"pem", cert_only}}.dump())
                  .ok());
  std::string path = emu_->ca_file() + ".client.pem";
  std::ofstream(path) << cert.pem;
  AddSecret("cert-password-123");
  auto env = BaseEnv();
  env.erase("ARM_CLIENT_SECRET");
  env["ARM_CLIENT_CERTIFICATE_PATH"] = path;
  env["ARM_CLIENT_CERTIFICATE_PASSWORD"] = "cert-password-123";
  auto c = Client(env);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(CreateResourceGroup(*c).ok());
}

TEST_F(EmulatorTest, OidcDirectTokenAndGitHubRequestFlow) {
  Start();
  std::string client = emu_->env().at("ARM_CLIENT_ID");
  ASSERT_TRUE(
      emu_->Admin("POST", "/clients/" + client + "/federated-credentials",
                  R"({"subject": "repo:secureaml/demo:ref:refs/heads/main"})")
          .ok());
  auto minted = emu_->Admin("POST", "/oidc-token", "{}");
  ASSERT_TRUE(minted.ok()) << minted.status();
  std::string id_token = (*minted)["token"].get<std::string>();
  AddSecret(id_token);
  auto env = BaseEnv();
  env.erase("ARM_CLIENT_SECRET");
  env["ARM_USE_OIDC"] = "true";
  env["ARM_OIDC_TOKEN"] = id_token;
  auto direct = Client(env);
  ASSERT_NE(direct, nullptr);
  EXPECT_TRUE(CreateResourceGroup(*direct).ok());

  // The emulator's GitHub token service issues this subject by default.
  ASSERT_TRUE(
      emu_->Admin(
              "POST", "/clients/" + client + "/federated-credentials",
              R"({"subject": "repo:secureaml/terraform-provider-secureaml:ref:refs/heads/main"})")
          .ok());
  env.erase("ARM_OIDC_TOKEN");
  env["ACTIONS_ID_TOKEN_REQUEST_URL"] =
      emu_->base_url() + "/_emulator/github-oidc";
  env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "emulator-actions-request-token";
  AddSecret("emulator-actions-request-token");
  auto gh = Client(env);
  ASSERT_NE(gh, nullptr);
  EXPECT_TRUE(gh->Get(rg_, kRgApi).ok());
}

TEST_F(EmulatorTest, ManagedIdentityImdsAndAppService) {
  Start();
  auto env = BaseEnv();
  env.erase("ARM_CLIENT_SECRET");
  env.erase("ARM_CLIENT_ID");  // system-assigned identity
  env["ARM_USE_MSI"] = "true";
  env["ARM_MSI_ENDPOINT"] =
      emu_->base_url() + "/metadata/identity/oauth2/token";
  auto imds = Client(env);
  ASSERT_NE(imds, nullptr);
  EXPECT_TRUE(CreateResourceGroup(*imds).ok());

  env.erase("ARM_MSI_ENDPOINT");
  env["IDENTITY_ENDPOINT"] = emu_->base_url() + "/msi/token";
  env["IDENTITY_HEADER"] = "emulator-identity-header";
  AddSecret("emulator-identity-header");
  auto app = Client(env);
  ASSERT_NE(app, nullptr);
  EXPECT_TRUE(app->Get(rg_, kRgApi).ok());
}

TEST_F(EmulatorTest, AzureCliCredential) {
  Start();
  auto minted = emu_->Admin("POST", "/tokens", "{}");
  ASSERT_TRUE(minted.ok()) << minted.status();
  std::string token = (*minted)["access_token"].get<std::string>();
  AddSecret(token);
  // A stand-in `az` printing what `az account get-access-token` prints.
  std::string az = emu_->ca_file() + ".az";
  std::ofstream(az) << "#!/bin/sh\ncat <<'EOF'\n"
                    << nlohmann::json{{"accessToken", token},
                                      {"expires_on",
                                       absl::ToUnixSeconds(absl::Now()) + 3000},
                                      {"tokenType", "Bearer"}}
                           .dump()
                    << "\nEOF\n";
  chmod(az.c_str(), 0755);
  auto env = BaseEnv();
  auto az_cfg = ResolveAzureConfig({}, MapEnvironment(env));
  ASSERT_TRUE(az_cfg.ok());
  // The chain's CLI entry runs "az" from PATH; use the class directly with
  // the stand-in binary and the emulator's endpoints.
  AzureCliCredential::Options o;
  o.az_path = az;
  auto cred = std::make_shared<CachingCredential>(
      std::make_unique<AzureCliCredential>(o));
  auto configured = ConfigureAzure({}, MapEnvironment(env), {});
  ASSERT_TRUE(configured.ok()) << configured.status();
  ArmClient c(configured->transport, cred, configured->arm->options());
  EXPECT_TRUE(c.Put(rg_, kRgApi, {{"location", "westeurope"}}).ok());
}

TEST_F(EmulatorTest, NoWorkingCredentialNamesEveryMethodTried) {
  Start();
  auto env = BaseEnv();
  env["ARM_CLIENT_SECRET"] = "definitely-the-wrong-secret";
  AddSecret("definitely-the-wrong-secret");
  env["ARM_USE_MSI"] = "true";
  env["ARM_MSI_ENDPOINT"] = emu_->base_url() + "/no-such-msi";
  auto c = Client(env);
  ASSERT_NE(c, nullptr);
  auto r = c->Get(rg_, kRgApi);
  ASSERT_TRUE(absl::IsUnauthenticated(r.status())) << r.status();
  std::string msg(r.status().message());
  EXPECT_THAT(msg, HasSubstr("client secret"));
  EXPECT_THAT(msg, HasSubstr("managed identity"));
  EXPECT_THAT(msg, HasSubstr("Azure CLI: use_cli / ARM_USE_CLI is false"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("definitely-the-wrong-secret")));
}

TEST_F(EmulatorTest, TokensExpireAndRefreshMidOperation) {
  Start(R"({"token_lifetime_seconds": 3,
            "durations": {"Microsoft.MachineLearningServices/workspaces":
              {"create_seconds": 5, "retry_after_seconds": 1}}})");
  ConfigureOptions o;
  o.token_refresh_margin = absl::Seconds(1);
  auto c = Client(BaseEnv(), o);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  auto r = c->Put(WorkspaceId(), kMlApi, WorkspaceBody());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(recording_->distinct_tokens(), 3u);
}

// Hands out a token that has already expired, then defers to the real one:
// ARM's 401 must make the client refresh and retry once.
class StaleFirstCredential : public TokenCredential {
 public:
  StaleFirstCredential(std::string stale, std::shared_ptr<TokenCredential> real)
      : stale_(std::move(stale)), real_(std::move(real)) {}
  absl::StatusOr<AccessToken> GetToken(
      absl::string_view scope, const CancellationToken& cancel) override {
    if (!invalidated_) return AccessToken{stale_, absl::Now() + absl::Hours(1)};
    return real_->GetToken(scope, cancel);
  }
  std::string Name() const override { return "stale-first"; }
  void Invalidate() override { invalidated_ = true; }
  std::string stale_;
  std::shared_ptr<TokenCredential> real_;
  bool invalidated_ = false;
};

TEST_F(EmulatorTest, ExpiredTokenIsRefreshedAfter401) {
  Start();
  auto minted = emu_->Admin("POST", "/tokens", R"({"lifetime_seconds": 1})");
  ASSERT_TRUE(minted.ok()) << minted.status();
  std::string stale = (*minted)["access_token"].get<std::string>();
  AddSecret(stale);
  absl::SleepFor(absl::Seconds(2));
  auto az = ConfigureAzure({}, MapEnvironment(BaseEnv()), {});
  ASSERT_TRUE(az.ok());
  auto cred = std::make_shared<StaleFirstCredential>(
      stale, std::make_shared<RecordingCredential>(az->credential));
  ArmClient c(az->transport, cred, az->arm->options());
  ASSERT_TRUE(c.Put(rg_, kRgApi, {{"location", "westeurope"}}).ok());
  EXPECT_EQ(c.Stats().reauth, 1);
}

TEST_F(EmulatorTest, ThrottlingStormIsPacedByRetryAfter) {
  Start();
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"({"kind": "status", "status": 429, "method": "GET",
                              "code": "SubscriptionRequestsThrottled",
                              "retry_after_seconds": 1, "count": 3})")
                  .ok());
  c->ResetStats();
  absl::Time start = absl::Now();
  auto r = c->Get(rg_, kRgApi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(c->Stats().retries, 3);
  EXPECT_GE(absl::Now() - start, absl::Seconds(3));
}

TEST_F(EmulatorTest, ServerErrorsAndDroppedConnectionsAreRetried) {
  Start();
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"([{"kind": "status", "status": 503, "method": "GET",
                               "count": 2},
                              {"kind": "drop", "method": "PUT", "count": 2}])")
                  .ok());
  c->ResetStats();
  EXPECT_TRUE(c->Get(rg_, kRgApi).ok());
  EXPECT_EQ(c->Stats().retries, 2);
  // A dropped PUT is retried; cpprest itself may resend an idempotent
  // request once when a pooled connection was closed under it, so the
  // client's own retry count depends on which connection the drop hit.
  EXPECT_TRUE(c->Put(rg_, kRgApi, {{"location", "westeurope"}}).ok());
  auto faults = emu_->Admin("GET", "/faults");
  ASSERT_TRUE(faults.ok());
  for (const auto& f : (*faults)["value"]) {
    EXPECT_EQ(f.value("fired", 0), f.value("count", -1)) << f.dump();
  }
}

TEST_F(EmulatorTest, DroppedPostIsNotReplayed) {
  Start();
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"({"kind": "drop", "method": "POST", "count": 1})")
                  .ok());
  c->ResetStats();
  auto r = c->Post(rg_ + "/exportTemplate", kRgApi, nlohmann::json::object());
  ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not replayed"));
  EXPECT_EQ(c->Stats().retries, 0);
}

TEST_F(EmulatorTest, SlowResponsesAreBoundedByTheDeadline) {
  Start();
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"({"kind": "delay", "delay_ms": 4000,
                              "method": "GET", "count": 1})")
                  .ok());
  RequestOptions o;
  o.deadline = absl::Now() + absl::Seconds(1);
  absl::Time start = absl::Now();
  auto r = c->Get(rg_, kRgApi, o);
  absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_LT(took, absl::Milliseconds(1600));
  // A slow answer within the deadline is simply waited for.
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"({"kind": "delay", "delay_ms": 800,
                              "method": "GET", "count": 1})")
                  .ok());
  EXPECT_TRUE(c->Get(rg_, kRgApi).ok());
}

TEST_F(EmulatorTest, CreateThatTimesOutIsStillTracked) {
  Start(R"({"durations": {"Microsoft.MachineLearningServices/workspaces":
             {"create_seconds": 30, "retry_after_seconds": 1}}})");
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  std::string tracked;
  RequestOptions o;
  o.deadline = absl::Now() + absl::Seconds(2);
  o.on_accepted = [&](const AcceptedOperation& op) {
    tracked = op.resource_id;
  };
  absl::Time start = absl::Now();
  auto r = c->Put(WorkspaceId(), kMlApi, WorkspaceBody(), o);
  EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(tracked, WorkspaceId());
  // The emulator really has it (still creating).
  EXPECT_TRUE(emu_->Admin("GET", "/resources?id=" + tracked).ok());
}

TEST_F(EmulatorTest, StopProviderCancelsAPollWithinASecond) {
  Start(R"({"durations": {"Microsoft.MachineLearningServices/workspaces":
             {"create_seconds": 60, "retry_after_seconds": 30}}})");
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  CancellationSource stop;
  RequestOptions o;
  o.cancel = stop.Token();
  bool accepted = false;
  absl::Time cancelled_at;
  o.on_accepted = [&](const AcceptedOperation&) { accepted = true; };
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(1500));
    cancelled_at = absl::Now();
    stop.Cancel();
  });
  auto r = c->Put(WorkspaceId(), kMlApi, WorkspaceBody(), o);
  absl::Time returned = absl::Now();
  stopper.join();
  EXPECT_TRUE(accepted);
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_LT(returned - cancelled_at, absl::Seconds(1));
}

TEST_F(EmulatorTest, FailedOperationCarriesTheArmError) {
  Start(R"({"durations": {"Microsoft.MachineLearningServices/workspaces":
             {"create_seconds": 1, "retry_after_seconds": 1}}})");
  auto c = Client(BaseEnv());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(CreateResourceGroup(*c).ok());
  SeedWorkspaceDependencies();
  ASSERT_TRUE(emu_->Admin("POST", "/faults",
                          R"({"kind": "lro_failed", "method": "PUT",
                              "resource_type":
                                "Microsoft.MachineLearningServices/workspaces",
                              "code": "InternalServerError",
                              "message": "Provisioning failed"})")
                  .ok());
  auto r = c->Put(WorkspaceId(), kMlApi, WorkspaceBody());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("failed"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr(WorkspaceId()));
  std::optional<ArmError> e = GetArmError(r.status());
  ASSERT_TRUE(e.has_value()) << r.status();
  EXPECT_EQ(e->code, "InternalServerError");
  EXPECT_EQ(e->message, "Provisioning failed");
  EXPECT_FALSE(e->request_id.empty());
}

// Runs last: nothing any test above used as a secret reached the log.
TEST(EmulatorTraceLogTest, ZzzNoSecretInTheTraceLog) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_log->empty()) GTEST_SKIP() << "no emulator test ran";
  std::string all;
  for (const auto& l : *g_log) absl::StrAppend(&all, l, "\n");
  EXPECT_THAT(all, HasSubstr("ARM request"));
  EXPECT_THAT(all, HasSubstr("ARM response body"));
  EXPECT_GE(g_secrets->size(), 5u);
  // Every token the emulator issues is a JWT; none may appear, registered
  // or not (base64url of '{"' starts every JWT).
  EXPECT_THAT(all, ::testing::Not(HasSubstr("eyJ")));
  // DEBUG records carry the request line, status, duration and request ID.
  bool found_debug_record = false;
  for (const auto& l : *g_log) {
    if (absl::StrContains(l, "\"@message\":\"ARM request\"") &&
        absl::StrContains(l, "\"status\":\"200\"") &&
        absl::StrContains(l, "\"duration_ms\"") &&
        absl::StrContains(l, "\"method\":\"GET\"") &&
        absl::StrContains(l, "\"request_id\":\"") &&
        !absl::StrContains(l, "\"request_id\":\"\"")) {
      found_debug_record = true;
    }
  }
  EXPECT_TRUE(found_debug_record);
  for (const auto& s : *g_secrets) {
    EXPECT_THAT(all, ::testing::Not(HasSubstr(s)))
        << "secret leaked: " << s.substr(0, 6) << "...";
  }
  std::ofstream("/tmp/secureaml-azure-emulator-trace.log") << all;
}

}  // namespace
}  // namespace secureaml::azure
