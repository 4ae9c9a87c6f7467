#include "resources/inference_cluster.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/common/logging.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kComputeApi[] = "2025-06-01";
constexpr char kComputeType[] =
    "Microsoft.MachineLearningServices/workspaces/computes";
constexpr char kManagedClusterType[] =
    "Microsoft.ContainerService/managedClusters";
constexpr char kManagedClusterApi[] = "2025-05-01";
constexpr char kSubnetType[] = "Microsoft.Network/virtualNetworks/subnets";
constexpr char kNetworkApi[] = "2024-07-01";
constexpr char kInternalLb[] = "InternalLoadBalancer";
constexpr char kPublicIp[] = "PublicIp";
constexpr char kDetach[] = "detach";
constexpr char kDelete[] = "delete";
constexpr char kNoun[] = "inference cluster";

// AKS refuses service ranges larger than /12.
constexpr int kLargestServicePrefix = 12;

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "An Azure Kubernetes Service (AKS) inference cluster on an Azure ML "
      "workspace, for real-time scoring behind the VNet (walkthrough section "
      "5). Either attach an existing cluster with `kubernetes_cluster_id` "
      "(a private cluster is attached through its private API server FQDN) "
      "or let Azure ML create one in a subnet with a `create` block.\n\n"
      "Secure by default: scoring endpoints get an **internal** load balancer "
      "(`load_balancer_type = \"InternalLoadBalancer\"`); a public IP is "
      "opt-in and warned about at plan time. Network ranges are checked at "
      "plan time against each other and against the subnet's VNet. "
      "Description, tags, SSL and load balancer settings update in place; "
      "the cluster itself (attached cluster, size, network) forces a new "
      "compute.";

  tf::Block create;
  create.description =
      "Have Azure ML create a new AKS cluster in an existing subnet. "
      "Conflicts with `kubernetes_cluster_id`. Every setting forces a new "
      "cluster.";
  create.attributes = {
      Attribute::Required("agent_count", Type::Number(),
                          "Number of agent nodes (1 to 100). `FastProd` and "
                          "`DenseProd` clusters need at least 12 vCPUs in "
                          "total.")
          .ForceNew()
          .Validate(IntBetween(1, 100)),
      Attribute::Required("agent_vm_size", Type::String(),
                          "VM size of the agent nodes, e.g. "
                          "`Standard_D3_v2`.")
          .ForceNew()
          .Validate(StringLengthBetween(1, 64)),
      Attribute::Required("subnet_id", Type::String(),
                          "ID of the subnet the nodes join. Its VNet's "
                          "address space must not overlap `service_cidr` or "
                          "`docker_bridge_cidr` (checked at plan time).")
          .ForceNew()
          .Validate(ArmIdValidator(kSubnetType)),
      Attribute::Required("service_cidr", Type::String(),
                          "Kubernetes service address range, e.g. "
                          "`10.0.0.0/16`: no larger than /12, outside the "
                          "VNet and the Docker bridge.")
          .ForceNew()
          .Validate(Cidr()),
      Attribute::Required("dns_service_ip", Type::String(),
                          "Address of the cluster DNS service, inside "
                          "`service_cidr` but not its first address, e.g. "
                          "`10.0.0.10`.")
          .ForceNew()
          .Validate(Ipv4Address()),
      Attribute::Required("docker_bridge_cidr", Type::String(),
                          "Docker bridge address range, e.g. "
                          "`172.17.0.1/16`, outside the VNet and the service "
                          "range.")
          .ForceNew()
          .Validate(Cidr()),
  };

  tf::Block ssl;
  ssl.description =
      "TLS for the scoring endpoint. Updates in place. Azure never returns "
      "the certificate or key, so state keeps the configured values and "
      "cannot detect out-of-band changes to them.";
  ssl.attributes = {
      Attribute::Required("status", Type::String(),
                          "`Enabled`, `Disabled` or `Auto`. `Enabled` needs "
                          "either `cert`, `key` and `cname` (your own "
                          "certificate) or `leaf_domain_label` (a "
                          "Microsoft-issued one).")
          .Validate(OneOf({"Enabled", "Disabled", "Auto"})),
      Attribute::Optional("cert", Type::String(),
                          "PEM-encoded certificate (chain) for `cname`.")
          .Sensitive(),
      Attribute::Optional("key", Type::String(),
                          "PEM-encoded private key of `cert`.")
          .Sensitive(),
      Attribute::Optional("cname", Type::String(),
                          "Host name the certificate is issued for."),
      Attribute::Optional("leaf_domain_label", Type::String(),
                          "Leaf domain label of a Microsoft-issued "
                          "certificate (`<label>xxx.<region>.cloudapp.azure."
                          "com`)."),
      Attribute::Optional("overwrite_existing_domain", Type::Bool(),
                          "Replace an existing domain with the same "
                          "`leaf_domain_label`."),
  };

  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the compute.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Compute name in the workspace. Changing it "
                          "forces a new compute.")
          .ForceNew()
          .Validate(ComputeName()),
      Attribute::Required("workspace_id", Type::String(),
                          "ID of the Azure ML workspace. Changing it forces "
                          "a new compute.")
          .ForceNew()
          .Validate(
              ArmIdValidator("Microsoft.MachineLearningServices/workspaces")),
      Attribute::OptionalComputed("location", Type::String(),
                                  "Azure region of the compute; defaults to "
                                  "the workspace's. Changing it forces a new "
                                  "compute.")
          .ForceNew(),
      Attribute::Optional(
          "kubernetes_cluster_id", Type::String(),
          "ID of an existing AKS cluster to attach "
          "(`Microsoft.ContainerService/managedClusters`). A private cluster "
          "is attached through its private FQDN. Conflicts with `create`; "
          "changing it forces a new compute.")
          .ForceNew()
          .Validate(ArmIdValidator(kManagedClusterType)),
      Attribute::Optional("cluster_purpose", Type::String(),
                          "`DevTest`, `FastProd` (the default) or "
                          "`DenseProd`. Changing it forces a new compute.")
          .WithDefault(Value::String("FastProd"))
          .ForceNew()
          .Validate(OneOf({"DevTest", "FastProd", "DenseProd"})),
      Attribute::Optional(
          "load_balancer_type", Type::String(),
          "`InternalLoadBalancer` (the default: scoring endpoints get a "
          "private IP in the VNet) or `PublicIp` (reachable from the "
          "internet; warned about at plan time). Updates in place.")
          .WithDefault(Value::String(kInternalLb))
          .Validate(OneOf({kInternalLb, kPublicIp})),
      Attribute::Optional(
          "load_balancer_subnet", Type::String(),
          "Name (not ID) of the subnet, in the cluster's VNet, that hosts the "
          "internal load balancer. Only with `InternalLoadBalancer`. Updates "
          "in place.")
          .Validate(NetworkResourceName()),
      Attribute::OptionalComputed(
          "on_destroy", Type::String(),
          "What destroy does to the AKS cluster: `detach` leaves it running, "
          "`delete` deletes it. Defaults to `detach` for an attached cluster "
          "and `delete` for one this resource created (detaching that would "
          "leave a running cluster nothing manages).")
          .Validate(OneOf({kDetach, kDelete})),
      Attribute::Optional("description", Type::String(),
                          "Description of the compute. Updates in place."),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the compute. Update in place."),
      Attribute::Computed("cluster_fqdn", Type::String(),
                          "API server FQDN Azure ML uses (the private FQDN "
                          "for a private cluster).")
          .UseStateForUnknown(),
      Attribute::Computed("underlying_cluster_id", Type::String(),
                          "ID of the AKS cluster behind the compute: the "
                          "attached one, or the one Azure ML created.")
          .UseStateForUnknown(),
  };
  s.block.blocks = {
      tf::NestedBlock::Single("create", create),
      tf::NestedBlock::Single("ssl", ssl),
      core::TimeoutsBlock(core::DefaultTimeouts{}),
  };
  return s;
}

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

