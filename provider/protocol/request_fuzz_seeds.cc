// Seed requests for the protocol request fuzz target, built from the
// provider's schemas so they follow every schema change.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "proto/tfplugin5.pb.h"
#include "proto/tfplugin6.pb.h"
#include "provider/protocol/request_fuzz.h"
#include "provider/value/codec.h"

namespace secureaml::protocol::fuzz {
namespace {

constexpr char kGuid[] = "00000000-0000-0000-0000-000000000000";
constexpr char kArmId[] =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
    "example-rg/providers/Microsoft.MachineLearningServices/workspaces/"
    "example";

// A plausible string for an attribute, by name, so seeds get past the most
// common validators (GUIDs, ARM IDs, durations) into planning.
std::string SampleString(const std::string& name) {
  if (name == "id" || absl::EndsWith(name, "_resource_id") ||
      absl::EndsWith(name, "_group_id") || name == "scope" ||
      absl::EndsWith(name, "workspace_id") ||
      absl::EndsWith(name, "subnet_id")) {
    return kArmId;
  }
  if (absl::EndsWith(name, "_id")) return kGuid;
  if (name == "location") return "westeurope";
  if (name == "create" || name == "read" || name == "update" ||
      name == "delete") {
    return "30m";
  }
  return "example";
}

tf::Value SampleValue(const std::string& name, const tf::Type& type) {
  using Kind = tf::Type::Kind;
  switch (type.kind()) {
    case Kind::kString:
    case Kind::kDynamic:
      return tf::Value::String(SampleString(name));
    case Kind::kNumber:
      return tf::Value::Int(1);
    case Kind::kBool:
      return tf::Value::Bool(false);
    case Kind::kList:
      return tf::Value::List(type.ElementType(),
                             {SampleValue(name, type.ElementType())});
    case Kind::kSet:
      return tf::Value::Set(type.ElementType(),
                            {SampleValue(name, type.ElementType())});
    case Kind::kMap:
      return tf::Value::Map(type.ElementType(),
                            {{"key", SampleValue(name, type.ElementType())}});
    case Kind::kObject: {
      std::map<std::string, tf::Value> attrs;
      for (const auto& [attr, attr_type] : type.AttributeTypes()) {
        attrs.emplace(attr, SampleValue(attr, attr_type));
      }
      return tf::Value::Object(type, std::move(attrs));
    }
    case Kind::kTuple: {
      std::vector<tf::Value> elements;
      for (const tf::Type& t : type.TupleElementTypes()) {
        elements.push_back(SampleValue(name, t));
      }
      return tf::Value::Tuple(std::move(elements));
    }
  }
  return tf::Value::Null(type);
}

enum class Shape {
  kConfig,    // required attributes set, the rest null
  kProposed,  // kConfig with computed attributes unknown (a create plan)
  kState,     // every attribute known (stored state)
};

tf::Value SampleBlock(const tf::Block& block, Shape shape) {
  std::map<std::string, tf::Value> attrs;
  for (const tf::Attribute& a : block.attributes) {
    tf::Value v = tf::Value::Null(a.type);
    if (shape == Shape::kState || a.IsRequired()) {
      v = SampleValue(a.name, a.type);
    } else if (shape == Shape::kProposed && a.IsComputed()) {
      v = tf::Value::Unknown(a.type);
    }
    attrs.emplace(a.name, std::move(v));
  }
  for (const tf::NestedBlock& nb : block.blocks) {
    tf::Value inner = SampleBlock(nb.block, shape);
    const tf::Type element = nb.block.ImpliedType();
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
      case tf::Nesting::kGroup:
        attrs.emplace(nb.type_name, std::move(inner));
        break;
      case tf::Nesting::kList:
        attrs.emplace(nb.type_name, tf::Value::List(element, {inner}));
        break;
      case tf::Nesting::kSet:
        attrs.emplace(nb.type_name, tf::Value::Set(element, {inner}));
        break;
      case tf::Nesting::kMap:
        attrs.emplace(nb.type_name, tf::Value::Map(element, {{"key", inner}}));
        break;
    }
  }
  return tf::Value::Object(block.ImpliedType(), std::move(attrs));
}

std::string Msgpack(const tf::Value& v, const tf::Type& type) {
  absl::StatusOr<std::string> bytes = tf::EncodeMsgpack(v, type);
  return bytes.ok() ? *bytes : std::string("\xc0", 1);
}

std::string Json(const tf::Value& v, const tf::Type& type) {
  absl::StatusOr<std::string> json = tf::EncodeJson(v, type);
  return json.ok() ? *json : "{}";
}

// Appends seeds of one protocol. Both protocols use the same field names
// for everything set here, so one template writes either.
class SeedWriter {
 public:
  SeedWriter(std::string prefix, std::vector<Seed>& out)
      : prefix_(std::move(prefix)), out_(out) {}

  template <typename Req>
  void Add(FuzzRpc rpc, const std::string& name, const Req& req) {
    std::string bytes(1, static_cast<char>(rpc));
    bytes += req.SerializeAsString();
    out_.push_back({prefix_ + name, std::move(bytes)});
  }

