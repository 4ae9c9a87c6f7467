// Calls the tfplugin5/tfplugin6 adapters in-process with protobuf requests
// against a fake core, checking that every field travels both ways and that
// user problems come back as diagnostics with an OK status.
#include <stdexcept>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/protocol/core_server.h"
#include "provider/protocol/provider_v5.h"
#include "provider/protocol/provider_v6.h"
#include "provider/value/schema.h"
#include "provider/value/type.h"

namespace secureaml::protocol {
namespace {

using ::testing::ElementsAre;

core::DynamicValue Mp(std::string bytes) { return {std::move(bytes), ""}; }

// Records the last request of each kind and returns canned responses.
class FakeCore : public CoreServer {
 public:
  core::GetProviderSchemaResponse schema;
  bool throw_in_plan = false;

  core::ValidateProviderConfigRequest validate_provider_req;
  core::ValidateProviderConfigResponse validate_provider_resp;
  core::ValidateResourceConfigRequest validate_resource_req;
  core::ValidateResourceConfigRequest validate_data_req;
  core::UpgradeResourceStateRequest upgrade_req;
  core::ConfigureProviderRequest configure_req;
  core::ReadResourceRequest read_req;
  core::PlanResourceChangeRequest plan_req;
  core::PlanResourceChangeResponse plan_resp;
  core::ApplyResourceChangeRequest apply_req;
  core::ApplyResourceChangeResponse apply_resp;
  core::ImportResourceStateRequest import_req;
  core::ReadDataSourceRequest read_data_req;
  core::MoveResourceStateRequest move_req;
  int stops = 0;