// Non-null (known or unknown) nested block or attribute.
bool IsSet(const Value& v) { return !v.IsNull(); }

std::string ComputeId(const Value& state) {
  std::optional<std::string> id = state.GetString("id");
  if (id && !id->empty()) return *id;
  return absl::StrCat(Str(state, "workspace_id"), "/computes/",
                      Str(state, "name"));
}

nlohmann::json SslJson(const Value& ssl) {
  nlohmann::json out = {{"status", Str(ssl, "status")}};
  for (const auto& [attr, key] :
       std::vector<std::pair<const char*, const char*>>{
           {"cert", "cert"},
           {"key", "key"},
           {"cname", "cname"},
           {"leaf_domain_label", "leafDomainLabel"}}) {
    if (std::optional<std::string> v = ssl.GetString(attr)) out[key] = *v;
  }
  if (std::optional<bool> b = ssl.GetBool("overwrite_existing_domain")) {
    out["overwriteExistingDomain"] = *b;
  }
  return out;
}

// Keeps the prior spelling of a CIDR or address when Azure returns the same
// range written differently (172.17.0.1/16 vs 172.17.0.0/16).
Value SameRange(const Value& prior, const std::string& remote) {
  if (remote.empty()) return Value::Null(Type::String());
  if (prior.IsKnown() && prior.type() == Type::String()) {
    std::optional<Ipv4Cidr> a = ParseCidr(prior.AsString());
    std::optional<Ipv4Cidr> b = ParseCidr(remote);
    if (a && b && a->network == b->network && a->prefix == b->prefix) {
      return prior;
    }
  }
  return PreferPriorCasing(prior, remote);
}

Value KeepKnownWhenAbsent(const Value& prior, const std::string& remote) {
  if (remote.empty() && prior.IsKnown()) return prior;
  return OptionalId(prior, remote);
}

const Value& AttrOf(const Value& obj, std::string_view name) {
  static const Value* null_value = new Value();
  return obj.IsKnown() ? obj.GetAttr(name) : *null_value;
}

std::string ProvisioningErrors(const nlohmann::json& props) {
  std::vector<std::string> parts;
  for (const nlohmann::json& e : JsonArray(props, {"provisioningErrors"})) {
    std::string code = JsonString(e, {"error", "code"});
    std::string message = JsonString(e, {"error", "message"});
    if (code.empty() && message.empty()) continue;
    parts.push_back(absl::StrCat(code, ": ", message));
  }
  return absl::StrJoin(parts, "\n");
}

