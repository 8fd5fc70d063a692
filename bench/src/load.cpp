#include "linespec/bench/load.hpp"

#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <thread>

#include "linespec/protocol/profile_file.hpp"
#include "load_worker.hpp"

namespace linespec::bench {
namespace {

constexpr std::size_t kMaxConnections = 1'000'000;
constexpr std::size_t kMaxRecordSize = 16 * 1024 * 1024;
constexpr std::size_t kMaxInFlight = 16 * 1024 * 1024;  // records, each with an 8-byte send time
constexpr std::size_t kSpareDescriptors = 32;  // stdio, epoll fds, whatever the caller holds

Result<std::chrono::milliseconds> to_millis(double seconds, std::string_view flag, bool zero_ok) {
  if (!std::isfinite(seconds) || seconds < 0 || (!zero_ok && seconds == 0) || seconds > 86400) {
    return usage_error(std::string(flag) + " must be " + (zero_ok ? "between 0" : "more than 0") +
                       " and 86400 seconds");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

Result<PeerAddress> resolve(const Address& target) {
  PeerAddress peer;
  if (target.kind == Address::Kind::kUnix) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (target.path.empty() || target.path.size() >= sizeof sa.sun_path) {
      return usage_error("unix socket path is empty or too long: " + target.path);
    }
    std::memcpy(sa.sun_path, target.path.c_str(), target.path.size() + 1);
    std::memcpy(&peer.storage, &sa, sizeof sa);
    peer.length = sizeof sa;
    return peer;
  }
  if (target.port == 0) return usage_error("target " + target.to_string() + " has port 0");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target.port);
  if (int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error{ErrorKind::kUnreachable, "cannot resolve " + target.host + ": " + gai_strerror(rc)};
  }
  std::memcpy(&peer.storage, found->ai_addr, found->ai_addrlen);
  peer.length = static_cast<socklen_t>(found->ai_addrlen);
  freeaddrinfo(found);
  return peer;
}

// Raises the soft open-file limit to the hard limit when the connections need more.
Status ensure_descriptors(std::size_t connections, std::vector<std::string>& notes) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return Status();
  const rlim_t needed = static_cast<rlim_t>(connections + kSpareDescriptors);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= needed) return Status();
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return usage_error(std::to_string(connections) + " connections need about " + std::to_string(needed) +
                       " file descriptors but the hard limit (ulimit -Hn) is " + std::to_string(limit.rlim_max) +
                       "; raise it or ask for fewer connections");
  }
  rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return usage_error("cannot raise the open-file limit to " + std::to_string(limit.rlim_cur) + ": " +
                       std::strerror(errno));
  }
  notes.push_back("raised the open-file soft limit from " + std::to_string(before) + " to " +
                  (limit.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(limit.rlim_cur)) +
                  " for " + std::to_string(connections) + " connections");
  return Status();
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string seconds_text(std::chrono::milliseconds ms) {
  std::string s = std::to_string(static_cast<double>(ms.count()) / 1000.0);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s + " s";
}

}  // namespace

Result<BenchConfig> make_bench_config(const BenchOptions& options) {
  BenchConfig config;
  auto target = parse_address(options.target);
  if (!target) return usage_error(target.error().message);
  config.target = std::move(*target);
  auto profile = load_profile(options.profile);
  if (!profile) return usage_error(profile.error().message);
  config.profile = std::move(*profile);
  if (options.connections < 1 || options.connections > kMaxConnections) {
    return usage_error("--connections must be between 1 and " + std::to_string(kMaxConnections));
  }
  if (options.depth > kMaxInFlight / options.connections) {
    return usage_error("--connections x --depth must be at most " + std::to_string(kMaxInFlight) + " records in flight");
  }
  if (options.record_size < 1 || options.record_size > kMaxRecordSize) {
    return usage_error("--record-size must be between 1 and " + std::to_string(kMaxRecordSize) + " bytes");
  }
  const Profile& p = config.profile;
  if (p.reply != ReplyKind::kStream && p.max_record > 0 && options.record_size > p.max_record) {
    return usage_error("--record-size " + std::to_string(options.record_size) + " is over the profile's max record " +
                       std::to_string(p.max_record) + ": the server would split each record");
  }
  if (p.capacity && options.connections > *p.capacity) {
    return usage_error("--connections " + std::to_string(options.connections) + " is over the profile's capacity " +
                       std::to_string(*p.capacity) + ": the server would refuse the rest");
  }
  config.connections = options.connections;
  config.depth = options.depth;
  config.record_size = options.record_size;
  config.threads = options.threads;
  auto duration = to_millis(options.seconds, "--seconds", false);
  if (!duration) return duration.error();
  auto warmup = to_millis(options.warmup, "--warmup", true);
  if (!warmup) return warmup.error();
  if (options.timeout_ms < 1 || options.timeout_ms > 3'600'000) return usage_error("--timeout must be 1 to 3600000 ms");
  config.duration = *duration;
  config.warmup = *warmup;
  config.timeout = std::chrono::milliseconds(options.timeout_ms);
  return config;
}

