#include "provider/value/number.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace secureaml::tf {
namespace {

// A normalised exact decimal: (-1)^neg * digits * 10^exp.
struct Decimal {
  bool neg = false;
  std::string digits;  // no leading/trailing zeros; empty means zero
  int64_t exp = 0;
};

// cty keeps numbers at 512 bits with a 32-bit binary exponent; a decimal
// exponent beyond this bound is hostile input, not a real number.
constexpr int64_t kMaxDecimalExponent = 100'000'000;

void Normalise(Decimal& d) {
  size_t lead = d.digits.find_first_not_of('0');
  if (lead == std::string::npos) {
    d.digits.clear();
    d.exp = 0;
    d.neg = false;
    return;
  }
  d.digits.erase(0, lead);
  size_t last = d.digits.find_last_not_of('0');
  d.exp += static_cast<int64_t>(d.digits.size() - 1 - last);
  d.digits.resize(last + 1);
}

Decimal FromUnsigned(bool neg, uint64_t v) {
  Decimal d;
  d.neg = neg;
  d.digits = std::to_string(v);
  Normalise(d);
  return d;
}

// Multiplies a little-endian base-1e9 big integer by `factor` (< 2^32).
void MulSmall(std::vector<uint32_t>& limbs, uint64_t factor) {
  uint64_t carry = 0;
  for (auto& limb : limbs) {
    uint64_t cur = uint64_t{limb} * factor + carry;
    limb = static_cast<uint32_t>(cur % 1000000000u);
    carry = cur / 1000000000u;
  }
  while (carry != 0) {
    limbs.push_back(static_cast<uint32_t>(carry % 1000000000u));
    carry /= 1000000000u;
  }
}

// Every finite double is an exact finite decimal: m * 2^e with e < 0 equals
// m * 5^-e * 10^e. Exactness matters because Terraform 0.13-1.0 compares
// numbers exactly.
Decimal ExactDecimalFromDouble(double v) {
  Decimal d;
  if (v == 0) return d;
  d.neg = std::signbit(v);
  int e2 = 0;
  double frac = std::frexp(std::fabs(v), &e2);  // v = frac * 2^e2
  auto mant = static_cast<uint64_t>(std::ldexp(frac, 53));
  int e = e2 - 53;
  std::vector<uint32_t> limbs;
  for (uint64_t m = mant; m != 0; m /= 1000000000u) {
    limbs.push_back(static_cast<uint32_t>(m % 1000000000u));
  }
  if (e >= 0) {
    for (; e >= 28; e -= 28) MulSmall(limbs, uint64_t{1} << 28);
    if (e > 0) MulSmall(limbs, uint64_t{1} << e);
  } else {
    d.exp = e;
    int n = -e;
    for (; n >= 13; n -= 13) MulSmall(limbs, 1220703125u);  // 5^13
    uint64_t f = 1;
    for (int i = 0; i < n; ++i) f *= 5;
    if (f != 1) MulSmall(limbs, f);
  }
  std::string out = std::to_string(limbs.back());
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  d.digits = std::move(out);
  Normalise(d);
  return d;
}

// Compares magnitudes of two normalised non-zero decimals.
int CompareMagnitude(const Decimal& a, const Decimal& b) {
  int64_t pa = static_cast<int64_t>(a.digits.size()) + a.exp;
  int64_t pb = static_cast<int64_t>(b.digits.size()) + b.exp;
  if (pa != pb) return pa < pb ? -1 : 1;
  int c = a.digits.compare(b.digits);
  // Without trailing zeros, a strict prefix is the smaller number, which is
  // exactly what lexicographic comparison says.
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareDecimal(const Decimal& a, const Decimal& b) {
  bool za = a.digits.empty(), zb = b.digits.empty();
  if (za && zb) return 0;
  int sa = za ? 0 : (a.neg ? -1 : 1);
  int sb = zb ? 0 : (b.neg ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  int m = CompareMagnitude(a, b);
  return sa < 0 ? -m : m;
}

// JS-like rendering: plain notation for moderate exponents, otherwise
// d.ddde<exp> without a plus sign ("1e300", "1.5e-7").
std::string Render(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string out = d.neg ? "-" : "";
  int64_t n = static_cast<int64_t>(d.digits.size());
  int64_t p = n + d.exp;  // digits before the decimal point
  if (d.exp >= 0 && p <= 21) {
    out += d.digits;
    out.append(static_cast<size_t>(d.exp), '0');
  } else if (p > 0 && p <= 21) {
    out.append(d.digits, 0, static_cast<size_t>(p));
    out += '.';
    out.append(d.digits, static_cast<size_t>(p), std::string::npos);
  } else if (p > -6 && p <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-p), '0');
    out += d.digits;
  } else {
    out += d.digits[0];
    if (n > 1) {
      out += '.';
      out.append(d.digits, 1, std::string::npos);
    }
    absl::StrAppend(&out, "e", p - 1);
  }
  return out;
}

// Shortest decimal digits that round-trip to `v` (finite, non-zero).
Decimal ShortestDecimalFromDouble(double v) {
  char buf[64];
  auto res =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  Decimal d;
  size_t i = 0;
  if (s[i] == '-') {
    d.neg = true;
    ++i;
  }
  for (; i < s.size() && s[i] != 'e'; ++i) {
    if (s[i] != '.') d.digits += s[i];
  }
  int64_t e = std::strtoll(std::string(s.substr(i + 1)).c_str(), nullptr, 10);
  d.exp = e - static_cast<int64_t>(d.digits.size() - 1);
  Normalise(d);
  return d;
}

bool ParseDecimal(std::string_view text, Decimal& out) {
  size_t i = 0;
  out = Decimal();
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    out.neg = text[i] == '-';
    ++i;
  }
  bool any_digit = false;
  int64_t frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      // Leading zeros carry no information; skipping them keeps hostile
      // "0000...1" inputs from growing the digit string.
      if (!(out.digits.empty() && c == '0')) out.digits += c;
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return false;
  int64_t exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      eneg = text[i] == '-';
      ++i;
    }
    bool any_exp = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_exp = true;
      if (exp < 10 * kMaxDecimalExponent) exp = exp * 10 + (text[i] - '0');
    }
    if (!any_exp) return false;
    if (eneg) exp = -exp;
  }
  if (i != text.size()) return false;
  out.exp = exp - frac_digits;
  Normalise(out);
  if (!out.digits.empty()) {
    int64_t p = static_cast<int64_t>(out.digits.size()) + out.exp;
    if (p > kMaxDecimalExponent || p < -kMaxDecimalExponent) return false;
  }
  return true;
}

