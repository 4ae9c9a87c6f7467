#include "provider/plugin/auto_mtls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"

namespace secureaml::plugin {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using SecretBnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION,
                               Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

absl::Status OpenSslError(absl::string_view what) {
  std::string detail;
  unsigned long code;  // NOLINT(runtime/int): OpenSSL's type
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!detail.empty()) detail += "; ";
    detail += buf;
  }
  return absl::InternalError(absl::StrCat(what, ": ", detail));
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}

absl::Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    return OpenSslError(absl::StrCat("adding extension ", OBJ_nid2sn(nid)));
  }
  return absl::OkStatus();
}

// The key's public point, uncompressed (0x04 || X || Y).
absl::StatusOr<std::string> EncodedPublicPoint(EVP_PKEY* key) {
  unsigned char point[1 + 2 * 66];  // large enough for P-521
  size_t len = 0;
  if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                       point, sizeof(point), &len)) {
    return OpenSslError("reading the public key");
  }
  return std::string(reinterpret_cast<char*>(point), len);
}

// The certificate's SubjectPublicKeyInfo: id-ecPublicKey, the named curve
// and the point. Set from the point because X509_set_pubkey on a provider key
// runs OpenSSL 3.0's encoder and then its decoder on the result, ~0.5 ms of
// the plugin's start-up for the same bytes.
absl::Status SetPublicKey(X509* cert, const std::string& point, int curve_nid) {
  // X509_PUBKEY_set0_param takes ownership of an OPENSSL_malloc'd buffer.
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(point.size()));
  if (copy == nullptr) return OpenSslError("allocating the public key");
  memcpy(copy, point.data(), point.size());
  if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert),
                              OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                              V_ASN1_OBJECT, OBJ_nid2obj(curve_nid), copy,
                              static_cast<int>(point.size()))) {
    // Not freed: whether the buffer was taken over depends on the step
    // that failed, and a leak on this fatal path beats a double free.
    return OpenSslError("setting the public key");
  }
  return absl::OkStatus();
}

// Appends a DER tag-length-value with a definite length.
void AppendDer(std::string& out, unsigned char tag, const std::string& value) {
  out.push_back(static_cast<char>(tag));
  const size_t n = value.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xff) {
    out.push_back(static_cast<char>(0x81));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(0x82));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  }
  out.append(value);
}

// The key as an RFC 5915 "EC PRIVATE KEY" PEM, which gRPC's TLS stack reads
// like PKCS#8. Encoded here because PEM_write_bio_PrivateKey sets up OpenSSL
// 3.0's encoder machinery, ~1 ms of start-up for ~120 bytes. Every buffer
// that held the private scalar is wiped.
absl::StatusOr<std::string> EcPrivateKeyPem(EVP_PKEY* key,
                                            const std::string& point,
                                            int curve_nid) {
  BIGNUM* scalar = nullptr;
  if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar)) {
    return OpenSslError("reading the private key");
  }
  SecretBnPtr scalar_owner(scalar);
  // RFC 5915: the scalar as an octet string of the group order's length.
  const int scalar_len = (EVP_PKEY_get_bits(key) + 7) / 8;
  std::string scalar_bytes(scalar_len, '\0');
  if (BN_bn2binpad(scalar, reinterpret_cast<unsigned char*>(&scalar_bytes[0]),
                   scalar_len) != scalar_len) {
    OPENSSL_cleanse(&scalar_bytes[0], scalar_bytes.size());
    return OpenSslError("encoding the private key");
  }
  unsigned char* oid = nullptr;
  const int oid_len = i2d_ASN1_OBJECT(OBJ_nid2obj(curve_nid), &oid);
  if (oid_len <= 0) {
    OPENSSL_cleanse(&scalar_bytes[0], scalar_bytes.size());
    return OpenSslError("encoding the curve");
  }
  std::string curve_oid(reinterpret_cast<char*>(oid), oid_len);
  OPENSSL_free(oid);

  std::string fields;
  AppendDer(fields, V_ASN1_INTEGER, std::string(1, '\1'));  // version 1
  AppendDer(fields, V_ASN1_OCTET_STRING, scalar_bytes);
  AppendDer(fields, 0xa0, curve_oid);  // [0] parameters
  std::string bits(1, '\0');           // no unused bits
  bits += point;
  std::string public_key;
  AppendDer(public_key, V_ASN1_BIT_STRING, bits);
  AppendDer(fields, 0xa1, public_key);  // [1] publicKey
  std::string der;
  AppendDer(der, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, fields);

  BioPtr bio(BIO_new(BIO_s_mem()));
  const bool written =
      bio && PEM_write_bio(bio.get(), "EC PRIVATE KEY", "",
                           reinterpret_cast<const unsigned char*>(der.data()),
                           static_cast<long>(der.size())) > 0;  // NOLINT
  OPENSSL_cleanse(&scalar_bytes[0], scalar_bytes.size());
  OPENSSL_cleanse(&fields[0], fields.size());
  OPENSSL_cleanse(&der[0], der.size());
  if (!written) return OpenSslError("PEM encoding the private key");
  return BioToString(bio.get());
}

}  // namespace

