#!/usr/bin/env bash
# A standalone Flink session cluster from the PyFlink wheel's own bin/, configured with the
# project's conf/config.yaml (plus session settings: 2 task slots, REST port). Its FLINK_HOME is
# .flink/home: the wheel's scripts and jars (linked), flink-python and the connector jars in lib/.
# The TaskManager inherits this shell's environment: export the token key variables first (a key
# given as a value reaches the cluster only as a file: see keep_key_out_of_environment).
#   up | down | status | taskmanager-start | taskmanager-pids
set -euo pipefail
cd "$(dirname "$0")/.."
# PyFlink exports these into its own process; inherited, they would point the cluster at the
# wheel's lib/ (without flink-python) instead of .flink/home.
unset FLINK_HOME FLINK_LIB_DIR FLINK_OPT_DIR FLINK_PLUGINS_DIR FLINK_BIN_DIR
PROJECT="$(pwd)"
PY="${PY:-$PROJECT/.venv/bin/python}"
HOME_DIR="$PROJECT/.flink/home"
PORT="${FLINK_REST_PORT:-18081}"
export FLINK_CONF_DIR="$HOME_DIR/conf" FLINK_LOG_DIR="$PROJECT/.flink/log"
export FLINK_PID_DIR="$PROJECT/.flink/pids"
SECRETS_DIR="$PROJECT/.flink/secrets"

# Flink starts each Python worker with the TaskManager's whole environment, and Beam logs it
# (DefaultJobBundleFactory "Closing environment", INFO): a MASKSTREAM_TOKEN_KEY value moves into
# a file only this user can read, and the cluster gets its path (as jobs/key_handoff.py does for
# the MiniCluster). printf is a builtin: the key never shows in a process list.
keep_key_out_of_environment() {
  if [ -z "${MASKSTREAM_TOKEN_KEY:-}" ]; then return 0; fi
  if [ -z "${MASKSTREAM_KEYSET_FILE:-}${MASKSTREAM_TOKEN_KEY_FILE:-}" ]; then
    mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
    (umask 077 && printf '%s' "$MASKSTREAM_TOKEN_KEY" > "$SECRETS_DIR/token.key")
    export MASKSTREAM_TOKEN_KEY_FILE="$SECRETS_DIR/token.key"
  fi
  unset MASKSTREAM_TOKEN_KEY
}

setup() {
  local wheel
  wheel="$("$PY" -c 'import os, pyflink; print(os.path.dirname(pyflink.__file__))')"
  rm -rf "$HOME_DIR" "$FLINK_PID_DIR"
  mkdir -p "$HOME_DIR"/{lib,conf} "$FLINK_LOG_DIR" "$FLINK_PID_DIR"
  cp -r "$wheel/bin" "$HOME_DIR/bin"   # real copies: the scripts find FLINK_HOME from their path
  ln -s "$wheel/opt" "$HOME_DIR/opt"
  ln -s "$wheel/plugins" "$HOME_DIR/plugins"
  ln -s "$wheel"/lib/*.jar "$HOME_DIR/lib/"
  ln -s "$wheel"/opt/flink-python-*.jar "$HOME_DIR/lib/"
  if compgen -G "$PROJECT/lib/*.jar" > /dev/null; then ln -s "$PROJECT"/lib/*.jar "$HOME_DIR/lib/"; fi
  cp "$wheel"/conf/log4j*.properties "$wheel"/conf/logback*.xml "$HOME_DIR/conf/"
  echo "localhost:$PORT" > "$HOME_DIR/conf/masters"
  echo localhost > "$HOME_DIR/conf/workers"
  "$PY" - "$wheel/conf/config.yaml" "$PROJECT/conf/config.yaml" "$HOME_DIR/conf/config.yaml" "$PORT" "$PY" <<'PYEOF'
import sys
import yaml
from jobs.config import flatten
wheel, project, out, port, python = sys.argv[1:]
conf = flatten(yaml.safe_load(open(wheel)))
conf.update(flatten(yaml.safe_load(open(project))))  # the project's settings win
conf.update({
    "taskmanager.numberOfTaskSlots": "2",
    "rest.port": port,
    "jobmanager.memory.process.size": "1024m",
    "taskmanager.memory.process.size": "1728m",
    "python.executable": python,
    "python.client.executable": python,
})
with open(out, "w") as handle:
    yaml.safe_dump(conf, handle)
PYEOF
}

wait_ready() {
  for _ in $(seq 1 60); do
    if curl -sf "http://127.0.0.1:$PORT/overview" | grep -q '"taskmanagers":[1-9]'; then
      echo "session cluster ready: http://127.0.0.1:$PORT"
      return 0
    fi
    sleep 1
  done
  echo "session cluster did not become ready; see $FLINK_LOG_DIR" >&2
  return 1
}

case "${1:-}" in
  up)
    setup
    keep_key_out_of_environment
    "$HOME_DIR/bin/start-cluster.sh"
    wait_ready
    ;;
  down)
    if [ -x "$HOME_DIR/bin/stop-cluster.sh" ]; then "$HOME_DIR/bin/stop-cluster.sh" || true; fi
    rm -rf "$SECRETS_DIR"
    ;;
  status)
    curl -sf "http://127.0.0.1:$PORT/overview" && echo
    ;;
  taskmanager-start)
    keep_key_out_of_environment
    "$HOME_DIR/bin/taskmanager.sh" start
    wait_ready
    ;;
  taskmanager-pids)
    # Live ones only: a SIGKILLed TaskManager's pid stays in the file.
    for pid in $(cat "$FLINK_PID_DIR"/*taskexecutor*.pid 2>/dev/null); do
      if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
    done
    ;;
  *)
    echo "usage: $0 up|down|status|taskmanager-start|taskmanager-pids" >&2
    exit 2
    ;;
esac
