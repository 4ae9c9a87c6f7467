// Conformance checking and error-path plumbing shared by both codecs.
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "provider/common/status_macros.h"
#include "provider/value/codec.h"
#include "provider/value/codec_internal.h"

namespace secureaml::tf {
namespace codec_internal {
namespace {

constexpr char kPathPayloadUrl[] =
    "type.googleapis.com/secureaml.tf.AttributePath";

// Debian's abseil has its own string_view type, distinct from std's.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Payload format: per step a kind letter, then "<len>:<bytes>" for names
// and keys or "<index>;" for indexes.
std::string SerializePath(const AttributePath& path) {
  std::string out;
  for (const auto& s : path.steps()) {
    switch (s.kind) {
      case AttributePath::Step::Kind::kAttribute:
        absl::StrAppend(&out, "a", s.name.size(), ":", s.name);
        break;
      case AttributePath::Step::Kind::kKeyString:
        absl::StrAppend(&out, "k", s.name.size(), ":", s.name);
        break;
      case AttributePath::Step::Kind::kKeyInt:
        absl::StrAppend(&out, "i", s.index, ";");
        break;
    }
  }
  return out;
}

std::optional<AttributePath> ParsePath(std::string_view in) {
  AttributePath p;
  while (!in.empty()) {
    char kind = in[0];
    in.remove_prefix(1);
    if (kind == 'i') {
      size_t semi = in.find(';');
      int64_t idx = 0;
      if (semi == std::string_view::npos ||
          !absl::SimpleAtoi(AV(in.substr(0, semi)), &idx)) {
        return std::nullopt;
      }
      p = p.Index(idx);
      in.remove_prefix(semi + 1);
      continue;
    }
    size_t colon = in.find(':');
    size_t len = 0;
    if (colon == std::string_view::npos ||
        !absl::SimpleAtoi(AV(in.substr(0, colon)), &len) ||
        in.size() - colon - 1 < len) {
      return std::nullopt;
    }
    std::string name(in.substr(colon + 1, len));
    in.remove_prefix(colon + 1 + len);
    if (kind == 'a') {
      p = p.Attr(std::move(name));
    } else if (kind == 'k') {
      p = p.Key(std::move(name));
    } else {
      return std::nullopt;
    }
  }
  return p;
}

}  // namespace

absl::Status ErrorAt(const AttributePath& path, std::string_view message) {
  absl::Status st = absl::InvalidArgumentError(
      path.empty() ? std::string(message)
                   : absl::StrCat(path.ToString(), ": ", AV(message)));
  st.SetPayload(kPathPayloadUrl, absl::Cord(SerializePath(path)));
  return st;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace codec_internal

namespace {

using codec_internal::ErrorAt;

absl::Status Mismatch(const AttributePath& path, const Value& value,
                      const Type& type) {
  return ErrorAt(path, absl::StrCat(type.FriendlyName(), " required, got ",
                                    value.type().FriendlyName()));
}

absl::Status Conforms(const Value& value, const Type& type,
                      const AttributePath& path, int depth) {
  if (depth > codec_internal::kMaxDepth) {
    return ErrorAt(path, "value nests too deeply");
  }
  if (type.IsDynamic()) {
    // Anything fits a dynamic slot, but a known value must itself be
    // well-formed for its own type.
    if (!value.IsKnown() || value.type().IsDynamic()) return absl::OkStatus();
    return Conforms(value, value.type(), path, depth + 1);
  }
  if (!value.IsKnown()) {
    // Value() and Value::Unknown(Dynamic) stand for "null"/"unknown" of any
    // type.
    if (value.type().IsDynamic() || value.type() == type) {
      return absl::OkStatus();
    }
    return Mismatch(path, value, type);
  }
  if (value.type().kind() != type.kind()) return Mismatch(path, value, type);
  switch (type.kind()) {
    case Type::Kind::kString:
    case Type::Kind::kNumber:
    case Type::Kind::kBool:
    case Type::Kind::kDynamic:
      return absl::OkStatus();
    case Type::Kind::kList:
    case Type::Kind::kSet: {
      int64_t i = 0;
      for (const auto& e : value.Elements()) {
        AttributePath p =
            type.kind() == Type::Kind::kList ? path.Index(i) : path;
        SECUREAML_RETURN_IF_ERROR(
            Conforms(e, type.ElementType(), p, depth + 1));
        ++i;
      }
      return absl::OkStatus();
    }
    case Type::Kind::kMap:
      for (const auto& [k, e] : value.Entries()) {
        SECUREAML_RETURN_IF_ERROR(
            Conforms(e, type.ElementType(), path.Key(k), depth + 1));
      }
      return absl::OkStatus();
    case Type::Kind::kObject: {
      const auto& want = type.AttributeTypes();
      const auto& have = value.Entries();
      for (const auto& [name, t] : want) {
        auto it = have.find(name);
        if (it == have.end()) {
          return ErrorAt(path,
                         absl::StrCat("attribute \"", name, "\" is required"));
        }
        SECUREAML_RETURN_IF_ERROR(
            Conforms(it->second, t, path.Attr(name), depth + 1));
      }
      for (const auto& [name, v] : have) {
        if (want.count(name) == 0) {
          return ErrorAt(path.Attr(name),
                         absl::StrCat("unsupported attribute \"", name, "\""));
        }
      }
      return absl::OkStatus();
    }
    case Type::Kind::kTuple: {
      const auto& want = type.TupleElementTypes();
      const auto& have = value.Elements();
      if (want.size() != have.size()) {
        return ErrorAt(path,
                       absl::StrCat("tuple of ", want.size(),
                                    " elements required, got ", have.size()));
      }
      for (size_t i = 0; i < want.size(); ++i) {
        SECUREAML_RETURN_IF_ERROR(Conforms(
            have[i], want[i], path.Index(static_cast<int64_t>(i)), depth + 1));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckConforms(const Value& value, const Type& type) {
  return Conforms(value, type, AttributePath(), 0);
}

std::optional<AttributePath> GetDecodeErrorPath(const absl::Status& status) {
  auto payload = status.GetPayload(codec_internal::kPathPayloadUrl);
  if (!payload) return std::nullopt;
  return codec_internal::ParsePath(std::string(*payload));
}

}  // namespace secureaml::tf
