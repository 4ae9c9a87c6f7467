#include "tests/emulator/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <vector>

#include "absl/strings/str_split.h"

namespace secureaml::emulator {

std::string Base64UrlEncode(absl::string_view data) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  while (i + 2 < data.size()) {
    uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
    i += 3;
  }
  if (i + 1 == data.size()) {
    uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (i + 2 == data.size()) {
    uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(absl::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::optional<DecodedJwt> DecodeJwt(absl::string_view token) {
  if (token.size() > 64 * 1024) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return std::nullopt;
  }
  auto h = Base64UrlDecode(parts[0]);
  auto p = Base64UrlDecode(parts[1]);
  auto s = Base64UrlDecode(parts[2]);
  if (!h || !p || !s) return std::nullopt;
  DecodedJwt out;
  out.header = nlohmann::json::parse(*h, nullptr, false);
  out.payload = nlohmann::json::parse(*p, nullptr, false);
  if (out.header.is_discarded() || out.payload.is_discarded() ||
      !out.header.is_object() || !out.payload.is_object()) {
    return std::nullopt;
  }
  out.signing_input =
      std::string(token.substr(0, parts[0].size() + 1 + parts[1].size()));
  out.signature = *s;
  return out;
}

std::string SignHs256(const nlohmann::json& header,
                      const nlohmann::json& payload, absl::string_view key) {
  std::string input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  return input + "." + Base64UrlEncode(HmacSha256(key, input));
}

namespace {

X509* ParseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

}  // namespace

std::string CertificateThumbprint(const std::string& cert_pem) {
  X509* cert = ParseCert(cert_pem);
  if (cert == nullptr) return "";
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  std::string out;
  if (len > 0) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(der, static_cast<size_t>(len), digest);
    out = Base64UrlEncode(
        absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
  }
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

bool VerifyWithCertificate(const DecodedJwt& jwt, const std::string& cert_pem) {
  if (!jwt.header.contains("alg") || !jwt.header["alg"].is_string()) {
    return false;
  }
  std::string alg = jwt.header["alg"].get<std::string>();
  X509* cert = ParseCert(cert_pem);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  X509_free(cert);
  if (key == nullptr) return false;
  std::string sig = jwt.signature;
  bool ok = false;
  if (alg == "ES256") {
    if (EVP_PKEY_base_id(key) != EVP_PKEY_EC || sig.size() != 64) {
      EVP_PKEY_free(key);
      return false;
    }
    // JOSE ES256 signatures are raw r||s; OpenSSL wants DER.
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()),
                          32, nullptr);
    BIGNUM* s = BN_bin2bn(
        reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(es, r, s);
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (len <= 0) {
      EVP_PKEY_free(key);
      return false;
    }
    sig.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
  } else if (alg == "RS256" || alg == "PS256") {
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
      EVP_PKEY_free(key);
      return false;
    }
  } else {
    EVP_PKEY_free(key);
    return false;
  }
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), nullptr, key) == 1) {
    if (alg == "PS256") {
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    ok = EVP_DigestVerify(
             md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
             reinterpret_cast<const unsigned char*>(jwt.signing_input.data()),
             jwt.signing_input.size()) == 1;
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace secureaml::emulator
