#include "tests/conformance/handshake.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace secureaml::conformance {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free_all(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status AddExt(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return absl::InternalError(absl::StrCat("X509V3_EXT_conf_nid failed for ",
                                            OBJ_nid2sn(nid), "=", value));
  }
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) return absl::InternalError("X509_add_ext failed");
  return absl::OkStatus();
}

PkeyPtr GenerateEcKey(int curve_nid) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), curve_nid) <= 0) {
    return nullptr;
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &key) <= 0) return nullptr;
  return PkeyPtr(key);
}

constexpr char kB64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

absl::StatusOr<ClientCertificate> GenerateClientCertificate(int curve_nid) {
  if (curve_nid == 0) curve_nid = NID_secp521r1;
  PkeyPtr key = GenerateEcKey(curve_nid);
  if (!key) return absl::InternalError("EC key generation failed");

  X509Ptr cert(X509_new());
  if (!cert) return absl::InternalError("X509_new failed");
  X509_set_version(cert.get(), 2);  // v3

  // Serial: random below 2^128, as go-plugin.
  std::unique_ptr<BIGNUM, BnDeleter> serial(BN_new());
  if (!serial ||
      !BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return absl::InternalError("serial number generation failed");
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -30);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 262980L * 3600L);

  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("HashiCorp"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());

  // Go marks basicConstraints and keyUsage critical.
  for (auto [nid, value] : std::vector<std::pair<int, const char*>>{
           {NID_basic_constraints, "critical,CA:TRUE"},
           {NID_key_usage,
            "critical,digitalSignature,keyEncipherment,keyAgreement,"
            "keyCertSign"},
           {NID_ext_key_usage, "clientAuth,serverAuth"},
           {NID_subject_alt_name, "DNS:localhost"},
           {NID_subject_key_identifier, "hash"},
       }) {
    absl::Status s = AddExt(cert.get(), nid, value);
    if (!s.ok()) return s;
  }
  // P-521 keys sign with SHA-512 in Go.
  const EVP_MD* md =
      curve_nid == NID_secp521r1
          ? EVP_sha512()
          : (curve_nid == NID_secp384r1 ? EVP_sha384() : EVP_sha256());
  if (X509_sign(cert.get(), key.get(), md) <= 0) {
    return absl::InternalError("X509_sign failed");
  }

  ClientCertificate out;
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(cert_bio.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey_traditional(key_bio.get(), key.get(), nullptr,
                                            nullptr, 0, nullptr, nullptr)) {
    return absl::InternalError("PEM encoding failed");
  }
  out.cert_pem = BioToString(cert_bio.get());
  out.key_pem = BioToString(key_bio.get());
  return out;
}

absl::StatusOr<std::string> DecodeRawStdBase64(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') continue;
    const char* p = c == '\0' ? nullptr : std::strchr(kB64Alphabet, c);
    if (p == nullptr) {
      // Go: "illegal base64 data at input byte N" (covers '=' too).
      return absl::InvalidArgumentError(
          absl::StrCat("illegal base64 data at input byte ", i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64Alphabet);
    bits += 6;
    ++count;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // A single trailing character cannot encode a byte.
  if (count % 4 == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("illegal base64 data at input byte ", text.size()));
  }
  return out;
}

std::string EncodeRawStdBase64(std::string_view bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64Alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kB64Alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

absl::StatusOr<std::string> CertificateDerToPem(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    return absl::InvalidArgumentError(
        "x509: malformed certificate (DER does not parse)");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert.get())) {
    return absl::InternalError("PEM encoding failed");
  }
  return BioToString(bio.get());
}

