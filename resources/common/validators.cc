#include "resources/common/validators.h"

#include <cctype>
#include <mutex>
#include <optional>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace secureaml::resources {
namespace {

bool IsString(const tf::Value& v) {
  return v.type().kind() == tf::Type::Kind::kString;
}

}  // namespace

tf::Validator OneOf(std::vector<std::string> allowed) {
  return [allowed](const tf::Value& value, const tf::AttributePath& path,
                   tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    for (const auto& a : allowed) {
      if (value.AsString() == a) return;
    }
    diags.AddAttributeError(path, "Unsupported value",
                            absl::StrCat("\"", value.AsString(),
                                         "\" is not allowed here. Use one of: ",
                                         absl::StrJoin(allowed, ", "), "."));
  };
}

tf::Validator MatchesRegex(std::string pattern, std::string rule) {
  // Compiled on first use: every provider process builds every schema before
  // its handshake, and compiling these patterns there cost ~10 million
  // instructions (~4 ms) per start, for attributes most runs never validate.
  struct LazyRegex {
    std::string pattern;
    std::once_flag compiled;
    std::optional<std::regex> re;
  };
  auto lazy = std::make_shared<LazyRegex>();
  lazy->pattern = std::move(pattern);
  return [lazy, rule](const tf::Value& value, const tf::AttributePath& path,
                      tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    std::call_once(lazy->compiled, [&lazy] {
      lazy->re.emplace(lazy->pattern, std::regex::ECMAScript);
    });
    if (!std::regex_match(value.AsString(), *lazy->re)) {
      diags.AddAttributeError(
          path, "Invalid value",
          absl::StrCat("\"", value.AsString(), "\" is not valid: ", rule, "."));
    }
  };
}

tf::Validator IntBetween(int64_t min, int64_t max) {
  return [min, max](const tf::Value& value, const tf::AttributePath& path,
                    tf::Diagnostics& diags) {
    if (value.type().kind() != tf::Type::Kind::kNumber) return;
    std::optional<int64_t> v = value.AsNumber().ToInt64();
    if (!v || *v < min || *v > max) {
      diags.AddAttributeError(
          path, "Value out of range",
          absl::StrCat(value.AsNumber().ToString(),
                       " is not allowed: use a whole number from ", min, " to ",
                       max, "."));
    }
  };
}

tf::Validator StringLengthBetween(size_t min, size_t max) {
  return [min, max](const tf::Value& value, const tf::AttributePath& path,
                    tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    size_t n = value.AsString().size();
    if (n < min || n > max) {
      diags.AddAttributeError(
          path, "Invalid length",
          absl::StrCat("The value has ", n, " characters; it must have ", min,
                       " to ", max, "."));
    }
  };
}

tf::Validator WorkspaceName() {
  // workspaceRP.json: ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$
  return MatchesRegex("[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}",
                      "a workspace name has 3 to 33 characters, starts with a "
                      "letter or digit and contains only letters, digits, '-' "
                      "and '_'");
}

tf::Validator ComputeName() {
  // machineLearningServices.json computeName pattern.
  return MatchesRegex(
      "[a-zA-Z](?![a-zA-Z0-9-]*-\\d+$)[a-zA-Z0-9\\-]{2,23}",
      "a compute name has 3 to 24 characters, starts with a letter, contains "
      "only letters, digits and '-', and must not end in '-' followed by "
      "digits");
}

tf::Validator ResourceGroupName() {
  return MatchesRegex("[-\\w\\._\\(\\)]{0,89}[-\\w_\\(\\)]",
                      "a resource group name has 1 to 90 characters: "
                      "letters, digits, '_', '-', '.', '(' and ')', and does "
                      "not end with '.'");
}

tf::Validator NetworkResourceName() {
  return MatchesRegex("[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?",
                      "a network resource name has 1 to 80 characters, starts "
                      "with a letter or digit, ends with a letter, digit or "
                      "'_', and contains only letters, digits, '_', '.' and "
                      "'-'");
}

tf::Validator PrivateDnsZoneName() {
  return MatchesRegex(
      "([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z0-9]([a-zA-Z0-9-"
      "]{"
      "0,61}[a-zA-Z0-9])?",
      "a private DNS zone name is a domain name with at least two labels and "
      "no trailing dot, such as privatelink.api.azureml.ms");
}

