#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine with Python 3.11.
# Idempotent: a second run checks what is there and changes nothing.
#   --spark-s3   also fetch Spark's s3a:// jars (hadoop-aws 3.5.0 and the AWS SDK bundle, 686 MB) for a lake
#                on S3 under Spark; the test command passes it (tests/test_spark_s3.py)
set -euo pipefail
cd "$(dirname "$0")/.."
SPARK_S3=0
for arg in "$@"; do
  case "$arg" in
    --spark-s3) SPARK_S3=1 ;;
    *) echo "setup: unknown option $arg (known: --spark-s3)" >&2; exit 2 ;;
  esac
done
spark_s3_jars() {
  if [ "$SPARK_S3" = 1 ]; then
    echo "setup: Spark's s3a jars (hadoop-aws, AWS SDK bundle; pinned, verified)"
    .venv/bin/python -m spark_jobs.jars --s3  # says what it downloads (the bundle: 686 MB)
  fi
}

PY=${PYTHON:-python3.11}
UV_VERSION=0.13.8

# Up to date already? What set-up installs and prepares follows from these files: when none changed since
# the last complete set-up (and its results are still there), there is nothing to do.
STAMP=.venv/.hasiru-setup
fingerprint() {
  { cat requirements.lock dashboards/superset/requirements.lock pyproject.toml scripts/setup.sh lake/tables.py \
        dbt/dbt_project.yml spark_jobs/jars.py serving/api/docs_assets.py native/Cargo.toml native/Cargo.lock native/pyproject.toml
    find dbt/models dbt/macros sms/templates native/src -type f -print0 | sort -z | xargs -0 cat
    command -v java "$PY" cargo || true; } | sha256sum | cut -d' ' -f1
}
if [ -f "$STAMP" ] && [ -x .venv/bin/hasiru ] && [ -x .venv-superset/bin/superset ] && [ -f dbt/target/manifest.json ] \
   && [ "$(cat "$STAMP")" = "$(fingerprint)" ]; then
  echo "setup: up to date (nothing changed since the last set-up; remove $STAMP to force one)"
  spark_s3_jars
  exit 0
fi

need_apt=()
command -v "$PY" >/dev/null 2>&1 || need_apt+=(python3.11 python3.11-venv)
# Java: Spark (the scale-out engine) needs a JRE; install it if the machine has none.
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating virtualenv .venv with $PY"
  "$PY" -m venv .venv
fi
if ! .venv/bin/uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  .venv/bin/python -m pip install -q "uv==$UV_VERSION"
fi
echo "setup: installing locked dependencies (requirements.lock)"
.venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
# after the sync, which removes what the lock does not list
if command -v cargo >/dev/null 2>&1; then
  echo "setup: the compiled line-protocol tokenizer (native/, Rust with pyo3; $(cargo --version | cut -d' ' -f1-2))"
  CARGO_TARGET_DIR="$PWD/native/target" .venv/bin/uv pip install -q --python .venv/bin/python ./native
else
  echo "setup: no cargo on PATH: sensor files are read by the Python tokenizer (same rows and rejects, slower);" \
       "install Rust (https://rustup.rs) and run set-up again for the compiled one"
fi
echo "setup: Delta Lake's jars for Spark (pinned, verified; later Spark starts need no network)"
.venv/bin/python -m spark_jobs.jars
spark_s3_jars
echo "setup: Swagger UI and ReDoc for the API's /docs and /redoc (pinned, verified; served without a CDN)"
.venv/bin/python -m serving.api.docs_assets
echo "setup: Superset in its own virtualenv (.venv-superset, dashboards/superset/requirements.lock)"
[ -x .venv-superset/bin/python ] || "$PY" -m venv .venv-superset
.venv/bin/uv pip sync -q --python .venv-superset/bin/python dashboards/superset/requirements.lock
echo "setup: the platform's own secrets (outside the repository, owner-only)"
.venv/bin/python -m hasiru.secrets
echo "setup: preparing the dbt manifest"
.venv/bin/hasiru prepare
fingerprint > "$STAMP"
echo "setup: done. Next: .venv/bin/hasiru run"
