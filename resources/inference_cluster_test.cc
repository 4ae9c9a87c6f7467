#include "resources/inference_cluster.h"

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::ContainsPath;
using testing::FakeArm;
using testing::HasAttributeDiag;
using ::testing::HasSubstr;
using testing::kTestSub;
using testing::PlanResult;
using tf::AttributePath;
using tf::Severity;
using tf::Type;
using tf::Value;

const std::string kRg =
    absl::StrCat("/subscriptions/", kTestSub, "/resourceGroups/ml-rg");
const std::string kWsId =
    kRg + "/providers/Microsoft.MachineLearningServices/workspaces/ws1";
const std::string kComputeId = kWsId + "/computes/scoring";
const std::string kAksId =
    kRg + "/providers/Microsoft.ContainerService/managedClusters/aks1";
const std::string kVnetId =
    kRg + "/providers/Microsoft.Network/virtualNetworks/hub";
const std::string kSubnetId = kVnetId + "/subnets/scoring";
const std::string kPrivateFqdn = "aks1-1a2b.privatelink.eastus.azmk8s.io";

class InferenceClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
    arm_->Seed(kWsId, {{"location", "eastus"},
                       {"properties", nlohmann::json::object()}});
    arm_->Seed(kAksId,
               {{"location", "eastus"},
                {"properties",
                 {{"provisioningState", "Succeeded"},
                  {"fqdn", "aks1-public.hcp.eastus.azmk8s.io"},
                  {"privateFQDN", kPrivateFqdn},
                  {"agentPoolProfiles",
                   {{{"name", "pool"}, {"vnetSubnetID", kSubnetId}}}}}}});
    arm_->Seed(
        kVnetId,
        {{"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.150.0.0/16"}}}},
           {"subnets", {{{"name", "training"}}, {{"name", "scoring"}}}}}}});
    arm_->Seed(kSubnetId,
               {{"properties", {{"addressPrefix", "10.150.1.0/24"}}}});
    // What Azure ML does with a compute PUT: read-only fields, attached or
    // not, and the SSL secrets stripped from every answer.
    arm_->OnPut([](const std::string&, nlohmann::json& body) {
      nlohmann::json& p = body["properties"];
      p["provisioningState"] = "Succeeded";
      p["isAttachedCompute"] = p.contains("resourceId");
      if (!p.contains("resourceId")) {
        p["resourceId"] = kRg +
                          "/providers/Microsoft.ContainerService/"
                          "managedClusters/scoring0a1b2c";
      }
      nlohmann::json& inner = p["properties"];
      if (inner.contains("sslConfiguration")) {
        inner["sslConfiguration"].erase("cert");
        inner["sslConfiguration"].erase("key");
        inner["sslConfiguration"]["overwriteExistingDomain"] = false;
      }
    });
  }

  Type BlockType(const char* name) {
    return res_.GetSchema().block.FindBlock(name)->block.ImpliedType();
  }

  Value CreateBlock(std::map<std::string, Value> overrides = {}) {
    std::map<std::string, Value> attrs = {
        {"agent_count", Value::Int(3)},
        {"agent_vm_size", Value::String("Standard_D3_v2")},
        {"subnet_id", Value::String(kSubnetId)},
        {"service_cidr", Value::String("10.0.0.0/16")},
        {"dns_service_ip", Value::String("10.0.0.10")},
        {"docker_bridge_cidr", Value::String("172.17.0.1/16")}};
    for (auto& [k, v] : overrides) attrs[k] = v;
    return Value::Object(BlockType("create"), attrs);
  }

  Value Ssl(std::map<std::string, Value> attrs) {
    return Value::Object(BlockType("ssl"), std::move(attrs));
  }

  std::map<std::string, Value> AttachConfig() {
    return {{"name", Value::String("scoring")},
            {"workspace_id", Value::String(kWsId)},
            {"kubernetes_cluster_id", Value::String(kAksId)}};
  }

  std::map<std::string, Value> CreateConfig() {
    return {{"name", Value::String("scoring")},
            {"workspace_id", Value::String(kWsId)},
            {"create", CreateBlock()},
            {"load_balancer_subnet", Value::String("scoring")}};
  }

  PlanResult Plan(const std::map<std::string, Value>& config,
                  const Value& prior = Value::Null(Type())) {
    return testing::Plan(res_, config, prior, az_.get());
  }

  Value Create(const std::map<std::string, Value>& config,
               tf::Diagnostics* diags_out = nullptr) {
    PlanResult p = Plan(config);
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    core::CreateRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.planned_state = p.planned;
    core::CreateResponse resp;
    res_.Create(req, resp);
    if (diags_out != nullptr) {
      *diags_out = resp.diagnostics;
    } else {
      EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    }
    if (!resp.new_state.IsNull() && !resp.diagnostics.HasError()) {
      EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty())
          << resp.new_state.DebugString();
    }
    return resp.new_state;
  }

  Value Read(const Value& state, tf::Diagnostics* diags_out = nullptr) {
    core::ReadRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.current_state = state;
    core::ReadResponse resp;
    resp.new_state = state;
    res_.Read(req, resp);
    if (diags_out != nullptr) {
      *diags_out = resp.diagnostics;
    } else {
      EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    }
    return resp.new_state;
  }

  Value Update(const Value& prior, const PlanResult& p) {
    core::UpdateRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.prior_state = prior;
    req.planned_state = p.planned;
    core::UpdateResponse resp;
    resp.new_state = p.planned;
    res_.Update(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty())
        << resp.new_state.DebugString();
    return resp.new_state;
  }

  tf::Diagnostics Delete(const Value& state) {
    core::DeleteRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.prior_state = state;
    core::DeleteResponse resp;
    res_.Delete(req, resp);
    return resp.diagnostics;
  }

  // The plan for `state` with `config` changes nothing.
  void ExpectNoChanges(const std::map<std::string, Value>& config,
                       const Value& state) {
    PlanResult p = Plan(config, state);
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    EXPECT_TRUE(p.requires_replace.empty());
    EXPECT_EQ(p.planned, state) << p.planned.DebugString() << "\n"
                                << state.DebugString();
  }

  std::optional<testing::RecordedRequest> LastPut() {
    std::optional<testing::RecordedRequest> out;
    for (const auto& r : arm_->Writes()) {
      if (r.method == "PUT") out = r;
    }
    return out;
  }

  InferenceClusterResource res_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(InferenceClusterTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(res_.GetSchema()).ok());
  for (const tf::Attribute& a : res_.GetSchema().block.attributes) {
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
  const tf::Block* ssl = &res_.GetSchema().block.FindBlock("ssl")->block;
  EXPECT_TRUE(ssl->FindAttribute("cert")->sensitive);
  EXPECT_TRUE(ssl->FindAttribute("key")->sensitive);
}

