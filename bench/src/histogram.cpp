#include "linespec/bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace linespec::bench {

std::size_t LatencyHistogram::bucket_index(std::uint64_t value) noexcept {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  // The leading bit picks the power of two, the kSubBucketBits bits below it the sub-bucket.
  int shift = std::bit_width(value) - 1 - kSubBucketBits;
  std::size_t sub = static_cast<std::size_t>(value >> shift) & (kSubBuckets - 1);
  return kSubBuckets + static_cast<std::size_t>(shift) * kSubBuckets + sub;
}

std::uint64_t LatencyHistogram::bucket_lowest(std::size_t index) noexcept {
  if (index < kSubBuckets) return index;
  std::size_t shift = (index - kSubBuckets) / kSubBuckets;
  std::uint64_t sub = (index - kSubBuckets) % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}

std::uint64_t LatencyHistogram::bucket_highest(std::size_t index) noexcept {
  if (index < kSubBuckets) return index;
  std::size_t shift = (index - kSubBuckets) / kSubBuckets;
  return bucket_lowest(index) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

double LatencyHistogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t LatencyHistogram::percentile(double fraction) const noexcept {
  if (count_ == 0) return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_highest(i), max_);
  }
  return max_;
}

}  // namespace linespec::bench
