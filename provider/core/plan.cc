#include "provider/core/plan.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "provider/core/object_checks.h"

namespace secureaml::core {
namespace {

using tf::AttributePath;
using tf::Block;
using tf::NestedBlock;
using tf::Value;
using Kind = tf::Type::Kind;

const Value& Null() {
  static const Value* const kNull = new Value();
  return *kNull;
}

size_t CountOf(const Value& v) {
  if (!v.IsKnown()) return 0;
  Kind k = v.type().kind();
  if (k == Kind::kList || k == Kind::kSet || k == Kind::kTuple) {
    return v.Elements().size();
  }
  return 0;
}

// Visits the element objects of a nested block value with the companion
// values at the same position (config and prior element; nullptr when there
// is no positional counterpart, e.g. set elements). `fn(elem, cfg, prior,
// &out)` returns true when it rebuilt the element into `out`. Returns true
// and sets `*out` when any element changed.
template <typename Fn>
bool MapBlockElements(const NestedBlock& nb, const Value& pv, const Value* cv,
                      const Value* rv, const Fn& fn, Value* out) {
  if (!pv.IsKnown()) return false;
  switch (nb.nesting) {
    case tf::Nesting::kSingle:
    case tf::Nesting::kGroup:
      return fn(pv, cv, rv, out);
    case tf::Nesting::kList:
    case tf::Nesting::kSet: {
      const bool positional = nb.nesting == tf::Nesting::kList;
      const std::vector<Value>& elems = pv.Elements();
      std::vector<Value> rebuilt;
      bool changed = false;
      for (size_t i = 0; i < elems.size(); ++i) {
        const Value* ce = nullptr;
        const Value* re = nullptr;
        if (positional && cv != nullptr && i < CountOf(*cv)) {
          ce = &cv->Elements()[i];
        }
        if (positional && rv != nullptr && i < CountOf(*rv)) {
          re = &rv->Elements()[i];
        }
        Value ne;
        if (fn(elems[i], ce, re, &ne)) {
          if (!changed) rebuilt.assign(elems.begin(), elems.begin() + i);
          changed = true;
          rebuilt.push_back(std::move(ne));
        } else if (changed) {
          rebuilt.push_back(elems[i]);
        }
      }
      if (changed) *out = WithElements(pv, std::move(rebuilt));
      return changed;
    }
    case tf::Nesting::kMap: {
      std::map<std::string, Value> rebuilt;
      bool changed = false;
      for (const auto& [key, e] : pv.Entries()) {
        const Value* ce = nullptr;
        const Value* re = nullptr;
        if (cv != nullptr && cv->IsKnown()) {
          auto it = cv->Entries().find(key);
          if (it != cv->Entries().end()) ce = &it->second;
        }
        if (rv != nullptr && rv->IsKnown()) {
          auto it = rv->Entries().find(key);
          if (it != rv->Entries().end()) re = &it->second;
        }
        Value ne;
        if (fn(e, ce, re, &ne)) {
          changed = true;
          rebuilt[key] = std::move(ne);
        } else {
          rebuilt[key] = e;
        }
      }
      if (changed) *out = WithEntries(pv, std::move(rebuilt));
      return changed;
    }
  }
  return false;
}

// Copy-on-write helper for an object's entries.
class EntryEditor {
 public:
  explicit EntryEditor(const Value& object) : object_(object) {}
  void Set(const std::string& name, Value v) {
    if (!entries_) entries_ = object_.Entries();
    (*entries_)[name] = std::move(v);
  }
  bool Finish(Value* out) {
    if (!entries_) return false;
    *out = Value::Object(object_.type(), std::move(*entries_));
    return true;
  }

