#include "resources/compute_instance.h"

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/compute_helpers.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"
#include "resources/workspace.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kNoun[] = "compute instance";
constexpr char kDefaultTimeZone[] = "UTC";
const absl::Duration kMinIdle = absl::Minutes(15);
const absl::Duration kMaxIdle = absl::Hours(72);

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

bool IsSet(const Value& v) { return v.IsKnown(); }

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "An Azure Machine Learning compute instance (a managed development VM) "
      "that is private by default: no public IP address, no SSH unless an "
      "`ssh` block gives a public key, local (key) authentication disabled, "
      "and applications shared only with the instance's user.\n\n"
      "Without a public IP the instance needs a `subnet_id` in the "
      "workspace's region (unless the workspace has a managed network). "
      "Tags, description, start/stop `schedules` and `idle_shutdown_after` "
      "update in place; everything else replaces the instance.";

  tf::Block ssh;
  ssh.description =
      "Enables SSH to the instance with this public key. Without the block "
      "SSH is disabled. Adding, removing or changing it replaces the "
      "instance.";
  ssh.attributes = {
      Attribute::Required("public_key", Type::String(),
                          "SSH public key (OpenSSH format, e.g. from "
                          "`ssh-keygen -t rsa -b 2048`). Changing it forces a "
                          "new instance.")
          .ForceNew()
          .Validate(StringLengthBetween(1, 16384)),
      Attribute::Computed("admin_username", Type::String(),
                          "User name to log in with (set by Azure ML).")
          .UseStateForUnknown(),
      Attribute::Computed("port", Type::Number(),
                          "SSH port of the instance (set by Azure ML).")
          .UseStateForUnknown(),
  };

  tf::Block assigned_user;
  assigned_user.description =
      "Creates the instance on behalf of this user (a personal instance): "
      "only they can use it. Changing it replaces the instance.";
  assigned_user.attributes = {
      Attribute::Required("object_id", Type::String(),
                          "Entra ID object ID of the user. Changing it forces "
                          "a new instance.")
          .ForceNew()
          .Validate(Guid()),
      Attribute::Required("tenant_id", Type::String(),
                          "Entra ID tenant ID of the user. Changing it forces "
                          "a new instance.")
          .ForceNew()
          .Validate(Guid()),
  };

  tf::Block schedule;
  schedule.description =
      "One start or stop schedule. Schedules update in place.";
  schedule.attributes = {
      Attribute::Required("action", Type::String(),
                          "`Start` or `Stop`: what the schedule does.")
          .Validate(OneOf({"Start", "Stop"})),
      Attribute::Required("cron_expression", Type::String(),
                          "When it runs, as a five-field NCronTab "
                          "expression (`minute hour day month weekday`), "
                          "e.g. `0 19 * * 1-5` for 19:00 on weekdays."),
      Attribute::Optional("time_zone", Type::String(),
                          "Windows time zone name the expression is read in, "
                          "e.g. `W. Europe Standard Time`. Defaults to `UTC`.")
          .WithDefault(Value::String(kDefaultTimeZone)),
      Attribute::Optional("start_time", Type::String(),
                          "When the schedule becomes active, as "
                          "`yyyy-MM-ddTHH:mm:ss`. Defaults to now."),
      Attribute::Optional("enabled", Type::Bool(),
                          "Whether the schedule runs. Defaults to `true`.")
          .WithDefault(Value::Bool(true)),
  };

  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the compute instance.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Instance name: 3 to 24 characters, letters, digits "
                          "and `-`, starting with a letter; unique in the "
                          "region. Changing it forces a new instance.")
          .ForceNew()
          .Validate(ComputeName()),
      Attribute::Required("workspace_id", Type::String(),
                          "ID of the Azure ML workspace. Changing it forces a "
                          "new instance.")
          .ForceNew()
          .Validate(ArmIdValidator(kWorkspaceType)),
      Attribute::Required("location", Type::String(),
                          "Azure region of the instance; must be the region "
                          "of the subnet's virtual network (checked at plan "
                          "time). Changing it forces a new instance.")
          .ForceNew(),
      Attribute::Required("vm_size", Type::String(),
                          "VM size, e.g. `Standard_DS3_v2`. Changing it "
                          "forces a new instance (Azure can only resize a "
                          "stopped instance).")
          .ForceNew()
          .Validate(StringLengthBetween(1, 64)),
      Attribute::Optional(
          "subnet_id", Type::String(),
          "ID of the subnet the instance joins. Required when "
          "`node_public_ip_enabled` is false and the workspace has no "
          "managed network (checked at plan time). Changing it forces a new "
          "instance.")
          .ForceNew()
          .Validate(ArmIdValidator(kSubnetType)),
      Attribute::Optional("node_public_ip_enabled", Type::Bool(),
                          "Give the instance a public IP address. Defaults to "
                          "`false`; `true` produces a plan-time warning. "
                          "Changing it forces a new instance.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional("local_auth_enabled", Type::Bool(),
                          "Allow local (key-based) authentication. Defaults "
                          "to `false`: Entra ID only. Changing it forces a "
                          "new instance.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional(
          "idle_shutdown_after", Type::String(),
          "Stop the instance after this much inactivity, as an ISO 8601 "
          "duration between 15 minutes and 3 days (e.g. `PT60M`). Changes "
          "update the instance in place; removing it forces a new instance.")
          .Validate(Iso8601Duration()),
      Attribute::Optional("description", Type::String(),
                          "Description of the instance. Updates in place."),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the instance. Update in place."),
      Attribute::Computed("private_ip_address", Type::String(),
                          "Private IP address of the instance in its subnet.")
          .UseStateForUnknown(),
  };
  s.block.blocks = {
      tf::NestedBlock::Single("ssh", ssh),
      tf::NestedBlock::Single("assigned_user", assigned_user),
      tf::NestedBlock::List("schedules", schedule),
      core::TimeoutsBlock(core::DefaultTimeouts{}),
  };
  return s;
}

