#include "resources/registry.h"

// Keep the includes and the lists below sorted by Terraform type name.

namespace secureaml::resources {

std::vector<std::unique_ptr<core::Resource>> AllResources() {
  std::vector<std::unique_ptr<core::Resource>> out;
  return out;
}

std::vector<std::unique_ptr<core::DataSource>> AllDataSources() {
  std::vector<std::unique_ptr<core::DataSource>> out;
  return out;
}

}  // namespace secureaml::resources