// An error for a compute that exists but ended Failed: the service's codes
// and messages plus what to do.
void AddProvisioningFailure(tf::Diagnostics& diags, const std::string& id,
                            const nlohmann::json& props, bool is_error) {
  std::string errors = ProvisioningErrors(props);
  std::string detail = absl::StrCat(
      "Resource: ", id, "\nAzure ML reports provisioningState Failed",
      errors.empty() ? "." : absl::StrCat(":\n", errors),
      "\n\nFix the cause (quota: request more cores or pick a smaller "
      "agent_vm_size; subnet full: use a larger subnet), then run `terraform "
      "apply` again: the failed compute is replaced.");
  if (is_error) {
    diags.AddError("Inference cluster provisioning failed", detail);
  } else {
    diags.AddWarning("Inference cluster is in a failed state", detail);
  }
}

// The certificate and key never appear in logs.
void RegisterSslSecrets(const Value& state) {
  const Value& ssl = state.GetAttr("ssl");
  if (!ssl.IsKnown()) return;
  for (const char* secret : {"cert", "key"}) {
    if (std::optional<std::string> v = ssl.GetString(secret)) {
      log::RegisterSecret(*v);
    }
  }
}

const AzureProviderData* AzureForPlan(const core::OperationContext& ctx) {
  const auto* az = dynamic_cast<const AzureProviderData*>(ctx.provider_data);
  return (az == nullptr || az->arm == nullptr) ? nullptr : az;
}

// Known string of an object attribute; nullopt when null or unknown.
std::optional<std::string> Known(const Value& obj, std::string_view name) {
  if (!obj.IsKnown()) return std::nullopt;
  return obj.GetString(name);
}

