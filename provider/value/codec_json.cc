// Type-directed JSON codec for DynamicValue.json and RawState.json, after
// go-cty's cty/json. A small hand-written parser keeps each number's exact
// text (nlohmann would fold "0.1" into a double) and bounds nesting.
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "provider/common/status_macros.h"
#include "provider/value/codec.h"
#include "provider/value/codec_internal.h"

namespace secureaml::tf {
namespace {

using codec_internal::ErrorAt;
using codec_internal::kMaxDepth;

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

struct JNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  std::string text;  // string contents or raw number text
  std::vector<JNode> array;
  std::vector<std::pair<std::string, JNode>> object;
  size_t begin = 0, end = 0;  // source span, for dynamic type JSON
};

const char* KindName(JNode::Kind k) {
  switch (k) {
    case JNode::Kind::kNull:
      return "null";
    case JNode::Kind::kBool:
      return "bool";
    case JNode::Kind::kNumber:
      return "number";
    case JNode::Kind::kString:
      return "string";
    case JNode::Kind::kArray:
      return "array";
    case JNode::Kind::kObject:
      return "object";
  }
  return "value";
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// True when `s` matches the JSON number grammar exactly.
bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  absl::Status ParseDocument(JNode& out) {
    SkipWs();
    SECUREAML_RETURN_IF_ERROR(ParseValue(out, 0));
    SkipWs();
    if (pos_ != s_.size()) return Fail("unexpected trailing data");
    return absl::OkStatus();
  }

 private:
  absl::Status Fail(std::string_view msg) const {
    return ErrorAt(AttributePath(), absl::StrCat("invalid JSON at offset ",
                                                 pos_, ": ", AV(msg)));
  }
  void SkipWs() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  absl::Status ParseValue(JNode& out, int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    if (pos_ >= s_.size()) return Fail("unexpected end of data");
    out.begin = pos_;
    char c = s_[pos_];
    absl::Status st = absl::OkStatus();
    if (c == '{') {
      out.kind = JNode::Kind::kObject;
      ++pos_;
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
      } else {
        while (true) {
          SkipWs();
          if (pos_ >= s_.size() || s_[pos_] != '"') {
            return Fail("object key expected");
          }
          std::string key;
          SECUREAML_RETURN_IF_ERROR(ParseString(key));
          SkipWs();
          if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("':' expected");
          ++pos_;
          SkipWs();
          out.object.emplace_back(std::move(key), JNode());
          SECUREAML_RETURN_IF_ERROR(
              ParseValue(out.object.back().second, depth + 1));
          SkipWs();
          if (pos_ < s_.size() && s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (pos_ < s_.size() && s_[pos_] == '}') {
            ++pos_;
            break;
          }
          return Fail("',' or '}' expected");
        }
      }
    } else if (c == '[') {
      out.kind = JNode::Kind::kArray;
      ++pos_;
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
      } else {
        while (true) {
          SkipWs();
          out.array.emplace_back();
          SECUREAML_RETURN_IF_ERROR(ParseValue(out.array.back(), depth + 1));
          SkipWs();
          if (pos_ < s_.size() && s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (pos_ < s_.size() && s_[pos_] == ']') {
            ++pos_;
            break;
          }
          return Fail("',' or ']' expected");
        }
      }
    } else if (c == '"') {
      out.kind = JNode::Kind::kString;
      SECUREAML_RETURN_IF_ERROR(ParseString(out.text));
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      out.kind = JNode::Kind::kNumber;
      size_t start = pos_;
      while (pos_ < s_.size() &&
             ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '-' ||
              s_[pos_] == '+' || s_[pos_] == '.' || s_[pos_] == 'e' ||
              s_[pos_] == 'E')) {
        ++pos_;
      }
      out.text = std::string(s_.substr(start, pos_ - start));
      if (!IsJsonNumber(out.text)) return Fail("malformed number");
    } else if (Literal("true")) {
      out.kind = JNode::Kind::kBool;
      out.b = true;
    } else if (Literal("false")) {
      out.kind = JNode::Kind::kBool;
    } else if (Literal("null")) {
      out.kind = JNode::Kind::kNull;
    } else {
      return Fail("unexpected character");
    }
    out.end = pos_;
    return st;
  }

