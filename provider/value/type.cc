#include "provider/value/type.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace secureaml::tf {

struct Type::Detail {
  Type element;  // list, set, map
  std::map<std::string, Type> attributes;
  std::set<std::string> optional;
  std::vector<Type> elements;  // tuple
  bool has_dynamic = false;
};

namespace {

// Shared empties so accessors on the wrong kind can return references.
const Type& DynamicType() {
  static const Type* t = new Type();
  return *t;
}
const std::map<std::string, Type>& EmptyAttributes() {
  static const auto* m = new std::map<std::string, Type>();
  return *m;
}
const std::set<std::string>& EmptyOptional() {
  static const auto* s = new std::set<std::string>();
  return *s;
}
const std::vector<Type>& EmptyElements() {
  static const auto* v = new std::vector<Type>();
  return *v;
}

void AppendJsonString(std::string& out, std::string_view s) {
  // Attribute names are plain identifiers in practice, but escape anyway so
  // ToJson always yields valid JSON.
  out += nlohmann::json(std::string(s))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Type JSON nests one level per constructor; real types stay far below this.
constexpr int kMaxTypeDepth = 64;

absl::StatusOr<Type> FromJsonValue(const nlohmann::json& j, int depth) {
  if (depth > kMaxTypeDepth) {
    return absl::InvalidArgumentError("type JSON nests too deeply");
  }
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "string") return Type::String();
    if (s == "number") return Type::Number();
    if (s == "bool") return Type::Bool();
    if (s == "dynamic") return Type::Dynamic();
    return absl::InvalidArgumentError(
        absl::StrCat("invalid primitive type name \"", s, "\""));
  }
  if (!j.is_array() || j.empty() || !j[0].is_string()) {
    return absl::InvalidArgumentError(
        "invalid type JSON: expected a string or [kind, ...] array");
  }
  const auto& kind = j[0].get_ref<const std::string&>();
  if (kind == "list" || kind == "set" || kind == "map") {
    if (j.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid ", kind, " type: expected [\"", kind, "\", element-type]"));
    }
    auto elem = FromJsonValue(j[1], depth + 1);
    if (!elem.ok()) return elem.status();
    if (kind == "list") return Type::List(*std::move(elem));
    if (kind == "set") return Type::Set(*std::move(elem));
    return Type::Map(*std::move(elem));
  }
  if (kind == "object") {
    if ((j.size() != 2 && j.size() != 3) || !j[1].is_object()) {
      return absl::InvalidArgumentError(
          "invalid object type: expected [\"object\", {attributes}]");
    }
    std::map<std::string, Type> attrs;
    for (const auto& [name, sub] : j[1].items()) {
      auto t = FromJsonValue(sub, depth + 1);
      if (!t.ok()) return t.status();
      attrs.emplace(name, *std::move(t));
    }
    std::set<std::string> optional;
    if (j.size() == 3) {
      if (!j[2].is_array()) {
        return absl::InvalidArgumentError(
            "invalid object type: optional attributes must be an array");
      }
      for (const auto& o : j[2]) {
        if (!o.is_string() ||
            attrs.count(o.get_ref<const std::string&>()) == 0) {
          return absl::InvalidArgumentError(
              "invalid object type: optional attribute is not an attribute");
        }
        optional.insert(o.get<std::string>());
      }
    }
    return Type::Object(std::move(attrs), std::move(optional));
  }
  if (kind == "tuple") {
    if (j.size() != 2 || !j[1].is_array()) {
      return absl::InvalidArgumentError(
          "invalid tuple type: expected [\"tuple\", [element-types]]");
    }
    std::vector<Type> elems;
    elems.reserve(j[1].size());
    for (const auto& sub : j[1]) {
      auto t = FromJsonValue(sub, depth + 1);
      if (!t.ok()) return t.status();
      elems.push_back(*std::move(t));
    }
    return Type::Tuple(std::move(elems));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid type kind \"", kind, "\""));
}

}  // namespace

Type::Type() : kind_(Kind::kDynamic) {}
Type::Type(Kind kind, std::shared_ptr<const Detail> detail)
    : kind_(kind), detail_(std::move(detail)) {}

Type Type::String() { return Type(Kind::kString, nullptr); }
Type Type::Number() { return Type(Kind::kNumber, nullptr); }
Type Type::Bool() { return Type(Kind::kBool, nullptr); }
Type Type::Dynamic() { return Type(Kind::kDynamic, nullptr); }

