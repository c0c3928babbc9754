#!/usr/bin/env bash
# Builds nnc and runs every test (lit + GoogleTest); ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cd build
ctest --output-on-failure
