// secureaml-docgen: writes or checks the generated Registry docs.
//
//   secureaml-docgen --examples examples --out docs          # regenerate
//   secureaml-docgen --examples examples --out docs --check  # CI: fail on
//   drift
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "provider/docgen/docgen.h"
#include "resources/provider.h"

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path examples = "examples";
  std::filesystem::path out = "docs";
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--examples" && i + 1 < argc) {
      examples = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else {
      std::cerr << "usage: secureaml-docgen [--examples DIR] [--out DIR] "
                   "[--check]\n";
      return 2;
    }
  }
  auto provider = secureaml::resources::NewProvider();
  auto docs = secureaml::docgen::RenderDocs(
      *provider,
      [&](const std::string& rel) { return ReadFile(examples / rel); });

  int drift = 0;
  std::set<std::filesystem::path> expected;
  for (const auto& [rel, content] : docs) {
    std::filesystem::path path = out / rel;
    expected.insert(path);
    if (check) {
      if (ReadFile(path) != content) {
        std::cerr << "docs drift: " << path.string()
                  << " differs from the schema; run scripts/gen-docs.sh and "
                     "commit the result\n";
        ++drift;
      }
      continue;
    }
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  // Pages of removed resources must go too.
  for (const char* sub : {"resources", "data-sources"}) {
    std::filesystem::path dir = out / sub;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (expected.count(entry.path()) != 0) continue;
      if (check) {
        std::cerr << "docs drift: " << entry.path().string()
                  << " documents nothing the provider has\n";
        ++drift;
      } else {
        std::filesystem::remove(entry.path());
      }
    }
  }
  if (check) {
    std::cout << "docgen: " << docs.size() << " pages checked, " << drift
              << " differ\n";
    return drift == 0 ? 0 : 1;
  }
  std::cout << "docgen: wrote " << docs.size() << " pages to " << out.string()
            << "\n";
  return 0;
}