  bool Hex4(uint32_t& v) {
    if (s_.size() - pos_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  absl::Status ParseString(std::string& out) {
    ++pos_;  // opening quote
    size_t run = pos_;
    while (true) {
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        out.append(s_.data() + run, pos_ - run);
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail("control character in string");
      }
      if (c != '\\') {
        ++pos_;
        continue;
      }
      out.append(s_.data() + run, pos_ - run);
      ++pos_;
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(cp)) return Fail("bad \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (!Literal("\\u") || !Hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) {
              return Fail("unpaired surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("unpaired surrogate in \\u escape");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Fail("bad escape in string");
      }
      run = pos_;
    }
    if (!codec_internal::IsValidUtf8(out)) {
      return Fail("string is not valid UTF-8");
    }
    return absl::OkStatus();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

absl::StatusOr<Number> NumberFromJsonText(const std::string& text) {
  // Integers keep a machine representation; everything else keeps its
  // exact decimal text.
  // "-0" stays decimal so it re-encodes as written.
  if (text.find_first_of(".eE") == std::string::npos && text != "-0") {
    int64_t i;
    if (absl::SimpleAtoi(AV(text), &i)) return Number::FromInt64(i);
    uint64_t u;
    if (absl::SimpleAtoi(AV(text), &u)) return Number::FromUint64(u);
  }
  return Number::FromDecimalString(text);
}

class Converter {
 public:
  Converter(std::string_view source, JsonDecodeOptions options)
      : source_(source), options_(options) {}

  absl::StatusOr<Value> Convert(const JNode& n, const Type& type, int depth) {
    if (depth > kMaxDepth) return Error("value nests too deeply");
    if (n.kind == JNode::Kind::kNull) return Value::Null(type);
    switch (type.kind()) {
      case Type::Kind::kString:
        // As cty/json: numbers and bools are accepted as their text.
        if (n.kind == JNode::Kind::kString || n.kind == JNode::Kind::kNumber) {
          return Value::String(n.text);
        }
        if (n.kind == JNode::Kind::kBool) {
          return Value::String(n.b ? "true" : "false");
        }
        return Wrong(type, n);
      case Type::Kind::kNumber: {
        if (n.kind != JNode::Kind::kNumber && n.kind != JNode::Kind::kString) {
          return Wrong(type, n);
        }
        auto num = NumberFromJsonText(n.text);
        if (!num.ok()) return Error(std::string(num.status().message()));
        return Value::NumberValue(*std::move(num));
      }
      case Type::Kind::kBool:
        if (n.kind == JNode::Kind::kBool) return Value::Bool(n.b);
        if (n.kind == JNode::Kind::kString &&
            (n.text == "true" || n.text == "false")) {
          return Value::Bool(n.text == "true");
        }
        return Wrong(type, n);
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple: {
        if (n.kind != JNode::Kind::kArray) return Wrong(type, n);
        const bool is_tuple = type.kind() == Type::Kind::kTuple;
        if (is_tuple && n.array.size() != type.TupleElementTypes().size()) {
          return Error(
              absl::StrCat("tuple of ", type.TupleElementTypes().size(),
                           " elements required, got ", n.array.size()));
        }
        const bool addressable = type.kind() != Type::Kind::kSet;
        std::vector<Value> elems;
        elems.reserve(n.array.size());
        for (size_t i = 0; i < n.array.size(); ++i) {
          if (addressable) {
            path_.PushIndex(static_cast<int64_t>(i));
          }
          auto e = Convert(
              n.array[i],
              is_tuple ? type.TupleElementTypes()[i] : type.ElementType(),
              depth + 1);
          if (!e.ok()) return e.status();
          elems.push_back(*std::move(e));
          if (addressable) path_.Pop();
        }
        return ValueInternal::Sequence(type, std::move(elems));
      }
      case Type::Kind::kMap: {
        if (n.kind != JNode::Kind::kObject) return Wrong(type, n);
        std::map<std::string, Value> entries;
        for (const auto& [k, sub] : n.object) {
          path_.PushKey(k);
          auto e = Convert(sub, type.ElementType(), depth + 1);
          if (!e.ok()) return e.status();
          if (!entries.emplace(k, *std::move(e)).second) {
            return Error("duplicate map key");
          }
          path_.Pop();
        }
        return ValueInternal::Map(type, std::move(entries));
      }
      case Type::Kind::kObject: {
        if (n.kind != JNode::Kind::kObject) return Wrong(type, n);
        const auto& attr_types = type.AttributeTypes();
        std::map<std::string, Value> attrs;
        for (const auto& [k, sub] : n.object) {
          path_.PushAttr(k);
          auto at = attr_types.find(k);
          if (at == attr_types.end()) {
            // Stored state from another provider version may carry
            // attributes this schema dropped.
            if (options_.lenient_objects) {
              path_.Pop();
              continue;
            }
            return Error(absl::StrCat("unsupported attribute \"", k, "\""));
          }
          auto e = Convert(sub, at->second, depth + 1);
          if (!e.ok()) return e.status();
          if (!attrs.emplace(k, *std::move(e)).second) {
            return Error("duplicate attribute");
          }
          path_.Pop();
        }
        if (!options_.lenient_objects && attrs.size() != attr_types.size()) {
          for (const auto& [name, t] : attr_types) {
            if (attrs.count(name) == 0) {
              return Error(
                  absl::StrCat("attribute \"", name, "\" is required"));
            }
          }
        }
        // Missing attributes (lenient mode) become typed nulls.
        return Value::Object(type, std::move(attrs));
      }
      case Type::Kind::kDynamic: {
        if (n.kind != JNode::Kind::kObject) {
          return Error(
              "dynamic value must be an object with \"value\" and \"type\"");
        }
        const JNode* value = nullptr;
        const JNode* type_node = nullptr;
        for (const auto& [k, sub] : n.object) {
          if (k == "value" && !value) {
            value = &sub;
          } else if (k == "type" && !type_node) {
            type_node = &sub;
          } else {
            return Error(
                absl::StrCat("unexpected key \"", k, "\" in dynamic value"));
          }
        }
        if (!value || !type_node) {
          return Error(
              "dynamic value must be an object with \"value\" and \"type\"");
        }
        auto concrete = Type::FromJson(source_.substr(
            type_node->begin, type_node->end - type_node->begin));
        if (!concrete.ok()) {
          return Error(absl::StrCat("invalid type in dynamic value: ",
                                    concrete.status().message()));
        }
        return Convert(*value, *concrete, depth + 1);
      }
    }
    return Error("unsupported type");
  }

 private:
  absl::Status Error(std::string_view msg) const {
    return ErrorAt(path_.ToPath(), msg);
  }
  absl::Status Wrong(const Type& t, const JNode& n) const {
    return Error(absl::StrCat(t.FriendlyName(), " required, got JSON ",
                              KindName(n.kind)));
  }

  std::string_view source_;
  JsonDecodeOptions options_;
  codec_internal::PathStack path_;
};

class JsonEncoder {
 public:
  explicit JsonEncoder(std::string& out) : out_(out) {}

  absl::Status Encode(const Value& v, const Type& t, int depth) {
    if (depth > kMaxDepth) return Error("value nests too deeply");
    if (v.IsUnknown()) {
      return Error("unknown values cannot be encoded as JSON");
    }
    if (t.IsDynamic()) {
      if (v.type().IsDynamic()) {
        if (v.IsNull()) {
          out_ += "null";
          return absl::OkStatus();
        }
        return Error("known value without a concrete type");
      }
      out_ += "{\"value\":";
      SECUREAML_RETURN_IF_ERROR(Encode(v, v.type(), depth + 1));
      out_ += ",\"type\":";
      out_ += v.type().ToJson();
      out_ += '}';
      return absl::OkStatus();
    }
    if (v.IsNull()) {
      if (!v.type().IsDynamic() && v.type() != t) return Mismatch(v, t);
      out_ += "null";
      return absl::OkStatus();
    }
    if (v.type().kind() != t.kind()) return Mismatch(v, t);
    switch (t.kind()) {
      case Type::Kind::kString:
        return WriteString(v.AsString());
      case Type::Kind::kNumber:
        return WriteNumber(v.AsNumber());
      case Type::Kind::kBool:
        out_ += v.AsBool() ? "true" : "false";
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
        const bool addressable = t.kind() != Type::Kind::kSet;
        out_ += '[';
        for (size_t i = 0; i < elems.size(); ++i) {
          if (i > 0) out_ += ',';
          if (addressable) {
            path_.PushIndex(static_cast<int64_t>(i));
          }
          SECUREAML_RETURN_IF_ERROR(Encode(
              elems[i], is_tuple ? t.TupleElementTypes()[i] : t.ElementType(),
              depth + 1));
          if (addressable) path_.Pop();
        }
        out_ += ']';
        return absl::OkStatus();
      }
      case Type::Kind::kMap: {
        out_ += '{';
        bool first = true;
        for (const auto& [k, e] : v.Entries()) {
          if (!first) out_ += ',';
          first = false;
          path_.PushKey(k);
          SECUREAML_RETURN_IF_ERROR(WriteString(k));
          out_ += ':';
          SECUREAML_RETURN_IF_ERROR(Encode(e, t.ElementType(), depth + 1));
          path_.Pop();
        }
        out_ += '}';
        return absl::OkStatus();
      }
      case Type::Kind::kObject: {
        const auto& want = t.AttributeTypes();
        const auto& have = v.Entries();
        auto hi = have.begin();
        out_ += '{';
        bool first = true;
        for (auto wi = want.begin(); wi != want.end(); ++wi) {
          if (hi != have.end() && hi->first < wi->first) break;
          if (hi == have.end() || hi->first != wi->first) {
            return Error(
                absl::StrCat("attribute \"", wi->first, "\" is required"));
          }
          if (!first) out_ += ',';
          first = false;
          path_.PushAttr(wi->first);
          SECUREAML_RETURN_IF_ERROR(WriteString(wi->first));
          out_ += ':';
          SECUREAML_RETURN_IF_ERROR(Encode(hi->second, wi->second, depth + 1));
          path_.Pop();
          ++hi;
        }
        if (hi != have.end()) {
          path_.PushAttr(hi->first);
          return Error(
              absl::StrCat("unsupported attribute \"", hi->first, "\""));
        }
        out_ += '}';
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

  absl::Status WriteString(const std::string& s) {
    if (!codec_internal::IsValidUtf8(s)) {
      return Error("string is not valid UTF-8");
    }
    out_ += '"';
    static const char kHex[] = "0123456789abcdef";
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (u < 0x20) {
            out_ += "\\u00";
            out_ += kHex[u >> 4];
            out_ += kHex[u & 0xF];
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
    return absl::OkStatus();
  }

  absl::Status WriteNumber(const Number& n) {
    switch (n.repr()) {
      case Number::Repr::kInt64:
        absl::StrAppend(&out_, n.int64_value());
        return absl::OkStatus();
      case Number::Repr::kUint64:
        absl::StrAppend(&out_, n.uint64_value());
        return absl::OkStatus();
      case Number::Repr::kDouble: {
        double d = n.double_value();
        if (!std::isfinite(d)) {
          return Error("infinity and NaN cannot be encoded as JSON");
        }
        // Shortest text that parses back to the same double.
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof(buf), d);
        out_.append(buf, static_cast<size_t>(res.ptr - buf));
        return absl::OkStatus();
      }
      case Number::Repr::kDecimal:
        // Keep the exact text when it is already JSON (it usually came from
        // JSON or from cty's Text('f', -1)); otherwise the canonical form.
        if (IsJsonNumber(n.decimal_text())) {
          out_ += n.decimal_text();
        } else {
          out_ += n.ToString();
        }
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  std::string& out_;
  codec_internal::PathStack path_;
};

}  // namespace

absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                                 JsonDecodeOptions options) {
  JNode root;
  Parser parser(json);
  SECUREAML_RETURN_IF_ERROR(parser.ParseDocument(root));
  Converter conv(json, options);
  return conv.Convert(root, type, 0);
}

absl::StatusOr<std::string> EncodeJson(const Value& value, const Type& type) {
  std::string out;
  out.reserve(256);
  JsonEncoder e(out);
  SECUREAML_RETURN_IF_ERROR(e.Encode(value, type, 0));
  return out;
}

}  // namespace secureaml::tf