  core::GetProviderSchemaResponse GetProviderSchema() override {
    return schema;
  }
  core::ValidateProviderConfigResponse ValidateProviderConfig(
      const core::ValidateProviderConfigRequest& req) override {
    validate_provider_req = req;
    return validate_provider_resp;
  }
  core::ValidateResourceConfigResponse ValidateResourceConfig(
      const core::ValidateResourceConfigRequest& req) override {
    validate_resource_req = req;
    core::ValidateResourceConfigResponse resp;
    resp.diagnostics.AddAttributeWarning(tf::AttributePath::Root("name"),
                                         "Weak name", "Pick a better one.");
    return resp;
  }
  core::ValidateResourceConfigResponse ValidateDataResourceConfig(
      const core::ValidateResourceConfigRequest& req) override {
    validate_data_req = req;
    return {};
  }
  core::UpgradeResourceStateResponse UpgradeResourceState(
      const core::UpgradeResourceStateRequest& req) override {
    upgrade_req = req;
    core::UpgradeResourceStateResponse resp;
    resp.upgraded_state = Mp("\x81\xa2id\xa1x");
    return resp;
  }
  core::ConfigureProviderResponse ConfigureProvider(
      const core::ConfigureProviderRequest& req) override {
    configure_req = req;
    core::ConfigureProviderResponse resp;
    resp.diagnostics.AddError("No credentials", "Run az login.");
    return resp;
  }
  core::ReadResourceResponse ReadResource(
      const core::ReadResourceRequest& req) override {
    read_req = req;
    core::ReadResourceResponse resp;  // new_state null: resource is gone
    resp.private_state = "p2";
    return resp;
  }
  core::PlanResourceChangeResponse PlanResourceChange(
      const core::PlanResourceChangeRequest& req) override {
    plan_req = req;
    if (throw_in_plan) throw std::runtime_error("boom");
    return plan_resp;
  }
  core::ApplyResourceChangeResponse ApplyResourceChange(
      const core::ApplyResourceChangeRequest& req) override {
    apply_req = req;
    return apply_resp;
  }
  core::ImportResourceStateResponse ImportResourceState(
      const core::ImportResourceStateRequest& req) override {
    import_req = req;
    core::ImportResourceStateResponse resp;
    resp.imported_resources.push_back({req.type_name, Mp("\x80"), "priv"});
    return resp;
  }
  core::ReadDataSourceResponse ReadDataSource(
      const core::ReadDataSourceRequest& req) override {
    read_data_req = req;
    core::ReadDataSourceResponse resp;
    resp.state = Mp("\x80");
    return resp;
  }
  core::MoveResourceStateResponse MoveResourceState(
      const core::MoveResourceStateRequest& req) override {
    move_req = req;
    core::MoveResourceStateResponse resp;
    resp.target_state = Mp("\x80");
    resp.target_private = "tp";
    return resp;
  }
  std::string Stop() override {
    ++stops;
    return stops > 1 ? "already stopping" : "";
  }
};

tf::Schema ResourceSchema() {
  tf::Schema s;
  s.version = 2;
  s.block.description = "A **workspace**.";
  s.block.attributes = {
      tf::Attribute::Required("name", tf::Type::String(), "Name."),
      tf::Attribute::Optional("tags", tf::Type::Map(tf::Type::String()),
                              "Tags."),
      tf::Attribute::Computed("id", tf::Type::String(), "ID."),
      tf::Attribute::OptionalComputed("sku", tf::Type::String(), "SKU."),
  };
  s.block.attributes.push_back(
      tf::Attribute::Optional("secret", tf::Type::String(), "S.").Sensitive());
  s.block.attributes.push_back(
      tf::Attribute::Optional("old", tf::Type::Bool(), "Old.")
          .Deprecated("Use new."));
  tf::Block inner;
  inner.attributes = {
      tf::Attribute::Required("key_id", tf::Type::String(), "Key.")};
  s.block.blocks = {tf::NestedBlock::List("encryption", inner, 1, 3),
                    tf::NestedBlock::Single("network", tf::Block{}),
                    tf::NestedBlock::Set("rule", tf::Block{})};
  return s;
}

class AdapterTest : public ::testing::Test {
 protected:
  AdapterTest() {
    core_.schema.provider.block.attributes = {tf::Attribute::Optional(
        "subscription_id", tf::Type::String(), "Subscription.")};
    core_.schema.resource_schemas["secureaml_workspace"] = ResourceSchema();
    core_.schema.data_source_schemas["secureaml_thing"] = tf::Schema{};
    core_.schema.diagnostics.AddWarning("Schema note");
  }
  FakeCore core_;
  ProviderV5 v5_{core_};
  ProviderV6 v6_{core_};
};

template <typename PbSchema>
void ExpectResourceSchema(const PbSchema& s) {
  EXPECT_EQ(s.version(), 2);
  const auto& b = s.block();
  EXPECT_EQ(b.description(), "A **workspace**.");
  EXPECT_EQ(b.description_kind(), 1);  // MARKDOWN
  ASSERT_EQ(b.attributes_size(), 6);
  const auto& name = b.attributes(0);
  EXPECT_EQ(name.name(), "name");
  EXPECT_EQ(name.type(), "\"string\"");
  EXPECT_TRUE(name.required());
  EXPECT_FALSE(name.optional() || name.computed());
  EXPECT_EQ(name.description(), "Name.");
  EXPECT_EQ(name.description_kind(), 1);
  EXPECT_EQ(b.attributes(1).type(), "[\"map\",\"string\"]");
  EXPECT_TRUE(b.attributes(1).optional());
  EXPECT_FALSE(b.attributes(1).computed() || b.attributes(1).required());
  EXPECT_TRUE(b.attributes(2).computed());
  EXPECT_FALSE(b.attributes(2).optional() || b.attributes(2).required());
  EXPECT_TRUE(b.attributes(3).optional() && b.attributes(3).computed());
  EXPECT_TRUE(b.attributes(4).sensitive());
  EXPECT_FALSE(b.attributes(3).sensitive());
  EXPECT_TRUE(b.attributes(5).deprecated());
  EXPECT_EQ(b.attributes(5).deprecation_message(), "Use new.");
  EXPECT_EQ(b.attributes(4).deprecation_message(), "");
  EXPECT_FALSE(b.attributes(0).write_only());

  ASSERT_EQ(b.block_types_size(), 3);
  const auto& enc = b.block_types(0);
  EXPECT_EQ(enc.type_name(), "encryption");
  EXPECT_EQ(enc.nesting(), 2);  // LIST
  EXPECT_EQ(enc.min_items(), 1);
  EXPECT_EQ(enc.max_items(), 3);
  ASSERT_EQ(enc.block().attributes_size(), 1);
  EXPECT_EQ(enc.block().attributes(0).name(), "key_id");
  EXPECT_EQ(b.block_types(1).nesting(), 1);   // SINGLE
  EXPECT_TRUE(b.block_types(1).has_block());  // never nil
  EXPECT_EQ(b.block_types(2).nesting(), 3);   // SET
}

TEST_F(AdapterTest, V6SchemaCarriesEveryFlagAndCapability) {
  tfplugin6::GetProviderSchema::Response resp;
  ASSERT_TRUE(v6_.GetProviderSchema(nullptr, nullptr, &resp).ok());
  ASSERT_TRUE(resp.has_provider());
  EXPECT_EQ(resp.provider().block().attributes(0).name(), "subscription_id");
  EXPECT_FALSE(resp.has_provider_meta());
  ASSERT_EQ(resp.resource_schemas().count("secureaml_workspace"), 1u);
  ExpectResourceSchema(resp.resource_schemas().at("secureaml_workspace"));
  EXPECT_FALSE(resp.resource_schemas()
                   .at("secureaml_workspace")
                   .block()
                   .attributes(0)
                   .has_nested_type());
  ASSERT_EQ(resp.data_source_schemas().count("secureaml_thing"), 1u);
  EXPECT_TRUE(resp.data_source_schemas().at("secureaml_thing").has_block());
  EXPECT_TRUE(resp.server_capabilities().plan_destroy());
  EXPECT_TRUE(resp.server_capabilities().get_provider_schema_optional());
  EXPECT_TRUE(resp.server_capabilities().move_resource_state());
  EXPECT_EQ(resp.functions_size(), 0);
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::WARNING);
}

TEST_F(AdapterTest, V5SchemaMatchesV6) {
  tfplugin5::GetProviderSchema::Response resp;
  ASSERT_TRUE(v5_.GetSchema(nullptr, nullptr, &resp).ok());
  ExpectResourceSchema(resp.resource_schemas().at("secureaml_workspace"));
  EXPECT_TRUE(resp.server_capabilities().plan_destroy());
  EXPECT_TRUE(resp.server_capabilities().get_provider_schema_optional());
}

TEST_F(AdapterTest, V5AndV6SchemaNumberFieldsDifferOnTheWire) {
  // write_only/deprecation_message sit at 10/11 in v5 and 11/12 in v6; the
  // adapters must fill each version's own message, not reuse bytes.
  tfplugin5::GetProviderSchema::Response r5;
  tfplugin6::GetProviderSchema::Response r6;
  v5_.GetSchema(nullptr, nullptr, &r5);
  v6_.GetProviderSchema(nullptr, nullptr, &r6);
  tfplugin6::Schema::Attribute parsed;
  ASSERT_TRUE(parsed.ParseFromString(r5.resource_schemas()
                                         .at("secureaml_workspace")
                                         .block()
                                         .attributes(5)
                                         .SerializeAsString()));
  EXPECT_EQ(parsed.deprecation_message(), "");  // v5 field 11 = v6 write_only
  EXPECT_EQ(r6.resource_schemas()
                .at("secureaml_workspace")
                .block()
                .attributes(5)
                .deprecation_message(),
            "Use new.");
}

TEST_F(AdapterTest, GetMetadataListsTypes) {
  tfplugin6::GetMetadata_::Response resp;
  ASSERT_TRUE(v6_.GetMetadata(nullptr, nullptr, &resp).ok());
  ASSERT_EQ(resp.resources_size(), 1);
  EXPECT_EQ(resp.resources(0).type_name(), "secureaml_workspace");
  ASSERT_EQ(resp.data_sources_size(), 1);
  EXPECT_TRUE(resp.server_capabilities().plan_destroy());
}

TEST_F(AdapterTest, DiagnosticsKeepSeverityAndAttributePath) {
  tfplugin6::ValidateResourceConfig::Request req;
  req.set_type_name("secureaml_workspace");
  req.mutable_config()->set_msgpack("\x80");
  tfplugin6::ValidateResourceConfig::Response resp;
  ASSERT_TRUE(v6_.ValidateResourceConfig(nullptr, &req, &resp).ok());
  EXPECT_EQ(core_.validate_resource_req.type_name, "secureaml_workspace");
  EXPECT_EQ(core_.validate_resource_req.config.msgpack, "\x80");
  ASSERT_EQ(resp.diagnostics_size(), 1);
  const auto& d = resp.diagnostics(0);
  EXPECT_EQ(d.severity(), tfplugin6::Diagnostic::WARNING);
  EXPECT_EQ(d.summary(), "Weak name");
  EXPECT_EQ(d.detail(), "Pick a better one.");
  ASSERT_EQ(d.attribute().steps_size(), 1);
  EXPECT_EQ(d.attribute().steps(0).attribute_name(), "name");
}

TEST_F(AdapterTest, PlanCopiesEveryFieldBothWays) {
  core_.plan_resp.planned_state =
      Mp("\x81\xa1"
         "a\x01");
  core_.plan_resp.planned_private = "pp";
  core_.plan_resp.requires_replace = {
      tf::AttributePath::Root("name"),
      tf::AttributePath().Attr("tags").Key("env"),
      tf::AttributePath().Attr("encryption").Index(0).Attr("key_id")};
  core_.plan_resp.diagnostics.AddAttributeError(
      tf::AttributePath().Attr("encryption").Index(2), "Too many");

  tfplugin5::PlanResourceChange::Request req;
  req.set_type_name("secureaml_workspace");
  req.mutable_prior_state()->set_msgpack("prior");
  req.mutable_proposed_new_state()->set_msgpack("proposed");
  req.mutable_config()->set_msgpack("config");
  req.set_prior_private("private");
  req.mutable_provider_meta()->set_msgpack("meta");
  tfplugin5::PlanResourceChange::Response resp;
  ASSERT_TRUE(v5_.PlanResourceChange(nullptr, &req, &resp).ok());

  EXPECT_EQ(core_.plan_req.type_name, "secureaml_workspace");
  EXPECT_EQ(core_.plan_req.prior_state.msgpack, "prior");
  EXPECT_EQ(core_.plan_req.proposed_new_state.msgpack, "proposed");
  EXPECT_EQ(core_.plan_req.config.msgpack, "config");
  EXPECT_EQ(core_.plan_req.prior_private, "private");
  EXPECT_EQ(core_.plan_req.provider_meta.msgpack, "meta");

  EXPECT_EQ(resp.planned_state().msgpack(),
            "\x81\xa1"
            "a\x01");
  EXPECT_EQ(resp.planned_private(), "pp");
  EXPECT_FALSE(resp.legacy_type_system());
  ASSERT_EQ(resp.requires_replace_size(), 3);
  EXPECT_EQ(resp.requires_replace(0).steps(0).attribute_name(), "name");
  EXPECT_EQ(resp.requires_replace(1).steps(1).element_key_string(), "env");
  EXPECT_EQ(resp.requires_replace(2).steps(1).element_key_int(), 0);
  EXPECT_EQ(resp.requires_replace(2).steps(1).selector_case(),
            tfplugin5::AttributePath::Step::kElementKeyInt);
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin5::Diagnostic::ERROR);
  EXPECT_EQ(resp.diagnostics(0).attribute().steps(1).element_key_int(), 2);
}

