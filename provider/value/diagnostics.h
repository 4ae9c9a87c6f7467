// File: diagnostics.h
//
// Terraform diagnostics: every user-facing problem travels as one of these,
// never as a gRPC error. Attribute diagnostics make Terraform point at the
// offending expression in the user's configuration.
//
//   Diagnostics diags;
//   diags.AddAttributeError(AttributePath::Root("subnet_id"),
//                           "Invalid subnet ID",
//                           "Expected /subscriptions/.../subnets/NAME.");
//   if (diags.HasError()) return;
#ifndef SECUREAML_PROVIDER_VALUE_DIAGNOSTICS_H_
#define SECUREAML_PROVIDER_VALUE_DIAGNOSTICS_H_

#include <optional>
#include <string>
#include <vector>

#include "provider/value/attribute_path.h"

namespace secureaml::tf {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string summary;
  std::string detail;
  std::optional<AttributePath> attribute;
};

class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail = "");
  void AddWarning(std::string summary, std::string detail = "");
  void AddAttributeError(AttributePath path, std::string summary,
                         std::string detail = "");
  void AddAttributeWarning(AttributePath path, std::string summary,
                           std::string detail = "");
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Append(const Diagnostics& other);

  bool HasError() const;
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>::const_iterator begin() const {
    return items_.begin();
  }
  std::vector<Diagnostic>::const_iterator end() const { return items_.end(); }

  // One line per diagnostic, for logs and test failure messages.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_DIAGNOSTICS_H_
