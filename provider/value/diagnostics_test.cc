#include "provider/value/diagnostics.h"

#include "gtest/gtest.h"

namespace secureaml::tf {
namespace {

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

TEST(DiagnosticsTest, PathlessAndEmptyPath) {
  Diagnostics d;
  d.AddAttributeError(AttributePath(), "whole object");
  EXPECT_EQ(d.ToString(), "Error: whole object");
  EXPECT_TRUE(d.items()[0].attribute.has_value());
}

}  // namespace
}  // namespace secureaml::tf
