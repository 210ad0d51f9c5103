#!/bin/sh
# Quick start: install dependencies, build, and name the crash in a sample.
set -e
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo "--- crashsig fixtures/samples/gpf.log"
./build/crashsig fixtures/samples/gpf.log
