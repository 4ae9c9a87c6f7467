// File: http.h
//
// The HTTP/1.1 message model of the emulator and a pure request parser. The
// parser takes bytes and returns a request, "need more bytes" or an error, and
// never touches a socket, so it can be unit-tested and fuzzed on its own.
//
//   ParseResult r = ParseHttpRequest(buffer, kMaxBody);
//   if (r.outcome == ParseOutcome::kComplete) buffer.erase(0, r.consumed);
#ifndef SECUREAML_TESTS_EMULATOR_HTTP_H_
#define SECUREAML_TESTS_EMULATOR_HTTP_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

namespace secureaml::emulator {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;     // raw request-target, e.g. "/a%20b?x=1"
  std::string path;       // percent-decoded path
  std::string raw_query;  // undecoded text after '?'
  KeyValues query;        // decoded query parameters, in order
  KeyValues headers;      // names lower-cased
  std::string body;
  bool keep_alive = true;

  // Case-insensitive header lookup; empty when absent.
  std::string Header(absl::string_view name) const;
  bool HasHeader(absl::string_view name) const;
  // Case-insensitive query parameter lookup (ARM treats names that way).
  std::optional<std::string> Query(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  KeyValues headers;
  std::string body;
  // Fault injection: close the socket without answering / answer late.
  bool drop_connection = false;
  int delay_ms = 0;

  void SetHeader(absl::string_view name, absl::string_view value);
  std::string GetHeader(absl::string_view name) const;
  bool HasHeader(absl::string_view name) const;
};

enum class ParseOutcome { kComplete, kIncomplete, kError };

struct ParseResult {
  ParseOutcome outcome = ParseOutcome::kIncomplete;
  HttpRequest request;
  size_t consumed = 0;     // bytes of the buffer used by `request`
  int error_status = 400;  // for kError: 400, 411, 413, 431, 501, 505
  std::string error;
};

// Parses one request from the front of `buffer`. Accepts Content-Length and
// chunked bodies; rejects both together, obs-fold, bad lengths and bodies
// larger than `max_body`.
ParseResult ParseHttpRequest(absl::string_view buffer, size_t max_body);

// Status line, headers (adds Content-Length, Connection) and body.
std::string SerializeResponse(const HttpResponse& response, bool keep_alive,
                              bool head_request);

std::string ReasonPhrase(int status);
std::string PercentDecode(absl::string_view text, bool plus_as_space);
std::string PercentEncode(absl::string_view text);
// Parses "a=1&b=2" (also application/x-www-form-urlencoded bodies).
KeyValues ParseQueryString(absl::string_view text);
std::string ToLower(absl::string_view text);
bool EqualsIgnoreCase(absl::string_view a, absl::string_view b);

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_HTTP_H_
