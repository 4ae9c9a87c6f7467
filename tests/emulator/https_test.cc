// Tests over real TLS: the server in-process (handshake with the generated
// CA, keep-alive, chunked bodies, malformed input, dropped connections) and
// the built binary (first stdout line, --env-out, SIGTERM).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/server.h"
#include "tests/emulator/service.h"
#include "tests/emulator/test_util.h"
#include "tests/emulator/tls.h"

namespace secureaml::emulator {
namespace {

using ::secureaml::emulator::testing::TlsClient;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = GenerateTlsMaterial();
    ASSERT_TRUE(m.ok());
    material_ = *m;
    auto ctx = MakeServerContext(material_);
    ASSERT_TRUE(ctx.ok());
    ctx_ = *std::move(ctx);
    service_ = std::make_unique<ArmService>(&clock_, Config{});
    server_ = std::make_unique<HttpsServer>(
        ctx_.get(), [this](HttpRequest& r) { return service_->Handle(r); });
    auto port = server_->Listen(0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->Serve(); });
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  RealClock clock_;
  TlsMaterial material_;
  SslCtxPtr ctx_;
  std::unique_ptr<ArmService> service_;
  std::unique_ptr<HttpsServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(HttpsTest, VerifiedHandshakeAndKeepAlive) {
  TlsClient c;
  ASSERT_TRUE(c.Connect(port_, material_.ca_cert_pem).ok());
  std::string req =
      "GET /metadata/endpoints?api-version=2022-09-01 HTTP/1.1\r\nHost: "
      "127.0.0.1\r\n\r\n";
  ASSERT_TRUE(c.Send(req).ok());
  auto r1 = c.ReadResponse();
  ASSERT_TRUE(r1.ok());
  EXPECT_THAT(*r1, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(
      *r1,
      HasSubstr(absl::StrCat("\"resourceManager\":\"https://127.0.0.1/\"")));
  // Same connection, second request with a chunked body.
  std::string form =
      absl::StrCat("grant_type=client_credentials&client_id=", kDefaultClientId,
                   "&client_secret=", kDefaultClientSecret,
                   "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default");
  std::string chunked = absl::StrCat(
      "POST /", kTenantId, "/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1\r\n",
      "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: "
      "chunked\r\n\r\n");
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", form.size() - 10);
  absl::StrAppend(&chunked, size, "\r\n", form.substr(0, form.size() - 10),
                  "\r\na\r\n", form.substr(form.size() - 10), "\r\n0\r\n\r\n");
  ASSERT_TRUE(c.Send(chunked).ok());
  auto r2 = c.ReadResponse();
  ASSERT_TRUE(r2.ok());
  EXPECT_THAT(*r2, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(*r2, HasSubstr("\"access_token\""));
}

TEST_F(HttpsTest, MalformedRequestGets400AndClose) {
  TlsClient c;
  ASSERT_TRUE(c.Connect(port_, material_.ca_cert_pem).ok());
  ASSERT_TRUE(c.Send("GARBAGE\r\n\r\n").ok());
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, StartsWith("HTTP/1.1 400"));
  EXPECT_FALSE(c.ReadResponse().ok());  // closed
  // The server is still healthy.
  TlsClient d;
  ASSERT_TRUE(d.Connect(port_, material_.ca_cert_pem).ok());
  ASSERT_TRUE(d.Send("GET /_emulator/health HTTP/1.1\r\n\r\n").ok());
  EXPECT_TRUE(d.ReadResponse().ok());
}

TEST_F(HttpsTest, DropFaultClosesWithoutAnswer) {
  TlsClient admin;
  ASSERT_TRUE(admin.Connect(port_, material_.ca_cert_pem).ok());
  std::string rule = R"({"kind":"drop","phase":"get","count":1})";
  ASSERT_TRUE(admin
                  .Send(absl::StrCat(
                      "POST /_emulator/faults HTTP/1.1\r\nContent-Length: ",
                      rule.size(), "\r\n\r\n", rule))
                  .ok());
  ASSERT_TRUE(admin.ReadResponse().ok());
  TlsClient c;
  ASSERT_TRUE(c.Connect(port_, material_.ca_cert_pem).ok());
  ASSERT_TRUE(
      c.Send(absl::StrCat(
                 "GET /subscriptions/", kSubscriptionId,
                 "/resourceGroups/x?api-version=2025-04-01 HTTP/1.1\r\n\r\n"))
          .ok());
  EXPECT_FALSE(c.ReadResponse().ok());
}

// The built binary: one-command start, first line, files, SIGTERM.
TEST(EmulatorBinary, StartsPrintsPortAndStopsOnSigterm) {
  char dir_template[] = "/tmp/secureaml-emu-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string ca = dir + "/ca.pem", env = dir + "/env.sh",
              lz = dir + "/lz.json";
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(EMULATOR_BINARY, EMULATOR_BINARY, "--port", "0", "--ca-cert-out",
          ca.c_str(), "--env-out", env.c_str(), "--landing-zone",
          "--landing-zone-out", lz.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line.push_back(ch);
  ASSERT_THAT(line, StartsWith("listening https://127.0.0.1:"));
  int port = std::stoi(line.substr(line.rfind(':') + 1));
  std::ifstream env_in(env);
  std::stringstream env_text;
  env_text << env_in.rdbuf();
  EXPECT_THAT(
      env_text.str(),
      HasSubstr(absl::StrCat("export ARM_METADATA_HOSTNAME=127.0.0.1:", port)));
  EXPECT_THAT(env_text.str(),
              HasSubstr(absl::StrCat("export SSL_CERT_FILE=", ca)));
  EXPECT_THAT(env_text.str(),
              HasSubstr(absl::StrCat("export ARM_CLIENT_SECRET=",
                                     kDefaultClientSecret)));
  std::ifstream ca_in(ca);
  std::stringstream ca_pem;
  ca_pem << ca_in.rdbuf();
  TlsClient c;
  ASSERT_TRUE(c.Connect(port, ca_pem.str()).ok());
  ASSERT_TRUE(c.Send("GET /_emulator/landing-zone HTTP/1.1\r\n\r\n").ok());
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, HasSubstr("ws1103aks"));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(out[0]);
  for (const std::string& f : {ca, env, lz}) std::remove(f.c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace secureaml::emulator
