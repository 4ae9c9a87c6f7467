#include "provider/azure/credentials.h"

#include <openssl/ecdsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/testing/fake_transport.h"
#include "provider/azure/testing/test_certs.h"
#include "provider/azure/url.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

using ::secureaml::azure::testing::ArmErrorResponse;
using ::secureaml::azure::testing::FakeCredential;
using ::secureaml::azure::testing::FakeTransport;
using ::secureaml::azure::testing::JsonResponse;
using ::secureaml::azure::testing::MakeTestCert;
using ::secureaml::azure::testing::TestCert;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLogin[] = "https://login.test";
constexpr char kTenant[] = "11111111-1111-1111-1111-111111111111";
constexpr char kScope[] = "https://management.azure.com/.default";

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  for (absl::string_view kv : absl::StrSplit(body, '&')) {
    std::pair<std::string, std::string> p =
        absl::StrSplit(kv, absl::MaxSplits('=', 1));
    out[p.first] = p.second;
  }
  return out;
}

std::string TempDir() {
  char tmpl[] = "/tmp/secureaml-cred-XXXXXX";
  return mkdtemp(tmpl);
}

class CredentialsTest : public ::testing::Test {
 protected:
  CredentialsTest() : transport_(std::make_shared<FakeTransport>()) {
    deps_.transport = transport_;
    deps_.clock = &time_;
    deps_.sleeper = &time_;
  }
  FakeTime time_;
  std::shared_ptr<FakeTransport> transport_;
  CredentialDeps deps_;
};

TEST(ParseTokenResponseTest, AcceptsIntsAndStrings) {
  absl::Time now = absl::FromUnixSeconds(1000000000);
  auto a = ParseTokenResponse(
      R"({"access_token":"tok-aaaa","expires_in":3599})", now);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->expires_on, now + absl::Seconds(3599));
  auto b = ParseTokenResponse(
      R"({"access_token":"tok-bbbb","expires_in":"3599"})", now);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->expires_on, now + absl::Seconds(3599));
  auto c = ParseTokenResponse(
      R"({"access_token":"tok-cccc","expires_on":"1900000000","expires_in":"1"})",
      now);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->expires_on, absl::FromUnixSeconds(1900000000));
  EXPECT_FALSE(ParseTokenResponse(R"({"access_token":"x"})", now).ok());
  EXPECT_FALSE(ParseTokenResponse("not json", now).ok());
  EXPECT_EQ(ScopeToResource(kScope), "https://management.azure.com/");
}

TEST_F(CredentialsTest, ClientSecretPostsTheClientCredentialsGrant) {
  transport_->Expect("POST",
                     absl::StrCat(kLogin, "/", kTenant, "/oauth2/v2.0/token"),
                     JsonResponse(200, {{"access_token", "at-secret-flow"},
                                        {"expires_in", 3599},
                                        {"token_type", "Bearer"}}));
  ClientSecretCredential cred(deps_, kLogin, kTenant, "client-1",
                              "s3cr3t&value=");
  auto t = cred.GetToken(kScope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->token, "at-secret-flow");
  HttpRequest req = transport_->requests().at(0);
  EXPECT_EQ(req.headers.Get("Content-Type"),
            "application/x-www-form-urlencoded");
  auto form = ParseForm(req.body);
  EXPECT_EQ(form["grant_type"], "client_credentials");
  EXPECT_EQ(form["client_id"], "client-1");
  EXPECT_EQ(form["client_secret"], PercentEncode("s3cr3t&value="));
  EXPECT_EQ(form["scope"], PercentEncode(kScope));
}

TEST_F(CredentialsTest, TokenEndpointErrorsAreExplained) {
  transport_->Expect(
      "POST", "/oauth2/v2.0/token",
      JsonResponse(401, {{"error", "invalid_client"},
                         {"error_description",
                          "AADSTS7000215: Invalid client secret provided."}}));
  ClientSecretCredential cred(deps_, kLogin, kTenant, "client-1", "wrong-one");
  auto t = cred.GetToken(kScope, {});
  EXPECT_TRUE(absl::IsUnauthenticated(t.status()));
  EXPECT_THAT(t.status().message(), HasSubstr("AADSTS7000215"));
  EXPECT_THAT(t.status().message(), HasSubstr("client secret"));
}

