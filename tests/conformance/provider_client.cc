#include "tests/conformance/provider_client.h"

#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "proto/tfplugin5.grpc.pb.h"
#include "proto/tfplugin6.grpc.pb.h"
#include "provider/value/codec.h"

namespace secureaml::conformance {

// Protocol traits: message and RPC names that differ between v5 and v6.
struct V5 {
  using Stub = tfplugin5::Provider::Stub;
  using Schema = tfplugin5::Schema;
  using Diagnostic = tfplugin5::Diagnostic;
  using AttributePath = tfplugin5::AttributePath;
  using DynamicValue = tfplugin5::DynamicValue;
  using GetSchema = tfplugin5::GetProviderSchema;
  using ValidateProvider = tfplugin5::PrepareProviderConfig;
  using ValidateResource = tfplugin5::ValidateResourceTypeConfig;
  using ValidateData = tfplugin5::ValidateDataSourceConfig;
  using Configure = tfplugin5::Configure;
  using Upgrade = tfplugin5::UpgradeResourceState;
  using Read = tfplugin5::ReadResource;
  using Plan = tfplugin5::PlanResourceChange;
  using Apply = tfplugin5::ApplyResourceChange;
  using Import = tfplugin5::ImportResourceState;
  using ReadData = tfplugin5::ReadDataSource;
  using StopMsg = tfplugin5::Stop;
  static constexpr bool kV6 = false;
  static grpc::Status CallGetSchema(Stub& s, grpc::ClientContext* c,
                                    const GetSchema::Request& q,
                                    GetSchema::Response* r) {
    return s.GetSchema(c, q, r);
  }
  static grpc::Status CallValidateProvider(Stub& s, grpc::ClientContext* c,
                                           const ValidateProvider::Request& q,
                                           ValidateProvider::Response* r) {
    return s.PrepareProviderConfig(c, q, r);
  }
  static grpc::Status CallValidateResource(Stub& s, grpc::ClientContext* c,
                                           const ValidateResource::Request& q,
                                           ValidateResource::Response* r) {
    return s.ValidateResourceTypeConfig(c, q, r);
  }
  static grpc::Status CallValidateData(Stub& s, grpc::ClientContext* c,
                                       const ValidateData::Request& q,
                                       ValidateData::Response* r) {
    return s.ValidateDataSourceConfig(c, q, r);
  }
  static grpc::Status CallConfigure(Stub& s, grpc::ClientContext* c,
                                    const Configure::Request& q,
                                    Configure::Response* r) {
    return s.Configure(c, q, r);
  }
  static grpc::Status CallStop(Stub& s, grpc::ClientContext* c,
                               const StopMsg::Request& q,
                               StopMsg::Response* r) {
    return s.Stop(c, q, r);
  }
};

struct V6 {
  using Stub = tfplugin6::Provider::Stub;
  using Schema = tfplugin6::Schema;
  using Diagnostic = tfplugin6::Diagnostic;
  using AttributePath = tfplugin6::AttributePath;
  using DynamicValue = tfplugin6::DynamicValue;
  using GetSchema = tfplugin6::GetProviderSchema;
  using ValidateProvider = tfplugin6::ValidateProviderConfig;
  using ValidateResource = tfplugin6::ValidateResourceConfig;
  using ValidateData = tfplugin6::ValidateDataResourceConfig;
  using Configure = tfplugin6::ConfigureProvider;
  using Upgrade = tfplugin6::UpgradeResourceState;
  using Read = tfplugin6::ReadResource;
  using Plan = tfplugin6::PlanResourceChange;
  using Apply = tfplugin6::ApplyResourceChange;
  using Import = tfplugin6::ImportResourceState;
  using ReadData = tfplugin6::ReadDataSource;
  using StopMsg = tfplugin6::StopProvider;
  static constexpr bool kV6 = true;
  static grpc::Status CallGetSchema(Stub& s, grpc::ClientContext* c,
                                    const GetSchema::Request& q,
                                    GetSchema::Response* r) {
    return s.GetProviderSchema(c, q, r);
  }
  static grpc::Status CallValidateProvider(Stub& s, grpc::ClientContext* c,
                                           const ValidateProvider::Request& q,
                                           ValidateProvider::Response* r) {
    return s.ValidateProviderConfig(c, q, r);
  }
  static grpc::Status CallValidateResource(Stub& s, grpc::ClientContext* c,
                                           const ValidateResource::Request& q,
                                           ValidateResource::Response* r) {
    return s.ValidateResourceConfig(c, q, r);
  }
  static grpc::Status CallValidateData(Stub& s, grpc::ClientContext* c,
                                       const ValidateData::Request& q,
                                       ValidateData::Response* r) {
    return s.ValidateDataResourceConfig(c, q, r);
  }
  static grpc::Status CallConfigure(Stub& s, grpc::ClientContext* c,
                                    const Configure::Request& q,
                                    Configure::Response* r) {
    return s.ConfigureProvider(c, q, r);
  }
  static grpc::Status CallStop(Stub& s, grpc::ClientContext* c,
                               const StopMsg::Request& q,
                               StopMsg::Response* r) {
    return s.StopProvider(c, q, r);
  }
};

struct ProviderClient::Impl {
  std::unique_ptr<tfplugin5::Provider::Stub> v5;
  std::unique_ptr<tfplugin6::Provider::Stub> v6;
};

namespace {

absl::Status FromGrpc(const grpc::Status& s, const char* rpc) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(rpc, ": ", s.error_message()));
}

