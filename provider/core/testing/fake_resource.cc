#include "provider/core/testing/fake_resource.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "provider/core/object_checks.h"

namespace secureaml::core::testing {

tf::Value FillUnknowns(const tf::Value& v) {
  using Kind = tf::Type::Kind;
  if (v.IsUnknown()) {
    switch (v.type().kind()) {
      case Kind::kString:
        return tf::Value::String("computed");
      case Kind::kNumber:
        return tf::Value::Int(42);
      case Kind::kBool:
        return tf::Value::Bool(true);
      default:
        return tf::Value::Null(v.type());
    }
  }
  if (!v.IsKnown() || v.IsWhollyKnown()) return v;
  switch (v.type().kind()) {
    case Kind::kObject:
    case Kind::kMap: {
      std::map<std::string, tf::Value> entries;
      for (const auto& [k, e] : v.Entries())
        entries.emplace(k, FillUnknowns(e));
      return WithEntries(v, std::move(entries));
    }
    case Kind::kList:
    case Kind::kSet:
    case Kind::kTuple: {
      std::vector<tf::Value> elements;
      for (const tf::Value& e : v.Elements())
        elements.push_back(FillUnknowns(e));
      return WithElements(v, std::move(elements));
    }
    default:
      return v;
  }
}

void FakeResource::Create(const CreateRequest& req,
                          CreateResponse& resp) const {
  if (create) return create(req, resp);
  resp.new_state = FillUnknowns(req.planned_state);
}

void FakeResource::Read(const ReadRequest& req, ReadResponse& resp) const {
  if (read) read(req, resp);
}

void FakeResource::Update(const UpdateRequest& req,
                          UpdateResponse& resp) const {
  if (update) return update(req, resp);
  resp.new_state = FillUnknowns(req.planned_state);
}

void FakeResource::Delete(const DeleteRequest& req,
                          DeleteResponse& resp) const {
  if (del) del(req, resp);
}

void FakeResource::ValidateConfig(const ValidateConfigRequest& req,
                                  ValidateConfigResponse& resp) const {
  if (validate) validate(req, resp);
}

void FakeResource::ModifyPlan(const ModifyPlanRequest& req,
                              ModifyPlanResponse& resp) const {
  if (modify_plan) modify_plan(req, resp);
}

void FakeResource::ImportState(const ImportRequest& req,
                               ImportResponse& resp) const {
  if (import) return import(req, resp);
  Resource::ImportState(req, resp);
}

void FakeResource::UpgradeState(const UpgradeStateRequest& req,
                                UpgradeStateResponse& resp) const {
  if (upgrade) return upgrade(req, resp);
  Resource::UpgradeState(req, resp);
}

void FakeDataSource::ValidateConfig(const ValidateConfigRequest& req,
                                    ValidateConfigResponse& resp) const {
  if (validate) validate(req, resp);
}

void FakeDataSource::Read(const ReadDataRequest& req,
                          ReadDataResponse& resp) const {
  if (read) return read(req, resp);
  resp.state = FillUnknowns(req.config);
}

void FakeProvider::AddResource(const FakeResource& r) {
  resources.push_back([r] { return std::make_unique<FakeResource>(r); });
}

void FakeProvider::AddDataSource(const FakeDataSource& d) {
  data_sources.push_back([d] { return std::make_unique<FakeDataSource>(d); });
}

void FakeProvider::ValidateConfig(const ValidateConfigRequest& req,
                                  ValidateConfigResponse& resp) const {
  if (validate) validate(req, resp);
}

void FakeProvider::Configure(const ConfigureRequest& req,
                             ConfigureResponse& resp) const {
  if (configure) return configure(req, resp);
  resp.provider_data = std::make_shared<FakeProviderData>();
}

std::vector<std::unique_ptr<Resource>> FakeProvider::Resources() const {
  std::vector<std::unique_ptr<Resource>> out;
  for (const auto& f : resources) out.push_back(f());
  return out;
}

std::vector<std::unique_ptr<DataSource>> FakeProvider::DataSources() const {
  std::vector<std::unique_ptr<DataSource>> out;
  for (const auto& f : data_sources) out.push_back(f());
  return out;
}

}  // namespace secureaml::core::testing
