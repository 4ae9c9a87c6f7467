// Protocol conformance of the real provider binary, driven exactly as
// Terraform drives it (see tests/conformance/README.md): go-plugin start-up
// and AutoMTLS, schema rules, malformed input, shutdown. Binaries come from
// the environment ctest sets:
//   SECUREAML_PROVIDER_BINARY       terraform-provider-secureaml (required)
//   SECUREAML_ECHO_PROVIDER_BINARY  the protocol layer's echo provider
//   SECUREAML_EMULATOR_BINARY       the ARM emulator (lifecycle tests)
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/codec.h"
#include "provider/value/schema.h"
#include "tests/conformance/emulator_process.h"
#include "tests/conformance/lifecycle.h"
#include "tests/conformance/provider_client.h"
#include "tests/conformance/provider_process.h"
#include "tests/conformance/semantics.h"

namespace secureaml::conformance {
namespace {

using ::testing::HasSubstr;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string ProviderBinary() { return Env("SECUREAML_PROVIDER_BINARY"); }

#define REQUIRE_PROVIDER()                               \
  if (ProviderBinary().empty()) {                        \
    GTEST_SKIP() << "SECUREAML_PROVIDER_BINARY not set"; \
  }

struct Started {
  std::unique_ptr<ProviderProcess> process;
  std::unique_ptr<ProviderClient> client;
};

Started StartProvider(const std::string& versions,
                      ProviderProcessOptions o = {}) {
  o.binary = o.binary.empty() ? ProviderBinary() : o.binary;
  o.protocol_versions = versions;
  auto p = ProviderProcess::Start(o);
  Started s;
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return s;
  s.process = *std::move(p);
  s.client = std::make_unique<ProviderClient>(
      s.process->channel(), s.process->handshake().protocol_version);
  return s;
}

int ExpectedVersion(const std::string& offered) {
  return offered.find('6') != std::string::npos ? 6 : 5;
}

// A value of the schema's type with every attribute null and blocks empty:
// what Terraform sends for an empty configuration body.
tf::Value EmptyConfig(const ConfigSchema& s) { return EmptyValue(s.block); }

class ProtocolTest : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Versions, ProtocolTest,
                         ::testing::Values("5", "6", "6,5", "5,6"),
                         [](const auto& info) {
                           std::string n = "offer_" + info.param;
                           for (char& c : n) {
                             if (c == ',') c = '_';
                           }
                           return n;
                         });

TEST_P(ProtocolTest, HandshakeAutoMtlsSchemaConfigureStopShutdown) {
  REQUIRE_PROVIDER();
  Started s = StartProvider(GetParam());
  ASSERT_TRUE(s.process);
  const HandshakeInfo& h = s.process->handshake();
  std::cout << "[ figures  ] offer " << GetParam() << ": exec to handshake "
            << absl::FormatDuration(s.process->startup_duration())
            << "; line: " << s.process->handshake_line().substr(0, 60)
            << "...\n";
  EXPECT_EQ(h.protocol_version, ExpectedVersion(GetParam()))
      << "the plugin must choose the highest offered version it supports";
  EXPECT_FALSE(h.server_cert_pem.empty()) << "AutoMTLS: no server cert";
  EXPECT_THAT(DescribeCertificatePem(h.server_cert_pem),
              HasSubstr("san=DNS:localhost"));
  if (h.network == "unix") {
    struct stat st;
    ASSERT_EQ(stat(h.address.c_str(), &st), 0) << h.address;
    EXPECT_EQ(st.st_mode & 0077, 0u)
        << "socket " << h.address << " is accessible to other users";
  }

  auto schema = s.client->GetProviderSchema();
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_FALSE(schema->diagnostics.HasError())
      << schema->diagnostics.ToString();
  for (const std::string& e :
       ValidateProviderSchemas(schema->schemas, kDefaultProviderAddress)) {
    ADD_FAILURE() << e;
  }
  // The provider's own InternalValidate port must agree with what went over
  // the wire.
  EXPECT_TRUE(
      tf::ValidateSchema(ToTfSchema(schema->schemas.provider), true).ok());
  for (const auto& [name, rs] : schema->schemas.resources) {
    absl::Status v = tf::ValidateSchema(ToTfSchema(rs));
    EXPECT_TRUE(v.ok()) << name << ": " << v;
  }
  for (const auto& [name, ds] : schema->schemas.data_sources) {
    absl::Status v = tf::ValidateSchema(ToTfSchema(ds));
    EXPECT_TRUE(v.ok()) << "data." << name << ": " << v;
  }
  if (h.protocol_version == 5) {
    for (const auto& [name, rs] : schema->schemas.resources) {
      for (const auto& [an, a] : rs.block.attributes) {
        EXPECT_EQ(a.nested_type, nullptr)
            << name << "." << an << ": nested attributes need protocol 6";
      }
    }
  }
  std::cout << "[ figures  ] " << schema->schemas.resources.size()
            << " resources, " << schema->schemas.data_sources.size()
            << " data sources; plan_destroy="
            << schema->schemas.capabilities.plan_destroy
            << " get_provider_schema_optional="
            << schema->schemas.capabilities.get_provider_schema_optional
            << "\n";

  // Terraform validates a non-empty provider block and always configures,
  // with an all-null object when there is no block. Missing credentials
  // may give diagnostics, never a gRPC error.
  tf::Value empty = EmptyConfig(schema->schemas.provider);
  auto v = s.client->ValidateProviderConfig(empty);
  ASSERT_TRUE(v.ok()) << v.status();
  auto c = s.client->ConfigureProvider(empty);
  ASSERT_TRUE(c.ok()) << c.status();
  std::cout << "[ figures  ] Configure(empty): "
            << (c->diagnostics.empty() ? "no diagnostics"
                                       : c->diagnostics.ToString())
            << "\n";
  for (const std::string& note : s.client->protocol_notes()) {
    ADD_FAILURE() << note;
  }

  auto stop = s.client->Stop();
  ASSERT_TRUE(stop.ok()) << stop.status();
  EXPECT_EQ(*stop, "");
  EXPECT_TRUE(s.process->IsRunning()) << "Stop must not end the process";

  ProcessExit exit = s.process->Shutdown();
  std::cout << "[ figures  ] offer " << GetParam() << ": Shutdown to exit "
            << absl::ToDoubleMilliseconds(exit.shutdown_duration) << " ms ("
            << exit.ToString() << ")\n";
  EXPECT_EQ(exit.shutdown_rpc_status, grpc::StatusCode::OK);
  EXPECT_FALSE(exit.killed_by_us);
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_LT(exit.shutdown_duration, absl::Milliseconds(100));
}

TEST_P(ProtocolTest, ClientWithoutOrWithOtherCertificateIsRejected) {
  REQUIRE_PROVIDER();
  Started s = StartProvider(GetParam());
  ASSERT_TRUE(s.process);
  const int v = s.process->handshake().protocol_version;
  const std::string& server_pem = s.process->handshake().server_cert_pem;

  auto other = GenerateClientCertificate();
  ASSERT_TRUE(other.ok());
  struct Case {
    const char* what;
    std::shared_ptr<grpc::ChannelCredentials> creds;
  } cases[] = {
      {"no client certificate",
       ProviderProcess::MtlsCredentials(server_pem, std::nullopt)},
      {"a different go-plugin style certificate",
       ProviderProcess::MtlsCredentials(server_pem, *other)},
      {"plaintext", grpc::InsecureChannelCredentials()},
  };
  for (const Case& c : cases) {
    ProviderClient intruder(s.process->CreateChannel(c.creds), v);
    auto r = intruder.GetProviderSchema();
    ASSERT_FALSE(r.ok()) << c.what << " was accepted";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable)
        << c.what << ": " << r.status();
  }
  // Not trusting the server certificate fails on our side too.
  ProviderClient wrong_root(
      s.process->CreateChannel(ProviderProcess::MtlsCredentials(
          other->cert_pem, s.process->client_certificate())),
      v);
  EXPECT_FALSE(wrong_root.GetProviderSchema().ok());