absl::StatusOr<SelfSignedCertificate> GenerateSelfSignedCertificate(
    const CertificateOptions& options) {
  const char* curve = "P-256";
  int curve_nid = NID_X9_62_prime256v1;
  const EVP_MD* digest = EVP_sha256();
  switch (options.curve) {
    case KeyCurve::kP256:
      break;
    case KeyCurve::kP384:
      curve = "P-384";
      curve_nid = NID_secp384r1;
      digest = EVP_sha384();
      break;
    case KeyCurve::kP521:
      curve = "P-521";
      curve_nid = NID_secp521r1;
      digest = EVP_sha512();
      break;
  }
  PkeyPtr key(EVP_EC_gen(curve));
  if (!key) return OpenSslError("generating EC key");

  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  if (!X509_set_version(cert.get(), 2)) return OpenSslError("version");

  // Random positive serial below 2^127, like Go's below 2^128.
  BnPtr serial(BN_new());
  if (!serial ||
      !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return OpenSslError("serial number");
  }

  const long not_before =  // NOLINT(runtime/int)
      -absl::ToInt64Seconds(options.not_before_margin);
  const long not_after =  // NOLINT(runtime/int)
      absl::ToInt64Seconds(options.validity);
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after)) {
    return OpenSslError("validity");
  }

  NamePtr name(X509_NAME_new());
  auto add_name = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(
        name.get(), field, MBSTRING_UTF8,
        reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  };
  if (!name || !add_name("O", options.organization) ||
      !add_name("CN", options.common_name) ||
      !X509_set_subject_name(cert.get(), name.get()) ||
      !X509_set_issuer_name(cert.get(), name.get())) {
    return OpenSslError("subject");
  }
  absl::StatusOr<std::string> point = EncodedPublicPoint(key.get());
  if (!point.ok()) return point.status();
  if (absl::Status s = SetPublicKey(cert.get(), *point, curve_nid); !s.ok()) {
    return s;
  }

  for (auto [nid, value] : {
           std::pair<int, const char*>{NID_basic_constraints,
                                       "critical,CA:TRUE"},
           {NID_key_usage, "critical,digitalSignature,keyCertSign"},
           {NID_ext_key_usage, "serverAuth,clientAuth"},
           // Go (>= 1.15) ignores the CN; the SAN is what makes it verify.
           {NID_subject_alt_name, "DNS:localhost"},
           {NID_subject_key_identifier, "hash"},
       }) {
    if (absl::Status s = AddExtension(cert.get(), nid, value); !s.ok()) {
      return s;
    }
  }
  if (!X509_sign(cert.get(), key.get(), digest)) return OpenSslError("sign");

  SelfSignedCertificate out;
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !PEM_write_bio_X509(cert_bio.get(), cert.get())) {
    return OpenSslError("PEM encoding");
  }
  out.cert_pem = BioToString(cert_bio.get());
  absl::StatusOr<std::string> key_pem =
      EcPrivateKeyPem(key.get(), *point, curve_nid);
  if (!key_pem.ok()) return key_pem.status();
  out.key_pem = *std::move(key_pem);

  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) return OpenSslError("DER encoding");
  out.cert_der.assign(reinterpret_cast<char*>(der), der_len);
  OPENSSL_free(der);
  return out;
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const SelfSignedCertificate& server, const std::string& client_cert_pem) {
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  // The host's one-time certificate is the only root: no other client can
  // complete the handshake, even one that can reach the socket.
  options.pem_root_certs = client_cert_pem;
  options.pem_key_cert_pairs.push_back({server.key_pem, server.cert_pem});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::string> PemCertificateToDer(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return OpenSslError("parsing PEM certificate");
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) return OpenSslError("DER encoding");
  std::string out(reinterpret_cast<char*>(der), der_len);
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::string> DerCertificateToPem(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!cert) return OpenSslError("parsing DER certificate");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert.get())) {
    return OpenSslError("PEM encoding");
  }
  return BioToString(bio.get());
}

}  // namespace secureaml::plugin
