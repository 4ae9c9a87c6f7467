#include "provider/plugin/auto_mtls.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace secureaml::plugin {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ParseDer(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
}

std::string CurveName(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_EC) return "not EC";
  char name[64] = {};
  size_t len = 0;
  EVP_PKEY_get_utf8_string_param(key, "group", name, sizeof(name), &len);
  return name;
}

// Verifies `cert` for host "localhost" with itself as the only root, the way
// go-plugin's client does (RootCAs = {server leaf}, ServerName localhost).
bool VerifiesAgainstItself(X509* cert, int purpose) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, cert);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), "localhost", 0);
  bool ok = X509_verify_cert(ctx) == 1;
  if (!ok) {
    ADD_FAILURE() << X509_verify_cert_error_string(
        X509_STORE_CTX_get_error(ctx));
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

TEST(AutoMtlsTest, ServerCertificateHasWhatGoPluginChecks) {
  auto cert = GenerateSelfSignedCertificate({});
  ASSERT_TRUE(cert.ok()) << cert.status();
  X509Ptr x = ParseDer(cert->cert_der);
  ASSERT_NE(x, nullptr);

  EXPECT_EQ(CurveName(x.get()), "prime256v1");
  EXPECT_EQ(X509_check_host(x.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(x.get(), "example.com", 0, 0, nullptr), 0);

  // SAN is a DNS name, not only the CN (Go >= 1.15 ignores CN).
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr));
  ASSERT_NE(sans, nullptr);
  ASSERT_EQ(sk_GENERAL_NAME_num(sans), 1);
  GENERAL_NAME* san = sk_GENERAL_NAME_value(sans, 0);
  ASSERT_EQ(san->type, GEN_DNS);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(
                ASN1_STRING_get0_data(san->d.dNSName))),
            "localhost");
  GENERAL_NAMES_free(sans);

  const uint32_t eku = X509_get_extended_key_usage(x.get());
  EXPECT_TRUE(eku & XKU_SSL_SERVER);
  EXPECT_TRUE(eku & XKU_SSL_CLIENT);

  // NotBefore is ~30 s in the past (clock skew), NotAfter in the future.
  time_t now = time(nullptr);
  time_t probe = now - 20;
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(x.get()), &probe), 0);
  probe = now - 40;
  EXPECT_GT(X509_cmp_time(X509_get0_notBefore(x.get()), &probe), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x.get()), &now), 0);

  EXPECT_TRUE(VerifiesAgainstItself(x.get(), X509_PURPOSE_SSL_SERVER));
}

TEST(AutoMtlsTest, PemAndDerAgreeAndKeyMatches) {
  auto cert = GenerateSelfSignedCertificate({});
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(*PemCertificateToDer(cert->cert_pem), cert->cert_der);
  EXPECT_EQ(*DerCertificateToPem(cert->cert_der), cert->cert_pem);

  BIO* bio = BIO_new_mem_buf(cert->key_pem.data(),
                             static_cast<int>(cert->key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(key, nullptr);
  X509Ptr x = ParseDer(cert->cert_der);
  EXPECT_EQ(X509_check_private_key(x.get(), key), 1);
  EVP_PKEY_free(key);
}

// The private key PEM is encoded by hand (RFC 5915); gRPC's TLS stack must
// read it back as the key of the certificate for every curve, including
// P-521 whose encoding needs long-form DER lengths.
TEST(AutoMtlsTest, PrivateKeyPemMatchesTheCertificateOnEveryCurve) {
  for (KeyCurve curve : {KeyCurve::kP256, KeyCurve::kP384, KeyCurve::kP521}) {
    CertificateOptions opts;
    opts.curve = curve;
    auto cert = GenerateSelfSignedCertificate(opts);
    ASSERT_TRUE(cert.ok()) << cert.status();
    EXPECT_EQ(cert->key_pem.rfind("-----BEGIN EC PRIVATE KEY-----\n", 0), 0u);
    BIO* bio = BIO_new_mem_buf(cert->key_pem.data(),
                               static_cast<int>(cert->key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(key, nullptr) << cert->key_pem;
    X509Ptr x = ParseDer(cert->cert_der);
    EXPECT_EQ(X509_check_private_key(x.get(), key), 1);
    EVP_PKEY_free(key);
  }
}

TEST(AutoMtlsTest, EachCallMakesAFreshKeyAndSerial) {
  auto a = GenerateSelfSignedCertificate({});
  auto b = GenerateSelfSignedCertificate({});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key_pem, b->key_pem);
  X509Ptr xa = ParseDer(a->cert_der), xb = ParseDer(b->cert_der);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(xa.get()),
                             X509_get0_serialNumber(xb.get())),
            0);
}

TEST(AutoMtlsTest, CanMakeTerraformStyleP521ClientCertificates) {
  CertificateOptions opts;
  opts.curve = KeyCurve::kP521;
  auto cert = GenerateSelfSignedCertificate(opts);
  ASSERT_TRUE(cert.ok());
  X509Ptr x = ParseDer(cert->cert_der);
  EXPECT_EQ(CurveName(x.get()), "secp521r1");
  EXPECT_TRUE(VerifiesAgainstItself(x.get(), X509_PURPOSE_SSL_CLIENT));
}

TEST(AutoMtlsTest, RejectsGarbageClientCertificate) {
  EXPECT_FALSE(PemCertificateToDer("not a certificate").ok());
  EXPECT_FALSE(DerCertificateToPem("junk").ok());
}

}  // namespace
}  // namespace secureaml::plugin
