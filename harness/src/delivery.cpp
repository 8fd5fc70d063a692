#include "linespec/harness/delivery.hpp"

#include <sys/ioctl.h>

#include <algorithm>

#include "sock_diag.hpp"

namespace linespec::harness {

namespace {

class NoDelivery final : public Delivery {
 public:
  std::string name() const override { return "none"; }
  void chunk_written(std::size_t) override {}
  Result<bool> consumed() override { return true; }
  std::chrono::microseconds retry_after(int) const override { return std::chrono::microseconds(0); }
};

// Likely, not certain: a server busier than `pause_` may still be behind.
class PauseDelivery final : public Delivery {
 public:
  explicit PauseDelivery(std::chrono::microseconds pause) : pause_(pause) {}
  std::string name() const override {
    auto us = pause_.count();
    return us % 1000 == 0 ? "pause " + std::to_string(us / 1000) + "ms" : "pause " + std::to_string(us) + "us";
  }
  void chunk_written(std::size_t) override { done_at_ = Clock::now() + pause_; }
  Result<bool> consumed() override { return Clock::now() >= done_at_; }
  std::chrono::microseconds retry_after(int) const override {
    auto left = std::chrono::ceil<std::chrono::microseconds>(done_at_ - Clock::now());
    return std::max(left, std::chrono::microseconds(0));
  }

 private:
  std::chrono::microseconds pause_;
  Clock::time_point done_at_{};
};

// Exact for pipes: the bytes still in the pipe are what the child has not read.
class PipeDelivery final : public Delivery {
 public:
  explicit PipeDelivery(Connection& connection) : connection_(connection) {}
  std::string name() const override { return "FIONREAD pipe"; }
  void chunk_written(std::size_t) override {}
  Result<bool> consumed() override {
    int fd = connection_.write_fd();
    if (fd < 0) return true;
    int unread = 0;
    if (::ioctl(fd, FIONREAD, &unread) != 0) {
      return Error{ErrorKind::kIo, "FIONREAD on the stdin pipe of " + connection_.describe() + " failed"};
    }
    return unread == 0;
  }
  std::chrono::microseconds retry_after(int attempt) const override { return diag_backoff(attempt); }

 private:
  Connection& connection_;
};

}  // namespace

std::chrono::microseconds diag_backoff(int attempt) {
  // 20us, 40us, ... up to 5ms: servers usually read within microseconds.
  constexpr long kFirst = 20;
  constexpr long kMax = 5000;
  long us = attempt >= 8 ? kMax : std::min(kMax, kFirst << attempt);
  return std::chrono::microseconds(us);
}

Result<std::unique_ptr<Delivery>> make_delivery(const DeliveryOptions& options, Connection& connection) {
  switch (options.kind) {
    case DeliveryKind::kNone:
      return std::unique_ptr<Delivery>(std::make_unique<NoDelivery>());
    case DeliveryKind::kPause:
      return std::unique_ptr<Delivery>(std::make_unique<PauseDelivery>(options.pause));
    case DeliveryKind::kExact:
    case DeliveryKind::kAuto:
      break;
  }
  Result<std::unique_ptr<Delivery>> exact =
      connection.kind() == Connection::Kind::kPipes
          ? Result<std::unique_ptr<Delivery>>(std::unique_ptr<Delivery>(std::make_unique<PipeDelivery>(connection)))
          : make_sock_diag_delivery(connection);
  if (exact || options.kind == DeliveryKind::kExact) return exact;
  return std::unique_ptr<Delivery>(std::make_unique<PauseDelivery>(options.pause));
}

}  // namespace linespec::harness
