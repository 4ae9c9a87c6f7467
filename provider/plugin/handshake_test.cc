#include "provider/plugin/handshake.h"

#include <openssl/evp.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace secureaml::plugin {
namespace {

using ::testing::HasSubstr;

TEST(NegotiateProtocolTest, PicksHighestOfferedInEitherOrder) {
  EXPECT_EQ(*NegotiateProtocol("5,6", "", {5, 6}), 6);
  EXPECT_EQ(*NegotiateProtocol("6,5", "", {5, 6}), 6);
  EXPECT_EQ(*NegotiateProtocol(" 6 , 5 ", "", {5, 6}), 6);
}

TEST(NegotiateProtocolTest, Terraform013OffersOnlyFive) {
  EXPECT_EQ(*NegotiateProtocol("5", "", {5, 6}), 5);
}

TEST(NegotiateProtocolTest, MissingListMeansFive) {
  EXPECT_EQ(*NegotiateProtocol("", "", {5, 6}), 5);
}

TEST(NegotiateProtocolTest, IgnoresVersionsWeDoNotServe) {
  EXPECT_EQ(*NegotiateProtocol("4,5,6,7", "", {5, 6}), 6);
  EXPECT_EQ(*NegotiateProtocol("5,6", "", {5}), 5);
}

TEST(NegotiateProtocolTest, NoOverlapIsAnError) {
  auto v = NegotiateProtocol("4", "", {5, 6});
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("offers"));
  EXPECT_FALSE(NegotiateProtocol("6", "", {5}).ok());
  EXPECT_FALSE(NegotiateProtocol("x,6", "", {5, 6}).ok());
}

TEST(NegotiateProtocolTest, ForceSelectsAnOfferedVersion) {
  EXPECT_EQ(*NegotiateProtocol("6,5", "5", {5, 6}), 5);
  EXPECT_EQ(*NegotiateProtocol("5,6", "6", {5, 6}), 6);
  EXPECT_FALSE(NegotiateProtocol("6", "5", {5, 6}).ok());  // not offered
  EXPECT_FALSE(NegotiateProtocol("5,6", "7", {5, 6}).ok());
  EXPECT_FALSE(NegotiateProtocol("5,6", "six", {5, 6}).ok());
}

// Reference: OpenSSL's padded base64 with the '=' removed.
std::string OpenSslRawBase64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

TEST(Base64RawStdTest, MatchesStandardAlphabetWithoutPadding) {
  EXPECT_EQ(Base64RawStd(""), "");
  EXPECT_EQ(Base64RawStd("f"), "Zg");
  EXPECT_EQ(Base64RawStd("fo"), "Zm8");
  EXPECT_EQ(Base64RawStd("foo"), "Zm9v");
  EXPECT_EQ(Base64RawStd("\xfb\xff\xbf"), "+/+/");  // not URL alphabet
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len < all.size(); len += 7) {
    EXPECT_EQ(Base64RawStd(all.substr(0, len)),
              OpenSslRawBase64(all.substr(0, len)))
        << len;
  }
}

TEST(FormatHandshakeLineTest, PlaintextHasEmptySixthField) {
  EXPECT_EQ(FormatHandshakeLine(6, "unix", "/tmp/d/plugin.sock", ""),
            "1|6|unix|/tmp/d/plugin.sock|grpc|\n");
}

TEST(FormatHandshakeLineTest, TlsCarriesRawBase64DerAndNoSeventhField) {
  std::string line =
      FormatHandshakeLine(5, "tcp", "127.0.0.1:10001", std::string(100, 'x'));
  EXPECT_EQ(line.back(), '\n');
  line.pop_back();
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t pos; (pos = line.find('|', start)) != std::string::npos;
       start = pos + 1) {
    fields.push_back(line.substr(start, pos - start));
  }
  fields.push_back(line.substr(start));
  ASSERT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields[0], "1");
  EXPECT_EQ(fields[1], "5");
  EXPECT_EQ(fields[2], "tcp");
  EXPECT_EQ(fields[3], "127.0.0.1:10001");
  EXPECT_EQ(fields[4], "grpc");
  EXPECT_EQ(fields[5], Base64RawStd(std::string(100, 'x')));
  EXPECT_GT(fields[5].size(), 50u);  // go-plugin ignores shorter fields
  EXPECT_EQ(fields[5].find('='), std::string::npos);
}

TEST(FormatReattachLineTest, IsShellQuotedJsonTerraformUnderstands) {
  std::string line =
      FormatReattachLine("registry.terraform.io/secureaml/secureaml", 6, 4242,
                         "unix", "/t/p.sock");
  const std::string prefix = "TF_REATTACH_PROVIDERS='";
  ASSERT_EQ(line.rfind(prefix, 0), 0u);
  ASSERT_EQ(line.back(), '\'');
  auto json = nlohmann::json::parse(
      line.substr(prefix.size(), line.size() - prefix.size() - 1));
  const auto& p = json.at("registry.terraform.io/secureaml/secureaml");
  EXPECT_EQ(p.at("Protocol"), "grpc");
  EXPECT_EQ(p.at("ProtocolVersion"), 6);
  EXPECT_EQ(p.at("Pid"), 4242);
  EXPECT_EQ(p.at("Test"), true);
  EXPECT_EQ(p.at("Addr").at("Network"), "unix");
  EXPECT_EQ(p.at("Addr").at("String"), "/t/p.sock");
}

TEST(MagicCookieTest, OnlyTheExactValueMatches) {
  EXPECT_TRUE(MagicCookieMatches(std::string(kMagicCookieValue).c_str()));
  EXPECT_FALSE(MagicCookieMatches(nullptr));
  EXPECT_FALSE(MagicCookieMatches(""));
  EXPECT_FALSE(MagicCookieMatches("d602bf8f"));
  EXPECT_THAT(MagicCookieMessage(), HasSubstr("This binary is a plugin"));
}

}  // namespace
}  // namespace secureaml::plugin