nlohmann::json SchedulesJson(const Value& schedules) {
  nlohmann::json list = nlohmann::json::array();
  if (!schedules.IsKnown()) return {{"computeStartStop", list}};
  for (const Value& e : schedules.Elements()) {
    nlohmann::json cron = {
        {"expression", Str(e, "cron_expression")},
        {"timeZone", e.GetString("time_zone").value_or(kDefaultTimeZone)}};
    if (auto start = e.GetString("start_time")) cron["startTime"] = *start;
    list.push_back(
        {{"action", Str(e, "action")},
         {"triggerType", "Cron"},
         {"cron", cron},
         {"status",
          e.GetBool("enabled").value_or(true) ? "Enabled" : "Disabled"}});
  }
  return {{"computeStartStop", list}};
}

Value SchedulesFromJson(const nlohmann::json& inner, const Value& prior,
                        const Type& list_type) {
  const Type& element_type = list_type.ElementType();
  std::vector<Value> out;
  std::vector<Value> prior_elements;
  if (prior.IsKnown()) prior_elements = prior.Elements();
  for (const nlohmann::json& s :
       JsonArray(inner, {"schedules", "computeStartStop"})) {
    // Recurrence schedules are not managed here (cron covers them).
    if (JsonAt(s, {"cron"}) == nullptr) continue;
    const Value prior_e = out.size() < prior_elements.size()
                              ? prior_elements[out.size()]
                              : Value::Null(element_type);
    std::string tz = JsonString(s, {"cron", "timeZone"});
    out.push_back(Value::Object(
        element_type,
        {{"action", Value::String(JsonString(s, {"action"}))},
         {"cron_expression",
          Value::String(JsonString(s, {"cron", "expression"}))},
         {"time_zone", Value::String(tz.empty() ? kDefaultTimeZone : tz)},
         {"start_time",
          OptionalString(IsSet(prior_e) ? prior_e.GetAttr("start_time")
                                        : Value::Null(Type::String()),
                         JsonString(s, {"cron", "startTime"}))},
         {"enabled", Value::Bool(!EqualsIgnoreCase(JsonString(s, {"status"}),
                                                   "Disabled"))}}));
  }
  return Value::List(element_type, std::move(out));
}

}  // namespace

