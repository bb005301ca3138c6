#!/usr/bin/env bash
# The pipeline beside the machine's ceiling, in one script: builds rawpipe (../shared/bench/rawpipe, copied out of the
# read-only share) and the load tool, then runs rawpipe --fts, the load tool (burst, then a steady rate), rawpipe again,
# and prints the burst's ratio to rawpipe. Both are CPU-bound on the same cores, so the ratio holds where absolute
# figures drift with whatever else the machine runs.
#
#   bash scripts/bench-pipeline.sh [--statements 5000] [--rate 50] [--warmup 1000] [--rawpipe-n 20000] [--poll 20] [--rules-too | --rules-only]
#
# --poll N: the burst is published as Ingestion publishes it, the new statements of a feed poll (or an archive page) in one
# StatementsDiscovered message, N to a message (1 = one message per statement, as rawpipe publishes); the steady run
# always publishes one statement per message.
# --rules-too runs the load tool a second time with the tagger's semantic layer off (Tagging:Semantic:Enabled=false);
# --rules-only runs only that one (a quicker check of the pipeline itself).
# Needs RabbitMQ and PostgreSQL (MONITOR_SKIP_DOTNET=1 bash scripts/test.sh starts them); the MONITOR_TEST_* variables
# name them as they do for the tests. rawpipe gets its own RabbitMQ virtual host and PostgreSQL database, dropped after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATEMENTS=5000 RATE=50 WARMUP=1000 RAW_N=20000 POLL=20 RULES_TOO=0 DEFAULT_TOO=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --statements) STATEMENTS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rawpipe-n) RAW_N=$2; shift 2 ;;
    --poll) POLL=$2; shift 2 ;;
    --rules-too) RULES_TOO=1; shift ;;
    --rules-only) RULES_TOO=1 DEFAULT_TOO=0; shift ;;
    *) echo "unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

: "${MONITOR_TEST_POSTGRES:=Host=127.0.0.1;Port=5432;Username=monitor;Password=monitor;Database=monitor;SSL Mode=Disable}"
: "${MONITOR_TEST_RABBITMQ:=amqp://guest:guest@127.0.0.1:5672/}"
: "${MONITOR_TEST_RABBITMQ_MANAGEMENT:=http://guest:guest@127.0.0.1:15672/}"
export MONITOR_TEST_POSTGRES MONITOR_TEST_RABBITMQ MONITOR_TEST_RABBITMQ_MANAGEMENT
RAWPIPE_SRC=${RAWPIPE_SRC:-../shared/bench/rawpipe}
[[ -d $RAWPIPE_SRC ]] || RAWPIPE_SRC=/work/shared/bench/rawpipe

pg_field() { tr ';' '\n' <<<"$MONITOR_TEST_POSTGRES" | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2 }'; }
PG_HOST=$(pg_field Host) PG_PORT=$(pg_field Port) PG_USER=$(pg_field Username) PG_PASS=$(pg_field Password)
PG_PORT=${PG_PORT:-5432}
MGMT=${MONITOR_TEST_RABBITMQ_MANAGEMENT%/}
AMQP=${MONITOR_TEST_RABBITMQ%/}

WORK=$(mktemp -d)
VHOST="rawpipe-bench-$$"
RAWDB="rawpipe_bench_$$"
cleanup() {
  curl -fsS -X DELETE "$MGMT/api/vhosts/$VHOST" >/dev/null 2>&1 || true
  PGPASSWORD=$PG_PASS psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $RAWDB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build (Release): rawpipe and Monitor"
cp -r "$RAWPIPE_SRC" "$WORK/rawpipe"
dotnet build -c Release -nologo -v q "$WORK/rawpipe/rawpipe.csproj" >"$WORK/build-rawpipe.log" 2>&1 || { cat "$WORK/build-rawpipe.log"; exit 1; }
dotnet build -c Release -nologo -v q Monitor.sln >"$WORK/build-monitor.log" 2>&1 || { tail -30 "$WORK/build-monitor.log"; exit 1; }

curl -fsS -X PUT "$MGMT/api/vhosts/$VHOST" >/dev/null
curl -fsS -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$MGMT/api/permissions/$VHOST/$(sed -E 's#^[a-z]+://([^:]+):.*#\1#' <<<"$MGMT")" >/dev/null
PGPASSWORD=$PG_PASS psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $RAWDB" >/dev/null

rawpipe() {
  local log="$WORK/rawpipe-$1.log"
  dotnet "$WORK/rawpipe/bin/Release/net10.0/rawpipe.dll" --n "$RAW_N" --fts --amqp "$AMQP/$VHOST" \
    --pg "Host=$PG_HOST;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASS;Database=$RAWDB" >"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
  grep '^RESULT throughput' "$log" | awk '{ print $3 }'
}

loadtest() {
  local log="$WORK/load-$1.log"
  shift
  env "$@" dotnet tests/Monitor.LoadTest/bin/Release/net10.0/Monitor.LoadTest.dll --statements "$STATEMENTS" --rate "$RATE" --warmup "$WARMUP" --poll "$POLL" \
    >"$log" 2>&1 || { echo "(the load tool failed or missed statements: $log)" >&2; }
  grep -E '^\|' "$log"
  grep -E '^Delivered|^Burst' "$log" || true
  # Where the burst's CPU went, per process, and Persistence's batches (stderr: shown, not parsed).
  awk '/^CPU per statement/ { on = 1 } /^Running/ { on = 0 } on' "$log" >&2
}

burst_rate() { awk -F'|' '$2 ~ /pipeline/ && $4 ~ /burst/ { gsub(/ /, "", $5); print $5 }'; }
steady_p99() { awk -F'|' '$2 ~ /pipeline/ && $4 !~ /burst/ { gsub(/ /, "", $8); print $8 }'; }

echo "== rawpipe --fts, before ($RAW_N statements)"
RAW1=$(rawpipe before); echo "rawpipe: $RAW1 statements/s"
if [[ $DEFAULT_TOO == 1 ]]; then
  echo "== load tool: $STATEMENTS in a burst (polls of $POLL), $RATE/s for 30 s, default tagger"
  DEFAULT=$(loadtest default MONITOR_BENCH_RUN=default); echo "$DEFAULT"
fi
if [[ $RULES_TOO == 1 ]]; then
  echo "== load tool again, Tagging:Semantic:Enabled=false"
  RULES=$(loadtest rules Tagging__Semantic__Enabled=false); echo "$RULES"
fi
echo "== rawpipe --fts, after"
RAW2=$(rawpipe after); echo "rawpipe: $RAW2 statements/s"

summary() {
  local name=$1 table=$2 burst p99
  burst=$(burst_rate <<<"$table"); p99=$(steady_p99 <<<"$table")
  awk -v n="$name" -v b="$burst" -v r1="$RAW1" -v r2="$RAW2" -v p="$p99" -v rate="$RATE" -v poll="$POLL" 'BEGIN {
    printf "%s: burst (polls of %s) %s statements/s = %.3fx rawpipe --fts (%s and %s/s); steady %s/s p99 %s ms discovery -> SignalR client\n",
      n, poll, b, b / ((r1 + r2) / 2), r1, r2, rate, p }'
}
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
if [[ $DEFAULT_TOO == 1 ]]; then summary "default tagger" "$DEFAULT"; fi
if [[ $RULES_TOO == 1 ]]; then summary "semantic layer off" "$RULES"; fi