TEST_F(InferenceClusterTest, AttachesPrivateClusterByPrivateFqdnBehindIlb) {
  Value state = Create(AttachConfig());
  std::optional<testing::RecordedRequest> put = LastPut();
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(put->path, kComputeId);
  const nlohmann::json& p = put->body["properties"];
  EXPECT_EQ(p["computeType"], "AKS");
  EXPECT_EQ(p["resourceId"], kAksId);
  EXPECT_EQ(p["properties"]["clusterFqdn"], kPrivateFqdn);
  EXPECT_EQ(p["properties"]["loadBalancerType"], "InternalLoadBalancer");
  EXPECT_EQ(p["properties"]["clusterPurpose"], "FastProd");
  EXPECT_FALSE(p["properties"].contains("aksNetworkingConfiguration"));
  // The location comes from the workspace when not configured.
  EXPECT_EQ(put->body["location"], "eastus");

  EXPECT_EQ(state.GetString("id"), kComputeId);
  EXPECT_EQ(state.GetString("cluster_fqdn"), kPrivateFqdn);
  EXPECT_EQ(state.GetString("on_destroy"), "detach");
  EXPECT_EQ(state.GetString("location"), "eastus");
  EXPECT_EQ(state.GetString("underlying_cluster_id"), kAksId);
  EXPECT_TRUE(state.GetAttr("create").IsNull());
  EXPECT_TRUE(state.IsWhollyKnown());
  ExpectNoChanges(AttachConfig(), Read(state));
}

