// File: logging.h
//
// hclog-compatible JSON log lines on stderr, one record per line, so that
// `TF_LOG=DEBUG terraform plan` shows the provider's records with their
// levels. The level comes from TF_LOG_PROVIDER, falling back to TF_LOG.
//
// Secrets: every value passed to RegisterSecret() is replaced by
// "[REDACTED]" in every record before it is written, whatever field it
// appears in. Credential code registers each secret (client secret, tokens,
// assertions, passwords) the moment it learns it, so no later log call can
// leak it by accident.
//
//   secureaml::log::Debug("sending request", {{"method", "PUT"}, {"url", u}});
#ifndef SECUREAML_PROVIDER_COMMON_LOGGING_H_
#define SECUREAML_PROVIDER_COMMON_LOGGING_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace secureaml::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

using Fields = std::vector<std::pair<std::string, std::string>>;

// Reads TF_LOG_PROVIDER / TF_LOG. Safe to call more than once.
void InitFromEnvironment();
void SetLevel(Level level);
Level CurrentLevel();
bool Enabled(Level level);

// Parses hclog level names ("trace", "DEBUG", "json" = trace, ...).
Level ParseLevel(std::string_view name);

void Write(Level level, std::string_view message, const Fields& fields = {});
inline void Trace(std::string_view m, const Fields& f = {}) {
  Write(Level::kTrace, m, f);
}
inline void Debug(std::string_view m, const Fields& f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, const Fields& f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, const Fields& f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, const Fields& f = {}) {
  Write(Level::kError, m, f);
}

// Secrets shorter than 4 characters are ignored (they would redact noise).
void RegisterSecret(std::string_view secret);
// Applies every registered secret to `text`.
std::string Redact(std::string_view text);

// Formats one record exactly as it would be written (without the newline).
std::string FormatRecord(Level level, std::string_view message,
                         const Fields& fields);

// Tests capture records here instead of stderr. Pass nullptr to restore.
void SetSinkForTest(std::function<void(std::string_view line)> sink);

}  // namespace secureaml::log

#endif  // SECUREAML_PROVIDER_COMMON_LOGGING_H_
