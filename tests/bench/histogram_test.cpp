#include <gtest/gtest.h>

#include <cstdint>

#include "linespec/bench/histogram.hpp"

namespace linespec::bench {
namespace {

TEST(LatencyHistogram, BucketsTileTheValuesWithoutGapsOrOverlap) {
  for (std::size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    ASSERT_EQ(LatencyHistogram::bucket_highest(i) + 1, LatencyHistogram::bucket_lowest(i + 1)) << "bucket " << i;
    ASSERT_EQ(LatencyHistogram::bucket_index(LatencyHistogram::bucket_lowest(i)), i);
    ASSERT_EQ(LatencyHistogram::bucket_index(LatencyHistogram::bucket_highest(i)), i);
  }
  EXPECT_EQ(LatencyHistogram::bucket_index(UINT64_MAX), LatencyHistogram::kBuckets - 1);
  EXPECT_EQ(LatencyHistogram::bucket_highest(LatencyHistogram::kBuckets - 1), UINT64_MAX);
}

TEST(LatencyHistogram, BucketWidthIsAtMostOneSixteenthOfItsValues) {
  for (std::size_t i = LatencyHistogram::kSubBuckets; i < LatencyHistogram::kBuckets; ++i) {
    std::uint64_t low = LatencyHistogram::bucket_lowest(i);
    std::uint64_t width = LatencyHistogram::bucket_highest(i) - low + 1;
    ASSERT_LE(width * 16, low) << "bucket " << i;
  }
}

TEST(LatencyHistogram, PercentilesOfAUniformRunAreWithinTheBucketError) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_EQ(h.max(), 100000000u);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    double exact = q * 100000 * 1000;
    double got = static_cast<double>(h.percentile(q));
    EXPECT_GE(got, exact) << q;  // the bucket's highest value: never optimistic
    EXPECT_LE(got, exact * (1 + 1.0 / 16)) << q;
  }
  EXPECT_EQ(h.percentile(1.0), h.max());
  EXPECT_NEAR(h.mean(), 50000.5 * 1000, 1);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsExtremes) {
  LatencyHistogram a, b;
  a.record(10);
  a.record(20);
  b.record(5);
  b.record(1'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.min(), 5u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_EQ(a.percentile(0.5), 10u);  // values below 16 have exact buckets
  LatencyHistogram empty;
  EXPECT_EQ(empty.percentile(0.99), 0u);
  EXPECT_EQ(empty.min(), 0u);
}

}  // namespace
}  // namespace linespec::bench
