#!/usr/bin/env bash
# The test command (README, .ci/run): starts what the tests need, then builds and tests Monitor.sln.
#
#   bash scripts/test.sh                                  # everything
#   bash scripts/test.sh --filter "FullyQualifiedName~Tagging"   # extra args go to `dotnet test`
#
# Before .NET: the dashboard's JavaScript unit tests (node --test tests/Monitor.Dashboard.Js, no npm package).
#
# Services: RabbitMQ (AMQP 5672, management API 15672), PostgreSQL (5432), Chromium; promtool (Debian's prometheus
# package) checks deploy/prometheus. The fault tests start a RabbitMQ node and a PostgreSQL cluster of their own from
# the native packages (never the shared ones), so they need rabbitmq-server and postgresql installed: the native way
# installs them; with MONITOR_INFRA=docker install them yourself (the tests fail naming what is missing).
# With a reachable Docker engine, RabbitMQ and PostgreSQL come from docker-compose.yml; otherwise from
# Debian's packages, installed when missing and started without systemd. Safe to run again and again:
# it installs, starts and creates only what is missing.
#
# Switches (environment):
#   MONITOR_SKIP_DOTNET=1   prepare the services and print the test variables, then stop before
#                           `dotnet build` / `dotnet test` (to check the infrastructure part alone).
#   MONITOR_SKIP_INFRA=1    start nothing and install nothing; use the services the MONITOR_TEST_* variables name.
#   MONITOR_INFRA=docker|native   force one way of providing RabbitMQ/PostgreSQL (default: docker when
#                           `docker info` and `docker compose version` succeed, native otherwise).
#   MONITOR_TEST_HANG_TIMEOUT     per-test hang limit for `dotnet test --blame-hang-timeout` (default 15m).
#   MONITOR_TEST_LOG_DIR    where service start-up logs and dotnet-test.log go (default /tmp/monitor-test).
#   MONITOR_TEST_ARTIFACTS  where the browser tests keep their screenshots (default artifacts/screenshots in the checkout).
# Variables the caller already set (MONITOR_TEST_*) are kept as they are.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_DIR=${MONITOR_TEST_LOG_DIR:-${TMPDIR:-/tmp}/monitor-test}
mkdir -p "$LOG_DIR"
MONITOR_TEST_LOG_DIR=$LOG_DIR
export MONITOR_TEST_LOG_DIR

# ---------------------------------------------------------------- output helpers

SCRIPT_START=$SECONDS
SECTION_NAME=""
SECTION_START=0

end_section() {
  if [[ -n $SECTION_NAME ]]; then
    printf '<== %s: %ss\n' "$SECTION_NAME" "$((SECONDS - SECTION_START))"
    SECTION_NAME=""
  fi
}

section() {
  end_section
  SECTION_NAME=$1
  SECTION_START=$SECONDS
  printf '\n==> %s  [%s]\n' "$1" "$(date -u +%H:%M:%SZ)"
}

TEST_SUMMARY=""
on_exit() {
  local rc=$?
  end_section
  printf '\n==> scripts/test.sh finished in %ss with exit code %s\n' "$((SECONDS - SCRIPT_START))" "$rc"
  # The counts stay the last line, where CI looks for them.
  [[ -z $TEST_SUMMARY ]] || printf '%s\n' "$TEST_SUMMARY"
}
trap on_exit EXIT

die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# Prints a log file's tail to stderr (used when a service fails to start).
show_log() {
  [[ -f $1 ]] && { printf -- '--- last lines of %s\n' "$1" >&2; tail -n 40 "$1" >&2; }
  return 0
}

# Runs a command as root: directly when we are root (as on CI), through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Runs a command as the postgres OS user from a directory it can read (psql warns about the cwd otherwise).
as_postgres() {
  if [[ $EUID -eq 0 ]] && command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")
  elif [[ $EUID -eq 0 ]]; then
    (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
  else
    (cd / && sudo -u postgres -- "$@")
  fi
}

# wait_until SECONDS DESCRIPTION COMMAND...: retries COMMAND every 2 s until it succeeds or time runs out.
wait_until() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      printf 'ERROR: %s: not ready after %ss\n' "$what" "$limit" >&2
      return 1
    fi
    sleep 2
  done
  printf '%s: ready\n' "$what"
}

