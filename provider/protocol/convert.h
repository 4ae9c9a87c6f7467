// File: convert.h
//
// Copies between the protocol-free core model and tfplugin5/tfplugin6
// messages. The two protocols share message and field names for everything
// converted here, so each conversion is one template over a per-version
// Traits struct (see provider_v5.h / provider_v6.h); only the schema enums
// differ by namespace.
//
// Internal to provider/protocol.
#ifndef SECUREAML_PROVIDER_PROTOCOL_CONVERT_H_
#define SECUREAML_PROVIDER_PROTOCOL_CONVERT_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "provider/core/provider_server.h"
#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"

namespace secureaml::protocol::internal {

// msgpack nil. Responses always carry an encoded value: Terraform 0.13-0.14
// run msgpack.Unmarshal on the bytes without checking for absence, and an
// empty buffer is an error there, while nil decodes as null for any type.
inline constexpr char kMsgpackNil[] = "\xc0";

template <typename PbDynamicValue>
core::DynamicValue FromProto(const PbDynamicValue& v) {
  return core::DynamicValue{v.msgpack(), v.json()};
}

template <typename PbDynamicValue>
void ToProto(const core::DynamicValue& v, PbDynamicValue* out) {
  if (v.msgpack.empty() && v.json.empty()) {
    out->set_msgpack(kMsgpackNil, 1);
    return;
  }
  if (!v.msgpack.empty()) out->set_msgpack(v.msgpack);
  if (!v.json.empty()) out->set_json(v.json);
}

template <typename PbPath>
void PathToProto(const tf::AttributePath& path, PbPath* out) {
  for (const tf::AttributePath::Step& step : path.steps()) {
    auto* pb = out->add_steps();
    switch (step.kind) {
      case tf::AttributePath::Step::Kind::kAttribute:
        pb->set_attribute_name(step.name);
        break;
      case tf::AttributePath::Step::Kind::kKeyString:
        pb->set_element_key_string(step.name);
        break;
      case tf::AttributePath::Step::Kind::kKeyInt:
        pb->set_element_key_int(step.index);
        break;
    }
  }
}

template <typename PbDiagnostic>
void DiagnosticsToProto(const tf::Diagnostics& diags,
                        google::protobuf::RepeatedPtrField<PbDiagnostic>* out) {
  for (const tf::Diagnostic& d : diags) {
    PbDiagnostic* pb = out->Add();
    // Never INVALID (0): Terraform gives it no meaning.
    pb->set_severity(d.severity == tf::Severity::kWarning
                         ? PbDiagnostic::WARNING
                         : PbDiagnostic::ERROR);
    pb->set_summary(d.summary.empty() ? "Provider error" : d.summary);
    pb->set_detail(d.detail);
    if (d.attribute.has_value() && !d.attribute->empty()) {
      PathToProto(*d.attribute, pb->mutable_attribute());
    }
  }
}

template <typename Traits>
void BlockToProto(const tf::Block& block, typename Traits::Block* out) {
  for (const tf::Attribute& a : block.attributes) {
    typename Traits::Attribute* pb = out->add_attributes();
    pb->set_name(a.name);
    pb->set_type(a.type.ToJson());
    pb->set_description(a.description);
    pb->set_description_kind(Traits::kMarkdown);
    pb->set_required(a.IsRequired());
    pb->set_optional(a.IsOptional());
    pb->set_computed(a.IsComputed());
    pb->set_sensitive(a.sensitive);
    pb->set_deprecated(a.deprecated);
    // InternalValidate rejects a deprecation message without the flag.
    if (a.deprecated) pb->set_deprecation_message(a.deprecation_message);
  }
  for (const tf::NestedBlock& nb : block.blocks) {
    typename Traits::NestedBlock* pb = out->add_block_types();
    pb->set_type_name(nb.type_name);
    BlockToProto<Traits>(nb.block, pb->mutable_block());
    switch (nb.nesting) {
      case tf::Nesting::kSingle:
        pb->set_nesting(Traits::NestedBlock::SINGLE);
        break;
      case tf::Nesting::kList:
        pb->set_nesting(Traits::NestedBlock::LIST);
        break;
      case tf::Nesting::kSet:
        pb->set_nesting(Traits::NestedBlock::SET);
        break;
      case tf::Nesting::kMap:
        pb->set_nesting(Traits::NestedBlock::MAP);
        break;
      case tf::Nesting::kGroup:
        pb->set_nesting(Traits::NestedBlock::GROUP);
        break;
    }
    pb->set_min_items(nb.min_items);
    pb->set_max_items(nb.max_items);
  }
  out->set_description(block.description);
  out->set_description_kind(Traits::kMarkdown);
  out->set_deprecated(block.deprecated);
}

template <typename Traits>
void SchemaToProto(const tf::Schema& schema, typename Traits::Schema* out) {
  out->set_version(schema.version);
  // Always set the block, even empty: a nil block crashes Terraform.
  BlockToProto<Traits>(schema.block, out->mutable_block());
}

}  // namespace secureaml::protocol::internal

#endif  // SECUREAML_PROVIDER_PROTOCOL_CONVERT_H_
