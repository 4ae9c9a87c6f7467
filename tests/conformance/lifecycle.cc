#include "tests/conformance/lifecycle.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "provider/value/codec.h"

namespace secureaml::conformance {
namespace {

using tf::Type;
using tf::Value;

constexpr char kBugSuffix[] =
    "\n\nThis is a bug in the provider, which should be reported in the "
    "provider's own issue tracker.";

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// cty.Path's %#v, e.g. cty.Path{cty.GetAttrStep{Name:"x"}}.
std::string GoPathString(const tf::AttributePath& p) {
  std::vector<std::string> parts;
  for (const auto& s : p.steps()) {
    switch (s.kind) {
      case tf::AttributePath::Step::Kind::kAttribute:
        parts.push_back("cty.GetAttrStep{Name:\"" + s.name + "\"}");
        break;
      case tf::AttributePath::Step::Kind::kKeyString:
        parts.push_back("cty.IndexStep{Key:cty.StringVal(\"" + s.name + "\")}");
        break;
      case tf::AttributePath::Step::Kind::kKeyInt:
        parts.push_back(
            absl::StrCat("cty.IndexStep{Key:cty.NumberIntVal(", s.index, ")}"));
        break;
    }
  }
  return "cty.Path{" + absl::StrJoin(parts, ", ") + "}";
}

std::string SeverityWord(Finding::Kind k) {
  switch (k) {
    case Finding::Kind::kViolation:
      return "Error";
    case Finding::Kind::kProviderError:
      return "Error";
    case Finding::Kind::kWarning:
      return "Warning";
  }
  return "Error";
}

// The JSON form of a block's config value for one attribute, converted by
// the value codec against the attribute's type.
absl::StatusOr<Value> DecodeAttrJson(const nlohmann::json& j, const Type& t) {
  if (j.is_null()) return Value::Null(t);
  tf::JsonDecodeOptions o;
  o.lenient_objects = true;
  return tf::DecodeJson(j.dump(), t, o);
}

void DecodeBlockInto(const ConfigBlock& block, const nlohmann::json& json,
                     const std::string& where,
                     std::map<std::string, Value>& out,
                     std::vector<std::string>& errors);

absl::StatusOr<Value> DecodeBlockObject(const ConfigBlock& block,
                                        const nlohmann::json& json,
                                        const std::string& where,
                                        std::vector<std::string>& errors) {
  std::map<std::string, Value> attrs;
  DecodeBlockInto(block, json, where, attrs, errors);
  return Value::Object(block.ImpliedType(), std::move(attrs));
}

void DecodeBlockInto(const ConfigBlock& block, const nlohmann::json& json,
                     const std::string& where,
                     std::map<std::string, Value>& out,
                     std::vector<std::string>& errors) {
  const std::string prefix = where.empty() ? "" : where + ".";
  if (!json.is_object() && !json.is_null()) {
    errors.push_back(
        absl::StrCat("Invalid block: ", where, " must be a JSON object"));
    return;
  }
  std::set<std::string> seen;
  if (json.is_object()) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      seen.insert(it.key());
      if (!block.Attribute(it.key()) && !block.BlockType(it.key())) {
        errors.push_back(
            absl::StrCat("Unsupported argument: An argument named \"", it.key(),
                         "\" is not expected here (", prefix, it.key(), ")."));
      }
    }
  }
  for (const auto& [name, attr] : block.attributes) {
    Type t = attr.ImpliedType();
    const bool present =
        json.is_object() && json.contains(name) && !json.at(name).is_null();
    if (!present) {
      if (attr.required) {
        errors.push_back(
            absl::StrCat("Missing required argument: The argument "
                         "\"",
                         name,
                         "\" is required, but no definition "
                         "was found (",
                         prefix, name, ")."));
      }
      out[name] = Value::Null(t);
      continue;
    }
    if (attr.computed && !attr.optional) {
      errors.push_back(absl::StrCat(
          "Value for unconfigurable attribute: Can't configure a value for "
          "\"",
          name,
          "\": its value will be decided automatically based on the "
          "result of applying this configuration (",
          prefix, name, ")."));
    }
    auto v = DecodeAttrJson(json.at(name), t);
    if (!v.ok()) {
      errors.push_back(absl::StrCat("Incorrect attribute value type: ", prefix,
                                    name, ": ", v.status().message()));
      out[name] = Value::Null(t);
      continue;
    }
    out[name] = *std::move(v);
  }
  for (const auto& [name, nb] : block.block_types) {
    Type et = nb.block.ImpliedType();
    nlohmann::json j = json.is_object() && json.contains(name)
                           ? json.at(name)
                           : nlohmann::json();
    const std::string here = prefix + name;
    switch (nb.nesting) {
      case ConfigNesting::kSingle:
      case ConfigNesting::kGroup: {
        if (j.is_array() && j.size() == 1) j = j[0];
        if (j.is_null() || (j.is_array() && j.empty())) {
          out[name] = nb.nesting == ConfigNesting::kGroup ? EmptyValue(nb.block)
                                                          : Value::Null(et);
          if (nb.min_items > 0) {
            errors.push_back(absl::StrCat("Missing required block: a \"", name,
                                          "\" block is required (", here,
                                          ")."));
          }
          break;
        }
        auto v = DecodeBlockObject(nb.block, j, here, errors);
        out[name] = v.ok() ? *v : Value::Null(et);
        break;
      }
      case ConfigNesting::kList:
      case ConfigNesting::kSet: {
        std::vector<Value> elems;
        if (j.is_object()) j = nlohmann::json::array({j});
        if (j.is_array()) {
          int i = 0;
          for (const auto& e : j) {
            auto v = DecodeBlockObject(
                nb.block, e, absl::StrCat(here, "[", i++, "]"), errors);
            if (v.ok()) elems.push_back(*v);
          }
        }
        const int64_t n = static_cast<int64_t>(elems.size());
        if (n < nb.min_items) {
          errors.push_back(absl::StrCat(
              "Insufficient ", name, " blocks: At least ", nb.min_items, " \"",
              name, "\" blocks are required."));
        }
        if (nb.max_items > 0 && n > nb.max_items) {
          errors.push_back(absl::StrCat("Too many ", name,
                                        " blocks: No more than ", nb.max_items,
                                        " \"", name, "\" blocks are allowed"));
        }
        out[name] = nb.nesting == ConfigNesting::kList
                        ? Value::List(et, std::move(elems))
                        : Value::Set(et, std::move(elems));
        break;
      }
      case ConfigNesting::kMap: {
        std::map<std::string, Value> elems;
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it) {
            auto v = DecodeBlockObject(nb.block, it.value(),
                                       here + "." + it.key(), errors);
            if (v.ok()) elems[it.key()] = *v;
          }
        }
        out[name] = Value::Map(et, std::move(elems));
        break;
      }
      default:
        out[name] = Value::Null(nb.ImpliedType());
    }
  }
}

}  // namespace

