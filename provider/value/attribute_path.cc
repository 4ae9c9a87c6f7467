#include "provider/value/attribute_path.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace secureaml::tf {
namespace {

void AppendQuoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}

}  // namespace

AttributePath AttributePath::Attr(std::string name) const {
  AttributePath p = *this;
  Step s;
  s.kind = Step::Kind::kAttribute;
  s.name = std::move(name);
  p.steps_.push_back(std::move(s));
  return p;
}

AttributePath AttributePath::Key(std::string key) const {
  AttributePath p = *this;
  Step s;
  s.kind = Step::Kind::kKeyString;
  s.name = std::move(key);
  p.steps_.push_back(std::move(s));
  return p;
}

AttributePath AttributePath::Index(int64_t index) const {
  AttributePath p = *this;
  Step s;
  s.kind = Step::Kind::kKeyInt;
  s.index = index;
  p.steps_.push_back(std::move(s));
  return p;
}

std::string AttributePath::ToString() const {
  std::string out;
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::Kind::kAttribute:
        if (!out.empty()) out += '.';
        out += s.name;
        break;
      case Step::Kind::kKeyString:
        out += '[';
        AppendQuoted(out, s.name);
        out += ']';
        break;
      case Step::Kind::kKeyInt:
        absl::StrAppend(&out, "[", s.index, "]");
        break;
    }
  }
  return out;
}

bool AttributePath::operator<(const AttributePath& o) const {
  size_t n = std::min(steps_.size(), o.steps_.size());
  for (size_t i = 0; i < n; ++i) {
    const Step& a = steps_[i];
    const Step& b = o.steps_[i];
    auto ta = std::tie(a.kind, a.name, a.index);
    auto tb = std::tie(b.kind, b.name, b.index);
    if (ta < tb) return true;
    if (tb < ta) return false;
  }
  return steps_.size() < o.steps_.size();
}

}  // namespace secureaml::tf
