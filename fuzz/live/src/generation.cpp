// The generators of conversations, and the one place that drives rapidcheck's
// generators, random source and shrink trees directly (see conversation_source.hpp).
#include <rapidcheck.h>

#include <utility>
#include <vector>

#include "linespec/live_fuzz/conversation_source.hpp"
#include "linespec/live_fuzz/generators.hpp"

namespace linespec::live_fuzz {

namespace {

using harness::ClientEnd;

// One of `options`, drawn by weight whatever the size, shrinking towards the first.
template <class T>
rc::Gen<T> choice(std::vector<std::pair<std::size_t, T>> options) {
  std::size_t total = 0;
  for (const auto& option : options) total += option.first;
  return rc::gen::resize(rc::kNominalSize,
                         rc::gen::map(rc::gen::inRange<std::size_t>(0, total), [options](std::size_t x) {
                           for (const auto& [weight, value] : options) {
                             if (x < weight) return value;
                             x -= weight;
                           }
                           return options.back().second;
                         }));
}

// A number in [low, high] whatever the size, shrinking towards `low`.
rc::Gen<std::size_t> between(std::size_t low, std::size_t high) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(low, high + 1));
}

// Lengths around the record limit, shrinking towards 1 by halving the distance, so
// that a failure at a wrong limit shrinks to the first length that shows it.
rc::Gen<std::size_t> near_limit_length(std::size_t limit) {
  std::vector<std::size_t> lengths;
  for (std::size_t length : {limit - 1, limit, limit + 1, 2 * limit, 2 * limit + 1}) {
    if (length >= 1 && (lengths.empty() || lengths.back() != length)) lengths.push_back(length);
  }
  return [lengths](const rc::Random& random, int /*size*/) {
    std::size_t value = lengths[rc::Random(random).next() % lengths.size()];
    return rc::shrinkable::shrinkRecur(value, [](std::size_t x) { return rc::shrink::towards<std::size_t>(x, 1); });
  };
}

rc::Gen<std::string> terminator() {
  return choice<std::string>({{4, "\n"}, {2, "\r"}, {2, "\r\n"}, {2, ""}, {1, "\n\r"}});
}

// Text, spaces, digits, tabs, NUL and bytes with the high bit set.
rc::Gen<char> content_byte() {
  return choice<char>({{4, 'a'}, {2, 'b'}, {1, ' '}, {1, '0'}, {1, '\t'}, {1, '\0'}, {1, '\x80'}, {1, '\xff'}});
}

rc::Gen<std::string> short_record() {
  return rc::gen::apply([](const std::string& content, const std::string& end) { return content + end; },
                        rc::gen::container<std::string>(content_byte()), terminator());
}

// Empty records and runs of CR and LF in the orders that tell the terminator modes apart.
rc::Gen<std::string> terminator_run() {
  return choice<std::string>(
      {{1, "\n"}, {1, "\r"}, {1, "\r\n"}, {1, "\n\r"}, {1, "\r\r\n"}, {1, "\r\n\r\n"}, {1, "\n\n"}, {1, "\r\r"}});
}

rc::Gen<std::string> long_record(std::size_t limit) {
  return rc::gen::apply(
      [](std::size_t length, char byte, const std::string& end) { return std::string(length, byte) + end; },
      near_limit_length(limit), choice<char>({{4, 'A'}, {1, '\0'}, {1, '\xff'}}), terminator());
}

rc::Gen<std::size_t> chunk_size(std::size_t limit) {
  return rc::gen::join(choice<rc::Gen<std::size_t>>({{3, between(1, 8)}, {1, between(1, 2 * limit + 2)}}));
}

rc::Gen<ClientEnd> client_end() {
  return choice<ClientEnd>(
      {{4, ClientEnd::kHalfClose}, {2, ClientEnd::kStaysOpen}, {1, ClientEnd::kFullClose}, {1, ClientEnd::kReset}});
}

rc::Gen<ConnectionPlan> connection_plan(const Profile& profile) {
  // Up to about ten records of up to about ten bytes, and about ten cuts, at full size.
  constexpr double kScale = 0.1;
  const std::size_t limit = limit_length(profile);
  return rc::gen::apply(
      [](std::vector<std::string> records, std::vector<std::size_t> chunks, ClientEnd end) {
        return ConnectionPlan{std::move(records), std::move(chunks), end};
      },
      rc::gen::scale(kScale, rc::gen::container<std::vector<std::string>>(record(profile))),
      rc::gen::scale(kScale, rc::gen::container<std::vector<std::size_t>>(chunk_size(limit))), client_end());
}

