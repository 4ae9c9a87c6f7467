// Starts a plugin binary the way Terraform does (environment, pipes, AutoMTLS
// with a P-521 client certificate) and checks the go-plugin contract from the
// outside: handshake line, socket permissions, mutual TLS, health, Shutdown
// latency, SIGINT handling and --debug.
//
// Usage: plugin_process_test [gtest flags] -- /path/to/plugin-binary
// (defaults to the test server built next to this test).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "proto/grpc_controller.grpc.pb.h"
#include "proto/grpc_stdio.grpc.pb.h"
#include "proto/tfplugin6.grpc.pb.h"
#include "provider/plugin/auto_mtls.h"
#include "provider/plugin/handshake.h"

extern char** environ;

namespace secureaml::plugin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

std::string g_binary = SECUREAML_TEST_PLUGIN_BINARY;

double MillisSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// A child process with piped stdout/stderr and a controlled environment.
class Child {
 public:
  Child(std::vector<std::string> args,
        const std::map<std::string, std::string>& env_overrides,
        const std::vector<std::string>& env_removals = {}) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv = *e;
      size_t eq = kv.find('=');
      if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& k : env_removals) env.erase(k);
    for (const auto& [k, v] : env_overrides) env[k] = v;
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    args.insert(args.begin(), g_binary);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int out[2], err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    started_ = Clock::now();
    EXPECT_EQ(posix_spawn(&pid_, g_binary.c_str(), &fa, nullptr, argv.data(),
                          envp.data()),
              0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    fcntl(err_fd_, F_SETFL, O_NONBLOCK);
  }

  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_fd_);
    close(err_fd_);
  }

  // First stdout line, without '\n'; nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(int timeout_ms = 10000) {
    std::string line;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                Clock::now())
              .count());
      if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
      char c;
      ssize_t n = read(out_fd_, &c, 1);
      if (n <= 0) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  std::string ReadAllStdout(int timeout_ms = 5000) {
    std::string all;
    while (auto line = ReadLine(timeout_ms)) all += *line + "\n";
    return all;
  }

  std::string DrainStderr() {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_fd_, buf, sizeof(buf))) > 0) stderr_.append(buf, n);
    return stderr_;
  }

  // Exit status, or nullopt if still running after `timeout_ms`.
  std::optional<int> WaitExit(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    do {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        exited_at_ = Clock::now();
        DrainStderr();
        return status;
      }
      usleep(200);
    } while (Clock::now() < deadline);
    return std::nullopt;
  }

  pid_t pid() const { return pid_; }
  Clock::time_point started() const { return started_; }
  Clock::time_point exited_at() const { return exited_at_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool exited_ = false;
  std::string stderr_;
  Clock::time_point started_, exited_at_;
};

struct Handshake {
  int core = 0, version = 0;
  std::string network, address, protocol, cert_der;
};

Handshake ParseHandshake(const std::string& line) {
  std::vector<std::string> f = absl::StrSplit(line, '|');
  Handshake h;
  EXPECT_EQ(f.size(), 6u) << line;
  if (f.size() < 6) return h;
  h.core = std::stoi(f[0]);
  h.version = std::stoi(f[1]);
  h.network = f[2];
  h.address = f[3];
  h.protocol = f[4];
  if (!f[5].empty()) {
    EXPECT_EQ(f[5].find('='), std::string::npos) << "must be unpadded";
    std::string padded = f[5];
    while (padded.size() % 4 != 0) padded.push_back('=');
    EXPECT_TRUE(absl::Base64Unescape(padded, &h.cert_der));
  }
  return h;
}

std::map<std::string, std::string> ManagedEnv() {
  return {{std::string(kMagicCookieKey), std::string(kMagicCookieValue)},
          {"PLUGIN_PROTOCOL_VERSIONS", "5,6"},
          {"PLUGIN_MIN_PORT", "10000"},
          {"PLUGIN_MAX_PORT", "25000"}};
}

std::string Target(const Handshake& h) {
  return h.network == "unix" ? "unix:" + h.address : h.address;
}

std::shared_ptr<grpc::Channel> TlsChannel(const Handshake& h,
                                          const SelfSignedCertificate* client) {
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = *DerCertificateToPem(h.cert_der);
  if (client != nullptr) {
    opts.pem_private_key = client->key_pem;
    opts.pem_cert_chain = client->cert_pem;
  }
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");  // what go-plugin's client uses
  return grpc::CreateCustomChannel(Target(h), grpc::SslCredentials(opts), args);
}

