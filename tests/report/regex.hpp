// <regex> for the report tests. GCC 12's <regex> trips its own
// -Wmaybe-uninitialized (a false positive in libstdc++'s NFA state moves,
// GCC bug 105562, seen with the sanitizer build's -O1); it is silenced for
// this header only.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
