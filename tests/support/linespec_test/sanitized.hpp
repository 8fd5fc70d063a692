// Whether this test binary is built with a sanitizer. Speed, CPU and memory bounds
// hold for the plain build only: sanitizers slow every call down (a sanitized
// program also takes far longer to start) and keep shadow memory and quarantined
// blocks resident. Tests only; any thread.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LINESPEC_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define LINESPEC_TEST_SANITIZED 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define LINESPEC_TEST_THREAD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LINESPEC_TEST_THREAD_SANITIZED 1
#endif
#endif

namespace linespec::testing {

#if defined(LINESPEC_TEST_SANITIZED)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

#if defined(LINESPEC_TEST_THREAD_SANITIZED)
inline constexpr bool kThreadSanitized = true;
#else
inline constexpr bool kThreadSanitized = false;
#endif

}  // namespace linespec::testing
