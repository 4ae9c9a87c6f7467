// File: number.h
//
// An exact Terraform number. cty compares numbers exactly (Terraform 0.13 to
// 1.0 with big.Float.Cmp), so a provider must hand back the number it was
// given bit for bit: 0.1 arrives as the decimal string "0.1" and must leave as
// "0.1", 2^63 arrives as a float64 and must leave as one.
//
// A Number keeps the representation it was decoded from (int64, uint64,
// float64 or decimal text) and re-encodes in the same form. Equality is by
// mathematical value (1 == 1.0 == "1.00").
#ifndef SECUREAML_PROVIDER_VALUE_NUMBER_H_
#define SECUREAML_PROVIDER_VALUE_NUMBER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace secureaml::tf {

class Number {
 public:
  enum class Repr { kInt64, kUint64, kDouble, kDecimal };

  Number() : Number(int64_t{0}) {}
  static Number FromInt64(int64_t v);
  static Number FromUint64(uint64_t v);
  static Number FromDouble(double v);  // NaN is rejected by decoders
  // Accepts JSON-number syntax (optional sign, digits, fraction, exponent).
  static absl::StatusOr<Number> FromDecimalString(std::string_view text);

  Repr repr() const { return repr_; }

  // Exact conversions; nullopt when the value is not an integer in range.
  std::optional<int64_t> ToInt64() const;
  // Nearest double (may round).
  double ToDouble() const;

  // Canonical decimal text: the shortest form that round-trips, e.g. "0.1",
  // "9223372036854775808", "1e+300" is written as "1e300".
  std::string ToString() const;

  // Raw payloads for the encoders.
  int64_t int64_value() const { return i_; }
  uint64_t uint64_value() const { return u_; }
  double double_value() const { return d_; }
  // The text a kDecimal was parsed from (empty for other representations).
  const std::string& decimal_text() const;

  // Equality by mathematical value.
  bool operator==(const Number& other) const;
  bool operator!=(const Number& other) const { return !(*this == other); }
  bool operator<(const Number& other) const;
  // Three-way comparison by mathematical value: -1, 0 or 1. NaN (which no
  // decoder produces) sorts after everything and equals itself.
  int Compare(const Number& other) const;

  bool IsInteger() const;
  bool IsInfinity() const;

 private:
  explicit Number(int64_t v) : repr_(Repr::kInt64), i_(v) {}
  Repr repr_;
  int64_t i_ = 0;
  uint64_t u_ = 0;
  double d_ = 0;
  // A kDecimal's text and normalised form: value = (-1)^neg * digits *
  // 10^exp, no leading or trailing zeros in `digits` (empty for zero).
  // Shared so that copying a Number never copies digit strings, and so the
  // machine representations stay small.
  struct DecimalRep {
    std::string text;
    bool neg = false;
    std::string digits;
    int64_t exp = 0;
  };
  std::shared_ptr<const DecimalRep> dec_;
};

}  // namespace secureaml::tf

#endif  // SECUREAML_PROVIDER_VALUE_NUMBER_H_
