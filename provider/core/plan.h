// File: plan.h
//
// The generic planner, in terraform-plugin-framework's order
// (fwserver/server_planresourcechange.go):
//   1. schema defaults where the configuration is null;
//   2. no-op detection: when nothing differs from the prior state the plan is
//      the prior state, so re-planning an unchanged resource shows no diff;
//   3. computed attributes that are null in the configuration become unknown
//      ("known after apply"), except use_state_for_unknown ones on update;
//   4. requires_replace paths from the schema, sorted and deduplicated; a
//      replacement makes every config-null computed attribute unknown;
// and CheckPlanValid, which holds the final plan (after the resource's
// ModifyPlan) to Terraform's AssertPlanValid rules.
//
// Pure functions of their inputs: planning is deterministic, which Terraform
// requires when it re-plans during apply.
//
//   GenericPlan p = PlanGeneric(schema.block, prior, proposed, config);
#ifndef SECUREAML_PROVIDER_CORE_PLAN_H_
#define SECUREAML_PROVIDER_CORE_PLAN_H_

#include <vector>

#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core {

struct GenericPlan {
  tf::Value planned;
  std::vector<tf::AttributePath> requires_replace;  // sorted, unique
  bool no_op = false;    // planned == prior (ignoring `timeouts`)
  bool replace = false;  // requires_replace is not empty
};

// `prior` is null on create; `proposed` must be non-null (destroy plans are
// handled by the server).
GenericPlan PlanGeneric(const tf::Block& block, const tf::Value& prior,
                        const tf::Value& proposed, const tf::Value& config);

// For a replacement decided by the resource's ModifyPlan: computed,
// config-null attributes still holding their prior value become unknown (a
// new object gets new values); values ModifyPlan set itself are kept.
tf::Value MarkCarriedOverForReplace(const tf::Block& block,
                                    const tf::Value& planned,
                                    const tf::Value& config,
                                    const tf::Value& prior);

// Sorts and deduplicates, as the framework's NormaliseRequiresReplace.
std::vector<tf::AttributePath> NormalizePaths(
    std::vector<tf::AttributePath> paths);

// True when the value at `path` differs between prior and planned (a path
// missing on one side reads as null; unknown always differs), which is the
// filter Terraform applies to requires_replace.
bool PathChanged(const tf::Value& prior, const tf::Value& planned,
                 const tf::AttributePath& path);

// True when `path` addresses something in `value` (possibly null).
bool PathExists(const tf::Value& value, const tf::AttributePath& path);

// Object equality ignoring the `timeouts` attribute: a change of timeouts
// alone must not make computed attributes unknown or call the API.
bool SameExceptTimeouts(const tf::Value& a, const tf::Value& b);

// Terraform's AssertPlanValid for the parts the provider controls; each
// violation becomes an error diagnostic that blames the provider.
void CheckPlanValid(const tf::Block& block, const tf::Value& prior,
                    const tf::Value& config, const tf::Value& planned,
                    tf::Diagnostics& diagnostics);

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_PLAN_H_
