// File: codec_internal.h
//
// Helpers shared by the msgpack and JSON codecs; not part of the public API.
#ifndef SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_
#define SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_

#include <string_view>

#include "absl/status/status.h"
#include "provider/value/attribute_path.h"

namespace secureaml::tf::codec_internal {

// Nesting bound for decoders: deeper input is rejected before it can
// exhaust the stack. Real Terraform values nest a few dozen levels at most.
inline constexpr int kMaxDepth = 256;

// InvalidArgument "<path>: <message>" with the path attached as a payload
// so GetDecodeErrorPath can recover it.
absl::Status ErrorAt(const AttributePath& path, std::string_view message);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace secureaml::tf::codec_internal

#endif  // SECUREAML_PROVIDER_VALUE_CODEC_INTERNAL_H_
