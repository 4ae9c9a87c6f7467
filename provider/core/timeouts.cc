#include "provider/core/timeouts.h"

#include <cctype>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace secureaml::core {
namespace {

constexpr const char* kOpNames[] = {"create", "read", "update", "delete"};

const char* OpName(Operation op) { return kOpNames[static_cast<int>(op)]; }

absl::Duration DefaultFor(Operation op, const DefaultTimeouts& d) {
  switch (op) {
    case Operation::kCreate:
      return d.create;
    case Operation::kRead:
      return d.read;
    case Operation::kUpdate:
      return d.update;
    case Operation::kDelete:
      return d.del;
  }
  return d.read;
}

// Go's unit table (time.ParseDuration), including both spellings of micro.
bool UnitFor(std::string_view unit, absl::Duration* out) {
  if (unit == "ns") {
    *out = absl::Nanoseconds(1);
  } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
    *out = absl::Microseconds(1);
  } else if (unit == "ms") {
    *out = absl::Milliseconds(1);
  } else if (unit == "s") {
    *out = absl::Seconds(1);
  } else if (unit == "m") {
    *out = absl::Minutes(1);
  } else if (unit == "h") {
    *out = absl::Hours(1);
  } else {
    return false;
  }
  return true;
}

std::string Describe(absl::Duration d) { return absl::FormatDuration(d); }

}  // namespace

tf::NestedBlock TimeoutsBlock(const DefaultTimeouts& defaults) {
  auto attr = [](const char* name, const char* verb, absl::Duration d) {
    return tf::Attribute::Optional(
        name, tf::Type::String(),
        absl::StrCat("How long to wait for the resource to be ", verb,
                     ", as a duration such as \"30s\", \"10m\" or \"1h30m\". "
                     "Defaults to ",
                     Describe(d), "."));
  };
  tf::Block block;
  block.description = "Time limits for the long-running operations.";
  block.attributes = {
      attr("create", "created", defaults.create),
      attr("read", "read", defaults.read),
      attr("update", "updated", defaults.update),
      attr("delete", "deleted", defaults.del),
  };
  return tf::NestedBlock::Single("timeouts", std::move(block));
}

absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view text) {
  // Debian's abseil has its own string_view type.
  const absl::string_view original(text.data(), text.size());
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", original, "\" is not a valid duration: ", why));
  };
  if (text.empty()) return invalid("it is empty");
  if (text[0] == '-') return invalid("it is negative");
  if (text[0] == '+') text.remove_prefix(1);
  // Go accepts a bare "0" without a unit.
  if (text == "0") return absl::ZeroDuration();
  if (text.empty()) return invalid("a number and a unit are required");

  absl::Duration total = absl::ZeroDuration();
  while (!text.empty()) {
    // Integer part, optional fraction.
    size_t i = 0;
    int64_t whole = 0;
    bool digits = false;
    while (i < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (whole > (INT64_MAX - 9) / 10) return invalid("it is too large");
      whole = whole * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    double fraction = 0;
    if (i < text.size() && text[i] == '.') {
      ++i;
      double scale = 0.1;
      while (i < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[i]))) {
        fraction += (text[i] - '0') * scale;
        scale /= 10;
        digits = true;
        ++i;
      }
    }
    if (!digits) return invalid("expected a number such as 30 or 1.5");
    size_t u = i;
    while (u < text.size() &&
           !std::isdigit(static_cast<unsigned char>(text[u])) &&
           text[u] != '.') {
      ++u;
    }
    absl::Duration unit;
    absl::string_view unit_text(text.data() + i, u - i);
    if (unit_text.empty()) {
      return invalid("a unit is required (s, m or h), as in \"30s\"");
    }
    if (!UnitFor(std::string_view(unit_text.data(), unit_text.size()), &unit)) {
      return invalid(absl::StrCat("unknown unit \"", unit_text,
                                  "\" (use ns, us, ms, s, m or h)"));
    }
    total += unit * whole + unit * fraction;
    if (total > absl::Hours(24 * 365 * 100)) return invalid("it is too large");
    text.remove_prefix(u);
  }
  return total;
}

absl::Duration TimeoutFor(const tf::Value& resource_value, Operation op,
                          const DefaultTimeouts& defaults) {
  const absl::Duration fallback = DefaultFor(op, defaults);
  if (!resource_value.IsKnown() ||
      !resource_value.type().AttributeTypes().count("timeouts")) {
    return fallback;
  }
  const tf::Value& block = resource_value.GetAttr("timeouts");
  if (!block.IsKnown() || block.type().kind() != tf::Type::Kind::kObject) {
    return fallback;
  }
  std::optional<std::string> text = block.GetString(OpName(op));
  if (!text) return fallback;
  absl::StatusOr<absl::Duration> parsed = ParseGoDuration(*text);
  // Invalid or zero values were reported by validation; never run an
  // operation with no time at all.
  if (!parsed.ok() || *parsed <= absl::ZeroDuration()) return fallback;
  return *parsed;
}

void ValidateTimeouts(const tf::Value& config, tf::Diagnostics& diagnostics) {
  if (!config.IsKnown() || !config.type().AttributeTypes().count("timeouts")) {
    return;
  }
  const tf::Value& block = config.GetAttr("timeouts");
  if (!block.IsKnown() || block.type().kind() != tf::Type::Kind::kObject) {
    return;
  }
  for (const char* name : kOpNames) {
    if (!block.HasAttr(name)) continue;
    const tf::Value& v = block.GetAttr(name);
    if (!v.IsKnown() || v.type() != tf::Type::String()) continue;
    tf::AttributePath path = tf::AttributePath::Root("timeouts").Attr(name);
    absl::StatusOr<absl::Duration> parsed = ParseGoDuration(v.AsString());
    if (!parsed.ok()) {
      diagnostics.AddAttributeError(
          path, "Invalid timeout",
          absl::StrCat(parsed.status().message(),
                       ". Use a positive duration such as \"45s\", \"30m\" "
                       "or \"1h30m\"."));
    } else if (*parsed <= absl::ZeroDuration()) {
      diagnostics.AddAttributeError(
          path, "Invalid timeout",
          absl::StrCat("The ", name,
                       " timeout must be longer than zero, as in \"30m\"."));
    }
  }
}

}  // namespace secureaml::core
