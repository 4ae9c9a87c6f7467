// ValidateProviderConfig, ValidateResourceConfig, ValidateDataResourceConfig:
// schema validators, deprecation warnings, timeouts, then the resource's own
// ValidateConfig. Runs before the provider is configured, on configs that may
// hold unknowns.
#include <string>

#include "absl/strings/str_cat.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/core/timeouts.h"

namespace secureaml::core {
namespace {

using tf::AttributePath;
using tf::Value;

// `in_set`: the block is an element of a set block, whose elements have no
// address, so every diagnostic inside points at the set itself.
void ValidateBlock(const tf::Block& block, const Value& value,
                   const AttributePath& path, bool in_set,
                   tf::Diagnostics& diags) {
  if (!value.IsKnown() || value.type().kind() != tf::Type::Kind::kObject) {
    return;
  }
  for (const tf::Attribute& attr : block.attributes) {
    if (!value.HasAttr(attr.name)) continue;
    const Value& v = value.GetAttr(attr.name);
    const AttributePath ap = in_set ? path : path.Attr(attr.name);
    if (attr.deprecated && !v.IsNull()) {
      diags.AddAttributeWarning(
          ap, "Argument is deprecated",
          attr.deprecation_message.empty()
              ? absl::StrCat("\"", attr.name,
                             "\" is deprecated and will be removed in a "
                             "future version.")
              : attr.deprecation_message);
    }
    // Validators see only known, non-null values: unknowns are checked
    // again once they are known (at apply-time plan).
    if (!v.IsKnown()) continue;
    for (const tf::Validator& validator : attr.validators) {
      if (!validator) continue;
      GuardResourceCall(absl::StrCat("Validating ", ap.ToString()), diags,
                        [&] { validator(v, ap, diags); });
    }
  }
  for (const tf::NestedBlock& nb : block.blocks) {
    if (!value.HasAttr(nb.type_name)) continue;
    const Value& bv = value.GetAttr(nb.type_name);
    const AttributePath bp = in_set ? path : path.Attr(nb.type_name);
    if (!bv.IsKnown()) continue;
    const bool present =
        !((nb.nesting == tf::Nesting::kList ||
           nb.nesting == tf::Nesting::kSet) &&
          bv.Elements().empty()) &&
        !(nb.nesting == tf::Nesting::kMap && bv.Entries().empty());
    if (nb.block.deprecated && present && nb.nesting != tf::Nesting::kGroup) {
      diags.AddAttributeWarning(
          bp, "Block is deprecated",
          absl::StrCat("The \"", nb.type_name,
                       "\" block is deprecated and will be removed in a "
                       "future version."));
    }
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
      case tf::Nesting::kGroup:
        ValidateBlock(nb.block, bv, bp, in_set, diags);
        break;
      case tf::Nesting::kList: {
        const auto& elems = bv.Elements();
        for (size_t i = 0; i < elems.size(); ++i) {
          ValidateBlock(nb.block, elems[i],
                        in_set ? bp : bp.Index(static_cast<int64_t>(i)), in_set,
                        diags);
        }
        break;
      }
      case tf::Nesting::kSet:
        for (const Value& e : bv.Elements()) {
          ValidateBlock(nb.block, e, bp, /*in_set=*/true, diags);
        }
        break;
      case tf::Nesting::kMap:
        for (const auto& [key, e] : bv.Entries()) {
          ValidateBlock(nb.block, e, in_set ? bp : bp.Key(key), in_set, diags);
        }
        break;
    }
  }
}

}  // namespace

ValidateProviderConfigResponse ProviderServer::ValidateProviderConfig(
    const ValidateProviderConfigRequest& req) const {
  return RunRpc<ValidateProviderConfigResponse>(
      "ValidateProviderConfig", "", [&](ValidateProviderConfigResponse& resp) {
        std::optional<Value> config =
            DecodeDynamic(req.config, impl_->provider_type,
                          "the provider configuration", resp.diagnostics);
        if (!config) return;
        ValidateBlock(impl_->provider_schema.block, *config, AttributePath(),
                      false, resp.diagnostics);
        if (provider_ == nullptr) return;
        ValidateConfigRequest vreq{*config};
        ValidateConfigResponse vresp;
        GuardResourceCall("Validating the provider configuration",
                          resp.diagnostics,
                          [&] { provider_->ValidateConfig(vreq, vresp); });
        resp.diagnostics.Append(vresp.diagnostics);
        // Protocol 5's PrepareProviderConfig: Terraform only compares the
        // echo with what it sent, so send the same value back.
        resp.prepared_config =
            EncodeDynamic(*config, impl_->provider_type,
                          "the provider configuration", resp.diagnostics);
      });
}

ValidateResourceConfigResponse ProviderServer::ValidateResourceConfig(
    const ValidateResourceConfigRequest& req) const {
  return RunRpc<ValidateResourceConfigResponse>(
      "ValidateResourceConfig", req.type_name,
      [&](ValidateResourceConfigResponse& resp) {
        const ResourceEntry* e =
            impl_->FindResource(req.type_name, resp.diagnostics);
        if (e == nullptr) return;
        std::optional<Value> config =
            DecodeDynamic(req.config, e->type,
                          absl::StrCat("the configuration of ", req.type_name),
                          resp.diagnostics);
        if (!config) return;
        ValidateBlock(e->schema.block, *config, AttributePath(), false,
                      resp.diagnostics);
        if (e->has_timeouts) ValidateTimeouts(*config, resp.diagnostics);
        ValidateConfigRequest vreq{*config};
        ValidateConfigResponse vresp;
        GuardResourceCall(absl::StrCat("Validating ", req.type_name),
                          resp.diagnostics,
                          [&] { e->resource->ValidateConfig(vreq, vresp); });
        resp.diagnostics.Append(vresp.diagnostics);
      });
}

ValidateResourceConfigResponse ProviderServer::ValidateDataResourceConfig(
    const ValidateResourceConfigRequest& req) const {
  return RunRpc<ValidateResourceConfigResponse>(
      "ValidateDataResourceConfig", req.type_name,
      [&](ValidateResourceConfigResponse& resp) {
        const DataSourceEntry* e =
            impl_->FindDataSource(req.type_name, resp.diagnostics);
        if (e == nullptr) return;
        std::optional<Value> config = DecodeDynamic(
            req.config, e->type,
            absl::StrCat("the configuration of data.", req.type_name),
            resp.diagnostics);
        if (!config) return;
        ValidateBlock(e->schema.block, *config, AttributePath(), false,
                      resp.diagnostics);
        if (e->has_timeouts) ValidateTimeouts(*config, resp.diagnostics);
        ValidateConfigRequest vreq{*config};
        ValidateConfigResponse vresp;
        GuardResourceCall(absl::StrCat("Validating data.", req.type_name),
                          resp.diagnostics,
                          [&] { e->data_source->ValidateConfig(vreq, vresp); });
        resp.diagnostics.Append(vresp.diagnostics);
      });
}

}  // namespace secureaml::core
