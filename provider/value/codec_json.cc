#include "provider/value/codec.h"

namespace secureaml::tf {
absl::StatusOr<Value> DecodeJson(std::string_view, const Type&,
                                 JsonDecodeOptions) {
  return absl::UnimplementedError("JSON decoding not yet implemented");
}
absl::StatusOr<std::string> EncodeJson(const Value&, const Type&) {
  return absl::UnimplementedError("JSON encoding not yet implemented");
}
}  // namespace secureaml::tf
