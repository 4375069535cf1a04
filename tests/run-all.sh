#!/bin/bash
# The whole test suite, as CI runs it (README, Quick start, second line):
#   1. every suite in the release build (build/),
#   2. every suite again in an ASan+UBSan build (build-asan/),
#   3. the golden cases once more with tlstap under valgrind memcheck,
#   4. the equivalence test (worker threads against one thread) in a
#      ThreadSanitizer build.
# Exit 0 only if all four pass.  .ci/run counts the results from the
# meson test logs these runs leave behind.
set -u
cd "$(dirname "$0")/.."
rc=0
export MESON_TESTTHREADS=${MESON_TESTTHREADS:-2}

step() { printf '\n=== %s\n' "$*"; }

step "release build: all suites"
ninja -C build >/dev/null || exit 1
meson test -C build --print-errorlogs || rc=1

step "ASan+UBSan build: all suites"
if [ ! -d build-asan ]; then
	meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null || exit 1
fi
ninja -C build-asan >/dev/null || exit 1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs || rc=1

step "valgrind memcheck: golden cases"
if command -v valgrind >/dev/null; then
	meson test -C build --setup valgrind --suite golden --print-errorlogs || rc=1
else
	echo "valgrind not installed: install it (README Quick start line 1)"; rc=1
fi
step "ThreadSanitizer build: worker threads"
if [ ! -d build-tsan ]; then
	meson setup build-tsan -Dbuildtype=debug -Db_sanitize=thread -Db_lundef=false >/dev/null || exit 1
fi
ninja -C build-tsan >/dev/null || exit 1
TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	meson test -C build-tsan --print-errorlogs equivalence || rc=1
exit $rc
