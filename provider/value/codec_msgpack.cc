// Type-directed msgpack codec for DynamicValue.msgpack, following go-cty's
// cty/msgpack marshal.go/unmarshal.go. A hand-written reader rather than
// nlohmann::from_msgpack because the latter rejects the integer map keys of
// ext-12 refinement payloads and folds numbers into double/int64.
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "provider/common/status_macros.h"
#include "provider/value/codec.h"
#include "provider/value/codec_internal.h"

namespace secureaml::tf {
namespace {

using codec_internal::ErrorAt;
using codec_internal::kMaxDepth;

// cty's limits for refinement payloads (msgpack/unknown.go).
constexpr size_t kMaxRefinementPayload = 1024;
constexpr int8_t kExtRefinedUnknown = 12;

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

const char* FormatName(uint8_t b) {
  if (b <= 0x7f || b >= 0xe0) return "integer";
  if (b <= 0x8f) return "map";
  if (b <= 0x9f) return "array";
  if (b <= 0xbf) return "string";
  switch (b) {
    case 0xc0:
      return "nil";
    case 0xc2:
    case 0xc3:
      return "bool";
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return "binary";
    case 0xc7:
    case 0xc8:
    case 0xc9:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return "extension";
    case 0xca:
    case 0xcb:
      return "float";
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return "integer";
    case 0xd9:
    case 0xda:
    case 0xdb:
      return "string";
    case 0xdc:
    case 0xdd:
      return "array";
    case 0xde:
    case 0xdf:
      return "map";
    default:
      return "invalid byte";
  }
}

bool IsExt(uint8_t b) {
  return (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9);
}

// Bounds-checked big-endian reader. Every length is checked against the
// bytes that remain before anything is allocated.
class Reader {
 public:
  explicit Reader(std::string_view data)
      : p_(reinterpret_cast<const uint8_t*>(data.data())), n_(data.size()) {}