// grpc.health.v1.Health/Check for service "plugin", hand-encoded so the test
// needs no health stubs: request {service=1:"plugin"}; SERVING is {status=1:1}.
grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                         std::string* response_bytes, int timeout_ms = 5000) {
  grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer> stub(channel);
  std::string req("\x0a\x06plugin", 8);
  grpc::Slice slice(req);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(timeout_ms));
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> l(mu);
                   status = s;
                   done = true;
                   cv.notify_all();
                 });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  if (status.ok() && response_bytes != nullptr) {
    std::vector<grpc::Slice> slices;
    response.Dump(&slices);
    response_bytes->clear();
    for (auto& s : slices) {
      response_bytes->append(reinterpret_cast<const char*>(s.begin()),
                             s.size());
    }
  }
  return status;
}

grpc::Status CallShutdown(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = ::plugin::GRPCController::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  ::plugin::Empty req, resp;
  return stub->Shutdown(&ctx, req, &resp);
}

SelfSignedCertificate TerraformClientCert() {
  CertificateOptions opts;
  opts.curve = KeyCurve::kP521;  // go-plugin's client uses P-521
  opts.organization = "HashiCorp";
  return *GenerateSelfSignedCertificate(opts);
}

TEST(PluginProcessTest, WithoutMagicCookieExplainsAndExitsOne) {
  Child child({}, {}, {std::string(kMagicCookieKey)});
  auto status = child.WaitExit(10000);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_THAT(child.DrainStderr(), HasSubstr("This binary is a plugin"));
  EXPECT_EQ(child.ReadAllStdout(100),
            "");  // nothing that looks like a handshake
}

