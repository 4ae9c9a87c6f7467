// ImportResourceState: the resource turns an ID into a seed state; the core
// completes it to the schema's shape so Terraform's following ReadResource
// gets a well-formed object.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "provider/core/object_checks.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/core/timeouts.h"

namespace secureaml::core {

ImportResourceStateResponse ProviderServer::ImportResourceState(
    const ImportResourceStateRequest& req) const {
  return RunRpc<ImportResourceStateResponse>(
      "ImportResourceState", req.type_name,
      [&](ImportResourceStateResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        const ResourceEntry* e = impl_->FindResource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string& name = req.type_name;
        if (absl::StripAsciiWhitespace(req.id).empty()) {
          diags.AddError(
              "Invalid import ID",
              absl::StrCat("The import ID for ", name,
                           " is empty. Pass the "
                           "Azure resource ID, as in terraform import ",
                           name, ".example /subscriptions/.../..."));
          return;
        }
        std::shared_ptr<const ProviderData> data =
            impl_->ProviderDataSnapshot();
        if (data == nullptr) {
          AddNotConfigured(name, diags);
          return;
        }
        if (impl_->stopped.load()) {
          diags.AddError("Operation cancelled",
                         "Terraform asked the provider to stop before the "
                         "import.");
          return;
        }
        ImportRequest ireq;
        ireq.ctx = impl_->MakeContext(
            TimeoutFor(tf::Value::Null(e->type), Operation::kRead,
                       e->resource->Timeouts()),
            data.get());
        ireq.id = req.id;
        ImportResponse iresp;
        GuardResourceCall(absl::StrCat("Importing ", name), diags,
                          [&] { e->resource->ImportState(ireq, iresp); });
        diags.Append(iresp.diagnostics);
        if (diags.HasError()) return;
        if (!iresp.state.IsKnown()) {
          diags.AddError("Import returned no resources",
                         absl::StrCat("Importing ", name,
                                      " produced no "
                                      "state. This is a bug in the provider; "
                                      "please report it."));
          return;
        }
        tf::Value state = NormalizeBlockValue(e->schema.block, iresp.state);
        if (e->has_timeouts && state.HasAttr("timeouts")) {
          // Timeouts come from configuration, never from Azure.
          state = state.WithAttr(
              "timeouts", tf::Value::Null(state.GetAttr("timeouts").type()));
        }
        std::vector<tf::AttributePath> unknown;
        state = ReplaceUnknowns(state, nullptr, &unknown);
        for (const tf::AttributePath& p : unknown) {
          diags.AddAttributeError(
              p, "Provider returned invalid import state",
              absl::StrCat("Importing ", name, " left ", p.ToString(),
                           " unknown. This is a bug in the provider; please "
                           "report it."));
        }
        DynamicValue encoded =
            EncodeDynamic(state, e->type, "an imported state", diags);
        if (diags.HasError()) return;
        ImportedResource imported;
        imported.type_name = name;
        imported.state = std::move(encoded);
        imported.private_state = std::move(iresp.private_state);
        resp.imported_resources.push_back(std::move(imported));
      });
}

}  // namespace secureaml::core
