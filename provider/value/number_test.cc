#include "provider/value/number.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace secureaml::tf {

void PrintTo(const Number& n, std::ostream* os) {
  *os << n.ToString() << " (repr " << static_cast<int>(n.repr()) << ")";
}

namespace {

Number Dec(const char* s) {
  auto n = Number::FromDecimalString(s);
  EXPECT_TRUE(n.ok()) << s << ": " << n.status();
  return n.ok() ? *n : Number();
}

TEST(NumberTest, EqualityAcrossRepresentations) {
  EXPECT_EQ(Number::FromInt64(1), Number::FromDouble(1.0));
  EXPECT_EQ(Number::FromInt64(1), Dec("1.00"));
  EXPECT_EQ(Number::FromUint64(1), Dec("1e0"));
  EXPECT_EQ(Dec("100"), Dec("1e2"));
  EXPECT_EQ(Dec("0.5"), Number::FromDouble(0.5));
  EXPECT_EQ(Number::FromInt64(-3), Dec("-3.000"));
  EXPECT_EQ(Number::FromDouble(-0.0), Number::FromInt64(0));
  EXPECT_EQ(Dec("-0"), Dec("0.000"));
}

TEST(NumberTest, DecimalTenthIsNotDoubleTenth) {
  // float64 0.1 is 0.1000000000000000055511151231257827...; Terraform 0.13
  // to 1.0 compares exactly.
  EXPECT_NE(Dec("0.1"), Number::FromDouble(0.1));
  EXPECT_EQ(Dec("0.1000000000000000055511151231257827021181583404541015625"),
            Number::FromDouble(0.1));
  EXPECT_TRUE(Dec("0.1") < Number::FromDouble(0.1));
}

TEST(NumberTest, BigIntegers) {
  Number two63 = Number::FromDouble(9223372036854775808.0);
  EXPECT_EQ(two63, Number::FromUint64(uint64_t{1} << 63));
  EXPECT_EQ(two63, Dec("9223372036854775808"));
  EXPECT_NE(two63, Number::FromInt64(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(two63.ToString(), "9223372036854775808");
  EXPECT_FALSE(two63.ToInt64().has_value());
  EXPECT_EQ(Number::FromDouble(-9223372036854775808.0).ToInt64(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Number::FromUint64(std::numeric_limits<uint64_t>::max()).ToString(),
            "18446744073709551615");
  EXPECT_TRUE(Number::FromInt64(std::numeric_limits<int64_t>::max()) <
              Number::FromUint64(uint64_t{1} << 63));
  EXPECT_TRUE(Number::FromInt64(-1) < Number::FromUint64(0));
}

TEST(NumberTest, ToString) {
  EXPECT_EQ(Dec("0.1").ToString(), "0.1");
  EXPECT_EQ(Dec("1.00").ToString(), "1");
  EXPECT_EQ(Dec("-12.3400").ToString(), "-12.34");
  EXPECT_EQ(Dec("1e300").ToString(), "1e300");
  EXPECT_EQ(Dec("1.5e-7").ToString(), "1.5e-7");
  EXPECT_EQ(Dec("0.000001").ToString(), "0.000001");
  EXPECT_EQ(Number::FromDouble(1e300).ToString(), "1e300");
  EXPECT_EQ(Number::FromDouble(0.1).ToString(), "0.1");
  EXPECT_EQ(Number::FromDouble(-2.5).ToString(), "-2.5");
  EXPECT_EQ(Number::FromDouble(-0.0).ToString(), "0");
  EXPECT_EQ(Number::FromDouble(INFINITY).ToString(), "+Inf");
  EXPECT_EQ(Number::FromDouble(-INFINITY).ToString(), "-Inf");
  EXPECT_EQ(Number::FromInt64(-42).ToString(), "-42");
}

TEST(NumberTest, PreservesRepresentation) {
  Number d = Dec("0.10");
  EXPECT_EQ(d.repr(), Number::Repr::kDecimal);
  EXPECT_EQ(d.decimal_text(), "0.10");
  EXPECT_EQ(Number::FromDouble(1.5).repr(), Number::Repr::kDouble);
  EXPECT_EQ(Number::FromUint64(7).repr(), Number::Repr::kUint64);
}

TEST(NumberTest, ToInt64AndDouble) {
  EXPECT_EQ(Dec("42").ToInt64(), 42);
  EXPECT_EQ(Dec("4.2e1").ToInt64(), 42);
  EXPECT_EQ(Dec("-9223372036854775808").ToInt64(),
            std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(Dec("9223372036854775808").ToInt64().has_value());
  EXPECT_FALSE(Dec("1.5").ToInt64().has_value());
  EXPECT_FALSE(Number::FromDouble(1.5).ToInt64().has_value());
  EXPECT_EQ(Number::FromDouble(3.0).ToInt64(), 3);
  EXPECT_DOUBLE_EQ(Dec("0.1").ToDouble(), 0.1);
  EXPECT_DOUBLE_EQ(Dec("1e300").ToDouble(), 1e300);
  EXPECT_EQ(Number::FromUint64(10).ToDouble(), 10.0);
}

TEST(NumberTest, BigDecimals) {
  Number big =
      Dec("123456789012345678901234567890.123456789012345678901234567890");
  // More than 21 integer digits switch to exponent form.
  EXPECT_EQ(big.ToString(),
            "1.2345678901234567890123456789012345678901234567890123456789e29");
  EXPECT_EQ(Dec("123456.789").ToString(), "123456.789");
  EXPECT_TRUE(Number::FromDouble(1.2345678901234568e29) != big);
  EXPECT_TRUE(Dec("1e-400") < Dec("2e-400"));
  EXPECT_TRUE(Dec("-1e400") < Dec("1e-400"));
  EXPECT_TRUE(Number::FromDouble(-INFINITY) < Dec("-1e400"));
  EXPECT_TRUE(Dec("1e400") < Number::FromDouble(INFINITY));
  EXPECT_EQ(Number::FromDouble(INFINITY), Number::FromDouble(INFINITY));
}

TEST(NumberTest, SubnormalExact) {
  double tiny = std::numeric_limits<double>::denorm_min();
  Number n = Number::FromDouble(tiny);
  EXPECT_EQ(n.ToString(), "5e-324");
  EXPECT_TRUE(Dec("4.9e-324") < n);
  EXPECT_TRUE(n < Dec("4.95e-324"));
}

TEST(NumberTest, RejectsBadText) {
  for (const char* bad : {"", "-", ".", "1e", "1e+", "abc", "1.2.3", "NaN",
                          "Inf", "1 ", " 1", "0x10", "1e999999999999"}) {
    EXPECT_FALSE(Number::FromDecimalString(bad).ok()) << bad;
  }
  EXPECT_TRUE(Number::FromDecimalString("+5").ok());
  EXPECT_TRUE(Number::FromDecimalString(".5").ok());
  EXPECT_TRUE(Number::FromDecimalString("5.").ok());
  // Zero with an absurd exponent is still zero, not an error.
  EXPECT_TRUE(Number::FromDecimalString("0e999999999999").ok());
}

std::string ExactText(double d) {
  // glibc prints the exact binary value when asked for enough digits.
  char buf[1200];
  std::snprintf(buf, sizeof(buf), "%.1100e", d);
  return buf;
}

TEST(NumberTest, FastPathsAgreeWithExactComparison) {
  std::mt19937_64 rng(42);
  std::vector<double> doubles = {0.0,
                                 -0.0,
                                 1.0,
                                 -1.0,
                                 0.5,
                                 9007199254740992.0,  // 2^53
                                 9007199254740993.0,
                                 9223372036854775808.0,   // 2^63
                                 -9223372036854775808.0,  // -2^63
                                 18446744073709551616.0,  // 2^64
                                 1e300,
                                 -1e-300,
                                 std::numeric_limits<double>::denorm_min(),
                                 std::numeric_limits<double>::max()};
  for (int i = 0; i < 200; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isfinite(d)) doubles.push_back(d);
  }
  for (double d : doubles) {
    Number exact = Dec(ExactText(d).c_str());
    EXPECT_EQ(Number::FromDouble(d), exact) << ExactText(d);
    double up = std::nextafter(d, INFINITY);
    double down = std::nextafter(d, -INFINITY);
    EXPECT_TRUE(Number::FromDouble(down) < exact);
    EXPECT_TRUE(exact < Number::FromDouble(up));
    // Halfway points and their neighbours are not equal to d.
    std::string more = ExactText(d);
    more.insert(more.find('e'), "1");
    EXPECT_NE(Dec(more.c_str()), Number::FromDouble(d)) << more;
  }
  std::vector<int64_t> ints = {0,
                               1,
                               -1,
                               9007199254740993,
                               std::numeric_limits<int64_t>::max(),
                               std::numeric_limits<int64_t>::min()};
  for (int64_t i : ints) {
    Number n = Number::FromInt64(i);
    Number as_dec = Dec(std::to_string(i).c_str());
    for (double d : doubles) {
      Number nd = Number::FromDouble(d);
      Number ed = Dec(ExactText(d).c_str());
      EXPECT_EQ(n.Compare(nd), as_dec.Compare(ed)) << i << " vs " << d;
      EXPECT_EQ(nd.Compare(n), ed.Compare(as_dec)) << d << " vs " << i;
    }
  }
  Number umax = Number::FromUint64(std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(umax < Number::FromDouble(18446744073709551616.0));
  EXPECT_TRUE(Number::FromDouble(18446744073709549568.0) < umax);
}

TEST(NumberTest, LongDecimalsRoundCorrectly) {
  // 0.1 followed by 2000 zeros and a 1 rounds to the double 0.1.
  std::string s = "0.1" + std::string(2000, '0') + "1";
  EXPECT_EQ(Dec(s.c_str()).ToDouble(), 0.1);
  EXPECT_TRUE(Dec(s.c_str()) < Number::FromDouble(0.1));
}

}  // namespace
}  // namespace secureaml::tf