Result<BenchReport> run_bench(const BenchConfig& config) {
  BenchReport report;
  report.target = config.target.to_string();
  report.profile = config.profile.name;
  report.connections = config.connections;
  report.depth = config.depth;
  report.record_size = config.record_size;
  auto notice = [&config](const std::string& line) {
    if (config.on_notice) config.on_notice(line);
  };
  if (config.connections == 0) return usage_error("no connections asked for");

  auto peer = resolve(config.target);
  if (!peer) return peer.error();
  if (auto fds = ensure_descriptors(config.connections, report.notes); !fds) return fds.error();
  for (const std::string& note : report.notes) notice(note);

  std::size_t threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, config.connections);
  report.threads = threads;
  const RecordStream stream(config.profile, config.record_size);
  RunControl control;
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    std::vector<std::uint32_t> ids;
    for (std::size_t id = t; id < config.connections; id += threads) ids.push_back(static_cast<std::uint32_t>(id));
    workers.push_back(std::make_unique<LoadWorker>(config, stream, *peer, std::move(ids), control));
  }
  std::vector<std::thread> running;
  for (auto& w : workers) running.emplace_back([worker = w.get()] { worker->run(); });

  {
    std::unique_lock lock(control.mutex);
    control.changed.wait(lock, [&] { return control.workers_open == threads || control.failed; });
    if (!control.failed) {
      control.measure_from = Clock::now() + config.warmup;
      control.measure_until = control.measure_from + config.duration;
      control.started = true;
    } else {
      control.aborted = true;
    }
    control.changed.notify_all();
  }
  if (control.started) {
    notice(std::to_string(config.connections) + (config.connections == 1 ? " connection open" : " connections open"));
    notice(config.depth == 0 ? "holding them idle for " + seconds_text(config.warmup + config.duration)
                             : "measuring for " + seconds_text(config.duration) + " after " +
                                   seconds_text(config.warmup) + " of warmup");
    // The generator's own CPU time over the window: how close it is to being the bottleneck.
    std::unique_lock lock(control.mutex);
    auto failed = [&] { return control.failed.load(); };
    if (!control.changed.wait_until(lock, control.measure_from, failed)) {
      double from = process_cpu_seconds();
      if (!control.changed.wait_until(lock, control.measure_until, failed)) {
        report.cpu_seconds = process_cpu_seconds() - from;
      }
    }
  }
  for (auto& t : running) t.join();
  if (control.first_error) return *control.first_error;

  LatencyHistogram latency;
  for (const auto& w : workers) {
    latency.merge(w->latency());
    report.records += w->records();
    report.bytes_sent += w->bytes_sent();
    report.bytes_received += w->bytes_received();
  }
  report.seconds = std::chrono::duration<double>(config.duration).count();
  report.records_per_second = static_cast<double>(report.records) / report.seconds;
  report.sent_bytes_per_second = static_cast<double>(report.bytes_sent) / report.seconds;
  report.received_bytes_per_second = static_cast<double>(report.bytes_received) / report.seconds;
  report.latency.count = latency.count();
  report.latency.p50 = latency.percentile(0.50);
  report.latency.p90 = latency.percentile(0.90);
  report.latency.p99 = latency.percentile(0.99);
  report.latency.p999 = latency.percentile(0.999);
  report.latency.max = latency.max();
  report.latency.mean = latency.mean();
  if (config.depth > 0 && report.records == 0) {
    return Error{ErrorKind::kTimeout, "no record was answered in the measured " + seconds_text(config.duration)};
  }
  return report;
}

}  // namespace linespec::bench
