// File: testing/test_certs.h
//
// Generates throwaway certificates at test time (no key material in the
// repository): RSA or P-256 key, self-signed cert, as PEM or PKCS#12.
#ifndef SECUREAML_PROVIDER_AZURE_TESTING_TEST_CERTS_H_
#define SECUREAML_PROVIDER_AZURE_TESTING_TEST_CERTS_H_

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <string>

namespace secureaml::azure::testing {

struct TestCert {
  std::string pem;     // certificate + private key (key encrypted if pw)
  std::string pkcs12;  // DER
  std::string cert_der;
  EVP_PKEY* key = nullptr;  // owned; freed by the destructor
  TestCert() = default;
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;
  ~TestCert() { EVP_PKEY_free(key); }
};

inline std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

// `ec`: P-256 instead of RSA-2048. `password`: encrypts the PEM key and the
// PKCS#12 file when non-empty.
inline void MakeTestCert(TestCert& out, bool ec, const std::string& password) {
  EVP_PKEY* key = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1,
                             -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  if (password.empty()) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), password.data(),
                                  static_cast<int>(password.size()), nullptr,
                                  nullptr);
  }
  out.pem = BioToString(bio);
  BIO_free(bio);
  PKCS12* p12 = PKCS12_create(password.empty() ? nullptr : password.c_str(),
                              "test", key, x, nullptr, 0, 0, 0, 0, 0);
  BIO* p12bio = BIO_new(BIO_s_mem());
  i2d_PKCS12_bio(p12bio, p12);
  out.pkcs12 = BioToString(p12bio);
  BIO_free(p12bio);
  PKCS12_free(p12);
  int len = i2d_X509(x, nullptr);
  out.cert_der.resize(static_cast<size_t>(len));
  unsigned char* p = reinterpret_cast<unsigned char*>(out.cert_der.data());
  i2d_X509(x, &p);
  X509_free(x);
  out.key = key;
}

}  // namespace secureaml::azure::testing

#endif  // SECUREAML_PROVIDER_AZURE_TESTING_TEST_CERTS_H_