 private:
  std::string prefix_;
  std::vector<Seed>& out_;
};

struct Rpcs {
  FuzzRpc metadata, schema, identity, validate_provider, validate_resource,
      validate_data, upgrade, configure, read, plan, apply, import, move,
      read_data, functions, call_function;
};

constexpr Rpcs kV5Rpcs = {
    FuzzRpc::kV5GetMetadata,
    FuzzRpc::kV5GetSchema,
    FuzzRpc::kV5GetResourceIdentitySchemas,
    FuzzRpc::kV5PrepareProviderConfig,
    FuzzRpc::kV5ValidateResourceTypeConfig,
    FuzzRpc::kV5ValidateDataSourceConfig,
    FuzzRpc::kV5UpgradeResourceState,
    FuzzRpc::kV5Configure,
    FuzzRpc::kV5ReadResource,
    FuzzRpc::kV5PlanResourceChange,
    FuzzRpc::kV5ApplyResourceChange,
    FuzzRpc::kV5ImportResourceState,
    FuzzRpc::kV5MoveResourceState,
    FuzzRpc::kV5ReadDataSource,
    FuzzRpc::kV5GetFunctions,
    FuzzRpc::kV5CallFunction,
};

constexpr Rpcs kV6Rpcs = {
    FuzzRpc::kV6GetMetadata,
    FuzzRpc::kV6GetProviderSchema,
    FuzzRpc::kV6GetResourceIdentitySchemas,
    FuzzRpc::kV6ValidateProviderConfig,
    FuzzRpc::kV6ValidateResourceConfig,
    FuzzRpc::kV6ValidateDataResourceConfig,
    FuzzRpc::kV6UpgradeResourceState,
    FuzzRpc::kV6ConfigureProvider,
    FuzzRpc::kV6ReadResource,
    FuzzRpc::kV6PlanResourceChange,
    FuzzRpc::kV6ApplyResourceChange,
    FuzzRpc::kV6ImportResourceState,
    FuzzRpc::kV6MoveResourceState,
    FuzzRpc::kV6ReadDataSource,
    FuzzRpc::kV6GetFunctions,
    FuzzRpc::kV6CallFunction,
};

// The request messages of one protocol version, and its selectors.
struct V5 {
  static constexpr const Rpcs& kRpcs = kV5Rpcs;
  using GetMetadata = tfplugin5::GetMetadata_::Request;
  using GetSchema = tfplugin5::GetProviderSchema::Request;
  using Identity = tfplugin5::GetResourceIdentitySchemas::Request;
  using ValidateProvider = tfplugin5::PrepareProviderConfig::Request;
  using ValidateResource = tfplugin5::ValidateResourceTypeConfig::Request;
  using ValidateData = tfplugin5::ValidateDataSourceConfig::Request;
  using Upgrade = tfplugin5::UpgradeResourceState::Request;
  using Configure = tfplugin5::Configure::Request;
  using Read = tfplugin5::ReadResource::Request;
  using Plan = tfplugin5::PlanResourceChange::Request;
  using Apply = tfplugin5::ApplyResourceChange::Request;
  using Import = tfplugin5::ImportResourceState::Request;
  using Move = tfplugin5::MoveResourceState::Request;
  using ReadData = tfplugin5::ReadDataSource::Request;
  using Functions = tfplugin5::GetFunctions::Request;
  using CallFunction = tfplugin5::CallFunction::Request;
};

struct V6 {
  static constexpr const Rpcs& kRpcs = kV6Rpcs;
  using GetMetadata = tfplugin6::GetMetadata_::Request;
  using GetSchema = tfplugin6::GetProviderSchema::Request;
  using Identity = tfplugin6::GetResourceIdentitySchemas::Request;
  using ValidateProvider = tfplugin6::ValidateProviderConfig::Request;
  using ValidateResource = tfplugin6::ValidateResourceConfig::Request;
  using ValidateData = tfplugin6::ValidateDataResourceConfig::Request;
  using Upgrade = tfplugin6::UpgradeResourceState::Request;
  using Configure = tfplugin6::ConfigureProvider::Request;
  using Read = tfplugin6::ReadResource::Request;
  using Plan = tfplugin6::PlanResourceChange::Request;
  using Apply = tfplugin6::ApplyResourceChange::Request;
  using Import = tfplugin6::ImportResourceState::Request;
  using Move = tfplugin6::MoveResourceState::Request;
  using ReadData = tfplugin6::ReadDataSource::Request;
  using Functions = tfplugin6::GetFunctions::Request;
  using CallFunction = tfplugin6::CallFunction::Request;
};

template <typename M>
void ProviderSeeds(const core::GetProviderSchemaResponse& s, SeedWriter& w) {
  const tf::Type type = s.provider.ImpliedType();
  const std::string config =
      Msgpack(SampleBlock(s.provider.block, Shape::kConfig), type);
  w.Add(M::kRpcs.metadata, "get_metadata", typename M::GetMetadata());
  w.Add(M::kRpcs.schema, "get_provider_schema", typename M::GetSchema());
  w.Add(M::kRpcs.identity, "get_resource_identity_schemas",
        typename M::Identity());
  typename M::ValidateProvider validate;
  validate.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.validate_provider, "validate_provider_config", validate);
  typename M::Configure configure;
  configure.set_terraform_version("1.11.4");
  configure.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.configure, "configure_provider", configure);
  w.Add(M::kRpcs.functions, "get_functions", typename M::Functions());
  typename M::CallFunction call;
  call.set_name("example");
  w.Add(M::kRpcs.call_function, "call_function", call);
}

