// File: attribute_path.h
//
// A path into a value, as Terraform's AttributePath: attribute names, map keys
// and list/tuple indexes. Set elements cannot be addressed: a path stops at
// the set.
//
//   AttributePath p =
//   AttributePath().Attr("encryption").Index(0).Attr("key_id"); p.ToString();
//   // encryption[0].key_id
#ifndef SECUREAML_PROVIDER_VALUE_ATTRIBUTE_PATH_H_
#define SECUREAML_PROVIDER_VALUE_ATTRIBUTE_PATH_H_

#include <cstdint>
#include <string>
#include <vector>

namespace secureaml::tf {

class AttributePath {
 public:
  struct Step {
    enum class Kind { kAttribute, kKeyString, kKeyInt };
    Kind kind = Kind::kAttribute;
    std::string name;   // attribute name or string key
    int64_t index = 0;  // list/tuple index
    bool operator==(const Step& o) const {
      return kind == o.kind && name == o.name && index == o.index;
    }
  };

  AttributePath() = default;
  explicit AttributePath(std::vector<Step> steps) : steps_(std::move(steps)) {}
  // Shorthand for AttributePath().Attr(name).
  static AttributePath Root(std::string name) {
    return AttributePath().Attr(std::move(name));
  }

  AttributePath Attr(std::string name) const;
  AttributePath Key(std::string key) const;
  AttributePath Index(int64_t index) const;

  const std::vector<Step>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }

  // HCL-like rendering: a.b["k"][0]
  std::string ToString() const;

  bool operator==(const AttributePath& o) const { return steps_ == o.steps_; }
  bool operator!=(const AttributePath& o) const { return !(*this == o); }
  bool operator<(const AttributePath& o) const;

 private:
  std::vector<Step> steps_;
};

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_ATTRIBUTE_PATH_H_