// --- Findings ---------------------------------------------------------------

std::string Finding::ToString() const {
  std::string s = absl::StrCat(SeverityWord(kind), ": ", summary);
  if (!address.empty() || !stage.empty()) {
    absl::StrAppend(&s, "   [", address, address.empty() ? "" : " ", stage,
                    "]");
  }
  if (!detail.empty()) absl::StrAppend(&s, "\n\n", detail);
  return s;
}

void Findings::Violation(const std::string& address, const std::string& stage,
                         std::string summary, std::string detail) {
  Add(Finding{Finding::Kind::kViolation, address, stage, std::move(summary),
              std::move(detail)});
}

void Findings::AddDiagnostics(const std::string& address,
                              const std::string& stage,
                              const tf::Diagnostics& diags) {
  for (const tf::Diagnostic& d : diags) {
    Finding f;
    f.kind = d.severity == tf::Severity::kError ? Finding::Kind::kProviderError
                                                : Finding::Kind::kWarning;
    f.address = address;
    f.stage = stage;
    f.summary = d.summary;
    f.detail = d.detail;
    if (d.attribute && !d.attribute->empty()) {
      absl::StrAppend(&f.detail, f.detail.empty() ? "" : "\n", "(attribute ",
                      d.attribute->ToString(), ")");
    }
    Add(std::move(f));
  }
}

bool Findings::ok() const {
  for (const Finding& f : items_) {
    if (f.kind != Finding::Kind::kWarning) return false;
  }
  return true;
}

size_t Findings::CountOf(Finding::Kind k) const {
  size_t n = 0;
  for (const Finding& f : items_) n += f.kind == k;
  return n;
}

std::string Findings::Report() const {
  std::vector<std::string> parts;
  for (const Finding& f : items_) parts.push_back(f.ToString());
  return absl::StrJoin(parts, "\n\n");
}

// --- JSON <-> values -------------------------------------------------------

absl::StatusOr<Value> DecodeConfigJson(const ConfigBlock& block,
                                       const nlohmann::json& json,
                                       std::vector<std::string>* errors) {
  std::vector<std::string> local;
  std::vector<std::string>& errs = errors ? *errors : local;
  size_t before = errs.size();
  auto v = DecodeBlockObject(
      block, json.is_null() ? nlohmann::json::object() : json, "", errs);
  if (!v.ok()) return v.status();
  if (errors == nullptr && errs.size() > before) {
    return absl::InvalidArgumentError(absl::StrJoin(errs, "\n"));
  }
  return v;
}

nlohmann::json ValueToJson(const Value& v) {
  if (v.IsNull()) return nullptr;
  if (v.IsUnknown()) return "(known after apply)";
  switch (v.type().kind()) {
    case Type::Kind::kString:
      return v.AsString();
    case Type::Kind::kBool:
      return v.AsBool();
    case Type::Kind::kNumber: {
      const tf::Number& n = v.AsNumber();
      if (auto i = n.ToInt64()) return *i;
      return n.ToDouble();
    }
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple: {
      nlohmann::json a = nlohmann::json::array();
      for (const Value& e : v.Elements()) a.push_back(ValueToJson(e));
      return a;
    }
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, e] : v.Entries()) o[k] = ValueToJson(e);
      return o;
    }
    default:
      return nullptr;
  }
}

// --- ProviderSession --------------------------------------------------------

ProviderSession::ProviderSession(SessionOptions options, Findings* findings)
    : options_(std::move(options)),
      findings_(findings ? findings : &own_findings_) {}

ProviderSession::~ProviderSession() { Shutdown(); }

absl::StatusOr<std::unique_ptr<ProviderSession>> ProviderSession::Start(
    SessionOptions options, Findings* findings) {
  std::unique_ptr<ProviderSession> s(
      new ProviderSession(std::move(options), findings));
  absl::Status st = s->StartProcess(/*load_schema=*/true);
  if (!st.ok()) return st;
  st = s->Configure();
  if (!st.ok()) return st;
  return s;
}

absl::Status ProviderSession::StartProcess(bool load_schema) {
  if (process_) {
    previous_stderr_ += process_->StderrText();
    process_->Shutdown();
  }
  auto p = ProviderProcess::Start(options_.process);
  if (!p.ok()) return p.status();
  process_ = *std::move(p);
  last_startup_ = process_->startup_duration();
  client_ = std::make_unique<ProviderClient>(
      process_->channel(), process_->handshake().protocol_version,
      options_.client);
  if (!load_schema && have_schemas_ &&
      schemas_.capabilities.get_provider_schema_optional) {
    // Terraform caches schemas across processes when allowed to.
    client_->SetSchemas(schemas_);
    return absl::OkStatus();
  }
  auto schema = client_->GetProviderSchema();
  if (!schema.ok()) {
    return absl::Status(schema.status().code(),
                        absl::StrCat(TerraformGrpcErrorSummary(schema.status()),
                                     ": ", schema.status().message()));
  }
  findings_->AddDiagnostics("provider", "GetProviderSchema",
                            schema->diagnostics);
  if (!have_schemas_) {
    for (const std::string& e :
         ValidateProviderSchemas(schema->schemas, options_.provider_address)) {
      findings_->Violation("provider", "GetProviderSchema",
                           "Failed to load plugin schemas", e);
    }
  }
  schemas_ = schema->schemas;
  have_schemas_ = true;
  if (schema->diagnostics.HasError()) {
    return absl::FailedPreconditionError("GetProviderSchema returned errors: " +
                                         schema->diagnostics.ToString());
  }
  return absl::OkStatus();
}

