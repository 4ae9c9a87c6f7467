#include "provider/docgen/docgen.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace secureaml::docgen {
namespace {

std::string ShortName(const std::string& provider, const std::string& type) {
  std::string prefix = provider + "_";
  if (type.rfind(prefix, 0) == 0) return type.substr(prefix.size());
  return type;
}

std::string FirstParagraph(const std::string& text) {
  size_t end = text.find("\n\n");
  return end == std::string::npos ? text : text.substr(0, end);
}

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(
        start, nl == std::string::npos ? std::string::npos : nl - start);
    absl::StrAppend(&out, pad, line, "\n");
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string LiteralText(const tf::Value& v) {
  if (v.IsNull()) return "null";
  switch (v.type().kind()) {
    case tf::Type::Kind::kString:
      return absl::StrCat("\"", v.AsString(), "\"");
    case tf::Type::Kind::kBool:
      return v.AsBool() ? "true" : "false";
    case tf::Type::Kind::kNumber:
      return v.AsNumber().ToString();
    default:
      break;
  }
  if (v.type().kind() == tf::Type::Kind::kList ||
      v.type().kind() == tf::Type::Kind::kSet) {
    std::string out = "[";
    bool first = true;
    for (const auto& e : v.Elements()) {
      absl::StrAppend(&out, first ? "" : ", ", LiteralText(e));
      first = false;
    }
    return out + "]";
  }
  return v.DebugString();
}

struct Section {
  std::string anchor;  // "nestedblock--encryption"
  std::string title;   // "encryption"
  const tf::Block* block;
};

std::string AttributeLine(const tf::Attribute& a) {
  std::string kind = DocTypeName(a.type);
  if (a.sensitive) absl::StrAppend(&kind, ", Sensitive");
  if (a.deprecated) absl::StrAppend(&kind, ", Deprecated");
  std::string desc = a.description;
  // Descriptions that already say it are not repeated.
  if (a.default_value.has_value() &&
      desc.find("Defaults to") == std::string::npos) {
    absl::StrAppend(&desc, desc.empty() ? "" : " ", "Defaults to `",
                    LiteralText(*a.default_value), "`.");
  }
  if (a.requires_replace && desc.find("forces a new") == std::string::npos &&
      desc.find("replaces") == std::string::npos) {
    absl::StrAppend(&desc, desc.empty() ? "" : " ",
                    "Changing this forces a new resource.");
  }
  return absl::StrCat("- `", a.name, "` (", kind, ") ", desc, "\n");
}

std::string BlockLine(const tf::NestedBlock& b, const std::string& anchor) {
  std::string kind;
  switch (b.nesting) {
    case tf::Nesting::kSingle:
    case tf::Nesting::kGroup:
      kind = "Block";
      break;
    case tf::Nesting::kList:
      kind = "Block List";
      break;
    case tf::Nesting::kSet:
      kind = "Block Set";
      break;
    case tf::Nesting::kMap:
      kind = "Block Map";
      break;
  }
  if (b.min_items > 0) absl::StrAppend(&kind, ", Min: ", b.min_items);
  if (b.max_items > 0 && b.nesting != tf::Nesting::kSingle) {
    absl::StrAppend(&kind, ", Max: ", b.max_items);
  }
  std::string desc = b.block.description;
  if (b.requires_replace && desc.find("forces a new") == std::string::npos &&
      desc.find("replaces") == std::string::npos) {
    absl::StrAppend(&desc, desc.empty() ? "" : " ",
                    "Changing this forces a new resource.");
  }
  return absl::StrCat("- `", b.type_name, "` (", kind, ") ", desc,
                      " (see [below for nested schema](#", anchor, "))\n");
}

// Renders Required / Optional / Read-Only groups of one block and queues its
// nested blocks.
std::string RenderBlock(const tf::Block& block, const std::string& anchor_base,
                        std::vector<Section>& pending, bool top_level) {
  std::string required, optional, read_only;
  for (const auto& a : block.attributes) {
    std::string line = AttributeLine(a);
    if (a.IsRequired()) {
      required += line;
    } else if (a.IsOptional()) {
      optional += line;
    } else {
      read_only += line;
    }
  }
  for (const auto& b : block.blocks) {
    std::string anchor = absl::StrCat(anchor_base, "--", b.type_name);
    std::string line = BlockLine(b, anchor);
    if (b.min_items > 0) {
      required += line;
    } else {
      optional += line;
    }
    pending.push_back({anchor, b.type_name, &b.block});
  }
  std::string h = top_level ? "### " : "#### ";
  std::string out;
  if (!required.empty())
    absl::StrAppend(&out, h, "Required\n\n", required, "\n");
  if (!optional.empty())
    absl::StrAppend(&out, h, "Optional\n\n", optional, "\n");
  if (!read_only.empty()) {
    absl::StrAppend(&out, h, "Read-Only\n\n", read_only, "\n");
  }
  return out;
}

std::string RenderSchema(const tf::Schema& schema) {
  std::vector<Section> pending;
  std::string out = "## Schema\n\n";
  absl::StrAppend(&out,
                  RenderBlock(schema.block, "nestedblock", pending, true));
  for (size_t i = 0; i < pending.size(); ++i) {
    Section s = pending[i];
    absl::StrAppend(
        &out, "<a id=\"", s.anchor, "\"></a>\n### Nested Schema for `",
        absl::StrReplaceAll(s.anchor.substr(13), {{"--", "."}}), "`\n\n");
    absl::StrAppend(&out, RenderBlock(*s.block, s.anchor, pending, false));
  }
  while (absl::EndsWith(out, "\n\n")) out.pop_back();
  return out;
}

std::string CodeBlock(const std::string& lang, const std::string& body) {
  std::string trimmed(absl::StripTrailingAsciiWhitespace(body));
  return absl::StrCat("```", lang, "\n", trimmed, "\n```\n");
}

std::string Frontmatter(const std::string& title, const std::string& desc) {
  return absl::StrCat("---\npage_title: \"", title,
                      "\"\nsubcategory: \"\"\ndescription: |-\n",
                      Indent(FirstParagraph(desc), "  "), "---\n\n");
}

}  // namespace

