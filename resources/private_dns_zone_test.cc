#include "resources/private_dns_zone.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "resources/common/workspace_test_fakes.h"

namespace secureaml::resources {
namespace {

using testing::ContainsPath;
using testing::FakeArm;
using testing::HasAttributeDiag;
using testing::kTestSub;
using testing::Plan;
using tf::AttributePath;
using tf::Type;
using tf::Value;

const std::string kRg = absl::StrCat("/subscriptions/", kTestSub,
                                     "/resourceGroups/dns-rg/providers/");
const std::string kZoneId =
    kRg + "Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms";
const std::string kHub = kRg + "Microsoft.Network/virtualNetworks/hub";
const std::string kSpoke = kRg + "Microsoft.Network/virtualNetworks/spoke";
const std::string kOther = kRg + "Microsoft.Network/virtualNetworks/other";

class PrivateDnsZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    arm_ = std::make_shared<FakeArm>();
    az_ = arm_->ProviderData(arm_);
  }

  std::map<std::string, Value> Config(std::vector<std::string> vnets) {
    return {{"name", Value::String("privatelink.api.azureml.ms")},
            {"resource_group_name", Value::String("dns-rg")},
            {"virtual_network_ids", Value::StringSet(vnets)}};
  }

  Value Create(const std::map<std::string, Value>& config) {
    testing::PlanResult p = Plan(zone_, config, Value::Null(Type()), az_.get());
    EXPECT_FALSE(p.diagnostics.HasError()) << p.diagnostics.ToString();
    core::CreateRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.config = p.planned;
    req.planned_state = p.planned;
    core::CreateResponse resp;
    zone_.Create(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    EXPECT_TRUE(core::CheckCompatible(p.planned, resp.new_state).empty());
    return resp.new_state;
  }

  Value Read(const Value& state) {
    core::ReadRequest req;
    req.ctx = testing::Ctx(az_.get());
    req.current_state = state;
    core::ReadResponse resp;
    resp.new_state = state;
    zone_.Read(req, resp);
    EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
    return resp.new_state;
  }

  PrivateDnsZoneResource zone_;
  std::shared_ptr<FakeArm> arm_;
  std::shared_ptr<AzureProviderData> az_;
};

TEST_F(PrivateDnsZoneTest, SchemaIsValid) {
  EXPECT_TRUE(tf::ValidateSchema(zone_.GetSchema()).ok());
}

TEST_F(PrivateDnsZoneTest, CreatesZoneThenLinks) {
  Value state = Create(Config({kHub, kSpoke}));
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[0].path, kZoneId);
  EXPECT_EQ(writes[0].body["location"], "global");
  for (int i = 1; i < 3; ++i) {
    EXPECT_THAT(writes[i].path, ::testing::HasSubstr("/virtualNetworkLinks/"));
    EXPECT_EQ(writes[i].body["properties"]["registrationEnabled"], false);
  }
  EXPECT_EQ(state.GetAttr("virtual_network_ids"),
            Value::StringSet({kHub, kSpoke}));
  EXPECT_EQ(Read(state), state);
  testing::PlanResult p = Plan(zone_, Config({kHub, kSpoke}), state, az_.get());
  EXPECT_EQ(p.planned, state);
}

TEST_F(PrivateDnsZoneTest, CreateReadsOnlyToCheckTheZoneIsAbsent) {
  // The state comes from the writes' answers: the only GET is the check
  // that the zone does not exist yet (no re-read, no list of the links).
  Value state = Create(Config({kHub, kSpoke}));
  std::vector<std::string> gets;
  for (const testing::RecordedRequest& r : arm_->Requests()) {
    if (r.method == "GET") gets.push_back(r.path);
  }
  EXPECT_THAT(gets, ::testing::ElementsAre(kZoneId));
  EXPECT_EQ(state.GetAttr("virtual_network_ids"),
            Value::StringSet({kHub, kSpoke}));
}

TEST_F(PrivateDnsZoneTest, LinksChangeInPlace) {
  Value state = Create(Config({kHub, kSpoke}));
  arm_->ClearRequests();
  testing::PlanResult p = Plan(zone_, Config({kHub, kOther}), state, az_.get());
  EXPECT_TRUE(p.requires_replace.empty());
  core::UpdateRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  req.planned_state = p.planned;
  core::UpdateResponse resp;
  zone_.Update(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].method, "PUT");
  EXPECT_EQ(writes[0].body["properties"]["virtualNetwork"]["id"], kOther);
  EXPECT_EQ(writes[1].method, "DELETE");
  EXPECT_THAT(writes[1].path,
              ::testing::HasSubstr("/virtualNetworkLinks/spoke-"));
  EXPECT_EQ(resp.new_state.GetAttr("virtual_network_ids"),
            Value::StringSet({kHub, kOther}));
}

TEST_F(PrivateDnsZoneTest, LinkDriftIsDetected) {
  Value state = Create(Config({kHub, kSpoke}));
  arm_->Remove(kZoneId + "/virtualNetworkLinks/" +
               private_dns_zone_internal::LinkName(kSpoke));
  EXPECT_EQ(Read(state).GetAttr("virtual_network_ids"),
            Value::StringSet({kHub}));
  arm_->Remove(kZoneId);
  EXPECT_TRUE(Read(state).IsNull());
}

TEST_F(PrivateDnsZoneTest, DeleteRemovesLinksFirst) {
  Value state = Create(Config({kHub, kSpoke}));
  arm_->ClearRequests();
  core::DeleteRequest req;
  req.ctx = testing::Ctx(az_.get());
  req.prior_state = state;
  core::DeleteResponse resp;
  zone_.Delete(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError()) << resp.diagnostics.ToString();
  std::vector<testing::RecordedRequest> writes = arm_->Writes();
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_THAT(writes[0].path, ::testing::HasSubstr("/virtualNetworkLinks/"));
  EXPECT_THAT(writes[1].path, ::testing::HasSubstr("/virtualNetworkLinks/"));
  EXPECT_EQ(writes[2].path, kZoneId);
  EXPECT_FALSE(arm_->Get(kZoneId).has_value());
}

TEST_F(PrivateDnsZoneTest, RegistrationInPrivateLinkZoneWarns) {
  auto config = Config({kHub});
  config["registration_enabled"] = Value::Bool(true);
  testing::PlanResult p = Plan(zone_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics,
                               AttributePath::Root("registration_enabled"),
                               tf::Severity::kWarning));
  config["name"] = Value::String("not a zone");
  p = Plan(zone_, config, Value::Null(Type()), nullptr);
  EXPECT_TRUE(HasAttributeDiag(p.diagnostics, AttributePath::Root("name"),
                               tf::Severity::kError));
}

TEST(PrivateDnsZoneLinks, NamesAreDeterministicAndDistinct) {
  std::string a = private_dns_zone_internal::LinkName(kHub);
  EXPECT_EQ(a,
            private_dns_zone_internal::LinkName(absl::AsciiStrToLower(kHub)));
  EXPECT_TRUE(absl::StartsWith(a, "hub-"));
  EXPECT_NE(a, private_dns_zone_internal::LinkName(
                   absl::StrReplaceAll(kHub, {{"dns-rg", "other-rg"}})));
}

}  // namespace
}  // namespace secureaml::resources