template <typename P>
void ToProto(const RawValue& v, typename P::DynamicValue* out) {
  out->set_msgpack(v.msgpack);
  out->set_json(v.json);
}

template <typename P>
RawValue FromProto(const typename P::DynamicValue& v) {
  return RawValue{v.msgpack(), v.json()};
}

template <typename P>
tf::AttributePath PathFromProto(const typename P::AttributePath& p) {
  tf::AttributePath out;
  for (const auto& step : p.steps()) {
    switch (step.selector_case()) {
      case P::AttributePath::Step::kAttributeName:
        out = out.Attr(step.attribute_name());
        break;
      case P::AttributePath::Step::kElementKeyString:
        out = out.Key(step.element_key_string());
        break;
      case P::AttributePath::Step::kElementKeyInt:
        out = out.Index(step.element_key_int());
        break;
      default:
        break;
    }
  }
  return out;
}

template <typename P, typename Repeated>
tf::Diagnostics DiagsFromProto(const Repeated& in,
                               std::vector<std::string>& notes) {
  tf::Diagnostics out;
  for (const auto& d : in) {
    tf::Diagnostic diag;
    if (d.severity() == P::Diagnostic::WARNING) {
      diag.severity = tf::Severity::kWarning;
    } else {
      diag.severity = tf::Severity::kError;
      if (d.severity() != P::Diagnostic::ERROR) {
        notes.push_back(
            absl::StrCat("diagnostic with severity INVALID: ", d.summary()));
      }
    }
    diag.summary = d.summary();
    diag.detail = d.detail();
    if (d.has_attribute() && d.attribute().steps_size() > 0) {
      diag.attribute = PathFromProto<P>(d.attribute());
    }
    out.Add(std::move(diag));
  }
  return out;
}

ConfigNesting NestingFromInt(int n) {
  switch (n) {
    case 1:
      return ConfigNesting::kSingle;
    case 2:
      return ConfigNesting::kList;
    case 3:
      return ConfigNesting::kSet;
    case 4:
      return ConfigNesting::kMap;
    case 5:
      return ConfigNesting::kGroup;
    default:
      return ConfigNesting::kInvalid;
  }
}

template <typename P, typename A>
ConfigAttribute AttributeFromProto(const A& a, const std::string& where,
                                   std::vector<std::string>& type_errors) {
  ConfigAttribute out;
  out.required = a.required();
  out.optional = a.optional();
  out.computed = a.computed();
  out.sensitive = a.sensitive();
  out.write_only = a.write_only();
  out.deprecated = a.deprecated();
  out.deprecation_message = a.deprecation_message();
  out.description = a.description();
  out.type_json = a.type();
  if (!a.type().empty()) {
    out.has_type = true;
    auto t = tf::Type::FromJson(a.type());
    if (t.ok()) {
      out.type = *t;
    } else {
      type_errors.push_back(absl::StrCat(where, ": ", t.status().message()));
      out.type = tf::Type::Dynamic();
    }
  }
  if constexpr (P::kV6) {
    if (a.has_nested_type()) {
      auto obj = std::make_shared<ConfigObject>();
      obj->nesting = NestingFromInt(a.nested_type().nesting());
      for (const auto& sub : a.nested_type().attributes()) {
        obj->attributes[sub.name()] =
            AttributeFromProto<P>(sub, where + "." + sub.name(), type_errors);
      }
      out.nested_type = std::move(obj);
    }
  }
  return out;
}

