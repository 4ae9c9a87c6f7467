// File: docgen.h
//
// Renders Terraform Registry documentation (docs/index.md,
// docs/resources/<name>.md, docs/data-sources/<name>.md) from the schemas'
// descriptions and the examples/ tree, in the layout terraform-plugin-docs
// produces. tfplugindocs is a Go tool that needs the Terraform CLI, so we
// carry our own small generator; a test fails when the committed docs differ
// from what it renders.
#ifndef SECUREAML_PROVIDER_DOCGEN_DOCGEN_H_
#define SECUREAML_PROVIDER_DOCGEN_DOCGEN_H_

#include <map>
#include <string>

#include "provider/core/resource.h"

namespace secureaml::docgen {

// Reads example files; returns "" when a file does not exist.
using ExampleReader = std::function<std::string(const std::string& path)>;

// Relative path (e.g. "resources/workspace.md") -> file contents.
std::map<std::string, std::string> RenderDocs(const core::Provider& provider,
                                              const ExampleReader& examples);

// One attribute's type as the docs show it: "String", "List of String",
// "Map of String", "Number".
std::string DocTypeName(const tf::Type& type);

}  // namespace secureaml::docgen

#endif  // SECUREAML_PROVIDER_DOCGEN_DOCGEN_H_