  // The legitimate client is unaffected.
  EXPECT_TRUE(s.process->IsRunning());
  auto ok = s.client->GetProviderSchema();
  EXPECT_TRUE(ok.ok()) << ok.status();
  EXPECT_LT(s.process->Shutdown().shutdown_duration, absl::Seconds(2));
}

TEST_P(ProtocolTest, MalformedInputComesBackAsDiagnostics) {
  REQUIRE_PROVIDER();
  Started s = StartProvider(GetParam());
  ASSERT_TRUE(s.process);
  auto schema = s.client->GetProviderSchema();
  ASSERT_TRUE(schema.ok()) << schema.status();
  ProviderClient& c = *s.client;

  std::vector<std::pair<std::string, RawValue>> payloads = {
      {"invalid msgpack byte", RawValue::Msgpack("\xc1\x00garbage")},
      {"truncated map", RawValue::Msgpack("\x83\xa4name")},
      {"array claiming 4G elements",
       RawValue::Msgpack(std::string("\xdd\xff\xff\xff\xff", 5))},
      {"100k nested arrays",
       RawValue::Msgpack(std::string(100000, '\x91') + "\xc0")},
      {"wrong top-level kind", RawValue::Msgpack("\xa5hello")},
      {"invalid JSON", RawValue::Json("{\"name\": ")},
  };

  auto expect_diag = [&](const std::string& what,
                         const absl::StatusOr<tf::Diagnostics>& d) {
    ASSERT_TRUE(d.ok()) << what << ": gRPC error instead of a diagnostic: "
                        << d.status();
    EXPECT_TRUE(d->HasError()) << what << ": accepted";
    ASSERT_TRUE(s.process->IsRunning()) << what << " crashed the provider:\n"
                                        << s.process->StderrText();
  };
  auto diags = [](const auto& r) -> absl::StatusOr<tf::Diagnostics> {
    if (!r.ok()) return r.status();
    return r->diagnostics;
  };

  for (const auto& [what, raw] : payloads) {
    expect_diag("ValidateProviderConfig(" + what + ")",
                diags(c.ValidateProviderConfigRaw(raw)));
    for (const auto& [type, rs] : schema->schemas.resources) {
      expect_diag("ValidateResourceConfig(" + type + ", " + what + ")",
                  diags(c.ValidateResourceConfigRaw(type, raw)));
      RawValue null = RawValue::Msgpack("\xc0");
      expect_diag("PlanResourceChange(" + type + ", " + what + ")",
                  diags(c.PlanResourceChangeRaw(type, null, raw, raw, "")));
      expect_diag("ApplyResourceChange(" + type + ", " + what + ")",
                  diags(c.ApplyResourceChangeRaw(type, raw, raw, raw, "")));
      expect_diag("ReadResource(" + type + ", " + what + ")",
                  diags(c.ReadResourceRaw(type, raw, "")));
      break;  // one resource type is enough per payload
    }
    for (const auto& [type, ds] : schema->schemas.data_sources) {
      expect_diag("ValidateDataSourceConfig(" + type + ", " + what + ")",
                  diags(c.ValidateDataSourceConfigRaw(type, raw)));
      expect_diag("ReadDataSource(" + type + ", " + what + ")",
                  diags(c.ReadDataSourceRaw(type, raw)));
      break;
    }
  }
  expect_diag("ConfigureProvider(garbage)",
              diags(c.ConfigureProviderRaw(RawValue::Msgpack("\xc1"))));
  expect_diag("UpgradeResourceState(bad JSON)",
              [&]() -> absl::StatusOr<tf::Diagnostics> {
                if (schema->schemas.resources.empty()) {
                  tf::Diagnostics d;
                  d.AddError("no resources");
                  return d;
                }
                auto r = c.UpgradeResourceState(
                    schema->schemas.resources.begin()->first, 0, "{not json");
                if (!r.ok()) return r.status();
                return r->diagnostics;
              }());

  // Wrong attribute types and unknown attributes, encoded validly.
  for (const auto& [type, rs] : schema->schemas.resources) {
    tf::Type t = rs.block.ImpliedType();
    std::map<std::string, tf::Type> wrong = t.AttributeTypes();
    std::map<std::string, tf::Value> vals;
    std::string flipped;
    for (auto& [n, at] : wrong) {
      if (flipped.empty() && at.kind() == tf::Type::Kind::kString) {
        at = tf::Type::Bool();
        flipped = n;
      }
    }
    for (const auto& [n, at] : wrong) {
      vals[n] = n == flipped ? tf::Value::Bool(true) : tf::Value::Null(at);
    }
    if (!flipped.empty()) {
      tf::Type wt = tf::Type::Object(wrong);
      auto bytes = tf::EncodeMsgpack(tf::Value::Object(wt, vals), wt);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      auto r = c.ValidateResourceConfigRaw(type, RawValue::Msgpack(*bytes));
      expect_diag(type + " with " + flipped + " = true", diags(r));
    }
    std::map<std::string, tf::Type> extra = t.AttributeTypes();
    extra["definitely_not_an_attribute"] = tf::Type::String();
    std::map<std::string, tf::Value> evals;
    for (const auto& [n, at] : extra) evals[n] = tf::Value::Null(at);
    evals["definitely_not_an_attribute"] = tf::Value::String("x");
    tf::Type et = tf::Type::Object(extra);
    auto bytes = tf::EncodeMsgpack(tf::Value::Object(et, evals), et);
    ASSERT_TRUE(bytes.ok());
    expect_diag(
        type + " with an unknown attribute",
        diags(c.ValidateResourceConfigRaw(type, RawValue::Msgpack(*bytes))));
    break;
  }

  // Unknown type names.
  const std::string bogus = "secureaml_no_such_type";
  RawValue null = RawValue::Msgpack("\xc0");
  expect_diag("ValidateResourceConfig(unknown type)",
              diags(c.ValidateResourceConfigRaw(bogus, null)));
  expect_diag("ValidateDataSourceConfig(unknown type)",
              diags(c.ValidateDataSourceConfigRaw(bogus, null)));
  expect_diag("PlanResourceChange(unknown type)",
              diags(c.PlanResourceChangeRaw(bogus, null, null, null, "")));
  expect_diag("ReadResource(unknown type)",
              diags(c.ReadResourceRaw(bogus, null, "")));
  expect_diag("ReadDataSource(unknown type)",
              diags(c.ReadDataSourceRaw(bogus, null)));
  {
    auto r = c.ImportResourceState(bogus, "/subscriptions/x");
    expect_diag("ImportResourceState(unknown type)", diags(r));
  }

  // Still healthy afterwards.
  auto again = c.GetProviderSchema();
  EXPECT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(s.process->Shutdown().killed_by_us);
}

