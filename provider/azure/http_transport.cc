#include "provider/azure/http_transport.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "provider/azure/url.h"

namespace secureaml::azure {
namespace {
constexpr char kNotSentPayload[] = "secureaml.azure/request-not-sent";
}  // namespace

void HttpHeaders::Set(absl::string_view name, absl::string_view value) {
  Remove(name);
  Add(name, value);
}

void HttpHeaders::Add(absl::string_view name, absl::string_view value) {
  entries_.emplace_back(std::string(name), std::string(value));
}

std::optional<std::string> HttpHeaders::Get(absl::string_view name) const {
  for (const auto& [k, v] : entries_) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

void HttpHeaders::Remove(absl::string_view name) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& e : entries_) {
    if (!absl::EqualsIgnoreCase(e.first, name)) kept.push_back(std::move(e));
  }
  entries_ = std::move(kept);
}

absl::Status RequestNotSentError(absl::string_view message) {
  absl::Status status = absl::UnavailableError(message);
  status.SetPayload(kNotSentPayload, absl::Cord("1"));
  return status;
}

bool RequestWasNotSent(const absl::Status& status) {
  return status.GetPayload(kNotSentPayload).has_value();
}

namespace {

bool IsLoopback(absl::string_view host) {
  return host == "localhost" || absl::StartsWith(host, "127.") ||
         host == "::1" || host == "[::1]";
}

// NO_PROXY entries: "*", "host", ".suffix", "suffix" (matches subdomains
// too), optionally with ":port"; CIDR blocks are not supported.
bool NoProxyMatches(absl::string_view no_proxy, absl::string_view host,
                    int port) {
  for (absl::string_view entry : absl::StrSplit(no_proxy, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    if (entry == "*") return true;
    absl::string_view entry_host = entry;
    size_t colon = entry.rfind(':');
    if (colon != absl::string_view::npos &&
        entry.find(']') == absl::string_view::npos) {
      int entry_port = 0;
      if (absl::SimpleAtoi(entry.substr(colon + 1), &entry_port) &&
          entry_port != port) {
        continue;
      }
      entry_host = entry.substr(0, colon);
    }
    absl::ConsumePrefix(&entry_host, "*");
    bool leading_dot = absl::ConsumePrefix(&entry_host, ".");
    if (absl::EqualsIgnoreCase(host, entry_host) && !leading_dot) return true;
    if (absl::EndsWithIgnoreCase(host, absl::StrCat(".", entry_host))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string ProxyForUrl(
    absl::string_view url,
    const std::function<std::optional<std::string>(absl::string_view)>&
        getenv) {
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) return "";
  if (IsLoopback(parsed->host)) return "";
  auto first = [&](std::initializer_list<absl::string_view> names) {
    for (auto n : names) {
      std::optional<std::string> v = getenv(n);
      if (v && !v->empty()) return *v;
    }
    return std::string();
  };
  std::string no_proxy = first({"NO_PROXY", "no_proxy"});
  if (NoProxyMatches(no_proxy, parsed->host, parsed->port)) return "";
  if (parsed->scheme == "https") return first({"HTTPS_PROXY", "https_proxy"});
  // IMDS is link-local and must never go through a proxy.
  if (parsed->host == "169.254.169.254") return "";
  return first({"HTTP_PROXY", "http_proxy"});
}

}  // namespace secureaml::azure
