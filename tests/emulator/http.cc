#include "tests/emulator/http.h"

#include <cctype>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace secureaml::emulator {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ParseResult Error(int status, std::string message) {
  ParseResult r;
  r.outcome = ParseOutcome::kError;
  r.error_status = status;
  r.error = std::move(message);
  return r;
}

// Decodes a chunked body starting at `pos`. Returns the number of bytes used
// (0 when incomplete) or an error.
ParseResult DecodeChunked(absl::string_view buf, size_t pos, size_t max_body,
                          std::string* body, size_t* end) {
  while (true) {
    size_t eol = buf.find("\r\n", pos);
    if (eol == absl::string_view::npos) {
      if (buf.size() - pos > 1024)
        return Error(400, "chunk size line too long");
      return ParseResult{};
    }
    absl::string_view line = buf.substr(pos, eol - pos);
    size_t semi = line.find(';');
    if (semi != absl::string_view::npos) line = line.substr(0, semi);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.size() > 8) return Error(400, "bad chunk size");
    uint64_t size = 0;
    for (char c : line) {
      int v = HexValue(c);
      if (v < 0) return Error(400, "bad chunk size");
      size = size * 16 + static_cast<uint64_t>(v);
    }
    pos = eol + 2;
    if (size == 0) {
      // Trailers (ignored) end with an empty line.
      while (true) {
        size_t tl = buf.find("\r\n", pos);
        if (tl == absl::string_view::npos) return ParseResult{};
        if (tl == pos) {
          *end = tl + 2;
          ParseResult ok;
          ok.outcome = ParseOutcome::kComplete;
          return ok;
        }
        pos = tl + 2;
      }
    }
    if (body->size() + size > max_body) return Error(413, "body too large");
    if (buf.size() < pos + size + 2) return ParseResult{};
    body->append(buf.data() + pos, size);
    if (buf.substr(pos + size, 2) != "\r\n") return Error(400, "bad chunk end");
    pos += size + 2;
  }
}

}  // namespace

std::string ToLower(absl::string_view text) {
  return absl::AsciiStrToLower(text);
}

bool EqualsIgnoreCase(absl::string_view a, absl::string_view b) {
  return absl::EqualsIgnoreCase(a, b);
}