TEST_P(ProtocolTest, IgnoresSigint) {
  REQUIRE_PROVIDER();
  Started s = StartProvider(GetParam());
  ASSERT_TRUE(s.process);
  ASSERT_TRUE(s.client->GetProviderSchema().ok());
  // Ctrl-C reaches the whole process group; Terraform then calls Stop and
  // later Shutdown, so the plugin must survive the signal itself.
  s.process->Signal(SIGINT);
  absl::SleepFor(absl::Milliseconds(200));
  ASSERT_TRUE(s.process->IsRunning()) << "SIGINT killed the provider";
  auto r = s.client->GetProviderSchema();
  EXPECT_TRUE(r.ok()) << r.status();
  ProcessExit exit = s.process->Shutdown();
  EXPECT_FALSE(exit.killed_by_us)
      << "did not exit within 2 s of Shutdown after SIGINT";
  std::cout << "[ figures  ] offer " << GetParam()
            << ": Shutdown after SIGINT took "
            << absl::ToDoubleMilliseconds(exit.shutdown_duration) << " ms\n";
}

TEST_P(ProtocolTest, ServesConcurrentCallsThenShutsDown) {
  REQUIRE_PROVIDER();
  Started s = StartProvider(GetParam());
  ASSERT_TRUE(s.process);
  // Terraform's -parallelism=10.
  std::vector<std::future<bool>> calls;
  for (int i = 0; i < 10; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      ProviderClient c(s.process->channel(),
                       s.process->handshake().protocol_version);
      return c.GetProviderSchema().ok();
    }));
  }
  for (auto& f : calls) EXPECT_TRUE(f.get());
  ProcessExit exit = s.process->Shutdown();
  EXPECT_FALSE(exit.killed_by_us)
      << "did not exit within 2 s of Shutdown after concurrent calls";
  std::cout << "[ figures  ] offer " << GetParam()
            << ": Shutdown after 10 concurrent calls took "
            << absl::ToDoubleMilliseconds(exit.shutdown_duration) << " ms\n";
}

