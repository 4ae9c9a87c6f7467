#include "provider/azure/redaction.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/http_transport.h"
#include "provider/azure/url.h"

namespace secureaml::azure {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(IsSecretFieldNameTest, SecretsAndLookAlikes) {
  for (const char* s :
       {"password", "adminUserPassword", "clientSecret", "client_secret",
        "accountKey", "primaryKey", "key", "keys", "sasToken", "access_token",
        "refresh_token", "client_assertion", "privateKey", "credentials",
        "connectionString", "secrets", "certificate", "sig"}) {
    EXPECT_TRUE(IsSecretFieldName(s)) << s;
  }
  for (const char* s :
       {"keyVault", "keyVaultArmId", "keyIdentifier", "keyVaultProperties",
        "keyName", "keyVersion", "sshPublicKey", "adminPublicKey",
        "credentialsType", "secretsType", "token_type", "expires_in",
        "location", "isAsync", "disassociate", "name", "id",
        "primaryUserAssignedIdentity"}) {
    EXPECT_FALSE(IsSecretFieldName(s)) << s;
  }
}

TEST(RedactBodyTest, JsonAtAnyDepth) {
  std::string out = RedactBody(
      R"({"properties":{"credentials":{"secrets":{"key":"K1"}},"keyVault":"/kv",
          "list":[{"sasToken":"?sv=x&sig=abc"}],"adminUserPassword":"P1"}})",
      "application/json");
  EXPECT_THAT(out, Not(HasSubstr("K1")));
  EXPECT_THAT(out, Not(HasSubstr("abc")));
  EXPECT_THAT(out, Not(HasSubstr("P1")));
  EXPECT_THAT(out, HasSubstr("/kv"));
  EXPECT_THAT(out, HasSubstr("[REDACTED]"));
}

TEST(RedactBodyTest, FormAndUnparseable) {
  std::string out = RedactBody(
      "grant_type=client_credentials&client_id=c&client_secret=S1&scope=x",
      "application/x-www-form-urlencoded");
  EXPECT_THAT(out, HasSubstr("client_id=c"));
  EXPECT_THAT(out, Not(HasSubstr("S1")));
  EXPECT_THAT(RedactBody(R"({"password":"unterminated)", "application/json"),
              Not(HasSubstr("unterminated")));
  EXPECT_EQ(RedactBody(std::string(100, 'a'), "text/plain", 10).size(),
            10u + 14u);
}

TEST(RedactUrlTest, SasAndCodeParameters) {
  std::string u = RedactUrl(
      "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026&sp=r&"
      "sig=SIGNATURE&api-version=1&code=OAUTHCODE");
  EXPECT_THAT(u, Not(HasSubstr("SIGNATURE")));
  EXPECT_THAT(u, Not(HasSubstr("OAUTHCODE")));
  EXPECT_THAT(u, HasSubstr("api-version=1"));
  EXPECT_EQ(RedactUrl("https://x/y"), "https://x/y");
}

TEST(UrlTest, ParseAndQuery) {
  auto u = ParseUrl("https://Host.Example:8443/a/b?c=d#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "host.example");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path_and_query, "/a/b?c=d");
  EXPECT_EQ(u->Origin(), "https://host.example:8443");
  EXPECT_EQ(ParseUrl("https://h")->Origin(), "https://h");
  EXPECT_FALSE(ParseUrl("/relative").ok());
  EXPECT_FALSE(ParseUrl("ftp://x").ok());
  EXPECT_FALSE(ParseUrl("https://user:pw@x/").ok());
  EXPECT_EQ(AppendQuery("https://x/a", "k", "v w"), "https://x/a?k=v%20w");
  EXPECT_EQ(AppendQuery("https://x/a?b=1", "k", "v"), "https://x/a?b=1&k=v");
  EXPECT_EQ(QueryParam("https://x/a?api-version=1&b=2", "b"), "2");
}

TEST(ProxyTest, ProxyFromEnvironmentRules) {
  std::map<std::string, std::string> vars = {
      {"HTTPS_PROXY", "http://proxy:3128"},
      {"NO_PROXY", "internal.example,.corp"}};
  auto env = [&](absl::string_view n) -> std::optional<std::string> {
    auto it = vars.find(std::string(n));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(ProxyForUrl("https://management.azure.com/x", env),
            "http://proxy:3128");
  EXPECT_EQ(ProxyForUrl("https://internal.example/x", env), "");
  EXPECT_EQ(ProxyForUrl("https://a.b.corp/x", env), "");
  EXPECT_EQ(ProxyForUrl("https://127.0.0.1:8443/x", env), "");
  EXPECT_EQ(ProxyForUrl("http://169.254.169.254/metadata", env), "");
  EXPECT_EQ(ProxyForUrl("http://plain.example/", env), "");  // no HTTP_PROXY
}

TEST(HttpHeadersTest, CaseInsensitive) {
  HttpHeaders h{{"Azure-AsyncOperation", "u"}};
  EXPECT_EQ(h.Get("azure-asyncoperation"), "u");
  h.Set("AZURE-ASYNCOPERATION", "v");
  EXPECT_EQ(h.entries().size(), 1u);
  EXPECT_EQ(h.Get("Azure-AsyncOperation"), "v");
  EXPECT_TRUE(RequestWasNotSent(RequestNotSentError("refused")));
  EXPECT_FALSE(RequestWasNotSent(absl::UnavailableError("reset")));
}

}  // namespace
}  // namespace secureaml::azure
