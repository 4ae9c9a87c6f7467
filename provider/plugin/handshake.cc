#include "provider/plugin/handshake.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace secureaml::plugin {

std::string MagicCookieMessage() {
  return "This binary is a plugin. These are not meant to be executed "
         "directly.\nPlease execute the program that consumes these plugins, "
         "which will\nload any plugins automatically. (terraform-provider-"
         "secureaml is started by\nTerraform; run it with --debug to serve "
         "it for a debugger.)\n";
}

bool MagicCookieMatches(const char* value) {
  return value != nullptr && kMagicCookieValue == value;
}

absl::StatusOr<int> NegotiateProtocol(absl::string_view offered,
                                      absl::string_view forced,
                                      const std::vector<int>& supported) {
  std::vector<int> offered_versions;
  for (absl::string_view part : absl::StrSplit(offered, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    int v = 0;
    if (!absl::SimpleAtoi(part, &v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PLUGIN_PROTOCOL_VERSIONS has a non-numeric entry \"", part, "\""));
    }
    offered_versions.push_back(v);
  }
  // Hosts that predate the list (go-plugin before versioned plugins) speak 5.
  if (offered_versions.empty()) offered_versions.push_back(5);

  auto contains = [](const std::vector<int>& list, int v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };

  forced = absl::StripAsciiWhitespace(forced);
  if (!forced.empty()) {
    int v = 0;
    if (!absl::SimpleAtoi(forced, &v) || !contains(supported, v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SECUREAML_FORCE_PROTOCOL=", forced,
                       " is not a protocol this provider serves (",
                       absl::StrJoin(supported, ", "), ")"));
    }
    if (!contains(offered_versions, v)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "SECUREAML_FORCE_PROTOCOL=", v, " but the host only offers ",
          absl::StrJoin(offered_versions, ", ")));
    }
    return v;
  }

  int best = -1;
  for (int v : offered_versions) {
    if (contains(supported, v)) best = std::max(best, v);
  }
  if (best < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Terraform offers plugin protocol version(s) ",
        absl::StrJoin(offered_versions, ", "),
        " but this provider serves only ", absl::StrJoin(supported, ", "),
        ". Use Terraform 0.13 or later."));
  }
  return best;
}

std::string Base64RawStd(absl::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
  } else if (rest == 2) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
  }
  return out;
}

std::string FormatHandshakeLine(int protocol_version, absl::string_view network,
                                absl::string_view address,
                                absl::string_view cert_der) {
  return absl::StrCat("1|", protocol_version, "|", network, "|", address,
                      "|grpc|", Base64RawStd(cert_der), "\n");
}

std::string FormatReattachLine(absl::string_view provider_address,
                               int protocol_version, int pid,
                               absl::string_view network,
                               absl::string_view address) {
  nlohmann::json entry = {
      {"Protocol", "grpc"},
      {"ProtocolVersion", protocol_version},
      {"Pid", pid},
      // Test=true: Terraform must not kill the process when it is done, so
      // one debug session serves many terraform commands.
      {"Test", true},
      {"Addr", {{"Network", network}, {"String", address}}},
  };
  nlohmann::json root = {{std::string(provider_address), entry}};
  // Socket paths never contain a single quote (we create them), so plain
  // single-quoting is safe for sh/bash/zsh.
  return absl::StrCat("TF_REATTACH_PROVIDERS='", root.dump(), "'");
}

}  // namespace secureaml::plugin
