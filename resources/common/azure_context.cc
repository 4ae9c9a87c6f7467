#include "resources/common/azure_context.h"

#include "absl/strings/str_cat.h"
#include "provider/azure/arm_error.h"

namespace secureaml::resources {

const AzureProviderData* RequireAzure(const core::OperationContext& ctx,
                                      tf::Diagnostics& diagnostics) {
  const auto* data = dynamic_cast<const AzureProviderData*>(ctx.provider_data);
  if (data == nullptr || data->arm == nullptr) {
    diagnostics.AddError(
        "Provider not configured",
        "The secureaml provider has no Azure credentials for this operation. "
        "Configure the provider block (or the ARM_* environment variables) "
        "with a subscription and a way to authenticate; see the provider "
        "documentation's Authentication section.");
    return nullptr;
  }
  return data;
}

azure::RequestOptions RequestOptionsFor(const core::OperationContext& ctx) {
  azure::RequestOptions options;
  options.deadline = ctx.deadline;
  options.cancel = ctx.cancel;
  options.correlation_id = ctx.correlation_id;
  return options;
}

absl::StatusOr<nlohmann::json> BodyAfterWrite(const AzureProviderData& az,
                                              const core::OperationContext& ctx,
                                              const std::string& id,
                                              std::string_view api_version,
                                              nlohmann::json write_body) {
  if (write_body.is_object() && write_body.contains("properties")) {
    return write_body;
  }
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.retry_rules.push_back(azure::RetryNotFoundAfterCreate());
  absl::StatusOr<azure::ArmResponse> r =
      az.arm->Get(id, std::string(api_version), opts);
  if (!r.ok()) return r.status();
  return std::move(r->body);
}

std::optional<nlohmann::json> ReadById(const core::ReadRequest& req,
                                       core::ReadResponse& resp,
                                       std::string_view api_version,
                                       std::string_view noun) {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return std::nullopt;
  const tf::Value& state = req.current_state;
  std::optional<std::string> id = state.GetString("id");
  if (!id) {
    resp.diagnostics.AddError(
        "Missing ID",
        absl::StrCat("The ", std::string(noun), "'s state has no `id`."));
    return std::nullopt;
  }
  absl::StatusOr<azure::ArmResponse> r = az->arm->Get(
      *id, absl::string_view(api_version.data(), api_version.size()),
      RequestOptionsFor(req.ctx));
  if (absl::IsNotFound(r.status())) {
    resp.new_state = tf::Value::Null(state.type());
    return std::nullopt;
  }
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(),
                  absl::StrCat("Failed to read ", std::string(noun)), *id);
    return std::nullopt;
  }
  return std::move(r->body);
}

bool WriteMayHaveLanded(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
      return true;
    default:
      // ARM refused the write (4xx): nothing was created.
      return false;
  }
}

std::string HintFor(const absl::Status& status) {
  std::optional<azure::ArmError> arm = azure::GetArmError(status);
  std::string code = arm ? arm->code : "";
  if (status.code() == absl::StatusCode::kDeadlineExceeded) {
    return "The operation did not finish within its timeout. Azure may still "
           "complete it: run `terraform apply` again, or raise the value in "
           "this resource's `timeouts` block.";
  }
  if (status.code() == absl::StatusCode::kCancelled) {
    return "Terraform stopped the operation (Ctrl-C). Run `terraform apply` "
           "again to finish it.";
  }
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    return "Azure rejected the credentials. Check the provider's "
           "authentication settings (ARM_CLIENT_ID, ARM_TENANT_ID, ...).";
  }
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    return "The identity Terraform runs as lacks a permission for this "
           "action. Grant it a role that includes the action named above.";
  }
  if (code == "QuotaExceeded" || code == "OperationNotAllowed") {
    return "Request a quota increase for this subscription and region, or "
           "choose a smaller size.";
  }
  if (code == "SubnetIsFull" || code == "InsufficientSubnetSize") {
    return "The subnet has no free addresses. Use a larger subnet or remove "
           "unused resources from it.";
  }
  if (code == "ResourceGroupNotFound") {
    return "Create the resource group first, or fix `resource_group_name`.";
  }
  if (code == "AnotherOperationInProgress" ||
      code == "RetryableErrorDueToAnotherOperation") {
    return "Another operation on this resource was still running. Run "
           "`terraform apply` again once it finishes.";
  }
  return "";
}

void AddAzureError(tf::Diagnostics& diagnostics, const absl::Status& status,
                   std::string_view summary, std::string_view resource_id,
                   std::optional<tf::AttributePath> attribute) {
  std::string detail = absl::StrCat("Resource: ", std::string(resource_id),
                                    "\n", status.message());
  std::string hint = HintFor(status);
  if (!hint.empty()) absl::StrAppend(&detail, "\n\n", hint);
  if (attribute) {
    diagnostics.AddAttributeError(*attribute, std::string(summary), detail);
  } else {
    diagnostics.AddError(std::string(summary), detail);
  }
}

}  // namespace secureaml::resources
