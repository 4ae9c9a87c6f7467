#include "tests/conformance/handshake.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace secureaml::conformance {
namespace {

using ::testing::HasSubstr;

std::string CertDerFromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  X509_free(x);
  return out;
}

TEST(ClientCertificateTest, MatchesGoPluginTemplate) {
  auto cert = GenerateClientCertificate();
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_THAT(cert->cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(cert->key_pem, HasSubstr("-----BEGIN EC PRIVATE KEY-----"));

  BIO* bio = BIO_new_mem_buf(cert->cert_pem.data(),
                             static_cast<int>(cert->cert_pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(x, nullptr);
  // P-521, self-signed CA, CN/SAN localhost, client+server auth.
  EVP_PKEY* key = X509_get0_pubkey(x);
  EXPECT_EQ(EVP_PKEY_get_bits(key), 521);
  EXPECT_EQ(X509_check_host(x, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ca(x), 1);
  EXPECT_EQ(X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT, 0), 1);
  EXPECT_EQ(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA512);
  // NotBefore is in the past (now - 30 s) so clock skew cannot reject it.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
  X509_free(x);
  std::string desc = DescribeCertificatePem(cert->cert_pem);
  EXPECT_THAT(desc, HasSubstr("O = HashiCorp"));
  EXPECT_THAT(desc, HasSubstr("san=DNS:localhost"));
}

TEST(Base64Test, RawStdRoundTripAndRejectsPadding) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    std::string enc = EncodeRawStdBase64(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    auto dec = DecodeRawStdBase64(enc);
    ASSERT_TRUE(dec.ok()) << enc;
    EXPECT_EQ(*dec, s);
  }
  // Go's RawStdEncoding rejects '=' padding and the URL alphabet.
  EXPECT_FALSE(DecodeRawStdBase64("YQ==").ok());
  EXPECT_FALSE(DecodeRawStdBase64("a-_b").ok());
  EXPECT_FALSE(DecodeRawStdBase64("Y").ok());
}

class HandshakeLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = GenerateClientCertificate();
    ASSERT_TRUE(cert.ok());
    pem_ = cert->cert_pem;
    b64_ = EncodeRawStdBase64(CertDerFromPem(pem_));
  }
  std::string pem_;
  std::string b64_;
};

TEST_F(HandshakeLineTest, ParsesUnixWithCert) {
  auto h = ParseHandshakeLine("1|6|unix|/tmp/plugin123|grpc|" + b64_ + "\n",
                              ParseOptions{});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->protocol_version, 6);
  EXPECT_EQ(h->network, "unix");
  EXPECT_EQ(h->address, "/tmp/plugin123");
  EXPECT_EQ(h->server_cert_pem, pem_);
  EXPECT_FALSE(h->has_extra_fields);
}

TEST_F(HandshakeLineTest, ParsesTcpWithoutCert) {
  auto h =
      ParseHandshakeLine("  1|5|tcp|127.0.0.1:10001|grpc|\r\n", ParseOptions{});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->protocol_version, 5);
  EXPECT_EQ(h->address, "127.0.0.1:10001");
  EXPECT_TRUE(h->server_cert_pem.empty());
}

TEST_F(HandshakeLineTest, ShortSixthFieldIsIgnoredLikeGoPlugin) {
  // <= 50 characters: go-plugin does not even try to parse it.
  auto h = ParseHandshakeLine("1|6|unix|/p|grpc|not-a-cert", ParseOptions{});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE(h->server_cert_pem.empty());
}

TEST_F(HandshakeLineTest, RejectsPaddedCertificate) {
  // StdEncoding with padding is what a careless server might print.
  std::string padded = b64_;
  while (padded.size() % 4 != 0) padded += "=";
  if (padded == b64_) padded += "====";
  auto h = ParseHandshakeLine("1|6|unix|/p|grpc|" + padded, ParseOptions{});
  ASSERT_FALSE(h.ok());
  EXPECT_THAT(h.status().message(), HasSubstr("error parsing server cert"));
}

TEST_F(HandshakeLineTest, RejectsPem) {
  std::string pem_line = pem_;
  for (char& c : pem_line) {
    if (c == '\n') c = ' ';
  }
  auto h = ParseHandshakeLine("1|6|unix|/p|grpc|" + pem_line, ParseOptions{});
  EXPECT_FALSE(h.ok());
}

TEST_F(HandshakeLineTest, GoPluginErrorTexts) {
  ParseOptions only5;
  only5.offered_versions = {5};
  struct Case {
    std::string line;
    ParseOptions opts;
    std::string want;
  } cases[] = {
      {"hello world", {}, "Unrecognized remote plugin message: hello world"},
      {"2|6|unix|/p|grpc|", {}, "incompatible core API version with plugin"},
      {"1|6|unix|/p|grpc|", only5,
       "incompatible API version with plugin. Plugin version: 6, Client "
       "versions: [5]"},
      {"1|6|pipe|/p|grpc|", {}, "unknown address type"},
      {"1|6|unix|/p", {}, "unsupported plugin protocol \"netrpc\""},
      {"1|6|unix|/p|netrpc|", {}, "unsupported plugin protocol \"netrpc\""},
      {"x|6|unix|/p|grpc|", {}, "error parsing core protocol version"},
  };
  for (const auto& c : cases) {
    auto h = ParseHandshakeLine(c.line, c.opts);
    ASSERT_FALSE(h.ok()) << c.line;
    EXPECT_THAT(std::string(h.status().message()), HasSubstr(c.want)) << c.line;
  }
}

TEST_F(HandshakeLineTest, SeventhFieldBreaksTerraform013) {
  std::string line = "1|6|unix|/p|grpc|" + b64_ + "|true";
  EXPECT_FALSE(ParseHandshakeLine(line, ParseOptions{}).ok());
  ParseOptions lenient;
  lenient.strict_field_count = false;
  auto h = ParseHandshakeLine(line, lenient);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE(h->has_extra_fields);
}

}  // namespace
}  // namespace secureaml::conformance
