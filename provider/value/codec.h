// File: codec.h
//
// Wire codecs for Terraform values.
//
// msgpack (DynamicValue.msgpack): what Terraform sends and what we always
// answer with. Unknowns are msgpack extensions (type 0, or type 12 with
// refinements); numbers keep their representation; objects carry every
// attribute; dynamic values are [type-json, value] pairs.
//
// JSON (DynamicValue.json, RawState.json): no unknowns; used for stored state
// during UpgradeResourceState and MoveResourceState.
//
// Decoding never throws and never crashes on hostile input. A decode error
// names the attribute path where it happened: GetDecodeErrorPath(status).
#ifndef SECUREAML_PROVIDER_VALUE_CODEC_H_
#define SECUREAML_PROVIDER_VALUE_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "provider/value/attribute_path.h"
#include "provider/value/type.h"
#include "provider/value/value.h"

namespace secureaml::tf {

absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type);
// Fails (InvalidArgument) only when `value` does not conform to `type`.
absl::StatusOr<std::string> EncodeMsgpack(const Value& value, const Type& type);

struct JsonDecodeOptions {
  // Stored state written by another provider version: drop object attributes
  // the type does not have, and fill missing ones with null.
  bool lenient_objects = false;
};
absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                                 JsonDecodeOptions options = {});
// Fails when `value` is not wholly known or does not conform to `type`.
absl::StatusOr<std::string> EncodeJson(const Value& value, const Type& type);

// Checks that `value` conforms to `type` (unknowns allowed).
absl::Status CheckConforms(const Value& value, const Type& type);

// The path attached to a decode/conformance error, if any.
std::optional<AttributePath> GetDecodeErrorPath(const absl::Status& status);

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_CODEC_H_
