// Writes the protocol request fuzz target's seed corpus from the provider's
// current schemas. Regenerate the committed corpus after schema changes:
//
//   protocol_request_fuzz_seed_writer provider/protocol/fuzz_corpus
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "provider/protocol/request_fuzz.h"

int main(int argc, char** argv) {
  namespace fuzz = secureaml::protocol::fuzz;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  secureaml::core::ProviderServer& server = fuzz::FuzzServer();
  const auto seeds = fuzz::MakeSeeds(
      server.GetProviderSchema(),
      [&](const secureaml::core::PlanResourceChangeRequest& req) {
        return server.PlanResourceChange(req);
      });
  for (const fuzz::Seed& seed : seeds) {
    std::ofstream out(dir / seed.name, std::ios::binary | std::ios::trunc);
    out.write(seed.bytes.data(),
              static_cast<std::streamsize>(seed.bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", (dir / seed.name).c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}
