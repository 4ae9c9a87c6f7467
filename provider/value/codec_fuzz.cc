// libFuzzer entry point for the value codecs. The first input byte picks a
// target type; the rest is decoded as msgpack and as JSON. Decoding must
// never crash, and whatever decodes must re-encode and decode to an equal
// value (the property Terraform relies on when we echo config back).
//
//   cmake -DCMAKE_CXX_COMPILER=clang++ -DSECUREAML_FUZZ=ON
//         -DSECUREAML_SANITIZE="address;undefined" ...
//   ./value_codec_fuzz provider/value/fuzz_corpus -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "provider/value/codec.h"
#include "provider/value/codec_testdata.h"

namespace {

using secureaml::tf::Type;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Type& type = secureaml::tf::testdata::FuzzTargetType(data[0]);
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  auto mp = secureaml::tf::DecodeMsgpack(bytes, type);
  if (mp.ok()) {
    auto enc = secureaml::tf::EncodeMsgpack(*mp, type);
    Check(enc.ok());
    auto again = secureaml::tf::DecodeMsgpack(*enc, type);
    Check(again.ok() && *again == *mp);
    (void)mp->DebugString();
  } else {
    (void)secureaml::tf::GetDecodeErrorPath(mp.status());
  }

  auto js = secureaml::tf::DecodeJson(bytes, type);
  if (js.ok()) {
    auto enc = secureaml::tf::EncodeJson(*js, type);
    Check(enc.ok());
    auto again = secureaml::tf::DecodeJson(*enc, type);
    Check(again.ok() && *again == *js);
  }
  (void)secureaml::tf::DecodeJson(bytes, type, {/*lenient_objects=*/true});
  return 0;
}
