#!/bin/sh
# Build with -Werror and run every test; then build again with
# AddressSanitizer + UBSan and run the whole suite once more.
set -e
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCRASHSIG_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure
./scripts/test-install.sh build
./scripts/test-debuginfod.sh build
./scripts/test-pg.sh build
if [ "${CRASHSIG_SKIP_SANITIZE:-0}" != 1 ]; then
	cmake -S . -B build-asan -DCRASHSIG_WERROR=ON -DCRASHSIG_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-asan -j"$(nproc)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure
fi
./scripts/test-fuzz.sh
./scripts/test-tsan.sh
