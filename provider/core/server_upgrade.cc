// UpgradeResourceState: called on every read of stored state, even at the
// same version. Stored JSON may come from another provider version, so
// decoding is lenient (unknown keys dropped, missing ones null).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/core/object_checks.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/value/codec.h"

namespace secureaml::core {

UpgradeResourceStateResponse ProviderServer::UpgradeResourceState(
    const UpgradeResourceStateRequest& req) const {
  return RunRpc<UpgradeResourceStateResponse>(
      "UpgradeResourceState", req.type_name,
      [&](UpgradeResourceStateResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        const ResourceEntry* e = impl_->FindResource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string& name = req.type_name;
        const int64_t current = e->schema.version;

        if (req.raw_state_json.empty()) {
          if (!req.raw_state_flatmap.empty()) {
            diags.AddError(
                "Unsupported state format",
                absl::StrCat(
                    "The stored state of ", name,
                    " was written by Terraform 0.11 or earlier (flatmap "
                    "format), which this provider cannot read. Remove it "
                    "with \"terraform state rm\" and import the object "
                    "again."));
            return;
          }
          resp.upgraded_state =
              EncodeDynamic(tf::Value::Null(e->type), e->type, "", diags);
          return;
        }
        if (req.version > current) {
          diags.AddError(
              "Resource instance managed by newer provider version",
              absl::StrCat(
                  "The stored state of ", name, " has schema version ",
                  req.version,
                  ", but this provider version only knows "
                  "versions up to ",
                  current,
                  ". It was written by a newer release of the provider: "
                  "upgrade the provider (terraform init -upgrade) or restore "
                  "the state from before the newer provider was used."));
          return;
        }
        if (req.version < 0) {
          diags.AddError("Invalid stored state",
                         absl::StrCat("The stored state of ", name,
                                      " has a negative schema version (",
                                      req.version, ")."));
          return;
        }

        // At the current version the JSON goes straight to the decoder,
        // which keeps numbers exactly as stored; only older versions go
        // through nlohmann for the resource's upgrader.
        std::string json = req.raw_state_json;
        if (req.version < current) {
          nlohmann::json stored = nlohmann::json::parse(
              req.raw_state_json, nullptr, /*allow_exceptions=*/false);
          if (stored.is_discarded() || !stored.is_object()) {
            diags.AddError(
                "Invalid stored state",
                absl::StrCat("The stored state of ", name,
                             " is not a JSON object, so it cannot be "
                             "upgraded. Remove it with \"terraform state rm\" "
                             "and import the object again."));
            return;
          }
          UpgradeStateRequest ureq;
          ureq.from_version = req.version;
          ureq.state = std::move(stored);
          UpgradeStateResponse uresp;
          GuardResourceCall(
              absl::StrCat("Upgrading the state of ", name), diags, [&] {
                e->resource->UpgradeState(ureq, uresp);
                json = uresp.state.dump(
                    -1, ' ', false, nlohmann::json::error_handler_t::replace);
              });
          diags.Append(uresp.diagnostics);
          if (diags.HasError()) return;
        }

        tf::JsonDecodeOptions options;
        options.lenient_objects = true;
        absl::StatusOr<tf::Value> value =
            tf::DecodeJson(json, e->type, options);
        if (!value.ok()) {
          std::optional<tf::AttributePath> path =
              tf::GetDecodeErrorPath(value.status());
          std::string detail = absl::StrCat(
              "The stored state of ", name,
              path && !path->empty() ? absl::StrCat(" at ", path->ToString())
                                     : "",
              " could not be read: ", value.status().message(),
              ". If the state was edited by hand, restore a backup; otherwise "
              "this is a bug in the provider.");
          if (path && !path->empty()) {
            diags.AddAttributeError(*path, "Invalid stored state",
                                    std::move(detail));
          } else {
            diags.AddError("Invalid stored state", std::move(detail));
          }
          return;
        }
        // Keys missing from old state decode as null; nested blocks must be
        // empty collections instead.
        tf::Value state = NormalizeBlockValue(e->schema.block, *value);
        resp.upgraded_state =
            EncodeDynamic(state, e->type, "an upgraded state", diags);
      });
}

}  // namespace secureaml::core