TEST(ProviderStartTest, RefusesToRunWithoutMagicCookie) {
  REQUIRE_PROVIDER();
  ProviderProcessOptions o;
  o.binary = ProviderBinary();
  o.set_magic_cookie = false;
  o.unset_env = {kMagicCookieKey};
  o.start_timeout = absl::Seconds(10);
  auto p = ProviderProcess::Start(o);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("plugin exited before we could connect"));
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("This binary is a plugin"));
}

TEST(ProviderStartTest, PlaintextWhenTerraformDisablesTls) {
  REQUIRE_PROVIDER();
  // TF_DISABLE_PLUGIN_TLS: no PLUGIN_CLIENT_CERT, so no cert may be printed
  // (go-plugin would dereference a nil TLS config and crash the host).
  ProviderProcessOptions o;
  o.auto_mtls = false;
  o.unset_env = {"PLUGIN_CLIENT_CERT"};
  Started s = StartProvider("6,5", o);
  ASSERT_TRUE(s.process);
  EXPECT_TRUE(s.process->handshake().server_cert_pem.empty())
      << s.process->handshake_line();
  auto r = s.client->GetProviderSchema();
  EXPECT_TRUE(r.ok()) << r.status();
  s.process->Shutdown();
}

TEST(ProviderStartTest, NoSecretInLogs) {
  REQUIRE_PROVIDER();
  const std::string secret = "conformance-S3cret-value-9f8e7d";
  ProviderProcessOptions o;
  o.env = {{"TF_LOG", "TRACE"}, {"ARM_CLIENT_SECRET", secret}};
  Started s = StartProvider("6,5", o);
  ASSERT_TRUE(s.process);
  auto schema = s.client->GetProviderSchema();
  ASSERT_TRUE(schema.ok());
  tf::Value cfg = EmptyConfig(schema->schemas.provider);
  if (schema->schemas.provider.block.Attribute("client_secret")) {
    cfg = cfg.WithAttr("client_secret", tf::Value::String(secret));
  }
  (void)s.client->ValidateProviderConfig(cfg);
  (void)s.client->ConfigureProvider(cfg);
  s.process->Shutdown();
  EXPECT_THAT(s.process->StderrText(), ::testing::Not(HasSubstr(secret)));
}

