// ReadResource (refresh) and ReadDataSource.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "provider/core/object_checks.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/core/timeouts.h"

namespace secureaml::core {

ReadResourceResponse ProviderServer::ReadResource(
    const ReadResourceRequest& req) const {
  return RunRpc<ReadResourceResponse>(
      "ReadResource", req.type_name, [&](ReadResourceResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        // Until something better is known, the state is what Terraform has.
        resp.new_state = req.current_state;
        resp.private_state = req.private_state;
        const ResourceEntry* e = impl_->FindResource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string& name = req.type_name;
        std::optional<tf::Value> current =
            DecodeDynamic(req.current_state, e->type,
                          absl::StrCat("the stored state of ", name), diags);
        if (!current) return;
        if (current->IsNull()) {
          resp.new_state = EncodeDynamic(*current, e->type, "", diags);
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
                         absl::StrCat("Terraform asked the provider to stop "
                                      "before ",
                                      name, " was read."));
          return;
        }
        ReadRequest rreq;
        rreq.ctx = impl_->MakeContext(
            TimeoutFor(*current, Operation::kRead, e->resource->Timeouts()),
            data.get());
        rreq.current_state = *current;
        rreq.private_state = req.private_state;
        ReadResponse rresp;
        rresp.new_state = *current;
        rresp.private_state = req.private_state;
        GuardResourceCall(absl::StrCat("Reading ", name), diags,
                          [&] { e->resource->Read(rreq, rresp); });
        diags.Append(rresp.diagnostics);
        if (rresp.new_state.IsNull()) {
          if (diags.HasError()) return;  // failed, not gone: keep the state
          // Gone: Terraform drops it from state or plans a re-create.
          resp.new_state = EncodeDynamic(rresp.new_state, e->type, "", diags);
          resp.private_state = std::move(rresp.private_state);
          return;
        }
        tf::Value state = NormalizeBlockValue(e->schema.block, rresp.new_state);
        if (e->has_timeouts) state = CopyTimeouts(*current, state);
        std::vector<tf::AttributePath> unknown;
        state = ReplaceUnknowns(state, &*current, &unknown);
        for (const tf::AttributePath& p : unknown) {
          diags.AddAttributeError(
              p, "Provider returned invalid state after read",
              absl::StrCat("Reading ", name, " left ",
                           p.empty() ? "the object" : p.ToString(),
                           " unknown; the stored value was kept. This is a "
                           "bug in the provider; please report it."));
        }
        DynamicValue encoded =
            EncodeDynamic(state, e->type, "a refreshed state", diags);
        if (!encoded.msgpack.empty()) resp.new_state = std::move(encoded);
        resp.private_state = std::move(rresp.private_state);
      });
}

ReadDataSourceResponse ProviderServer::ReadDataSource(
    const ReadDataSourceRequest& req) const {
  return RunRpc<ReadDataSourceResponse>(
      "ReadDataSource", req.type_name, [&](ReadDataSourceResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        const DataSourceEntry* e = impl_->FindDataSource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string name = absl::StrCat("data.", req.type_name);
        std::optional<tf::Value> config =
            DecodeDynamic(req.config, e->type,
                          absl::StrCat("the configuration of ", name), diags);
        if (!config) return;
        std::shared_ptr<const ProviderData> data =
            impl_->ProviderDataSnapshot();
        if (data == nullptr) {
          AddNotConfigured(name, diags);
          return;
        }
        if (impl_->stopped.load()) {
          diags.AddError("Operation cancelled",
                         absl::StrCat("Terraform asked the provider to stop "
                                      "before ",
                                      name, " was read."));
          return;
        }
        ReadDataRequest rreq;
        rreq.ctx = impl_->MakeContext(
            TimeoutFor(*config, Operation::kRead, DefaultTimeouts{}),
            data.get());
        rreq.config = *config;
        ReadDataResponse rresp;
        // As in the framework: start from the configuration, so a data
        // source only fills in its computed attributes.
        rresp.state = *config;
        GuardResourceCall(absl::StrCat("Reading ", name), diags,
                          [&] { e->data_source->Read(rreq, rresp); });
        diags.Append(rresp.diagnostics);
        if (diags.HasError()) return;
        if (rresp.state.IsNull()) {
          diags.AddError("Provider produced null object",
                         absl::StrCat("Reading ", name,
                                      " returned no value. "
                                      "This is a bug in the provider; please "
                                      "report it."));
          return;
        }
        tf::Value state = NormalizeBlockValue(e->schema.block, rresp.state);
        std::vector<tf::AttributePath> unknown;
        state = ReplaceUnknowns(state, nullptr, &unknown);
        for (const tf::AttributePath& p : unknown) {
          diags.AddAttributeError(
              p, "Provider returned invalid result",
              absl::StrCat("Reading ", name, " left ",
                           p.empty() ? "the object" : p.ToString(),
                           " unknown. This is a bug in the provider; please "
                           "report it."));
        }
        resp.state =
            EncodeDynamic(state, e->type, "a data source result", diags);
      });
}

}  // namespace secureaml::core
