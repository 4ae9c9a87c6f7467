// File: url.h
//
// Just enough URL handling for ARM: split absolute URLs, percent-encode query
// and form values, and build `{endpoint}{resource_id}?api-version=...`.
//
//   absl::StatusOr<ParsedUrl> u = ParseUrl("https://host:8443/a?b=c");
//   u->host == "host"; u->port == 8443; u->path_and_query == "/a?b=c"
#ifndef SECUREAML_PROVIDER_AZURE_URL_H_
#define SECUREAML_PROVIDER_AZURE_URL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace secureaml::azure {

struct ParsedUrl {
  std::string scheme;          // lower case
  std::string host;            // lower case, IPv6 literals keep their brackets
  int port = 0;                // explicit or the scheme's default
  std::string path_and_query;  // starts with '/'
  // "scheme://host[:port]" exactly as given (default port omitted).
  std::string Origin() const;
};

absl::StatusOr<ParsedUrl> ParseUrl(absl::string_view url);

// RFC 3986 unreserved characters are kept; everything else is %XX.
std::string PercentEncode(absl::string_view s);

std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields);

// Appends `name=value` (value percent-encoded) with '?' or '&'.
std::string AppendQuery(absl::string_view url, absl::string_view name,
                        absl::string_view value);

// Returns the value of query parameter `name` (not decoded), or "".
std::string QueryParam(absl::string_view url, absl::string_view name);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_URL_H_
