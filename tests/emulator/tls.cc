#include "tests/emulator/tls.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace secureaml::emulator {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

std::string OpenSslError(absl::string_view what) {
  unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e != 0) ERR_error_string_n(e, buf, sizeof(buf));
  return absl::StrCat(what, ": ", buf);
}

KeyPtr NewEcKey() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  if (ctx == nullptr) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_keygen_init(ctx) <= 0 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) <= 0 ||
      EVP_PKEY_keygen(ctx, &key) <= 0) {
    key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return KeyPtr(key);
}

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

X509Ptr NewCert(EVP_PKEY* key, const char* cn, X509* issuer,
                EVP_PKEY* issuer_key, bool is_ca) {
  X509Ptr cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 30);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("secureaml ARM emulator"), -1, -1,
      0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1,
                             0);
  X509* iss = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
  bool ok = true;
  if (is_ca) {
    ok &= AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    ok &= AddExt(cert.get(), iss, NID_key_usage,
                 "critical,keyCertSign,cRLSign,digitalSignature");
    ok &= AddExt(cert.get(), iss, NID_subject_key_identifier, "hash");
  } else {
    ok &= AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    ok &= AddExt(cert.get(), iss, NID_key_usage,
                 "critical,digitalSignature,keyEncipherment");
    ok &= AddExt(cert.get(), iss, NID_ext_key_usage, "serverAuth");
    ok &= AddExt(cert.get(), iss, NID_subject_alt_name,
                 "IP:127.0.0.1,DNS:localhost");
    ok &= AddExt(cert.get(), iss, NID_subject_key_identifier, "hash");
    ok &= AddExt(cert.get(), iss, NID_authority_key_identifier, "keyid:always");
  }
  if (!ok) return nullptr;
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

}  // namespace

absl::StatusOr<TlsMaterial> GenerateTlsMaterial() {
  KeyPtr ca_key = NewEcKey();
  KeyPtr leaf_key = NewEcKey();
  if (!ca_key || !leaf_key) {
    return absl::InternalError(OpenSslError("EC key generation failed"));
  }
  X509Ptr ca = NewCert(ca_key.get(), "secureaml ARM emulator CA", nullptr,
                       ca_key.get(), true);
  if (!ca) return absl::InternalError(OpenSslError("CA certificate"));
  X509Ptr leaf =
      NewCert(leaf_key.get(), "127.0.0.1", ca.get(), ca_key.get(), false);
  if (!leaf) return absl::InternalError(OpenSslError("leaf certificate"));
  TlsMaterial m;
  m.ca_cert_pem = CertPem(ca.get());
  m.leaf_cert_pem = CertPem(leaf.get());
  m.leaf_key_pem = KeyPem(leaf_key.get());
  return m;
}

absl::StatusOr<SslCtxPtr> MakeServerContext(const TlsMaterial& material) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return absl::InternalError(OpenSslError("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_AUTO_RETRY);
  BIO* cb = BIO_new_mem_buf(material.leaf_cert_pem.data(),
                            static_cast<int>(material.leaf_cert_pem.size()));
  X509* leaf = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(material.leaf_key_pem.data(),
                            static_cast<int>(material.leaf_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  BIO* ab = BIO_new_mem_buf(material.ca_cert_pem.data(),
                            static_cast<int>(material.ca_cert_pem.size()));
  X509* ca = PEM_read_bio_X509(ab, nullptr, nullptr, nullptr);
  BIO_free(ab);
  bool ok = leaf && key && ca &&
            SSL_CTX_use_certificate(ctx.get(), leaf) == 1 &&
            SSL_CTX_use_PrivateKey(ctx.get(), key) == 1 &&
            SSL_CTX_add1_chain_cert(ctx.get(), ca) == 1 &&
            SSL_CTX_check_private_key(ctx.get()) == 1;
  X509_free(leaf);
  EVP_PKEY_free(key);
  X509_free(ca);
  if (!ok) return absl::InternalError(OpenSslError("loading TLS material"));
  return ctx;
}

absl::StatusOr<SslCtxPtr> MakeClientContext(const std::string& ca_pem) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return absl::InternalError(OpenSslError("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  BIO* ab = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  X509* ca = PEM_read_bio_X509(ab, nullptr, nullptr, nullptr);
  BIO_free(ab);
  if (ca == nullptr) return absl::InvalidArgumentError("bad CA PEM");
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca);
  X509_free(ca);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

}  // namespace secureaml::emulator
