#include "tests/emulator/service.h"

namespace secureaml::emulator {

json ArmService::SeedLandingZone() { return json::object(); }

}  // namespace secureaml::emulator
