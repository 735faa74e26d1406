#!/usr/bin/env bash
# What the tests start themselves on loopback: InfluxDB 1.x and PostgreSQL 15 from Debian's packages
# (only the binaries: the tests run them in temporary folders, no system service) and Debian's
# Chromium with its WebDriver for the page tests.
set -euo pipefail
need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-servers: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