// Names of the subnets of a VNet body.
std::vector<std::string> SubnetNames(const nlohmann::json& vnet) {
  std::vector<std::string> out;
  for (const nlohmann::json& sn : JsonArray(vnet, {"properties", "subnets"})) {
    std::string n = JsonString(sn, {"name"});
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

void CheckLoadBalancerSubnet(const Value& config, const std::string& vnet_id,
                             const nlohmann::json& vnet,
                             tf::Diagnostics& diags) {
  std::optional<std::string> lb = Known(config, "load_balancer_subnet");
  if (!lb) return;
  std::vector<std::string> names = SubnetNames(vnet);
  for (const std::string& n : names) {
    if (EqualsIgnoreCase(n, *lb)) return;
  }
  diags.AddAttributeError(
      AttributePath::Root("load_balancer_subnet"),
      "Load balancer subnet not in the cluster's VNet",
      absl::StrCat(
          "The VNet ", vnet_id, " has no subnet named \"", *lb,
          "\" (it has: ", names.empty() ? "none" : absl::StrJoin(names, ", "),
          "). Use the name of a subnet in the cluster's VNet."));
}

// Plan-time checks of the `create` block against the subnet's VNet.
void CheckCreateNetwork(const AzureProviderData& az,
                        const core::OperationContext& ctx, const Value& config,
                        tf::Diagnostics& diags) {
  const Value& create = config.GetAttr("create");
  std::optional<std::string> subnet_id = Known(create, "subnet_id");
  if (!subnet_id) return;
  absl::StatusOr<ArmId> parsed = ParseArmIdOfType(*subnet_id, kSubnetType);
  if (!parsed.ok()) return;  // the attribute validator reports it
  AttributePath subnet_path = AttributePath::Root("create").Attr("subnet_id");
  auto sn = az.arm->Get(*subnet_id, kNetworkApi, RequestOptionsFor(ctx));
  if (absl::IsNotFound(sn.status())) {
    diags.AddAttributeError(
        subnet_path, "Subnet not found",
        absl::StrCat("The subnet ", *subnet_id,
                     " does not exist (or this identity cannot see it). "
                     "Create it first, or fix create.subnet_id."));
    return;
  }
  if (!sn.ok()) return;  // cannot check now; the service checks at apply
  std::string vnet_id = parsed->Parent().ToString();
  auto vnet = az.arm->Get(vnet_id, kNetworkApi, RequestOptionsFor(ctx));
  if (!vnet.ok()) return;
  std::vector<std::string> prefixes;
  for (const nlohmann::json& p : JsonArray(
           vnet->body, {"properties", "addressSpace", "addressPrefixes"})) {
    if (p.is_string()) prefixes.push_back(p.get<std::string>());
  }
  for (const auto& [attr, what] :
       std::vector<std::pair<const char*, const char*>>{
           {"service_cidr", "Kubernetes service range"},
           {"docker_bridge_cidr", "Docker bridge range"}}) {
    std::optional<std::string> text = Known(create, attr);
    if (!text) continue;
    std::optional<Ipv4Cidr> range = ParseCidr(*text);
    if (!range) continue;
    for (const std::string& prefix : prefixes) {
      std::optional<Ipv4Cidr> space = ParseCidr(prefix);
      if (!space || !range->Overlaps(*space)) continue;
      diags.AddAttributeError(
          AttributePath::Root("create").Attr(attr),
          absl::StrCat(what, " overlaps the VNet"),
          absl::StrCat(
              "create.", attr, " ", *text, " overlaps ", prefix,
              ", part of the address space of the VNet ", vnet_id,
              " that create.subnet_id belongs to, so the cluster could not "
              "reach those addresses. Choose a range outside the VNet's "
              "address space."));
      break;
    }
  }
  CheckLoadBalancerSubnet(config, vnet_id, vnet->body, diags);
}

// Plan-time checks of the cluster to attach: it exists and has an API
// server FQDN; the load balancer subnet is in its VNet.
void CheckAttachedCluster(const AzureProviderData& az,
                          const core::OperationContext& ctx,
                          const Value& config, tf::Diagnostics& diags) {
  std::optional<std::string> aks = Known(config, "kubernetes_cluster_id");
  if (!aks || !ParseArmIdOfType(*aks, kManagedClusterType).ok()) return;
  AttributePath path = AttributePath::Root("kubernetes_cluster_id");
  auto r = az.arm->Get(*aks, kManagedClusterApi, RequestOptionsFor(ctx));
  if (absl::IsNotFound(r.status())) {
    diags.AddAttributeError(
        path, "AKS cluster not found",
        absl::StrCat("The AKS cluster ", *aks,
                     " does not exist (or this identity cannot read it). "
                     "Create the cluster first, or fix "
                     "kubernetes_cluster_id."));
    return;
  }
  if (!r.ok()) return;
  if (inference_cluster_internal::AttachFqdn(r->body).empty()) {
    diags.AddAttributeError(
        path, "AKS cluster has no API server address yet",
        absl::StrCat("The AKS cluster ", *aks,
                     " has neither a private nor a public FQDN (provisioning "
                     "state \"",
                     JsonString(r->body, {"properties", "provisioningState"}),
                     "\"). Wait until it has finished provisioning."));
    return;
  }
  if (!Known(config, "load_balancer_subnet")) return;
  for (const nlohmann::json& pool :
       JsonArray(r->body, {"properties", "agentPoolProfiles"})) {
    std::string subnet = JsonString(pool, {"vnetSubnetID"});
    absl::StatusOr<ArmId> sid = ParseArmIdOfType(subnet, kSubnetType);
    if (!sid.ok()) continue;
    std::string vnet_id = sid->Parent().ToString();
    auto vnet = az.arm->Get(vnet_id, kNetworkApi, RequestOptionsFor(ctx));
    if (vnet.ok()) CheckLoadBalancerSubnet(config, vnet_id, vnet->body, diags);
    return;
  }
}

}  // namespace

namespace inference_cluster_internal {

std::string AttachFqdn(const nlohmann::json& managed_cluster) {
  std::string private_fqdn =
      JsonString(managed_cluster, {"properties", "privateFQDN"});
  if (!private_fqdn.empty()) return private_fqdn;
  return JsonString(managed_cluster, {"properties", "fqdn"});
}

nlohmann::json PutBody(const Value& planned, const std::string& location,
                       const std::string& cluster_fqdn) {
  nlohmann::json inner = {
      {"clusterPurpose", Str(planned, "cluster_purpose")},
      {"loadBalancerType", Str(planned, "load_balancer_type")},
  };
  if (std::optional<std::string> lb = planned.GetString("load_balancer_subnet"))
    inner["loadBalancerSubnet"] = *lb;
  const Value& ssl = planned.GetAttr("ssl");
  if (ssl.IsKnown()) inner["sslConfiguration"] = SslJson(ssl);
  const Value& create = planned.GetAttr("create");
  nlohmann::json props = {{"computeType", "AKS"},
                          {"computeLocation", location}};
  if (create.IsKnown()) {
    if (std::optional<int64_t> n = create.GetInt("agent_count"))
      inner["agentCount"] = *n;
    inner["agentVmSize"] = Str(create, "agent_vm_size");
    inner["aksNetworkingConfiguration"] = {
        {"subnetId", Str(create, "subnet_id")},
        {"serviceCidr", Str(create, "service_cidr")},
        {"dnsServiceIP", Str(create, "dns_service_ip")},
        {"dockerBridgeCidr", Str(create, "docker_bridge_cidr")}};
  } else {
    props["resourceId"] = Str(planned, "kubernetes_cluster_id");
    if (!cluster_fqdn.empty()) inner["clusterFqdn"] = cluster_fqdn;
  }
  if (std::optional<std::string> d = planned.GetString("description"))
    props["description"] = *d;
  props["properties"] = inner;
  nlohmann::json body = {{"location", location}, {"properties", props}};
  if (planned.GetAttr("tags").IsKnown())
    body["tags"] = TagsToJson(planned.GetAttr("tags"));
  return body;
}

Value StateFromJson(const nlohmann::json& body, const Value& prior,
                    const Type& type) {
  const auto& types = type.AttributeTypes();
  std::map<std::string, Value> a;
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* props_ptr = JsonAt(body, {"properties"});
  const nlohmann::json& props = props_ptr ? *props_ptr : empty;
  const nlohmann::json* inner_ptr = JsonAt(props, {"properties"});
  const nlohmann::json& inner = inner_ptr ? *inner_ptr : empty;

  std::string id = JsonString(body, {"id"});
  if (id.empty()) id = ComputeId(prior);
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), id);
  absl::StatusOr<ArmId> parsed = ParseArmIdOfType(id, kComputeType);
  a["name"] = PreferPriorCasing(
      prior.GetAttr("name"), parsed.ok() ? parsed->Name() : Str(prior, "name"));
  a["workspace_id"] = PreferPriorCasing(
      prior.GetAttr("workspace_id"),
      parsed.ok() ? parsed->Parent().ToString() : Str(prior, "workspace_id"));
  std::string location = JsonString(body, {"location"});
  if (location.empty()) location = JsonString(props, {"computeLocation"});
  a["location"] = location.empty() ? prior.GetAttr("location")
                                   : PreferPriorLocation(
                                         prior.GetAttr("location"), location);

  std::string resource_id = JsonString(props, {"resourceId"});
  std::optional<bool> attached = JsonBool(props, {"isAttachedCompute"});
  bool is_attached =
      attached ? *attached : IsSet(prior.GetAttr("kubernetes_cluster_id"));
  a["kubernetes_cluster_id"] =
      is_attached
          ? OptionalId(prior.GetAttr("kubernetes_cluster_id"), resource_id)
          : Value::Null(Type::String());
  // Server-managed and informational: an answer without them (an update's
  // response, say) keeps what was known.
  a["underlying_cluster_id"] =
      KeepKnownWhenAbsent(prior.GetAttr("underlying_cluster_id"), resource_id);
  a["cluster_fqdn"] = KeepKnownWhenAbsent(prior.GetAttr("cluster_fqdn"),
                                          JsonString(inner, {"clusterFqdn"}));

  const Type& create_type = types.at("create");
  const Value& prior_create = prior.GetAttr("create");
  if (is_attached) {
    a["create"] = Value::Null(create_type);
  } else {
    const nlohmann::json* count = JsonAt(inner, {"agentCount"});
    a["create"] = Value::Object(
        create_type,
        {{"agent_count", count && count->is_number_integer()
                             ? Value::Int(count->get<int64_t>())
                             : AttrOf(prior_create, "agent_count")},
         {"agent_vm_size",
          PreferPriorCasing(AttrOf(prior_create, "agent_vm_size"),
                            JsonString(inner, {"agentVmSize"}))},
         {"subnet_id",
          OptionalId(
              AttrOf(prior_create, "subnet_id"),
              JsonString(inner, {"aksNetworkingConfiguration", "subnetId"}))},
         {"service_cidr",
          SameRange(AttrOf(prior_create, "service_cidr"),
                    JsonString(inner,
                               {"aksNetworkingConfiguration", "serviceCidr"}))},
         {"dns_service_ip",
          OptionalString(AttrOf(prior_create, "dns_service_ip"),
                         JsonString(inner, {"aksNetworkingConfiguration",
                                            "dnsServiceIP"}))},
         {"docker_bridge_cidr",
          SameRange(AttrOf(prior_create, "docker_bridge_cidr"),
                    JsonString(inner, {"aksNetworkingConfiguration",
                                       "dockerBridgeCidr"}))}});
  }

  std::string purpose = JsonString(inner, {"clusterPurpose"});
  a["cluster_purpose"] = purpose.empty() ? prior.GetAttr("cluster_purpose")
                                         : Value::String(purpose);
  if (a["cluster_purpose"].IsNull())
    a["cluster_purpose"] = Value::String("FastProd");
  std::string lb = JsonString(inner, {"loadBalancerType"});
  if (lb.empty()) {
    // Some responses omit it; the spec's default is PublicIp.
    const Value& p = prior.GetAttr("load_balancer_type");
    a["load_balancer_type"] = p.IsKnown() ? p : Value::String(kPublicIp);
  } else {
    a["load_balancer_type"] = Value::String(lb);
  }
  a["load_balancer_subnet"] =
      OptionalString(prior.GetAttr("load_balancer_subnet"),
                     JsonString(inner, {"loadBalancerSubnet"}));

  const Type& ssl_type = types.at("ssl");
  const Value& prior_ssl = prior.GetAttr("ssl");
  const nlohmann::json* ssl = JsonAt(inner, {"sslConfiguration"});
  std::string status = ssl ? JsonString(*ssl, {"status"}) : "";
  std::string cname = ssl ? JsonString(*ssl, {"cname"}) : "";
  std::string leaf = ssl ? JsonString(*ssl, {"leafDomainLabel"}) : "";
  bool nothing_configured =
      status.empty() || (status == "Disabled" && cname.empty() &&
                         leaf.empty() && !prior_ssl.IsKnown());
  if (nothing_configured) {
    a["ssl"] = Value::Null(ssl_type);
  } else {
    // Azure reports false when it was never set: keep null then.
    const Value& prior_overwrite =
        AttrOf(prior_ssl, "overwrite_existing_domain");
    std::optional<bool> overwrite = JsonBool(*ssl, {"overwriteExistingDomain"});
    Value overwrite_value = prior_overwrite;
    if (overwrite && (*overwrite || !prior_overwrite.IsNull())) {
      overwrite_value = Value::Bool(*overwrite);
    }
    a["ssl"] = Value::Object(
        ssl_type,
        {{"status", Value::String(status)},
         // Azure strips both on GET: keep what was configured.
         {"cert", AttrOf(prior_ssl, "cert")},
         {"key", AttrOf(prior_ssl, "key")},
         {"cname", OptionalString(AttrOf(prior_ssl, "cname"), cname)},
         {"leaf_domain_label",
          OptionalString(AttrOf(prior_ssl, "leaf_domain_label"), leaf)},
         {"overwrite_existing_domain", overwrite_value}});
  }

  a["description"] = OptionalString(prior.GetAttr("description"),
                                    JsonString(props, {"description"}));
  a["tags"] = TagsFromJson(JsonAt(body, {"tags"}), prior.GetAttr("tags"));
  const Value& on_destroy = prior.GetAttr("on_destroy");
  a["on_destroy"] = on_destroy.IsKnown()
                        ? on_destroy
                        : Value::String(is_attached ? kDetach : kDelete);
  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(types.at("timeouts"));
  return Value::Object(type, std::move(a));
}

}  // namespace inference_cluster_internal

