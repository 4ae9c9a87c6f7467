#include "tests/conformance/semantics.h"

#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/value/codec.h"

namespace secureaml::conformance {
namespace {

using Kind = tf::Type::Kind;
using tf::Type;
using tf::Value;

CtyPath Append(const CtyPath& p, CtyStep s) {
  CtyPath out = p;
  out.push_back(std::move(s));
  return out;
}
CtyStep AttrStep(std::string name) {
  CtyStep s;
  s.kind = CtyStep::Kind::kAttr;
  s.name = std::move(name);
  return s;
}
CtyStep IndexStep(int64_t i) {
  CtyStep s;
  s.kind = CtyStep::Kind::kIndex;
  s.index = i;
  return s;
}
CtyStep KeyStep(std::string k) {
  CtyStep s;
  s.kind = CtyStep::Kind::kKey;
  s.name = std::move(k);
  return s;
}
CtyStep SetStep(Value e) {
  CtyStep s;
  s.kind = CtyStep::Kind::kSetElement;
  s.element = std::move(e);
  return s;
}

PathError Err(const CtyPath& p, std::string msg) {
  return PathError{p, std::move(msg)};
}

// Go's strconv.Quote for the ASCII/UTF-8 cases we meet.
std::string GoQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

// prior.GetAttr with cty's short-circuits for null/unknown objects.
Value GetAttrOf(const Value& obj, const std::string& name, const Type& t) {
  if (obj.IsNull()) return Value::Null(t);
  if (obj.IsUnknown()) return Value::Unknown(t);
  if (!obj.HasAttr(name)) return Value::Null(t);
  return obj.GetAttr(name);
}

Value StripRefinements(const Value& v) {
  return v.Transform([](const tf::AttributePath&, const Value& x) {
    if (x.IsUnknown()) return Value::Unknown(x.type());
    return x;
  });
}

int64_t Length(const Value& v) {
  if (!v.IsKnown()) return 0;
  switch (v.type().kind()) {
    case Kind::kList:
    case Kind::kSet:
    case Kind::kTuple:
      return static_cast<int64_t>(v.Elements().size());
    case Kind::kMap:
    case Kind::kObject:
      return static_cast<int64_t>(v.Entries().size());
    default:
      return 0;
  }
}

// --- ProposedNew -----------------------------------------------------------

struct NestedSchema {
  const ConfigBlock* block = nullptr;
  const ConfigObject* object = nullptr;
};

Value ProposedNewImpl(const ConfigBlock& schema, const Value& prior,
                      const Value& config);
Value ProposedNewNestedType(const ConfigObject& schema, const Value& prior,
                            const Value& config);
std::map<std::string, Value> ProposedNewAttributes(
    const std::map<std::string, ConfigAttribute>& attrs, const Value& prior,
    const Value& config);

// Attribute lookup along a path (configschema AttributeByPath): index steps
// are skipped, attributes of nested types descended into.
const ConfigAttribute* ObjectAttributeByPath(const ConfigObject& o,
                                             const CtyPath& path, size_t from);

const ConfigAttribute* BlockAttributeByPath(const ConfigBlock& b,
                                            const CtyPath& path, size_t from) {
  const ConfigBlock* block = &b;
  for (size_t i = from; i < path.size(); ++i) {
    const CtyStep& step = path[i];
    if (step.kind != CtyStep::Kind::kAttr) continue;
    if (const ConfigAttribute* a = block->Attribute(step.name)) {
      if (a->nested_type != nullptr && i + 1 < path.size()) {
        return ObjectAttributeByPath(*a->nested_type, path, i + 1);
      }
      if (i + 1 < path.size()) return nullptr;
      return a;
    }
    if (const ConfigNestedBlock* nb = block->BlockType(step.name)) {
      block = &nb->block;
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

const ConfigAttribute* ObjectAttributeByPath(const ConfigObject& o,
                                             const CtyPath& path, size_t from) {
  for (size_t i = from; i < path.size(); ++i) {
    const CtyStep& step = path[i];
    if (step.kind != CtyStep::Kind::kAttr) continue;
    auto it = o.attributes.find(step.name);
    if (it == o.attributes.end()) return nullptr;
    const ConfigAttribute* a = &it->second;
    if (a->nested_type != nullptr && i + 1 < path.size()) {
      return ObjectAttributeByPath(*a->nested_type, path, i + 1);
    }
    if (i + 1 < path.size()) return nullptr;
    return a;
  }
  return nullptr;
}

const ConfigAttribute* AttributeByPath(const NestedSchema& s,
                                       const CtyPath& path) {
  if (s.block != nullptr) return BlockAttributeByPath(*s.block, path, 0);
  return ObjectAttributeByPath(*s.object, path, 0);
}

// path.Apply as cty does it (no hcl conversions).
std::optional<Value> CtyApply(const Value& v, const CtyPath& path) {
  Value cur = v;
  for (const CtyStep& s : path) {
    if (!cur.IsKnown()) return std::nullopt;
    switch (s.kind) {
      case CtyStep::Kind::kAttr:
        if (cur.type().kind() != Kind::kObject || !cur.HasAttr(s.name)) {
          return std::nullopt;
        }
        cur = cur.GetAttr(s.name);
        break;
      case CtyStep::Kind::kIndex: {
        if (cur.type().kind() != Kind::kList &&
            cur.type().kind() != Kind::kTuple) {
          return std::nullopt;
        }
        const auto& e = cur.Elements();
        if (s.index < 0 || s.index >= static_cast<int64_t>(e.size())) {
          return std::nullopt;
        }
        cur = e[static_cast<size_t>(s.index)];
        break;
      }
      case CtyStep::Kind::kKey: {
        if (cur.type().kind() != Kind::kMap) return std::nullopt;
        auto it = cur.Entries().find(s.name);
        if (it == cur.Entries().end()) return std::nullopt;
        cur = it->second;
        break;
      }
      case CtyStep::Kind::kSetElement:
        return std::nullopt;
    }
  }
  return cur;
}

// Walks `prior` like cty.Walk; `fn` returns false to skip children, and sets
// `stop` to end the walk.
void Walk(const Value& v, const CtyPath& path,
          const std::function<bool(const CtyPath&, const Value&, bool&)>& fn,
          bool& stop) {
  if (stop) return;
  if (!fn(path, v, stop) || stop) return;
  if (!v.IsKnown()) return;
  switch (v.type().kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      int64_t i = 0;
      for (const Value& e : v.Elements()) {
        Walk(e, Append(path, IndexStep(i++)), fn, stop);
        if (stop) return;
      }
      break;
    }
    case Kind::kSet:
      for (const Value& e : v.Elements()) {
        Walk(e, Append(path, SetStep(e)), fn, stop);
        if (stop) return;
      }
      break;
    case Kind::kMap:
      for (const auto& [k, e] : v.Entries()) {
        Walk(e, Append(path, KeyStep(k)), fn, stop);
        if (stop) return;
      }
      break;
    case Kind::kObject:
      for (const auto& [k, e] : v.Entries()) {
        Walk(e, Append(path, AttrStep(k)), fn, stop);
        if (stop) return;
      }
      break;
    default:
      break;
  }
}

bool ValidPriorFromConfig(const NestedSchema& schema, const Value& prior,
                          const Value& config) {
  if (RawEqualsUnrefined(config, prior)) return true;
  bool valid = true;
  bool stop = false;
  Walk(
      prior, {},
      [&](const CtyPath& path, const Value& prior_v, bool& halt) {
        std::optional<Value> config_v = CtyApply(config, path);
        if (!config_v) {
          valid = false;
          halt = true;
          return false;
        }
        if (RawEqualsUnrefined(*config_v, prior_v)) return false;
        if (config_v->type().kind() == Kind::kSet) {
          valid = false;
          halt = true;
          return false;
        }
        const ConfigAttribute* attr = AttributeByPath(schema, path);
        if (attr == nullptr) return true;
        if (attr->nested_type != nullptr) return true;
        if (!attr->computed) {
          valid = false;
          halt = true;
          return false;
        }
        if (!config_v->IsNull()) {
          valid = false;
          halt = true;
          return false;
        }
        return false;
      },
      stop);
  return valid;
}

Value ProposedNewBlockOrObject(const NestedSchema& schema, const Value& prior,
                               const Value& config) {
  if (schema.block != nullptr) {
    return ProposedNew(*schema.block, prior, config);
  }
  if (config.IsNull()) return config;
  return Value::Object(
      schema.object->ImpliedType().kind() == Kind::kObject
          ? schema.object->ImpliedType()
          : config.type(),
      ProposedNewAttributes(schema.object->attributes, prior, config));
}

Value ProposedNewNestingList(const NestedSchema& schema, const Value& prior,
                             const Value& config) {
  int64_t n = config.IsNull() ? 0 : Length(config);
  if (n == 0) return config;
  std::vector<Value> out;
  int64_t idx = 0;
  for (const Value& config_ev : config.Elements()) {
    if (prior.IsKnown() &&
        (prior.IsNull() ||
         idx >= static_cast<int64_t>(prior.Elements().size()))) {
      out.push_back(config_ev);
      ++idx;
      continue;
    }
    Value prior_ev = prior.IsUnknown()
                         ? Value::Unknown(config_ev.type())
                         : prior.Elements()[static_cast<size_t>(idx)];
    out.push_back(ProposedNewBlockOrObject(schema, prior_ev, config_ev));
    ++idx;
  }
  if (config.type().kind() == Kind::kTuple) return Value::Tuple(std::move(out));
  return Value::List(config.type().ElementType(), std::move(out));
}

Value ProposedNewNestingMap(const NestedSchema& schema, const Value& prior,
                            const Value& config) {
  if (config.IsNull() || !config.IsKnown() || Length(config) == 0) {
    return config;
  }
  std::map<std::string, Value> prior_map;
  if (!prior.IsNull() && prior.IsKnown()) prior_map = prior.Entries();
  std::map<std::string, Value> out;
  for (const auto& [name, config_ev] : config.Entries()) {
    auto it = prior_map.find(name);
    Value prior_ev;
    if (it != prior_map.end()) {
      prior_ev = it->second;
    } else if (!prior.IsKnown()) {
      prior_ev = Value::Unknown(config_ev.type());
    } else {
      prior_ev = Value::Null(config_ev.type());
    }
    out[name] = ProposedNewBlockOrObject(schema, prior_ev, config_ev);
  }
  if (config.type().kind() == Kind::kObject)
    return Value::Object(std::move(out));
  return Value::Map(config.type().ElementType(), std::move(out));
}

Value ProposedNewNestingSet(const NestedSchema& schema, const Value& prior,
                            const Value& config) {
  if (!config.IsKnown() || config.IsNull() || Length(config) == 0) {
    return config;
  }
  std::vector<Value> prior_vals;
  if (prior.IsKnown() && !prior.IsNull()) prior_vals = prior.Elements();
  std::vector<bool> used(prior_vals.size(), false);
  std::vector<Value> out;
  for (const Value& config_ev : config.Elements()) {
    std::optional<Value> prior_ev;
    for (size_t i = 0; i < prior_vals.size(); ++i) {
      if (used[i]) continue;
      if (ValidPriorFromConfig(schema, prior_vals[i], config_ev)) {
        prior_ev = prior_vals[i];
        used[i] = true;
        break;
      }
    }
    if (!prior_ev) prior_ev = Value::Null(config.type().ElementType());
    out.push_back(ProposedNewBlockOrObject(schema, *prior_ev, config_ev));
  }
  return Value::Set(config.type().ElementType(), std::move(out));
}

bool OptionalValueNotComputable(const ConfigAttribute& attr, const Value& v) {
  if (!attr.optional || attr.nested_type == nullptr) return false;
  bool found = false;
  bool stop = false;
  NestedSchema ns{nullptr, attr.nested_type.get()};
  Walk(
      v, {},
      [&](const CtyPath& path, const Value& x, bool& halt) {
        if (x.IsNull()) return true;
        const ConfigAttribute* a = AttributeByPath(ns, path);
        if (a == nullptr) return true;
        if (!a->computed) {
          found = true;
          halt = true;
          return false;
        }
        return true;
      },
      stop);
  return found;
}

std::map<std::string, Value> ProposedNewAttributes(
    const std::map<std::string, ConfigAttribute>& attrs, const Value& prior,
    const Value& config) {
  std::map<std::string, Value> out;
  for (const auto& [name, attr] : attrs) {
    Type t = attr.ImpliedType();
    Value prior_v = GetAttrOf(prior, name, t);
    Value config_v = GetAttrOf(config, name, t);
    Value new_v;
    if (attr.computed && config_v.IsNull()) {
      new_v = prior_v;
      if (OptionalValueNotComputable(attr, prior_v)) new_v = config_v;
    } else if (attr.nested_type != nullptr) {
      new_v = ProposedNewNestedType(*attr.nested_type, prior_v, config_v);
    } else {
      new_v = config_v;
    }
    out[name] = new_v;
  }
  return out;
}

Value ProposedNewNestedType(const ConfigObject& schema, const Value& prior,
                            const Value& config) {
  if (!config.IsKnown()) return config;
  NestedSchema ns{nullptr, &schema};
  switch (schema.nesting) {
    case ConfigNesting::kSingle:
      if (config.IsNull()) return config;
      return Value::Object(
          config.type(),
          ProposedNewAttributes(schema.attributes, prior, config));
    case ConfigNesting::kList:
      return ProposedNewNestingList(ns, prior, config);
    case ConfigNesting::kMap:
      return ProposedNewNestingMap(ns, prior, config);
    case ConfigNesting::kSet:
      return ProposedNewNestingSet(ns, prior, config);
    default:
      return config;
  }
}

Value ProposedNewNestedBlock(const ConfigNestedBlock& schema,
                             const Value& prior, const Value& config) {
  if (!config.IsKnown()) return config;
  NestedSchema ns{&schema.block, nullptr};
  switch (schema.nesting) {
    case ConfigNesting::kSingle:
      if (config.IsNull()) return config;
      return ProposedNew(schema.block, prior, config);
    case ConfigNesting::kGroup:
      return ProposedNew(schema.block, prior, config);
    case ConfigNesting::kList:
      return ProposedNewNestingList(ns, prior, config);
    case ConfigNesting::kMap:
      return ProposedNewNestingMap(ns, prior, config);
    case ConfigNesting::kSet:
      return ProposedNewNestingSet(ns, prior, config);
    default:
      return config;
  }
}

Value ProposedNewImpl(const ConfigBlock& schema, const Value& prior,
                      const Value& config) {
  if (config.IsNull() || !config.IsKnown()) return prior;
  std::map<std::string, Value> attrs =
      ProposedNewAttributes(schema.attributes, prior, config);
  for (const auto& [name, nb] : schema.block_types) {
    Type t = nb.ImpliedType();
    attrs[name] = ProposedNewNestedBlock(nb, GetAttrOf(prior, name, t),
                                         GetAttrOf(config, name, t));
  }
  return Value::Object(schema.ImpliedType(), std::move(attrs));
}

// --- AssertPlanValid -------------------------------------------------------

std::vector<PathError> AssertPlanValidImpl(const ConfigBlock& schema,
                                           const Value& prior,
                                           const Value& config,
                                           const Value& planned,
                                           const CtyPath& path);

std::vector<PathError> AssertPlannedAttrsValid(
    const std::map<std::string, ConfigAttribute>& attrs, const Value& prior,
    const Value& config, const Value& planned, const CtyPath& path);

std::vector<PathError> AssertPlannedObjectValid(const ConfigObject& schema,
                                                const Value& prior,
                                                const Value& config,
                                                const Value& planned,
                                                const CtyPath& path) {
  std::vector<PathError> errs;
  if (planned.IsNull() && !config.IsNull()) {
    errs.push_back(Err(path, "planned for absence but config wants existence"));
    return errs;
  }
  if (config.IsNull() && !planned.IsNull()) {
    errs.push_back(Err(path, "planned for existence but config wants absence"));
    return errs;
  }
  if (!config.IsNull() && planned.IsUnknown()) {
    errs.push_back(Err(path, "planned unknown for configured value"));
    return errs;
  }
  if (planned.IsNull()) return errs;
  auto more = [&](std::vector<PathError> m) {
    errs.insert(errs.end(), m.begin(), m.end());
  };
  switch (schema.nesting) {
    case ConfigNesting::kSingle:
    case ConfigNesting::kGroup:
      more(AssertPlannedAttrsValid(schema.attributes, prior, config, planned,
                                   path));
      break;
    case ConfigNesting::kList: {
      if (!planned.IsKnown() && !config.IsKnown()) return errs;
      if (!planned.IsKnown() || !config.IsKnown() ||
          Length(planned) != Length(config)) {
        errs.push_back(Err(
            path,
            absl::StrCat("count in plan (",
                         planned.IsKnown() ? absl::StrCat("cty.NumberIntVal(",
                                                          Length(planned), ")")
                                           : "cty.UnknownVal(cty.Number)",
                         ") disagrees with count in config (",
                         config.IsKnown() ? absl::StrCat("cty.NumberIntVal(",
                                                         Length(config), ")")
                                          : "cty.UnknownVal(cty.Number)",
                         ")")));
        return errs;
      }
      for (size_t i = 0; i < planned.Elements().size(); ++i) {
        Value prior_ev = Value::Null(schema.ImpliedType().kind() == Kind::kList
                                         ? schema.ImpliedType().ElementType()
                                         : Type::Dynamic());
        if (!prior.IsNull() && prior.IsKnown() && i < prior.Elements().size()) {
          prior_ev = prior.Elements()[i];
        }
        more(AssertPlannedAttrsValid(
            schema.attributes, prior_ev, config.Elements()[i],
            planned.Elements()[i],
            Append(path, IndexStep(static_cast<int64_t>(i)))));
      }
      break;
    }
    case ConfigNesting::kMap: {
      if (!planned.IsKnown() && !config.IsKnown()) return errs;
      if (!planned.IsKnown() || !config.IsKnown() ||
          Length(planned) != Length(config)) {
        errs.push_back(Err(
            path,
            absl::StrCat("count in plan (cty.NumberIntVal(", Length(planned),
                         ")) disagrees with count in config "
                         "(cty.NumberIntVal(",
                         Length(config), "))")));
        return errs;
      }
      for (const auto& [k, planned_ev] : planned.Entries()) {
        auto c = config.Entries().find(k);
        if (c == config.Entries().end()) {
          errs.push_back(Err(path, absl::StrCat("map key ", GoQuote(k),
                                                " from plan is not present in "
                                                "config")));
          continue;
        }
        Value prior_ev = Value::Null(planned_ev.type());
        if (!prior.IsNull() && prior.IsKnown()) {
          auto p = prior.Entries().find(k);
          if (p != prior.Entries().end()) prior_ev = p->second;
        }
        more(AssertPlannedAttrsValid(schema.attributes, prior_ev, c->second,
                                     planned_ev, Append(path, AttrStep(k))));
      }
      for (const auto& [k, v] : config.Entries()) {
        if (!planned.Entries().count(k)) {
          errs.push_back(Err(path, absl::StrCat("map key ", GoQuote(k),
                                                " from config is not present "
                                                "in plan")));
        }
      }
      break;
    }
    case ConfigNesting::kSet:
      // cty: plannedL.Range().Includes(configL). With every element known
      // the range is the exact length; with unknown elements we cannot tell.
      if (planned.IsWhollyKnown() && config.IsWhollyKnown() &&
          Length(planned) != Length(config)) {
        errs.push_back(Err(
            path,
            absl::StrCat("count in plan (cty.NumberIntVal(", Length(planned),
                         ")) disagrees with count in config "
                         "(cty.NumberIntVal(",
                         Length(config), "))")));
      }
      break;
    default:
      break;
  }
  return errs;
}

std::vector<PathError> AssertPlannedValueValid(const ConfigAttribute& attr,
                                               const Value& prior_v,
                                               const Value& config_v,
                                               const Value& planned_v,
                                               const CtyPath& path) {
  std::vector<PathError> errs;
  if (RawEqualsUnrefined(planned_v, config_v)) return errs;
  if (RawEqualsUnrefined(planned_v, prior_v) && !prior_v.IsNull() &&
      !config_v.IsNull()) {
    return errs;
  }
  if (attr.write_only) {
    if (!planned_v.IsNull()) {
      errs.push_back(
          Err(path, "planned value for write-only attribute is not null"));
    }
    return errs;
  }
  if (attr.computed && !attr.optional) return errs;
  if (config_v.IsNull() && attr.computed) return errs;
  if (config_v.IsNull() && !planned_v.IsNull()) {
    if (attr.sensitive) {
      errs.push_back(
          Err(path, "sensitive planned value for a non-computed attribute"));
    } else {
      errs.push_back(
          Err(path, absl::StrCat("planned value ", GoString(planned_v),
                                 " for a non-computed attribute")));
    }
    return errs;
  }
  if (attr.nested_type != nullptr) {
    return AssertPlannedObjectValid(*attr.nested_type, prior_v, config_v,
                                    planned_v, path);
  }
  if (prior_v.IsNull()) {
    if (attr.sensitive) {
      errs.push_back(
          Err(path, "sensitive planned value does not match config value"));
    } else {
      errs.push_back(Err(
          path,
          absl::StrCat("planned value ", GoString(planned_v),
                       " does not match config value ", GoString(config_v))));
    }
    return errs;
  }
  if (attr.sensitive) {
    errs.push_back(Err(path,
                       "sensitive planned value does not match config value "
                       "nor prior value"));
  } else {
    errs.push_back(Err(
        path, absl::StrCat("planned value ", GoString(planned_v),
                           " does not match config value ", GoString(config_v),
                           " nor prior value ", GoString(prior_v))));
  }
  return errs;
}

std::vector<PathError> AssertPlannedAttrsValid(
    const std::map<std::string, ConfigAttribute>& attrs, const Value& prior,
    const Value& config, const Value& planned, const CtyPath& path) {
  std::vector<PathError> errs;
  for (const auto& [name, attr] : attrs) {
    Type t = attr.ImpliedType();
    Value config_v =
        config.IsNull() ? Value::Null(t) : GetAttrOf(config, name, t);
    Value prior_v = prior.IsNull() ? Value::Null(t) : GetAttrOf(prior, name, t);
    Value planned_v =
        planned.IsNull() ? Value::Null(t) : GetAttrOf(planned, name, t);
    auto more = AssertPlannedValueValid(attr, prior_v, config_v, planned_v,
                                        Append(path, AttrStep(name)));
    errs.insert(errs.end(), more.begin(), more.end());
  }
  return errs;
}

std::vector<PathError> AssertPlanValidImpl(const ConfigBlock& schema,
                                           const Value& prior,
                                           const Value& config,
                                           const Value& planned,
                                           const CtyPath& path) {
  std::vector<PathError> errs;
  if (planned.IsNull() && !config.IsNull()) {
    errs.push_back(Err(path, "planned for absence but config wants existence"));
    return errs;
  }
  if (config.IsNull() && !planned.IsNull()) {
    errs.push_back(Err(path, "planned for existence but config wants absence"));
    return errs;
  }
  if (planned.IsNull()) return errs;
  auto more = [&](std::vector<PathError> m) {
    errs.insert(errs.end(), m.begin(), m.end());
  };
  more(
      AssertPlannedAttrsValid(schema.attributes, prior, config, planned, path));

  for (const auto& [name, block] : schema.block_types) {
    CtyPath bpath = Append(path, AttrStep(name));
    Type bt = block.ImpliedType();
    Value planned_v = GetAttrOf(planned, name, bt);
    Value config_v = GetAttrOf(config, name, bt);
    Value prior_v =
        prior.IsNull() ? Value::Null(bt) : GetAttrOf(prior, name, bt);
    if (block.nesting != ConfigNesting::kSingle && planned_v.IsNull()) {
      std::string mode;
      switch (block.nesting) {
        case ConfigNesting::kList:
          mode = "list";
          break;
        case ConfigNesting::kMap:
          mode = "map";
          break;
        case ConfigNesting::kSet:
          mode = "set";
          break;
        case ConfigNesting::kGroup:
          mode = "group";
          break;
        default:
          break;
      }
      errs.push_back(Err(bpath, absl::StrCat("attribute representing a ", mode,
                                             " of nested blocks must be empty "
                                             "to indicate no blocks, not "
                                             "null")));
      continue;
    }
    if (planned_v == config_v) continue;  // RawEquals
    if (!config_v.IsKnown() && !config_v.IsNull()) {
      errs.push_back(
          Err(bpath, absl::StrCat("planned value ", GoString(planned_v),
                                  " for unknown dynamic block")));
      continue;
    }
    if (config_v.IsNull() && block.computed) continue;
    if (planned_v.IsUnknown()) {
      errs.push_back(Err(bpath, block.computed
                                    ? "planned unknown value for configured "
                                      "block"
                                    : "planned unknown value for non-computed "
                                      "block"));
      continue;
    }
    switch (block.nesting) {
      case ConfigNesting::kSingle:
      case ConfigNesting::kGroup:
        more(AssertPlanValidImpl(block.block, prior_v, config_v, planned_v,
                                 bpath));
        break;
      case ConfigNesting::kList: {
        Value cfg = config_v;
        if (cfg.IsNull() && !block.computed) {
          cfg = Value::List(bt.ElementType(), {});
        }
        int64_t pl = Length(planned_v), cl = Length(cfg);
        if (pl != cl) {
          errs.push_back(Err(bpath, absl::StrCat("block count in plan (", pl,
                                                 ") disagrees with count in "
                                                 "config (",
                                                 cl, ")")));
          continue;
        }
        for (int64_t i = 0; i < pl; ++i) {
          CtyPath epath = Append(bpath, IndexStep(i));
          const Value& planned_ev =
              planned_v.Elements()[static_cast<size_t>(i)];
          if (planned_ev.IsUnknown()) {
            errs.push_back(Err(epath,
                               "element representing nested block must not be "
                               "unknown itself; set nested attribute values to "
                               "unknown instead"));
            continue;
          }
          Value prior_ev = Value::Null(bt.ElementType());
          if (!prior_v.IsNull() && prior_v.IsKnown() &&
              i < static_cast<int64_t>(prior_v.Elements().size())) {
            prior_ev = prior_v.Elements()[static_cast<size_t>(i)];
          }
          more(AssertPlanValidImpl(block.block, prior_ev,
                                   cfg.Elements()[static_cast<size_t>(i)],
                                   planned_ev, epath));
        }
        break;
      }
      case ConfigNesting::kMap: {
        int64_t pl = Length(planned_v), cl = Length(config_v);
        if (pl != cl) {
          errs.push_back(Err(bpath, absl::StrCat("block count in plan (", pl,
                                                 ") disagrees with count in "
                                                 "config (",
                                                 cl, ")")));
          continue;
        }
        for (const auto& [k, planned_ev] : planned_v.Entries()) {
          CtyPath epath = Append(bpath, KeyStep(k));
          if (planned_ev.IsUnknown()) {
            errs.push_back(Err(epath,
                               "element representing nested block must not be "
                               "unknown itself; set nested attribute values to "
                               "unknown instead"));
            continue;
          }
          auto c = config_v.Entries().find(k);
          if (c == config_v.Entries().end()) {
            errs.push_back(Err(epath, absl::StrCat("block key ", GoQuote(k),
                                                   " from plan is not present "
                                                   "in config")));
            continue;
          }
          Value prior_ev = Value::Null(bt.ElementType());
          if (!prior_v.IsNull() && prior_v.IsKnown()) {
            auto p = prior_v.Entries().find(k);
            if (p != prior_v.Entries().end()) prior_ev = p->second;
          }
          more(AssertPlanValidImpl(block.block, prior_ev, c->second, planned_ev,
                                   epath));
        }
        for (const auto& [k, v] : config_v.Entries()) {
          if (!planned_v.Entries().count(k)) {
            errs.push_back(Err(bpath, absl::StrCat("block key ", GoQuote(k),
                                                   " from config is not "
                                                   "present in plan")));
          }
        }
        break;
      }
      case ConfigNesting::kSet:
        // Terraform cannot correlate set elements; it only checks that no
        // element is itself unknown.
        for (const Value& e : planned_v.Elements()) {
          if (e.IsUnknown()) {
            errs.push_back(Err(Append(bpath, SetStep(e)),
                               "element representing nested block must not be "
                               "unknown itself; set nested attribute values to "
                               "unknown instead"));
          }
        }
        break;
      default:
        break;
    }
  }
  return errs;
}

// --- AssertObjectCompatible ------------------------------------------------

std::string IndexStrForErrors(const CtyStep& s) {
  if (s.kind == CtyStep::Kind::kIndex) return std::to_string(s.index);
  return GoQuote(s.name);
}

std::vector<PathError> AssertValueCompatibleImpl(const Value& planned,
                                                 const Value& actual,
                                                 const CtyPath& path);

std::vector<PathError> AssertSetValuesCompatible(
    const Value& planned, const Value& actual, const CtyPath& path,
    const std::function<bool(const Value&, const Value&)>& f) {
  const auto& as = planned.Elements();
  const auto& bs = actual.Elements();
  std::vector<bool> aeqs(as.size()), beqs(bs.size());
  for (size_t ai = 0; ai < as.size(); ++ai) {
    for (size_t bi = 0; bi < bs.size(); ++bi) {
      if (aeqs[ai] && beqs[bi]) continue;
      if (f(as[ai], bs[bi])) {
        aeqs[ai] = true;
        beqs[bi] = true;
      }
    }
  }
  std::vector<PathError> errs;
  for (size_t i = 0; i < as.size(); ++i) {
    if (!aeqs[i]) {
      errs.push_back(
          Err(path, absl::StrCat("planned set element ", GoString(as[i]),
                                 " does not correlate with any "
                                 "element in actual")));
    }
  }
  if (!errs.empty()) return errs;
  for (size_t i = 0; i < bs.size(); ++i) {
    if (!beqs[i]) {
      errs.push_back(
          Err(path, absl::StrCat("actual set element ", GoString(bs[i]),
                                 " does not correlate with any "
                                 "element in plan")));
    }
  }
  return errs;
}

// cty Range().Includes for the refinements we model.
bool RefinementsAdmit(const Value& planned, const Value& actual) {
  const tf::UnknownRefinements& r = planned.refinements();
  if (r.is_null.has_value()) {
    if (!*r.is_null && actual.IsNull()) return false;
    if (*r.is_null && !actual.IsNull()) return false;
  }
  if (r.string_prefix.has_value() && actual.IsKnown() &&
      actual.type().kind() == Kind::kString) {
    const std::string& s = actual.AsString();
    if (s.compare(0, r.string_prefix->size(), *r.string_prefix) != 0) {
      return false;
    }
  }
  return true;
}

std::vector<PathError> AssertValueCompatibleImpl(const Value& planned,
                                                 const Value& actual,
                                                 const CtyPath& path) {
  std::vector<PathError> errs;
  if (planned.type().IsDynamic()) return errs;
  if (actual.type() != planned.type()) {
    errs.push_back(Err(
        path,
        absl::StrCat("wrong final value type: ", actual.type().FriendlyName(),
                     " required, but have ", planned.type().FriendlyName())));
    return errs;
  }
  if (planned.IsUnknown()) {
    if (!RefinementsAdmit(planned, actual)) {
      errs.push_back(Err(path, absl::StrCat("final value ", GoString(actual),
                                            " does not conform to planning "
                                            "placeholder ",
                                            GoString(planned))));
    }
    return errs;
  }
  if (actual.IsNull()) {
    if (planned.IsNull()) return errs;
    errs.push_back(
        Err(path, absl::StrCat("was ", GoString(planned), ", but now null")));
    return errs;
  }
  if (planned.IsNull()) {
    errs.push_back(
        Err(path, absl::StrCat("was null, but now ", GoString(actual))));
    return errs;
  }
  if (actual.IsUnknown()) {
    errs.push_back(Err(path, "was known, but now unknown"));
    return errs;
  }
  const Type& ty = planned.type();
  switch (ty.kind()) {
    case Kind::kString:
    case Kind::kNumber:
    case Kind::kBool:
      if (!(planned == actual)) {
        errs.push_back(Err(path, absl::StrCat("was ", GoString(planned),
                                              ", but now ", GoString(actual))));
      }
      break;
    case Kind::kList:
    case Kind::kTuple: {
      const auto& pe = planned.Elements();
      const auto& ae = actual.Elements();
      for (size_t i = 0; i < pe.size(); ++i) {
        CtyStep s = IndexStep(static_cast<int64_t>(i));
        if (i >= ae.size()) {
          errs.push_back(Err(
              path,
              absl::StrCat("element ", IndexStrForErrors(s), " has vanished")));
          continue;
        }
        auto m = AssertValueCompatibleImpl(pe[i], ae[i], Append(path, s));
        errs.insert(errs.end(), m.begin(), m.end());
      }
      for (size_t i = pe.size(); i < ae.size(); ++i) {
        errs.push_back(Err(
            path,
            absl::StrCat("new element ",
                         IndexStrForErrors(IndexStep(static_cast<int64_t>(i))),
                         " has appeared")));
      }
      break;
    }
    case Kind::kMap: {
      for (const auto& [k, pv] : planned.Entries()) {
        CtyStep s = KeyStep(k);
        auto it = actual.Entries().find(k);
        if (it == actual.Entries().end()) {
          errs.push_back(Err(
              path,
              absl::StrCat("element ", IndexStrForErrors(s), " has vanished")));
          continue;
        }
        auto m = AssertValueCompatibleImpl(pv, it->second, Append(path, s));
        errs.insert(errs.end(), m.begin(), m.end());
      }
      for (const auto& [k, av] : actual.Entries()) {
        if (!planned.Entries().count(k)) {
          errs.push_back(Err(
              path, absl::StrCat("new element ", IndexStrForErrors(KeyStep(k)),
                                 " has appeared")));
        }
      }
      break;
    }
    case Kind::kObject:
      for (const auto& [name, t] : ty.AttributeTypes()) {
        auto m = AssertValueCompatibleImpl(GetAttrOf(planned, name, t),
                                           GetAttrOf(actual, name, t),
                                           Append(path, AttrStep(name)));
        errs.insert(errs.end(), m.begin(), m.end());
      }
      break;
    case Kind::kSet: {
      auto m = AssertSetValuesCompatible(
          planned, actual, path, [&](const Value& p, const Value& a) {
            return AssertValueCompatibleImpl(p, a, Append(path, SetStep(a)))
                .empty();
          });
      errs.insert(errs.end(), m.begin(), m.end());
      if (Length(planned) < Length(actual)) {
        errs.push_back(
            Err(path, absl::StrCat("length changed from ", Length(planned),
                                   " to ", Length(actual))));
      }
      break;
    }
    default:
      break;
  }
  return errs;
}

std::vector<PathError> AssertObjectCompatibleImpl(const ConfigBlock& schema,
                                                  const Value& planned,
                                                  const Value& actual,
                                                  const CtyPath& path) {
  std::vector<PathError> errs;
  std::string at_root = path.empty() ? "Root object " : "";
  if (planned.IsNull() && !actual.IsNull()) {
    errs.push_back(Err(path, at_root + "was absent, but now present"));
    return errs;
  }
  if (actual.IsNull() && !planned.IsNull()) {
    errs.push_back(Err(path, at_root + "was present, but now absent"));
    return errs;
  }
  if (planned.IsNull()) return errs;

  for (const auto& [name, attr] : schema.attributes) {
    Type t = attr.ImpliedType();
    CtyPath apath = Append(path, AttrStep(name));
    auto more = AssertValueCompatibleImpl(GetAttrOf(planned, name, t),
                                          GetAttrOf(actual, name, t), apath);
    if (attr.sensitive) {
      if (!more.empty()) {
        errs.push_back(
            Err(apath, "inconsistent values for sensitive attribute"));
      }
    } else {
      errs.insert(errs.end(), more.begin(), more.end());
    }
  }
  for (const auto& [name, block] : schema.block_types) {
    Type bt = block.ImpliedType();
    Value planned_v = GetAttrOf(planned, name, bt);
    Value actual_v = GetAttrOf(actual, name, bt);
    if (block.computed) {
      if (actual_v.IsNull() && block.nesting != ConfigNesting::kSingle) {
        errs.push_back(Err(path, "null block value after apply"));
        return errs;
      }
      if (planned_v.IsUnknown()) {
        return AssertValueCompatibleImpl(planned_v, actual_v, {});
      }
    }
    CtyPath bpath = Append(path, AttrStep(name));
    switch (block.nesting) {
      case ConfigNesting::kSingle:
      case ConfigNesting::kGroup: {
        if (planned_v.IsUnknown() && actual_v.IsNull()) continue;
        auto m =
            AssertObjectCompatibleImpl(block.block, planned_v, actual_v, bpath);
        errs.insert(errs.end(), m.begin(), m.end());
        break;
      }
      case ConfigNesting::kList: {
        if (!planned_v.IsKnown() || !actual_v.IsKnown()) continue;
        int64_t pl = Length(planned_v), al = Length(actual_v);
        if (pl != al) {
          errs.push_back(Err(bpath, absl::StrCat("block count changed from ",
                                                 pl, " to ", al)));
          continue;
        }
        for (int64_t i = 0; i < pl; ++i) {
          auto m = AssertObjectCompatibleImpl(
              block.block, planned_v.Elements()[static_cast<size_t>(i)],
              actual_v.Elements()[static_cast<size_t>(i)],
              Append(bpath, IndexStep(i)));
          errs.insert(errs.end(), m.begin(), m.end());
        }
        break;
      }
      case ConfigNesting::kMap: {
        if (!planned_v.IsKnown() || !actual_v.IsKnown()) continue;
        int64_t pl = Length(planned_v), al = Length(actual_v);
        if (pl != al) {
          errs.push_back(Err(bpath, absl::StrCat("block count changed from ",
                                                 pl, " to ", al)));
          continue;
        }
        for (const auto& [k, pv] : planned_v.Entries()) {
          auto it = actual_v.Entries().find(k);
          if (it == actual_v.Entries().end()) continue;
          auto m = AssertObjectCompatibleImpl(block.block, pv, it->second,
                                              Append(bpath, KeyStep(k)));
          errs.insert(errs.end(), m.begin(), m.end());
        }
        break;
      }
      case ConfigNesting::kSet: {
        if (!planned_v.IsKnown() || !actual_v.IsKnown()) continue;
        // C++17 lambdas cannot capture structured bindings (clang rejects
        // it), so capture the nested block through a plain reference.
        const auto& nested = block.block;
        auto m = AssertSetValuesCompatible(
            planned_v, actual_v, bpath, [&](const Value& p, const Value& a) {
              return AssertObjectCompatibleImpl(nested, p, a,
                                                Append(bpath, SetStep(a)))
                  .empty();
            });
        errs.insert(errs.end(), m.begin(), m.end());
        if (Length(planned_v) < Length(actual_v)) {
          errs.push_back(Err(bpath, absl::StrCat("block set length changed "
                                                 "from ",
                                                 Length(planned_v), " to ",
                                                 Length(actual_v))));
        }
        break;
      }
      default:
        break;
    }
  }
  return errs;
}

void CollectUnknown(const Value& v, const CtyPath& path,
                    std::vector<CtyPath>& out) {
  if (v.IsUnknown()) {
    out.push_back(path);
    return;
  }
  if (!v.IsKnown()) return;
  switch (v.type().kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      int64_t i = 0;
      for (const Value& e : v.Elements()) {
        CollectUnknown(e, Append(path, IndexStep(i++)), out);
      }
      break;
    }
    case Kind::kSet:
      for (const Value& e : v.Elements()) {
        CollectUnknown(e, Append(path, SetStep(e)), out);
      }
      break;
    case Kind::kMap:
      for (const auto& [k, e] : v.Entries()) {
        CollectUnknown(e, Append(path, KeyStep(k)), out);
      }
      break;
    case Kind::kObject:
      for (const auto& [k, e] : v.Entries()) {
        CollectUnknown(e, Append(path, AttrStep(k)), out);
      }
      break;
    default:
      break;
  }
}

void CollectWriteOnly(const ConfigBlock& schema, const Value& v,
                      const CtyPath& path, std::vector<CtyPath>& out) {
  if (!v.IsKnown()) return;
  for (const auto& [name, attr] : schema.attributes) {
    if (attr.write_only) {
      Value av = GetAttrOf(v, name, attr.ImpliedType());
      if (!av.IsNull()) out.push_back(Append(path, AttrStep(name)));
    }
  }
  for (const auto& [name, block] : schema.block_types) {
    Value bv = GetAttrOf(v, name, block.ImpliedType());
    CtyPath bpath = Append(path, AttrStep(name));
    if (!bv.IsKnown()) continue;
    switch (block.nesting) {
      case ConfigNesting::kSingle:
      case ConfigNesting::kGroup:
        CollectWriteOnly(block.block, bv, bpath, out);
        break;
      case ConfigNesting::kList: {
        int64_t i = 0;
        for (const Value& e : bv.Elements()) {
          CollectWriteOnly(block.block, e, Append(bpath, IndexStep(i++)), out);
        }
        break;
      }
      case ConfigNesting::kSet:
        for (const Value& e : bv.Elements()) {
          CollectWriteOnly(block.block, e, Append(bpath, SetStep(e)), out);
        }
        break;
      case ConfigNesting::kMap:
        for (const auto& [k, e] : bv.Entries()) {
          CollectWriteOnly(block.block, e, Append(bpath, KeyStep(k)), out);
        }
        break;
      default:
        break;
    }
  }
}

void DiffValues(const Value& a, const Value& b, const std::string& path,
                bool sensitive, std::vector<std::string>& out) {
  if (a == b) return;
  if (a.IsKnown() && b.IsKnown() && a.type() == b.type() &&
      a.type().kind() == Kind::kObject) {
    for (const auto& [k, t] : a.type().AttributeTypes()) {
      DiffValues(GetAttrOf(a, k, t), GetAttrOf(b, k, t), path + "." + k,
                 sensitive, out);
    }
    return;
  }
  if (sensitive) {
    out.push_back(path + ": (sensitive value differs)");
  } else {
    out.push_back(absl::StrCat(path, ": ", GoString(a), " => ", GoString(b)));
  }
}

}  // namespace

std::string FormatCtyPath(const CtyPath& path) {
  std::string out;
  for (const CtyStep& s : path) {
    switch (s.kind) {
      case CtyStep::Kind::kAttr:
        absl::StrAppend(&out, ".", s.name);
        break;
      case CtyStep::Kind::kIndex:
        absl::StrAppend(&out, "[", s.index, "]");
        break;
      case CtyStep::Kind::kKey:
        absl::StrAppend(&out, "[", GoQuote(s.name), "]");
        break;
      case CtyStep::Kind::kSetElement:
        absl::StrAppend(&out, "[...]");
        break;
    }
  }
  return out;
}

tf::AttributePath ToAttributePath(const CtyPath& path) {
  tf::AttributePath out;
  for (const CtyStep& s : path) {
    switch (s.kind) {
      case CtyStep::Kind::kAttr:
        out = out.Attr(s.name);
        break;
      case CtyStep::Kind::kIndex:
        out = out.Index(s.index);
        break;
      case CtyStep::Kind::kKey:
        out = out.Key(s.name);
        break;
      case CtyStep::Kind::kSetElement:
        return out;
    }
  }
  return out;
}

CtyPath FromAttributePath(const tf::AttributePath& path) {
  CtyPath out;
  for (const auto& s : path.steps()) {
    switch (s.kind) {
      case tf::AttributePath::Step::Kind::kAttribute:
        out.push_back(AttrStep(s.name));
        break;
      case tf::AttributePath::Step::Kind::kKeyString:
        out.push_back(KeyStep(s.name));
        break;
      case tf::AttributePath::Step::Kind::kKeyInt:
        out.push_back(IndexStep(s.index));
        break;
    }
  }
  return out;
}

std::string FormatPathError(const PathError& e) {
  if (e.path.empty()) return e.message;
  return absl::StrCat(FormatCtyPath(e.path), ": ", e.message);
}

std::string FormatPathErrorPrefixed(const PathError& e,
                                    const std::string& prefix) {
  if (e.path.empty()) return absl::StrCat(prefix, ": ", e.message);
  return absl::StrCat(prefix, FormatCtyPath(e.path), ": ", e.message);
}

std::string GoTypeString(const Type& t) {
  switch (t.kind()) {
    case Kind::kString:
      return "cty.String";
    case Kind::kNumber:
      return "cty.Number";
    case Kind::kBool:
      return "cty.Bool";
    case Kind::kDynamic:
      return "cty.DynamicPseudoType";
    case Kind::kList:
      return "cty.List(" + GoTypeString(t.ElementType()) + ")";
    case Kind::kSet:
      return "cty.Set(" + GoTypeString(t.ElementType()) + ")";
    case Kind::kMap:
      return "cty.Map(" + GoTypeString(t.ElementType()) + ")";
    case Kind::kObject: {
      if (t.AttributeTypes().empty()) return "cty.EmptyObject";
      std::vector<std::string> parts;
      for (const auto& [k, at] : t.AttributeTypes()) {
        parts.push_back(GoQuote(k) + ":" + GoTypeString(at));
      }
      return "cty.Object(map[string]cty.Type{" + absl::StrJoin(parts, ", ") +
             "})";
    }
    case Kind::kTuple: {
      if (t.TupleElementTypes().empty()) return "cty.EmptyTuple";
      std::vector<std::string> parts;
      for (const auto& et : t.TupleElementTypes()) {
        parts.push_back(GoTypeString(et));
      }
      return "cty.Tuple([]cty.Type{" + absl::StrJoin(parts, ", ") + "})";
    }
  }
  return "cty.DynamicPseudoType";
}

std::string GoString(const Value& v) {
  const Type& t = v.type();
  if (v.IsNull()) return "cty.NullVal(" + GoTypeString(t) + ")";
  if (v.IsUnknown()) {
    std::string s = "cty.UnknownVal(" + GoTypeString(t) + ")";
    const auto& r = v.refinements();
    if (r.is_null.has_value() && !*r.is_null) {
      s += ".RefineNotNull()";
    }
    if (r.string_prefix.has_value()) {
      s += ".Refine().StringPrefix(" + GoQuote(*r.string_prefix) + ")";
    }
    return s;
  }
  switch (t.kind()) {
    case Kind::kString:
      return "cty.StringVal(" + GoQuote(v.AsString()) + ")";
    case Kind::kNumber: {
      const tf::Number& n = v.AsNumber();
      if (auto i = n.ToInt64())
        return absl::StrCat("cty.NumberIntVal(", *i, ")");
      if (n.repr() == tf::Number::Repr::kDouble) {
        return "cty.NumberFloatVal(" + n.ToString() + ")";
      }
      return "cty.MustParseNumberVal(" + GoQuote(n.ToString()) + ")";
    }
    case Kind::kBool:
      return v.AsBool() ? "cty.True" : "cty.False";
    case Kind::kList:
    case Kind::kSet:
    case Kind::kTuple: {
      const char* name = t.kind() == Kind::kList
                             ? "List"
                             : (t.kind() == Kind::kSet ? "Set" : "Tuple");
      if (v.Elements().empty()) {
        if (t.kind() == Kind::kTuple) return "cty.EmptyTupleVal";
        return absl::StrCat("cty.", name, "ValEmpty(",
                            GoTypeString(t.ElementType()), ")");
      }
      std::vector<std::string> parts;
      for (const Value& e : v.Elements()) parts.push_back(GoString(e));
      return absl::StrCat("cty.", name, "Val([]cty.Value{",
                          absl::StrJoin(parts, ", "), "})");
    }
    case Kind::kMap:
    case Kind::kObject: {
      const char* name = t.kind() == Kind::kMap ? "Map" : "Object";
      if (v.Entries().empty()) {
        if (t.kind() == Kind::kObject) return "cty.EmptyObjectVal";
        return absl::StrCat("cty.MapValEmpty(", GoTypeString(t.ElementType()),
                            ")");
      }
      std::vector<std::string> parts;
      for (const auto& [k, e] : v.Entries()) {
        parts.push_back(GoQuote(k) + ":" + GoString(e));
      }
      return absl::StrCat("cty.", name, "Val(map[string]cty.Value{",
                          absl::StrJoin(parts, ", "), "})");
    }
    case Kind::kDynamic:
      break;
  }
  return "cty.DynamicVal";
}

Value EmptyValue(const ConfigBlock& block) {
  std::map<std::string, Value> attrs;
  for (const auto& [name, a] : block.attributes) {
    attrs[name] = Value::Null(a.ImpliedType());
  }
  for (const auto& [name, nb] : block.block_types) {
    Type et = nb.block.ImpliedType();
    switch (nb.nesting) {
      case ConfigNesting::kSingle:
        attrs[name] = Value::Null(et);
        break;
      case ConfigNesting::kGroup:
        attrs[name] = EmptyValue(nb.block);
        break;
      case ConfigNesting::kList:
        attrs[name] = Value::List(et, {});
        break;
      case ConfigNesting::kSet:
        attrs[name] = Value::Set(et, {});
        break;
      case ConfigNesting::kMap:
        attrs[name] = Value::Map(et, {});
        break;
      default:
        attrs[name] = Value::Null(nb.ImpliedType());
    }
  }
  return Value::Object(block.ImpliedType(), std::move(attrs));
}

Value ProposedNew(const ConfigBlock& schema, const Value& prior,
                  const Value& config) {
  if (config.IsNull() && prior.IsNull()) return prior;
  if (prior.IsNull())
    return ProposedNewImpl(schema, EmptyValue(schema), config);
  return ProposedNewImpl(schema, prior, config);
}

Value PlannedDataResourceObject(const ConfigBlock& schema,
                                const Value& config) {
  return ProposedNewImpl(schema, Value::Unknown(schema.ImpliedType()), config);
}

std::vector<PathError> AssertPlanValid(const ConfigBlock& schema,
                                       const Value& prior, const Value& config,
                                       const Value& planned) {
  return AssertPlanValidImpl(schema, prior, config, planned, {});
}

std::vector<PathError> AssertObjectCompatible(const ConfigBlock& schema,
                                              const Value& planned,
                                              const Value& actual) {
  return AssertObjectCompatibleImpl(schema, planned, actual, {});
}

std::vector<PathError> AssertValueCompatible(const Value& planned,
                                             const Value& actual) {
  return AssertValueCompatibleImpl(planned, actual, {});
}

std::vector<PathError> TestConformance(const Value& v, const Type& t) {
  absl::Status s = tf::CheckConforms(v, t);
  if (s.ok()) return {};
  CtyPath path;
  if (auto p = tf::GetDecodeErrorPath(s)) path = FromAttributePath(*p);
  return {Err(path, std::string(s.message()))};
}

std::vector<CtyPath> UnknownPaths(const Value& v) {
  std::vector<CtyPath> out;
  CollectUnknown(v, {}, out);
  return out;
}

std::vector<CtyPath> NonNullWriteOnlyPaths(const ConfigBlock& schema,
                                           const Value& v) {
  std::vector<CtyPath> out;
  CollectWriteOnly(schema, v, {}, out);
  return out;
}

bool RawEqualsUnrefined(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.IsUnknown() || b.IsUnknown()) return a.IsUnknown() && b.IsUnknown();
  if (a.IsNull() || b.IsNull()) return a.IsNull() && b.IsNull();
  switch (a.type().kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      const auto& ae = a.Elements();
      const auto& be = b.Elements();
      if (ae.size() != be.size()) return false;
      for (size_t i = 0; i < ae.size(); ++i) {
        if (!RawEqualsUnrefined(ae[i], be[i])) return false;
      }
      return true;
    }
    case Kind::kMap:
    case Kind::kObject: {
      const auto& ae = a.Entries();
      const auto& be = b.Entries();
      if (ae.size() != be.size()) return false;
      for (const auto& [k, v] : ae) {
        auto it = be.find(k);
        if (it == be.end() || !RawEqualsUnrefined(v, it->second)) return false;
      }
      return true;
    }
    case Kind::kSet:
      return StripRefinements(a) == StripRefinements(b);
    default:
      return a == b;
  }
}