std::string DocTypeName(const tf::Type& type) {
  switch (type.kind()) {
    case tf::Type::Kind::kString:
      return "String";
    case tf::Type::Kind::kNumber:
      return "Number";
    case tf::Type::Kind::kBool:
      return "Boolean";
    case tf::Type::Kind::kDynamic:
      return "Dynamic";
    case tf::Type::Kind::kList:
      return absl::StrCat("List of ", DocTypeName(type.ElementType()));
    case tf::Type::Kind::kSet:
      return absl::StrCat("Set of ", DocTypeName(type.ElementType()));
    case tf::Type::Kind::kMap:
      return absl::StrCat("Map of ", DocTypeName(type.ElementType()));
    case tf::Type::Kind::kObject:
      return "Object";
    case tf::Type::Kind::kTuple:
      return "Tuple";
  }
  return "Dynamic";
}

std::map<std::string, std::string> RenderDocs(const core::Provider& provider,
                                              const ExampleReader& examples) {
  std::map<std::string, std::string> out;
  const std::string name = provider.TypeName();

  // index.md: provider description, example and configuration schema.
  {
    const tf::Schema& schema = provider.GetSchema();
    std::string doc =
        Frontmatter(absl::StrCat(name, " Provider"), schema.block.description);
    absl::StrAppend(&doc, "# ", name, " Provider\n\n", schema.block.description,
                    "\n\n");
    std::string example = examples("provider/provider.tf");
    if (!example.empty()) {
      absl::StrAppend(&doc, "## Example Usage\n\n",
                      CodeBlock("terraform", example), "\n");
    }
    std::string extra = examples("provider/authentication.md");
    if (!extra.empty()) absl::StrAppend(&doc, extra, "\n");
    absl::StrAppend(&doc, RenderSchema(schema), "\n");
    out["index.md"] = doc;
  }

  for (const auto& r : provider.Resources()) {
    const tf::Schema& schema = r->GetSchema();
    std::string type = r->TypeName();
    std::string doc =
        Frontmatter(absl::StrCat(type, " Resource - terraform-provider-", name),
                    schema.block.description);
    absl::StrAppend(&doc, "# ", type, " (Resource)\n\n",
                    schema.block.description, "\n\n");
    std::string example =
        examples(absl::StrCat("resources/", type, "/resource.tf"));
    if (!example.empty()) {
      absl::StrAppend(&doc, "## Example Usage\n\n",
                      CodeBlock("terraform", example), "\n");
    }
    absl::StrAppend(&doc, RenderSchema(schema), "\n");
    std::string import =
        examples(absl::StrCat("resources/", type, "/import.sh"));
    if (!import.empty()) {
      absl::StrAppend(&doc,
                      "\n## Import\n\nImport is supported using the "
                      "following syntax:\n\n",
                      CodeBlock("shell", import));
    }
    out[absl::StrCat("resources/", ShortName(name, type), ".md")] = doc;
  }

  for (const auto& d : provider.DataSources()) {
    const tf::Schema& schema = d->GetSchema();
    std::string type = d->TypeName();
    std::string doc = Frontmatter(
        absl::StrCat(type, " Data Source - terraform-provider-", name),
        schema.block.description);
    absl::StrAppend(&doc, "# ", type, " (Data Source)\n\n",
                    schema.block.description, "\n\n");
    std::string example =
        examples(absl::StrCat("data-sources/", type, "/data-source.tf"));
    if (!example.empty()) {
      absl::StrAppend(&doc, "## Example Usage\n\n",
                      CodeBlock("terraform", example), "\n");
    }
    absl::StrAppend(&doc, RenderSchema(schema), "\n");
    out[absl::StrCat("data-sources/", ShortName(name, type), ".md")] = doc;
  }
  return out;
}

}  // namespace secureaml::docgen
