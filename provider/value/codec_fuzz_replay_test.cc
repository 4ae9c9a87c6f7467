// Replays fuzz_corpus/ through the fuzz entry point on every build, so the
// seeds (and any crash reproducer added there) stay covered without clang
// or libFuzzer. Each seed must also decode with at least one codec.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "provider/value/codec.h"
#include "provider/value/codec_testdata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace secureaml::tf {
namespace {

TEST(CodecFuzzReplayTest, CorpusDecodesAndRoundTrips) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SECUREAML_VALUE_FUZZ_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    ASSERT_FALSE(data.empty()) << entry.path();
    ++files;
    const Type& type = testdata::FuzzTargetType(static_cast<uint8_t>(data[0]));
    std::string_view body(data.data() + 1, data.size() - 1);
    EXPECT_TRUE(DecodeMsgpack(body, type).ok() || DecodeJson(body, type).ok())
        << entry.path() << " is not a valid seed";
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()),
                           data.size());
  }
  EXPECT_GE(files, 10);
}

TEST(CodecFuzzReplayTest, HostileInputsDoNotCrash) {
  // Byte patterns that stress lengths, nesting and extensions.
  std::string inputs[] = {
      std::string("\x00\xdf\xff\xff\xff\xff", 6),
      std::string("\x01\xdd\xff\xff\xff\xff", 6),
      std::string("\x01") + std::string(5000, '\x92'),
      std::string("\x01") + std::string(5000, '['),
      std::string("\x02\xc9\xff\xff\xff\xff\x0c", 7),
      std::string("\x03\x91\x92\xc4\x02\x22\x22\xc0", 8),
      std::string("\x00{\"name\":1e999999999}"),
      std::string("\x02{\"k\":[\"1e99999999\",\"-0\",0.1,1E+2]}"),
  };
  for (const auto& s : inputs) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()),
                           s.size());
  }
}

}  // namespace
}  // namespace secureaml::tf