// Sign and magnitude of a machine integer.
bool IntSign(const Number& n) {
  return n.repr() == Number::Repr::kInt64 && n.int64_value() < 0;
}
uint64_t IntMag(const Number& n) {
  if (n.repr() == Number::Repr::kUint64) return n.uint64_value();
  int64_t i = n.int64_value();
  return i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
}

int CompareIntInt(bool an, uint64_t am, bool bn, uint64_t bm) {
  if (am == 0) an = false;
  if (bm == 0) bn = false;
  if (an != bn) return an ? -1 : 1;
  int m = am < bm ? -1 : (am > bm ? 1 : 0);
  return an ? -m : m;
}

// Sign of (integer - d), exact, for finite d.
int CompareIntDouble(bool neg, uint64_t mag, double d) {
  if (mag == 0) neg = false;
  if (d == 0) return mag == 0 ? 0 : (neg ? -1 : 1);
  bool dneg = d < 0;
  if (neg != dneg && mag != 0) return neg ? -1 : 1;
  if (mag == 0) return dneg ? 1 : -1;
  double a = std::fabs(d);
  int m;
  if (a >= 18446744073709551616.0) {
    m = -1;
  } else {
    auto t = static_cast<uint64_t>(a);
    if (mag != t) {
      m = mag < t ? -1 : 1;
    } else {
      m = std::trunc(a) != a ? -1 : 0;  // a has a fraction beyond mag
    }
  }
  return neg ? -m : m;
}

// Correctly rounded double of a normalised decimal. A double's rounding
// boundaries have at most 767 significant digits, so longer inputs are cut
// to 780 digits plus a sticky 1: same rounding, bounded strtod cost.
double DecimalToDouble(const Decimal& d) {
  if (d.digits.empty()) return d.neg ? -0.0 : 0.0;
  constexpr size_t kKeep = 780;
  std::string s = d.neg ? "-" : "";
  int64_t exp = d.exp;
  if (d.digits.size() > kKeep) {
    s.append(d.digits, 0, kKeep);
    s += '1';
    exp += static_cast<int64_t>(d.digits.size() - kKeep - 1);
  } else {
    s += d.digits;
  }
  absl::StrAppend(&s, "e", exp);
  return std::strtod(s.c_str(), nullptr);
}