// --- Lifecycle driver against the protocol layer's echo provider ---------

TEST(EchoLifecycleTest, FullFlowOnBothProtocols) {
  const std::string echo = Env("SECUREAML_ECHO_PROVIDER_BINARY");
  if (echo.empty()) GTEST_SKIP() << "SECUREAML_ECHO_PROVIDER_BINARY not set";
  for (const char* versions : {"5", "6"}) {
    for (bool fresh : {false, true}) {
      SessionOptions so;
      so.process.binary = echo;
      so.process.protocol_versions = versions;
      so.provider_config = {{"prefix", "t-"}};
      so.fresh_process_per_phase = fresh;
      Findings findings;
      auto session = ProviderSession::Start(so, &findings);
      ASSERT_TRUE(session.ok()) << session.status();
      Lifecycle lc(**session);
      Lifecycle::ResourceSteps steps;
      steps.type_name = "secureaml_echo";
      steps.create = {{"name", "a"}};
      steps.update = nlohmann::json{{"name", "a"}, {"note", "changed"}};
      // The echo core imports the ID as the name and has no backend.
      steps.import_ignore = {"name", "note"};
      steps.check_destroyed = false;
      EXPECT_TRUE(lc.RunResourceLifecycle(steps))
          << "protocol " << versions << (fresh ? " fresh" : "") << "\n"
          << findings.Report();
      auto data =
          lc.ReadDataSource("secureaml_echo", "data.secureaml_echo.y", [&] {
            std::vector<std::string> errs;
            return *DecodeConfigJson(
                (*session)->schemas().DataSource("secureaml_echo")->block,
                {{"input", "hi"}}, &errs);
          }());
      ASSERT_TRUE(data.has_value()) << findings.Report();
      EXPECT_EQ(data->GetAttr("output"), tf::Value::String("echo:hi"));
      std::cout << "[ timings  ] protocol " << versions
                << (fresh ? " (fresh process per phase)" : "") << "\n"
                << lc.TimingReport();
    }
  }
}

