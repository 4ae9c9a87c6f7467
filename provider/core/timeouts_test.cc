#include "provider/core/timeouts.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core {
namespace {

using tf::Value;

struct DurationCase {
  std::string text;
  bool ok;
  absl::Duration want;
};

TEST(ParseGoDurationTest, Table) {
  const DurationCase cases[] = {
      {"1h30m", true, absl::Minutes(90)},
      {"45s", true, absl::Seconds(45)},
      {"30m", true, absl::Minutes(30)},
      {"1.5h", true, absl::Minutes(90)},
      {"2h3m4s", true, absl::Hours(2) + absl::Minutes(3) + absl::Seconds(4)},
      {"500ms", true, absl::Milliseconds(500)},
      {"+5m", true, absl::Minutes(5)},
      {"0", true, absl::ZeroDuration()},
      {"-1m", false, {}},
      {"abc", false, {}},
      {"", false, {}},
      {"10", false, {}},
      {"10d", false, {}},
      {"m", false, {}},
      {"1h-5m", false, {}},
      {"99999999999999999999h", false, {}},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<absl::Duration> got = ParseGoDuration(c.text);
    EXPECT_EQ(got.ok(), c.ok) << got.status();
    if (c.ok && got.ok()) {
      EXPECT_EQ(*got, c.want);
    }
  }
}

tf::Schema SchemaWithTimeouts() {
  tf::Schema s;
  s.block.description = "Test resource.";
  s.block.attributes = {
      tf::Attribute::Required("name", tf::Type::String(), "Name.")};
  s.block.blocks = {TimeoutsBlock(DefaultTimeouts{})};
  return s;
}

Value WithTimeouts(const tf::Schema& s, std::map<std::string, Value> t) {
  const tf::NestedBlock* nb = s.block.FindBlock("timeouts");
  return Value::Object(
      s.ImpliedType(),
      {{"name", Value::String("x")},
       {"timeouts", Value::Object(nb->ImpliedType(), std::move(t))}});
}

TEST(TimeoutsBlockTest, ShapeAndDefaultsInDescriptions) {
  tf::NestedBlock nb = TimeoutsBlock(DefaultTimeouts{});
  EXPECT_EQ(nb.type_name, "timeouts");
  EXPECT_EQ(nb.nesting, tf::Nesting::kSingle);
  ASSERT_EQ(nb.block.attributes.size(), 4u);
  for (const tf::Attribute& a : nb.block.attributes) {
    EXPECT_TRUE(a.IsOptional()) << a.name;
    EXPECT_FALSE(a.IsComputed()) << a.name;
  }
  EXPECT_THAT(nb.block.FindAttribute("create")->description,
              testing::HasSubstr("30m"));
  tf::Schema s = SchemaWithTimeouts();
  absl::Status st = tf::ValidateSchema(s);
  EXPECT_TRUE(st.ok()) << st;
}

TEST(TimeoutForTest, UsesConfiguredValueOrDefault) {
  tf::Schema s = SchemaWithTimeouts();
  DefaultTimeouts d;
  d.read = absl::Minutes(7);
  Value v = WithTimeouts(s, {{"create", Value::String("1h30m")},
                             {"delete", Value::String("bogus")},
                             {"update", Value::String("0s")}});
  EXPECT_EQ(TimeoutFor(v, Operation::kCreate, d), absl::Minutes(90));
  EXPECT_EQ(TimeoutFor(v, Operation::kRead, d), absl::Minutes(7));
  EXPECT_EQ(TimeoutFor(v, Operation::kDelete, d), d.del);     // invalid
  EXPECT_EQ(TimeoutFor(v, Operation::kUpdate, d), d.update);  // zero
  EXPECT_EQ(TimeoutFor(Value::Null(s.ImpliedType()), Operation::kCreate, d),
            d.create);
  Value unknown = Value::Object(
      s.ImpliedType(),
      {{"timeouts",
        Value::Unknown(s.block.FindBlock("timeouts")->ImpliedType())}});
  EXPECT_EQ(TimeoutFor(unknown, Operation::kCreate, d), d.create);
}

TEST(ValidateTimeoutsTest, ReportsPaths) {
  tf::Schema s = SchemaWithTimeouts();
  Value v = WithTimeouts(s, {{"create", Value::String("-1m")},
                             {"read", Value::String("abc")},
                             {"update", Value::String("45s")},
                             {"delete", Value::Unknown(tf::Type::String())}});
  tf::Diagnostics d;
  ValidateTimeouts(v, d);
  ASSERT_EQ(d.size(), 2u) << d.ToString();
  EXPECT_EQ(d.items()[0].attribute->ToString(), "timeouts.create");
  EXPECT_EQ(d.items()[1].attribute->ToString(), "timeouts.read");
  EXPECT_THAT(d.items()[1].detail, testing::HasSubstr("\"abc\""));

  tf::Diagnostics none;
  ValidateTimeouts(WithTimeouts(s, {}), none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace secureaml::core