template <typename P>
void BlockFromProto(const typename P::Schema::Block& b,
                    const std::string& where, ConfigBlock& out,
                    std::vector<std::string>& type_errors) {
  out.deprecated = b.deprecated();
  out.deprecation_message = b.deprecation_message();
  out.description = b.description();
  if constexpr (P::kV6) out.computed = b.computed();
  for (const auto& a : b.attributes()) {
    out.attributes[a.name()] =
        AttributeFromProto<P>(a, where + "." + a.name(), type_errors);
  }
  for (const auto& nb : b.block_types()) {
    ConfigNestedBlock n;
    n.nesting = NestingFromInt(nb.nesting());
    n.min_items = nb.min_items();
    n.max_items = nb.max_items();
    n.block_missing = !nb.has_block();
    if (nb.has_block()) {
      BlockFromProto<P>(nb.block(), where + "." + nb.type_name(), n.block,
                        type_errors);
      n.computed = n.block.computed;
      n.deprecated = n.block.deprecated;
      n.deprecation_message = n.block.deprecation_message;
    }
    out.block_types[nb.type_name()] = std::move(n);
  }
}

template <typename P>
ConfigSchema SchemaFromProto(const typename P::Schema& s,
                             const std::string& where,
                             std::vector<std::string>& type_errors) {
  ConfigSchema out;
  out.version = s.version();
  out.block_missing = !s.has_block();
  if (s.has_block())
    BlockFromProto<P>(s.block(), where, out.block, type_errors);
  return out;
}

template <typename P>
typename P::Stub& StubFor(ProviderClient::Impl& impl) {
  if constexpr (P::kV6) {
    return *impl.v6;
  } else {
    return *impl.v5;
  }
}

}  // namespace

ProviderClient::ProviderClient(std::shared_ptr<grpc::Channel> channel,
                               int protocol_version, ClientOptions options)
    : protocol_version_(protocol_version),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>()) {
  if (protocol_version == 6) {
    impl_->v6 = tfplugin6::Provider::NewStub(channel);
  } else {
    impl_->v5 = tfplugin5::Provider::NewStub(channel);
  }
}

ProviderClient::~ProviderClient() = default;

void ProviderClient::SetSchemas(ProviderSchemas schemas) {
  schemas_ = std::move(schemas);
  have_schemas_ = true;
}

absl::StatusOr<RawValue> ProviderClient::Encode(const tf::Value& v,
                                                const tf::Type& type) {
  auto bytes = tf::EncodeMsgpack(v, type);
  if (!bytes.ok()) return bytes.status();
  return RawValue::Msgpack(*std::move(bytes));
}

absl::StatusOr<tf::Value> ProviderClient::Decode(const RawValue& raw,
                                                 const tf::Type& type) {
  if (!raw.msgpack.empty()) return tf::DecodeMsgpack(raw.msgpack, type);
  if (!raw.json.empty()) return tf::DecodeJson(raw.json, type);
  return tf::Value::Null(type);
}

absl::StatusOr<tf::Type> ProviderClient::ResourceType(
    const std::string& type_name) const {
  if (!have_schemas_) {
    return absl::FailedPreconditionError("call GetProviderSchema first");
  }
  const ConfigSchema* s = schemas_.Resource(type_name);
  if (s == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("provider has no resource type \"", type_name, "\""));
  }
  return s->block.ImpliedType();
}

absl::StatusOr<tf::Type> ProviderClient::DataSourceType(
    const std::string& type_name) const {
  if (!have_schemas_) {
    return absl::FailedPreconditionError("call GetProviderSchema first");
  }
  const ConfigSchema* s = schemas_.DataSource(type_name);
  if (s == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("provider has no data source \"", type_name, "\""));
  }
  return s->block.ImpliedType();
}