TEST_F(InferenceClusterTest, PublicFqdnWhenClusterIsNotPrivate) {
  arm_->Mutate(kAksId,
               [](nlohmann::json& b) { b["properties"].erase("privateFQDN"); });
  Create(AttachConfig());
  EXPECT_EQ(LastPut()->body["properties"]["properties"]["clusterFqdn"],
            "aks1-public.hcp.eastus.azmk8s.io");
}

TEST_F(InferenceClusterTest, ClusterWithoutFqdnFailsAtPlanWithoutCrashing) {
  arm_->Mutate(kAksId, [](nlohmann::json& b) {
    b["properties"].erase("privateFQDN");
    b["properties"].erase("fqdn");
    b["properties"]["provisioningState"] = "Creating";
  });
  PlanResult p = Plan(AttachConfig());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("kubernetes_cluster_id"),
                               Severity::kError))
      << p.diagnostics.ToString();
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("Creating"));
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(InferenceClusterTest, MissingClusterFailsAtPlan) {
  auto config = AttachConfig();
  config["kubernetes_cluster_id"] = Value::String(
      kRg + "/providers/Microsoft.ContainerService/managedClusters/nope");
  PlanResult p = Plan(config);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("kubernetes_cluster_id"),
                               Severity::kError));
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("not found"));
}

TEST_F(InferenceClusterTest, CreateVariantSendsNetworkingAndDeletesOnDestroy) {
  Value state = Create(CreateConfig());
  const nlohmann::json p = LastPut()->body["properties"];
  EXPECT_FALSE(p.contains("resourceId"));
  const nlohmann::json& inner = p["properties"];
  EXPECT_EQ(inner["agentCount"], 3);
  EXPECT_EQ(inner["agentVmSize"], "Standard_D3_v2");
  EXPECT_EQ(inner["loadBalancerSubnet"], "scoring");
  EXPECT_EQ(inner["aksNetworkingConfiguration"],
            nlohmann::json({{"subnetId", kSubnetId},
                            {"serviceCidr", "10.0.0.0/16"},
                            {"dnsServiceIP", "10.0.0.10"},
                            {"dockerBridgeCidr", "172.17.0.1/16"}}));
  EXPECT_EQ(state.GetString("on_destroy"), "delete");
  EXPECT_TRUE(state.GetAttr("kubernetes_cluster_id").IsNull());
  EXPECT_THAT(state.GetString("underlying_cluster_id").value_or(""),
              HasSubstr("managedClusters/scoring0a1b2c"));
  ExpectNoChanges(CreateConfig(), Read(state));

  arm_->ClearRequests();
  EXPECT_FALSE(Delete(state).HasError());
  ASSERT_EQ(arm_->Writes().size(), 1u);
  EXPECT_EQ(arm_->Writes()[0].method, "DELETE");
  EXPECT_THAT(arm_->Writes()[0].query,
              HasSubstr("underlyingResourceAction=Delete"));
  EXPECT_FALSE(arm_->Get(kComputeId).has_value());
}

TEST_F(InferenceClusterTest, AttachedClusterIsDetachedOnDestroy) {
  Value state = Create(AttachConfig());
  arm_->ClearRequests();
  EXPECT_FALSE(Delete(state).HasError());
  ASSERT_EQ(arm_->Writes().size(), 1u);
  EXPECT_THAT(arm_->Writes()[0].query,
              HasSubstr("underlyingResourceAction=Detach"));
  // Already gone: still success.
  EXPECT_FALSE(Delete(state).HasError());
}

