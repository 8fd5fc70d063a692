// Deterministic drawing and shrinking of conversations: a seed gives the same
// sequence of conversations every time, and each drawn conversation knows the smaller
// ones it shrinks to. This is the only place that drives rapidcheck's generators and
// shrink trees by hand (rc::check has no time limit and takes its seed only from
// RC_PARAMS); nothing rapidcheck shows in this header. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "linespec/live_fuzz/conversation.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::live_fuzz {

class ShrinkCandidates;

// One conversation and its shrink tree. Cheap to copy (the tree is shared, immutable).
class DrawnConversation {
 public:
  const Conversation& value() const;
  // The smaller conversations to try instead of this one, simplest first, produced
  // lazily.
  ShrinkCandidates shrinks() const;

 private:
  friend class ConversationSource;
  friend class ShrinkCandidates;
  struct Tree;
  explicit DrawnConversation(std::shared_ptr<const Tree> tree);

  std::shared_ptr<const Tree> tree_;
};

// A lazy sequence of shrink candidates.
class ShrinkCandidates {
 public:
  ShrinkCandidates(ShrinkCandidates&&) noexcept;
  ShrinkCandidates& operator=(ShrinkCandidates&&) noexcept;
  ~ShrinkCandidates();

  // The next candidate, or nothing once every one was produced.
  std::optional<DrawnConversation> next();

 private:
  friend class DrawnConversation;
  struct Sequence;
  explicit ShrinkCandidates(std::unique_ptr<Sequence> sequence);

  std::unique_ptr<Sequence> sequence_;
};

class ConversationSource {
 public:
  ConversationSource(std::uint64_t seed, const Profile& profile, std::size_t max_connections);
  ConversationSource(ConversationSource&&) noexcept;
  ConversationSource& operator=(ConversationSource&&) noexcept;
  ~ConversationSource();

  // The next conversation. The i-th call returns the same conversation for the same
  // seed, profile and max_connections. Sizes cycle from small to large, so short
  // conversations come first and often.
  DrawnConversation next();
  std::size_t drawn() const { return drawn_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::size_t drawn_ = 0;
};

}  // namespace linespec::live_fuzz
