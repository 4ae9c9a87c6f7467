// PlanResourceChange: destroy plans, the generic planner (plan.h), the
// resource's ModifyPlan, and a final AssertPlanValid-style check so that a
// provider bug is reported as one rather than as Terraform's terse
// "Provider produced invalid plan".
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "provider/core/object_checks.h"
#include "provider/core/plan.h"
#include "provider/core/provider_server.h"
#include "provider/core/server_internal.h"
#include "provider/value/codec.h"

namespace secureaml::core {

PlanResourceChangeResponse ProviderServer::PlanResourceChange(
    const PlanResourceChangeRequest& req) const {
  return RunRpc<PlanResourceChangeResponse>(
      "PlanResourceChange", req.type_name,
      [&](PlanResourceChangeResponse& resp) {
        tf::Diagnostics& diags = resp.diagnostics;
        const ResourceEntry* e = impl_->FindResource(req.type_name, diags);
        if (e == nullptr) return;
        const std::string& name = req.type_name;
        std::optional<tf::Value> prior =
            DecodeDynamic(req.prior_state, e->type,
                          absl::StrCat("the prior state of ", name), diags);
        std::optional<tf::Value> proposed = DecodeDynamic(
            req.proposed_new_state, e->type,
            absl::StrCat("the proposed new state of ", name), diags);
        std::optional<tf::Value> config =
            DecodeDynamic(req.config, e->type,
                          absl::StrCat("the configuration of ", name), diags);
        if (!prior || !proposed || !config) return;

        // Destroy (plan_destroy capability): the plan must be null, and the
        // private data travels on as Terraform would carry it itself.
        if (proposed->IsNull()) {
          resp.planned_state = EncodeDynamic(tf::Value::Null(e->type), e->type,
                                             "a destroy plan", diags);
          resp.planned_private = req.prior_private;
          return;
        }

        GenericPlan plan =
            PlanGeneric(e->schema.block, *prior, *proposed, *config);

        std::shared_ptr<const ProviderData> data =
            impl_->ProviderDataSnapshot();
        ModifyPlanRequest mreq;
        mreq.ctx = impl_->MakeContext(
            TimeoutFor(*config, Operation::kRead, e->resource->Timeouts()),
            data.get());
        mreq.config = *config;
        mreq.prior_state = *prior;
        mreq.prior_private = req.prior_private;
        ModifyPlanResponse mresp;
        mresp.planned_state = plan.planned;
        mresp.requires_replace = plan.requires_replace;
        mresp.planned_private = req.prior_private;
        GuardResourceCall(absl::StrCat("Planning ", name), diags,
                          [&] { e->resource->ModifyPlan(mreq, mresp); });
        diags.Append(mresp.diagnostics);

        tf::Value planned = std::move(mresp.planned_state);
        if (!planned.IsKnown()) {
          diags.AddError(
              "Provider produced invalid plan",
              absl::StrCat("The provider planned a ",
                           planned.IsNull() ? "null" : "wholly unknown",
                           " object for ", name,
                           ", which is not being destroyed. This is a bug in "
                           "the provider; please report it."));
          return;
        }
        planned = NormalizeBlockValue(e->schema.block, planned);
        // `timeouts` is configuration only: whatever was configured is the
        // plan, never a computed value.
        if (e->has_timeouts) planned = CopyTimeouts(*proposed, planned);

        std::vector<tf::AttributePath> replace;
        for (tf::AttributePath& p :
             NormalizePaths(std::move(mresp.requires_replace))) {
          if (!prior->IsNull() && !PathExists(*prior, p) &&
              !PathExists(planned, p)) {
            diags.AddError(
                "Provider produced invalid plan",
                absl::StrCat("The provider asked to replace ", name,
                             " because of ", p.ToString(),
                             ", which does not exist. This is a bug in the "
                             "provider; please report it."));
            continue;
          }
          replace.push_back(std::move(p));
        }

        // ModifyPlan turned an update into a replacement: what was carried
        // over from the old object will not survive it.
        if (!plan.replace && !prior->IsNull()) {
          for (const tf::AttributePath& p : replace) {
            if (PathChanged(*prior, planned, p)) {
              planned = MarkCarriedOverForReplace(e->schema.block, planned,
                                                  *config, *prior);
              break;
            }
          }
        }

        absl::Status conforms = tf::CheckConforms(planned, e->type);
        if (!conforms.ok()) {
          std::optional<tf::AttributePath> path =
              tf::GetDecodeErrorPath(conforms);
          std::string detail = absl::StrCat(
              "The provider planned a value for ", name,
              " that does not match its schema: ", conforms.message(),
              ". This is a bug in the provider; please report it.");
          if (path && !path->empty()) {
            diags.AddAttributeError(*path, "Provider produced invalid plan",
                                    std::move(detail));
          } else {
            diags.AddError("Provider produced invalid plan", std::move(detail));
          }
          return;
        }
        CheckPlanValid(e->schema.block, *prior, *config, planned, diags);

        resp.planned_state = EncodeDynamic(planned, e->type, "a plan", diags);
        resp.requires_replace = std::move(replace);
        resp.planned_private = std::move(mresp.planned_private);
      });
}

}  // namespace secureaml::core
