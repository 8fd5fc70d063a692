// LatencyHistogram: counts of nanosecond values in logarithmic buckets, HdrHistogram-style:
// values below 16 exactly, above that 16 sub-buckets per power of two (relative error at most
// 1/16). Fixed size, no allocation on record(). Not thread-safe: each load thread owns one and
// merge() adds them up after the threads have joined.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace linespec::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 4;
  static constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBucketBits;
  static constexpr std::size_t kBuckets = kSubBuckets + (64 - kSubBucketBits) * kSubBuckets;

  void record(std::uint64_t value) noexcept {
    ++counts_[bucket_index(value)];
    ++count_;
    sum_ += value;
    if (value > max_) max_ = value;
    if (value < min_) min_ = value;
  }
  void merge(const LatencyHistogram& other) noexcept;
  void clear() noexcept { *this = LatencyHistogram(); }

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t max() const noexcept { return max_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  double mean() const noexcept;
  // The highest value of the bucket that holds the sample at rank ceil(fraction * count), at
  // most max(); 0 when empty. fraction in [0, 1].
  std::uint64_t percentile(double fraction) const noexcept;

  static std::size_t bucket_index(std::uint64_t value) noexcept;
  static std::uint64_t bucket_lowest(std::size_t index) noexcept;
  static std::uint64_t bucket_highest(std::size_t index) noexcept;

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
};

}  // namespace linespec::bench
