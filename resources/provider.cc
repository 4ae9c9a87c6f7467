#include "resources/provider.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/azure/azure_config.h"
#include "provider/common/logging.h"
#include "provider/core/timeouts.h"
#include "resources/common/azure_context.h"
#include "resources/common/platform_knowledge.h"
#include "resources/common/validators.h"
#include "resources/registry.h"

#ifndef SECUREAML_VERSION
#define SECUREAML_VERSION "0.0.0-dev"
#endif

namespace secureaml::resources {
namespace {

constexpr char kProviderDescription[] =
    "The **secureaml** provider builds a secure Azure Machine Learning "
    "platform: a private-link workspace with a customer-managed key, "
    "no-public-IP training compute inside a virtual network, AKS inference "
    "behind an internal load balancer, least-privilege custom roles, private "
    "DNS and network guardrails. Public access, public IPs and public load "
    "balancers are opt-in, and opting in produces a plan-time warning.\n\n"
    "Authentication is compatible with the azurerm provider: every setting "
    "can come from the provider block or from the same `ARM_*` environment "
    "variables.";

tf::Type DocType(azure::ProviderAttributeDoc::Type type) {
  switch (type) {
    case azure::ProviderAttributeDoc::Type::kBool:
      return tf::Type::Bool();
    case azure::ProviderAttributeDoc::Type::kStringList:
      return tf::Type::List(tf::Type::String());
    case azure::ProviderAttributeDoc::Type::kString:
      break;
  }
  return tf::Type::String();
}

tf::Schema BuildSchema() {
  tf::Schema schema;
  schema.block.description = kProviderDescription;
  for (const auto& doc : azure::ProviderAttributeDocs()) {
    std::string description = doc.description;
    if (!doc.env_vars.empty()) {
      std::vector<std::string> quoted;
      for (const auto& e : doc.env_vars) quoted.push_back("`" + e + "`");
      absl::StrAppend(&description,
                      " Environment: ", absl::StrJoin(quoted, ", "), ".");
    }
    tf::Attribute a =
        tf::Attribute::Optional(doc.name, DocType(doc.type), description);
    if (doc.sensitive) a.Sensitive();
    if (doc.name == "environment") {
      a.Validate(OneOf({"public", "usgovernment", "china"}));
    }
    if (doc.name == "subscription_id" || doc.name == "tenant_id") {
      a.Validate(Guid());
    }
    schema.block.attributes.push_back(std::move(a));
  }
  schema.block.attributes.push_back(
      tf::Attribute::Optional(
          "principal_replication_timeout", tf::Type::String(),
          "How long role assignments keep retrying `PrincipalNotFound` while "
          "a new principal replicates through Microsoft Entra ID, as a "
          "duration such as `3m`. Bounded on purpose: a mistyped principal "
          "fails after this long instead of after the whole create timeout. "
          "Defaults to `3m`.")
          .Validate([](const tf::Value& v, const tf::AttributePath& path,
                       tf::Diagnostics& diags) {
            if (!core::ParseGoDuration(v.AsString()).ok()) {
              diags.AddAttributeError(
                  path, "Invalid duration",
                  absl::StrCat("\"", v.AsString(),
                               "\" is not a duration such as 90s, 3m or 1h."));
            }
          }));
  return schema;
}

std::optional<std::string> OptString(const tf::Value& config,
                                     std::string_view name) {
  return config.GetString(name);
}

class SecureamlProvider : public core::Provider {
 public:
  SecureamlProvider() : schema_(BuildSchema()) {}

  std::string TypeName() const override { return "secureaml"; }
  std::string Version() const override { return SECUREAML_VERSION; }
  const tf::Schema& GetSchema() const override { return schema_; }

  void Configure(const core::ConfigureRequest& req,
                 core::ConfigureResponse& resp) const override {
    const tf::Value& c = req.config;
    if (!c.IsNull() && !c.IsWhollyKnown()) {
      // During plan the block may depend on values not known yet; resources
      // then skip their remote plan-time checks instead of failing.
      log::Debug("provider configuration has unknown values; deferring");
      return;
    }
    azure::AzureConfig config;
    if (!c.IsNull()) {
      config.subscription_id = OptString(c, "subscription_id");
      config.tenant_id = OptString(c, "tenant_id");
      config.client_id = OptString(c, "client_id");
      config.client_id_file_path = OptString(c, "client_id_file_path");
      config.client_secret = OptString(c, "client_secret");
      config.client_secret_file_path = OptString(c, "client_secret_file_path");
      config.client_certificate = OptString(c, "client_certificate");
      config.client_certificate_path = OptString(c, "client_certificate_path");
      config.client_certificate_password =
          OptString(c, "client_certificate_password");
      config.use_oidc = c.GetBool("use_oidc");
      config.oidc_token = OptString(c, "oidc_token");
      config.oidc_token_file_path = OptString(c, "oidc_token_file_path");
      config.oidc_request_url = OptString(c, "oidc_request_url");
      config.oidc_request_token = OptString(c, "oidc_request_token");
      config.ado_pipeline_service_connection_id =
          OptString(c, "ado_pipeline_service_connection_id");
      config.use_aks_workload_identity = c.GetBool("use_aks_workload_identity");
      config.use_msi = c.GetBool("use_msi");
      config.msi_endpoint = OptString(c, "msi_endpoint");
      config.use_cli = c.GetBool("use_cli");
      config.environment = OptString(c, "environment");
      config.metadata_host = OptString(c, "metadata_host");
      if (c.HasAttr("auxiliary_tenant_ids") &&
          !c.GetAttr("auxiliary_tenant_ids").IsNull()) {
        config.auxiliary_tenant_ids = c.GetStringList("auxiliary_tenant_ids");
      }
      config.partner_id = OptString(c, "partner_id");
      config.disable_terraform_partner_id =
          c.GetBool("disable_terraform_partner_id");
      config.disable_correlation_request_id =
          c.GetBool("disable_correlation_request_id");
      config.ca_bundle_path = OptString(c, "ca_bundle_path");
    }

    azure::ConfigureOptions options;
    options.cancel = req.cancel;
    options.terraform_version = req.terraform_version;
    absl::StatusOr<azure::AzureClients> clients =
        azure::ConfigureAzure(config, azure::ProcessEnvironment(), options);
    if (!clients.ok()) {
      resp.diagnostics.AddError(
          "Failed to configure the Azure client",
          absl::StrCat(clients.status().message(),
                       "\n\nSet the provider block's attributes or the ARM_* "
                       "environment variables; the provider documentation "
                       "lists every authentication method."));
      return;
    }
    auto data = std::make_shared<AzureProviderData>();
    data->arm = clients->arm;
    data->subscription_id = clients->config.subscription_id;
    data->tenant_id = clients->config.tenant_id;
    data->cloud =
        ParseCloud(clients->config.environment).value_or(Cloud::kPublic);
    if (std::optional<std::string> t =
            c.IsNull() ? std::nullopt
                       : c.GetString("principal_replication_timeout")) {
      if (auto d = core::ParseGoDuration(*t); d.ok()) {
        data->principal_replication_timeout = *d;
      }
    }
    resp.provider_data = std::move(data);
  }

  std::vector<std::unique_ptr<core::Resource>> Resources() const override {
    return AllResources();
  }
  std::vector<std::unique_ptr<core::DataSource>> DataSources() const override {
    return AllDataSources();
  }

 private:
  tf::Schema schema_;
};

}  // namespace

std::unique_ptr<core::Provider> NewProvider() {
  return std::make_unique<SecureamlProvider>();
}

}  // namespace secureaml::resources
