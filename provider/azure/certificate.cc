// Client certificate loading and JWT client assertions (OpenSSL).
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/azure/credentials.h"
#include "provider/azure/uuid.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct P12Free {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* u) {
  const std::string* pw = static_cast<const std::string*>(u);
  int n = static_cast<int>(std::min<size_t>(pw->size(), size));
  std::memcpy(buf, pw->data(), n);
  return n;
}

class OpenSslSigner : public CertificateSigner {
 public:
  OpenSslSigner(X509Ptr cert, PkeyPtr key, std::string thumbprint)
      : cert_(std::move(cert)),
        key_(std::move(key)),
        thumbprint_(std::move(thumbprint)) {}

  std::string Thumbprint() const override { return thumbprint_; }
  std::string Algorithm() const override {
    return EVP_PKEY_base_id(key_.get()) == EVP_PKEY_EC ? "ES256" : "RS256";
  }

  absl::StatusOr<std::string> Sign(absl::string_view data) const override {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                   key_.get()) != 1) {
      return absl::InternalError(
          absl::StrCat("cannot initialise signing: ", OpenSslError()));
    }
    size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1) {
      return absl::InternalError(absl::StrCat("cannot sign: ", OpenSslError()));
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                       &len,
                       reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1) {
      return absl::InternalError(absl::StrCat("cannot sign: ", OpenSslError()));
    }
    sig.resize(len);
    if (EVP_PKEY_base_id(key_.get()) != EVP_PKEY_EC) return sig;
    // JWS wants ES256 signatures as raw r||s, OpenSSL produces DER.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (es == nullptr) return absl::InternalError("bad ECDSA signature");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(es, &r, &s);
    std::string raw(64, '\0');
    BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(es);
    return raw;
  }

 private:
  X509Ptr cert_;
  PkeyPtr key_;
  std::string thumbprint_;
};

absl::StatusOr<std::string> Sha1Thumbprint(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return absl::InvalidArgumentError("cannot encode certificate");
  std::string der(static_cast<size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(cert, &p);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_Digest(der.data(), der.size(), md, &md_len, EVP_sha1(), nullptr) !=
      1) {
    return absl::InternalError("SHA-1 failed");
  }
  return absl::WebSafeBase64Escape(
      std::string(reinterpret_cast<char*>(md), md_len));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CertificateSigner>> LoadCertificate(
    absl::string_view contents, absl::string_view password) {
  std::string pw(password);
  X509Ptr cert;
  PkeyPtr key;
  if (absl::StrContains(contents, "-----BEGIN")) {
    BioPtr bio(
        BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    BioPtr bio2(
        BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
    key.reset(
        PEM_read_bio_PrivateKey(bio2.get(), nullptr, PasswordCallback, &pw));
    if (!cert || !key) {
      return absl::InvalidArgumentError(absl::StrCat(
          "client certificate: the PEM file needs both a CERTIFICATE and a "
          "PRIVATE KEY block",
          pw.empty() ? "" : " (is client_certificate_password right?)", ": ",
          OpenSslError()));
    }
  } else {
    BioPtr bio(
        BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
    std::unique_ptr<PKCS12, P12Free> p12(d2i_PKCS12_bio(bio.get(), nullptr));
    if (!p12) {
      return absl::InvalidArgumentError(absl::StrCat(
          "client certificate: neither PEM nor PKCS#12: ", OpenSslError()));
    }
    EVP_PKEY* k = nullptr;
    X509* c = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), pw.c_str(), &k, &c, &ca) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "client certificate: cannot open the PKCS#12 file (wrong "
          "client_certificate_password?): ",
          OpenSslError()));
    }
    sk_X509_pop_free(ca, X509_free);
    cert.reset(c);
    key.reset(k);
    if (!cert || !key) {
      return absl::InvalidArgumentError(
          "client certificate: the PKCS#12 file lacks a certificate or key");
    }
  }
  int type = EVP_PKEY_base_id(key.get());
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
    return absl::InvalidArgumentError(
        "client certificate: only RSA and EC (P-256) keys are supported");
  }
  absl::StatusOr<std::string> thumb = Sha1Thumbprint(cert.get());
  if (!thumb.ok()) return thumb.status();
  return std::unique_ptr<CertificateSigner>(
      new OpenSslSigner(std::move(cert), std::move(key), *thumb));
}

absl::StatusOr<std::string> BuildClientAssertion(
    const CertificateSigner& signer, absl::string_view token_url,
    absl::string_view client_id, absl::Time now) {
  nlohmann::json header = {{"alg", signer.Algorithm()},
                           {"typ", "JWT"},
                           {"x5t", signer.Thumbprint()},
                           {"kid", signer.Thumbprint()}};
  int64_t iat = absl::ToUnixSeconds(now);
  nlohmann::json claims = {{"aud", std::string(token_url)},
                           {"iss", std::string(client_id)},
                           {"sub", std::string(client_id)},
                           {"jti", NewUuid()},
                           {"nbf", iat},
                           {"iat", iat},
                           {"exp", iat + 600}};
  std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                   absl::WebSafeBase64Escape(claims.dump()));
  absl::StatusOr<std::string> sig = signer.Sign(signing_input);
  if (!sig.ok()) return sig.status();
  std::string jwt =
      absl::StrCat(signing_input, ".", absl::WebSafeBase64Escape(*sig));
  log::RegisterSecret(jwt);
  return jwt;
}

}  // namespace secureaml::azure