absl::Status ProviderSession::Configure() {
  std::vector<std::string> errors;
  auto cfg = DecodeConfigJson(schemas_.provider.block, options_.provider_config,
                              &errors);
  if (!cfg.ok()) return cfg.status();
  if (!errors.empty()) {
    return absl::InvalidArgumentError("provider configuration: " +
                                      absl::StrJoin(errors, "; "));
  }
  provider_config_ = *cfg;
  // Terraform only validates a non-empty provider block.
  if (!options_.provider_config.empty()) {
    auto v = client_->ValidateProviderConfig(provider_config_);
    if (!v.ok()) return v.status();
    findings_->AddDiagnostics("provider", "ValidateProviderConfig",
                              v->diagnostics);
    if (v->diagnostics.HasError()) {
      return absl::FailedPreconditionError("ValidateProviderConfig: " +
                                           v->diagnostics.ToString());
    }
  }
  auto c = client_->ConfigureProvider(provider_config_);
  if (!c.ok()) return c.status();
  findings_->AddDiagnostics("provider", "ConfigureProvider", c->diagnostics);
  if (c->diagnostics.HasError()) {
    return absl::FailedPreconditionError("ConfigureProvider: " +
                                         c->diagnostics.ToString());
  }
  return absl::OkStatus();
}

absl::Status ProviderSession::BeginPhase(const std::string& phase) {
  if (!options_.fresh_process_per_phase) return absl::OkStatus();
  absl::Status s = StartProcess(/*load_schema=*/false);
  if (!s.ok()) return s;
  if (phase == "validate") return absl::OkStatus();  // not configured
  return Configure();
}

std::string ProviderSession::AllStderr() const {
  return previous_stderr_ + (process_ ? process_->StderrText() : "");
}

ProcessExit ProviderSession::Shutdown() {
  if (!process_) return ProcessExit{};
  ProcessExit e = process_->Shutdown();
  return e;
}

// --- Lifecycle --------------------------------------------------------------

Lifecycle::Lifecycle(ProviderSession& session) : session_(session) {}

const ConfigSchema* Lifecycle::ResourceSchema(const std::string& type_name) {
  const ConfigSchema* s = session_.schemas().Resource(type_name);
  if (s == nullptr) {
    findings().Violation(
        type_name, "schema", "Invalid resource type",
        absl::StrCat("The provider ", session_.options().provider_address,
                     " does not support resource type \"", type_name, "\"."));
  }
  return s;
}

void Lifecycle::Time(const std::string& address, const std::string& stage,
                     absl::Time start, bool ok) {
  timings_.push_back(StageTiming{address, stage, absl::Now() - start, ok});
}

std::string Lifecycle::TimingReport() const {
  std::string out;
  for (const StageTiming& t : timings_) {
    absl::StrAppendFormat(&out, "  %-45s %-28s %9.1f ms %s\n", t.address,
                          t.stage, absl::ToDoubleMilliseconds(t.duration),
                          t.ok ? "ok" : "FAILED");
  }
  return out;
}