# ---------------------------------------------------------------- packages

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing packages ($*) and no apt-get to install them"
  if ((APT_UPDATED == 0)); then
    as_root apt-get update
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

install_missing_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    printf 'packages present: %s\n' "$*"
  else
    printf 'installing: %s\n' "${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# ---------------------------------------------------------------- PostgreSQL (native)

pg_ready() {
  pg_isready -q -h 127.0.0.1 -p 5432
}

start_postgres() {
  if pg_ready; then
    echo "PostgreSQL already accepting connections on 127.0.0.1:5432"
  else
    # A Debian install creates cluster <version>/main; make one if a package setting skipped that.
    if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
      local version
      version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -V | tail -n 1)
      echo "no PostgreSQL cluster: creating $version/main"
      as_root pg_createcluster "$version" main >"$LOG_DIR/pg_createcluster.log" 2>&1 ||
        { show_log "$LOG_DIR/pg_createcluster.log"; die "pg_createcluster failed"; }
    fi
    # No systemd here: the SysV script starts every cluster; pg_ctlcluster is the fallback.
    # Output goes to a file so that no daemon keeps this script's stdout open.
    if ! as_root service postgresql start </dev/null >"$LOG_DIR/postgresql-start.log" 2>&1; then
      echo "service postgresql start failed; trying pg_ctlcluster"
      local version cluster
      while read -r version cluster _; do
        as_root pg_ctlcluster "$version" "$cluster" start </dev/null >>"$LOG_DIR/postgresql-start.log" 2>&1 || true
      done < <(pg_lsclusters -h)
    fi
    wait_until 60 "PostgreSQL on 127.0.0.1:5432" pg_ready ||
      { show_log "$LOG_DIR/postgresql-start.log"; pg_lsclusters >&2 || true; exit 1; }
  fi

  # Role and database for the tests, created only when absent. The ALTER keeps an existing role usable
  # (login, password, CREATEDB for tests that make their own databases); it changes nothing otherwise.
  local has_role has_db
  has_role=$(as_postgres psql -v ON_ERROR_STOP=1 -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'monitor'")
  if [[ $has_role != 1 ]]; then
    as_postgres psql -v ON_ERROR_STOP=1 -qc "CREATE ROLE monitor LOGIN CREATEDB PASSWORD 'monitor'"
    echo "created role monitor"
  else
    as_postgres psql -v ON_ERROR_STOP=1 -qc "ALTER ROLE monitor LOGIN CREATEDB PASSWORD 'monitor'"
  fi
  has_db=$(as_postgres psql -v ON_ERROR_STOP=1 -tAc "SELECT 1 FROM pg_database WHERE datname = 'monitor'")
  if [[ $has_db != 1 ]]; then
    as_postgres createdb -O monitor monitor
    echo "created database monitor"
  fi
  ensure_pg_max_connections
  PGPASSWORD=monitor psql -h 127.0.0.1 -p 5432 -U monitor -d monitor -v ON_ERROR_STOP=1 -tAc 'SELECT version()' |
    sed 's/^/PostgreSQL: /'
}

# The test run starts two whole distributed setups side by side (integration and browser tests), each of
# their processes with a pool of up to 20 connections, next to the store contracts and their databases:
# PostgreSQL's default of 100 connections is too few for that. Raised once (ALTER SYSTEM), with a restart.
PG_MAX_CONNECTIONS=300
ensure_pg_max_connections() {
  local current
  current=$(as_postgres psql -v ON_ERROR_STOP=1 -tAc "SHOW max_connections")
  if ((current >= PG_MAX_CONNECTIONS)); then
    echo "PostgreSQL max_connections: $current"
    return 0
  fi
  echo "PostgreSQL max_connections: $current; raising it to $PG_MAX_CONNECTIONS (ALTER SYSTEM) and restarting"
  as_postgres psql -v ON_ERROR_STOP=1 -qc "ALTER SYSTEM SET max_connections = $PG_MAX_CONNECTIONS"
  if ! as_root service postgresql restart </dev/null >>"$LOG_DIR/postgresql-start.log" 2>&1; then
    local version cluster
    while read -r version cluster _; do
      as_root pg_ctlcluster "$version" "$cluster" restart </dev/null >>"$LOG_DIR/postgresql-start.log" 2>&1 || true
    done < <(pg_lsclusters -h)
  fi
  wait_until 60 "PostgreSQL on 127.0.0.1:5432 (restarted)" pg_ready ||
    { show_log "$LOG_DIR/postgresql-start.log"; exit 1; }
  current=$(as_postgres psql -v ON_ERROR_STOP=1 -tAc "SHOW max_connections")
  ((current >= PG_MAX_CONNECTIONS)) || die "PostgreSQL max_connections is still $current after the restart"
}

