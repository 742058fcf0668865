#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) for the
# maskstream integration tests, plus resolution of the Flink connector jars.
#
# Everything comes from Maven Central through `mvn` (no tarball download, no
# Docker), so this works on a fresh machine that only has Java 17, Maven and
# Python. State lives in the git-ignored folder .kafka/:
#
#   .kafka/libs/              broker classpath   (build/kafka/pom.xml)
#   .kafka/server.properties  generated on every `up`
#   .kafka/data/              KRaft metadata + topic logs (wiped by `down`)
#   .kafka/logs/              server.log (log4j2), kafka.out (stdout/stderr)
#   .kafka/kafka.pid          broker pid
#   lib/                      Flink pipeline.jars (build/jars/pom.xml)
#
# Usage: scripts/kafka.sh up|down|status|topic NAME PARTITIONS|jars|libs
#
#   up      resolve the broker jars if missing, format storage, start the
#           broker in the background and wait until it answers (exit 0 at once
#           if it is already running)
#   down    stop the broker (SIGTERM, SIGKILL after 20 s), remove .kafka/data
#   status  print running / not running; exit 0 / 1
#   topic   create a topic (replication factor 1); ok if it already exists
#   jars    resolve the Flink connector jars into lib/ (no-op when up to date)
#   libs    resolve the broker jars into .kafka/libs/ (no-op when up to date)
#
# Environment (defaults):
#   KAFKA_HOST=127.0.0.1  KAFKA_PORT=19092  KAFKA_CONTROLLER_PORT=19093
#   KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"  KAFKA_START_TIMEOUT=90 (seconds)
#   KAFKA_STOP_TIMEOUT=20 (seconds before SIGKILL)
#   MVN=mvn  MVN_FLAGS="-B -q -Dstyle.color=never"   (e.g. add -o for offline)
#
# Transactions: the broker keeps the default transaction.max.timeout.ms=900000
# (15 min). A Flink KafkaSink with DeliveryGuarantee.EXACTLY_ONCE must set the
# producer property transaction.timeout.ms <= 900000, otherwise the broker
# rejects InitProducerId ("The transaction timeout is larger than the maximum
# value allowed by the broker"). Leaving it unset is NOT safe: KafkaSinkBuilder
# (flink-sql-connector-kafka 5.0.0-2.2) defaults it to 1 hour. In SQL:
#   'properties.transaction.timeout.ms' = '600000'
# It must also exceed the checkpoint interval plus the expected recovery time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-20}"
MVN="${MVN:-mvn}"
MVN_FLAGS="${MVN_FLAGS:--B -q -Dstyle.color=never}"

KDIR="$ROOT/.kafka"
KLIBS="$KDIR/libs"
KDATA="$KDIR/data"
KLOGS="$KDIR/logs"
KCONF="$KDIR/server.properties"
KLOG4J="$KDIR/log4j2.properties"
KTOOLS_LOG4J="$KDIR/tools-log4j2.properties"
KPID="$KDIR/kafka.pid"
KAFKA_POM="$ROOT/build/kafka/pom.xml"
KLIBS_STAMP="$KLIBS/.resolved"

FLINK_LIB="$ROOT/lib"
JARS_POM="$ROOT/build/jars/pom.xml"
# The one jar built here: the Iceberg sink that writes provenance into snapshot summaries.
SINK_DIR="$ROOT/build/iceberg-sink"
JARS_STAMP="$FLINK_LIB/.jars.resolved"

BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
PY="$ROOT/.venv/bin/python"

