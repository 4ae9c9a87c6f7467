#include "provider/common/logging.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <set>

#include "nlohmann/json.hpp"

namespace secureaml::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kOff)};

struct Registry {
  std::mutex mu;
  std::set<std::string, std::greater<>> secrets;  // longest-first-ish order
  std::function<void(std::string_view)> sink;
};

Registry& GetRegistry() {
  static auto* registry = new Registry();
  return *registry;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      break;
  }
  return "off";
}

// Go layout 2006-01-02T15:04:05.000000Z07:00: exactly six fractional digits,
// or go-plugin falls back to treating the line as unstructured text.
std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    now.time_since_epoch())
                    .count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%06lldZ",
                static_cast<long long>(micros % 1000000));
  return buf;
}

std::string RedactLocked(Registry& r, std::string_view text) {
  std::string out(text);
  for (const auto& secret : r.secrets) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "[REDACTED]");
      pos += 10;
    }
  }
  return out;
}

}  // namespace

Level ParseLevel(std::string_view name) {
  std::string lower;
  for (char c : name) {
    lower.push_back(
        static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (lower == "trace" || lower == "json") return Level::kTrace;
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warn") return Level::kWarn;
  if (lower == "error") return Level::kError;
  if (lower.empty() || lower == "off") return Level::kOff;
  // Terraform treats an unknown non-empty value as TRACE.
  return Level::kTrace;
}

void InitFromEnvironment() {
  const char* provider_level = std::getenv("TF_LOG_PROVIDER");
  const char* level = provider_level != nullptr && *provider_level != '\0'
                          ? provider_level
                          : std::getenv("TF_LOG");
  SetLevel(level == nullptr ? Level::kOff : ParseLevel(level));
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

Level CurrentLevel() { return static_cast<Level>(g_level.load()); }

bool Enabled(Level level) {
  return level != Level::kOff && static_cast<int>(level) >= g_level.load();
}

void RegisterSecret(std::string_view secret) {
  if (secret.size() < 4) return;
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.secrets.emplace(secret);
}

std::string Redact(std::string_view text) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return RedactLocked(r, text);
}

std::string FormatRecord(Level level, std::string_view message,
                         const Fields& fields) {
  nlohmann::ordered_json record;
  record["@level"] = LevelName(level);
  record["@message"] = std::string(message);
  record["@module"] = "provider.secureaml";
  record["@timestamp"] = Timestamp();
  for (const auto& [key, value] : fields) {
    if (!key.empty() && key[0] == '@') continue;  // reserved by hclog
    record[key] = value;
  }
  std::string line =
      record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // go-plugin reads stderr with a 64 KiB buffer; longer lines lose structure.
  constexpr size_t kMaxLine = 60 * 1024;
  if (line.size() > kMaxLine) {
    nlohmann::ordered_json truncated;
    truncated["@level"] = LevelName(level);
    truncated["@message"] = std::string(message);
    truncated["@module"] = "provider.secureaml";
    truncated["@timestamp"] = Timestamp();
    truncated["truncated"] = "record exceeded 60 KiB; fields dropped";
    line = truncated.dump(-1, ' ', false,
                          nlohmann::json::error_handler_t::replace);
  }
  return line;
}

void Write(Level level, std::string_view message, const Fields& fields) {
  if (!Enabled(level)) return;
  std::string line = FormatRecord(level, message, fields);
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  line = RedactLocked(r, line);
  if (r.sink) {
    r.sink(line);
    return;
  }
  line.push_back('\n');
  // One write(2) per record keeps concurrent records from interleaving.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

void SetSinkForTest(std::function<void(std::string_view line)> sink) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.sink = std::move(sink);
}

}  // namespace secureaml::log