// Exact expansions of recently compared doubles. Sorting a hostile set that
// mixes doubles with decimals rounding to them would otherwise redo the
// big-number expansion on every comparison.
const Decimal& CachedExactDecimal(double v) {
  struct Entry {
    bool valid = false;
    uint64_t bits = 0;
    Decimal dec;
  };
  thread_local Entry cache[4];
  thread_local int next = 0;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  for (auto& e : cache) {
    if (e.valid && e.bits == bits) return e.dec;
  }
  Entry& e = cache[next];
  next = (next + 1) % 4;
  e.valid = true;
  e.bits = bits;
  e.dec = ExactDecimalFromDouble(v);
  return e.dec;
}

// Sign of (d - x) for finite d. Rounding is monotonic, so unless x rounds
// to d itself the rounded value already decides.
int CompareDoubleDecimal(double d, const Decimal& x) {
  double xd = DecimalToDouble(x);
  if (xd < d) return 1;
  if (xd > d) return -1;
  return CompareDecimal(CachedExactDecimal(d), x);
}

}  // namespace

Number Number::FromInt64(int64_t v) { return Number(v); }

const std::string& Number::decimal_text() const {
  static const auto* empty = new std::string();
  return dec_ ? dec_->text : *empty;
}

Number Number::FromUint64(uint64_t v) {
  Number n;
  n.repr_ = Repr::kUint64;
  n.u_ = v;
  return n;
}

Number Number::FromDouble(double v) {
  Number n;
  n.repr_ = Repr::kDouble;
  n.d_ = v;
  return n;
}

absl::StatusOr<Number> Number::FromDecimalString(std::string_view text) {
  Decimal d;
  if (!ParseDecimal(text, d)) {
    std::string shown(text.substr(0, 64));
    if (text.size() > 64) shown += "...";
    return absl::InvalidArgumentError(
        absl::StrCat("\"", shown, "\" is not a valid number"));
  }
  Number n;
  n.repr_ = Repr::kDecimal;
  auto rep = std::make_shared<DecimalRep>();
  rep->text = std::string(text);
  rep->neg = d.neg;
  rep->digits = std::move(d.digits);
  rep->exp = d.exp;
  n.dec_ = std::move(rep);
  return n;
}