template <typename M>
void ResourceSeeds(const std::string& type_name, const tf::Schema& schema,
                   const std::function<core::PlanResourceChangeResponse(
                       const core::PlanResourceChangeRequest&)>& plan,
                   SeedWriter& w) {
  const tf::Type type = schema.ImpliedType();
  const std::string config =
      Msgpack(SampleBlock(schema.block, Shape::kConfig), type);
  const std::string proposed =
      Msgpack(SampleBlock(schema.block, Shape::kProposed), type);
  const tf::Value state_value = SampleBlock(schema.block, Shape::kState);
  const std::string state = Msgpack(state_value, type);
  const std::string prefix = type_name + "_";

  typename M::ValidateResource validate;
  validate.set_type_name(type_name);
  validate.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.validate_resource, prefix + "validate", validate);

  typename M::Plan create;
  create.set_type_name(type_name);
  create.mutable_prior_state()->set_msgpack("\xc0");
  create.mutable_proposed_new_state()->set_msgpack(proposed);
  create.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.plan, prefix + "plan_create", create);

  typename M::Plan update = create;
  update.mutable_prior_state()->set_msgpack(state);
  update.mutable_proposed_new_state()->set_msgpack(state);
  w.Add(M::kRpcs.plan, prefix + "plan_update", update);

  // Apply what the server itself planned, as Terraform does.
  core::PlanResourceChangeRequest plan_req;
  plan_req.type_name = type_name;
  plan_req.proposed_new_state.msgpack = proposed;
  plan_req.config.msgpack = config;
  core::PlanResourceChangeResponse planned = plan(plan_req);
  typename M::Apply apply;
  apply.set_type_name(type_name);
  apply.mutable_prior_state()->set_msgpack("\xc0");
  apply.mutable_planned_state()->set_msgpack(
      planned.planned_state.msgpack.empty() ? proposed
                                            : planned.planned_state.msgpack);
  apply.mutable_config()->set_msgpack(config);
  apply.set_planned_private(planned.planned_private);
  w.Add(M::kRpcs.apply, prefix + "apply_create", apply);

  typename M::Read read;
  read.set_type_name(type_name);
  read.mutable_current_state()->set_msgpack(state);
  w.Add(M::kRpcs.read, prefix + "read", read);

  typename M::Import import;
  import.set_type_name(type_name);
  import.set_id(kArmId);
  w.Add(M::kRpcs.import, prefix + "import", import);

  typename M::Upgrade upgrade;
  upgrade.set_type_name(type_name);
  upgrade.set_version(schema.version);
  upgrade.mutable_raw_state()->set_json(Json(state_value, type));
  w.Add(M::kRpcs.upgrade, prefix + "upgrade", upgrade);

  typename M::Move move;
  move.set_source_provider_address("registry.terraform.io/example/secureaml");
  move.set_source_type_name(type_name);
  move.mutable_source_state()->set_json(Json(state_value, type));
  move.set_target_type_name(type_name);
  w.Add(M::kRpcs.move, prefix + "move", move);
}

template <typename M>
void DataSourceSeeds(const std::string& type_name, const tf::Schema& schema,
                     SeedWriter& w) {
  const std::string config =
      Msgpack(SampleBlock(schema.block, Shape::kConfig), schema.ImpliedType());
  typename M::ValidateData validate;
  validate.set_type_name(type_name);
  validate.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.validate_data, "data_" + type_name + "_validate", validate);
  typename M::ReadData read;
  read.set_type_name(type_name);
  read.mutable_config()->set_msgpack(config);
  w.Add(M::kRpcs.read_data, "data_" + type_name + "_read", read);
}

}  // namespace

std::vector<Seed> MakeSeeds(
    const core::GetProviderSchemaResponse& schemas,
    const std::function<core::PlanResourceChangeResponse(
        const core::PlanResourceChangeRequest&)>& plan) {
  std::vector<Seed> seeds;
  SeedWriter v5("v5_", seeds);
  SeedWriter v6("v6_", seeds);
  ProviderSeeds<V5>(schemas, v5);
  ProviderSeeds<V6>(schemas, v6);
  bool first = true;
  for (const auto& [name, schema] : schemas.resource_schemas) {
    if (first) {
      ResourceSeeds<V5>(name, schema, plan, v5);
    }
    ResourceSeeds<V6>(name, schema, plan, v6);
    first = false;
  }
  first = true;
  for (const auto& [name, schema] : schemas.data_source_schemas) {
    if (first) DataSourceSeeds<V5>(name, schema, v5);
    DataSourceSeeds<V6>(name, schema, v6);
    first = false;
  }
  return seeds;
}

}  // namespace secureaml::protocol::fuzz