TEST_F(CredentialsTest, TransientTokenEndpointFailuresAreRetried) {
  transport_->Expect("POST", "/token", absl::UnavailableError("reset"));
  transport_->Expect("POST", "/token", ArmErrorResponse(503, "x", "busy"));
  transport_->Expect("POST", "/token",
                     JsonResponse(200, {{"access_token", "at-after-retry"},
                                        {"expires_in", 60}}));
  ClientSecretCredential cred(deps_, kLogin, kTenant, "c", "secret-xyz");
  auto t = cred.GetToken(kScope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->token, "at-after-retry");
}

TEST_F(CredentialsTest, CachingRefreshesFiveMinutesBeforeExpiry) {
  auto* inner = new FakeCredential(&time_, absl::Minutes(60));
  CachingCredential cache(std::unique_ptr<TokenCredential>(inner), &time_);
  EXPECT_EQ(cache.GetToken(kScope, {})->token, "fake-token-1");
  time_.Advance(absl::Minutes(54));
  EXPECT_EQ(cache.GetToken(kScope, {})->token, "fake-token-1");
  time_.Advance(absl::Minutes(1) + absl::Seconds(1));
  EXPECT_EQ(cache.GetToken(kScope, {})->token, "fake-token-2");
  // Separate scopes have separate tokens.
  EXPECT_EQ(cache.GetToken("https://graph/.default", {})->token,
            "fake-token-3");
  cache.Invalidate();
  EXPECT_EQ(cache.GetToken(kScope, {})->token, "fake-token-4");
  EXPECT_EQ(inner->invalidations(), 1);
}

TEST_F(CredentialsTest, CachingUsesTheOldTokenWhenRefreshFails) {
  auto* inner = new FakeCredential(&time_, absl::Minutes(60));
  CachingCredential cache(std::unique_ptr<TokenCredential>(inner), &time_);
  ASSERT_TRUE(cache.GetToken(kScope, {}).ok());
  time_.Advance(absl::Minutes(56));
  inner->FailWith(absl::UnavailableError("Entra ID down"));
  EXPECT_EQ(cache.GetToken(kScope, {})->token, "fake-token-1");
  time_.Advance(absl::Minutes(4));
  EXPECT_FALSE(cache.GetToken(kScope, {}).ok());
}

class SlowCredential : public TokenCredential {
 public:
  absl::StatusOr<AccessToken> GetToken(absl::string_view,
                                       const CancellationToken&) override {
    ++calls;
    absl::SleepFor(absl::Milliseconds(50));
    return AccessToken{"slow-token", absl::Now() + absl::Hours(1)};
  }
  std::string Name() const override { return "slow"; }
  std::atomic<int> calls{0};
};

TEST(CachingCredentialTest, ConcurrentCallersShareOneFetch) {
  auto* inner = new SlowCredential();
  CachingCredential cache{std::unique_ptr<TokenCredential>(inner)};
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (cache.GetToken(kScope, {}).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(inner->calls.load(), 1);
}

// Verifies a JWS signature over header.claims with the test key.
bool VerifyJwt(const std::string& jwt, EVP_PKEY* key, bool ec) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  if (parts.size() != 3) return false;
  std::string input = parts[0] + "." + parts[1];
  std::string sig;
  if (!absl::WebSafeBase64Unescape(parts[2], &sig)) return false;
  if (ec) {
    if (sig.size() != 64) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()),
                          32, nullptr);
    BIGNUM* s = BN_bin2bn(
        reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(es, r, s);
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(es, &der);
    sig.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  int rc = EVP_DigestVerify(
      ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
      reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  return rc == 1;
}

nlohmann::json JwtPart(const std::string& jwt, int i) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  std::string decoded;
  absl::WebSafeBase64Unescape(parts.at(i), &decoded);
  return nlohmann::json::parse(decoded);
}

struct CertCase {
  bool ec;
  bool pkcs12;
  std::string password;
};