TEST_F(InferenceClusterTest, ExplicitOnDestroyAndReturningToTheDefault) {
  auto config = AttachConfig();
  config["on_destroy"] = Value::String("delete");
  Value state = Create(config);
  EXPECT_EQ(state.GetString("on_destroy"), "delete");
  // Removing it returns to the attach default, in place and without a PUT.
  PlanResult p = Plan(AttachConfig(), state);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned.GetString("on_destroy"), "detach");
  arm_->ClearRequests();
  Value updated = Update(state, p);
  EXPECT_EQ(updated.GetString("on_destroy"), "detach");
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(InferenceClusterTest, RangesOverlappingTheVnetFailAtPlan) {
  auto config = CreateConfig();
  config["create"] =
      CreateBlock({{"service_cidr", Value::String("10.150.0.0/20")},
                   {"dns_service_ip", Value::String("10.150.0.10")},
                   {"docker_bridge_cidr", Value::String("10.150.64.1/24")}});
  PlanResult p = Plan(config);
  AttributePath create = AttributePath::Root("create");
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, create.Attr("service_cidr"),
                               Severity::kError))
      << p.diagnostics.ToString();
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, create.Attr("docker_bridge_cidr"),
                               Severity::kError));
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("10.150.0.0/16"));
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(InferenceClusterTest, UnknownLoadBalancerSubnetFailsAtPlan) {
  auto config = CreateConfig();
  config["load_balancer_subnet"] = Value::String("frontend");
  PlanResult p = Plan(config);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("load_balancer_subnet"),
                               Severity::kError));
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("training, scoring"));
  // The attached cluster's VNet is checked the same way.
  auto attach = AttachConfig();
  attach["load_balancer_subnet"] = Value::String("frontend");
  p = Plan(attach);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("load_balancer_subnet"),
                               Severity::kError));
  attach["load_balancer_subnet"] = Value::String("scoring");
  EXPECT_FALSE(Plan(attach).diagnostics.HasError());
}

TEST_F(InferenceClusterTest, MissingSubnetFailsAtPlan) {
  auto config = CreateConfig();
  config["create"] =
      CreateBlock({{"subnet_id", Value::String(kVnetId + "/subnets/missing")}});
  PlanResult p = Plan(config);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("create").Attr("subnet_id"),
                               Severity::kError));
}

TEST_F(InferenceClusterTest, BadInputFailsValidationOnTheRightAttribute) {
  AttributePath create = AttributePath::Root("create");
  struct Case {
    std::map<std::string, Value> overrides;
    AttributePath path;
  };
  std::vector<Case> cases = {
      {{{"service_cidr", Value::String("10.0.0.0/33")}},
       create.Attr("service_cidr")},
      {{{"service_cidr", Value::String("10.0.0.0/8")},
        {"dns_service_ip", Value::String("10.0.0.10")}},
       create.Attr("service_cidr")},
      {{{"docker_bridge_cidr", Value::String("10.0.0.1/24")}},
       create.Attr("service_cidr")},
      {{{"dns_service_ip", Value::String("10.1.0.10")}},
       create.Attr("dns_service_ip")},
      {{{"dns_service_ip", Value::String("10.0.0.1")}},
       create.Attr("dns_service_ip")},
      {{{"dns_service_ip", Value::String("10.0.0")}},
       create.Attr("dns_service_ip")},
      {{{"subnet_id", Value::String("/subscriptions/x/subnets/scoring")}},
       create.Attr("subnet_id")},
      {{{"agent_count", Value::Int(0)}}, create.Attr("agent_count")},
  };
  for (const Case& c : cases) {
    auto config = CreateConfig();
    config["create"] = CreateBlock(c.overrides);
    PlanResult p = Plan(config);
    EXPECT_TRUE(HasAttributeDiag(p.diagnostics, c.path, Severity::kError))
        << c.path.ToString() << ": " << p.diagnostics.ToString();
  }
  auto config = AttachConfig();
  config["kubernetes_cluster_id"] = Value::String("aks1");
  EXPECT_TRUE(HasAttributeDiag(Plan(config).diagnostics,
                               AttributePath::Root("kubernetes_cluster_id"),
                               Severity::kError));
  config = AttachConfig();
  config["cluster_purpose"] = Value::String("Production");
  EXPECT_TRUE(HasAttributeDiag(Plan(config).diagnostics,
                               AttributePath::Root("cluster_purpose"),
                               Severity::kError));
  EXPECT_TRUE(arm_->Writes().empty());
}

TEST_F(InferenceClusterTest, ExactlyOneOfAttachAndCreate) {
  auto both = AttachConfig();
  both["create"] = CreateBlock();
  PlanResult p = Plan(both);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("kubernetes_cluster_id"),
                               Severity::kError));
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("not both"));
  auto neither = AttachConfig();
  neither.erase("kubernetes_cluster_id");
  p = Plan(neither);
  EXPECT_THAT(p.diagnostics.ToString(), HasSubstr("create block"));
  // An attach ID known only at apply is fine.
  auto later = AttachConfig();
  later["kubernetes_cluster_id"] = Value::Unknown(Type::String());
  EXPECT_FALSE(Plan(later).diagnostics.HasError());
}

