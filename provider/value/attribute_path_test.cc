#include "provider/value/attribute_path.h"

#include "gtest/gtest.h"
#include "provider/value/diagnostics.h"

namespace secureaml::tf {
namespace {

TEST(AttributePathTest, ToStringIsHclLike) {
  EXPECT_EQ(AttributePath().ToString(), "");
  EXPECT_EQ(AttributePath::Root("a").ToString(), "a");
  EXPECT_EQ(AttributePath::Root("a").Attr("b").Key("k").Index(0).ToString(),
            "a.b[\"k\"][0]");
  EXPECT_EQ(AttributePath().Key("x\"y").ToString(), "[\"x\\\"y\"]");
  EXPECT_EQ(AttributePath::Root("list").Index(3).Attr("name").ToString(),
            "list[3].name");
}

TEST(AttributePathTest, EqualityAndOrder) {
  auto a = AttributePath::Root("a").Index(1);
  auto b = AttributePath::Root("a").Index(2);
  EXPECT_EQ(a, AttributePath::Root("a").Index(1));
  EXPECT_NE(a, b);
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_TRUE(AttributePath::Root("a") < a);
  EXPECT_FALSE(a < a);
}

TEST(DiagnosticsTest, CollectsAndFormats) {
  Diagnostics d;
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.HasError());
  d.AddWarning("careful");
  EXPECT_FALSE(d.HasError());
  d.AddAttributeError(AttributePath::Root("subnet_id"), "Invalid subnet ID",
                      "Expected /subscriptions/.../subnets/NAME.");
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.ToString(),
            "Warning: careful\nError: Invalid subnet ID (at subnet_id): "
            "Expected /subscriptions/.../subnets/NAME.");
  Diagnostics other;
  other.AddError("x");
  other.AddAttributeWarning(AttributePath::Root("y"), "w");
  d.Append(other);
  EXPECT_EQ(d.size(), 4u);
  int n = 0;
  for (const auto& item : d) n += item.attribute.has_value();
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace secureaml::tf
