#include "provider/value/value.h"

#include <algorithm>
#include <cassert>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "provider/value/codec_internal.h"

namespace secureaml::tf {

struct Value::Payload {
  // Which alternative is live follows from the value's type: primitives
  // hold their scalar, list/set/tuple a vector, map/object a map, and
  // unknowns their refinements.
  std::variant<std::monostate, std::string, tf::Number, bool,
               std::vector<Value>, std::map<std::string, Value>,
               UnknownRefinements>
      data;
};

namespace {

const Value& NullDynamic() {
  static const Value* v = new Value();
  return *v;
}
const std::string& EmptyString() {
  static const auto* s = new std::string();
  return *s;
}
const tf::Number& ZeroNumber() {
  static const auto* n = new tf::Number();
  return *n;
}
const std::vector<Value>& EmptyVector() {
  static const auto* v = new std::vector<Value>();
  return *v;
}
const std::map<std::string, Value>& EmptyMap() {
  static const auto* m = new std::map<std::string, Value>();
  return *m;
}
const UnknownRefinements& NoRefinements() {
  static const auto* r = new UnknownRefinements();
  return *r;
}

template <typename T>
int Cmp3(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// A total order on types, only needed to sort sets of dynamic elements.
int CompareTypes(const Type& a, const Type& b) {
  if (a.kind() != b.kind()) {
    return Cmp3(static_cast<int>(a.kind()), static_cast<int>(b.kind()));
  }
  switch (a.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      return CompareTypes(a.ElementType(), b.ElementType());
    case Type::Kind::kObject: {
      const auto& ma = a.AttributeTypes();
      const auto& mb = b.AttributeTypes();
      auto ia = ma.begin();
      auto ib = mb.begin();
      for (; ia != ma.end() && ib != mb.end(); ++ia, ++ib) {
        int c = ia->first.compare(ib->first);
        if (c != 0) return c < 0 ? -1 : 1;
        c = CompareTypes(ia->second, ib->second);
        if (c != 0) return c;
      }
      if (ia != ma.end()) return 1;
      if (ib != mb.end()) return -1;
      return 0;
    }
    case Type::Kind::kTuple: {
      const auto& va = a.TupleElementTypes();
      const auto& vb = b.TupleElementTypes();
      for (size_t i = 0; i < va.size() && i < vb.size(); ++i) {
        int c = CompareTypes(va[i], vb[i]);
        if (c != 0) return c;
      }
      return Cmp3(va.size(), vb.size());
    }
    default:
      return 0;
  }
}

}  // namespace

// Canonical total order on values: sets are stored sorted by it, which makes
// set equality and set encoding deterministic and dedupe O(n log n) even for
// hostile inputs with millions of elements.
int CompareValues(const Value& a, const Value& b);

namespace {

int CompareVectors(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareValues(a[i], b[i]);
    if (c != 0) return c;
  }
  return Cmp3(a.size(), b.size());
}

int CompareMaps(const std::map<std::string, Value>& a,
                const std::map<std::string, Value>& b) {
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    int c = ia->first.compare(ib->first);
    if (c != 0) return c < 0 ? -1 : 1;
    c = CompareValues(ia->second, ib->second);
    if (c != 0) return c;
  }
  if (ia != a.end()) return 1;
  if (ib != b.end()) return -1;
  return 0;
}

int StateRank(const Value& v) {
  if (v.IsNull()) return 0;
  if (v.IsUnknown()) return 1;
  return 2;
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  // Elements of one collection almost always share their type.
  if (!(a.type() == b.type())) {
    int c = CompareTypes(a.type(), b.type());
    if (c != 0) return c;
  }
  int c;
  c = Cmp3(StateRank(a), StateRank(b));
  if (c != 0) return c;
  if (a.IsNull()) return 0;
  if (a.IsUnknown()) {
    const auto& ra = a.refinements();
    const auto& rb = b.refinements();
    c = Cmp3(ra.is_null, rb.is_null);
    if (c != 0) return c;
    return Cmp3(ra.string_prefix, rb.string_prefix);
  }
  switch (a.type().kind()) {
    case Type::Kind::kString: {
      int s = a.AsString().compare(b.AsString());
      return s < 0 ? -1 : (s > 0 ? 1 : 0);
    }
    case Type::Kind::kNumber:
      return a.AsNumber().Compare(b.AsNumber());
    case Type::Kind::kBool:
      return Cmp3(a.AsBool(), b.AsBool());
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple:
      return CompareVectors(a.Elements(), b.Elements());
    case Type::Kind::kMap:
    case Type::Kind::kObject:
      return CompareMaps(a.Entries(), b.Entries());
    case Type::Kind::kDynamic:
      return 0;
  }
  return 0;
}

Value::Value() : type_(Type::Dynamic()), state_(State::kNull) {}

Value::Value(Type type, State state, std::shared_ptr<const Payload> payload)
    : type_(std::move(type)), state_(state), payload_(std::move(payload)) {}

Value Value::Null(Type type) {
  return Value(std::move(type), State::kNull, nullptr);
}

Value Value::Unknown(Type type, UnknownRefinements refinements) {
  // Refinements on the dynamic pseudo-type mean nothing (cty ignores them);
  // a prefix only makes sense for strings.
  if (type.IsDynamic()) refinements = UnknownRefinements();
  if (type.kind() != Type::Kind::kString) refinements.string_prefix.reset();
  if (refinements.string_prefix &&
      refinements.string_prefix->size() > kMaxRefinedPrefixBytes) {
    std::string& prefix = *refinements.string_prefix;
    size_t cut = kMaxRefinedPrefixBytes;
    while (cut > 0 &&
           (static_cast<unsigned char>(prefix[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    prefix.resize(cut);
  }
  if (refinements.string_prefix && refinements.string_prefix->empty()) {
    refinements.string_prefix.reset();
  }
  // "Definitely null" is not an unknown at all; decoders turn it into a
  // null, here it is simply dropped.
  if (refinements.is_null == true) refinements.is_null.reset();
  if (!refinements.is_null && !refinements.string_prefix) {
    return Value(std::move(type), State::kUnknown, nullptr);
  }
  auto p = std::make_shared<Payload>();
  p->data = std::move(refinements);
  return Value(std::move(type), State::kUnknown, std::move(p));
}

Value Value::String(std::string s) {
  auto p = std::make_shared<Payload>();
  p->data = std::move(s);
  return Value(Type::String(), State::kKnown, std::move(p));
}

Value Value::NumberValue(tf::Number n) {
  auto p = std::make_shared<Payload>();
  p->data = std::move(n);
  return Value(Type::Number(), State::kKnown, std::move(p));
}

Value Value::Bool(bool b) {
  // Two shared payloads serve every bool.
  auto make = [](bool x) {
    auto p = std::make_shared<Payload>();
    p->data.emplace<bool>(x);
    return new std::shared_ptr<const Payload>(std::move(p));
  };
  static const auto* t = make(true);
  static const auto* f = make(false);
  return Value(Type::Bool(), State::kKnown, b ? *t : *f);
}

Value Value::List(Type element_type, std::vector<Value> elements) {
  auto p = std::make_shared<Payload>();
  p->data = std::move(elements);
  return Value(Type::List(std::move(element_type)), State::kKnown,
               std::move(p));
}

namespace {

void SortAndDedupe(std::vector<Value>& elements) {
  std::sort(
      elements.begin(), elements.end(),
      [](const Value& a, const Value& b) { return CompareValues(a, b) < 0; });
  // As in cty, only known elements collapse: each unknown element stands for
  // a value of its own (two unknown zone IDs are two zones), so a plan must
  // keep every one of them or Terraform rejects it as not matching config.
  elements.erase(std::unique(elements.begin(), elements.end(),
                             [](const Value& a, const Value& b) {
                               return a.IsWhollyKnown() &&
                                      CompareValues(a, b) == 0;
                             }),
                 elements.end());
}

}  // namespace

Value ValueInternal::Sequence(const Type& type, std::vector<Value> elements) {
  if (type.kind() == Type::Kind::kSet) SortAndDedupe(elements);
  auto p = std::make_shared<Value::Payload>();
  p->data = std::move(elements);
  return Value(type, Value::State::kKnown, std::move(p));
}

Value ValueInternal::Map(const Type& type,
                         std::map<std::string, Value> entries) {
  auto p = std::make_shared<Value::Payload>();
  p->data = std::move(entries);
  return Value(type, Value::State::kKnown, std::move(p));
}

Value Value::Set(Type element_type, std::vector<Value> elements) {
  SortAndDedupe(elements);
  auto p = std::make_shared<Payload>();
  p->data = std::move(elements);
  return Value(Type::Set(std::move(element_type)), State::kKnown, std::move(p));
}

Value Value::Map(Type element_type, std::map<std::string, Value> elements) {
  auto p = std::make_shared<Payload>();
  p->data = std::move(elements);
  return Value(Type::Map(std::move(element_type)), State::kKnown, std::move(p));
}

Value Value::Object(std::map<std::string, Value> attributes) {
  std::map<std::string, Type> types;
  for (const auto& [name, v] : attributes) types.emplace(name, v.type());
  auto p = std::make_shared<Payload>();
  p->data = std::move(attributes);
  return Value(Type::Object(std::move(types)), State::kKnown, std::move(p));
}

namespace {

// A dynamic null/unknown placed where a concrete type is expected takes
// that type, so Value() can stand for "null" anywhere.
Value Retype(Value v, const Type& want) {
  if (v.type().IsDynamic() && !want.IsDynamic()) {
    if (v.IsNull()) return Value::Null(want);
    if (v.IsUnknown()) return Value::Unknown(want);
  }
  return v;
}

}  // namespace

Value Value::Object(const Type& object_type,
                    std::map<std::string, Value> attributes) {
  // Decoders hand over exactly the type's attributes: keep their map
  // rather than rebuilding it.
  const auto& types = object_type.AttributeTypes();
  if (attributes.size() == types.size()) {
    bool same_keys = true;
    auto ti = types.begin();
    for (auto ai = attributes.begin(); ai != attributes.end(); ++ai, ++ti) {
      if (ai->first != ti->first) {
        same_keys = false;
        break;
      }
    }
    if (same_keys) {
      ti = types.begin();
      for (auto& [name, v] : attributes) {
        if (v.type().IsDynamic() && !v.IsKnown()) {
          v = Retype(std::move(v), ti->second);
        }
        ++ti;
      }
      auto p = std::make_shared<Payload>();
      p->data = std::move(attributes);
      return Value(object_type, State::kKnown, std::move(p));
    }
  }
  std::map<std::string, Value> out;
  auto hint = out.end();
  size_t used = 0;
  for (const auto& [name, t] : object_type.AttributeTypes()) {
    auto it = attributes.find(name);
    if (it == attributes.end()) {
      hint = out.emplace_hint(hint, name, Null(t));
    } else {
      ++used;
      hint = out.emplace_hint(hint, name, Retype(std::move(it->second), t));
    }
  }
  // Attributes the type does not have are dropped: the type is the
  // contract the encoders check against. (Missing ones are fine: nulls.)
  assert(used == attributes.size() && "attribute not in object type");
  (void)used;
  auto p = std::make_shared<Payload>();
  p->data = std::move(out);
  return Value(object_type, State::kKnown, std::move(p));
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const auto& v : elements) types.push_back(v.type());
  auto p = std::make_shared<Payload>();
  p->data = std::move(elements);
  return Value(Type::Tuple(std::move(types)), State::kKnown, std::move(p));
}

Value Value::StringList(const std::vector<std::string>& items) {
  std::vector<Value> v;
  v.reserve(items.size());
  for (const auto& s : items) v.push_back(String(s));
  return List(Type::String(), std::move(v));
}

Value Value::StringSet(const std::vector<std::string>& items) {
  std::vector<Value> v;
  v.reserve(items.size());
  for (const auto& s : items) v.push_back(String(s));
  return Set(Type::String(), std::move(v));
}

Value Value::StringMap(const std::map<std::string, std::string>& items) {
  std::map<std::string, Value> m;
  for (const auto& [k, s] : items) m.emplace_hint(m.end(), k, String(s));
  return Map(Type::String(), std::move(m));
}

bool Value::IsWhollyKnown() const {
  if (IsUnknown()) return false;
  if (IsNull()) return true;
  switch (type_.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple:
      for (const auto& e : Elements()) {
        if (!e.IsWhollyKnown()) return false;
      }
      return true;
    case Type::Kind::kMap:
    case Type::Kind::kObject:
      for (const auto& [k, e] : Entries()) {
        if (!e.IsWhollyKnown()) return false;
      }
      return true;
    default:
      return true;
  }
}

const UnknownRefinements& Value::refinements() const {
  if (IsUnknown() && payload_) {
    if (auto* r = std::get_if<UnknownRefinements>(&payload_->data)) return *r;
  }
  return NoRefinements();
}

const std::string& Value::AsString() const {
  assert(IsKnown() && type_.kind() == Type::Kind::kString);
  if (IsKnown() && payload_) {
    if (auto* s = std::get_if<std::string>(&payload_->data)) return *s;
  }
  return EmptyString();
}

const tf::Number& Value::AsNumber() const {
  assert(IsKnown() && type_.kind() == Type::Kind::kNumber);
  if (IsKnown() && payload_) {
    if (auto* n = std::get_if<tf::Number>(&payload_->data)) return *n;
  }
  return ZeroNumber();
}

bool Value::AsBool() const {
  assert(IsKnown() && type_.kind() == Type::Kind::kBool);
  if (IsKnown() && payload_) {
    if (auto* b = std::get_if<bool>(&payload_->data)) return *b;
  }
  return false;
}

const std::vector<Value>& Value::Elements() const {
  if (IsKnown() && payload_) {
    if (auto* v = std::get_if<std::vector<Value>>(&payload_->data)) return *v;
  }
  return EmptyVector();
}

const std::map<std::string, Value>& Value::Entries() const {
  if (IsKnown() && payload_) {
    if (auto* m = std::get_if<std::map<std::string, Value>>(&payload_->data)) {
      return *m;
    }
  }
  return EmptyMap();
}

const Value& Value::GetAttr(std::string_view name) const {
  if (type_.kind() != Type::Kind::kObject) return NullDynamic();
  const auto& m = Entries();
  auto it = m.find(std::string(name));
  if (it == m.end()) return NullDynamic();
  return it->second;
}

bool Value::HasAttr(std::string_view name) const {
  return type_.kind() == Type::Kind::kObject &&
         type_.AttributeTypes().count(std::string(name)) > 0;
}

Value Value::WithAttr(const std::string& name, Value v) const {
  assert(type_.kind() == Type::Kind::kObject);
  if (type_.kind() != Type::Kind::kObject) return *this;
  std::map<std::string, Value> m = Entries();
  const auto& types = type_.AttributeTypes();
  auto t = types.find(name);
  Type type = type_;
  if (t != types.end()) {
    v = Retype(std::move(v), t->second);
  } else {
    std::map<std::string, Type> nt = types;
    nt.emplace(name, v.type());
    type = Type::Object(std::move(nt), type_.OptionalAttributes());
  }
  if (!IsKnown()) {
    // Setting an attribute on a null/unknown object materialises it with
    // typed nulls elsewhere.
    m.clear();
    for (const auto& [n, at] : type.AttributeTypes()) m.emplace(n, Null(at));
  }
  m[name] = std::move(v);
  auto p = std::make_shared<Payload>();
  p->data = std::move(m);
  return Value(std::move(type), State::kKnown, std::move(p));
}

std::optional<std::string> Value::GetString(std::string_view name) const {
  const Value& v = GetAttr(name);
  if (!v.IsKnown() || v.type().kind() != Type::Kind::kString) {
    return std::nullopt;
  }
  return v.AsString();
}

std::optional<bool> Value::GetBool(std::string_view name) const {
  const Value& v = GetAttr(name);
  if (!v.IsKnown() || v.type().kind() != Type::Kind::kBool) {
    return std::nullopt;
  }
  return v.AsBool();
}

std::optional<int64_t> Value::GetInt(std::string_view name) const {
  const Value& v = GetAttr(name);
  if (!v.IsKnown() || v.type().kind() != Type::Kind::kNumber) {
    return std::nullopt;
  }
  return v.AsNumber().ToInt64();
}

std::vector<std::string> Value::GetStringList(std::string_view name) const {
  std::vector<std::string> out;
  const Value& v = GetAttr(name);
  for (const auto& e : v.Elements()) {
    if (e.IsKnown() && e.type().kind() == Type::Kind::kString) {
      out.push_back(e.AsString());
    }
  }
  return out;
}

std::map<std::string, std::string> Value::GetStringMap(
    std::string_view name) const {
  std::map<std::string, std::string> out;
  const Value& v = GetAttr(name);
  if (v.type().kind() != Type::Kind::kMap) return out;
  for (const auto& [k, e] : v.Entries()) {
    if (e.IsKnown() && e.type().kind() == Type::Kind::kString) {
      out.emplace(k, e.AsString());
    }
  }
  return out;
}

std::optional<Value> Value::AtPath(const AttributePath& path) const {
  const Value* cur = this;
  for (const auto& step : path.steps()) {
    if (!cur->IsKnown()) return std::nullopt;
    const auto kind = cur->type().kind();
    switch (step.kind) {
      case AttributePath::Step::Kind::kAttribute:
      case AttributePath::Step::Kind::kKeyString: {
        if (kind != Type::Kind::kObject && kind != Type::Kind::kMap) {
          return std::nullopt;
        }
        const auto& m = cur->Entries();
        auto it = m.find(step.name);
        if (it == m.end()) return std::nullopt;
        cur = &it->second;
        break;
      }
      case AttributePath::Step::Kind::kKeyInt: {
        if (kind != Type::Kind::kList && kind != Type::Kind::kTuple) {
          return std::nullopt;
        }
        const auto& v = cur->Elements();
        if (step.index < 0 || static_cast<uint64_t>(step.index) >= v.size()) {
          return std::nullopt;
        }
        cur = &v[static_cast<size_t>(step.index)];
        break;
      }
    }
  }
  return *cur;
}

bool Value::operator==(const Value& other) const {
  if (state_ != other.state_) return false;
  if (!(type_ == other.type_)) return false;
  if (payload_ == other.payload_) return true;
  return CompareValues(*this, other) == 0;
}

namespace {

Value TransformImpl(
    const Value& v, const AttributePath& path,
    const std::function<Value(const AttributePath&, const Value&)>& fn) {
  if (!v.IsKnown()) return fn(path, v);
  const Type& t = v.type();
  switch (t.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kTuple: {
      std::vector<Value> out;
      out.reserve(v.Elements().size());
      int64_t i = 0;
      for (const auto& e : v.Elements()) {
        out.push_back(TransformImpl(e, path.Index(i++), fn));
      }
      Value rebuilt = t.kind() == Type::Kind::kList
                          ? Value::List(t.ElementType(), std::move(out))
                          : Value::Tuple(std::move(out));
      return fn(path, rebuilt);
    }
    case Type::Kind::kSet: {
      // Set elements have no address of their own: they see the set's path.
      std::vector<Value> out;
      out.reserve(v.Elements().size());
      for (const auto& e : v.Elements()) {
        out.push_back(TransformImpl(e, path, fn));
      }
      return fn(path, Value::Set(t.ElementType(), std::move(out)));
    }
    case Type::Kind::kMap: {
      std::map<std::string, Value> out;
      for (const auto& [k, e] : v.Entries()) {
        out.emplace_hint(out.end(), k, TransformImpl(e, path.Key(k), fn));
      }
      return fn(path, Value::Map(t.ElementType(), std::move(out)));
    }
    case Type::Kind::kObject: {
      std::map<std::string, Value> out;
      for (const auto& [k, e] : v.Entries()) {
        out.emplace_hint(out.end(), k, TransformImpl(e, path.Attr(k), fn));
      }
      return fn(path, Value::Object(t, std::move(out)));
    }
    default:
      return fn(path, v);
  }
}

void AppendQuotedString(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(
          &out, "\\x",
          absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendDebug(std::string& out, const Value& v) {
  if (v.IsNull()) {
    out += "null";
    return;
  }
  if (v.IsUnknown()) {
    out += "(unknown";
    if (!v.type().IsDynamic())
      absl::StrAppend(&out, " ", v.type().FriendlyName());
    const auto& r = v.refinements();
    if (r.is_null.has_value() && !*r.is_null) out += ", not null";
    if (r.string_prefix) {
      out += ", prefix ";
      AppendQuotedString(out, *r.string_prefix);
    }
    out += ")";
    return;
  }
  switch (v.type().kind()) {
    case Type::Kind::kString:
      AppendQuotedString(out, v.AsString());
      return;
    case Type::Kind::kNumber:
      out += v.AsNumber().ToString();
      return;
    case Type::Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      return;
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple: {
      if (v.type().kind() == Type::Kind::kSet) out += "set";
      if (v.type().kind() == Type::Kind::kTuple) out += "tuple";
      out += '[';
      bool first = true;
      for (const auto& e : v.Elements()) {
        if (!first) out += ", ";
        first = false;
        AppendDebug(out, e);
      }
      out += ']';
      return;
    }
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      bool is_map = v.type().kind() == Type::Kind::kMap;
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.Entries()) {
        if (!first) out += ", ";
        first = false;
        if (is_map) {
          AppendQuotedString(out, k);
        } else {
          out += k;
        }
        out += '=';
        AppendDebug(out, e);
      }
      out += '}';
      return;
    }
    case Type::Kind::kDynamic:
      out += "?";
      return;
  }
}

}  // namespace

Value Value::Transform(
    const std::function<Value(const AttributePath&, const Value&)>& fn) const {
  return TransformImpl(*this, AttributePath(), fn);
}

std::string Value::DebugString() const {
  std::string out;
  AppendDebug(out, *this);
  return out;
}

}  // namespace secureaml::tf