std::optional<int64_t> Number::ToInt64() const {
  switch (repr_) {
    case Repr::kInt64:
      return i_;
    case Repr::kUint64:
      if (u_ > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<int64_t>(u_);
    case Repr::kDouble:
      // [-2^63, 2^63) is exactly representable at both ends.
      if (!(d_ >= -9223372036854775808.0 && d_ < 9223372036854775808.0) ||
          std::trunc(d_) != d_) {
        return std::nullopt;
      }
      return static_cast<int64_t>(d_);
    case Repr::kDecimal: {
      if (dec_->digits.empty()) return 0;
      if (dec_->exp < 0) return std::nullopt;
      if (static_cast<int64_t>(dec_->digits.size()) + dec_->exp > 19) {
        return std::nullopt;
      }
      uint64_t mag = 0;
      for (char c : dec_->digits)
        mag = mag * 10 + static_cast<uint64_t>(c - '0');
      for (int64_t k = 0; k < dec_->exp; ++k) {
        if (mag > std::numeric_limits<uint64_t>::max() / 10) {
          return std::nullopt;
        }
        mag *= 10;
      }
      if (dec_->neg) {
        if (mag > uint64_t{1} << 63) return std::nullopt;
        return static_cast<int64_t>(0 - mag);
      }
      if (mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<int64_t>(mag);
    }
  }
  return std::nullopt;
}

double Number::ToDouble() const {
  switch (repr_) {
    case Repr::kInt64:
      return static_cast<double>(i_);
    case Repr::kUint64:
      return static_cast<double>(u_);
    case Repr::kDouble:
      return d_;
    case Repr::kDecimal:
      return DecimalToDouble(Decimal{dec_->neg, dec_->digits, dec_->exp});
  }
  return 0;
}

bool Number::IsInteger() const {
  switch (repr_) {
    case Repr::kInt64:
    case Repr::kUint64:
      return true;
    case Repr::kDouble:
      return std::isfinite(d_) && std::trunc(d_) == d_;
    case Repr::kDecimal:
      return dec_->exp >= 0;
  }
  return false;
}

bool Number::IsInfinity() const {
  return repr_ == Repr::kDouble && std::isinf(d_);
}

std::string Number::ToString() const {
  switch (repr_) {
    case Repr::kInt64:
      return std::to_string(i_);
    case Repr::kUint64:
      return std::to_string(u_);
    case Repr::kDouble: {
      if (std::isnan(d_)) return "NaN";
      if (std::isinf(d_)) return d_ > 0 ? "+Inf" : "-Inf";
      if (d_ == 0) return "0";
      // Integral doubles of int64/uint64 size print exactly (2^63 as
      // 9223372036854775808, not 9223372036854776000).
      if (std::trunc(d_) == d_ && std::fabs(d_) < 18446744073709551616.0) {
        return Render(ExactDecimalFromDouble(d_));
      }
      return Render(ShortestDecimalFromDouble(d_));
    }
    case Repr::kDecimal: {
      Decimal d{dec_->neg, dec_->digits, dec_->exp};
      return Render(d);
    }
  }
  return "0";
}

int Number::Compare(const Number& other) const {
  const Number& a = *this;
  const Number& b = other;
  bool a_nan = a.repr_ == Repr::kDouble && std::isnan(a.d_);
  bool b_nan = b.repr_ == Repr::kDouble && std::isnan(b.d_);
  if (a_nan || b_nan) return a_nan == b_nan ? 0 : (a_nan ? 1 : -1);
  // Fast paths for the common machine representations.
  if (a.repr_ == Repr::kInt64 && b.repr_ == Repr::kInt64) {
    return a.i_ < b.i_ ? -1 : (a.i_ > b.i_ ? 1 : 0);
  }
  if (a.repr_ == Repr::kDouble && b.repr_ == Repr::kDouble) {
    return a.d_ < b.d_ ? -1 : (a.d_ > b.d_ ? 1 : 0);
  }
  // Infinities against anything finite.
  if (a.IsInfinity() || b.IsInfinity()) {
    double da = a.IsInfinity() ? a.d_ : 0;
    double db = b.IsInfinity() ? b.d_ : 0;
    return da < db ? -1 : (da > db ? 1 : 0);
  }
  const bool a_int = a.repr_ == Repr::kInt64 || a.repr_ == Repr::kUint64;
  const bool b_int = b.repr_ == Repr::kInt64 || b.repr_ == Repr::kUint64;
  if (a_int && b_int) {
    return CompareIntInt(IntSign(a), IntMag(a), IntSign(b), IntMag(b));
  }
  if (a_int && b.repr_ == Repr::kDouble) {
    return CompareIntDouble(IntSign(a), IntMag(a), b.d_);
  }
  if (a.repr_ == Repr::kDouble && b_int) {
    return -CompareIntDouble(IntSign(b), IntMag(b), a.d_);
  }
  if (a.repr_ == Repr::kDouble) {
    return CompareDoubleDecimal(
        a.d_, Decimal{b.dec_->neg, b.dec_->digits, b.dec_->exp});
  }
  if (b.repr_ == Repr::kDouble) {
    return -CompareDoubleDecimal(
        b.d_, Decimal{a.dec_->neg, a.dec_->digits, a.dec_->exp});
  }
  auto to_decimal = [](const Number& n) -> Decimal {
    switch (n.repr_) {
      case Repr::kInt64:
      case Repr::kUint64:
        return FromUnsigned(IntSign(n), IntMag(n));
      case Repr::kDouble:
        return ExactDecimalFromDouble(n.d_);
      case Repr::kDecimal:
        return Decimal{n.dec_->neg, n.dec_->digits, n.dec_->exp};
    }
    return Decimal();
  };
  return CompareDecimal(to_decimal(a), to_decimal(b));
}

bool Number::operator==(const Number& other) const {
  return Compare(other) == 0;
}
bool Number::operator<(const Number& other) const { return Compare(other) < 0; }

}  // namespace secureaml::tf