namespace compute_instance_internal {

bool IsCronExpression(const std::string& expression) {
  static const std::regex* field = new std::regex("[0-9A-Za-z*?,/#L-]+");
  std::vector<std::string> fields =
      absl::StrSplit(expression, ' ', absl::SkipEmpty());
  if (fields.size() != 5) return false;
  for (const std::string& f : fields) {
    if (!std::regex_match(f, *field)) return false;
  }
  return true;
}

nlohmann::json PutBody(const Value& planned) {
  nlohmann::json body = CommonComputeBody(planned, "ComputeInstance");
  nlohmann::json& inner = body["properties"]["properties"];
  // Applications (Jupyter, VS Code) only for the instance's user.
  inner["applicationSharingPolicy"] = "Personal";
  inner["computeInstanceAuthorizationType"] = "personal";
  const Value& ssh = planned.GetAttr("ssh");
  if (IsSet(ssh)) {
    inner["sshSettings"] = {{"sshPublicAccess", "Enabled"},
                            {"adminPublicKey", Str(ssh, "public_key")}};
  } else {
    inner["sshSettings"] = {{"sshPublicAccess", "Disabled"}};
  }
  const Value& user = planned.GetAttr("assigned_user");
  if (IsSet(user)) {
    inner["personalComputeInstanceSettings"] = {
        {"assignedUser",
         {{"objectId", Str(user, "object_id")},
          {"tenantId", Str(user, "tenant_id")}}}};
  }
  if (auto idle = planned.GetString("idle_shutdown_after")) {
    inner["idleTimeBeforeShutdown"] = *idle;
  }
  inner["schedules"] = SchedulesJson(planned.GetAttr("schedules"));
  return body;
}

Value StateFromJson(const nlohmann::json& body, const Value& prior,
                    const Type& type) {
  std::map<std::string, Value> a;
  CommonComputeState(body, prior, type, a);
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* ip = JsonAt(body, {"properties", "properties"});
  const nlohmann::json& inner =
      (ip != nullptr && ip->is_object()) ? *ip : empty;

  a["vm_size"] = PreferPriorCasing(prior.GetAttr("vm_size"),
                                   JsonString(inner, {"vmSize"}));
  a["idle_shutdown_after"] =
      PreferPriorDuration(prior.GetAttr("idle_shutdown_after"),
                          JsonString(inner, {"idleTimeBeforeShutdown"}));
  a["private_ip_address"] = Value::String(
      JsonString(inner, {"connectivityEndpoints", "privateIpAddress"}));

  const Type& ssh_type = type.AttributeTypes().at("ssh");
  const Value& prior_ssh = prior.GetAttr("ssh");
  if (EqualsIgnoreCase(JsonString(inner, {"sshSettings", "sshPublicAccess"}),
                       "Enabled")) {
    std::string key = JsonString(inner, {"sshSettings", "adminPublicKey"});
    const nlohmann::json* port = JsonAt(inner, {"sshSettings", "sshPort"});
    a["ssh"] = Value::Object(
        ssh_type,
        {{"public_key", key.empty() && IsSet(prior_ssh)
                            ? prior_ssh.GetAttr("public_key")
                            : Value::String(key)},
         {"admin_username",
          Value::String(JsonString(inner, {"sshSettings", "adminUserName"}))},
         {"port", port != nullptr && port->is_number_integer()
                      ? Value::Int(port->get<int64_t>())
                      : Value::Null(Type::Number())}});
  } else {
    a["ssh"] = Value::Null(ssh_type);
  }

  const Type& user_type = type.AttributeTypes().at("assigned_user");
  const nlohmann::json* user =
      JsonAt(inner, {"personalComputeInstanceSettings", "assignedUser"});
  const Value& prior_user = prior.GetAttr("assigned_user");
  if (user != nullptr && !JsonString(*user, {"objectId"}).empty()) {
    const Value prior_obj =
        IsSet(prior_user) ? prior_user : Value::Null(user_type);
    a["assigned_user"] = Value::Object(
        user_type,
        {{"object_id", PreferPriorCasing(prior_obj.GetAttr("object_id"),
                                         JsonString(*user, {"objectId"}))},
         {"tenant_id", PreferPriorCasing(prior_obj.GetAttr("tenant_id"),
                                         JsonString(*user, {"tenantId"}))}});
  } else {
    a["assigned_user"] = Value::Null(user_type);
  }

  a["schedules"] = SchedulesFromJson(inner, prior.GetAttr("schedules"),
                                     type.AttributeTypes().at("schedules"));
  return Value::Object(type, std::move(a));
}

}  // namespace compute_instance_internal

namespace {

const ComputeKind kKind = {"ComputeInstance", kNoun,
                           "secureaml_compute_instance",
                           &compute_instance_internal::StateFromJson};

}  // namespace