# ---------------------------------------------------------------- RabbitMQ (native)

rabbit_running() {
  timeout 60 rabbitmqctl -q status </dev/null >/dev/null 2>&1
}

rabbit_started() {
  timeout 30 rabbitmqctl -q await_startup --timeout 25 </dev/null >/dev/null 2>&1
}

management_ready() {
  curl -fs -o /dev/null -u "$RABBIT_USER:$RABBIT_PASS" http://127.0.0.1:15672/api/overview
}

start_rabbitmq() {
  # The node is named rabbit@<short hostname>; if that name does not resolve, Erlang cannot reach it.
  if [[ -z ${RABBITMQ_NODENAME:-} ]] && ! getent hosts "$(hostname -s)" >/dev/null 2>&1; then
    export RABBITMQ_NODENAME=rabbit@localhost
    echo "hostname $(hostname -s) does not resolve: using node $RABBITMQ_NODENAME"
  fi

  if rabbit_running; then
    echo "RabbitMQ already running"
  else
    # Offline: writes enabled_plugins so the management API (used by tests to make a vhost per test)
    # starts with the node.
    as_root rabbitmq-plugins enable --offline rabbitmq_management </dev/null >"$LOG_DIR/rabbitmq-plugins.log" 2>&1 ||
      { show_log "$LOG_DIR/rabbitmq-plugins.log"; die "rabbitmq-plugins enable --offline failed"; }
    echo "starting rabbitmq-server -detached"
    as_root rabbitmq-server -detached </dev/null >"$LOG_DIR/rabbitmq-start.log" 2>&1 ||
      { show_log "$LOG_DIR/rabbitmq-start.log"; die "rabbitmq-server -detached failed"; }
    # await_startup needs the Erlang node to be up already, so retry it for up to 120 s.
    wait_until 120 "RabbitMQ node" rabbit_started ||
      { show_log "$LOG_DIR/rabbitmq-start.log"; show_log /var/log/rabbitmq/startup_err; exit 1; }
  fi

  # A node that was already running may lack the plugin: enabling it works online and is idempotent.
  if ! management_ready; then
    as_root rabbitmq-plugins enable rabbitmq_management </dev/null >"$LOG_DIR/rabbitmq-plugins.log" 2>&1 ||
      { show_log "$LOG_DIR/rabbitmq-plugins.log"; die "rabbitmq-plugins enable rabbitmq_management failed"; }
  fi
  wait_until 90 "RabbitMQ management API on 127.0.0.1:15672" management_ready || exit 1
  curl -fsS -u "$RABBIT_USER:$RABBIT_PASS" http://127.0.0.1:15672/api/overview |
    grep -o '"rabbitmq_version":"[^"]*"' | sed 's/^/RabbitMQ: /' || true
}

# ---------------------------------------------------------------- Docker engine

docker_usable() {
  command -v docker >/dev/null 2>&1 &&
    docker info >/dev/null 2>&1 &&
    docker compose version >/dev/null 2>&1
}

start_docker_services() {
  # compose's RabbitMQ has user monitor/monitor (RABBITMQ_DEFAULT_USER) and no guest user.
  docker compose up -d --wait --wait-timeout 180 rabbitmq postgres
  wait_until 90 "PostgreSQL on 127.0.0.1:5432" pg_isready -q -h 127.0.0.1 -p 5432 || exit 1
  wait_until 90 "RabbitMQ management API on 127.0.0.1:15672" management_ready || exit 1
}

# ---------------------------------------------------------------- infrastructure

INFRA=${MONITOR_INFRA:-auto}
if [[ $INFRA == auto ]]; then
  if docker_usable; then INFRA=docker; else INFRA=native; fi
fi
case $INFRA in
  docker) RABBIT_USER=monitor RABBIT_PASS=monitor ;;
  native) RABBIT_USER=guest RABBIT_PASS=guest ;;
  *) die "MONITOR_INFRA must be docker, native or auto (got '$INFRA')" ;;
