#include "provider/value/diagnostics.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace secureaml::tf {

void Diagnostics::AddError(std::string summary, std::string detail) {
  items_.push_back(
      Diagnostic{Severity::kError, std::move(summary), std::move(detail), {}});
}

void Diagnostics::AddWarning(std::string summary, std::string detail) {
  items_.push_back(Diagnostic{
      Severity::kWarning, std::move(summary), std::move(detail), {}});
}

void Diagnostics::AddAttributeError(AttributePath path, std::string summary,
                                    std::string detail) {
  items_.push_back(Diagnostic{Severity::kError, std::move(summary),
                              std::move(detail), std::move(path)});
}

void Diagnostics::AddAttributeWarning(AttributePath path, std::string summary,
                                      std::string detail) {
  items_.push_back(Diagnostic{Severity::kWarning, std::move(summary),
                              std::move(detail), std::move(path)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::HasError() const {
  for (const auto& d : items_) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& d : items_) {
    if (!out.empty()) out += '\n';
    absl::StrAppend(
        &out,
        d.severity == Severity::kError ? "Error: " : "Warning: ", d.summary);
    if (d.attribute && !d.attribute->empty()) {
      absl::StrAppend(&out, " (at ", d.attribute->ToString(), ")");
    }
    if (!d.detail.empty()) absl::StrAppend(&out, ": ", d.detail);
  }
  return out;
}

}  // namespace secureaml::tf