std::optional<bool> CtyEquals(const Value& a, const Value& b) {
  if (a.IsUnknown() && b.IsUnknown()) return std::nullopt;
  if (a.IsUnknown() != b.IsUnknown()) {
    const Value& known = a.IsUnknown() ? b : a;
    const Value& unknown = a.IsUnknown() ? a : b;
    if (known.IsNull() || unknown.type().HasDynamic()) return std::nullopt;
    if (known.type() != unknown.type()) return false;
    return std::nullopt;
  }
  if (a.IsNull() && b.IsNull()) return true;
  if (a.IsNull() || b.IsNull()) return false;
  if (a.type() != b.type()) return false;
  switch (a.type().kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      const auto& ae = a.Elements();
      const auto& be = b.Elements();
      if (ae.size() != be.size()) return false;
      for (size_t i = 0; i < ae.size(); ++i) {
        auto eq = CtyEquals(ae[i], be[i]);
        if (!eq) return std::nullopt;
        if (!*eq) return false;
      }
      return true;
    }
    case Kind::kMap:
    case Kind::kObject: {
      const auto& ae = a.Entries();
      const auto& be = b.Entries();
      if (ae.size() != be.size()) return false;
      for (const auto& [k, v] : ae) {
        auto it = be.find(k);
        if (it == be.end()) return false;
        auto eq = CtyEquals(v, it->second);
        if (!eq) return std::nullopt;
        if (!*eq) return false;
      }
      return true;
    }
    case Kind::kSet:
      if (!a.IsWhollyKnown() || !b.IsWhollyKnown()) return std::nullopt;
      return a == b;
    default:
      return a == b;
  }
}

