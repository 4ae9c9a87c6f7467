#include "provider/protocol/testing/echo_core.h"

#include <optional>
#include <string>

#include "provider/value/codec.h"

namespace secureaml::protocol::testing {
namespace {

constexpr char kResource[] = "secureaml_echo";

// Decodes `v` (null when absent); a malformed value becomes a diagnostic.
std::optional<tf::Value> Decode(const core::DynamicValue& v,
                                const tf::Type& type, tf::Diagnostics& diags) {
  if (v.msgpack.empty() && v.json.empty()) return tf::Value::Null(type);
  auto decoded = v.msgpack.empty() ? tf::DecodeJson(v.json, type)
                                   : tf::DecodeMsgpack(v.msgpack, type);
  if (!decoded.ok()) {
    diags.AddError("Invalid value from Terraform",
                   std::string(decoded.status().message()));
    return std::nullopt;
  }
  return *decoded;
}

core::DynamicValue Encode(const tf::Value& v, const tf::Type& type,
                          tf::Diagnostics& diags) {
  auto bytes = tf::EncodeMsgpack(v, type);
  if (!bytes.ok()) {
    diags.AddError("Cannot encode value",
                   std::string(bytes.status().message()));
    return {};
  }
  return {*bytes, ""};
}

}  // namespace

EchoCore::EchoCore() {
  provider_schema_.block.attributes = {tf::Attribute::Optional(
      "prefix", tf::Type::String(), "Prepended to every echo `id`.")};

  resource_schema_.version = 1;
  resource_schema_.block.description = "Echoes its name into `id`.";
  resource_schema_.block.attributes = {
      tf::Attribute::Required("name", tf::Type::String(), "Any name.")
          .ForceNew(),
      tf::Attribute::Optional("note", tf::Type::String(), "Updatable."),
      tf::Attribute::Computed("id", tf::Type::String(), "prefix + name."),
  };

  data_schema_.block.attributes = {
      tf::Attribute::Required("input", tf::Type::String(), "Input."),
      tf::Attribute::Computed("output", tf::Type::String(), "echo:input."),
  };
}

core::GetProviderSchemaResponse EchoCore::GetProviderSchema() {
  core::GetProviderSchemaResponse resp;
  resp.provider = provider_schema_;
  resp.resource_schemas[kResource] = resource_schema_;
  resp.data_source_schemas[kResource] = data_schema_;
  resp.capabilities.move_resource_state = false;
  return resp;
}

core::ValidateProviderConfigResponse EchoCore::ValidateProviderConfig(
    const core::ValidateProviderConfigRequest& req) {
  core::ValidateProviderConfigResponse resp;
  Decode(req.config, provider_schema_.ImpliedType(), resp.diagnostics);
  return resp;
}

core::ValidateResourceConfigResponse EchoCore::ValidateResourceConfig(
    const core::ValidateResourceConfigRequest& req) {
  core::ValidateResourceConfigResponse resp;
  auto config =
      Decode(req.config, resource_schema_.ImpliedType(), resp.diagnostics);
  if (config && config->IsKnown() && config->GetString("name") == "") {
    resp.diagnostics.AddAttributeError(tf::AttributePath::Root("name"),
                                       "Empty name",
                                       "Give the echo a non-empty name.");
  }
  return resp;
}

core::ValidateResourceConfigResponse EchoCore::ValidateDataResourceConfig(
    const core::ValidateResourceConfigRequest& req) {
  core::ValidateResourceConfigResponse resp;
  Decode(req.config, data_schema_.ImpliedType(), resp.diagnostics);
  return resp;
}

core::UpgradeResourceStateResponse EchoCore::UpgradeResourceState(
    const core::UpgradeResourceStateRequest& req) {
  core::UpgradeResourceStateResponse resp;
  const tf::Type type = resource_schema_.ImpliedType();
  auto state = tf::DecodeJson(req.raw_state_json, type, {true});
  if (!state.ok()) {
    resp.diagnostics.AddError("Cannot read stored state",
                              std::string(state.status().message()));
    return resp;
  }
  resp.upgraded_state = Encode(*state, type, resp.diagnostics);
  return resp;
}

core::ConfigureProviderResponse EchoCore::ConfigureProvider(
    const core::ConfigureProviderRequest& req) {
  core::ConfigureProviderResponse resp;
  auto config =
      Decode(req.config, provider_schema_.ImpliedType(), resp.diagnostics);
  if (config && config->IsKnown()) {
    std::lock_guard<std::mutex> lock(mu_);
    prefix_ = config->GetString("prefix").value_or("");
  }
  return resp;
}

core::ReadResourceResponse EchoCore::ReadResource(
    const core::ReadResourceRequest& req) {
  core::ReadResourceResponse resp;
  resp.new_state = req.current_state;
  resp.private_state = req.private_state;
  return resp;
}

core::PlanResourceChangeResponse EchoCore::PlanResourceChange(
    const core::PlanResourceChangeRequest& req) {
  core::PlanResourceChangeResponse resp;
  const tf::Type type = resource_schema_.ImpliedType();
  auto prior = Decode(req.prior_state, type, resp.diagnostics);
  auto proposed = Decode(req.proposed_new_state, type, resp.diagnostics);
  if (!prior || !proposed) return resp;
  resp.planned_private = req.prior_private;
  if (proposed->IsNull()) return resp;  // destroy: plan null
  tf::Value planned = *proposed;
  if (prior->IsNull()) {
    planned = planned.WithAttr("id", tf::Value::Unknown(tf::Type::String()));
  } else if (prior->GetAttr("name") != proposed->GetAttr("name")) {
    planned = planned.WithAttr("id", tf::Value::Unknown(tf::Type::String()));
    resp.requires_replace.push_back(tf::AttributePath::Root("name"));
  }
  resp.planned_state = Encode(planned, type, resp.diagnostics);
  return resp;
}

core::ApplyResourceChangeResponse EchoCore::ApplyResourceChange(
    const core::ApplyResourceChangeRequest& req) {
  core::ApplyResourceChangeResponse resp;
  const tf::Type type = resource_schema_.ImpliedType();
  auto planned = Decode(req.planned_state, type, resp.diagnostics);
  if (!planned || planned->IsNull()) return resp;  // destroyed
  tf::Value state = *planned;
  if (!state.GetAttr("id").IsKnown()) {
    std::lock_guard<std::mutex> lock(mu_);
    state = state.WithAttr(
        "id",
        tf::Value::String(prefix_ + state.GetString("name").value_or("")));
  }
  resp.new_state = Encode(state, type, resp.diagnostics);
  resp.private_state = "echo-private";
  return resp;
}

core::ImportResourceStateResponse EchoCore::ImportResourceState(
    const core::ImportResourceStateRequest& req) {
  core::ImportResourceStateResponse resp;
  const tf::Type type = resource_schema_.ImpliedType();
  tf::Value state = tf::Value::Object(
      type,
      {{"id", tf::Value::String(req.id)}, {"name", tf::Value::String(req.id)}});
  resp.imported_resources.push_back(
      {req.type_name, Encode(state, type, resp.diagnostics), ""});
  return resp;
}

core::ReadDataSourceResponse EchoCore::ReadDataSource(
    const core::ReadDataSourceRequest& req) {
  core::ReadDataSourceResponse resp;
  const tf::Type type = data_schema_.ImpliedType();
  auto config = Decode(req.config, type, resp.diagnostics);
  if (!config) return resp;
  tf::Value state = config->WithAttr(
      "output",
      tf::Value::String("echo:" + config->GetString("input").value_or("")));
  resp.state = Encode(state, type, resp.diagnostics);
  return resp;
}

core::MoveResourceStateResponse EchoCore::MoveResourceState(
    const core::MoveResourceStateRequest& req) {
  core::MoveResourceStateResponse resp;
  resp.diagnostics.AddError("Move not supported",
                            "The echo resource cannot be moved into.");
  return resp;
}

}  // namespace secureaml::protocol::testing