TEST_F(AdapterTest, AbsentRequestValuesReachTheCoreAsNull) {
  tfplugin6::PlanResourceChange::Request req;  // create: prior absent
  req.set_type_name("secureaml_workspace");
  tfplugin6::PlanResourceChange::Response resp;
  ASSERT_TRUE(v6_.PlanResourceChange(nullptr, &req, &resp).ok());
  EXPECT_TRUE(core_.plan_req.prior_state.msgpack.empty());
  EXPECT_TRUE(core_.plan_req.prior_state.json.empty());
}

TEST_F(AdapterTest, NullResultsAreEncodedAsMsgpackNil) {
  // Destroy: the core returns null; Terraform 0.13 cannot decode empty bytes.
  tfplugin5::ApplyResourceChange::Request req;
  req.set_type_name("secureaml_workspace");
  req.mutable_prior_state()->set_msgpack("prior");
  req.set_planned_private("pp");
  tfplugin5::ApplyResourceChange::Response resp;
  ASSERT_TRUE(v5_.ApplyResourceChange(nullptr, &req, &resp).ok());
  EXPECT_EQ(core_.apply_req.prior_state.msgpack, "prior");
  EXPECT_EQ(core_.apply_req.planned_private, "pp");
  EXPECT_EQ(resp.new_state().msgpack(), std::string("\xc0", 1));

  tfplugin6::ReadResource::Request rreq;
  rreq.set_type_name("secureaml_workspace");
  rreq.mutable_current_state()->set_msgpack("cur");
  rreq.set_private_("p1");
  tfplugin6::ReadResource::Response rresp;
  ASSERT_TRUE(v6_.ReadResource(nullptr, &rreq, &rresp).ok());
  EXPECT_EQ(core_.read_req.current_state.msgpack, "cur");
  EXPECT_EQ(core_.read_req.private_state, "p1");
  EXPECT_EQ(rresp.new_state().msgpack(), std::string("\xc0", 1));
  EXPECT_EQ(rresp.private_(), "p2");
}