std::string HttpRequest::Header(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

bool HttpRequest::HasHeader(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

std::optional<std::string> HttpRequest::Query(absl::string_view name) const {
  for (const auto& [k, v] : query) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

void HttpResponse::SetHeader(absl::string_view name, absl::string_view value) {
  for (auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) {
      v = std::string(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

std::string HttpResponse::GetHeader(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

bool HttpResponse::HasHeader(absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

std::string PercentDecode(absl::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string PercentEncode(absl::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

KeyValues ParseQueryString(absl::string_view text) {
  KeyValues out;
  if (text.empty()) return out;
  for (absl::string_view part : absl::StrSplit(text, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      out.emplace_back(PercentDecode(part, true), "");
    } else {
      out.emplace_back(PercentDecode(part.substr(0, eq), true),
                       PercentDecode(part.substr(eq + 1), true));
    }
  }
  return out;
}

ParseResult ParseHttpRequest(absl::string_view buf, size_t max_body) {
  // Tolerate empty lines before the request line (RFC 9112 2.2).
  size_t start = 0;
  while (start + 1 < buf.size() && buf[start] == '\r' && buf[start + 1] == '\n')
    start += 2;
  size_t header_end = buf.find("\r\n\r\n", start);
  if (header_end == absl::string_view::npos) {
    if (buf.size() - start > kMaxHeaderBytes) {
      return Error(431, "request header fields too large");
    }
    return ParseResult{};
  }
  if (header_end - start > kMaxHeaderBytes) {
    return Error(431, "request header fields too large");
  }
  absl::string_view head = buf.substr(start, header_end - start);
  size_t line_end = head.find("\r\n");
  absl::string_view request_line =
      line_end == absl::string_view::npos ? head : head.substr(0, line_end);

  std::vector<absl::string_view> parts = absl::StrSplit(request_line, ' ');
  if (parts.size() != 3) return Error(400, "malformed request line");
  HttpRequest req;
  if (parts[0].empty()) return Error(400, "empty method");
  for (char c : parts[0]) {
    if (!IsTokenChar(c)) return Error(400, "bad method");
  }
  req.method = std::string(parts[0]);
  if (parts[1].empty() || parts[1][0] != '/') {
    return Error(400, "request-target must be origin-form");
  }
  for (char c : parts[1]) {
    if (static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f) {
      return Error(400, "bad request-target");
    }
  }
  absl::string_view version = parts[2];
  if (version == "HTTP/1.1") {
    req.keep_alive = true;
  } else if (version == "HTTP/1.0") {
    req.keep_alive = false;
  } else if (absl::StartsWith(version, "HTTP/")) {
    return Error(505, "HTTP version not supported");
  } else {
    return Error(400, "bad HTTP version");
  }
  req.target = std::string(parts[1]);
  size_t q = req.target.find('?');
  absl::string_view raw_path = absl::string_view(req.target).substr(0, q);
  req.path = PercentDecode(raw_path, false);
  if (q != std::string::npos) {
    req.raw_query = req.target.substr(q + 1);
    req.query = ParseQueryString(req.raw_query);
  }

  bool has_length = false;
  uint64_t content_length = 0;
  bool chunked = false;
  if (line_end != absl::string_view::npos) {
    absl::string_view rest = head.substr(line_end + 2);
    for (absl::string_view line : absl::StrSplit(rest, "\r\n")) {
      if (line.empty()) continue;
      if (line[0] == ' ' || line[0] == '\t') {
        return Error(400, "obsolete line folding");
      }
      size_t colon = line.find(':');
      if (colon == absl::string_view::npos || colon == 0) {
        return Error(400, "malformed header line");
      }
      absl::string_view name = line.substr(0, colon);
      for (char c : name) {
        if (!IsTokenChar(c)) return Error(400, "bad header name");
      }
      absl::string_view value =
          absl::StripAsciiWhitespace(line.substr(colon + 1));
      for (char c : value) {
        if (c == '\0' || c == '\r' || c == '\n') {
          return Error(400, "bad header value");
        }
      }
      std::string lname = absl::AsciiStrToLower(name);
      if (lname == "content-length") {
        uint64_t n = 0;
        if (value.empty() || value.size() > 12) {
          return Error(400, "bad content-length");
        }
        for (char c : value) {
          if (c < '0' || c > '9') return Error(400, "bad content-length");
        }
        if (!absl::SimpleAtoi(value, &n))
          return Error(400, "bad content-length");
        if (has_length && n != content_length) {
          return Error(400, "conflicting content-length");
        }
        has_length = true;
        content_length = n;
      } else if (lname == "transfer-encoding") {
        if (!absl::EqualsIgnoreCase(value, "chunked")) {
          return Error(501, "unsupported transfer-encoding");
        }
        chunked = true;
      } else if (lname == "connection") {
        std::string lv = absl::AsciiStrToLower(value);
        if (lv.find("close") != std::string::npos) req.keep_alive = false;
        if (lv.find("keep-alive") != std::string::npos) req.keep_alive = true;
      }
      req.headers.emplace_back(std::move(lname), std::string(value));
    }
  }
  if (chunked && has_length) {
    return Error(400, "both content-length and chunked");
  }
  size_t body_start = header_end + 4;
  ParseResult result;
  if (chunked) {
    size_t end = 0;
    ParseResult c = DecodeChunked(buf, body_start, max_body, &req.body, &end);
    if (c.outcome != ParseOutcome::kComplete) return c;
    result.consumed = end;
  } else {
    if (content_length > max_body) return Error(413, "body too large");
    if (buf.size() - body_start < content_length) return ParseResult{};
    req.body = std::string(buf.substr(body_start, content_length));
    result.consumed = body_start + content_length;
  }
  result.outcome = ParseOutcome::kComplete;
  result.request = std::move(req);
  return result;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string SerializeResponse(const HttpResponse& response, bool keep_alive,
                              bool head_request) {
  std::string out = absl::StrCat("HTTP/1.1 ", response.status, " ",
                                 ReasonPhrase(response.status), "\r\n");
  for (const auto& [k, v] : response.headers) {
    if (absl::EqualsIgnoreCase(k, "content-length") ||
        absl::EqualsIgnoreCase(k, "connection")) {
      continue;
    }
    absl::StrAppend(&out, k, ": ", v, "\r\n");
  }
  // An explicit Content-Length, even 0: go-azure-sdk treats "200 with
  // Content-Length 0" as a finished operation, but not a chunked empty body.
  bool no_body = response.status == 204 || response.status == 304 ||
                 (response.status >= 100 && response.status < 200);
  if (!no_body) {
    absl::StrAppend(&out, "Content-Length: ", response.body.size(), "\r\n");
  }
  absl::StrAppend(&out, "Connection: ", keep_alive ? "keep-alive" : "close",
                  "\r\n\r\n");
  if (!head_request && !no_body) out += response.body;
  return out;
}

}  // namespace secureaml::emulator
