// Codec throughput on a workspace-like state: a few hundred attributes,
// nested list/set blocks, maps, a dynamic attribute and exact numbers.
//
//   ninja value_codec_bench && ./provider/value/value_codec_bench
#include <string>

#include "benchmark/benchmark.h"
#include "provider/value/codec.h"
#include "provider/value/codec_testdata.h"

namespace secureaml::tf {
namespace {

// ~50 KB of msgpack: 300 padding attributes, 150 rules per block, 100 tags.
struct LargeState {
  Type type;
  Value value;
  std::string msgpack;
  std::string json;
  LargeState()
      : type(testdata::WorkspaceSchema(300).ImpliedType()),
        value(testdata::WorkspaceState(150, 300, 100)) {
    msgpack = *EncodeMsgpack(value, type);
    // JSON cannot carry the unknown principal_id.
    Value known = value.WithAttr(
        "identity",
        value.GetAttr("identity").WithAttr("principal_id", Value::String("p")));
    json = *EncodeJson(known, type);
  }
};

const LargeState& State() {
  static const LargeState* s = new LargeState();
  return *s;
}

void BM_DecodeMsgpack(benchmark::State& st) {
  const auto& s = State();
  for (auto _ : st) {
    auto v = DecodeMsgpack(s.msgpack, s.type);
    benchmark::DoNotOptimize(v);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(s.msgpack.size()));
  st.counters["bytes"] = static_cast<double>(s.msgpack.size());
}
BENCHMARK(BM_DecodeMsgpack);

void BM_EncodeMsgpack(benchmark::State& st) {
  const auto& s = State();
  for (auto _ : st) {
    auto out = EncodeMsgpack(s.value, s.type);
    benchmark::DoNotOptimize(out);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(s.msgpack.size()));
}
BENCHMARK(BM_EncodeMsgpack);

void BM_DecodeJson(benchmark::State& st) {
  const auto& s = State();
  for (auto _ : st) {
    auto v = DecodeJson(s.json, s.type);
    benchmark::DoNotOptimize(v);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(s.json.size()));
  st.counters["bytes"] = static_cast<double>(s.json.size());
}
BENCHMARK(BM_DecodeJson);

void BM_EncodeJson(benchmark::State& st) {
  const auto& s = State();
  auto known = DecodeJson(s.json, s.type);
  for (auto _ : st) {
    auto out = EncodeJson(*known, s.type);
    benchmark::DoNotOptimize(out);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(s.json.size()));
}
BENCHMARK(BM_EncodeJson);

void BM_ValueEquality(benchmark::State& st) {
  const auto& s = State();
  auto copy = DecodeMsgpack(s.msgpack, s.type);
  for (auto _ : st) {
    bool eq = *copy == s.value;
    benchmark::DoNotOptimize(eq);
  }
}
BENCHMARK(BM_ValueEquality);

}  // namespace
}  // namespace secureaml::tf

BENCHMARK_MAIN();