absl::StatusOr<tf::Type> ProviderClient::ProviderType() const {
  if (!have_schemas_) {
    return absl::FailedPreconditionError("call GetProviderSchema first");
  }
  return schemas_.provider.block.ImpliedType();
}

namespace {

// The generic bodies, instantiated for V5 and V6.
template <typename P>
struct Calls {
  ProviderClient::Impl& impl;
  const ClientOptions& opts;
  std::vector<std::string>& notes;

  void Prepare(grpc::ClientContext& ctx) {
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + opts.call_timeout));
  }
  template <typename Req>
  void SetCaps(Req& req) {
    auto* caps = req.mutable_client_capabilities();
    caps->set_deferral_allowed(opts.deferral_allowed);
    caps->set_write_only_attributes_allowed(opts.write_only_attributes_allowed);
  }

  absl::StatusOr<SchemaResponse> GetSchema() {
    grpc::ClientContext ctx;
    Prepare(ctx);
    // Terraform allows 64 MiB for the schema response; we allow more anyway.
    typename P::GetSchema::Request req;
    typename P::GetSchema::Response resp;
    grpc::Status s = P::CallGetSchema(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "GetProviderSchema");
    SchemaResponse out;
    out.diagnostics = DiagsFromProto<P>(resp.diagnostics(), notes);
    ProviderSchemas& sc = out.schemas;
    sc.provider_present = resp.has_provider();
    sc.provider =
        SchemaFromProto<P>(resp.provider(), "provider", sc.type_errors);
    sc.provider_meta = SchemaFromProto<P>(resp.provider_meta(), "provider_meta",
                                          sc.type_errors);
    for (const auto& [name, schema] : resp.resource_schemas()) {
      sc.resources[name] = SchemaFromProto<P>(schema, name, sc.type_errors);
    }
    for (const auto& [name, schema] : resp.data_source_schemas()) {
      sc.data_sources[name] =
          SchemaFromProto<P>(schema, "data." + name, sc.type_errors);
    }
    const auto& caps = resp.server_capabilities();
    sc.capabilities.plan_destroy = caps.plan_destroy();
    sc.capabilities.get_provider_schema_optional =
        caps.get_provider_schema_optional();
    sc.capabilities.move_resource_state = caps.move_resource_state();
    sc.capabilities.generate_resource_config = caps.generate_resource_config();
    return out;
  }

  absl::StatusOr<PrepareConfigResponse> ValidateProvider(const RawValue& cfg) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::ValidateProvider::Request req;
    typename P::ValidateProvider::Response resp;
    ToProto<P>(cfg, req.mutable_config());
    grpc::Status s =
        P::CallValidateProvider(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ValidateProviderConfig");
    PrepareConfigResponse out;
    out.diagnostics = DiagsFromProto<P>(resp.diagnostics(), notes);
    if constexpr (!P::kV6) {
      out.prepared_config = FromProto<P>(resp.prepared_config());
    }
    return out;
  }

  absl::StatusOr<DiagnosticsResponse> ValidateResource(const std::string& type,
                                                       const RawValue& cfg) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::ValidateResource::Request req;
    typename P::ValidateResource::Response resp;
    req.set_type_name(type);
    ToProto<P>(cfg, req.mutable_config());
    SetCaps(req);
    grpc::Status s =
        P::CallValidateResource(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ValidateResourceConfig");
    return DiagnosticsResponse{DiagsFromProto<P>(resp.diagnostics(), notes)};
  }

  absl::StatusOr<DiagnosticsResponse> ValidateData(const std::string& type,
                                                   const RawValue& cfg) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::ValidateData::Request req;
    typename P::ValidateData::Response resp;
    req.set_type_name(type);
    ToProto<P>(cfg, req.mutable_config());
    grpc::Status s = P::CallValidateData(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ValidateDataResourceConfig");
    return DiagnosticsResponse{DiagsFromProto<P>(resp.diagnostics(), notes)};
  }

  absl::StatusOr<DiagnosticsResponse> Configure(const RawValue& cfg) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Configure::Request req;
    typename P::Configure::Response resp;
    req.set_terraform_version(opts.terraform_version);
    ToProto<P>(cfg, req.mutable_config());
    SetCaps(req);
    grpc::Status s = P::CallConfigure(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ConfigureProvider");
    return DiagnosticsResponse{DiagsFromProto<P>(resp.diagnostics(), notes)};
  }

  absl::StatusOr<RawValue> Upgrade(const std::string& type, int64_t version,
                                   const std::string& json,
                                   tf::Diagnostics& diags) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Upgrade::Request req;
    typename P::Upgrade::Response resp;
    req.set_type_name(type);
    req.set_version(version);
    req.mutable_raw_state()->set_json(json);
    grpc::Status s = StubFor<P>(impl).UpgradeResourceState(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "UpgradeResourceState");
    diags = DiagsFromProto<P>(resp.diagnostics(), notes);
    return FromProto<P>(resp.upgraded_state());
  }

  absl::StatusOr<std::pair<RawValue, std::string>> Read(
      const std::string& type, const RawValue& state, const std::string& priv,
      tf::Diagnostics& diags) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Read::Request req;
    typename P::Read::Response resp;
    req.set_type_name(type);
    ToProto<P>(state, req.mutable_current_state());
    req.set_private_(priv);
    SetCaps(req);
    grpc::Status s = StubFor<P>(impl).ReadResource(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ReadResource");
    diags = DiagsFromProto<P>(resp.diagnostics(), notes);
    return std::make_pair(FromProto<P>(resp.new_state()), resp.private_());
  }

  absl::StatusOr<typename P::Plan::Response> Plan(const std::string& type,
                                                  const RawValue& prior,
                                                  const RawValue& proposed,
                                                  const RawValue& config,
                                                  const std::string& priv) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Plan::Request req;
    typename P::Plan::Response resp;
    req.set_type_name(type);
    ToProto<P>(prior, req.mutable_prior_state());
    ToProto<P>(proposed, req.mutable_proposed_new_state());
    ToProto<P>(config, req.mutable_config());
    req.set_prior_private(priv);
    SetCaps(req);
    grpc::Status s = StubFor<P>(impl).PlanResourceChange(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "PlanResourceChange");
    return resp;
  }

  absl::StatusOr<typename P::Apply::Response> Apply(const std::string& type,
                                                    const RawValue& prior,
                                                    const RawValue& planned,
                                                    const RawValue& config,
                                                    const std::string& priv) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Apply::Request req;
    typename P::Apply::Response resp;
    req.set_type_name(type);
    ToProto<P>(prior, req.mutable_prior_state());
    ToProto<P>(planned, req.mutable_planned_state());
    ToProto<P>(config, req.mutable_config());
    req.set_planned_private(priv);
    grpc::Status s = StubFor<P>(impl).ApplyResourceChange(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ApplyResourceChange");
    return resp;
  }

  absl::StatusOr<typename P::Import::Response> Import(const std::string& type,
                                                      const std::string& id) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::Import::Request req;
    typename P::Import::Response resp;
    req.set_type_name(type);
    req.set_id(id);
    SetCaps(req);
    grpc::Status s = StubFor<P>(impl).ImportResourceState(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ImportResourceState");
    return resp;
  }

  absl::StatusOr<typename P::ReadData::Response> ReadData(
      const std::string& type, const RawValue& config) {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::ReadData::Request req;
    typename P::ReadData::Response resp;
    req.set_type_name(type);
    ToProto<P>(config, req.mutable_config());
    SetCaps(req);
    grpc::Status s = StubFor<P>(impl).ReadDataSource(&ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "ReadDataSource");
    return resp;
  }

  absl::StatusOr<std::string> Stop() {
    grpc::ClientContext ctx;
    Prepare(ctx);
    typename P::StopMsg::Request req;
    typename P::StopMsg::Response resp;
    grpc::Status s = P::CallStop(StubFor<P>(impl), &ctx, req, &resp);
    if (!s.ok()) return FromGrpc(s, "StopProvider");
    return resp.error();
  }
};

