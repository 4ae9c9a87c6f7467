#include "provider/core/resource.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace secureaml::core {

void Resource::ImportState(const ImportRequest& req,
                           ImportResponse& resp) const {
  const tf::Schema& schema = GetSchema();
  const tf::Attribute* id = schema.block.FindAttribute("id");
  if (id == nullptr || id->type != tf::Type::String()) {
    // Without a string `id` there is nothing generic to seed Read with.
    resp.diagnostics.AddError(
        "Import is not supported",
        absl::StrCat("The resource type ", TypeName(),
                     " cannot be imported: it has no string \"id\" "
                     "attribute. Create it with Terraform instead."));
    return;
  }
  // The core fills every other attribute (and nested block) afterwards.
  resp.state = tf::Value::Object(schema.ImpliedType(),
                                 {{"id", tf::Value::String(req.id)}});
}

void Resource::UpgradeState(const UpgradeStateRequest& req,
                            UpgradeStateResponse& resp) const {
  // Pass-through: the core's lenient decoding drops removed attributes and
  // fills added ones with null, which is all most schema bumps need.
  resp.state = req.state;
}

}  // namespace secureaml::core
