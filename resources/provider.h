// File: provider.h
//
// The secureaml provider: its configuration block (authentication compatible
// with azurerm's, see provider/azure/README.md), and ConfigureProvider, which
// builds the Azure client every resource uses.
#ifndef SECUREAML_RESOURCES_PROVIDER_H_
#define SECUREAML_RESOURCES_PROVIDER_H_

#include <memory>

#include "provider/core/resource.h"

namespace secureaml::resources {

std::unique_ptr<core::Provider> NewProvider();

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_PROVIDER_H_