// Appends Terraform's decode failure as an error diagnostic, as
// grpc_provider.go does (resp.Diagnostics.Append(err)).
tf::Value DecodeInto(const RawValue& raw, const absl::StatusOr<tf::Type>& type,
                     const char* what, tf::Diagnostics& diags) {
  if (!type.ok()) {
    diags.AddError(std::string(type.status().message()));
    return tf::Value();
  }
  auto v = ProviderClient::Decode(raw, *type);
  if (!v.ok()) {
    diags.AddError(absl::StrCat("Plugin returned an undecodable ", what),
                   std::string(v.status().message()));
    return tf::Value::Null(*type);
  }
  return *std::move(v);
}

}  // namespace

#define SECUREAML_DISPATCH(call)           \
  if (protocol_version_ == 6) {            \
    Calls<V6> c{*impl_, options_, notes_}; \
    return call;                           \
  } else {                                 \
    Calls<V5> c{*impl_, options_, notes_}; \
    return call;                           \
  }

absl::StatusOr<SchemaResponse> ProviderClient::GetProviderSchema() {
  absl::StatusOr<SchemaResponse> r;
  if (protocol_version_ == 6) {
    r = Calls<V6>{*impl_, options_, notes_}.GetSchema();
  } else {
    r = Calls<V5>{*impl_, options_, notes_}.GetSchema();
  }
  if (r.ok()) SetSchemas(r->schemas);
  return r;
}