const tf::Schema& InferenceClusterResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

core::DefaultTimeouts InferenceClusterResource::Timeouts() const {
  // Creating AKS takes 10-20 minutes; deleting one as long.
  core::DefaultTimeouts t;
  t.create = absl::Minutes(60);
  t.del = absl::Minutes(60);
  return t;
}

void InferenceClusterResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);
  tf::Diagnostics& diags = resp.diagnostics;

  const Value& attach = config.GetAttr("kubernetes_cluster_id");
  const Value& create = config.GetAttr("create");
  if (attach.IsKnown() && create.IsKnown()) {
    diags.AddAttributeError(
        AttributePath::Root("kubernetes_cluster_id"),
        "Both attach and create configured",
        "Set kubernetes_cluster_id to attach an existing AKS cluster, or a "
        "create block to have Azure ML create one, not both.");
  } else if (attach.IsNull() && create.IsNull()) {
    diags.AddAttributeError(
        AttributePath::Root("kubernetes_cluster_id"),
        "No AKS cluster configured",
        "Set kubernetes_cluster_id to attach an existing (private) AKS "
        "cluster, or add a create block with agent_count, agent_vm_size, "
        "subnet_id, service_cidr, dns_service_ip and docker_bridge_cidr.");
  }

  if (create.IsKnown()) {
    AttributePath base = AttributePath::Root("create");
    std::optional<Ipv4Cidr> service;
    if (auto s = Known(create, "service_cidr")) service = ParseCidr(*s);
    std::optional<Ipv4Cidr> bridge;
    if (auto s = Known(create, "docker_bridge_cidr")) bridge = ParseCidr(*s);
    std::optional<std::string> dns_text = Known(create, "dns_service_ip");
    std::optional<uint32_t> dns;
    if (dns_text) dns = ParseIpv4(*dns_text);
    if (service && service->prefix < kLargestServicePrefix) {
      diags.AddAttributeError(
          base.Attr("service_cidr"), "Service range too large",
          absl::StrCat("create.service_cidr ", Str(create, "service_cidr"),
                       " is larger than /12, which AKS refuses. Use a /12 "
                       "or smaller range such as 10.0.0.0/16."));
    }
    if (service && bridge && service->Overlaps(*bridge)) {
      diags.AddAttributeError(
          base.Attr("service_cidr"), "Service range overlaps the Docker bridge",
          absl::StrCat("create.service_cidr ", Str(create, "service_cidr"),
                       " overlaps create.docker_bridge_cidr ",
                       Str(create, "docker_bridge_cidr"),
                       ". Use separate ranges, e.g. 10.0.0.0/16 for services "
                       "and 172.17.0.1/16 for the bridge."));
    }
    if (service && dns) {
      if (!service->Contains(*dns)) {
        diags.AddAttributeError(
            base.Attr("dns_service_ip"),
            "DNS service IP outside the service range",
            absl::StrCat("create.dns_service_ip ", *dns_text,
                         " is not inside create.service_cidr ",
                         Str(create, "service_cidr"),
                         ". Pick an address in that range, conventionally "
                         "its .10 address."));
      } else if (*dns == service->network || *dns == service->network + 1) {
        diags.AddAttributeError(
            base.Attr("dns_service_ip"), "DNS service IP is reserved",
            absl::StrCat("create.dns_service_ip ", *dns_text,
                         " is the first address of create.service_cidr, "
                         "which Kubernetes reserves for its own API service. "
                         "Use another address in the range, e.g. its .10."));
      }
    }
  }

  std::optional<std::string> lb_type = Known(config, "load_balancer_type");
  if (lb_type && *lb_type == kPublicIp &&
      IsSet(config.GetAttr("load_balancer_subnet"))) {
    diags.AddAttributeError(
        AttributePath::Root("load_balancer_subnet"),
        "Load balancer subnet needs an internal load balancer",
        "load_balancer_subnet only applies to load_balancer_type = "
        "\"InternalLoadBalancer\". Remove it, or use the internal load "
        "balancer.");
  }

  const Value& ssl = config.GetAttr("ssl");
  if (ssl.IsKnown()) {
    AttributePath base = AttributePath::Root("ssl");
    const Value& cert = ssl.GetAttr("cert");
    const Value& key = ssl.GetAttr("key");
    if (!cert.IsUnknown() && !key.IsUnknown() &&
        cert.IsNull() != key.IsNull()) {
      diags.AddAttributeError(
          base.Attr(cert.IsNull() ? "cert" : "key"),
          "Certificate and key go together",
          "Set both ssl.cert and ssl.key (PEM), or neither to use a "
          "Microsoft-issued certificate through ssl.leaf_domain_label.");
    }
    std::optional<std::string> status = Known(ssl, "status");
    if (status && *status == "Enabled" && cert.IsNull() &&
        ssl.GetAttr("leaf_domain_label").IsNull()) {
      diags.AddAttributeError(
          base.Attr("status"), "No certificate for SSL",
          "ssl.status = \"Enabled\" needs a certificate: set ssl.cert, "
          "ssl.key and ssl.cname, or ssl.leaf_domain_label for a "
          "Microsoft-issued certificate.");
    }
    if (!cert.IsNull() && ssl.GetAttr("cname").IsNull()) {
      diags.AddAttributeError(
          base.Attr("cname"), "Certificate without a host name",
          "With your own certificate set ssl.cname to the host name it is "
          "issued for; clients reach the scoring endpoint by that name.");
    }
  }
}

