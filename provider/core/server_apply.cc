// ApplyResourceChange: dispatch to Create/Update/Delete with the operation's
// deadline and cancellation, then hold the result to Terraform's apply rules
// (wholly known, consistent with the plan) while never dropping an object
// Azure already created.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "provider/core/object_checks.h"
#include "provider/core/plan.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/core/timeouts.h"

namespace secureaml::core {
namespace {

// Encodes an applied state. A state that does not match the schema would be
// lost entirely, so fall back to a state holding only the `id` (Terraform
// then refreshes it) or, for updates, to the prior state.
DynamicValue EncodeApplied(const ResourceEntry& e, const tf::Value& state,
                           const tf::Value& fallback, tf::Diagnostics& diags) {
  DynamicValue out =
      EncodeDynamic(state, e.type, "a new state after apply", diags);
  if (!out.msgpack.empty()) return out;
  tf::Diagnostics ignored;
  if (!fallback.IsNull()) {
    return EncodeDynamic(fallback, e.type, "the prior state", ignored);
  }
  const tf::Value& id = AttrOrNull(state, "id");
  if (id.IsKnown() && id.type() == tf::Type::String()) {
    tf::Value minimal = NormalizeBlockValue(
        e.schema.block, tf::Value::Object(e.type, {{"id", id}}));
    return EncodeDynamic(minimal, e.type, "a minimal state", ignored);
  }
  return out;
}

// Post-apply checks for Create and Update results.
tf::Value CheckApplied(const ResourceEntry& e, const std::string& name,
                       const tf::Value& planned, const tf::Value& prior,
                       tf::Value state, bool resource_failed,
                       tf::Diagnostics& diags) {
  state = NormalizeBlockValue(e.schema.block, state);
  if (e.has_timeouts) state = CopyTimeouts(planned, state);

  if (!resource_failed) {
    for (const Inconsistency& bad : CheckCompatible(planned, state)) {
      if (bad.problem == "was known, but now unknown") continue;  // below
      diags.AddAttributeError(
          bad.path, "Provider produced inconsistent result after apply",
          absl::StrCat("When applying changes to ", name, ", ",
                       bad.path.empty() ? "the object" : bad.path.ToString(),
                       " ", bad.problem,
                       ". The new state was saved so the object stays "
                       "tracked. This is a bug in the provider; please "
                       "report it."));
    }
  }

  std::vector<tf::AttributePath> unknown;
  // After a failed update the prior value is the best guess of what is
  // real; after a successful apply an unknown is a provider bug.
  state = ReplaceUnknowns(state, resource_failed ? &prior : nullptr, &unknown);
  if (!resource_failed) {
    for (const tf::AttributePath& p : unknown) {
      diags.AddAttributeError(
          p, "Provider returned invalid result object after apply",
          absl::StrCat("After applying changes to ", name,
                       ", the provider "
                       "left ",
                       p.empty() ? "the object" : p.ToString(),
                       " unknown; it was saved as null. This is a bug in the "
                       "provider; please report it."));
    }
  }
  return state;
}

}  // namespace

ApplyResourceChangeResponse ProviderServer::ApplyResourceChange(
    const ApplyResourceChangeRequest& req) const {
  return RunRpc<ApplyResourceChangeResponse>(
      "ApplyResourceChange", req.type_name,
      [&](ApplyResourceChangeResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        const ResourceEntry* e = impl_->FindResource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string& name = req.type_name;
        std::optional<tf::Value> prior =
            DecodeDynamic(req.prior_state, e->type,
                          absl::StrCat("the prior state of ", name), diags);
        std::optional<tf::Value> planned =
            DecodeDynamic(req.planned_state, e->type,
                          absl::StrCat("the planned state of ", name), diags);
        std::optional<tf::Value> config =
            DecodeDynamic(req.config, e->type,
                          absl::StrCat("the configuration of ", name), diags);
        if (!prior || !planned || !config) {
          // Keep whatever was there: a failed apply must not forget it.
          resp.new_state = req.prior_state;
          resp.private_state = req.planned_private;
          return;
        }
        const Resource& resource = *e->resource;
        const tf::Value null_state = tf::Value::Null(e->type);
        auto keep_prior = [&] {
          resp.new_state =
              EncodeDynamic(*prior, e->type, "the prior state", diags);
          resp.private_state = req.planned_private;
        };

        std::shared_ptr<const ProviderData> data =
            impl_->ProviderDataSnapshot();
        if (data == nullptr) {
          AddNotConfigured(name, diags);
          keep_prior();
          return;
        }
        if (impl_->stopped.load()) {
          diags.AddError("Operation cancelled",
                         absl::StrCat("Terraform asked the provider to stop, "
                                      "so ",
                                      name, " was not changed."));
          keep_prior();
          return;
        }

        // ---- Delete ----
        if (planned->IsNull()) {
          if (prior->IsNull()) {
            resp.new_state = EncodeDynamic(null_state, e->type, "", diags);
            return;
          }
          DeleteRequest dreq;
          dreq.ctx = impl_->MakeContext(
              TimeoutFor(*prior, Operation::kDelete, resource.Timeouts()),
              data.get());
          dreq.prior_state = *prior;
          dreq.prior_private = req.planned_private;
          DeleteResponse dresp;
          GuardResourceCall(absl::StrCat("Deleting ", name), diags,
                            [&] { resource.Delete(dreq, dresp); });
          diags.Append(dresp.diagnostics);
          if (diags.HasError()) {
            keep_prior();  // still exists as far as we know
          } else {
            resp.new_state =
                EncodeDynamic(null_state, e->type, "a deleted state", diags);
          }
          return;
        }

        // ---- Create ----
        if (prior->IsNull()) {
          CreateRequest creq;
          creq.ctx = impl_->MakeContext(
              TimeoutFor(*planned, Operation::kCreate, resource.Timeouts()),
              data.get());
          creq.config = *config;
          creq.planned_state = *planned;
          creq.planned_private = req.planned_private;
          CreateResponse cresp;
          cresp.new_state = null_state;
          GuardResourceCall(absl::StrCat("Creating ", name), diags,
                            [&] { resource.Create(creq, cresp); });
          diags.Append(cresp.diagnostics);
          const bool failed = diags.HasError();
          resp.private_state = std::move(cresp.private_state);
          if (cresp.new_state.IsNull()) {
            if (!failed) {
              diags.AddError(
                  "Provider returned invalid result object after apply",
                  absl::StrCat("Creating ", name,
                               " reported success but "
                               "returned no state. This is a bug in the "
                               "provider; please report it."));
            }
            resp.new_state =
                EncodeDynamic(null_state, e->type, "an empty state", diags);
            return;
          }
          // Partial state on failure: Terraform records it as tainted
          // instead of orphaning what was created.
          tf::Value state = CheckApplied(*e, name, *planned, null_state,
                                         cresp.new_state, failed, diags);
          resp.new_state = EncodeApplied(*e, state, null_state, diags);
          return;
        }

        // ---- Update ----
        if (SameExceptTimeouts(*prior, *planned)) {
          // Only `timeouts` changed: nothing to send to Azure.
          resp.new_state =
              EncodeDynamic(*planned, e->type, "a new state", diags);
          resp.private_state = req.planned_private;
          return;
        }
        UpdateRequest ureq;
        ureq.ctx = impl_->MakeContext(
            TimeoutFor(*planned, Operation::kUpdate, resource.Timeouts()),
            data.get());
        ureq.config = *config;
        ureq.prior_state = *prior;
        ureq.planned_state = *planned;
        ureq.planned_private = req.planned_private;
        UpdateResponse uresp;
        uresp.new_state = *planned;
        uresp.private_state = req.planned_private;
        GuardResourceCall(absl::StrCat("Updating ", name), diags,
                          [&] { resource.Update(ureq, uresp); });
        diags.Append(uresp.diagnostics);
        const bool failed = diags.HasError();
        resp.private_state = std::move(uresp.private_state);
        if (uresp.new_state.IsNull()) {
          if (!failed) {
            diags.AddError(
                "Provider returned invalid result object after apply",
                absl::StrCat("Updating ", name,
                             " returned no state. The "
                             "prior state was kept. This is a bug in the "
                             "provider; please report it."));
          }
          resp.new_state =
              EncodeDynamic(*prior, e->type, "the prior state", diags);
          return;
        }
        tf::Value state = CheckApplied(*e, name, *planned, *prior,
                                       uresp.new_state, failed, diags);
        resp.new_state = EncodeApplied(*e, state, *prior, diags);
      });
}

}  // namespace secureaml::core
