// File: registry.h
//
// The one list of the provider's resources and data sources. Adding a
// resource touches: resources/<name>.{h,cc}, resources/<name>_test.cc, one
// line in registry.cc, examples/resources/<type>/, and a regenerated docs/.
#ifndef SECUREAML_RESOURCES_REGISTRY_H_
#define SECUREAML_RESOURCES_REGISTRY_H_

#include <memory>
#include <vector>

#include "provider/core/resource.h"

namespace secureaml::resources {

std::vector<std::unique_ptr<core::Resource>> AllResources();
std::vector<std::unique_ptr<core::DataSource>> AllDataSources();

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_REGISTRY_H_