void InferenceClusterResource::ModifyPlan(
    const core::ModifyPlanRequest& req, core::ModifyPlanResponse& resp) const {
  const Value& config = req.config;
  Value& planned = resp.planned_state;
  if (planned.IsNull() || !config.IsKnown()) return;  // destroy
  const Value& prior = req.prior_state;
  bool creating = prior.IsNull();

  if (Known(config, "load_balancer_type").value_or("") == kPublicIp) {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("load_balancer_type"),
        "Scoring endpoints exposed to the internet",
        "load_balancer_type = \"PublicIp\" gives the cluster's scoring front "
        "end (azureml-fe) a public IP, so every deployed model is reachable "
        "from the internet (key or token auth still applies). A secure "
        "platform uses the default, \"InternalLoadBalancer\", and reaches "
        "endpoints over the VNet.");
  }

  // on_destroy defaults by mode: detach what was attached, delete what this
  // resource created (detaching it would orphan a running cluster). Derived
  // from the configuration on every plan, so removing an explicit value
  // returns to the default instead of keeping the old one.
  if (config.GetAttr("on_destroy").IsNull()) {
    planned = planned.WithAttr(
        "on_destroy",
        Value::String(IsSet(config.GetAttr("create")) ? kDelete : kDetach));
  }

  const AzureProviderData* az = AzureForPlan(req.ctx);
  if (az == nullptr) return;
  auto changed = [&](std::string_view name) {
    return creating || prior.GetAttr(name) != planned.GetAttr(name);
  };
  if (IsSet(config.GetAttr("create"))) {
    if (changed("create") || changed("load_balancer_subnet")) {
      CheckCreateNetwork(*az, req.ctx, config, resp.diagnostics);
    }
  } else if (changed("kubernetes_cluster_id") ||
             changed("load_balancer_subnet")) {
    CheckAttachedCluster(*az, req.ctx, config, resp.diagnostics);
  }
}