# temp dirs removed on exit (e.g. when maven fails half-way)
CLEANUP=()
cleanup() { local d; for d in "${CLEANUP[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT

log() { printf 'kafka.sh: %s\n' "$*"; }
err() { printf 'kafka.sh: ERROR: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }

# ---------------------------------------------------------------- helpers ---

# Serialise up/down/topic/jar resolution (two `make` invocations at once).
# The lock fd (9) is closed for the broker so it never holds the lock.
lock() {
  mkdir -p "$KDIR"
  exec 9>"$KDIR/.lock"
  flock -w 300 9 || die "could not lock $KDIR/.lock within 300 s"
}

port_open() { # host port
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

pom_hash() { sha256sum "$1" | cut -d' ' -f1; }
# lib/ is up to date when neither the pom nor the sink's sources changed.
jars_hash() {
  { pom_hash "$JARS_POM"; find "$SINK_DIR/pom.xml" "$SINK_DIR/src" -type f | sort | xargs sha256sum; } \
    | sha256sum | cut -d' ' -f1
}

build_sink() { # outdir: compile build/iceberg-sink (Flink and Iceberg provided) into it
  local rc=0
  # shellcheck disable=SC2086
  $MVN $MVN_FLAGS -f "$SINK_DIR/pom.xml" package -DskipTests 2>&1 9>&- \
    | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2 || rc=$?
  ((rc == 0)) || die "building $SINK_DIR failed"
  cp "$SINK_DIR"/target/maskstream-iceberg-sink-*.jar "$1/"
}

mvn_copy() { # pom outdir [extra mvn args...]
  local pom="$1" out="$2"; shift 2
  command -v "${MVN%% *}" >/dev/null 2>&1 || die "maven ('$MVN') not found on PATH"
  # -q keeps Maven silent on success; on failure its [ERROR] lines are printed.
  # The sed strips the stray ANSI resets Debian's Maven 3.8 prints even with -q.
  local rc=0
  # shellcheck disable=SC2086
  if $MVN $MVN_FLAGS -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$out" -DincludeScope=runtime "$@" 2>&1 9>&- \
      | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2; then
    rc=0
  else
    rc=$? # pipefail: maven's exit status
  fi
  ((rc == 0)) || die "maven failed to resolve $pom (exit $rc; see the [ERROR] lines above)"
}

# The pid of our broker, if it is alive (and really is our kafka.Kafka).
broker_pid() {
  [[ -f "$KPID" ]] || return 1
  local pid
  pid="$(cat "$KPID" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# host:port the running broker was started with (from .kafka/server.properties)
running_bootstrap() {
  sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$KCONF" 2>/dev/null | head -n1
}

print_log_tail() {
  if [[ -s "$KLOGS/kafka.out" ]]; then
    echo "----- last 40 lines of $KLOGS/kafka.out -----" >&2
    tail -n 40 "$KLOGS/kafka.out" >&2
  fi
  if [[ -f "$KLOGS/server.log" ]]; then
    echo "----- last 40 lines of $KLOGS/server.log -----" >&2
    tail -n 40 "$KLOGS/server.log" >&2
  fi
  echo "-----" >&2
}

# JVM for the CLI tool classes (broker classpath, quiet log4j2, fast start)
JAVA_TOOL=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Dlog4j2.configurationFile="$KTOOLS_LOG4J" -cp "$KLIBS/*")

have_py_kafka() { [[ -x "$PY" ]] && "$PY" -c 'import confluent_kafka' 2>/dev/null; }

# One readiness probe: the broker serves metadata and lists itself.
probe() {
  if have_py_kafka; then
    "$PY" - "$BOOTSTRAP" <<'PYEOF' >/dev/null 2>&1
import sys
from confluent_kafka.admin import AdminClient
md = AdminClient({"bootstrap.servers": sys.argv[1], "log_level": 0}).list_topics(timeout=5)
sys.exit(0 if md.brokers else 1)
PYEOF
  else
    timeout 30 "${JAVA_TOOL[@]}" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1 9>&-
  fi
}

# ------------------------------------------------------------- resolution ---

resolve_kafka_libs() {
  local want
  want="$(pom_hash "$KAFKA_POM")"
  if [[ -f "$KLIBS_STAMP" && "$(cat "$KLIBS_STAMP")" == "$want" ]] \
      && compgen -G "$KLIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "resolving Kafka broker jars from Maven Central into .kafka/libs/ ..."
  local t0=$SECONDS tmp
  mkdir -p "$KDIR"
  tmp="$(mktemp -d "$KDIR/.libs.XXXXXX")"
  CLEANUP+=("$tmp")
  mvn_copy "$KAFKA_POM" "$tmp"
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "kafka_2.13 jar missing after resolution"
  echo "$want" >"$tmp/.resolved"
  rm -rf "$KLIBS"
  mv "$tmp" "$KLIBS"
  log "resolved $(ls "$KLIBS"/*.jar | wc -l) jars in $((SECONDS - t0)) s"
}

# lib/ is shared with other tooling: only the jars listed in the stamp (i.e.
# copied by an earlier run) are replaced, nothing else in lib/ is touched.
resolve_flink_jars() {
  local want
  want="$(jars_hash)"
  if [[ -f "$JARS_STAMP" ]] && [[ "$(head -n1 "$JARS_STAMP")" == "$want" ]]; then
    local ok=1 j
    while IFS= read -r j; do
      [[ -f "$FLINK_LIB/$j" ]] || ok=0
    done < <(tail -n +2 "$JARS_STAMP")
    if ((ok)); then
      log "lib/ jars up to date ($(tail -n +2 "$JARS_STAMP" | wc -l) jars)"
      return 0
    fi
  fi
  log "resolving Flink connector jars from Maven Central into lib/ ..."
  local t0=$SECONDS tmp j
  mkdir -p "$FLINK_LIB"
  tmp="$(mktemp -d "$FLINK_LIB/.resolve.XXXXXX")"
  CLEANUP+=("$tmp")
  mvn_copy "$JARS_POM" "$tmp"
  compgen -G "$tmp/*.jar" >/dev/null || die "no jar resolved from $JARS_POM"
  build_sink "$tmp"
  if [[ -f "$JARS_STAMP" ]]; then
    while IFS= read -r j; do
      [[ -n "$j" && "$j" != */* ]] && rm -f "$FLINK_LIB/$j"
    done < <(tail -n +2 "$JARS_STAMP")
  fi
  {
    echo "$want"
    for j in "$tmp"/*.jar; do
      mv -f "$j" "$FLINK_LIB/"
      basename "$j"
    done
  } >"$JARS_STAMP.tmp"
  mv "$JARS_STAMP.tmp" "$JARS_STAMP"
  log "lib/: $(tail -n +2 "$JARS_STAMP" | tr '\n' ' ')($((SECONDS - t0)) s)"
}

# ----------------------------------------------------------------- config ---

write_config() {
  mkdir -p "$KLOGS"
  cat >"$KCONF" <<EOF
# Generated by scripts/kafka.sh on every 'up' -- do not edit, change the script.
# Single-node KRaft: this process is both broker and (sole) controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$KDATA

num.partitions=1
default.replication.factor=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0

# single node: internal topics with replication factor 1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# transaction.max.timeout.ms stays at the broker default 900000 (15 min):
# a Flink EXACTLY_ONCE KafkaSink must set transaction.timeout.ms <= 900000
# explicitly (the KafkaSink default is 1 h, which this broker rejects).

# keep a test broker light
log.retention.hours=24
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF

  cat >"$KLOG4J" <<'EOF'
# Generated by scripts/kafka.sh: broker logging (log4j2 via log4j-slf4j-impl)
status = warn
name = maskstream-kafka
appender.server.type = RollingFile
appender.server.name = SERVER
appender.server.fileName = ${sys:kafka.logs.dir}/server.log
appender.server.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 20MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = SERVER
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF

  cat >"$KTOOLS_LOG4J" <<'EOF'
# Generated by scripts/kafka.sh: CLI tools log warnings to stderr only
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

random_cluster_id() { # 16 random bytes, base64url without padding (22 chars)
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

format_storage() {
  local cid out
  cid="$(random_cluster_id)"
  # Kafka 4.x: a combined node configured with controller.quorum.bootstrap.servers
  # (dynamic quorum, KIP-853) is formatted with --standalone; with the static
  # controller.quorum.voters it would be formatted without that flag.
  if ! out="$("${JAVA_TOOL[@]}" kafka.tools.StorageTool format --standalone \
      --cluster-id "$cid" --config "$KCONF" 2>&1 9>&-)"; then
    err "storage format failed:"
    printf '%s\n' "$out" >&2
    exit 1
  fi
}

# ------------------------------------------------------------ subcommands ---

wait_ready() { # pid
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KPID"
      err "broker process $pid exited during startup"
      print_log_tail
      exit 1
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_PORT" && probe; then
      return 0
    fi
    sleep 0.5
  done
  err "broker not ready after ${KAFKA_START_TIMEOUT} s; stopping it"
  print_log_tail
  stop_pid "$pid"
  rm -f "$KPID"
  exit 1
}

cmd_up() {
  lock
  local pid
  if pid="$(broker_pid)"; then
    local running
    running="$(running_bootstrap)"
    if [[ -n "$running" && "$running" != "$BOOTSTRAP" ]]; then
      die "broker already running (pid $pid) with bootstrap $running, not $BOOTSTRAP; run 'down' first"
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "already running (pid $pid); bootstrap: $BOOTSTRAP"
      return 0
    fi
    log "broker pid $pid alive but $BOOTSTRAP not answering yet; waiting ..."
    wait_ready "$pid"
    log "ready (pid $pid); bootstrap: $BOOTSTRAP"
    return 0
  fi
  rm -f "$KPID"
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$KAFKA_HOST" "$p"; then
      die "$KAFKA_HOST:$p is already in use by another process (not our broker); set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
  command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17+ required)"

  resolve_kafka_libs
  write_config
  # A stale data dir (broker killed without `down`) is discarded: every `up`
  # starts an empty, freshly formatted single-node cluster.
  rm -rf "$KDATA"
  mkdir -p "$KDATA" "$KLOGS"
  # fresh server.log per run (the previous one is kept as server.log.prev)
  rm -f "$KLOGS"/server.log.[0-9]* "$KLOGS/server.log.prev"
  [[ -f "$KLOGS/server.log" ]] && mv "$KLOGS/server.log" "$KLOGS/server.log.prev"
  format_storage

  local t0=$SECONDS
  # shellcheck disable=SC2086
  setsid java $KAFKA_HEAP_OPTS -server \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$KLOGS" \
    -Dlog4j2.configurationFile="$KLOG4J" \
    -cp "$KLIBS/*" kafka.Kafka "$KCONF" \
    </dev/null >"$KLOGS/kafka.out" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$KPID"
  log "started broker (pid $pid), waiting up to ${KAFKA_START_TIMEOUT} s for $BOOTSTRAP ..."
  wait_ready "$pid"
  log "ready in $((SECONDS - t0)) s (pid $pid, logs: .kafka/logs/server.log)"
  log "bootstrap: $BOOTSTRAP"
}

stop_pid() { # pid
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < KAFKA_STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  err "broker pid $pid still alive after ${KAFKA_STOP_TIMEOUT} s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

cmd_down() {
  lock
  local pid
  if pid="$(broker_pid)"; then
    log "stopping broker (pid $pid) ..."
    stop_pid "$pid"
    log "stopped"
  else
    log "not running"
  fi
  rm -f "$KPID"
  rm -rf "$KDATA"
}

cmd_status() {
  local pid bs
  if pid="$(broker_pid)"; then
    bs="$(running_bootstrap)"
    bs="${bs:-$BOOTSTRAP}"
    if port_open "${bs%:*}" "${bs##*:}"; then
      echo "kafka: running (pid $pid, bootstrap $bs)"
      return 0
    fi
    echo "kafka: not running (pid $pid alive but $bs not answering)"
  else
    echo "kafka: not running"
  fi
  return 1
}

cmd_topic() {
  [[ $# -eq 2 ]] || die "usage: kafka.sh topic NAME PARTITIONS"
  local name="$1" parts="$2"
  [[ "$name" =~ ^[A-Za-z0-9._-]{1,249}$ ]] || die "invalid topic name: $name"
  [[ "$parts" =~ ^[1-9][0-9]*$ ]] || die "PARTITIONS must be a positive integer: $parts"
  broker_pid >/dev/null || die "broker not running (run: bash scripts/kafka.sh up)"
  local bs
  bs="$(running_bootstrap)"
  BOOTSTRAP="${bs:-$BOOTSTRAP}"
  port_open "${BOOTSTRAP%:*}" "${BOOTSTRAP##*:}" || die "broker not answering at $BOOTSTRAP"
  if have_py_kafka; then
    "$PY" - "$BOOTSTRAP" "$name" "$parts" <<'PYEOF'
import sys
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, name, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": bootstrap})
try:
    admin.create_topics([NewTopic(name, parts, 1)], request_timeout=30)[name].result(60)
    print(f"kafka.sh: created topic {name} ({parts} partitions)")
except KafkaException as e:
    if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
        raise
    have = len(admin.list_topics(name, timeout=10).topics[name].partitions)
    note = "" if have == parts else f" (WARNING: it has {have} partitions, not {parts})"
    print(f"kafka.sh: topic {name} already exists{note}")
PYEOF
  else
    "${JAVA_TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --create --if-not-exists --topic "$name" \
      --partitions "$parts" --replication-factor 1 9>&-
    log "topic $name ready"
  fi
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    topic) cmd_topic "$@" ;;
    jars) lock; resolve_flink_jars ;;
    libs) lock; resolve_kafka_libs ;;
    -h | --help | help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
    *) err "usage: $0 up|down|status|topic NAME PARTITIONS|jars|libs"; exit 2 ;;
  esac
}

main "$@"
