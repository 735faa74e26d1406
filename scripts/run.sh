#!/usr/bin/env bash
# The first command of the README: set up when needed (scripts/setup.sh skips itself when nothing
# changed), then run the main job on the embedded default (local Delta lake, DuckDB). It ends by printing
# the tables it built and the commands to look further. Options go to `hasiru run` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/hasiru run "$@"
