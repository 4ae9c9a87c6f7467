#include "provider/azure/url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace secureaml::azure {

std::string ParsedUrl::Origin() const {
  bool default_port =
      (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return default_port ? absl::StrCat(scheme, "://", host)
                      : absl::StrCat(scheme, "://", host, ":", port);
}

absl::StatusOr<ParsedUrl> ParseUrl(absl::string_view url) {
  ParsedUrl out;
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos || scheme_end == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL is not absolute: ", url.substr(0, 200)));
  }
  out.scheme = absl::AsciiStrToLower(url.substr(0, scheme_end));
  if (out.scheme != "https" && out.scheme != "http") {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported URL scheme: ", out.scheme));
  }
  absl::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != absl::string_view::npos) {
    return absl::InvalidArgumentError("URLs with user info are not supported");
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("bad IPv6 literal in URL");
    }
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':');
             colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return absl::InvalidArgumentError("URL has no host");
  out.host = absl::AsciiStrToLower(host);
  if (port.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else if (!absl::SimpleAtoi(port, &out.port) || out.port <= 0 ||
             out.port > 65535) {
    return absl::InvalidArgumentError("bad port in URL");
  }
  out.path_and_query = path_start == absl::string_view::npos
                           ? "/"
                           : std::string(rest.substr(path_start));
  if (!out.path_and_query.empty() && out.path_and_query[0] != '/') {
    out.path_and_query.insert(0, "/");
  }
  // Fragments are never sent.
  if (size_t hash = out.path_and_query.find('#'); hash != std::string::npos) {
    out.path_and_query.resize(hash);
  }
  return out;
}

std::string PercentEncode(absl::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, PercentEncode(k), "=", PercentEncode(v));
  }
  return out;
}

std::string AppendQuery(absl::string_view url, absl::string_view name,
                        absl::string_view value) {
  char sep = url.find('?') == absl::string_view::npos ? '?' : '&';
  return absl::StrCat(url, std::string(1, sep), name, "=",
                      PercentEncode(value));
}

std::string QueryParam(absl::string_view url, absl::string_view name) {
  size_t q = url.find('?');
  if (q == absl::string_view::npos) return "";
  for (absl::string_view kv : absl::StrSplit(url.substr(q + 1), '&')) {
    std::pair<absl::string_view, absl::string_view> p =
        absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (absl::EqualsIgnoreCase(p.first, name)) return std::string(p.second);
  }
  return "";
}

}  // namespace secureaml::azure
