// File: uuid.h
//
// Random (version 4) UUIDs for x-ms-client-request-id, correlation IDs and
// JWT `jti` claims.
#ifndef SECUREAML_PROVIDER_AZURE_UUID_H_
#define SECUREAML_PROVIDER_AZURE_UUID_H_

#include <string>

namespace secureaml::azure {

// Thread-safe; seeded from std::random_device once per process.
std::string NewUuid();

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_UUID_H_