TEST_F(AdapterTest, ApplyReturnsStateAndPrivate) {
  core_.apply_resp.new_state = Mp("\x80");
  core_.apply_resp.private_state = "after";
  tfplugin6::ApplyResourceChange::Request req;
  req.mutable_planned_state()->set_msgpack("planned");
  req.mutable_config()->set_msgpack("config");
  tfplugin6::ApplyResourceChange::Response resp;
  ASSERT_TRUE(v6_.ApplyResourceChange(nullptr, &req, &resp).ok());
  EXPECT_EQ(core_.apply_req.planned_state.msgpack, "planned");
  EXPECT_EQ(core_.apply_req.config.msgpack, "config");
  EXPECT_EQ(resp.new_state().msgpack(), "\x80");
  EXPECT_EQ(resp.private_(), "after");
}

TEST_F(AdapterTest, UpgradePassesRawStateJsonAndFlatmap) {
  tfplugin6::UpgradeResourceState::Request req;
  req.set_type_name("secureaml_workspace");
  req.set_version(1);
  req.mutable_raw_state()->set_json("{\"id\":\"x\"}");
  (*req.mutable_raw_state()->mutable_flatmap())["id"] = "x";
  tfplugin6::UpgradeResourceState::Response resp;
  ASSERT_TRUE(v6_.UpgradeResourceState(nullptr, &req, &resp).ok());
  EXPECT_EQ(core_.upgrade_req.version, 1);
  EXPECT_EQ(core_.upgrade_req.raw_state_json, "{\"id\":\"x\"}");
  EXPECT_EQ(core_.upgrade_req.raw_state_flatmap.at("id"), "x");
  EXPECT_EQ(resp.upgraded_state().msgpack(), "\x81\xa2id\xa1x");
}

