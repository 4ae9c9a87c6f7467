// File: validators.h
//
// Plan-time validators shared by resources. Each returns a tf::Validator that
// adds an attribute diagnostic with a sentence that says what is allowed.
// The naming rules are the services' own (quoted from the REST API specs and
// Azure's naming-rules page), so a bad name fails at plan, not after a
// half-finished apply.
#ifndef SECUREAML_RESOURCES_COMMON_VALIDATORS_H_
#define SECUREAML_RESOURCES_COMMON_VALIDATORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "provider/value/schema.h"

namespace secureaml::resources {

// One of a fixed set of strings (case-sensitive, as the APIs' enums).
tf::Validator OneOf(std::vector<std::string> allowed);
// Full-string match of an ECMAScript regular expression; `rule` is the human
// wording ("3 to 33 characters: letters, digits, '-' and '_'").
tf::Validator MatchesRegex(std::string pattern, std::string rule);
tf::Validator IntBetween(int64_t min, int64_t max);
tf::Validator StringLengthBetween(size_t min, size_t max);

tf::Validator WorkspaceName();
tf::Validator ComputeName();
tf::Validator ResourceGroupName();
tf::Validator NetworkResourceName();  // private endpoints, NSG rules, links
tf::Validator PrivateDnsZoneName();
tf::Validator Guid();
tf::Validator Cidr();
tf::Validator Ipv4Address();
tf::Validator Iso8601Duration();

bool IsGuid(std::string_view s);

// IPv4 CIDR parsing and overlap, for the AKS networking checks.
struct Ipv4Cidr {
  uint32_t network = 0;  // host bits cleared
  int prefix = 0;
  bool Contains(uint32_t address) const;
  bool Overlaps(const Ipv4Cidr& other) const;
};
std::optional<uint32_t> ParseIpv4(std::string_view text);
// Accepts "10.0.0.0/16"; a host part with bits set ("172.17.0.1/16", as the
// docs write Docker's bridge) is accepted and normalised.
std::optional<Ipv4Cidr> ParseCidr(std::string_view text);

// ISO 8601 durations as AML uses them (PT15M, P1DT2H, PT120S).
std::optional<absl::Duration> ParseIso8601Duration(std::string_view text);

// "East US" -> "eastus", as ARM normalises locations.
std::string NormalizeLocation(std::string_view location);

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_VALIDATORS_H_