void InferenceClusterResource::Create(const core::CreateRequest& req,
                                      core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = ComputeId(planned);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kComputeApi, TypeName(),
                                resp.diagnostics)) {
    return;
  }

  std::string location = Str(planned, "location");
  if (location.empty()) {
    std::string ws = Str(planned, "workspace_id");
    auto w = az->arm->Get(ws, kComputeApi, RequestOptionsFor(req.ctx));
    if (!w.ok()) {
      AddAzureError(resp.diagnostics, w.status(), "Failed to read workspace",
                    ws, AttributePath::Root("workspace_id"));
      return;
    }
    location = JsonString(w->body, {"location"});
  }

  std::string fqdn;
  if (std::optional<std::string> aks =
          planned.GetString("kubernetes_cluster_id")) {
    auto c = az->arm->Get(*aks, kManagedClusterApi, RequestOptionsFor(req.ctx));
    if (!c.ok()) {
      AddAzureError(resp.diagnostics, c.status(),
                    "Failed to read the AKS cluster to attach", *aks,
                    AttributePath::Root("kubernetes_cluster_id"));
      return;
    }
    fqdn = inference_cluster_internal::AttachFqdn(c->body);
    if (fqdn.empty()) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("kubernetes_cluster_id"),
          "AKS cluster has no API server address yet",
          absl::StrCat("The AKS cluster ", *aks,
                       " has neither a private nor a public FQDN. Wait until "
                       "it has finished provisioning, then apply again."));
      return;
    }
  }

  RegisterSslSecrets(planned);

  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  bool accepted = false;
  opts.on_accepted = [&](const azure::AcceptedOperation&) { accepted = true; };
  Value with_location =
      planned.WithAttr("id", Value::String(id))
          .WithAttr("location", planned.GetAttr("location").IsKnown()
                                    ? planned.GetAttr("location")
                                    : Value::String(location));
  auto r = az->arm->Put(
      id, kComputeApi,
      inference_cluster_internal::PutBody(planned, location, fqdn), opts);
  if (!r.ok()) {
    if (accepted || WriteMayHaveLanded(r.status())) {
      resp.new_state = PartialState(with_location, id);
    }
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to create inference cluster", id);
    return;
  }
  absl::StatusOr<nlohmann::json> body =
      BodyAfterWrite(*az, req.ctx, id, kComputeApi, r->body);
  if (!body.ok()) {
    resp.new_state = PartialState(with_location, id);
    AddAzureError(resp.diagnostics, body.status(),
                  "Failed to read the new inference cluster", id);
    return;
  }
  resp.new_state = inference_cluster_internal::StateFromJson(
      *body, with_location, GetSchema().ImpliedType());
  if (EqualsIgnoreCase(JsonString(*body, {"properties", "provisioningState"}),
                       "Failed")) {
    AddProvisioningFailure(resp.diagnostics, id, (*body)["properties"], true);
  }
}

