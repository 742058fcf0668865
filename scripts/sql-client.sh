#!/usr/bin/env bash
# The Flink SQL client over the analyst tables (masked, audit, leaks, quarantine; never raw),
# in batch mode on a local embedded executor: no cluster needed. Its FLINK_HOME is
# .flink/sql-client-home: the wheel's scripts and jars, the project's jars (Parquet), and the
# SQL gateway jar (resolved from Maven Central, build/sql-client/pom.xml).
#   scripts/sql-client.sh [--var KEY=VALUE ...] [sql-client options, e.g. -f query.sql]
set -euo pipefail
cd "$(dirname "$0")/.."
# PyFlink exports these into its own process; inherited, they would point at the wheel instead.
unset FLINK_HOME FLINK_LIB_DIR FLINK_OPT_DIR FLINK_PLUGINS_DIR FLINK_BIN_DIR FLINK_CONF_DIR
PROJECT="$(pwd)"
PY="${PY:-$PROJECT/.venv/bin/python}"
MS="$PROJECT/.venv/bin/maskstream"
HOME_DIR="$PROJECT/.flink/sql-client-home"
INIT="$PROJECT/.flink/analyst-init.sql"
POM="$PROJECT/build/sql-client/pom.xml"

vars=()
while [[ $# -gt 0 && "$1" == --var ]]; do vars+=(--var "$2"); shift 2; done

setup() {
  local wheel
  wheel="$("$PY" -c 'import os, pyflink; print(os.path.dirname(pyflink.__file__))')"
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR"/{lib,opt,conf,log}
  cp -r "$wheel/bin" "$HOME_DIR/bin"   # real copies: the scripts find FLINK_HOME from their path
  ln -s "$wheel"/lib/*.jar "$HOME_DIR/lib/"
  ln -s "$PROJECT"/lib/*.jar "$HOME_DIR/lib/"
  ln -s "$wheel"/opt/flink-sql-client-*.jar "$wheel"/opt/flink-python-*.jar "$HOME_DIR/opt/"
  ln -s "$wheel/plugins" "$HOME_DIR/plugins"
  cp "$wheel"/conf/log4j*.properties "$wheel"/conf/config.yaml "$HOME_DIR/conf/"
  mvn -B -q -f "$POM" dependency:copy-dependencies -DoutputDirectory="$HOME_DIR/opt" \
    | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2
  ready_stamp > "$HOME_DIR/.ready"
}

# Set up again when the gateway pom or the project's jars change (they are linked, by name).
ready_stamp() { { sha256sum "$POM"; ls "$PROJECT"/lib/*.jar; } | sha256sum; }

compgen -G "$PROJECT/lib/*.jar" > /dev/null || { echo "sql-client.sh: run \`make jars\` first" >&2; exit 1; }
if [[ "$(cat "$HOME_DIR/.ready" 2>/dev/null)" != "$(ready_stamp)" ]]; then setup; fi
"$MS" sql-init "${vars[@]}" --out "$INIT"
export FLINK_LOG_DIR="$HOME_DIR/log"
exec "$HOME_DIR/bin/sql-client.sh" embedded -i "$INIT" -Dexecution.target=local "$@"