TEST(PluginProcessTest, AutoMtlsWithTerraformStyleP521ClientCert) {
  SelfSignedCertificate client = TerraformClientCert();
  auto env = ManagedEnv();
  env["PLUGIN_CLIENT_CERT"] = client.cert_pem;
  Child child({}, env);

  auto line = child.ReadLine();
  const double handshake_ms = MillisSince(child.started());
  ASSERT_TRUE(line.has_value()) << child.DrainStderr();
  printf("[ figure ] handshake line after %.1f ms (incl. key generation)\n",
         handshake_ms);
  Handshake h = ParseHandshake(*line);
  EXPECT_EQ(h.core, 1);
  EXPECT_EQ(h.version, 6);
  EXPECT_EQ(h.network, "unix");
  EXPECT_EQ(h.protocol, "grpc");
  ASSERT_FALSE(h.cert_der.empty());

  // The socket is 0600 inside a 0700 directory only we can enter.
  struct stat st;
  ASSERT_EQ(stat(h.address.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string dir = h.address.substr(0, h.address.rfind('/'));
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // No client certificate: the handshake must fail.
  {
    std::string ignored;
    grpc::Status s = HealthCheck(TlsChannel(h, nullptr), &ignored, 3000);
    EXPECT_FALSE(s.ok());
  }
  // A certificate Terraform did not announce: must fail too.
  {
    SelfSignedCertificate other = TerraformClientCert();
    std::string ignored;
    grpc::Status s = HealthCheck(TlsChannel(h, &other), &ignored, 3000);
    EXPECT_FALSE(s.ok());
  }
  // Plaintext against the TLS port: must fail.
  {
    std::string ignored;
    grpc::Status s = HealthCheck(
        grpc::CreateChannel(Target(h), grpc::InsecureChannelCredentials()),
        &ignored, 3000);
    EXPECT_FALSE(s.ok());
  }

  auto channel = TlsChannel(h, &client);
  std::string health;
  grpc::Status s = HealthCheck(channel, &health);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message() << "\n"
                      << child.DrainStderr();
  EXPECT_EQ(health, std::string("\x08\x01", 2)) << "SERVING";

  // StreamStdio ends at once instead of hanging.
  {
    auto stdio = ::plugin::GRPCStdio::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    google::protobuf::Empty req;
    auto reader = stdio->StreamStdio(&ctx, req);
    ::plugin::StdioData data;
    EXPECT_FALSE(reader->Read(&data));
    EXPECT_TRUE(reader->Finish().ok());
  }

  // Provider RPCs reach the registered tfplugin6 service.
  {
    auto provider = tfplugin6::Provider::NewStub(channel);
    grpc::ClientContext ctx;
    tfplugin6::GetProviderSchema::Request req;
    tfplugin6::GetProviderSchema::Response resp;
    grpc::Status ps = provider->GetProviderSchema(&ctx, req, &resp);
    EXPECT_NE(ps.error_code(), grpc::StatusCode::UNAVAILABLE)
        << ps.error_message();
  }

  auto before = Clock::now();
  s = CallShutdown(channel);
  EXPECT_TRUE(s.ok()) << s.error_message();
  auto status = child.WaitExit(2000);  // Terraform kills after 2 s
  ASSERT_TRUE(status.has_value()) << "still running 2 s after Shutdown";
  const double exit_ms =
      std::chrono::duration<double, std::milli>(child.exited_at() - before)
          .count();
  printf("[ figure ] Shutdown RPC -> process exit: %.1f ms\n", exit_ms);
  EXPECT_LT(exit_ms, 100.0);
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  // The private directory is cleaned up.
  EXPECT_NE(stat(dir.c_str(), &st), 0);
}

TEST(PluginProcessTest, PlaintextWhenNoClientCert) {
  auto env = ManagedEnv();
  Child child({}, env, {"PLUGIN_CLIENT_CERT"});
  auto line = child.ReadLine();
  ASSERT_TRUE(line.has_value()) << child.DrainStderr();
  EXPECT_THAT(*line, ::testing::EndsWith("|grpc|"));
  Handshake h = ParseHandshake(*line);
  auto channel =
      grpc::CreateChannel(Target(h), grpc::InsecureChannelCredentials());
  std::string health;
  ASSERT_TRUE(HealthCheck(channel, &health).ok());
  EXPECT_TRUE(CallShutdown(channel).ok());
  EXPECT_TRUE(child.WaitExit(2000).has_value());
}

TEST(PluginProcessTest, NegotiatesProtocolVersion) {
  struct Case {
    std::string offered, forced;
    int want;
  };
  for (const Case& c :
       {Case{"5", "", 5}, Case{"6,5", "", 6}, Case{"5,6", "5", 5}}) {
    auto env = ManagedEnv();
    env["PLUGIN_PROTOCOL_VERSIONS"] = c.offered;
    if (!c.forced.empty()) env["SECUREAML_FORCE_PROTOCOL"] = c.forced;
    Child child({}, env, {"PLUGIN_CLIENT_CERT"});
    auto line = child.ReadLine();
    ASSERT_TRUE(line.has_value()) << child.DrainStderr();
    EXPECT_EQ(ParseHandshake(*line).version, c.want) << c.offered;
    auto channel = grpc::CreateChannel(Target(ParseHandshake(*line)),
                                       grpc::InsecureChannelCredentials());
    auto t0 = Clock::now();
    EXPECT_TRUE(CallShutdown(channel).ok());
    EXPECT_TRUE(child.WaitExit(2000).has_value());
    // The first call on a fresh connection is Shutdown: still prompt.
    EXPECT_LT(MillisSince(t0), 100.0);
  }
}

TEST(PluginProcessTest, ManagedPluginSurvivesCtrlC) {
  Child child({}, ManagedEnv(), {"PLUGIN_CLIENT_CERT"});
  auto line = child.ReadLine();
  ASSERT_TRUE(line.has_value());
  Handshake h = ParseHandshake(*line);
  kill(child.pid(), SIGINT);
  EXPECT_FALSE(child.WaitExit(300).has_value()) << "died on SIGINT";
  auto channel =
      grpc::CreateChannel(Target(h), grpc::InsecureChannelCredentials());
  EXPECT_TRUE(HealthCheck(channel, nullptr).ok());
  // SIGTERM stops it cleanly.
  kill(child.pid(), SIGTERM);
  auto status = child.WaitExit(2000);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
}

TEST(PluginProcessTest, DebugModePrintsReattachAndStopsOnCtrlC) {
  // No cookie: --debug is run by a human.
  Child child({"--debug"}, {{"PLUGIN_CLIENT_CERT", "ignored in debug mode"}},
              {std::string(kMagicCookieKey)});
  std::optional<std::string> reattach;
  while (auto line = child.ReadLine()) {
    size_t pos = line->find("TF_REATTACH_PROVIDERS='");
    if (pos != std::string::npos) {
      reattach = line->substr(pos);
      break;
    }
  }
  ASSERT_TRUE(reattach.has_value()) << child.DrainStderr();
  EXPECT_THAT(*reattach,
              HasSubstr("\"registry.terraform.io/secureaml/secureaml\""));
  EXPECT_THAT(*reattach, HasSubstr("\"Pid\":" + std::to_string(child.pid())));
  EXPECT_THAT(*reattach, HasSubstr("\"ProtocolVersion\":6"));
  EXPECT_THAT(*reattach, HasSubstr("\"Test\":true"));
  size_t at = reattach->find("\"String\":\"") + 10;
  std::string socket = reattach->substr(at, reattach->find('"', at) - at);
  auto channel =
      grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
  EXPECT_TRUE(HealthCheck(channel, nullptr).ok());  // plaintext
  kill(child.pid(), SIGINT);
  auto status = child.WaitExit(2000);
  ASSERT_TRUE(status.has_value()) << "Ctrl-C must stop a debug server";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

}  // namespace
}  // namespace secureaml::plugin

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--" && i + 1 < argc) {
      secureaml::plugin::g_binary = argv[i + 1];
    }
  }
  return RUN_ALL_TESTS();
}
