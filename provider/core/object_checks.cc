#include "provider/core/object_checks.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace secureaml::core {
namespace {

using tf::AttributePath;
using tf::Type;
using tf::Value;
using Kind = tf::Type::Kind;

const Value& DynamicNull() {
  static const Value* const kNull = new Value();
  return *kNull;
}

bool IsListLike(Kind k) {
  return k == Kind::kList || k == Kind::kSet || k == Kind::kTuple;
}
bool IsMapLike(Kind k) { return k == Kind::kMap || k == Kind::kObject; }

Value ReplaceUnknownsAt(const Value& v, const Value* fallback,
                        const AttributePath& path,
                        std::vector<AttributePath>* found) {
  if (v.IsUnknown()) {
    if (found != nullptr) found->push_back(path);
    if (fallback != nullptr && fallback->IsKnown() &&
        (fallback->type() == v.type() || v.type().IsDynamic()) &&
        fallback->IsWhollyKnown()) {
      return *fallback;
    }
    return Value::Null(v.type());
  }
  if (v.IsNull() || v.IsWhollyKnown()) return v;
  const Kind kind = v.type().kind();
  const bool fb_usable = fallback != nullptr && fallback->IsKnown() &&
                         fallback->type().kind() == kind;
  if (IsMapLike(kind)) {
    std::map<std::string, Value> entries;
    for (const auto& [key, child] : v.Entries()) {
      const Value* fb = nullptr;
      if (fb_usable) {
        auto it = fallback->Entries().find(key);
        if (it != fallback->Entries().end()) fb = &it->second;
      }
      AttributePath child_path =
          kind == Kind::kObject ? path.Attr(key) : path.Key(key);
      entries.emplace(key, ReplaceUnknownsAt(child, fb, child_path, found));
    }
    return WithEntries(v, std::move(entries));
  }
  if (IsListLike(kind)) {
    std::vector<Value> elements;
    const std::vector<Value>& in = v.Elements();
    elements.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      if (kind == Kind::kSet) {
        // Set elements have no address: report the set itself, once.
        std::vector<AttributePath> inner;
        elements.push_back(ReplaceUnknownsAt(in[i], nullptr, path, &inner));
        if (found != nullptr && !inner.empty() &&
            (found->empty() || found->back() != path)) {
          found->push_back(path);
        }
        continue;
      }
      const Value* fb = nullptr;
      if (fb_usable && i < fallback->Elements().size()) {
        fb = &fallback->Elements()[i];
      }
      elements.push_back(ReplaceUnknownsAt(
          in[i], fb, path.Index(static_cast<int64_t>(i)), found));
    }
    return WithElements(v, std::move(elements));
  }
  return v;
}

void CheckCompatibleAt(const Value& planned, const Value& actual,
                       const AttributePath& path,
                       std::vector<Inconsistency>* out) {
  if (planned.IsUnknown()) {
    if (planned.refinements().is_null == false && actual.IsNull()) {
      out->push_back({path, "was planned as not null, but is now null"});
    }
    return;
  }
  if (actual.IsUnknown()) {
    out->push_back({path, "was known, but now unknown"});
    return;
  }
  if (planned.IsNull() || actual.IsNull()) {
    if (planned.IsNull() && !actual.IsNull()) {
      out->push_back({path, "was null, but now has a value"});
    } else if (!planned.IsNull() && actual.IsNull()) {
      out->push_back({path, "had a planned value, but is now null"});
    }
    return;
  }
  const Kind kind = planned.type().kind();
  if (actual.type().kind() != kind) {
    out->push_back({path, "changed type"});
    return;
  }
  if (planned.type().IsPrimitive()) {
    if (planned != actual) {
      out->push_back({path, "planned value changed after apply"});
    }
    return;
  }
  switch (kind) {
    case Kind::kObject:
      for (const auto& [name, pv] : planned.Entries()) {
        CheckCompatibleAt(pv, AttrOrNull(actual, name), path.Attr(name), out);
      }
      return;
    case Kind::kMap: {
      const auto& pe = planned.Entries();
      const auto& ae = actual.Entries();
      for (const auto& [key, pv] : pe) {
        auto it = ae.find(key);
        if (it == ae.end()) {
          out->push_back({path.Key(key), "planned element has vanished"});
          continue;
        }
        CheckCompatibleAt(pv, it->second, path.Key(key), out);
      }
      for (const auto& [key, av] : ae) {
        if (!pe.count(key)) {
          out->push_back({path.Key(key), "unplanned element appeared"});
        }
      }
      return;
    }
    case Kind::kList:
    case Kind::kTuple: {
      const auto& pe = planned.Elements();
      const auto& ae = actual.Elements();
      if (pe.size() != ae.size()) {
        out->push_back({path, absl::StrCat("element count changed from ",
                                           pe.size(), " to ", ae.size())});
        return;
      }
      for (size_t i = 0; i < pe.size(); ++i) {
        CheckCompatibleAt(pe[i], ae[i], path.Index(static_cast<int64_t>(i)),
                          out);
      }
      return;
    }
    case Kind::kSet:
      // Unknown set elements may collapse into fewer actual elements, so
      // only a wholly known planned set is held to exact equality.
      if (planned.IsWhollyKnown() && planned != actual) {
        out->push_back({path, "planned set elements changed after apply"});
      }
      return;
    default:
      if (planned != actual) {
        out->push_back({path, "planned value changed after apply"});
      }
      return;
  }
}