const tf::Schema& ComputeInstanceResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void ComputeInstanceResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);

  if (std::optional<std::string> idle =
          config.GetString("idle_shutdown_after")) {
    std::optional<absl::Duration> d = ParseIso8601Duration(*idle);
    if (d && (*d < kMinIdle || *d > kMaxIdle)) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("idle_shutdown_after"),
          "Idle shutdown time out of range",
          absl::StrCat("\"", *idle,
                       "\" is outside what Azure ML accepts: use a duration "
                       "between 15 minutes (PT15M) and 3 days (P3D)."));
    }
  }

  const Value& schedules = config.GetAttr("schedules");
  if (schedules.IsKnown()) {
    int64_t i = 0;
    for (const Value& e : schedules.Elements()) {
      std::optional<std::string> cron =
          e.IsKnown() ? e.GetString("cron_expression") : std::nullopt;
      if (cron && !compute_instance_internal::IsCronExpression(*cron)) {
        resp.diagnostics.AddAttributeError(
            AttributePath::Root("schedules").Index(i).Attr("cron_expression"),
            "Invalid cron expression",
            absl::StrCat("\"", *cron,
                         "\" is not a five-field NCronTab expression "
                         "(minute hour day-of-month month day-of-week), e.g. "
                         "\"0 19 * * 1-5\" for 19:00 on weekdays."));
      }
      ++i;
    }
  }
}

void ComputeInstanceResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                         core::ModifyPlanResponse& resp) const {
  const Value& config = req.config;
  Value& planned = resp.planned_state;
  if (planned.IsNull() || !config.IsKnown()) return;  // destroy
  const Value& prior = req.prior_state;

  WarnNodePublicIp(config, kNoun, resp.diagnostics);

  if (!prior.IsNull() && !prior.GetAttr("idle_shutdown_after").IsNull() &&
      planned.GetAttr("idle_shutdown_after").IsNull()) {
    // The service's idle shutdown action sets a time; it cannot unset one.
    resp.requires_replace.push_back(AttributePath::Root("idle_shutdown_after"));
    planned = UnknownComputedForReplace(GetSchema().block, config, planned);
  }

  bool replacing = !prior.IsNull() && !resp.requires_replace.empty();
  if (!prior.IsNull() && !replacing) return;
  const auto* az =
      dynamic_cast<const AzureProviderData*>(req.ctx.provider_data);
  if (az == nullptr || az->arm == nullptr) return;
  CheckComputeNetwork(*az, req.ctx, config, resp.diagnostics);
}

void ComputeInstanceResource::Create(const core::CreateRequest& req,
                                     core::CreateResponse& resp) const {
  CreateCompute(kKind, req,
                compute_instance_internal::PutBody(req.planned_state),
                GetSchema().ImpliedType(), resp);
}

void ComputeInstanceResource::Read(const core::ReadRequest& req,
                                   core::ReadResponse& resp) const {
  ReadCompute(kKind, req, GetSchema().ImpliedType(), resp);
}

void ComputeInstanceResource::Update(const core::UpdateRequest& req,
                                     core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& prior = req.prior_state;
  const Value& planned = req.planned_state;
  std::string id = ComputeIdFromState(prior);
  const Type type = GetSchema().ImpliedType();

  // The idle shutdown time has its own action in the spec.
  std::optional<std::string> idle = planned.GetString("idle_shutdown_after");
  if (idle && prior.GetAttr("idle_shutdown_after") !=
                  planned.GetAttr("idle_shutdown_after")) {
    auto r = az->arm->Post(
        absl::StrCat(id, "/updateIdleShutdownSetting"), kComputeApiVersion,
        {{"idleTimeBeforeShutdown", *idle}}, RequestOptionsFor(req.ctx));
    if (!r.ok()) {
      AddComputeError(resp.diagnostics, r.status(),
                      "Failed to update the compute instance's idle shutdown",
                      id);
      SettleFailedComputeUpdate(kKind, *az, req, id, type, resp);
      return;
    }
  }
  std::optional<nlohmann::json> body;
  if (!PutChangedCompute(kKind, *az, req, id,
                         {"tags", "description", "schedules"},
                         compute_instance_internal::PutBody(
                             planned.WithAttr("id", Value::String(id))),
                         type, body, resp)) {
    return;
  }
  FinishComputeUpdate(kKind, *az, req, id, std::move(body), type, resp);
}

void ComputeInstanceResource::Delete(const core::DeleteRequest& req,
                                     core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  DeleteCompute(*az, req.ctx, ComputeIdFromState(req.prior_state), kNoun,
                resp.diagnostics);
}

void ComputeInstanceResource::ImportState(const core::ImportRequest& req,
                                          core::ImportResponse& resp) const {
  ImportCompute(req, resp, GetSchema());
}

std::unique_ptr<core::Resource> NewComputeInstanceResource() {
  return std::make_unique<ComputeInstanceResource>();
}

}  // namespace secureaml::resources
