// File: workspace_schema.h
//
// A workspace-like schema and Terraform-like value builders shared by the
// core's tests and planner_bench.
#ifndef SECUREAML_PROVIDER_CORE_TESTING_WORKSPACE_SCHEMA_H_
#define SECUREAML_PROVIDER_CORE_TESTING_WORKSPACE_SCHEMA_H_

#include <map>
#include <string>

#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core::testing {

// Attributes: id (computed, use_state_for_unknown), name and location
// (required, ForceNew; name validated non-empty), description (optional),
// sku (default "Basic"), public_network_access_enabled (default false),
// etag (computed), tags (map), legacy_flag (deprecated), principal_id
// (optional+computed). Blocks: encryption (list, max 1: key_id required
// ForceNew and validated https://, version optional, identity_client_id
// computed), network_rule (set: ip_range required ForceNew, action optional),
// timeouts.
tf::Schema WorkspaceLikeSchema();

// Terraform's ProposedNewObject, simplified: configured values win; computed
// attributes left null in config take the prior value (none on create).
// List and single blocks pair up by position; set blocks take the config.
tf::Value ProposedNew(const tf::Block& block, const tf::Value& prior,
                      const tf::Value& config);

// A configuration object for WorkspaceLikeSchema: every attribute present
// (null where not given), blocks empty unless given.
tf::Value WorkspaceConfig(std::map<std::string, tf::Value> attrs);

}  // namespace secureaml::core::testing

#endif  // SECUREAML_PROVIDER_CORE_TESTING_WORKSPACE_SCHEMA_H_