void InferenceClusterResource::Read(const core::ReadRequest& req,
                                    core::ReadResponse& resp) const {
  std::optional<nlohmann::json> body = ReadById(req, resp, kComputeApi, kNoun);
  if (!body) return;
  std::string id = ComputeId(req.current_state);
  std::string ctype = JsonString(*body, {"properties", "computeType"});
  if (!EqualsIgnoreCase(ctype, "AKS")) {
    resp.diagnostics.AddError(
        "Not an AKS compute",
        absl::StrCat("The compute ", id, " has type \"", ctype,
                     "\", not AKS. Import it as the matching resource "
                     "(secureaml_compute_cluster for AmlCompute, "
                     "secureaml_compute_instance for ComputeInstance)."));
    return;
  }
  resp.new_state = inference_cluster_internal::StateFromJson(
      *body, req.current_state, GetSchema().ImpliedType());
  if (EqualsIgnoreCase(JsonString(*body, {"properties", "provisioningState"}),
                       "Failed")) {
    AddProvisioningFailure(resp.diagnostics, id, (*body)["properties"], false);
  }
}

void InferenceClusterResource::Update(const core::UpdateRequest& req,
                                      core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  const Value& prior = req.prior_state;
  std::string id = ComputeId(prior);
  Value next = planned.WithAttr("id", Value::String(id));
  bool service_change = false;
  for (const char* attr : {"description", "tags", "ssl", "load_balancer_type",
                           "load_balancer_subnet"}) {
    if (prior.GetAttr(attr) != planned.GetAttr(attr)) service_change = true;
  }
  if (!service_change) {  // on_destroy and timeouts live in state only
    resp.new_state = next;
    return;
  }
  RegisterSslSecrets(planned);
  auto r = az->arm->Put(
      id, kComputeApi,
      inference_cluster_internal::PutBody(planned, Str(prior, "location"),
                                          Str(prior, "cluster_fqdn")),
      RequestOptionsFor(req.ctx));
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to update inference cluster", id);
    return;
  }
  nlohmann::json body = r->body;
  if (!body.is_object() || JsonAt(body, {"properties"}) == nullptr) {
    auto g = az->arm->Get(id, kComputeApi, RequestOptionsFor(req.ctx));
    if (!g.ok()) {
      AddAzureError(resp.diagnostics, g.status(),
                    "Failed to read the updated inference cluster", id);
      return;
    }
    body = g->body;
  }
  resp.new_state = inference_cluster_internal::StateFromJson(
      body, next, GetSchema().ImpliedType());
}

void InferenceClusterResource::Delete(const core::DeleteRequest& req,
                                      core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = ComputeId(req.prior_state);
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  bool delete_cluster = Str(req.prior_state, "on_destroy") == kDelete;
  opts.query.emplace_back("underlyingResourceAction",
                          delete_cluster ? "Delete" : "Detach");
  auto r = az->arm->Delete(id, kComputeApi, opts);
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(),
                  delete_cluster ? "Failed to delete inference cluster"
                                 : "Failed to detach inference cluster",
                  id);
  }
}

void InferenceClusterResource::ImportState(const core::ImportRequest& req,
                                           core::ImportResponse& resp) const {
  ImportByArmId(req, resp, GetSchema(), kComputeType,
                "/subscriptions/00000000-0000-0000-0000-000000000000/"
                "resourceGroups/ml-rg/providers/"
                "Microsoft.MachineLearningServices/workspaces/ws1/computes/"
                "scoring");
  if (resp.diagnostics.HasError()) return;
  absl::StatusOr<ArmId> id = ParseArmIdOfType(req.id, kComputeType);
  resp.state = resp.state.WithAttr("workspace_id",
                                   Value::String(id->Parent().ToString()));
}

std::unique_ptr<core::Resource> NewInferenceClusterResource() {
  return std::make_unique<InferenceClusterResource>();
}

}  // namespace secureaml::resources