TEST_F(AdapterTest, ConfigureErrorsAreDiagnosticsNotGrpcErrors) {
  tfplugin5::Configure::Request req;
  req.set_terraform_version("0.13.7");
  req.mutable_config()->set_msgpack("cfg");
  tfplugin5::Configure::Response resp;
  grpc::Status s = v5_.Configure(nullptr, &req, &resp);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(core_.configure_req.terraform_version, "0.13.7");
  EXPECT_EQ(core_.configure_req.config.msgpack, "cfg");
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).summary(), "No credentials");
  EXPECT_FALSE(resp.diagnostics(0).has_attribute());
}

TEST_F(AdapterTest, PrepareProviderConfigEchoesTheConfig) {
  tfplugin5::PrepareProviderConfig::Request req;
  req.mutable_config()->set_msgpack("cfg");
  tfplugin5::PrepareProviderConfig::Response resp;
  ASSERT_TRUE(v5_.PrepareProviderConfig(nullptr, &req, &resp).ok());
  EXPECT_EQ(core_.validate_provider_req.config.msgpack, "cfg");
  EXPECT_EQ(resp.prepared_config().msgpack(), "cfg");

  core_.validate_provider_resp.prepared_config = Mp("prepared");
  ASSERT_TRUE(v5_.PrepareProviderConfig(nullptr, &req, &resp).ok());
  EXPECT_EQ(resp.prepared_config().msgpack(), "prepared");

  tfplugin6::ValidateProviderConfig::Request req6;
  req6.mutable_config()->set_msgpack("cfg6");
  tfplugin6::ValidateProviderConfig::Response resp6;
  ASSERT_TRUE(v6_.ValidateProviderConfig(nullptr, &req6, &resp6).ok());
  EXPECT_EQ(core_.validate_provider_req.config.msgpack, "cfg6");
}

