// The harness model and the reference server are written independently from the
// same rules; here each checks the other. Random conversations go through the real
// harness (sessions, exact delivery) to a live reference server, and what comes back
// must be exactly what the model predicts.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <fstream>

#include "linespec/harness/model.hpp"
#include "linespec/harness/process.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::harness {
namespace {

using namespace std::chrono_literals;

rc::Gen<Profile> served_profile() {
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::greeting, rc::gen::element<std::optional<std::string>>(std::string("connect"), std::nullopt)),
      rc::gen::set(&Profile::reply, rc::gen::element(ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream)),
      rc::gen::set(&Profile::terminators,
                   rc::gen::element(Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::element<std::size_t>(0, 1, 4, 1024)),
      rc::gen::set(&Profile::final_fragment, rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop)));
}

// A server for `profile`, started from a profile file in a temp dir.
class ReferenceServer {
 public:
  explicit ReferenceServer(const Profile& profile) {
    char pattern[] = "/tmp/lsr-XXXXXX";
    RC_ASSERT(::mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    std::string file = dir_ + "/profile";
    std::ofstream(file) << print_profile(profile);
    auto server = spawn_server(Command::program({LINESPEC_SERVER, "--listen", "tcp:127.0.0.1:0", "--profile", file}));
    if (!server) RC_FAIL(server.error().message);
    server_.emplace(std::move(*server));
  }
  ~ReferenceServer() {
    server_.reset();
    std::remove((dir_ + "/profile").c_str());
    ::rmdir(dir_.c_str());
  }
  Target target() const { return Target::from_address(server_->address()); }

 private:
  std::string dir_;
  std::optional<SpawnedServer> server_;
};

RC_GTEST_PROP(ModelAgainstReference, EveryConversationGetsWhatTheModelPredicts, ()) {
  Profile profile = *served_profile();
  std::string sent = *rc::gen::container<std::string>(rc::gen::element('a', '\r', '\n', '\0'));
  auto sizes = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 6));
  ReferenceServer server(profile);

  Plan plan;
  append_chunks(plan, sent, sizes);
  plan.push_back(Step::close(CloseMode::kHalfClose));
  SessionOptions options;
  options.inactivity_timeout = 2000ms;
  auto result = run_session(server.target(), plan, options);

  Model model(profile);
  model.feed(sent);
  auto expected = model.expectation(ClientEnd::kHalfClose);
  RC_LOG() << print_profile(profile) << "\n" << result.transcript.to_string();
  RC_ASSERT(result.ending == Ending::kPeerClosed);
  RC_ASSERT(expected.matches(result.received));
}

}  // namespace
}  // namespace linespec::harness
