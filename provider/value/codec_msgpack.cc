#include "provider/value/codec.h"

namespace secureaml::tf {
absl::StatusOr<Value> DecodeMsgpack(std::string_view, const Type&) {
  return absl::UnimplementedError("msgpack decoding not yet implemented");
}
absl::StatusOr<std::string> EncodeMsgpack(const Value&, const Type&) {
  return absl::UnimplementedError("msgpack encoding not yet implemented");
}
}  // namespace secureaml::tf