// 1 to `most` connections, as many of each count whatever the size. Shrinks by
// removing any of them (never the last one), then by shrinking each, so that the one
// connection that shows a failure is what remains of several.
rc::Gen<std::vector<ConnectionPlan>> connection_plans(const Profile& profile, std::size_t most) {
  using Plans = std::vector<rc::Shrinkable<ConnectionPlan>>;
  rc::Gen<ConnectionPlan> plan = connection_plan(profile);
  return [plan, most](const rc::Random& random, int size) {
    rc::Random r(random);
    const std::size_t count = 1 + static_cast<std::size_t>(r.split().next() % most);
    Plans plans;
    for (std::size_t i = 0; i < count; ++i) plans.push_back(plan(r.split(), size));
    auto tree = rc::shrinkable::shrinkRecur(std::move(plans), [](const Plans& current) {
      return rc::seq::concat(
          rc::seq::filter(rc::shrink::removeChunks(current), [](const Plans& fewer) { return !fewer.empty(); }),
          rc::shrink::eachElement(current, [](const rc::Shrinkable<ConnectionPlan>& s) { return s.shrinks(); }));
    });
    return rc::shrinkable::map(std::move(tree), [](const Plans& current) {
      std::vector<ConnectionPlan> values;
      values.reserve(current.size());
      for (const auto& s : current) values.push_back(s.value());
      return values;
    });
  };
}

}  // namespace

std::size_t limit_length(const Profile& profile) { return profile.max_record > 0 ? profile.max_record : 1024; }

rc::Gen<std::string> record(const Profile& profile) {
  return rc::gen::join(choice<rc::Gen<std::string>>(
      {{6, short_record()}, {2, terminator_run()}, {1, long_record(limit_length(profile))}}));
}

rc::Gen<Conversation> conversation(const Profile& profile, std::size_t max_connections) {
  const std::size_t most = max_connections == 0 ? 1 : max_connections;
  constexpr double kScheduleScale = 0.3;  // up to about 30 interleaved steps at full size
  return rc::gen::apply(
      [](std::vector<ConnectionPlan> connections, std::vector<std::size_t> schedule) {
        Conversation c{std::move(connections), {}};
        if (c.connections.size() > 1) c.schedule = std::move(schedule);
        return c;
      },
      connection_plans(profile, most),
      rc::gen::scale(kScheduleScale, rc::gen::container<std::vector<std::size_t>>(between(0, most - 1))));
}

// --- drawing and shrinking --------------------------------------------------------

struct DrawnConversation::Tree {
  rc::Shrinkable<Conversation> shrinkable;
  Conversation value;  // computed once: a Shrinkable recomputes its value on each call
};

struct ShrinkCandidates::Sequence {
  rc::Seq<rc::Shrinkable<Conversation>> shrinks;
};

struct ConversationSource::State {
  rc::Gen<Conversation> gen;
  rc::Random random;
};

DrawnConversation::DrawnConversation(std::shared_ptr<const Tree> tree) : tree_(std::move(tree)) {}

const Conversation& DrawnConversation::value() const { return tree_->value; }

ShrinkCandidates DrawnConversation::shrinks() const {
  return ShrinkCandidates(
      std::make_unique<ShrinkCandidates::Sequence>(ShrinkCandidates::Sequence{tree_->shrinkable.shrinks()}));
}

ShrinkCandidates::ShrinkCandidates(std::unique_ptr<Sequence> sequence) : sequence_(std::move(sequence)) {}
ShrinkCandidates::ShrinkCandidates(ShrinkCandidates&&) noexcept = default;
ShrinkCandidates& ShrinkCandidates::operator=(ShrinkCandidates&&) noexcept = default;
ShrinkCandidates::~ShrinkCandidates() = default;

std::optional<DrawnConversation> ShrinkCandidates::next() {
  auto candidate = sequence_->shrinks.next();
  if (!candidate) return std::nullopt;
  Conversation value = candidate->value();
  return DrawnConversation(std::make_shared<const DrawnConversation::Tree>(
      DrawnConversation::Tree{std::move(*candidate), std::move(value)}));
}

ConversationSource::ConversationSource(std::uint64_t seed, const Profile& profile, std::size_t max_connections)
    : state_(std::make_unique<State>(State{conversation(profile, max_connections), rc::Random(seed)})) {}
ConversationSource::ConversationSource(ConversationSource&&) noexcept = default;
ConversationSource& ConversationSource::operator=(ConversationSource&&) noexcept = default;
ConversationSource::~ConversationSource() = default;

DrawnConversation ConversationSource::next() {
  // Sizes cycle 0..100 the way rapidcheck grows them over a run.
  const int size = static_cast<int>(drawn_ % (rc::kNominalSize + 1));
  ++drawn_;
  rc::Shrinkable<Conversation> shrinkable = state_->gen(state_->random.split(), size);
  Conversation value = shrinkable.value();
  return DrawnConversation(std::make_shared<const DrawnConversation::Tree>(
      DrawnConversation::Tree{std::move(shrinkable), std::move(value)}));
}

}  // namespace linespec::live_fuzz