std::optional<Value> ApplyPath(const Value& v, const CtyPath& path,
                               std::string* error) {
  Value cur = v;
  std::string at;
  for (const CtyStep& s : path) {
    if (cur.IsNull()) {
      if (error) *error = "Attempt to index a null value at " + at;
      return std::nullopt;
    }
    if (cur.IsUnknown()) return Value::Unknown(Type::Dynamic());
    std::optional<Value> next = CtyApply(cur, {s});
    if (!next) {
      if (error) {
        *error = absl::StrCat("Invalid index/attribute ", FormatCtyPath({s}),
                              " after ", at);
      }
      return std::nullopt;
    }
    cur = *next;
    at += FormatCtyPath({s});
  }
  return cur;
}

std::string ActionName(Action a) {
  switch (a) {
    case Action::kNoOp:
      return "NoOp";
    case Action::kCreate:
      return "Create";
    case Action::kRead:
      return "Read";
    case Action::kUpdate:
      return "Update";
    case Action::kDeleteThenCreate:
      return "DeleteThenCreate";
    case Action::kDelete:
      return "Delete";
  }
  return "?";
}

RequiredReplaces GetRequiredReplaces(
    const Value& prior, const Value& planned,
    const std::vector<tf::AttributePath>& requires_replace) {
  RequiredReplaces out;
  for (const tf::AttributePath& p : requires_replace) {
    if (prior.IsNull()) continue;  // create: ignored
    CtyPath cp = FromAttributePath(p);
    std::optional<Value> a = ApplyPath(prior, cp);
    std::optional<Value> b = ApplyPath(planned, cp);
    if (!a && !b) {
      out.invalid.push_back(p);
      continue;
    }
    if (!a) a = Value::Null(b->type());
    if (!b) b = Value::Null(a->type());
    std::optional<bool> eq = CtyEquals(*b, *a);
    if (!eq || !*eq) out.paths.push_back(p);
  }
  return out;
}

Action GetAction(const Value& prior, const Value& planned,
                 const RequiredReplaces& replaces) {
  if (prior.IsNull()) return Action::kCreate;
  if (!replaces.paths.empty()) return Action::kDeleteThenCreate;
  std::optional<bool> eq = CtyEquals(planned, prior);
  if (eq && *eq) return Action::kNoOp;
  return Action::kUpdate;
}

std::vector<std::string> DiffObjects(const ConfigBlock& schema, const Value& a,
                                     const Value& b,
                                     const std::vector<std::string>& ignore) {
  std::vector<std::string> out;
  std::set<std::string> skip(ignore.begin(), ignore.end());
  for (const auto& [name, attr] : schema.attributes) {
    if (skip.count(name)) continue;
    Type t = attr.ImpliedType();
    DiffValues(GetAttrOf(a, name, t), GetAttrOf(b, name, t), name,
               attr.sensitive, out);
  }
  for (const auto& [name, nb] : schema.block_types) {
    if (skip.count(name)) continue;
    Type t = nb.ImpliedType();
    DiffValues(GetAttrOf(a, name, t), GetAttrOf(b, name, t), name, false, out);
  }
  return out;
}

}  // namespace secureaml::conformance
