#include "provider/value/attribute_path.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace secureaml::tf
