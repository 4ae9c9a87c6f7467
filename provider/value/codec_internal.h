// File: codec_internal.h
//
// Helpers shared by the msgpack and JSON codecs; not part of the public API.
#ifndef SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_
#define SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "provider/value/attribute_path.h"
#include "provider/value/value.h"

namespace secureaml::tf::codec_internal {

// Nesting bound for decoders: deeper input is rejected before it can
// exhaust the stack. Real Terraform values nest a few dozen levels at most.
inline constexpr int kMaxDepth = 256;

// The path of the value being decoded or encoded. Steps hold views of
// names owned by the type, the input or the value being encoded, so pushing
// a step never allocates; an AttributePath is only built for an error.
class PathStack {
 public:
  void PushAttr(std::string_view name) {
    steps_.push_back({AttributePath::Step::Kind::kAttribute, name, 0});
  }
  void PushKey(std::string_view key) {
    steps_.push_back({AttributePath::Step::Kind::kKeyString, key, 0});
  }
  void PushIndex(int64_t index) {
    steps_.push_back({AttributePath::Step::Kind::kKeyInt, {}, index});
  }
  void Pop() { steps_.pop_back(); }
  AttributePath ToPath() const {
    std::vector<AttributePath::Step> out;
    out.reserve(steps_.size());
    for (const auto& s : steps_) {
      AttributePath::Step step;
      step.kind = s.kind;
      step.name = std::string(s.name);
      step.index = s.index;
      out.push_back(std::move(step));
    }
    return AttributePath(std::move(out));
  }

 private:
  struct LightStep {
    AttributePath::Step::Kind kind;
    std::string_view name;
    int64_t index;
  };
  std::vector<LightStep> steps_;
};

}  // namespace secureaml::tf::codec_internal

namespace secureaml::tf {

// Builders for decoders that already hold the collection's full type.
class ValueInternal {
 public:
  // `type` is a list, set or tuple type; sets are sorted and deduplicated.
  static Value Sequence(const Type& type, std::vector<Value> elements);
  // `type` is a map type.
  static Value Map(const Type& type, std::map<std::string, Value> entries);
};

}  // namespace secureaml::tf

namespace secureaml::tf::codec_internal {

// InvalidArgument "<path>: <message>" with the path attached as a payload
// so GetDecodeErrorPath can recover it.
absl::Status ErrorAt(const AttributePath& path, std::string_view message);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace secureaml::tf::codec_internal

#endif  // SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_
