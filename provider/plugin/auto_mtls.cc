#include "provider/plugin/auto_mtls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

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

}  // namespace

absl::StatusOr<SelfSignedCertificate> GenerateSelfSignedCertificate(
    const CertificateOptions& options) {
  const char* curve = "P-256";
  const EVP_MD* digest = EVP_sha256();
  switch (options.curve) {
    case KeyCurve::kP256:
      break;
    case KeyCurve::kP384:
      curve = "P-384";
      digest = EVP_sha384();
      break;
    case KeyCurve::kP521:
      curve = "P-521";
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
  if (!X509_set_pubkey(cert.get(), key.get())) return OpenSslError("pubkey");

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
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio ||
      !PEM_write_bio_X509(cert_bio.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0,
                                nullptr, nullptr)) {
    return OpenSslError("PEM encoding");
  }
  out.cert_pem = BioToString(cert_bio.get());
  out.key_pem = BioToString(key_bio.get());

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