bool Lifecycle::CheckObject(const ConfigSchema& schema,
                            const std::string& address,
                            const std::string& stage, const Value& v,
                            const char* summary, const std::string& what) {
  bool ok = true;
  const std::string& prov = session_.options().provider_address;
  for (const PathError& e : TestConformance(v, schema.block.ImpliedType())) {
    findings().Violation(
        address, stage, summary,
        absl::StrCat("Provider ", Quoted(prov), " ", what, " for ",
                     FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
    ok = false;
  }
  for (const CtyPath& p : NonNullWriteOnlyPaths(schema.block, v)) {
    findings().Violation(
        address, stage, summary,
        absl::StrCat("Provider ", Quoted(prov),
                     " returned a value for the write-only attribute \"",
                     address, FormatCtyPath(p), "\" during ", stage,
                     ". Write-only attributes cannot be read back from the "
                     "provider. This is a bug in the provider, which should "
                     "be reported in the provider's own issue tracker."));
    ok = false;
  }
  return ok;
}

bool Lifecycle::Validate(const std::string& type_name,
                         const std::string& address, const Value& config) {
  absl::Time start = absl::Now();
  auto r = session_.client().ValidateResourceConfig(type_name, config);
  if (!r.ok()) {
    findings().Violation(address, "validate",
                         TerraformGrpcErrorSummary(r.status()),
                         std::string(r.status().message()));
    Time(address, "validate", start, false);
    return false;
  }
  findings().AddDiagnostics(address, "validate", r->diagnostics);
  Time(address, "validate", start, !r->diagnostics.HasError());
  return !r->diagnostics.HasError();
}

bool Lifecycle::ValidateDataSource(const std::string& type_name,
                                   const std::string& address,
                                   const Value& config) {
  absl::Time start = absl::Now();
  auto r = session_.client().ValidateDataSourceConfig(type_name, config);
  if (!r.ok()) {
    findings().Violation(address, "validate",
                         TerraformGrpcErrorSummary(r.status()),
                         std::string(r.status().message()));
    Time(address, "validate", start, false);
    return false;
  }
  findings().AddDiagnostics(address, "validate", r->diagnostics);
  Time(address, "validate", start, !r->diagnostics.HasError());
  return !r->diagnostics.HasError();
}

bool Lifecycle::Refresh(const std::string& type_name,
                        const std::string& address, InstanceState& state) {
  const ConfigSchema* schema = ResourceSchema(type_name);
  if (schema == nullptr || state.value.IsNull()) return schema != nullptr;
  absl::Time start = absl::Now();
  const std::string& prov = session_.options().provider_address;
  // Terraform upgrades stored state on every read, even at the same version.
  auto json = tf::EncodeJson(state.value, schema->block.ImpliedType());
  if (!json.ok()) {
    findings().Violation(address, "refresh", "Invalid state",
                         "state cannot be encoded as JSON: " +
                             std::string(json.status().message()));
    return false;
  }
  auto up =
      session_.client().UpgradeResourceState(type_name, schema->version, *json);
  if (!up.ok()) {
    findings().Violation(address, "upgrade",
                         TerraformGrpcErrorSummary(up.status()),
                         std::string(up.status().message()));
    Time(address, "refresh", start, false);
    return false;
  }
  findings().AddDiagnostics(address, "upgrade", up->diagnostics);
  if (up->diagnostics.HasError()) {
    Time(address, "refresh", start, false);
    return false;
  }
  if (!up->upgraded_state.IsWhollyKnown()) {
    findings().Violation(
        address, "upgrade", "Provider produced invalid object",
        absl::StrCat("Provider ", Quoted(prov),
                     " returned an upgraded state for ", address,
                     " with unknown values.", kBugSuffix));
  }
  if (up->upgraded_state != state.value) {
    // Not a Terraform error, but at the same schema version an upgrade
    // that changes the state hides a bug.
    std::vector<std::string> diffs =
        DiffObjects(schema->block, state.value, up->upgraded_state, {});
    findings().Add(Finding{Finding::Kind::kWarning, address, "upgrade",
                           "UpgradeResourceState changed the state at the same "
                           "schema version",
                           absl::StrJoin(diffs, "\n")});
  }

  auto r = session_.client().ReadResource(type_name, up->upgraded_state,
                                          state.private_state);
  if (!r.ok()) {
    findings().Violation(address, "refresh",
                         TerraformGrpcErrorSummary(r.status()),
                         std::string(r.status().message()));
    Time(address, "refresh", start, false);
    return false;
  }
  findings().AddDiagnostics(address, "refresh", r->diagnostics);
  if (r->diagnostics.HasError()) {
    Time(address, "refresh", start, false);
    return false;
  }
  bool ok = true;
  if (!r->new_state.IsWhollyKnown()) {
    findings().Violation(
        address, "refresh", "Provider produced invalid object",
        absl::StrCat("Provider ", Quoted(prov),
                     " planned an invalid value for ", address,
                     " during refresh: The returned state contains unknown "
                     "values.",
                     kBugSuffix));
    ok = false;
  }
  ok &= CheckObject(*schema, address, "refresh", r->new_state,
                    "Provider produced invalid object",
                    "planned an invalid value during refresh");
  state.value = r->new_state;
  state.private_state = r->private_state;
  Time(address, "refresh", start, ok);
  return ok;
}

std::optional<PlannedChange> Lifecycle::Plan(const std::string& type_name,
                                             const std::string& address,
                                             const InstanceState& state,
                                             const Value& config) {
  const ConfigSchema* schema = ResourceSchema(type_name);
  if (schema == nullptr) return std::nullopt;
  absl::Time start = absl::Now();
  const std::string& prov = session_.options().provider_address;
  const ConfigBlock& block = schema->block;
  Type type = block.ImpliedType();
  Value prior = state.value.IsNull() ? Value::Null(type) : state.value;

  auto plan_once = [&](const Value& prior_v, const std::string& prior_private,
                       const char* stage) -> std::optional<PlanResponse> {
    Value proposed = ProposedNew(block, prior_v, config);
    auto r = session_.client().PlanResourceChange(type_name, prior_v, proposed,
                                                  config, prior_private);
    if (!r.ok()) {
      findings().Violation(address, stage,
                           TerraformGrpcErrorSummary(r.status()),
                           std::string(r.status().message()));
      return std::nullopt;
    }
    findings().AddDiagnostics(address, stage, r->diagnostics);
    if (r->diagnostics.HasError()) return std::nullopt;
    if (r->deferred && !session_.client().options().deferral_allowed) {
      findings().Violation(
          address, stage,
          "Provider deferred changes when Terraform did not allow deferrals",
          absl::StrCat("The provider signaled a deferred action for \"",
                       address,
                       "\", but in this context deferrals are disabled. This "
                       "is a bug in the provider, please file an issue with "
                       "the provider developers."));
    }
    bool ok = true;
    for (const PathError& e : TestConformance(r->planned_state, type)) {
      findings().Violation(
          address, stage, "Provider produced invalid plan",
          absl::StrCat("Provider ", Quoted(prov),
                       " planned an invalid value for ",
                       FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
      ok = false;
    }
    for (const CtyPath& p : NonNullWriteOnlyPaths(block, r->planned_state)) {
      findings().Violation(
          address, stage, "Provider produced invalid plan",
          absl::StrCat("Provider ", Quoted(prov),
                       " returned a value for the write-only attribute \"",
                       address, FormatCtyPath(p),
                       "\" during planning. Write-only attributes cannot be "
                       "read back from the provider. This is a bug in the "
                       "provider, which should be reported in the provider's "
                       "own issue tracker."));
      ok = false;
    }
    if (!ok) return std::nullopt;
    std::vector<PathError> errs =
        AssertPlanValid(block, prior_v, config, r->planned_state);
    for (const PathError& e : errs) {
      if (r->legacy_type_system) {
        findings().Add(Finding{
            Finding::Kind::kWarning, address, stage,
            "Provider produced an invalid plan (tolerated: legacy type system)",
            FormatPathErrorPrefixed(e, address)});
      } else {
        findings().Violation(
            address, stage, "Provider produced invalid plan",
            absl::StrCat("Provider ", Quoted(prov),
                         " planned an invalid value for ",
                         FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
      }
    }
    if (!errs.empty() && !r->legacy_type_system) return std::nullopt;
    return *std::move(r);
  };

  auto first = plan_once(prior, state.private_state, "plan");
  if (!first) {
    Time(address, "plan", start, false);
    return std::nullopt;
  }
  PlannedChange change;
  change.type_name = type_name;
  change.address = address;
  change.prior = prior;
  change.prior_private = state.private_state;
  change.config = config;
  change.planned = first->planned_state;
  change.planned_private = first->planned_private;
  RequiredReplaces rr =
      GetRequiredReplaces(prior, first->planned_state, first->requires_replace);
  for (const tf::AttributePath& p : rr.invalid) {
    findings().Violation(
        address, "plan", "Provider produced invalid plan",
        absl::StrCat("Provider ", Quoted(prov),
                     " has indicated \"requires replacement\" on ", address,
                     " for a non-existent attribute path ", GoPathString(p),
                     ".", kBugSuffix));
  }
  if (!rr.invalid.empty()) {
    Time(address, "plan", start, false);
    return std::nullopt;
  }
  change.requires_replace = rr.paths;
  change.action = GetAction(prior, first->planned_state, rr);
  if (state.tainted && !prior.IsNull())
    change.action = Action::kDeleteThenCreate;
  if (change.action == Action::kDeleteThenCreate) {
    // Terraform plans the replacement object from a null prior.
    auto second =
        plan_once(Value::Null(type), first->planned_private, "plan (replace)");
    if (!second) {
      Time(address, "plan", start, false);
      return std::nullopt;
    }
    change.planned = second->planned_state;
    change.planned_private = second->planned_private;
  }
  Time(address, "plan (" + ActionName(change.action) + ")", start, true);
  return change;
}

std::optional<PlannedChange> Lifecycle::PlanDestroy(
    const std::string& type_name, const std::string& address,
    const InstanceState& state) {
  const ConfigSchema* schema = ResourceSchema(type_name);
  if (schema == nullptr) return std::nullopt;
  absl::Time start = absl::Now();
  Type type = schema->block.ImpliedType();
  PlannedChange change;
  change.type_name = type_name;
  change.address = address;
  change.action = Action::kDelete;
  change.prior = state.value;
  change.prior_private = state.private_state;
  change.config = Value::Null(type);
  change.planned = Value::Null(type);
  change.planned_private = state.private_state;
  if (session_.schemas().capabilities.plan_destroy) {
    auto r = session_.client().PlanResourceChange(
        type_name, state.value, Value::Null(type), Value::Null(type),
        state.private_state);
    if (!r.ok()) {
      findings().Violation(address, "plan (destroy)",
                           TerraformGrpcErrorSummary(r.status()),
                           std::string(r.status().message()));
      Time(address, "plan (destroy)", start, false);
      return std::nullopt;
    }
    findings().AddDiagnostics(address, "plan (destroy)", r->diagnostics);
    if (r->diagnostics.HasError()) {
      Time(address, "plan (destroy)", start, false);
      return std::nullopt;
    }
    if (!r->planned_state.IsNull()) {
      findings().Violation(
          address, "plan (destroy)", "Provider produced invalid plan",
          absl::StrCat("Provider ", Quoted(session_.options().provider_address),
                       " planned a non-null destroy value for ", address, ".",
                       kBugSuffix));
      Time(address, "plan (destroy)", start, false);
      return std::nullopt;
    }
    change.planned_private = r->planned_private;
  }
  Time(address, "plan (destroy)", start, true);
  return change;
}

InstanceState Lifecycle::Apply(const PlannedChange& change) {
  InstanceState prior_state{change.prior, change.prior_private, false};
  if (change.action == Action::kNoOp) return prior_state;
  const ConfigSchema* schema = ResourceSchema(change.type_name);
  if (schema == nullptr) return prior_state;
  const ConfigBlock& block = schema->block;
  Type type = block.ImpliedType();
  const std::string& address = change.address;
  const std::string& prov = session_.options().provider_address;
  const std::string prov_str = "provider[\"" + prov + "\"]";

  auto apply_call = [&](Action action, const Value& prior, const Value& planned,
                        const Value& config, const std::string& planned_private,
                        const std::string& prior_private) -> InstanceState {
    const std::string stage = "apply (" + ActionName(action) + ")";
    absl::Time start = absl::Now();
    InstanceState failed{prior, prior_private, false};
    auto r = session_.client().ApplyResourceChange(
        change.type_name, prior, planned, config, planned_private);
    if (!r.ok()) {
      findings().Violation(address, stage,
                           TerraformGrpcErrorSummary(r.status()),
                           std::string(r.status().message()));
      Time(address, stage, start, false);
      return failed;
    }
    findings().AddDiagnostics(address, stage, r->diagnostics);
    Value new_v = r->new_state;
    bool ok = !r->diagnostics.HasError();
    bool conforms = true;
    for (const PathError& e : TestConformance(new_v, type)) {
      findings().Violation(
          address, stage, "Provider produced invalid object",
          absl::StrCat("Provider ", Quoted(prov),
                       " produced an invalid value after apply for ",
                       FormatPathErrorPrefixed(e, address),
                       ". The result cannot not be saved in the Terraform "
                       "state.",
                       kBugSuffix));
      conforms = false;
    }
    if (!conforms) {
      Time(address, stage, start, false);
      return failed;
    }
    for (const CtyPath& p : NonNullWriteOnlyPaths(block, new_v)) {
      findings().Violation(
          address, stage, "Provider produced invalid object",
          absl::StrCat("Provider ", Quoted(prov),
                       " returned a value for the write-only attribute \"",
                       address, FormatCtyPath(p),
                       "\" after apply. Write-only attributes cannot be read "
                       "back from the provider. This is a bug in the "
                       "provider, which should be reported in the provider's "
                       "own issue tracker."));
      ok = false;
    }
    bool had_unknown = false;
    for (const CtyPath& p : UnknownPaths(new_v)) {
      had_unknown = true;
      findings().Violation(
          address, stage, "Provider returned invalid result object after apply",
          absl::StrCat("After the apply operation, the provider still "
                       "indicated an unknown value for ",
                       address, FormatCtyPath(p),
                       ". All values must be known after apply, so this is "
                       "always a bug in the provider and should be reported "
                       "in the provider's own repository. Terraform will "
                       "still save the other known object values in the "
                       "state."));
    }
    if (had_unknown) {
      // cty.UnknownAsNull.
      new_v = new_v.Transform([](const tf::AttributePath&, const Value& x) {
        return x.IsUnknown() ? Value::Null(x.type()) : x;
      });
      ok = false;
    }
    if (action != Action::kDelete && ok) {
      for (const PathError& e : AssertObjectCompatible(block, planned, new_v)) {
        if (r->legacy_type_system) {
          findings().Add(Finding{Finding::Kind::kWarning, address, stage,
                                 "Provider produced an unexpected new value "
                                 "(tolerated: legacy type system)",
                                 FormatPathError(e)});
          continue;
        }
        findings().Violation(
            address, stage, "Provider produced inconsistent result after apply",
            absl::StrCat("When applying changes to ", address, ", provider ",
                         Quoted(prov_str),
                         " produced an unexpected new value: ",
                         FormatPathError(e), ".", kBugSuffix));
        ok = false;
      }
    }
    if (ok && action == Action::kDelete && !new_v.IsNull()) {
      findings().Violation(
          address, stage, "Provider returned invalid result object after apply",
          absl::StrCat("After applying a Delete plan, the provider returned a "
                       "non-null object for ",
                       address,
                       ". Destroying should always produce a null value, so "
                       "this is always a bug in the provider and should be "
                       "reported in the provider's own repository. Terraform "
                       "will still save this errant object in the state for "
                       "debugging and recovery."));
      ok = false;
    }
    if (ok && action != Action::kDelete && new_v.IsNull()) {
      findings().Violation(
          address, stage, "Provider returned invalid result object after apply",
          absl::StrCat("After applying a ", ActionName(action),
                       " plan, the provider returned a null object for ",
                       address,
                       ". Only destroying should always produce a null value, "
                       "so this is always a bug in the provider and should be "
                       "reported in the provider's own repository."));
      ok = false;
    }
    InstanceState out{new_v, r->private_state, false};
    if (r->diagnostics.HasError()) {
      // A create that failed half way is kept, tainted (resource.h contract).
      if (action == Action::kCreate && !new_v.IsNull()) out.tainted = true;
      if (action == Action::kDelete) out = failed;
      if (action == Action::kUpdate && new_v.IsNull()) out = failed;
    }
    Time(address, stage, start, ok);
    return out;
  };

  auto replan = [&](const Value& prior, const std::string& prior_private,
                    const Value& saved_planned, Action saved_action,
                    Value* planned, std::string* planned_private) -> bool {
    // Terraform plans again during apply and compares with the saved plan.
    absl::Time start = absl::Now();
    Value proposed = ProposedNew(block, prior, change.config);
    auto r = session_.client().PlanResourceChange(
        change.type_name, prior, proposed, change.config, prior_private);
    if (!r.ok()) {
      findings().Violation(address, "apply (re-plan)",
                           TerraformGrpcErrorSummary(r.status()),
                           std::string(r.status().message()));
      return false;
    }
    findings().AddDiagnostics(address, "apply (re-plan)", r->diagnostics);
    if (r->diagnostics.HasError()) return false;
    bool ok = true;
    for (const PathError& e :
         AssertPlanValid(block, prior, change.config, r->planned_state)) {
      findings().Violation(
          address, "apply (re-plan)", "Provider produced invalid plan",
          absl::StrCat("Provider ", Quoted(prov),
                       " planned an invalid value for ",
                       FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
      ok = false;
    }
    RequiredReplaces rr =
        GetRequiredReplaces(prior, r->planned_state, r->requires_replace);
    Action action = GetAction(prior, r->planned_state, rr);
    if (saved_action == Action::kCreate) action = Action::kCreate;
    if (action != saved_action &&
        !(saved_action == Action::kUpdate && action == Action::kNoOp)) {
      findings().Violation(
          address, "apply (re-plan)",
          "Provider produced inconsistent final plan",
          absl::StrCat("When expanding the plan for ", address,
                       " to include new values learned so far during apply, "
                       "provider ",
                       Quoted(prov), " changed the planned action from ",
                       ActionName(saved_action), " to ", ActionName(action),
                       ".", kBugSuffix));
      ok = false;
    }
    for (const PathError& e :
         AssertObjectCompatible(block, saved_planned, r->planned_state)) {
      findings().Violation(
          address, "apply (re-plan)",
          "Provider produced inconsistent final plan",
          absl::StrCat("When expanding the plan for ", address,
                       " to include new values learned so far during apply, "
                       "provider ",
                       Quoted(prov), " produced an invalid new value for ",
                       FormatPathError(e), ".", kBugSuffix));
      ok = false;
    }
    *planned = r->planned_state;
    *planned_private = r->planned_private;
    Time(address, "apply (re-plan)", start, ok);
    return ok;
  };

  switch (change.action) {
    case Action::kDelete:
      return apply_call(Action::kDelete, change.prior, Value::Null(type),
                        Value::Null(type), change.planned_private,
                        change.prior_private);
    case Action::kCreate:
    case Action::kUpdate: {
      Value planned;
      std::string planned_private;
      if (!replan(change.prior, change.prior_private, change.planned,
                  change.action, &planned, &planned_private)) {
        return prior_state;
      }
      Action action = change.action;
      if (action == Action::kUpdate &&
          GetAction(change.prior, planned, {}) == Action::kNoOp) {
        return prior_state;
      }
      return apply_call(action, change.prior, planned, change.config,
                        planned_private, change.prior_private);
    }
    case Action::kDeleteThenCreate: {
      InstanceState gone = apply_call(
          Action::kDelete, change.prior, Value::Null(type), Value::Null(type),
          change.prior_private, change.prior_private);
      if (!gone.value.IsNull()) return gone;
      Value planned;
      std::string planned_private;
      if (!replan(Value::Null(type), "", change.planned, Action::kCreate,
                  &planned, &planned_private)) {
        return gone;
      }
      return apply_call(Action::kCreate, Value::Null(type), planned,
                        change.config, planned_private, "");
    }
    default:
      return prior_state;
  }
}

std::optional<InstanceState> Lifecycle::Import(const std::string& type_name,
                                               const std::string& address,
                                               const std::string& id) {
  const ConfigSchema* schema = ResourceSchema(type_name);
  if (schema == nullptr) return std::nullopt;
  absl::Time start = absl::Now();
  auto r = session_.client().ImportResourceState(type_name, id);
  if (!r.ok()) {
    findings().Violation(address, "import",
                         TerraformGrpcErrorSummary(r.status()),
                         std::string(r.status().message()));
    Time(address, "import", start, false);
    return std::nullopt;
  }
  findings().AddDiagnostics(address, "import", r->diagnostics);
  if (r->diagnostics.HasError()) {
    Time(address, "import", start, false);
    return std::nullopt;
  }
  if (r->imported.size() > 1) {
    findings().Violation(
        address, "import", "Multiple import states not supported",
        absl::StrCat("While attempting to import with ID ", id,
                     ", the provider returned multiple resource instance "
                     "states. This is not currently supported."));
    Time(address, "import", start, false);
    return std::nullopt;
  }
  if (r->imported.empty()) {
    findings().Violation(address, "import", "Import returned no resources",
                         absl::StrCat("While attempting to import with ID ", id,
                                      ", the providerreturned no instance "
                                      "states."));
    Time(address, "import", start, false);
    return std::nullopt;
  }
  const ImportedResource& ir = r->imported[0];
  if (ir.type_name != type_name) {
    findings().Violation(
        address, "import", "Provider produced invalid import",
        absl::StrCat("ImportResourceState for \"", type_name,
                     "\" returned an object of type \"", ir.type_name,
                     "\"; Terraform cannot store it at ", address, "."));
    Time(address, "import", start, false);
    return std::nullopt;
  }
  if (ir.state.IsNull()) {
    findings().Violation(address, "import", "Import returned null resource",
                         absl::StrCat("While attempting to import with ID ", id,
                                      ", the provider returned an instance "
                                      "with no state."));
    Time(address, "import", start, false);
    return std::nullopt;
  }
  CheckObject(*schema, address, "import", ir.state,
              "Provider produced invalid object", "returned an invalid value");
  InstanceState st{ir.state, ir.private_state, false};
  Time(address, "import", start, true);
  if (!Refresh(type_name, address, st)) return std::nullopt;
  if (st.value.IsNull()) {
    findings().Violation(
        address, "import", "Cannot import non-existent remote object",
        absl::StrCat("While attempting to import an existing object to \"",
                     address,
                     "\", the provider detected that no object exists with "
                     "the given id. Only pre-existing objects can be "
                     "imported; check that the id is correct and that it is "
                     "associated with the provider's configured region or "
                     "endpoint, or use \"terraform apply\" to create a new "
                     "remote object for this resource."));
    return std::nullopt;
  }
  return st;
}

std::optional<Value> Lifecycle::ReadDataSource(const std::string& type_name,
                                               const std::string& address,
                                               const Value& config) {
  const ConfigSchema* schema = session_.schemas().DataSource(type_name);
  if (schema == nullptr) {
    findings().Violation(
        address, "read", "Invalid data source",
        "The provider does not support data source \"" + type_name + "\".");
    return std::nullopt;
  }
  absl::Time start = absl::Now();
  const std::string& prov = session_.options().provider_address;
  auto r = session_.client().ReadDataSource(type_name, config);
  if (!r.ok()) {
    findings().Violation(address, "read", TerraformGrpcErrorSummary(r.status()),
                         std::string(r.status().message()));
    Time(address, "read", start, false);
    return std::nullopt;
  }
  findings().AddDiagnostics(address, "read", r->diagnostics);
  if (r->diagnostics.HasError()) {
    Time(address, "read", start, false);
    return std::nullopt;
  }
  bool ok = true;
  for (const PathError& e :
       TestConformance(r->state, schema->block.ImpliedType())) {
    findings().Violation(
        address, "read", "Provider produced invalid object",
        absl::StrCat("Provider ", Quoted(prov),
                     " produced an invalid value for ",
                     FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
    ok = false;
  }
  if (ok && r->state.IsNull()) {
    findings().Violation(
        address, "read", "Provider produced null object",
        absl::StrCat("Provider ", Quoted(prov), " produced a null value for ",
                     address, ".", kBugSuffix));
    ok = false;
  }
  if (ok && !r->state.IsWhollyKnown()) {
    findings().Violation(
        address, "read", "Provider produced invalid object",
        absl::StrCat("Provider ", Quoted(prov), " produced a value for ",
                     address, " that is not wholly known.", kBugSuffix));
    ok = false;
  }
  // The result must keep every configured (non-computed) value.
  if (ok) {
    for (const PathError& e : AssertPlanValid(
             schema->block, Value::Null(r->state.type()), config, r->state)) {
      findings().Violation(
          address, "read", "Provider produced invalid object",
          absl::StrCat("Provider ", Quoted(prov),
                       " produced an invalid value for ",
                       FormatPathErrorPrefixed(e, address), ".", kBugSuffix));
      ok = false;
    }
  }
  Time(address, "read", start, ok);
  if (!ok) return std::nullopt;
  return r->state;
}

bool ExpectNoChanges(Lifecycle& lc, const std::string& type_name,
                     const std::string& address, const InstanceState& state,
                     const Value& config) {
  auto plan = lc.Plan(type_name, address, state, config);
  if (!plan) return false;
  if (plan->action == Action::kNoOp) return true;
  const ConfigSchema* schema = lc.ResourceSchema(type_name);
  std::vector<std::string> diffs =
      schema ? DiffObjects(schema->block, plan->prior, plan->planned, {})
             : std::vector<std::string>{};
  lc.findings().Violation(
      address, "plan-no-changes", "Plan not empty",
      absl::StrCat("After applying this test step, the plan was not empty: "
                   "Terraform would plan ",
                   ActionName(plan->action), " for ", address,
                   " with an unchanged configuration (perpetual diff).\n",
                   absl::StrJoin(diffs, "\n")));
  return false;
}

bool Lifecycle::RunResourceLifecycle(const ResourceSteps& steps) {
  const std::string address = steps.type_name + "." + steps.name;
  const ConfigSchema* schema = ResourceSchema(steps.type_name);
  if (schema == nullptr) return false;
  auto decode = [&](const nlohmann::json& j, const char* stage,
                    Value* out) -> bool {
    std::vector<std::string> errors;
    auto v = DecodeConfigJson(schema->block, j, &errors);
    for (const std::string& e : errors) {
      findings().Add(Finding{Finding::Kind::kProviderError, address, stage,
                             "Invalid configuration", e});
    }
    if (!v.ok() || !errors.empty()) return false;
    *out = *v;
    return true;
  };
  auto phase = [&](const char* name) {
    absl::Status s = session_.BeginPhase(name);
    if (!s.ok()) {
      findings().Violation(address, name, "Failed to start provider phase",
                           std::string(s.message()));
      return false;
    }
    return true;
  };

  Value create_cfg;
  if (!decode(steps.create, "config", &create_cfg)) return false;
  if (!phase("validate") || !Validate(steps.type_name, address, create_cfg)) {
    return false;
  }
  if (!phase("plan")) return false;
  InstanceState state{Value::Null(schema->block.ImpliedType()), "", false};
  auto plan = Plan(steps.type_name, address, state, create_cfg);
  if (!plan) return false;
  if (plan->action != Action::kCreate) {
    findings().Violation(address, "plan", "Unexpected action",
                         "expected Create, got " + ActionName(plan->action));
    return false;
  }
  if (!phase("apply")) return false;
  state = Apply(*plan);
  bool ok = findings().ok();
  if (state.value.IsNull()) return false;

  auto settle = [&](const Value& config, const char* what) -> bool {
    if (!phase("plan")) return false;
    Value before = state.value;
    if (!Refresh(steps.type_name, address, state)) return false;
    if (state.value.IsNull()) {
      findings().Violation(
          address, std::string("refresh after ") + what, "Resource vanished",
          "ReadResource returned null right after " + std::string(what) +
              ": Terraform would plan to create it again.");
      return false;
    }
    if (state.value != before) {
      findings().Add(Finding{
          Finding::Kind::kWarning, address,
          std::string("refresh after ") + what,
          "Objects have changed outside of Terraform",
          "ReadResource right after apply returned a different object:\n" +
              absl::StrJoin(DiffObjects(schema->block, before, state.value, {}),
                            "\n")});
    }
    return ExpectNoChanges(*this, steps.type_name, address, state, config);
  };

  ok = settle(create_cfg, "create") && ok;
  Value current_cfg = create_cfg;
  if (ok && steps.update) {
    Value update_cfg;
    ok = decode(*steps.update, "update config", &update_cfg) &&
         phase("validate") && Validate(steps.type_name, address, update_cfg) &&
         phase("plan");
    std::optional<PlannedChange> up;
    if (ok) up = Plan(steps.type_name, address, state, update_cfg);
    ok = ok && up.has_value();
    if (ok && steps.expect_in_place_update && up->action != Action::kUpdate) {
      findings().Violation(
          address, "plan (update)", "Unexpected action",
          "expected an in-place Update, got " + ActionName(up->action) +
              " (requires_replace: " +
              [&] {
                std::vector<std::string> p;
                for (const auto& x : up->requires_replace) {
                  p.push_back(x.ToString());
                }
                return absl::StrJoin(p, ", ");
              }() +
              ")");
      ok = false;
    }
    if (ok && phase("apply")) {
      state = Apply(*up);
      ok = findings().ok() && !state.value.IsNull();
      if (ok) ok = settle(update_cfg, "update");
      current_cfg = update_cfg;
    }
  }
  if (ok && !steps.import_id_attribute.empty()) {
    std::optional<std::string> id =
        state.value.GetString(steps.import_id_attribute);
    if (!id) {
      findings().Violation(
          address, "import", "No import ID",
          "state has no known \"" + steps.import_id_attribute + "\" attribute");
      ok = false;
    } else if (phase("plan")) {
      auto imported = Import(steps.type_name, address, *id);
      if (!imported) {
        ok = false;
      } else {
        std::vector<std::string> diffs = DiffObjects(
            schema->block, state.value, imported->value, steps.import_ignore);
        if (!diffs.empty()) {
          findings().Violation(
              address, "import", "ImportStateVerify attributes not equivalent",
              "Difference is shown below (state after apply => state after "
              "import); list attributes Terraform cannot import in "
              "import_ignore:\n" +
                  absl::StrJoin(diffs, "\n"));
          ok = false;
        }
      }
    }
  }
  if (steps.destroy) {
    if (!phase("plan")) return false;
    auto d = PlanDestroy(steps.type_name, address, state);
    if (!d) return false;
    if (!phase("apply")) return false;
    InstanceState old = state;
    state = Apply(*d);
    if (!state.value.IsNull()) return false;
    // The object must really be gone.
    if (steps.check_destroyed && Refresh(steps.type_name, address, old) &&
        !old.value.IsNull()) {
      findings().Violation(address, "destroy", "Resource still exists",
                           "ReadResource still finds the object after a "
                           "successful destroy.");
      ok = false;
    }
  }
  return ok && findings().ok();
}

}  // namespace secureaml::conformance