TEST_F(AdapterTest, ImportReadDataAndMove) {
  tfplugin6::ImportResourceState::Request ireq;
  ireq.set_type_name("secureaml_workspace");
  ireq.set_id("/subscriptions/x");
  tfplugin6::ImportResourceState::Response iresp;
  ASSERT_TRUE(v6_.ImportResourceState(nullptr, &ireq, &iresp).ok());
  EXPECT_EQ(core_.import_req.id, "/subscriptions/x");
  ASSERT_EQ(iresp.imported_resources_size(), 1);
  EXPECT_EQ(iresp.imported_resources(0).type_name(), "secureaml_workspace");
  EXPECT_EQ(iresp.imported_resources(0).state().msgpack(), "\x80");
  EXPECT_EQ(iresp.imported_resources(0).private_(), "priv");

  tfplugin5::ReadDataSource::Request dreq;
  dreq.set_type_name("secureaml_thing");
  dreq.mutable_config()->set_msgpack("c");
  tfplugin5::ReadDataSource::Response dresp;
  ASSERT_TRUE(v5_.ReadDataSource(nullptr, &dreq, &dresp).ok());
  EXPECT_EQ(core_.read_data_req.type_name, "secureaml_thing");
  EXPECT_EQ(dresp.state().msgpack(), "\x80");

  tfplugin6::MoveResourceState::Request mreq;
  mreq.set_source_provider_address("registry.terraform.io/hashicorp/azurerm");
  mreq.set_source_type_name("azurerm_thing");
  mreq.set_source_schema_version(3);
  mreq.mutable_source_state()->set_json("{}");
  mreq.set_target_type_name("secureaml_workspace");
  mreq.set_source_private("sp");
  tfplugin6::MoveResourceState::Response mresp;
  ASSERT_TRUE(v6_.MoveResourceState(nullptr, &mreq, &mresp).ok());
  EXPECT_EQ(core_.move_req.source_provider_address,
            "registry.terraform.io/hashicorp/azurerm");
  EXPECT_EQ(core_.move_req.source_type_name, "azurerm_thing");
  EXPECT_EQ(core_.move_req.source_schema_version, 3);
  EXPECT_EQ(core_.move_req.source_state_json, "{}");
  EXPECT_EQ(core_.move_req.source_private, "sp");
  EXPECT_EQ(mresp.target_private(), "tp");
}

TEST_F(AdapterTest, ExceptionsBecomeAnErrorDiagnosticWithOkStatus) {
  core_.throw_in_plan = true;
  tfplugin6::PlanResourceChange::Request req;
  tfplugin6::PlanResourceChange::Response resp;
  grpc::Status s = v6_.PlanResourceChange(nullptr, &req, &resp);
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
  EXPECT_THAT(resp.diagnostics(0).detail(), ::testing::HasSubstr("boom"));
}

TEST_F(AdapterTest, StopFunctionsAndIdentity) {
  tfplugin6::StopProvider::Response s6;
  ASSERT_TRUE(v6_.StopProvider(nullptr, nullptr, &s6).ok());
  EXPECT_EQ(s6.error(), "");
  tfplugin5::Stop::Response s5;
  ASSERT_TRUE(v5_.Stop(nullptr, nullptr, &s5).ok());
  EXPECT_EQ(s5.error(), "already stopping");
  EXPECT_EQ(core_.stops, 2);

  tfplugin6::GetFunctions::Response f;
  ASSERT_TRUE(v6_.GetFunctions(nullptr, nullptr, &f).ok());
  EXPECT_EQ(f.functions_size(), 0);
  tfplugin5::CallFunction::Request creq;
  creq.set_name("nope");
  tfplugin5::CallFunction::Response cresp;
  ASSERT_TRUE(v5_.CallFunction(nullptr, &creq, &cresp).ok());
  EXPECT_THAT(cresp.error().text(), ::testing::HasSubstr("nope"));

  tfplugin6::GetResourceIdentitySchemas::Response id;
  ASSERT_TRUE(v6_.GetResourceIdentitySchemas(nullptr, nullptr, &id).ok());
  EXPECT_EQ(id.identity_schemas_size(), 0);
}

}  // namespace
}  // namespace secureaml::protocol
