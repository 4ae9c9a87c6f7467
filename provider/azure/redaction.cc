#include "provider/azure/redaction.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace secureaml::azure {
namespace {

// Splits camelCase, snake_case, kebab-case and dotted names into lower-case
// words: "keyVaultArmId" -> {key, vault, arm, id}.
std::vector<std::string> Words(absl::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(absl::AsciiStrToLower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!absl::ascii_isalnum(c)) {
      flush();
      continue;
    }
    bool boundary = absl::ascii_isupper(c) && !cur.empty() &&
                    (absl::ascii_islower(cur.back()) ||
                     (i + 1 < name.size() && absl::ascii_islower(name[i + 1])));
    if (boundary) flush();
    cur.push_back(c);
  }
  flush();
  return words;
}

bool Contains(const std::vector<std::string>& words, absl::string_view w) {
  for (const auto& x : words) {
    if (x == w) return true;
  }
  return false;
}

}  // namespace

bool IsSecretFieldName(absl::string_view name) {
  std::vector<std::string> words = Words(name);
  if (words.empty()) return false;
  std::string joined = absl::StrJoin(words, "");
  if (absl::StrContains(joined, "connectionstring") ||
      absl::StrContains(joined, "privatekey") ||
      absl::StrContains(joined, "password") ||
      absl::StrContains(joined, "passphrase")) {
    return true;
  }
  // A trailing descriptor word means the field describes a secret rather
  // than holding one: credentialsType, secretsType, token_type,
  // keyIdentifier, keyVaultArmId, secretName... ("password" anywhere always
  // counts: a false positive only hides a value from a log).
  static const char* const kDescriptors[] = {
      "type",   "types",   "id",     "ids",        "identifier", "name",
      "names",  "uri",     "url",    "version",    "source",     "vault",
      "count",  "enabled", "mode",   "expiry",     "expiration", "in",
      "on",     "kind",    "status", "properties", "settings",   "policy",
      "length", "size",    "format", "algorithm",  "location",   "endpoint"};
  for (const char* d : kDescriptors) {
    if (words.back() == d) return false;
  }
  // Key Vault references and public keys are not secrets.
  if (Contains(words, "vault") || Contains(words, "public")) return false;
  static const char* const kSecretWords[] = {
      "secret",    "secrets",     "password",    "passwd", "pwd",
      "token",     "tokens",      "sas",         "key",    "keys",
      "assertion", "credential",  "credentials", "sig",    "signature",
      "cert",      "certificate", "pfx",         "apikey", "accesskey"};
  for (const char* s : kSecretWords) {
    if (Contains(words, s)) return true;
  }
  return false;
}

std::string RedactUrl(absl::string_view url) {
  size_t q = url.find('?');
  if (q == absl::string_view::npos) return std::string(url);
  static const char* const kSecretParams[] = {"sig",
                                              "se",
                                              "sv",
                                              "sp",
                                              "st",
                                              "spr",
                                              "srt",
                                              "ss",
                                              "sr",
                                              "skoid",
                                              "sktid",
                                              "skt",
                                              "ske",
                                              "sks",
                                              "skv",
                                              "code",
                                              "client_secret",
                                              "client_assertion",
                                              "access_token",
                                              "token",
                                              "password",
                                              "key"};
  std::vector<std::string> parts;
  for (absl::string_view kv : absl::StrSplit(url.substr(q + 1), '&')) {
    std::pair<absl::string_view, absl::string_view> p =
        absl::StrSplit(kv, absl::MaxSplits('=', 1));
    bool secret = IsSecretFieldName(p.first);
    for (const char* s : kSecretParams) {
      if (absl::EqualsIgnoreCase(p.first, s)) secret = true;
    }
    parts.push_back(secret ? absl::StrCat(p.first, "=", kRedacted)
                           : std::string(kv));
  }
  return absl::StrCat(url.substr(0, q), "?", absl::StrJoin(parts, "&"));
}

namespace {

void RedactJson(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (IsSecretFieldName(it.key()) && !it.value().is_null() &&
          !it.value().is_boolean()) {
        it.value() = kRedacted;
      } else {
        RedactJson(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) RedactJson(e);
  }
}

}  // namespace

std::string RedactBody(absl::string_view body, absl::string_view content_type,
                       size_t max_len) {
  std::string out;
  absl::string_view trimmed = absl::StripAsciiWhitespace(body);
  if (absl::StrContains(absl::AsciiStrToLower(content_type),
                        "x-www-form-urlencoded") ||
      (!trimmed.empty() && trimmed[0] != '{' && trimmed[0] != '[' &&
       absl::StrContains(trimmed, "=") &&
       absl::StrContains(trimmed, "grant_type"))) {
    std::vector<std::string> parts;
    for (absl::string_view kv : absl::StrSplit(body, '&')) {
      std::pair<absl::string_view, absl::string_view> p =
          absl::StrSplit(kv, absl::MaxSplits('=', 1));
      parts.push_back(IsSecretFieldName(p.first)
                          ? absl::StrCat(p.first, "=", kRedacted)
                          : std::string(kv));
    }
    out = absl::StrJoin(parts, "&");
  } else if (!trimmed.empty() && (trimmed[0] == '{' || trimmed[0] == '[')) {
    nlohmann::json j = nlohmann::json::parse(trimmed, nullptr,
                                             /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      // Unparseable JSON-looking text might still hold a secret; say how
      // long it was instead of echoing it.
      out = absl::StrCat("[unparseable JSON body, ", body.size(), " bytes]");
    } else {
      RedactJson(j);
      out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } else {
    out = std::string(body);
  }
  if (out.size() > max_len) {
    out.resize(max_len);
    absl::StrAppend(&out, "...[truncated]");
  }
  return out;
}

}  // namespace secureaml::azure
