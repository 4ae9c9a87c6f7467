// Resources the provider only reads to validate references: storage
// accounts, key vaults and keys, container registries, Application Insights
// components, AKS managed clusters and user-assigned identities. They come
// from the landing-zone seed or the admin API; ARM writes are refused.
#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

class ReadOnlyType : public ResourceType {
 public:
  ReadOnlyType(std::string type, std::vector<std::string> versions)
      : type_(std::move(type)), versions_(std::move(versions)) {}
  std::string Type() const override { return type_; }
  std::vector<std::string> ApiVersions() const override { return versions_; }
  bool ReadOnly() const override { return true; }

  HttpResponse Refuse() {
    return ArmService::Error(
        405, "MethodNotAllowed",
        absl::StrCat(
            "The emulator serves '", type_,
            "' read-only. Seed it with --landing-zone or the admin API "
            "(PUT /_emulator/resources?id=...)."));
  }
  HttpResponse Put(ArmService& s, RequestContext& c) override {
    return Refuse();
  }
  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    return Refuse();
  }
  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    return Refuse();
  }

 private:
  std::string type_;
  std::vector<std::string> versions_;
};

}  // namespace

void RegisterReadOnlyTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  auto add = [&](const char* type, std::vector<std::string> versions) {
    types[ArmService::Lower(type)] =
        std::make_unique<ReadOnlyType>(type, std::move(versions));
  };
  add("Microsoft.Storage/storageAccounts",
      {"2025-01-01", "2024-01-01", "2023-05-01", "2023-01-01", "2022-09-01"});
  add("Microsoft.KeyVault/vaults",
      {"2024-11-01", "2023-07-01", "2023-02-01", "2022-07-01"});
  add("Microsoft.KeyVault/vaults/keys",
      {"2024-11-01", "2023-07-01", "2023-02-01", "2022-07-01"});
  add("Microsoft.ContainerRegistry/registries",
      {"2025-04-01", "2023-07-01", "2023-01-01-preview", "2022-12-01",
       "2021-09-01"});
  add("Microsoft.Insights/components", {"2020-02-02", "2015-05-01"});
  add("Microsoft.ContainerService/managedClusters",
      {"2025-05-01", "2024-09-01", "2024-05-01", "2024-02-01", "2023-08-01"});
  add("Microsoft.ManagedIdentity/userAssignedIdentities",
      {"2024-11-30", "2023-01-31", "2018-11-30"});
}

}  // namespace secureaml::emulator