TEST_F(InferenceClusterTest, PublicLoadBalancerIsOptInWithWarning) {
  auto config = AttachConfig();
  config["load_balancer_type"] = Value::String("PublicIp");
  PlanResult p = Plan(config);
  EXPECT_FALSE(p.diagnostics.HasError());
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("load_balancer_type"),
                               Severity::kWarning));
  config["load_balancer_subnet"] = Value::String("scoring");
  EXPECT_TRUE(HasAttributeDiag(Plan(config).diagnostics,
                               AttributePath::Root("load_balancer_subnet"),
                               Severity::kError));
  EXPECT_FALSE(Plan(AttachConfig()).diagnostics.HasError());
  for (const tf::Diagnostic& d : Plan(AttachConfig()).diagnostics) {
    EXPECT_NE(d.severity, Severity::kWarning) << d.summary;
  }
}

TEST_F(InferenceClusterTest, SslSecretsStayConfiguredAndNeverCauseDiffs) {
  auto config = AttachConfig();
  config["ssl"] = Ssl({{"status", Value::String("Enabled")},
                       {"cert", Value::String("-----BEGIN CERTIFICATE-----")},
                       {"key", Value::String("-----BEGIN PRIVATE KEY-----")},
                       {"cname", Value::String("scoring.contoso.example")}});
  Value state = Create(config);
  const nlohmann::json sent =
      LastPut()->body["properties"]["properties"]["sslConfiguration"];
  EXPECT_EQ(sent["key"], "-----BEGIN PRIVATE KEY-----");
  // Azure stripped them; state keeps what was configured.
  EXPECT_FALSE(arm_->Get(kComputeId)
                   .value()["properties"]["properties"]["sslConfiguration"]
                   .contains("key"));
  const Value& ssl = state.GetAttr("ssl");
  EXPECT_EQ(ssl.GetString("key"), "-----BEGIN PRIVATE KEY-----");
  EXPECT_EQ(ssl.GetString("cert"), "-----BEGIN CERTIFICATE-----");
  EXPECT_TRUE(ssl.GetAttr("overwrite_existing_domain").IsNull());
  ExpectNoChanges(config, Read(state));

  // A new certificate updates in place and is sent again.
  config["ssl"] = Ssl({{"status", Value::String("Enabled")},
                       {"cert", Value::String("-----NEW CERT-----")},
                       {"key", Value::String("-----NEW KEY-----")},
                       {"cname", Value::String("scoring.contoso.example")}});
  PlanResult p = Plan(config, state);
  EXPECT_TRUE(p.requires_replace.empty());
  Value updated = Update(state, p);
  EXPECT_EQ(
      LastPut()->body["properties"]["properties"]["sslConfiguration"]["key"],
      "-----NEW KEY-----");
  EXPECT_EQ(updated.GetAttr("ssl").GetString("key"), "-----NEW KEY-----");
}

TEST_F(InferenceClusterTest, SslNeedsACertificateSource) {
  auto config = AttachConfig();
  config["ssl"] = Ssl({{"status", Value::String("Enabled")}});
  EXPECT_TRUE(HasAttributeDiag(Plan(config).diagnostics,
                               AttributePath::Root("ssl").Attr("status"),
                               Severity::kError));
  config["ssl"] = Ssl({{"status", Value::String("Enabled")},
                       {"cert", Value::String("c")},
                       {"cname", Value::String("x.example")}});
  EXPECT_TRUE(HasAttributeDiag(Plan(config).diagnostics,
                               AttributePath::Root("ssl").Attr("key"),
                               Severity::kError));
  config["ssl"] = Ssl({{"status", Value::String("Enabled")},
                       {"leaf_domain_label", Value::String("scoring")}});
  EXPECT_FALSE(Plan(config).diagnostics.HasError());
}