esac

if [[ ${MONITOR_SKIP_INFRA:-0} == 1 ]]; then
  section "Services: skipped (MONITOR_SKIP_INFRA=1)"
else
  section "Packages"
  if [[ $INFRA == docker ]]; then
    install_missing_packages chromium curl prometheus fonts-dejavu-core
    # pg_isready for the wait below.
    command -v pg_isready >/dev/null 2>&1 || apt_install postgresql-client
  else
    install_missing_packages rabbitmq-server postgresql chromium curl prometheus fonts-dejavu-core
  fi

  if [[ $INFRA == docker ]]; then
    section "RabbitMQ and PostgreSQL (docker compose)"
    start_docker_services
  else
    section "PostgreSQL"
    start_postgres
    section "RabbitMQ"
    start_rabbitmq
  fi

  section "Chromium"
  chromium_path=${MONITOR_TEST_CHROMIUM:-/usr/bin/chromium}
  [[ -x $chromium_path ]] || die "no Chromium at $chromium_path"
  "$chromium_path" --version 2>/dev/null || echo "($chromium_path did not print a version)"
fi

# ---------------------------------------------------------------- test variables

section "Test environment"
: "${MONITOR_TEST_POSTGRES:=Host=127.0.0.1;Port=5432;Username=monitor;Password=monitor;Database=monitor;SSL Mode=Disable}"
: "${MONITOR_TEST_RABBITMQ:=amqp://${RABBIT_USER}:${RABBIT_PASS}@127.0.0.1:5672/}"
: "${MONITOR_TEST_RABBITMQ_MANAGEMENT:=http://${RABBIT_USER}:${RABBIT_PASS}@127.0.0.1:15672/}"
: "${MONITOR_TEST_CHROMIUM:=/usr/bin/chromium}"
# Screenshots of every dashboard page (tests/Monitor.BrowserTests): artifacts/ in the checkout (git-ignored), where a
# CI job that keeps files of its workspace finds them.
: "${MONITOR_TEST_ARTIFACTS:=$PWD/artifacts/screenshots}"
mkdir -p "$MONITOR_TEST_ARTIFACTS"
# Tests fail instead of skipping when one of the services above is missing.
: "${MONITOR_TEST_REQUIRE_SERVICES:=1}"
export MONITOR_TEST_POSTGRES MONITOR_TEST_RABBITMQ MONITOR_TEST_RABBITMQ_MANAGEMENT MONITOR_TEST_CHROMIUM \
  MONITOR_TEST_REQUIRE_SERVICES MONITOR_TEST_ARTIFACTS
# Playwright drives the Chromium above with the driver inside its NuGet package; it never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# No first-run banner or telemetry upload (the network reaches only package registries).
: "${DOTNET_NOLOGO:=1}" "${DOTNET_CLI_TELEMETRY_OPTOUT:=1}"
export DOTNET_NOLOGO DOTNET_CLI_TELEMETRY_OPTOUT
for name in MONITOR_TEST_POSTGRES MONITOR_TEST_RABBITMQ MONITOR_TEST_RABBITMQ_MANAGEMENT MONITOR_TEST_CHROMIUM \
  MONITOR_TEST_REQUIRE_SERVICES MONITOR_TEST_ARTIFACTS; do
  printf '%s=%s\n' "$name" "${!name}"
done

if [[ ${MONITOR_SKIP_DOTNET:-0} == 1 ]]; then
  section "dotnet build and test: skipped (MONITOR_SKIP_DOTNET=1)"
  exit 0
fi

# ---------------------------------------------------------------- Prometheus configuration

# deploy/prometheus (docker-compose.yml's Prometheus): the configuration, the alert rules, and the rules' own unit
# tests; the Grafana dashboard's queries and a live scrape are checked with promtool by the .NET tests.
# promtool comes from Debian's prometheus package (installed above; without systemd its server is not started, with
# systemd Debian starts it on :9090: `systemctl disable --now prometheus` if it is not wanted).
section "Prometheus configuration and alert rules (promtool)"
: "${MONITOR_TEST_PROMTOOL:=$(command -v promtool || echo /usr/bin/promtool)}"
export MONITOR_TEST_PROMTOOL
[[ -x $MONITOR_TEST_PROMTOOL ]] || die "no promtool at $MONITOR_TEST_PROMTOOL (Debian package prometheus)"
"$MONITOR_TEST_PROMTOOL" check config deploy/prometheus/prometheus.yml
"$MONITOR_TEST_PROMTOOL" check rules deploy/prometheus/alerts.yml
(cd deploy/prometheus && "$MONITOR_TEST_PROMTOOL" test rules alerts.test.yml)