absl::StatusOr<PrepareConfigResponse> ProviderClient::ValidateProviderConfig(
    const tf::Value& config) {
  auto type = ProviderType();
  if (!type.ok()) return type.status();
  auto raw = Encode(config, *type);
  if (!raw.ok()) return raw.status();
  return ValidateProviderConfigRaw(*raw);
}

absl::StatusOr<PrepareConfigResponse> ProviderClient::ValidateProviderConfigRaw(
    const RawValue& config) {
  SECUREAML_DISPATCH(c.ValidateProvider(config));
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ValidateResourceConfig(
    const std::string& type_name, const tf::Value& config) {
  auto type = ResourceType(type_name);
  if (!type.ok()) return type.status();
  auto raw = Encode(config, *type);
  if (!raw.ok()) return raw.status();
  return ValidateResourceConfigRaw(type_name, *raw);
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ValidateResourceConfigRaw(
    const std::string& type_name, const RawValue& config) {
  SECUREAML_DISPATCH(c.ValidateResource(type_name, config));
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ValidateDataSourceConfig(
    const std::string& type_name, const tf::Value& config) {
  auto type = DataSourceType(type_name);
  if (!type.ok()) return type.status();
  auto raw = Encode(config, *type);
  if (!raw.ok()) return raw.status();
  return ValidateDataSourceConfigRaw(type_name, *raw);
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ValidateDataSourceConfigRaw(
    const std::string& type_name, const RawValue& config) {
  SECUREAML_DISPATCH(c.ValidateData(type_name, config));
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ConfigureProvider(
    const tf::Value& config) {
  auto type = ProviderType();
  if (!type.ok()) return type.status();
  auto raw = Encode(config, *type);
  if (!raw.ok()) return raw.status();
  return ConfigureProviderRaw(*raw);
}

absl::StatusOr<DiagnosticsResponse> ProviderClient::ConfigureProviderRaw(
    const RawValue& config) {
  SECUREAML_DISPATCH(c.Configure(config));
}

absl::StatusOr<UpgradeResponse> ProviderClient::UpgradeResourceState(
    const std::string& type_name, int64_t version,
    const std::string& raw_state_json) {
  UpgradeResponse out;
  absl::StatusOr<RawValue> raw;
  if (protocol_version_ == 6) {
    raw = Calls<V6>{*impl_, options_, notes_}.Upgrade(
        type_name, version, raw_state_json, out.diagnostics);
  } else {
    raw = Calls<V5>{*impl_, options_, notes_}.Upgrade(
        type_name, version, raw_state_json, out.diagnostics);
  }
  if (!raw.ok()) return raw.status();
  out.upgraded_state = DecodeInto(*raw, ResourceType(type_name),
                                  "upgraded_state", out.diagnostics);
  return out;
}

absl::StatusOr<ReadResponse> ProviderClient::ReadResource(
    const std::string& type_name, const tf::Value& current_state,
    const std::string& private_state) {
  auto type = ResourceType(type_name);
  if (!type.ok()) return type.status();
  auto raw = Encode(current_state, *type);
  if (!raw.ok()) return raw.status();
  return ReadResourceRaw(type_name, *raw, private_state);
}

absl::StatusOr<ReadResponse> ProviderClient::ReadResourceRaw(
    const std::string& type_name, const RawValue& current_state,
    const std::string& private_state) {
  ReadResponse out;
  absl::StatusOr<std::pair<RawValue, std::string>> r;
  if (protocol_version_ == 6) {
    r = Calls<V6>{*impl_, options_, notes_}.Read(
        type_name, current_state, private_state, out.diagnostics);
  } else {
    r = Calls<V5>{*impl_, options_, notes_}.Read(
        type_name, current_state, private_state, out.diagnostics);
  }
  if (!r.ok()) return r.status();
  out.private_state = r->second;
  out.new_state = DecodeInto(r->first, ResourceType(type_name), "new_state",
                             out.diagnostics);
  return out;
}

absl::StatusOr<PlanResponse> ProviderClient::PlanResourceChange(
    const std::string& type_name, const tf::Value& prior_state,
    const tf::Value& proposed_new_state, const tf::Value& config,
    const std::string& prior_private) {
  auto type = ResourceType(type_name);
  if (!type.ok()) return type.status();
  auto prior = Encode(prior_state, *type);
  if (!prior.ok()) return prior.status();
  auto proposed = Encode(proposed_new_state, *type);
  if (!proposed.ok()) return proposed.status();
  auto cfg = Encode(config, *type);
  if (!cfg.ok()) return cfg.status();
  return PlanResourceChangeRaw(type_name, *prior, *proposed, *cfg,
                               prior_private);
}

namespace {
template <typename P>
PlanResponse ConvertPlan(const typename P::Plan::Response& resp,
                         const absl::StatusOr<tf::Type>& type,
                         std::vector<std::string>& notes) {
  PlanResponse out;
  out.diagnostics = DiagsFromProto<P>(resp.diagnostics(), notes);
  out.planned_private = resp.planned_private();
  out.legacy_type_system = resp.legacy_type_system();
  out.deferred = resp.has_deferred();
  for (const auto& p : resp.requires_replace()) {
    out.requires_replace.push_back(PathFromProto<P>(p));
  }
  out.planned_state = DecodeInto(FromProto<P>(resp.planned_state()), type,
                                 "planned_state", out.diagnostics);
  return out;
}

template <typename P>
ApplyResponse ConvertApply(const typename P::Apply::Response& resp,
                           const absl::StatusOr<tf::Type>& type,
                           std::vector<std::string>& notes) {
  ApplyResponse out;
  out.diagnostics = DiagsFromProto<P>(resp.diagnostics(), notes);
  out.private_state = resp.private_();
  out.legacy_type_system = resp.legacy_type_system();
  out.new_state = DecodeInto(FromProto<P>(resp.new_state()), type, "new_state",
                             out.diagnostics);
  return out;
}

template <typename P>
ImportResponse ConvertImport(const typename P::Import::Response& resp,
                             const ProviderClient& client,
                             std::vector<std::string>& notes) {
  ImportResponse out;
  out.diagnostics = DiagsFromProto<P>(resp.diagnostics(), notes);
  for (const auto& r : resp.imported_resources()) {
    ImportedResource ir;
    ir.type_name = r.type_name();
    ir.private_state = r.private_();
    ir.state =
        DecodeInto(FromProto<P>(r.state()), client.ResourceType(r.type_name()),
                   "imported state", out.diagnostics);
    out.imported.push_back(std::move(ir));
  }
  return out;
}
}  // namespace

absl::StatusOr<PlanResponse> ProviderClient::PlanResourceChangeRaw(
    const std::string& type_name, const RawValue& prior_state,
    const RawValue& proposed_new_state, const RawValue& config,
    const std::string& prior_private) {
  if (protocol_version_ == 6) {
    auto r = Calls<V6>{*impl_, options_, notes_}.Plan(
        type_name, prior_state, proposed_new_state, config, prior_private);
    if (!r.ok()) return r.status();
    return ConvertPlan<V6>(*r, ResourceType(type_name), notes_);
  }
  auto r = Calls<V5>{*impl_, options_, notes_}.Plan(
      type_name, prior_state, proposed_new_state, config, prior_private);
  if (!r.ok()) return r.status();
  return ConvertPlan<V5>(*r, ResourceType(type_name), notes_);
}

absl::StatusOr<ApplyResponse> ProviderClient::ApplyResourceChange(
    const std::string& type_name, const tf::Value& prior_state,
    const tf::Value& planned_state, const tf::Value& config,
    const std::string& planned_private) {
  auto type = ResourceType(type_name);
  if (!type.ok()) return type.status();
  auto prior = Encode(prior_state, *type);
  if (!prior.ok()) return prior.status();
  auto planned = Encode(planned_state, *type);
  if (!planned.ok()) return planned.status();
  auto cfg = Encode(config, *type);
  if (!cfg.ok()) return cfg.status();
  return ApplyResourceChangeRaw(type_name, *prior, *planned, *cfg,
                                planned_private);
}

absl::StatusOr<ApplyResponse> ProviderClient::ApplyResourceChangeRaw(
    const std::string& type_name, const RawValue& prior_state,
    const RawValue& planned_state, const RawValue& config,
    const std::string& planned_private) {
  if (protocol_version_ == 6) {
    auto r = Calls<V6>{*impl_, options_, notes_}.Apply(
        type_name, prior_state, planned_state, config, planned_private);
    if (!r.ok()) return r.status();
    return ConvertApply<V6>(*r, ResourceType(type_name), notes_);
  }
  auto r = Calls<V5>{*impl_, options_, notes_}.Apply(
      type_name, prior_state, planned_state, config, planned_private);
  if (!r.ok()) return r.status();
  return ConvertApply<V5>(*r, ResourceType(type_name), notes_);
}

absl::StatusOr<ImportResponse> ProviderClient::ImportResourceState(
    const std::string& type_name, const std::string& id) {
  if (protocol_version_ == 6) {
    auto r = Calls<V6>{*impl_, options_, notes_}.Import(type_name, id);
    if (!r.ok()) return r.status();
    return ConvertImport<V6>(*r, *this, notes_);
  }
  auto r = Calls<V5>{*impl_, options_, notes_}.Import(type_name, id);
  if (!r.ok()) return r.status();
  return ConvertImport<V5>(*r, *this, notes_);
}

absl::StatusOr<ReadDataResponse> ProviderClient::ReadDataSource(
    const std::string& type_name, const tf::Value& config) {
  auto type = DataSourceType(type_name);
  if (!type.ok()) return type.status();
  auto raw = Encode(config, *type);
  if (!raw.ok()) return raw.status();
  return ReadDataSourceRaw(type_name, *raw);
}

absl::StatusOr<ReadDataResponse> ProviderClient::ReadDataSourceRaw(
    const std::string& type_name, const RawValue& config) {
  ReadDataResponse out;
  RawValue state;
  if (protocol_version_ == 6) {
    auto r = Calls<V6>{*impl_, options_, notes_}.ReadData(type_name, config);
    if (!r.ok()) return r.status();
    out.diagnostics = DiagsFromProto<V6>(r->diagnostics(), notes_);
    state = FromProto<V6>(r->state());
  } else {
    auto r = Calls<V5>{*impl_, options_, notes_}.ReadData(type_name, config);
    if (!r.ok()) return r.status();
    out.diagnostics = DiagsFromProto<V5>(r->diagnostics(), notes_);
    state = FromProto<V5>(r->state());
  }
  out.state =
      DecodeInto(state, DataSourceType(type_name), "state", out.diagnostics);
  return out;
}

absl::StatusOr<std::string> ProviderClient::Stop() {
  SECUREAML_DISPATCH(c.Stop());
}

std::string TerraformGrpcErrorSummary(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return "Plugin did not respond";
    case absl::StatusCode::kCancelled:
      return "Request cancelled";
    case absl::StatusCode::kUnimplemented:
      return "Unsupported plugin method";
    default:
      return "Plugin error";
  }
}

}  // namespace secureaml::conformance