// --- Emulator-backed lifecycles of real resources -------------------------

struct EmulatorLifecycleCase {
  const char* protocol;
  const char* type;
  // Builds create/update configs from the landing zone.
  std::function<void(const nlohmann::json& lz, Lifecycle::ResourceSteps&)> fill;
};

class EmulatorLifecycleTest
    : public ::testing::TestWithParam<EmulatorLifecycleCase> {};

TEST_P(EmulatorLifecycleTest, CreateReadNoOpUpdateImportDestroy) {
  REQUIRE_PROVIDER();
  const std::string emulator_binary = Env("SECUREAML_EMULATOR_BINARY");
  if (emulator_binary.empty()) {
    GTEST_SKIP() << "SECUREAML_EMULATOR_BINARY not set";
  }
  EmulatorOptions eo;
  eo.binary = emulator_binary;
  auto emu = EmulatorProcess::Start(eo);
  ASSERT_TRUE(emu.ok()) << emu.status();

  SessionOptions so;
  so.process.binary = ProviderBinary();
  so.process.protocol_versions = GetParam().protocol;
  so.process.env = (*emu)->ProviderEnv();
  Findings findings;
  auto session = ProviderSession::Start(so, &findings);
  ASSERT_TRUE(session.ok()) << session.status() << "\n" << findings.Report();
  if ((*session)->schemas().Resource(GetParam().type) == nullptr) {
    GTEST_SKIP() << GetParam().type << " not in this provider build";
  }
  Lifecycle lc(**session);
  Lifecycle::ResourceSteps steps;
  steps.type_name = GetParam().type;
  GetParam().fill((*emu)->landing_zone(), steps);
  EXPECT_TRUE(lc.RunResourceLifecycle(steps)) << findings.Report();
  std::cout << "[ timings  ] " << GetParam().type << " over protocol "
            << GetParam().protocol << "\n"
            << lc.TimingReport();
  (*session)->Shutdown();
  EXPECT_THAT((*session)->AllStderr(),
              ::testing::Not(
                  HasSubstr((*emu)->ProviderEnv().count("ARM_CLIENT_SECRET")
                                ? (*emu)->ProviderEnv().at("ARM_CLIENT_SECRET")
                                : std::string("\x01"))))
      << "client secret in provider logs";
}

std::vector<EmulatorLifecycleCase> EmulatorCases() {
  auto dns = [](const nlohmann::json& lz, Lifecycle::ResourceSteps& s) {
    s.create = {{"name", "privatelink.api.azureml.ms"},
                {"resource_group_name", lz.value("resource_group_name", "")},
                {"virtual_network_ids", {lz.value("vnet_id", "")}},
                {"tags", {{"environment", "conformance"}}}};
    nlohmann::json up = s.create;
    up["tags"]["stage"] = "updated";
    s.update = up;
    s.import_ignore = {"timeouts"};
  };
  auto role = [](const nlohmann::json& lz, Lifecycle::ResourceSteps& s) {
    s.create = {{"scope", lz.value("resource_group_id", "")},
                {"preset", "data_scientist"},
                {"name", "conformance Data Scientist"},
                {"description", "first"}};
    nlohmann::json up = s.create;
    up["description"] = "second";
    s.update = up;
    s.import_ignore = {"timeouts"};
  };
  std::vector<EmulatorLifecycleCase> out;
  for (const char* p : {"5", "6"}) {
    out.push_back({p, "secureaml_private_dns_zone", dns});
    out.push_back({p, "secureaml_role_definition", role});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Resources, EmulatorLifecycleTest,
                         ::testing::ValuesIn(EmulatorCases()),
                         [](const auto& info) {
                           return std::string(info.param.type) + "_v" +
                                  info.param.protocol;
                         });

}  // namespace
}  // namespace secureaml::conformance