# ---------------------------------------------------------------- JavaScript unit tests

# The dashboard's pure JavaScript (wwwroot/js: the live view's revision gate and catch-up, parsing and formatting
# helpers) with Node's own test runner: no npm package. The tests mirror wwwroot/js in tests/Monitor.Dashboard.Js.
section "JavaScript unit tests (node --test tests/Monitor.Dashboard.Js)"
command -v node >/dev/null 2>&1 || die "node is not on PATH (Node.js 20 or later builds and tests the dashboard front end)"
node --version
mapfile -t js_tests < <(find tests/Monitor.Dashboard.Js -name '*.test.mjs' | sort)
((${#js_tests[@]} > 0)) || die "no JavaScript tests found under tests/Monitor.Dashboard.Js"
node --test "${js_tests[@]}"

# ---------------------------------------------------------------- build and test

command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH"

build_args=()
if [[ ${CI:-} == true ]]; then
  # Compiler and MSBuild server processes would outlive the run (and hold its output open).
  build_args+=(--disable-build-servers)
fi

section "dotnet build Monitor.sln -c Release"
dotnet --version
dotnet build Monitor.sln -c Release "${build_args[@]}"

section "dotnet test Monitor.sln -c Release"
test_log="$LOG_DIR/dotnet-test.log"
set +e
dotnet test Monitor.sln -c Release --no-build --logger "console;verbosity=normal" \
  --blame-hang-timeout "${MONITOR_TEST_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none \
  "$@" 2>&1 | tee "$test_log"
test_rc=${PIPESTATUS[0]}
set -e

section "Summary"
# Counts per test assembly, from the console logger: at normal verbosity a block after "Test Run Successful."
# ("Total tests: T", "Passed: P", "Failed: F", "Skipped: S"); at minimal verbosity one line
# "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ... - X.dll". Blocks win when both appear.
read -r passed failed skipped assemblies < <(
  awk '
    /^ *Total tests: +[0-9]+ *$/ { bn++ }
    /^ *Passed: +[0-9]+ *$/      { bp += $2 }
    /^ *Failed: +[0-9]+ *$/      { bf += $2 }
    /^ *Skipped: +[0-9]+ *$/     { bs += $2 }
    /(Passed|Failed)! +- +Failed: / {
      for (i = 1; i < NF; i++) {
        v = $(i + 1); gsub(/,/, "", v)
        if ($i == "Failed:") lf += v; else if ($i == "Passed:") lp += v; else if ($i == "Skipped:") ls += v
      }
      ln++
    }
    END {
      if (bn > 0) printf "%d %d %d %d\n", bp, bf, bs, bn
      else printf "%d %d %d %d\n", lp, lf, ls, ln
    }' "$test_log"
)
printf 'Test assemblies run: %s\n' "$assemblies"
TEST_SUMMARY="Tests: $passed passed, $failed failed, $skipped skipped"
printf '%s\n' "$TEST_SUMMARY"

# The failures again, last, where a reader of only the log's tail (as CI shows it) sees them: each failed
# test's name and the first lines of its error message.
if ((failed > 0)); then
  echo "Failed tests:"
  awk '
    /^  Failed [^ ]/ { sub(/^  Failed /, "  - "); print; grab = 0; next }
    /^  Error Message:/ { grab = 4; next }
    grab > 0 && /^  (Stack Trace|Standard Output Messages):/ { grab = 0 }
    grab > 0 { print "      " $0; grab-- }
  ' "$test_log"
fi

if ((test_rc != 0)); then
  echo "dotnet test failed with exit code $test_rc (log: $test_log)" >&2
  exit "$test_rc"
fi
if ((failed > 0)); then
  echo "dotnet test reported $failed failed tests" >&2
  exit 1
fi
if ((passed + skipped == 0)); then
  echo "WARNING: dotnet test ran no test" >&2
fi
