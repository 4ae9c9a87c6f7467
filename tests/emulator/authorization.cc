#include "tests/emulator/service.h"

namespace secureaml::emulator {

void RegisterAuthorizationTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {}

}  // namespace secureaml::emulator