  size_t remaining() const { return n_ - pos_; }
  bool AtEnd() const { return pos_ == n_; }
  bool Peek(uint8_t& b) const {
    if (pos_ >= n_) return false;
    b = p_[pos_];
    return true;
  }
  bool U8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = p_[pos_++];
    return true;
  }
  template <typename T>
  bool BigEndian(T& v) {
    if (remaining() < sizeof(T)) return false;
    uint64_t acc = 0;
    for (size_t i = 0; i < sizeof(T); ++i) acc = (acc << 8) | p_[pos_ + i];
    pos_ += sizeof(T);
    v = static_cast<T>(acc);
    return true;
  }
  bool Bytes(size_t len, std::string_view& out) {
    if (remaining() < len) return false;
    out = std::string_view(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return true;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

struct Ext {
  int8_t type = 0;
  std::string_view payload;
};

class Decoder {
 public:
  explicit Decoder(std::string_view data) : r_(data) {}

  absl::StatusOr<Value> DecodeTop(const Type& type) {
    SECUREAML_ASSIGN_OR_RETURN(Value v, Decode(type, 0));
    if (!r_.AtEnd()) {
      return Error(absl::StrCat(r_.remaining(),
                                " unexpected trailing bytes after the value"));
    }
    return v;
  }

 private:
  absl::Status Error(std::string_view msg) const {
    return ErrorAt(path_.ToPath(), msg);
  }
  absl::Status Truncated() const {
    return Error("unexpected end of msgpack data");
  }
  absl::Status WrongFormat(const Type& want, uint8_t b) const {
    return Error(absl::StrCat(want.FriendlyName(), " required, got msgpack ",
                              FormatName(b)));
  }

  // Reads a str or bin header and its bytes (Terraform accepts both).
  absl::Status ReadStringBytes(const Type& want, std::string_view& out) {
    uint8_t b = 0;
    if (!r_.U8(b)) return Truncated();
    size_t len;
    if (b >= 0xa0 && b <= 0xbf) {
      len = b & 0x1f;
    } else if (b == 0xd9 || b == 0xc4) {
      uint8_t l;
      if (!r_.U8(l)) return Truncated();
      len = l;
    } else if (b == 0xda || b == 0xc5) {
      uint16_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else if (b == 0xdb || b == 0xc6) {
      uint32_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else {
      return WrongFormat(want, b);
    }
    if (!r_.Bytes(len, out)) {
      return Error(
          absl::StrCat("string length ", len, " exceeds the remaining data"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadArrayLen(const Type& want, size_t& len) {
    uint8_t b = 0;
    if (!r_.U8(b)) return Truncated();
    if (b >= 0x90 && b <= 0x9f) {
      len = b & 0x0f;
    } else if (b == 0xdc) {
      uint16_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else if (b == 0xdd) {
      uint32_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else {
      return WrongFormat(want, b);
    }
    // Each element takes at least one byte.
    if (len > r_.remaining()) {
      return Error(
          absl::StrCat("array length ", len, " exceeds the remaining data"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadMapLen(const Type& want, size_t& len) {
    uint8_t b = 0;
    if (!r_.U8(b)) return Truncated();
    if (b >= 0x80 && b <= 0x8f) {
      len = b & 0x0f;
    } else if (b == 0xde) {
      uint16_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else if (b == 0xdf) {
      uint32_t l;
      if (!r_.BigEndian(l)) return Truncated();
      len = l;
    } else {
      return WrongFormat(want, b);
    }
    // Each entry takes at least two bytes.
    if (len > r_.remaining() / 2) {
      return Error(
          absl::StrCat("map length ", len, " exceeds the remaining data"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadExt(Ext& ext) {
    uint8_t b = 0;
    if (!r_.U8(b)) return Truncated();
    size_t len;
    switch (b) {
      case 0xd4:
        len = 1;
        break;
      case 0xd5:
        len = 2;
        break;
      case 0xd6:
        len = 4;
        break;
      case 0xd7:
        len = 8;
        break;
      case 0xd8:
        len = 16;
        break;
      case 0xc7: {
        uint8_t l;
        if (!r_.U8(l)) return Truncated();
        len = l;
        break;
      }
      case 0xc8: {
        uint16_t l;
        if (!r_.BigEndian(l)) return Truncated();
        len = l;
        break;
      }
      case 0xc9: {
        uint32_t l;
        if (!r_.BigEndian(l)) return Truncated();
        len = l;
        break;
      }
      default:
        return Error("extension expected");
    }
    uint8_t t;
    if (!r_.U8(t)) return Truncated();
    ext.type = static_cast<int8_t>(t);
    if (!r_.Bytes(len, ext.payload)) {
      return Error(absl::StrCat("extension length ", len,
                                " exceeds the remaining data"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> DecodeUnknown(const Type& type) {
    Ext ext;
    SECUREAML_RETURN_IF_ERROR(ReadExt(ext));
    if (ext.type != kExtRefinedUnknown) {
      // cty treats any extension as unknown, but only ext 12 may carry
      // more than one byte of payload.
      if (ext.payload.size() > 1) {
        return Error(
            absl::StrCat("unsupported msgpack extension type ", ext.type));
      }
      return Value::Unknown(type);
    }
    if (ext.payload.size() > kMaxRefinementPayload) {
      return Error("unknown value refinements exceed 1024 bytes");
    }
    UnknownRefinements refinements;
    if (!ext.payload.empty()) {
      SECUREAML_RETURN_IF_ERROR(ParseRefinements(ext.payload, refinements));
    }
    // As cty: an unknown refined as definitely null is simply null.
    if (refinements.is_null == true) return Value::Null(type);
    return Value::Unknown(type, std::move(refinements));
  }

  // Payload: a map with integer keys (msgpack/unknown.go). We keep nullness
  // and string prefix; bounds and lengths are accepted and dropped, and
  // unknown keys are ignored as cty requires.
  absl::Status ParseRefinements(std::string_view payload,
                                UnknownRefinements& out) {
    Decoder sub(payload);
    sub.path_ = path_;
    size_t n = 0;
    SECUREAML_RETURN_IF_ERROR(sub.ReadMapLen(Type::Dynamic(), n));
    for (size_t i = 0; i < n; ++i) {
      int64_t key = 0;
      if (!sub.ReadInt(key)) {
        return Error("invalid unknown value refinements: non-integer key");
      }
      uint8_t b = 0;
      if (!sub.r_.Peek(b)) return Error("invalid unknown value refinements");
      if (key == 1) {
        if (b != 0xc2 && b != 0xc3) {
          return Error("invalid unknown value refinements: nullness");
        }
        sub.r_.U8(b);
        out.is_null = b == 0xc3;
      } else if (key == 2) {
        std::string_view prefix;
        if (!sub.ReadStringBytes(Type::String(), prefix).ok() ||
            !codec_internal::IsValidUtf8(prefix)) {
          return Error("invalid unknown value refinements: string prefix");
        }
        out.string_prefix = std::string(prefix);
      } else if (!sub.Skip(0)) {
        return Error("invalid unknown value refinements");
      }
    }
    if (!sub.r_.AtEnd()) return Error("invalid unknown value refinements");
    return absl::OkStatus();
  }

  // Reads any msgpack integer format into an int64 (uint64 above int64 max
  // fails).
  bool ReadInt(int64_t& v) {
    uint8_t b = 0;
    if (!r_.U8(b)) return false;
    if (b <= 0x7f) {
      v = b;
      return true;
    }
    if (b >= 0xe0) {
      v = static_cast<int8_t>(b);
      return true;
    }
    switch (b) {
      case 0xcc: {
        uint8_t x;
        if (!r_.U8(x)) return false;
        v = x;
        return true;
      }
      case 0xcd: {
        uint16_t x;
        if (!r_.BigEndian(x)) return false;
        v = x;
        return true;
      }
      case 0xce: {
        uint32_t x;
        if (!r_.BigEndian(x)) return false;
        v = x;
        return true;
      }
      case 0xcf: {
        uint64_t x;
        if (!r_.BigEndian(x) ||
            x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return false;
        }
        v = static_cast<int64_t>(x);
        return true;
      }
      case 0xd0: {
        uint8_t x;
        if (!r_.U8(x)) return false;
        v = static_cast<int8_t>(x);
        return true;
      }
      case 0xd1: {
        uint16_t x;
        if (!r_.BigEndian(x)) return false;
        v = static_cast<int16_t>(x);
        return true;
      }
      case 0xd2: {
        uint32_t x;
        if (!r_.BigEndian(x)) return false;
        v = static_cast<int32_t>(x);
        return true;
      }
      case 0xd3: {
        uint64_t x;
        if (!r_.BigEndian(x)) return false;
        v = static_cast<int64_t>(x);
        return true;
      }
      default:
        return false;
    }
  }

  // Skips one msgpack object of any kind (refinement keys we ignore).
  bool Skip(int depth) {
    if (depth > kMaxDepth) return false;
    uint8_t b = 0;
    if (!r_.Peek(b)) return false;
    std::string_view ignored;
    if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) {
      int64_t i;
      if (b == 0xcf) {
        uint64_t u;
        r_.U8(b);
        return r_.BigEndian(u);
      }
      return ReadInt(i);
    }
    if (b == 0xc0 || b == 0xc2 || b == 0xc3) return r_.U8(b);
    if (b == 0xca) return r_.U8(b) && r_.Bytes(4, ignored);
    if (b == 0xcb) return r_.U8(b) && r_.Bytes(8, ignored);
    if ((b >= 0xa0 && b <= 0xbf) || b == 0xd9 || b == 0xda || b == 0xdb ||
        b == 0xc4 || b == 0xc5 || b == 0xc6) {
      return ReadStringBytes(Type::String(), ignored).ok();
    }
    if (IsExt(b)) {
      Ext e;
      return ReadExt(e).ok();
    }
    size_t n = 0;
    if ((b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd) {
      if (!ReadArrayLen(Type::Dynamic(), n).ok()) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!Skip(depth + 1)) return false;
      }
      return true;
    }
    if ((b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf) {
      if (!ReadMapLen(Type::Dynamic(), n).ok()) return false;
      for (size_t i = 0; i < 2 * n; ++i) {
        if (!Skip(depth + 1)) return false;
      }
      return true;
    }
    return false;  // 0xc1 is never valid
  }

  absl::StatusOr<Value> DecodeNumber(const Type& type) {
    uint8_t b = 0;
    r_.Peek(b);
    if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) {
      if (b == 0xcf) {
        uint64_t u;
        r_.U8(b);
        if (!r_.BigEndian(u)) return Truncated();
        if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Value::NumberValue(Number::FromInt64(static_cast<int64_t>(u)));
        }
        return Value::NumberValue(Number::FromUint64(u));
      }
      int64_t i;
      if (!ReadInt(i)) return Truncated();
      return Value::NumberValue(Number::FromInt64(i));
    }
    if (b == 0xca || b == 0xcb) {
      r_.U8(b);
      double d;
      if (b == 0xca) {
        uint32_t bits;
        if (!r_.BigEndian(bits)) return Truncated();
        float f;
        std::memcpy(&f, &bits, sizeof(f));
        d = f;
      } else {
        uint64_t bits;
        if (!r_.BigEndian(bits)) return Truncated();
        std::memcpy(&d, &bits, sizeof(d));
      }
      if (std::isnan(d)) return Error("NaN is not a valid number");
      return Value::NumberValue(Number::FromDouble(d));
    }
    std::string_view text;
    SECUREAML_RETURN_IF_ERROR(ReadStringBytes(type, text));
    auto n = Number::FromDecimalString(text);
    if (!n.ok()) return Error(std::string(n.status().message()));
    return Value::NumberValue(*std::move(n));
  }

  absl::StatusOr<Value> Decode(const Type& type, int depth) {
    if (depth > kMaxDepth) return Error("value nests too deeply");
    uint8_t b = 0;
    if (!r_.Peek(b)) return Truncated();
    if (b == 0xc0) {
      r_.U8(b);
      return Value::Null(type);
    }
    if (IsExt(b)) return DecodeUnknown(type);
    switch (type.kind()) {
      case Type::Kind::kString: {
        std::string_view s;
        SECUREAML_RETURN_IF_ERROR(ReadStringBytes(type, s));
        if (!codec_internal::IsValidUtf8(s)) {
          return Error("string is not valid UTF-8");
        }
        return Value::String(std::string(s));
      }
      case Type::Kind::kNumber:
        return DecodeNumber(type);
      case Type::Kind::kBool:
        r_.U8(b);
        if (b == 0xc2) return Value::Bool(false);
        if (b == 0xc3) return Value::Bool(true);
        return WrongFormat(type, b);
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple: {
        size_t n = 0;
        SECUREAML_RETURN_IF_ERROR(ReadArrayLen(type, n));
        const bool is_tuple = type.kind() == Type::Kind::kTuple;
        if (is_tuple && n != type.TupleElementTypes().size()) {
          return Error(absl::StrCat("tuple of ",
                                    type.TupleElementTypes().size(),
                                    " elements required, got ", n));
        }
        std::vector<Value> elems;
        elems.reserve(n);
        const bool addressable = type.kind() != Type::Kind::kSet;
        for (size_t i = 0; i < n; ++i) {
          // Set elements have no path of their own.
          if (addressable) path_.PushIndex(static_cast<int64_t>(i));
          const Type& et =
              is_tuple ? type.TupleElementTypes()[i] : type.ElementType();
          auto e = Decode(et, depth + 1);
          if (!e.ok()) return e.status();
          elems.push_back(*std::move(e));
          if (addressable) path_.Pop();
        }
        return ValueInternal::Sequence(type, std::move(elems));
      }
      case Type::Kind::kMap: {
        size_t n = 0;
        SECUREAML_RETURN_IF_ERROR(ReadMapLen(type, n));
        std::map<std::string, Value> entries;
        for (size_t i = 0; i < n; ++i) {
          std::string_view key;
          SECUREAML_RETURN_IF_ERROR(ReadStringBytes(Type::String(), key));
          if (!codec_internal::IsValidUtf8(key)) {
            return Error("map key is not valid UTF-8");
          }
          path_.PushKey(key);
          auto e = Decode(type.ElementType(), depth + 1);
          if (!e.ok()) return e.status();
          auto [it, inserted] =
              entries.emplace(std::string(key), *std::move(e));
          if (!inserted) return Error("duplicate map key");
          path_.Pop();
        }
        return ValueInternal::Map(type, std::move(entries));
      }
      case Type::Kind::kObject: {
        size_t n = 0;
        SECUREAML_RETURN_IF_ERROR(ReadMapLen(type, n));
        const auto& attr_types = type.AttributeTypes();
        std::map<std::string, Value> attrs;
        // cty writes attributes sorted, so the next type attribute is
        // almost always the one we read: check it before searching.
        auto next = attr_types.begin();
        for (size_t i = 0; i < n; ++i) {
          std::string_view key;
          SECUREAML_RETURN_IF_ERROR(ReadStringBytes(Type::String(), key));
          // Checked before the key reaches a path or a message: both end
          // up in protobuf strings, which must be UTF-8.
          if (!codec_internal::IsValidUtf8(key)) {
            return Error("attribute name is not valid UTF-8");
          }
          path_.PushAttr(key);
          auto at = (next != attr_types.end() && next->first == key)
                        ? next
                        : attr_types.find(std::string(key));
          if (at == attr_types.end()) {
            return Error(
                absl::StrCat("unsupported attribute \"", AV(key), "\""));
          }
          next = std::next(at);
          auto e = Decode(at->second, depth + 1);
          if (!e.ok()) return e.status();
          size_t before = attrs.size();
          attrs.emplace_hint(attrs.end(), at->first, *std::move(e));
          if (attrs.size() == before) return Error("duplicate attribute");
          path_.Pop();
        }
        if (attrs.size() != attr_types.size()) {
          for (const auto& [name, t] : attr_types) {
            if (attrs.count(name) == 0) {
              return Error(
                  absl::StrCat("attribute \"", name, "\" is required"));
            }
          }
        }
        return Value::Object(type, std::move(attrs));
      }
      case Type::Kind::kDynamic: {
        // [type JSON (bin or str), value encoded for that type]
        size_t n = 0;
        SECUREAML_RETURN_IF_ERROR(ReadArrayLen(type, n));
        if (n != 2) {
          return Error(
              "dynamic value must be a [type, value] array of 2 elements");
        }
        std::string_view type_json;
        SECUREAML_RETURN_IF_ERROR(ReadStringBytes(type, type_json));
        auto concrete = Type::FromJson(type_json);
        if (!concrete.ok()) {
          return Error(absl::StrCat("invalid type in dynamic value: ",
                                    concrete.status().message()));
        }
        return Decode(*concrete, depth + 1);
      }
    }
    return Error("unsupported type");
  }

  Reader r_;
  codec_internal::PathStack path_;
};

class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  absl::Status Encode(const Value& v, const Type& t, int depth) {
    if (depth > kMaxDepth) return Error("value nests too deeply");
    if (t.IsDynamic()) {
      if (v.type().IsDynamic()) {
        if (v.IsNull()) {
          out_.push_back('\xc0');
          return absl::OkStatus();
        }
        if (v.IsUnknown()) {
          out_.append("\xd4\x00\x00", 3);
          return absl::OkStatus();
        }
        return Error("known value without a concrete type");
      }
      out_.push_back('\x92');
      WriteBin(v.type().ToJson());
      return Encode(v, v.type(), depth + 1);
    }
    if (!v.IsKnown() && !v.type().IsDynamic() && v.type() != t) {
      return Mismatch(v, t);
    }
    if (v.IsNull()) {
      out_.push_back('\xc0');
      return absl::OkStatus();
    }
    if (v.IsUnknown()) {
      WriteUnknown(v.refinements(), t);
      return absl::OkStatus();
    }
    if (v.type().kind() != t.kind()) return Mismatch(v, t);
    switch (t.kind()) {
      case Type::Kind::kString:
        WriteStr(v.AsString());
        return absl::OkStatus();
      case Type::Kind::kNumber:
        return WriteNumber(v.AsNumber());
      case Type::Kind::kBool:
        out_.push_back(v.AsBool() ? '\xc3' : '\xc2');
        return absl::OkStatus();
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple: {
        const auto& elems = v.Elements();
        const bool is_tuple = t.kind() == Type::Kind::kTuple;
        if (is_tuple && elems.size() != t.TupleElementTypes().size()) {
          return Error(absl::StrCat("tuple of ", t.TupleElementTypes().size(),
                                    " elements required, got ", elems.size()));
        }
        WriteArrayHeader(elems.size());
        const bool addressable = t.kind() != Type::Kind::kSet;
        for (size_t i = 0; i < elems.size(); ++i) {
          if (addressable) path_.PushIndex(static_cast<int64_t>(i));
          SECUREAML_RETURN_IF_ERROR(Encode(
              elems[i], is_tuple ? t.TupleElementTypes()[i] : t.ElementType(),
              depth + 1));
          if (addressable) path_.Pop();
        }
        return absl::OkStatus();
      }
      case Type::Kind::kMap: {
        const auto& entries = v.Entries();
        WriteMapHeader(entries.size());
        for (const auto& [k, e] : entries) {
          WriteStr(k);
          path_.PushKey(k);
          SECUREAML_RETURN_IF_ERROR(Encode(e, t.ElementType(), depth + 1));
          path_.Pop();
        }
        return absl::OkStatus();
      }
      case Type::Kind::kObject: {
        // Both maps are sorted by name: walk them together so that a
        // missing or extra attribute is found in one pass.
        const auto& want = t.AttributeTypes();
        const auto& have = v.Entries();
        auto wi = want.begin();
        auto hi = have.begin();
        WriteMapHeader(want.size());
        for (; wi != want.end(); ++wi) {
          if (hi != have.end() && hi->first < wi->first) break;
          if (hi == have.end() || hi->first != wi->first) {
            return Error(
                absl::StrCat("attribute \"", wi->first, "\" is required"));
          }
          WriteStr(wi->first);
          path_.PushAttr(wi->first);
          SECUREAML_RETURN_IF_ERROR(Encode(hi->second, wi->second, depth + 1));
          path_.Pop();
          ++hi;
        }
        if (hi != have.end()) {
          path_.PushAttr(hi->first);
          return Error(
              absl::StrCat("unsupported attribute \"", hi->first, "\""));
        }
        return absl::OkStatus();
      }
      case Type::Kind::kDynamic:
        break;
    }
    return Error("unsupported type");
  }

 private:
  absl::Status Error(std::string_view msg) const {
    return ErrorAt(path_.ToPath(), msg);
  }
  absl::Status Mismatch(const Value& v, const Type& t) const {
    return Error(absl::StrCat(t.FriendlyName(), " required, got ",
                              v.type().FriendlyName()));
  }

  void Put(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  template <typename T>
  void PutBE(T v) {
    for (int i = static_cast<int>(sizeof(T)) - 1; i >= 0; --i) {
      Put(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
    }
  }

  void WriteStr(std::string_view s) {
    size_t n = s.size();
    if (n <= 31) {
      Put(static_cast<uint8_t>(0xa0 | n));
    } else if (n <= 0xff) {
      Put(0xd9);
      Put(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
      Put(0xda);
      PutBE(static_cast<uint16_t>(n));
    } else {
      Put(0xdb);
      PutBE(static_cast<uint32_t>(n));
    }
    out_.append(s.data(), n);
  }

  void WriteBin(std::string_view s) {
    size_t n = s.size();
    if (n <= 0xff) {
      Put(0xc4);
      Put(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
      Put(0xc5);
      PutBE(static_cast<uint16_t>(n));
    } else {
      Put(0xc6);
      PutBE(static_cast<uint32_t>(n));
    }
    out_.append(s.data(), n);
  }

  void WriteArrayHeader(size_t n) {
    if (n <= 15) {
      Put(static_cast<uint8_t>(0x90 | n));
    } else if (n <= 0xffff) {
      Put(0xdc);
      PutBE(static_cast<uint16_t>(n));
    } else {
      Put(0xdd);
      PutBE(static_cast<uint32_t>(n));
    }
  }

  void WriteMapHeader(size_t n) {
    if (n <= 15) {
      Put(static_cast<uint8_t>(0x80 | n));
    } else if (n <= 0xffff) {
      Put(0xde);
      PutBE(static_cast<uint16_t>(n));
    } else {
      Put(0xdf);
      PutBE(static_cast<uint32_t>(n));
    }
  }

  // Compact integer, as vmihailenco/msgpack writes for cty.
  void WriteInt(int64_t v) {
    if (v >= 0) {
      WriteUint(static_cast<uint64_t>(v));
    } else if (v >= -32) {
      Put(static_cast<uint8_t>(v));
    } else if (v >= std::numeric_limits<int8_t>::min()) {
      Put(0xd0);
      Put(static_cast<uint8_t>(v));
    } else if (v >= std::numeric_limits<int16_t>::min()) {
      Put(0xd1);
      PutBE(static_cast<uint16_t>(v));
    } else if (v >= std::numeric_limits<int32_t>::min()) {
      Put(0xd2);
      PutBE(static_cast<uint32_t>(v));
    } else {
      Put(0xd3);
      PutBE(static_cast<uint64_t>(v));
    }
  }

  void WriteUint(uint64_t v) {
    if (v <= 0x7f) {
      Put(static_cast<uint8_t>(v));
    } else if (v <= 0xff) {
      Put(0xcc);
      Put(static_cast<uint8_t>(v));
    } else if (v <= 0xffff) {
      Put(0xcd);
      PutBE(static_cast<uint16_t>(v));
    } else if (v <= 0xffffffff) {
      Put(0xce);
      PutBE(static_cast<uint32_t>(v));
    } else {
      Put(0xcf);
      PutBE(v);
    }
  }

  // Numbers leave in the representation they arrived in, so Terraform
  // sees the config value bit for bit.
  absl::Status WriteNumber(const Number& n) {
    switch (n.repr()) {
      case Number::Repr::kInt64:
        WriteInt(n.int64_value());
        return absl::OkStatus();
      case Number::Repr::kUint64:
        WriteUint(n.uint64_value());
        return absl::OkStatus();
      case Number::Repr::kDouble: {
        double d = n.double_value();
        if (std::isnan(d)) return Error("NaN cannot be encoded");
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof(bits));
        Put(0xcb);
        PutBE(bits);
        return absl::OkStatus();
      }
      case Number::Repr::kDecimal:
        WriteStr(n.decimal_text());
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  void WriteUnknown(const UnknownRefinements& r, const Type& t) {
    const bool not_null = r.is_null.has_value() && !*r.is_null;
    // Value::Unknown already cut the prefix to cty's 256-byte bound.
    std::string_view prefix;
    if (r.string_prefix && t.kind() == Type::Kind::kString) {
      prefix = *r.string_prefix;
    }
    if (!not_null && prefix.empty()) {
      out_.append("\xd4\x00\x00", 3);
      return;
    }
    std::string payload;
    Encoder sub(payload);
    sub.WriteMapHeader((not_null ? 1 : 0) + (prefix.empty() ? 0 : 1));
    if (not_null) {
      sub.Put(0x01);
      sub.Put(0xc2);
    }
    if (!prefix.empty()) {
      sub.Put(0x02);
      sub.WriteStr(prefix);
    }
    if (payload.size() <= 0xff) {
      Put(0xc7);
      Put(static_cast<uint8_t>(payload.size()));
    } else {
      Put(0xc8);
      PutBE(static_cast<uint16_t>(payload.size()));
    }
    Put(static_cast<uint8_t>(kExtRefinedUnknown));
    out_ += payload;
  }

  std::string& out_;
  codec_internal::PathStack path_;
};

}  // namespace

absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type) {
  if (bytes.empty()) {
    return ErrorAt(AttributePath(), "empty msgpack data");
  }
  Decoder d(bytes);
  return d.DecodeTop(type);
}

absl::StatusOr<std::string> EncodeMsgpack(const Value& value,
                                          const Type& type) {
  std::string out;
  out.reserve(256);
  Encoder e(out);
  SECUREAML_RETURN_IF_ERROR(e.Encode(value, type, 0));
  return out;
}

}  // namespace secureaml::tf
