// File: codec_testdata.h
//
// A realistic workspace-like schema and state shared by the codec fuzz
// target, the benchmark and the seed-corpus generator, so all three
// exercise the shapes the provider really decodes: nested list/set/single
// blocks, maps, sets, a dynamic attribute and exact numbers.
#ifndef SECUREAML_PROVIDER_VALUE_CODEC_TESTDATA_H_
#define SECUREAML_PROVIDER_VALUE_CODEC_TESTDATA_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::tf::testdata {

inline Block RuleBlock() {
  Block b;
  b.description = "Network rule.";
  b.attributes = {
      Attribute::Required("name", Type::String(), "Rule name."),
      Attribute::Optional("priority", Type::Number(), "Priority."),
      Attribute::Optional("enabled", Type::Bool(), "Enabled."),
      Attribute::Optional("ports", Type::List(Type::Number()), "Ports."),
      Attribute::Optional("sources", Type::Set(Type::String()), "Sources."),
  };
  return b;
}

// `extra_attributes` string attributes pad the schema to a large state.
inline Schema WorkspaceSchema(int extra_attributes = 0) {
  Block identity;
  identity.description = "Managed identity.";
  identity.attributes = {
      Attribute::Required("type", Type::String(), "Identity type."),
      Attribute::Optional("identity_ids", Type::Set(Type::String()), "IDs."),
      Attribute::Computed("principal_id", Type::String(), "Principal."),
  };
  Schema s;
  s.block.description = "An Azure ML workspace.";
  s.block.attributes = {
      Attribute::Required("name", Type::String(), "Name."),
      Attribute::Computed("id", Type::String(), "ARM ID."),
      Attribute::Optional("tags", Type::Map(Type::String()), "Tags."),
      Attribute::Optional("ratio", Type::Number(), "A fractional number."),
      Attribute::Optional("big", Type::Number(), "A large number."),
      Attribute::Optional("public", Type::Bool(), "Public access."),
      Attribute::Optional("properties", Type::Dynamic(), "Raw properties."),
      Attribute::Optional("zones", Type::Set(Type::String()), "Zones."),
      Attribute::Optional("limits", Type::Map(Type::Number()), "Limits."),
      Attribute::Optional("pair", Type::Tuple({Type::String(), Type::Number()}),
                          "A pair."),
  };
  for (int i = 0; i < extra_attributes; ++i) {
    s.block.attributes.push_back(Attribute::Optional(
        "setting_" + std::to_string(i), Type::String(), "Padding."));
  }
  s.block.blocks = {
      NestedBlock::List("network_rule", RuleBlock()),
      NestedBlock::Set("ip_rule", RuleBlock()),
      NestedBlock::Single("identity", identity),
  };
  return s;
}

inline Value Rule(const Type& t, int i) {
  std::vector<Value> ports;
  for (int p = 0; p < 4; ++p) ports.push_back(Value::Int(443 + i * 10 + p));
  return Value::Object(
      t, {{"name", Value::String("rule-" + std::to_string(i))},
          {"priority", Value::Int(100 + i)},
          {"enabled", Value::Bool(i % 2 == 0)},
          {"ports", Value::List(Type::Number(), std::move(ports))},
          {"sources", Value::StringSet({"10.0." + std::to_string(i) + ".0/24",
                                        "192.168.0.0/16"})}});
}

// A state of roughly 50 KB in msgpack with `rules` rules per block and
// `extra_attributes` padding attributes.
inline Value WorkspaceState(int rules = 2, int extra_attributes = 0,
                            int tags = 3) {
  Schema s = WorkspaceSchema(extra_attributes);
  Type t = s.ImpliedType();
  const auto& at = t.AttributeTypes();
  Type rule_t = at.at("network_rule").ElementType();
  std::map<std::string, Value> attrs;
  attrs["name"] = Value::String("ws-prod-eastus");
  attrs["id"] = Value::String(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
      "rg/providers/Microsoft.MachineLearningServices/workspaces/ws");
  std::map<std::string, std::string> tag_map;
  for (int i = 0; i < tags; ++i) {
    tag_map["tag" + std::to_string(i)] = "value-" + std::to_string(i);
  }
  attrs["tags"] = Value::StringMap(tag_map);
  attrs["ratio"] = Value::NumberValue(*Number::FromDecimalString("0.1"));
  attrs["big"] = Value::NumberValue(Number::FromDouble(9223372036854775808.0));
  attrs["public"] = Value::Bool(false);
  attrs["properties"] =
      Value::Object({{"sku", Value::String("Basic")},
                     {"replicas", Value::Int(3)},
                     {"features", Value::StringList({"a", "b"})}});
  attrs["zones"] = Value::StringSet({"1", "2", "3"});
  attrs["limits"] = Value::Map(
      Type::Number(),
      {{"cpu", Value::Int(16)},
       {"mem", Value::NumberValue(*Number::FromDecimalString("1.5"))}});
  attrs["pair"] = Value::Tuple({Value::String("x"), Value::Int(-7)});
  for (int i = 0; i < extra_attributes; ++i) {
    attrs["setting_" + std::to_string(i)] =
        Value::String("configured value number " + std::to_string(i));
  }
  std::vector<Value> list_rules, set_rules;
  for (int i = 0; i < rules; ++i) {
    list_rules.push_back(Rule(rule_t, i));
    set_rules.push_back(Rule(rule_t, i + 1000));
  }
  attrs["network_rule"] = Value::List(rule_t, std::move(list_rules));
  attrs["ip_rule"] = Value::Set(rule_t, std::move(set_rules));
  Type id_t = at.at("identity");
  attrs["identity"] =
      Value::Object(id_t, {{"type", Value::String("SystemAssigned")},
                           {"identity_ids", Value::StringSet({})},
                           {"principal_id", Value::Unknown(Type::String())}});
  return Value::Object(t, std::move(attrs));
}

// The types the fuzz target decodes against, picked by the input's first
// byte.
inline const Type& FuzzTargetType(uint8_t selector) {
  static const Type* types[] = {
      new Type(WorkspaceSchema().ImpliedType()),
      new Type(Type::Dynamic()),
      new Type(Type::Map(Type::Set(Type::Number()))),
      new Type(Type::List(Type::Tuple({Type::String(), Type::Dynamic()}))),
  };
  return *types[selector % 4];
}

}  // namespace secureaml::tf::testdata

#endif  // SECUREAML_PROVIDER_VALUE_CODEC_TESTDATA_H_