TEST_F(InferenceClusterTest, DescriptionTagsAndLoadBalancerUpdateInPlace) {
  Value state = Create(AttachConfig());
  auto config = AttachConfig();
  config["description"] = Value::String("scoring for fraud models");
  config["tags"] = Value::StringMap({{"env", "prod"}});
  config["load_balancer_subnet"] = Value::String("scoring");
  PlanResult p = Plan(config, state);
  EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
  EXPECT_TRUE(p.requires_replace.empty());
  arm_->ClearRequests();
  Value updated = Update(state, p);
  ASSERT_TRUE(LastPut().has_value());
  const nlohmann::json body = LastPut()->body;
  EXPECT_EQ(body["tags"]["env"], "prod");
  EXPECT_EQ(body["properties"]["description"], "scoring for fraud models");
  EXPECT_EQ(body["properties"]["resourceId"], kAksId);
  EXPECT_EQ(body["properties"]["properties"]["clusterFqdn"], kPrivateFqdn);
  EXPECT_EQ(updated.GetString("description"), "scoring for fraud models");
  ExpectNoChanges(config, Read(updated));
}

TEST_F(InferenceClusterTest, ClusterShapeChangesForceReplacement) {
  Value state = Create(CreateConfig());
  auto config = CreateConfig();
  config["create"] = CreateBlock({{"agent_count", Value::Int(4)}});
  PlanResult p = Plan(config, state);
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("create").Attr("agent_count")));
  config = CreateConfig();
  config["cluster_purpose"] = Value::String("DevTest");
  p = Plan(config, state);
  EXPECT_TRUE(
      ContainsPath(p.requires_replace, AttributePath::Root("cluster_purpose")));
  // Switching from create to attach replaces on kubernetes_cluster_id.
  p = Plan(AttachConfig(), state);
  EXPECT_TRUE(ContainsPath(p.requires_replace,
                           AttributePath::Root("kubernetes_cluster_id")));
}

TEST_F(InferenceClusterTest, FailedProvisioningKeepsStateAndNamesTheCause) {
  arm_->AddHook([](const testing::RecordedRequest& r)
                    -> std::optional<azure::HttpResponse> {
    if (r.method == "PUT") {
      azure::HttpResponse resp = FakeArm::Json(201, nlohmann::json::object());
      resp.headers.Set("Azure-AsyncOperation",
                       "https://management.azure.com/subscriptions/x/"
                       "providers/Microsoft.MachineLearningServices/locations/"
                       "eastus/computeOperationsStatus/op1?api-version="
                       "2025-06-01");
      resp.headers.Set("Retry-After", "1");
      return resp;
    }
    if (absl::StrContains(r.path, "computeOperationsStatus")) {
      return FakeArm::Json(
          200, {{"status", "Failed"},
                {"error",
                 {{"code", "QuotaExceeded"},
                  {"message",
                   "Operation could not be completed as it "
                   "results in exceeding approved standardDv2Family "
                   "Cores quota."}}}});
    }
    return std::nullopt;
  });
  tf::Diagnostics diags;
  Value state = Create(CreateConfig(), &diags);
  ASSERT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), HasSubstr("QuotaExceeded"));
  EXPECT_THAT(diags.ToString(), HasSubstr("standardDv2Family"));
  ASSERT_FALSE(state.IsNull());
  EXPECT_EQ(state.GetString("id"), kComputeId);
  EXPECT_TRUE(state.IsWhollyKnown());
}

TEST_F(InferenceClusterTest, ReadReportsDriftFailureAndDisappearance) {
  Value state = Create(AttachConfig());
  arm_->Mutate(kComputeId, [](nlohmann::json& b) {
    b["properties"]["properties"]["loadBalancerType"] = "PublicIp";
    b["properties"]["provisioningState"] = "Failed";
    b["properties"]["provisioningErrors"] = {
        {{"error",
          {{"code", "SubnetIsFull"},
           {"message", "Subnet scoring has no free addresses."}}}}};
  });
  tf::Diagnostics diags;
  Value read = Read(state, &diags);
  EXPECT_EQ(read.GetString("load_balancer_type"), "PublicIp");
  EXPECT_FALSE(diags.HasError());
  EXPECT_THAT(diags.ToString(), HasSubstr("SubnetIsFull"));
  // The drift plans back to the internal load balancer in place.
  PlanResult p = Plan(AttachConfig(), read);
  EXPECT_TRUE(p.requires_replace.empty());
  EXPECT_EQ(p.planned.GetString("load_balancer_type"), "InternalLoadBalancer");

  arm_->Remove(kComputeId);
  EXPECT_TRUE(Read(state).IsNull());
}

