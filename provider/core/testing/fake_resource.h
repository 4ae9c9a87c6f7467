// File: fake_resource.h
//
// Declarative fakes for tests (terraform-plugin-framework's testprovider
// style): behaviour is given as std::function members, so each test builds
// the resource it needs inline instead of writing a mock class.
//
//   FakeResource r;
//   r.schema = MySchema();
//   r.create = [](const CreateRequest& req, CreateResponse& resp) {
//     resp.new_state = FillUnknowns(req.planned_state);
//   };
//   FakeProvider p;
//   p.AddResource(r);
//   ProviderServer server(std::make_unique<FakeProvider>(p));
#ifndef SECUREAML_PROVIDER_CORE_TESTING_FAKE_RESOURCE_H_
#define SECUREAML_PROVIDER_CORE_TESTING_FAKE_RESOURCE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core::testing {

// Replaces every unknown with a deterministic placeholder: strings become
// "computed", numbers 42, bools true; other types null.
tf::Value FillUnknowns(const tf::Value& value);

class FakeProviderData : public ProviderData {
 public:
  std::string label = "fake";
};

class FakeResource : public Resource {
 public:
  std::string type_name = "fake_thing";
  tf::Schema schema;
  DefaultTimeouts timeouts;

  // Unset members fall back to: Create/Update return FillUnknowns(planned),
  // Read keeps the state, Delete succeeds, the rest use Resource's defaults.
  std::function<void(const CreateRequest&, CreateResponse&)> create;
  std::function<void(const ReadRequest&, ReadResponse&)> read;
  std::function<void(const UpdateRequest&, UpdateResponse&)> update;
  std::function<void(const DeleteRequest&, DeleteResponse&)> del;
  std::function<void(const ModifyPlanRequest&, ModifyPlanResponse&)>
      modify_plan;
  std::function<void(const ImportRequest&, ImportResponse&)> import;
  std::function<void(const UpgradeStateRequest&, UpgradeStateResponse&)>
      upgrade;
  std::function<void(const ValidateConfigRequest&, ValidateConfigResponse&)>
      validate;

  std::string TypeName() const override { return type_name; }
  const tf::Schema& GetSchema() const override { return schema; }
  void Create(const CreateRequest& req, CreateResponse& resp) const override;
  void Read(const ReadRequest& req, ReadResponse& resp) const override;
  void Update(const UpdateRequest& req, UpdateResponse& resp) const override;
  void Delete(const DeleteRequest& req, DeleteResponse& resp) const override;
  void ValidateConfig(const ValidateConfigRequest& req,
                      ValidateConfigResponse& resp) const override;
  void ModifyPlan(const ModifyPlanRequest& req,
                  ModifyPlanResponse& resp) const override;
  void ImportState(const ImportRequest& req,
                   ImportResponse& resp) const override;
  void UpgradeState(const UpgradeStateRequest& req,
                    UpgradeStateResponse& resp) const override;
  DefaultTimeouts Timeouts() const override { return timeouts; }
};

class FakeDataSource : public DataSource {
 public:
  std::string type_name = "fake_lookup";
  tf::Schema schema;
  // Unset: the state is the config with unknowns/computed nulls filled.
  std::function<void(const ReadDataRequest&, ReadDataResponse&)> read;
  std::function<void(const ValidateConfigRequest&, ValidateConfigResponse&)>
      validate;

  std::string TypeName() const override { return type_name; }
  const tf::Schema& GetSchema() const override { return schema; }
  void ValidateConfig(const ValidateConfigRequest& req,
                      ValidateConfigResponse& resp) const override;
  void Read(const ReadDataRequest& req, ReadDataResponse& resp) const override;
};

class FakeProvider : public Provider {
 public:
  std::string type_name = "fake";
  std::string version = "0.0.1";
  tf::Schema schema;
  // Factories, called once by the ProviderServer.
  std::vector<std::function<std::unique_ptr<Resource>()>> resources;
  std::vector<std::function<std::unique_ptr<DataSource>()>> data_sources;
  // Unset: succeeds with a FakeProviderData.
  std::function<void(const ConfigureRequest&, ConfigureResponse&)> configure;
  std::function<void(const ValidateConfigRequest&, ValidateConfigResponse&)>
      validate;

  void AddResource(const FakeResource& r);
  void AddDataSource(const FakeDataSource& d);

  std::string TypeName() const override { return type_name; }
  std::string Version() const override { return version; }
  const tf::Schema& GetSchema() const override { return schema; }
  void ValidateConfig(const ValidateConfigRequest& req,
                      ValidateConfigResponse& resp) const override;
  void Configure(const ConfigureRequest& req,
                 ConfigureResponse& resp) const override;
  std::vector<std::unique_ptr<Resource>> Resources() const override;
  std::vector<std::unique_ptr<DataSource>> DataSources() const override;
};

}  // namespace secureaml::core::testing

#endif  // SECUREAML_PROVIDER_CORE_TESTING_FAKE_RESOURCE_H_