Type Type::List(Type element) {
  auto d = std::make_shared<Detail>();
  d->has_dynamic = element.HasDynamic();
  d->element = std::move(element);
  return Type(Kind::kList, std::move(d));
}
Type Type::Set(Type element) {
  auto d = std::make_shared<Detail>();
  d->has_dynamic = element.HasDynamic();
  d->element = std::move(element);
  return Type(Kind::kSet, std::move(d));
}
Type Type::Map(Type element) {
  auto d = std::make_shared<Detail>();
  d->has_dynamic = element.HasDynamic();
  d->element = std::move(element);
  return Type(Kind::kMap, std::move(d));
}
Type Type::Object(std::map<std::string, Type> attributes,
                  std::set<std::string> optional) {
  auto d = std::make_shared<Detail>();
  for (const auto& [name, t] : attributes) {
    if (t.HasDynamic()) d->has_dynamic = true;
  }
  d->attributes = std::move(attributes);
  d->optional = std::move(optional);
  return Type(Kind::kObject, std::move(d));
}
Type Type::Tuple(std::vector<Type> elements) {
  auto d = std::make_shared<Detail>();
  for (const auto& t : elements) {
    if (t.HasDynamic()) d->has_dynamic = true;
  }
  d->elements = std::move(elements);
  return Type(Kind::kTuple, std::move(d));
}

bool Type::IsPrimitive() const {
  return kind_ == Kind::kString || kind_ == Kind::kNumber ||
         kind_ == Kind::kBool;
}
bool Type::IsCollection() const {
  return kind_ == Kind::kList || kind_ == Kind::kSet || kind_ == Kind::kMap;
}

const Type& Type::ElementType() const {
  if (!IsCollection() || !detail_) return DynamicType();
  return detail_->element;
}
const std::map<std::string, Type>& Type::AttributeTypes() const {
  if (kind_ != Kind::kObject || !detail_) return EmptyAttributes();
  return detail_->attributes;
}
const std::set<std::string>& Type::OptionalAttributes() const {
  if (kind_ != Kind::kObject || !detail_) return EmptyOptional();
  return detail_->optional;
}
const std::vector<Type>& Type::TupleElementTypes() const {
  if (kind_ != Kind::kTuple || !detail_) return EmptyElements();
  return detail_->elements;
}

bool Type::HasDynamic() const {
  if (kind_ == Kind::kDynamic) return true;
  return detail_ && detail_->has_dynamic;
}

bool Type::operator==(const Type& other) const {
  if (kind_ != other.kind_) return false;
  if (detail_ == other.detail_) return true;
  if (!detail_ || !other.detail_) return false;
  switch (kind_) {
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap:
      return detail_->element == other.detail_->element;
    case Kind::kObject:
      // Optional markers only matter to type-constraint conversion, and
      // ToJson never emits them, so they do not distinguish types.
      return detail_->attributes == other.detail_->attributes;
    case Kind::kTuple:
      return detail_->elements == other.detail_->elements;
    default:
      return true;
  }
}

std::string Type::ToJson() const {
  switch (kind_) {
    case Kind::kString:
      return "\"string\"";
    case Kind::kNumber:
      return "\"number\"";
    case Kind::kBool:
      return "\"bool\"";
    case Kind::kDynamic:
      return "\"dynamic\"";
    case Kind::kList:
      return absl::StrCat("[\"list\",", ElementType().ToJson(), "]");
    case Kind::kSet:
      return absl::StrCat("[\"set\",", ElementType().ToJson(), "]");
    case Kind::kMap:
      return absl::StrCat("[\"map\",", ElementType().ToJson(), "]");
    case Kind::kObject: {
      // The optional-attribute marker form is never emitted: Terraform 0.13
      // rejects the 3-element array.
      std::string out = "[\"object\",{";
      bool first = true;
      for (const auto& [name, t] : AttributeTypes()) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, name);
        out += ':';
        out += t.ToJson();
      }
      out += "}]";
      return out;
    }
    case Kind::kTuple: {
      std::string out = "[\"tuple\",[";
      bool first = true;
      for (const auto& t : TupleElementTypes()) {
        if (!first) out += ',';
        first = false;
        out += t.ToJson();
      }
      out += "]]";
      return out;
    }
  }
  return "\"dynamic\"";
}

absl::StatusOr<Type> Type::FromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json.begin(), json.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError("type JSON is not valid JSON");
  }
  return FromJsonValue(j, 0);
}

std::string Type::FriendlyName() const {
  switch (kind_) {
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kBool:
      return "bool";
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kList:
      return "list of " + ElementType().FriendlyName();
    case Kind::kSet:
      return "set of " + ElementType().FriendlyName();
    case Kind::kMap:
      return "map of " + ElementType().FriendlyName();
    case Kind::kObject:
      return "object";
    case Kind::kTuple:
      return "tuple";
  }
  return "dynamic";
}

}  // namespace secureaml::tf