 private:
  const Value& object_;
  std::optional<std::map<std::string, Value>> entries_;
};

// Step 1. `config` == nullptr: no positional config (set elements); the
// planned value's own nullness stands in for the configuration's.
bool ApplyDefaults(const Block& b, const Value& planned, const Value* config,
                   Value* out) {
  if (!planned.IsKnown() || planned.type().kind() != Kind::kObject) {
    return false;
  }
  EntryEditor edit(planned);
  for (const tf::Attribute& attr : b.attributes) {
    if (!attr.default_value) continue;
    const Value& pv = planned.GetAttr(attr.name);
    const bool config_null =
        config ? AttrOrNull(*config, attr.name).IsNull() : pv.IsNull();
    if (config_null && !NullSafeEqual(pv, *attr.default_value)) {
      edit.Set(attr.name, *attr.default_value);
    }
  }
  for (const NestedBlock& nb : b.blocks) {
    const Value* cv = config ? &AttrOrNull(*config, nb.type_name) : nullptr;
    Value nv;
    auto fn = [&nb](const Value& e, const Value* c, const Value*, Value* o) {
      return ApplyDefaults(nb.block, e, c, o);
    };
    if (MapBlockElements(nb, planned.GetAttr(nb.type_name), cv, nullptr, fn,
                         &nv)) {
      edit.Set(nb.type_name, std::move(nv));
    }
  }
  return edit.Finish(out);
}

// Steps 3 and 4: config-null computed attributes become unknown. On an
// in-place update (replacing == false), use_state_for_unknown attributes keep
// the prior value, and so do computed requires_replace attributes: their value
// can only change through a replacement, so marking them unknown would turn
// every unrelated update into a replacement.
bool MarkComputed(const Block& b, const Value& planned, const Value* config,
                  const Value* prior, bool replacing, bool only_carried_over,
                  Value* out) {
  if (!planned.IsKnown() || planned.type().kind() != Kind::kObject) {
    return false;
  }
  EntryEditor edit(planned);
  for (const tf::Attribute& attr : b.attributes) {
    // Defaulted attributes already hold their planned value.
    if (!attr.IsComputed() || attr.default_value) continue;
    const Value& pv = planned.GetAttr(attr.name);
    if (pv.IsUnknown()) continue;
    const bool config_null =
        config ? AttrOrNull(*config, attr.name).IsNull() : pv.IsNull();
    if (!config_null) continue;
    const Value& rv = prior ? AttrOrNull(*prior, attr.name) : Null();
    // After ModifyPlan, leave values the resource chose deliberately.
    if (only_carried_over && !NullSafeEqual(pv, rv)) continue;
    if (!replacing && (attr.use_state_for_unknown || attr.requires_replace) &&
        !rv.IsNull()) {
      if (!(pv == rv)) edit.Set(attr.name, rv);
      continue;
    }
    edit.Set(attr.name, Value::Unknown(attr.type));
  }
  for (const NestedBlock& nb : b.blocks) {
    const Value* cv = config ? &AttrOrNull(*config, nb.type_name) : nullptr;
    const Value* rv = prior ? &AttrOrNull(*prior, nb.type_name) : nullptr;
    Value nv;
    auto fn = [&nb, replacing, only_carried_over](
                  const Value& e, const Value* c, const Value* r, Value* o) {
      return MarkComputed(nb.block, e, c, r, replacing, only_carried_over, o);
    };
    if (MapBlockElements(nb, planned.GetAttr(nb.type_name), cv, rv, fn, &nv)) {
      edit.Set(nb.type_name, std::move(nv));
    }
  }
  return edit.Finish(out);
}

bool Differs(const Value& a, const Value& b) {
  if (a.IsUnknown() || b.IsUnknown()) return true;
  return !NullSafeEqual(a, b);
}

bool HasForceNew(const Block& b) {
  for (const tf::Attribute& a : b.attributes) {
    if (a.requires_replace) return true;
  }
  for (const NestedBlock& nb : b.blocks) {
    if (nb.requires_replace || HasForceNew(nb.block)) return true;
  }
  return false;
}

// A set element's identity as far as replacement is concerned: the rendering
// of its requires_replace parts only.
void ForceNewSignature(const Block& b, const Value& v, std::string* out) {
  for (const tf::Attribute& a : b.attributes) {
    if (!a.requires_replace) continue;
    absl::StrAppend(out, a.name, "=", AttrOrNull(v, a.name).DebugString(), ";");
  }
  for (const NestedBlock& nb : b.blocks) {
    const Value& bv = AttrOrNull(v, nb.type_name);
    if (nb.requires_replace) {
      absl::StrAppend(out, nb.type_name, "=", bv.DebugString(), ";");
      continue;
    }
    if (!HasForceNew(nb.block)) continue;
    absl::StrAppend(out, nb.type_name, "{");
    if (!bv.IsKnown()) {
      absl::StrAppend(out, bv.DebugString());
    } else if (nb.nesting == tf::Nesting::kSingle ||
               nb.nesting == tf::Nesting::kGroup) {
      ForceNewSignature(nb.block, bv, out);
    } else if (nb.nesting == tf::Nesting::kMap) {
      for (const auto& [k, e] : bv.Entries()) {
        absl::StrAppend(out, k, ":");
        ForceNewSignature(nb.block, e, out);
      }
    } else {
      std::vector<std::string> parts;
      for (const Value& e : bv.Elements()) {
        std::string s;
        ForceNewSignature(nb.block, e, &s);
        parts.push_back(std::move(s));
      }
      if (nb.nesting == tf::Nesting::kSet)
        std::sort(parts.begin(), parts.end());
      for (const std::string& s : parts) absl::StrAppend(out, "[", s, "]");
    }
    absl::StrAppend(out, "}");
  }
}

std::vector<std::string> SetSignatures(const Block& b, const Value& set) {
  std::vector<std::string> out;
  if (!set.IsKnown()) return out;
  for (const Value& e : set.Elements()) {
    std::string s;
    ForceNewSignature(b, e, &s);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void CollectRequiresReplace(const Block& b, const Value& planned,
                            const Value& prior, const AttributePath& path,
                            std::vector<AttributePath>* out) {
  for (const tf::Attribute& attr : b.attributes) {
    if (!attr.requires_replace) continue;
    if (Differs(AttrOrNull(planned, attr.name), AttrOrNull(prior, attr.name))) {
      out->push_back(path.Attr(attr.name));
    }
  }
  for (const NestedBlock& nb : b.blocks) {
    const AttributePath bp = path.Attr(nb.type_name);
    const Value& pv = AttrOrNull(planned, nb.type_name);
    const Value& rv = AttrOrNull(prior, nb.type_name);
    if (nb.requires_replace) {
      if (Differs(pv, rv)) out->push_back(bp);
      continue;
    }
    if (!HasForceNew(nb.block)) continue;
    if (pv.IsUnknown() || rv.IsUnknown()) {
      // A dynamic block with unknown for_each: its contents may change.
      out->push_back(bp);
      continue;
    }
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
      case tf::Nesting::kGroup:
        CollectRequiresReplace(nb.block, pv, rv, bp, out);
        break;
      case tf::Nesting::kList: {
        const size_t n = std::max(CountOf(pv), CountOf(rv));
        for (size_t i = 0; i < n; ++i) {
          const Value& pe = i < CountOf(pv) ? pv.Elements()[i] : Null();
          const Value& re = i < CountOf(rv) ? rv.Elements()[i] : Null();
          CollectRequiresReplace(nb.block, pe, re,
                                 bp.Index(static_cast<int64_t>(i)), out);
        }
        break;
      }
      case tf::Nesting::kSet:
        // Set elements have no address; the path stops at the set.
        if (SetSignatures(nb.block, pv) != SetSignatures(nb.block, rv)) {
          out->push_back(bp);
        }
        break;
      case tf::Nesting::kMap: {
        std::map<std::string, std::pair<const Value*, const Value*>> keys;
        if (pv.IsKnown()) {
          for (const auto& [k, e] : pv.Entries()) keys[k].first = &e;
        }
        if (rv.IsKnown()) {
          for (const auto& [k, e] : rv.Entries()) keys[k].second = &e;
        }
        for (const auto& [k, pair] : keys) {
          CollectRequiresReplace(nb.block, pair.first ? *pair.first : Null(),
                                 pair.second ? *pair.second : Null(), bp.Key(k),
                                 out);
        }
        break;
      }
    }
  }
}

void PlanError(tf::Diagnostics& diags, const AttributePath& path,
               absl::string_view problem) {
  diags.AddAttributeError(
      path, "Provider produced invalid plan",
      absl::StrCat("The provider planned an invalid value for ",
                   path.ToString(), ": ", problem,
                   ". This is a bug in the provider, not in your "
                   "configuration; please report it to the provider "
                   "developers."));
}

void CheckBlock(const Block& b, const Value& prior, const Value& config,
                const Value& planned, const AttributePath& path,
                tf::Diagnostics& diags) {
  for (const tf::Attribute& attr : b.attributes) {
    const AttributePath ap = path.Attr(attr.name);
    const Value& pv = AttrOrNull(planned, attr.name);
    const Value& cv = AttrOrNull(config, attr.name);
    const Value& rv = AttrOrNull(prior, attr.name);
    if (NullSafeEqual(pv, cv)) continue;
    // "Functionally equal, no change": the prior value stands for config.
    if (!rv.IsNull() && !cv.IsNull() && NullSafeEqual(pv, rv)) continue;
    if (attr.mode == tf::AttributeMode::kComputed) continue;
    if (cv.IsNull() && attr.IsComputed()) continue;
    if (cv.IsNull()) {
      PlanError(diags, ap,
                "it is not set in the configuration and is not computed, "
                "so it must be planned as null");
    } else {
      PlanError(diags, ap,
                rv.IsNull() ? "it does not match the configuration value"
                            : "it matches neither the configuration value "
                              "nor the prior state");
    }
  }
  for (const NestedBlock& nb : b.blocks) {
    const AttributePath bp = path.Attr(nb.type_name);
    const Value& pv = AttrOrNull(planned, nb.type_name);
    const Value& cv = AttrOrNull(config, nb.type_name);
    const Value& rv = AttrOrNull(prior, nb.type_name);
    if (cv.IsUnknown()) {
      if (!pv.IsUnknown()) {
        PlanError(diags, bp,
                  "the configuration block is unknown, so the "
                  "planned block must stay unknown");
      }
      continue;
    }
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
        if (pv.IsNull() != cv.IsNull() || pv.IsUnknown()) {
          PlanError(diags, bp,
                    "the block's presence differs from the configuration");
          break;
        }
        if (!pv.IsNull()) CheckBlock(nb.block, rv, cv, pv, bp, diags);
        break;
      case tf::Nesting::kGroup:
        if (!pv.IsKnown()) {
          PlanError(diags, bp, "a group block must be planned as an object");
          break;
        }
        CheckBlock(nb.block, rv, cv, pv, bp, diags);
        break;
      case tf::Nesting::kList: {
        if (!pv.IsKnown()) {
          PlanError(diags, bp,
                    pv.IsNull() ? "blocks must be planned as an empty list "
                                  "to indicate no blocks, not null"
                                : "the block list is unknown although the "
                                  "configuration is known");
          break;
        }
        if (CountOf(pv) != CountOf(cv)) {
          PlanError(diags, bp,
                    absl::StrCat("the configuration has ", CountOf(cv),
                                 " blocks but the plan has ", CountOf(pv)));
          break;
        }
        for (size_t i = 0; i < CountOf(pv); ++i) {
          const AttributePath ep = bp.Index(static_cast<int64_t>(i));
          const Value& pe = pv.Elements()[i];
          if (pe.IsUnknown()) {
            PlanError(diags, ep,
                      "a block may not be unknown itself; make "
                      "its attributes unknown instead");
            continue;
          }
          const Value& re = i < CountOf(rv) ? rv.Elements()[i] : Null();
          CheckBlock(nb.block, re, cv.Elements()[i], pe, ep, diags);
        }
        break;
      }
      case tf::Nesting::kSet:
        // Terraform does not check set blocks; only nullness matters.
        if (pv.IsNull()) {
          PlanError(diags, bp,
                    "blocks must be planned as an empty set to "
                    "indicate no blocks, not null");
        }
        break;
      case tf::Nesting::kMap: {
        if (!pv.IsKnown()) {
          PlanError(diags, bp,
                    "blocks must be planned as an empty map to "
                    "indicate no blocks, not null or unknown");
          break;
        }
        const auto& pe = pv.Entries();
        const auto& ce = cv.IsKnown() ? cv.Entries() : pe;
        for (const auto& [key, e] : pe) {
          auto it = ce.find(key);
          if (it == ce.end()) {
            PlanError(diags, bp.Key(key),
                      "the plan has a block the configuration does not");
            continue;
          }
          const Value* re = nullptr;
          if (rv.IsKnown()) {
            auto rit = rv.Entries().find(key);
            if (rit != rv.Entries().end()) re = &rit->second;
          }
          CheckBlock(nb.block, re ? *re : Null(), it->second, e, bp.Key(key),
                     diags);
        }
        for (const auto& [key, e] : ce) {
          if (!pe.count(key)) {
            PlanError(diags, bp.Key(key),
                      "the plan dropped a block the configuration has");
          }
        }
        break;
      }
    }
  }
}

}  // namespace

GenericPlan PlanGeneric(const Block& block, const Value& prior,
                        const Value& proposed, const Value& config) {
  GenericPlan plan;
  plan.planned = proposed;
  const bool create = prior.IsNull();
  Value tmp;
  if (ApplyDefaults(block, plan.planned, &config, &tmp)) plan.planned = tmp;

  plan.no_op = !create && SameExceptTimeouts(plan.planned, prior);
  if (plan.no_op) return plan;

  if (MarkComputed(block, plan.planned, &config, create ? nullptr : &prior,
                   /*replacing=*/false, /*only_carried_over=*/false, &tmp)) {
    plan.planned = tmp;
  }
  if (create) return plan;

  CollectRequiresReplace(block, plan.planned, prior, AttributePath(),
                         &plan.requires_replace);
  plan.requires_replace = NormalizePaths(std::move(plan.requires_replace));
  plan.replace = !plan.requires_replace.empty();
  if (plan.replace && MarkComputed(block, plan.planned, &config, &prior,
                                   /*replacing=*/true,
                                   /*only_carried_over=*/false, &tmp)) {
    // A new object will be created: nothing computed carries over.
    plan.planned = tmp;
  }
  return plan;
}

Value MarkCarriedOverForReplace(const Block& block, const Value& planned,
                                const Value& config, const Value& prior) {
  Value out;
  if (MarkComputed(block, planned, &config, &prior, /*replacing=*/true,
                   /*only_carried_over=*/true, &out)) {
    return out;
  }
  return planned;
}

std::vector<AttributePath> NormalizePaths(std::vector<AttributePath> paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

bool PathExists(const Value& value, const AttributePath& path) {
  return value.AtPath(path).has_value();
}

bool PathChanged(const Value& prior, const Value& planned,
                 const AttributePath& path) {
  std::optional<Value> a = prior.AtPath(path);
  std::optional<Value> b = planned.AtPath(path);
  return Differs(b ? *b : Null(), a ? *a : Null());
}

bool SameExceptTimeouts(const Value& a, const Value& b) {
  if (!a.IsKnown() || !b.IsKnown() || a.type().kind() != Kind::kObject ||
      b.type().kind() != Kind::kObject) {
    return NullSafeEqual(a, b);
  }
  const auto& ae = a.Entries();
  const auto& be = b.Entries();
  if (ae.size() != be.size()) return false;
  for (auto ai = ae.begin(), bi = be.begin(); ai != ae.end(); ++ai, ++bi) {
    if (ai->first != bi->first) return false;
    if (ai->first == "timeouts") continue;
    if (!NullSafeEqual(ai->second, bi->second)) return false;
  }
  return true;
}

void CheckPlanValid(const Block& block, const Value& prior, const Value& config,
                    const Value& planned, tf::Diagnostics& diagnostics) {
  CheckBlock(block, prior, config, planned, AttributePath(), diagnostics);
}

}  // namespace secureaml::core
