#!/usr/bin/env bash
# The second command of the README, and what CI runs (.ci/run): set up when needed (with Spark's s3a jars), install the servers
# the tests start on loopback when missing (scripts/test-servers.sh), then the whole test suite.
# Options go to pytest (e.g. `bash scripts/test.sh tests/test_api.py -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --spark-s3
bash scripts/test-servers.sh
exec .venv/bin/pytest "$@"