TEST_F(InferenceClusterTest, ReadRefusesOtherComputeTypes) {
  Value state = Create(AttachConfig());
  arm_->Mutate(kComputeId, [](nlohmann::json& b) {
    b["properties"]["computeType"] = "AmlCompute";
  });
  tf::Diagnostics diags;
  Read(state, &diags);
  EXPECT_TRUE(diags.HasError());
  EXPECT_THAT(diags.ToString(), HasSubstr("secureaml_compute_cluster"));
}

TEST_F(InferenceClusterTest, ImportByIdPlansNoChanges) {
  for (bool attach : {true, false}) {
    SCOPED_TRACE(attach ? "attach" : "create");
    auto config = attach ? AttachConfig() : CreateConfig();
    Value created = Create(config);
    core::ImportRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.id = kComputeId;
    core::ImportResponse resp;
    res_.ImportState(req, resp);
    ASSERT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    EXPECT_EQ(resp.state.GetString("name"), "scoring");
    EXPECT_EQ(resp.state.GetString("workspace_id"), kWsId);
    Value imported = Read(resp.state);
    EXPECT_EQ(imported, created) << imported.DebugString() << "\n"
                                 << created.DebugString();
    ExpectNoChanges(config, imported);
    arm_->Remove(kComputeId);
  }

  core::ImportRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.id = kWsId;
  core::ImportResponse bad;
  res_.ImportState(req, bad);
  EXPECT_TRUE(bad.diagnostics.HasError());
  EXPECT_THAT(bad.diagnostics.ToString(), HasSubstr("computes/scoring"));
}

TEST(InferenceClusterBodies, StateKeepsPriorSpellingOfRanges) {
  InferenceClusterResource res;
  const Type type = res.GetSchema().ImpliedType();
  nlohmann::json body = {{"id", kComputeId},
                         {"location", "eastus"},
                         {"properties",
                          {{"computeType", "AKS"},
                           {"isAttachedCompute", false},
                           {"properties",
                            {{"agentCount", 3},
                             {"agentVmSize", "standard_d3_v2"},
                             {"clusterPurpose", "FastProd"},
                             {"loadBalancerType", "InternalLoadBalancer"},
                             {"aksNetworkingConfiguration",
                              {{"subnetId", absl::AsciiStrToLower(kSubnetId)},
                               {"serviceCidr", "10.0.0.0/16"},
                               {"dnsServiceIP", "10.0.0.10"},
                               {"dockerBridgeCidr", "172.17.0.0/16"}}}}}}}};
  const Type create_type =
      res.GetSchema().block.FindBlock("create")->block.ImpliedType();
  Value prior = Value::Object(
      type, {{"id", Value::String(kComputeId)},
             {"location", Value::String("East US")},
             {"create",
              Value::Object(
                  create_type,
                  {{"agent_count", Value::Int(3)},
                   {"agent_vm_size", Value::String("Standard_D3_v2")},
                   {"subnet_id", Value::String(kSubnetId)},
                   {"service_cidr", Value::String("10.0.0.0/16")},
                   {"dns_service_ip", Value::String("10.0.0.10")},
                   {"docker_bridge_cidr", Value::String("172.17.0.1/16")}})}});
  Value state = inference_cluster_internal::StateFromJson(body, prior, type);
  const Value& create = state.GetAttr("create");
  EXPECT_EQ(create.GetString("docker_bridge_cidr"), "172.17.0.1/16");
  EXPECT_EQ(create.GetString("subnet_id"), kSubnetId);
  EXPECT_EQ(create.GetString("agent_vm_size"), "Standard_D3_v2");
  EXPECT_EQ(state.GetString("location"), "East US");
  EXPECT_EQ(state.GetString("name"), "scoring");
  EXPECT_EQ(state.GetString("workspace_id"), kWsId);
}

}  // namespace
}  // namespace secureaml::resources