Value EmptyCollection(const Type& t) {
  switch (t.kind()) {
    case Kind::kList:
      return Value::List(t.ElementType(), {});
    case Kind::kSet:
      return Value::Set(t.ElementType(), {});
    case Kind::kTuple:
      return Value::Tuple({});
    case Kind::kMap:
      return Value::Map(t.ElementType(), {});
    case Kind::kObject:
      return Value::Object(t, {});
    default:
      return Value::Null(t);
  }
}

}  // namespace

bool NullSafeEqual(const Value& a, const Value& b) {
  if (a.IsNull() && b.IsNull()) return true;
  return a == b;
}

const Value& AttrOrNull(const Value& object, std::string_view name) {
  if (!object.IsKnown() || object.type().kind() != Kind::kObject) {
    return DynamicNull();
  }
  return object.GetAttr(name);
}

Value WithElements(const Value& like, std::vector<Value> elements) {
  switch (like.type().kind()) {
    case Kind::kList:
      return Value::List(like.type().ElementType(), std::move(elements));
    case Kind::kSet:
      return Value::Set(like.type().ElementType(), std::move(elements));
    default:
      return Value::Tuple(std::move(elements));
  }
}

Value WithEntries(const Value& like, std::map<std::string, Value> entries) {
  if (like.type().kind() == Kind::kMap) {
    return Value::Map(like.type().ElementType(), std::move(entries));
  }
  return Value::Object(like.type(), std::move(entries));
}

Value ReplaceUnknowns(const Value& value, const Value* fallback,
                      std::vector<AttributePath>* found) {
  return ReplaceUnknownsAt(value, fallback, AttributePath(), found);
}

std::vector<Inconsistency> CheckCompatible(const Value& planned,
                                           const Value& actual) {
  std::vector<Inconsistency> out;
  CheckCompatibleAt(planned, actual, AttributePath(), &out);
  return out;
}

Value NormalizeBlockValue(const tf::Block& block, const Value& value) {
  if (!value.IsKnown() || value.type().kind() != Kind::kObject) return value;
  const auto& in = value.Entries();
  std::map<std::string, Value> entries;
  for (const tf::Attribute& attr : block.attributes) {
    auto it = in.find(attr.name);
    entries.emplace(attr.name,
                    it != in.end() && !(it->second.IsNull() &&
                                        it->second.type() != attr.type)
                        ? it->second
                        : Value::Null(attr.type));
  }
  for (const tf::NestedBlock& nb : block.blocks) {
    const Type t = nb.ImpliedType();
    auto it = in.find(nb.type_name);
    Value v = it != in.end() ? it->second : Value::Null(t);
    Value out;
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
        out = v.IsNull() ? Value::Null(t) : NormalizeBlockValue(nb.block, v);
        break;
      case tf::Nesting::kGroup:
        out = NormalizeBlockValue(nb.block,
                                  v.IsNull() ? Value::Object(t, {}) : v);
        break;
      case tf::Nesting::kList:
      case tf::Nesting::kSet:
        if (v.IsNull()) {
          out = EmptyCollection(t);
        } else if (v.IsKnown() && IsListLike(v.type().kind())) {
          std::vector<Value> elements;
          for (const Value& e : v.Elements()) {
            elements.push_back(NormalizeBlockValue(nb.block, e));
          }
          if (t.kind() == Kind::kList) {
            out = Value::List(t.ElementType(), std::move(elements));
          } else if (t.kind() == Kind::kSet) {
            out = Value::Set(t.ElementType(), std::move(elements));
          } else {
            out = Value::Tuple(std::move(elements));
          }
        } else {
          out = v;
        }
        break;
      case tf::Nesting::kMap:
        if (v.IsNull()) {
          out = EmptyCollection(t);
        } else if (v.IsKnown() && IsMapLike(v.type().kind())) {
          std::map<std::string, Value> elements;
          for (const auto& [key, e] : v.Entries()) {
            elements.emplace(key, NormalizeBlockValue(nb.block, e));
          }
          out = t.kind() == Kind::kMap
                    ? Value::Map(t.ElementType(), std::move(elements))
                    : Value::Object(t, std::move(elements));
        } else {
          out = v;
        }
        break;
    }
    entries.emplace(nb.type_name, std::move(out));
  }
  return Value::Object(block.ImpliedType(), std::move(entries));
}

}  // namespace secureaml::core