class ClientCertificateTest : public CredentialsTest,
                              public ::testing::WithParamInterface<CertCase> {};

TEST_P(ClientCertificateTest, SignsAVerifiableAssertion) {
  const CertCase& c = GetParam();
  TestCert cert;
  MakeTestCert(cert, c.ec, c.password);
  transport_->Expect("POST", "/oauth2/v2.0/token",
                     JsonResponse(200, {{"access_token", "at-cert-flow"},
                                        {"expires_in", 3599}}));
  auto cred = ClientCertificateCredential::Create(
      deps_, kLogin, kTenant, "client-2", c.pkcs12 ? cert.pkcs12 : cert.pem,
      c.password);
  ASSERT_TRUE(cred.ok()) << cred.status();
  auto t = (*cred)->GetToken(kScope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  auto form = ParseForm(transport_->requests().at(0).body);
  EXPECT_EQ(
      form["client_assertion_type"],
      PercentEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
  EXPECT_EQ(form.count("client_secret"), 0u);
  std::string jwt = form["client_assertion"];
  nlohmann::json header = JwtPart(jwt, 0);
  nlohmann::json claims = JwtPart(jwt, 1);
  EXPECT_EQ(header["alg"], c.ec ? "ES256" : "RS256");
  unsigned char md[20];
  unsigned int md_len = 0;
  EVP_Digest(cert.cert_der.data(), cert.cert_der.size(), md, &md_len,
             EVP_sha1(), nullptr);
  EXPECT_EQ(header["x5t"], absl::WebSafeBase64Escape(std::string(
                               reinterpret_cast<char*>(md), md_len)));
  EXPECT_EQ(claims["iss"], "client-2");
  EXPECT_EQ(claims["sub"], "client-2");
  EXPECT_EQ(claims["aud"],
            absl::StrCat(kLogin, "/", kTenant, "/oauth2/v2.0/token"));
  EXPECT_LE(claims["exp"].get<int64_t>() - claims["nbf"].get<int64_t>(), 3600);
  EXPECT_TRUE(VerifyJwt(jwt, cert.key, c.ec));
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ClientCertificateTest,
    ::testing::Values(CertCase{false, false, ""},
                      CertCase{false, false, "pem-pass-1234"},
                      CertCase{false, true, ""},
                      CertCase{false, true, "p12-pass-1234"},
                      CertCase{true, false, ""}, CertCase{true, true, "ecpw"}));

TEST_F(CredentialsTest, WrongCertificatePasswordIsExplained) {
  TestCert cert;
  MakeTestCert(cert, false, "right-password");
  auto cred = ClientCertificateCredential::Create(
      deps_, kLogin, kTenant, "c", cert.pkcs12, "wrong-password");
  ASSERT_FALSE(cred.ok());
  EXPECT_THAT(cred.status().message(),
              HasSubstr("client_certificate_password"));
  EXPECT_FALSE(ClientCertificateCredential::Create(deps_, kLogin, kTenant, "c",
                                                   "garbage", "")
                   .ok());
}

TEST_F(CredentialsTest, OidcDirectTokenAndRotatingTokenFile) {
  transport_->Expect(
      "POST", "/token",
      JsonResponse(200, {{"access_token", "at-oidc-1"}, {"expires_in", 3599}}));
  OidcSource direct;
  direct.token = "id-token-direct";
  OidcCredential a(deps_, kLogin, kTenant, "c", direct);
  ASSERT_TRUE(a.GetToken(kScope, {}).ok());
  EXPECT_EQ(ParseForm(transport_->requests().back().body)["client_assertion"],
            "id-token-direct");

  std::string dir = TempDir();
  std::string file = dir + "/token";
  std::ofstream(file) << "id-token-file-1\n";
  OidcSource from_file;
  from_file.token_file_path = file;
  OidcCredential b(deps_, kLogin, kTenant, "c", from_file);
  for (int i = 1; i <= 2; ++i) {
    transport_->Expect("POST", "/token",
                       JsonResponse(200, {{"access_token", "at-oidc-f"},
                                          {"expires_in", 3599}}));
    std::ofstream(file) << "id-token-file-" << i << "\n";
    ASSERT_TRUE(b.GetToken(kScope, {}).ok());
    EXPECT_EQ(ParseForm(transport_->requests().back().body)["client_assertion"],
              absl::StrCat("id-token-file-", i));
  }
}

TEST_F(CredentialsTest, OidcGitHubActionsRequestFlow) {
  transport_->Expect(
      "GET",
      "https://gh.test/idtoken?x=1&audience=api%3A%2F%2FAzureADTokenExchange",
      JsonResponse(200, {{"count", 1}, {"value", "gh-jwt-123"}}));
  transport_->Expect(
      "POST", "/token",
      JsonResponse(200, {{"access_token", "at-gh"}, {"expires_in", 3599}}));
  OidcSource gh;
  gh.request_url = "https://gh.test/idtoken?x=1";
  gh.request_token = "gh-request-token";
  OidcCredential cred(deps_, kLogin, kTenant, "c", gh);
  auto t = cred.GetToken(kScope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  auto reqs = transport_->requests();
  EXPECT_EQ(reqs[0].headers.Get("Authorization"), "Bearer gh-request-token");
  EXPECT_EQ(ParseForm(reqs[1].body)["client_assertion"], "gh-jwt-123");
}

TEST_F(CredentialsTest, OidcAzureDevOpsFlow) {
  transport_->Expect("POST", "serviceConnectionId=sc-1",
                     JsonResponse(200, {{"oidcToken", "ado-jwt"}}));
  transport_->Expect(
      "POST", "/token",
      JsonResponse(200, {{"access_token", "at-ado"}, {"expires_in", 3599}}));
  OidcSource ado;
  ado.request_url = "https://ado.test/oidc";
  ado.request_token = "system-access-token";
  ado.ado_service_connection_id = "sc-1";
  OidcCredential cred(deps_, kLogin, kTenant, "c", ado);
  ASSERT_TRUE(cred.GetToken(kScope, {}).ok());
  EXPECT_EQ(ParseForm(transport_->requests()[1].body)["client_assertion"],
            "ado-jwt");
}

TEST_F(CredentialsTest, OidcWithoutAnyTokenSourceSaysWhatToSet) {
  OidcCredential cred(deps_, kLogin, kTenant, "c", {});
  auto t = cred.GetToken(kScope, {});
  EXPECT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("ARM_OIDC_TOKEN"));
}

TEST_F(CredentialsTest, ManagedIdentityImds) {
  transport_->Expect(
      "GET",
      "http://169.254.169.254/metadata/identity/oauth2/token?api-version="
      "2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F&client_id=uai",
      JsonResponse(200, {{"access_token", "at-imds"},
                         {"expires_in", "3599"},
                         {"expires_on", "1900000000"},
                         {"token_type", "Bearer"}}));
  ManagedIdentityOptions o;
  o.client_id = "uai";
  ManagedIdentityCredential cred(deps_, o);
  auto t = cred.GetToken(kScope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->expires_on, absl::FromUnixSeconds(1900000000));
  EXPECT_EQ(transport_->requests()[0].headers.Get("Metadata"), "true");
}

TEST_F(CredentialsTest, ManagedIdentityAppServiceAndOverride) {
  transport_->Expect(
      "GET", "https://appsvc.test/msi/token?api-version=2019-08-01",
      JsonResponse(
          200, {{"access_token", "at-appsvc"}, {"expires_on", "1900000000"}}));
  ManagedIdentityOptions o;
  o.identity_endpoint = "https://appsvc.test/msi/token";
  o.identity_header = "identity-header-secret";
  ManagedIdentityCredential app(deps_, o);
  ASSERT_TRUE(app.GetToken(kScope, {}).ok());
  EXPECT_EQ(transport_->requests()[0].headers.Get("X-IDENTITY-HEADER"),
            "identity-header-secret");

  transport_->Expect(
      "GET", "https://msi.override/token?api-version=2018-02-01",
      JsonResponse(200, {{"access_token", "at-override"}, {"expires_in", 60}}));
  ManagedIdentityOptions o2;
  o2.msi_endpoint = "https://msi.override/token";
  o2.identity_endpoint = "https://appsvc.test/msi/token";
  o2.identity_header = "h-1234";
  ManagedIdentityCredential over(deps_, o2);
  EXPECT_EQ(over.GetToken(kScope, {})->token, "at-override");
}

class AzureCliTest : public ::testing::Test {
 protected:
  // A fake `az` that records its argv (one per line) and prints `output`.
  std::string FakeAz(const std::string& output, int exit_code = 0) {
    dir_ = TempDir();
    std::string path = dir_ + "/az";
    std::ofstream out(path);
    out << "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> " << dir_
        << "/args; done\ncat <<'JSON'\n"
        << output << "\nJSON\n"
        << (exit_code ? "echo 'ERROR: Please run az login' >&2\n" : "")
        << "exit " << exit_code << "\n";
    out.close();
    chmod(path.c_str(), 0755);
    return path;
  }
  std::string Args() {
    std::ifstream in(dir_ + "/args");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir_;
};

TEST_F(AzureCliTest, RunsAzWithoutAShell) {
  AzureCliCredential::Options o;
  o.az_path = FakeAz(
      R"({"accessToken":"at-cli-1","expires_on":1900000000,"tokenType":"Bearer"})");
  o.tenant_id = "tenant-x";
  AzureCliCredential cred(o);
  std::string evil_scope = "https://x/.default;$(touch /tmp/pwned-secureaml)";
  auto t = cred.GetToken(evil_scope, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->token, "at-cli-1");
  EXPECT_EQ(t->expires_on, absl::FromUnixSeconds(1900000000));
  EXPECT_EQ(Args(), "account\nget-access-token\n--scope\n" + evil_scope +
                        "\n-o\njson\n--tenant\ntenant-x\n");
  EXPECT_NE(access("/tmp/pwned-secureaml", F_OK), 0);
}

TEST_F(AzureCliTest, ParsesLocalExpiresOnAndReportsFailures) {
  auto t = ParseAzureCliToken(
      R"({"accessToken":"at-cli-2","expiresOn":"2030-01-02 03:04:05.123456"})");
  ASSERT_TRUE(t.ok()) << t.status();
  absl::CivilSecond cs =
      absl::ToCivilSecond(t->expires_on, absl::LocalTimeZone());
  EXPECT_EQ(cs, absl::CivilSecond(2030, 1, 2, 3, 4, 5));

  AzureCliCredential::Options o;
  o.az_path = FakeAz("", 1);
  AzureCliCredential failing(o);
  auto f = failing.GetToken(kScope, {});
  EXPECT_TRUE(absl::IsUnauthenticated(f.status()));
  EXPECT_THAT(f.status().message(), HasSubstr("az login"));

  o.az_path = "/nonexistent/az";
  AzureCliCredential missing(o);
  EXPECT_THAT(missing.GetToken(kScope, {}).status().message(),
              HasSubstr("Azure CLI installed"));
}

class FailingCredential : public TokenCredential {
 public:
  FailingCredential(std::string name, std::string why)
      : name_(std::move(name)), why_(std::move(why)) {}
  absl::StatusOr<AccessToken> GetToken(absl::string_view,
                                       const CancellationToken&) override {
    ++calls;
    return absl::UnauthenticatedError(why_);
  }
  std::string Name() const override { return name_; }
  int calls = 0;
  std::string name_, why_;
};

TEST_F(CredentialsTest, ChainStopsAtTheFirstWorkingCredential) {
  std::vector<std::unique_ptr<TokenCredential>> chain;
  auto* first = new FailingCredential("client secret", "AADSTS7000215");
  chain.emplace_back(first);
  chain.emplace_back(new FakeCredential(&time_));
  ChainedCredential cred(std::move(chain));
  EXPECT_EQ(cred.GetToken(kScope, {})->token, "fake-token-1");
  EXPECT_EQ(cred.GetToken(kScope, {})->token, "fake-token-2");
  EXPECT_EQ(first->calls, 1);  // the working one is remembered
}

TEST_F(CredentialsTest, ChainNamesEveryMethodTried) {
  std::vector<std::unique_ptr<TokenCredential>> chain;
  chain.emplace_back(new FailingCredential("managed identity", "IMDS down"));
  chain.emplace_back(new FailingCredential("Azure CLI", "run az login"));
  ChainedCredential cred(std::move(chain),
                         {"client secret: ARM_CLIENT_SECRET not set"});
  auto t = cred.GetToken(kScope, {});
  ASSERT_TRUE(absl::IsUnauthenticated(t.status()));
  EXPECT_THAT(t.status().message(), HasSubstr("managed identity: IMDS down"));
  EXPECT_THAT(t.status().message(), HasSubstr("Azure CLI: run az login"));
  EXPECT_THAT(t.status().message(),
              HasSubstr("client secret: ARM_CLIENT_SECRET not set"));
}

// Every credential type at TRACE: no secret may reach the log.
TEST_F(CredentialsTest, TraceLogsContainNoSecrets) {
  std::vector<std::string> lines;
  log::SetSinkForTest([&](auto l) { lines.emplace_back(l); });
  log::SetLevel(log::Level::kTrace);
  std::vector<std::string> secrets = {
      "cs-secret-value-1", "at-from-secret-1", "pem-password-1",
      "at-from-cert-1",    "id-token-oidc-1",  "at-from-oidc-1",
      "gh-request-tok-1",  "gh-jwt-value-1",   "at-from-gh-1",
      "idh-header-val-1",  "at-from-msi-1",    "refresh-tok-1"};
  transport_->SetHandler(
      [&](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
        auto form = ParseForm(r.body);
        std::string token = "at-from-msi-1";
        if (absl::StrContains(r.url, "gh.test")) {
          return JsonResponse(200, {{"value", "gh-jwt-value-1"}});
        }
        if (form["client_secret"] == "cs-secret-value-1")
          token = "at-from-secret-1";
        if (form.count("client_assertion") &&
            form["client_assertion"] == "id-token-oidc-1") {
          token = "at-from-oidc-1";
        } else if (form.count("client_assertion") &&
                   form["client_assertion"] == "gh-jwt-value-1") {
          token = "at-from-gh-1";
        } else if (form.count("client_assertion")) {
          token = "at-from-cert-1";
        }
        return JsonResponse(200, {{"access_token", token},
                                  {"refresh_token", "refresh-tok-1"},
                                  {"expires_in", 3599}});
      });
  ClientSecretCredential s(deps_, kLogin, kTenant, "c", "cs-secret-value-1");
  ASSERT_TRUE(s.GetToken(kScope, {}).ok());
  TestCert cert;
  MakeTestCert(cert, false, "pem-password-1");
  auto c = ClientCertificateCredential::Create(deps_, kLogin, kTenant, "c",
                                               cert.pem, "pem-password-1");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->GetToken(kScope, {}).ok());
  OidcSource o;
  o.token = "id-token-oidc-1";
  ASSERT_TRUE(
      OidcCredential(deps_, kLogin, kTenant, "c", o).GetToken(kScope, {}).ok());
  OidcSource gh;
  gh.request_url = "https://gh.test/x";
  gh.request_token = "gh-request-tok-1";
  ASSERT_TRUE(OidcCredential(deps_, kLogin, kTenant, "c", gh)
                  .GetToken(kScope, {})
                  .ok());
  ManagedIdentityOptions m;
  m.identity_endpoint = "https://appsvc.test/token";
  m.identity_header = "idh-header-val-1";
  ASSERT_TRUE(ManagedIdentityCredential(deps_, m).GetToken(kScope, {}).ok());
  log::SetSinkForTest(nullptr);
  log::SetLevel(log::Level::kOff);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_THAT(all, HasSubstr("token request"));
  for (const auto& s : secrets) {
    EXPECT_THAT(all, Not(HasSubstr(s))) << s;
  }
  // The client assertion JWT (header part is predictable) never appears.
  EXPECT_THAT(all, Not(HasSubstr("eyJ")));
}

}  // namespace
}  // namespace secureaml::azure