std::string DescribeCertificatePem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return "<unparseable certificate>";
  BioPtr out(BIO_new(BIO_s_mem()));
  BIO_printf(out.get(), "subject=");
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert.get()), 0,
                     XN_FLAG_ONELINE);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key != nullptr) {
    BIO_printf(out.get(), " key=%s/%d", OBJ_nid2sn(EVP_PKEY_get_base_id(key)),
               EVP_PKEY_get_bits(key));
  }
  int sig_nid = X509_get_signature_nid(cert.get());
  BIO_printf(out.get(), " sig=%s", OBJ_nid2sn(sig_nid));
  GENERAL_NAMES* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  if (sans != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
      if (gn->type == GEN_DNS) {
        BIO_printf(out.get(), " san=DNS:%s",
                   reinterpret_cast<const char*>(
                       ASN1_STRING_get0_data(gn->d.dNSName)));
      }
    }
    GENERAL_NAMES_free(sans);
  }
  BIO_printf(out.get(), " notBefore=");
  ASN1_TIME_print(out.get(), X509_get0_notBefore(cert.get()));
  BIO_printf(out.get(), " notAfter=");
  ASN1_TIME_print(out.get(), X509_get0_notAfter(cert.get()));
  return BioToString(out.get());
}

absl::StatusOr<HandshakeInfo> ParseHandshakeLine(std::string_view line,
                                                 const ParseOptions& options) {
  absl::string_view trimmed =
      absl::StripAsciiWhitespace(absl::string_view(line.data(), line.size()));
  std::vector<std::string> parts = absl::StrSplit(trimmed, '|');
  if (parts.size() < 4) {
    return absl::FailedPreconditionError(
        absl::StrCat("Unrecognized remote plugin message: ", trimmed));
  }
  HandshakeInfo info;
  // strconv.Atoi accepts an optional sign, nothing else.
  if (!absl::SimpleAtoi(parts[0], &info.core_version) ||
      parts[0].find_first_of(" \t") != std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        "error parsing core protocol version: strconv.Atoi: parsing \"",
        parts[0], "\": invalid syntax"));
  }
  if (info.core_version != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "incompatible core API version with plugin. Plugin version: ", parts[0],
        ", Core version: 1"));
  }
  if (!absl::SimpleAtoi(parts[1], &info.protocol_version) ||
      parts[1].find_first_of(" \t") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("Error parsing protocol version \"", parts[1],
                     "\": strconv.Atoi: invalid syntax"));
  }
  if (std::find(options.offered_versions.begin(),
                options.offered_versions.end(),
                info.protocol_version) == options.offered_versions.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("incompatible API version with plugin. Plugin version: ",
                     info.protocol_version, ", Client versions: [",
                     absl::StrJoin(options.offered_versions, " "), "]"));
  }
  info.network = parts[2];
  info.address = parts[3];
  if (info.network != "unix" && info.network != "tcp") {
    return absl::FailedPreconditionError(
        absl::StrCat("unknown address type: ", info.address));
  }
  if (info.address.empty()) {
    return absl::FailedPreconditionError("empty plugin address");
  }
  // go-plugin defaults to net/rpc when the field is missing; Terraform only
  // allows grpc.
  info.protocol = parts.size() >= 5 ? parts[4] : "netrpc";
  if (info.protocol != "grpc") {
    return absl::FailedPreconditionError(
        absl::StrCat("unsupported plugin protocol \"", info.protocol,
                     "\". Supported: [grpc]"));
  }
  if (parts.size() >= 6 && parts[5].size() > 50) {
    auto der = DecodeRawStdBase64(parts[5]);
    if (!der.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("error parsing server cert: ", der.status().message()));
    }
    auto pem = CertificateDerToPem(*der);
    if (!pem.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("error parsing server cert: ", pem.status().message()));
    }
    info.server_cert_der = *std::move(der);
    info.server_cert_pem = *std::move(pem);
  }
  info.has_extra_fields = parts.size() > 6;
  if (info.has_extra_fields && options.strict_field_count) {
    return absl::FailedPreconditionError(
        "handshake line has more than 6 fields; go-plugin v1.3.0 "
        "(Terraform 0.13/0.14) would glue the extra text onto the server "
        "certificate and fail");
  }
  return info;
}

}  // namespace secureaml::conformance