bool IsGuid(std::string_view s) {
  static const std::regex kGuid(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{"
      "12}");
  return std::regex_match(s.begin(), s.end(), kGuid);
}

tf::Validator Guid() {
  return [](const tf::Value& value, const tf::AttributePath& path,
            tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    if (!IsGuid(value.AsString())) {
      diags.AddAttributeError(
          path, "Invalid GUID",
          absl::StrCat("\"", value.AsString(),
                       "\" is not a GUID such as "
                       "00000000-0000-0000-0000-000000000000."));
    }
  };
}

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t dot = text.find('.', start);
    parts.push_back(text.substr(start, dot == std::string_view::npos
                                           ? std::string_view::npos
                                           : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 4) return std::nullopt;
  uint32_t out = 0;
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 3) return std::nullopt;
    uint32_t octet = 0;
    for (char c : p) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      octet = octet * 10 + static_cast<uint32_t>(c - '0');
    }
    if (octet > 255 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    out = (out << 8) | octet;
  }
  return out;
}

std::optional<Ipv4Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<uint32_t> addr = ParseIpv4(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  if (!addr || bits.empty() || bits.size() > 2) return std::nullopt;
  int prefix = 0;
  for (char c : bits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > 32) return std::nullopt;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return Ipv4Cidr{*addr & mask, prefix};
}

bool Ipv4Cidr::Contains(uint32_t address) const {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (address & mask) == network;
}

bool Ipv4Cidr::Overlaps(const Ipv4Cidr& other) const {
  return Contains(other.network) || other.Contains(network);
}

tf::Validator Cidr() {
  return [](const tf::Value& value, const tf::AttributePath& path,
            tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    if (!ParseCidr(value.AsString())) {
      diags.AddAttributeError(
          path, "Invalid CIDR",
          absl::StrCat("\"", value.AsString(),
                       "\" is not an IPv4 CIDR block such as 10.0.0.0/16."));
    }
  };
}

tf::Validator Ipv4Address() {
  return [](const tf::Value& value, const tf::AttributePath& path,
            tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    if (!ParseIpv4(value.AsString())) {
      diags.AddAttributeError(
          path, "Invalid IPv4 address",
          absl::StrCat("\"", value.AsString(),
                       "\" is not an IPv4 address such as 10.0.0.10."));
    }
  };
}

std::optional<absl::Duration> ParseIso8601Duration(std::string_view text) {
  // P[nD][T[nH][nM][nS]]; weeks, years and months are not used by AML.
  if (text.size() < 3 || text[0] != 'P') return std::nullopt;
  absl::Duration total = absl::ZeroDuration();
  bool in_time = false;
  bool any = false;
  int64_t number = -1;
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == 'T') {
      if (in_time || number >= 0) return std::nullopt;
      in_time = true;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (number < 0) number = 0;
      number = number * 10 + (c - '0');
      if (number > 100000000) return std::nullopt;
      continue;
    }
    if (number < 0) return std::nullopt;
    if (!in_time && c == 'D') {
      total += absl::Hours(24 * number);
    } else if (in_time && c == 'H') {
      total += absl::Hours(number);
    } else if (in_time && c == 'M') {
      total += absl::Minutes(number);
    } else if (in_time && c == 'S') {
      total += absl::Seconds(number);
    } else {
      return std::nullopt;
    }
    any = true;
    number = -1;
  }
  if (!any || number >= 0 || text.back() == 'T') return std::nullopt;
  return total;
}

tf::Validator Iso8601Duration() {
  return [](const tf::Value& value, const tf::AttributePath& path,
            tf::Diagnostics& diags) {
    if (!IsString(value)) return;
    if (!ParseIso8601Duration(value.AsString())) {
      diags.AddAttributeError(
          path, "Invalid duration",
          absl::StrCat("\"", value.AsString(),
                       "\" is not an ISO 8601 duration such as PT15M "
                       "(15 minutes) or P1DT2H (1 day 2 hours)."));
    }
  };
}

std::string NormalizeLocation(std::string_view location) {
  std::string out;
  for (char c : location) {
    if (c == ' ') continue;
    out.push_back(
        static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace secureaml::resources
