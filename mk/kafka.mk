# mk/kafka.mk -- local Kafka broker + Flink connector jars.
# Included by the top-level Makefile (`include mk/kafka.mk`), which defines
# PY := .venv/bin/python and a `venv` target. All logic lives in
# scripts/kafka.sh; see `bash scripts/kafka.sh help`.
#
# Environment / command-line overrides read by the script: KAFKA_PORT (19092),
# KAFKA_CONTROLLER_PORT (19093), KAFKA_HEAP_OPTS, KAFKA_START_TIMEOUT, MVN,
# MVN_FLAGS -- e.g. `make kafka-up KAFKA_PORT=29092`.
# Flink EXACTLY_ONCE sinks: transaction.timeout.ms must be set explicitly and be
# <= 900000 (the broker's default transaction.max.timeout.ms, which we keep);
# the KafkaSink's own default (1 h) is rejected by the broker.

KAFKA_SH ?= bash scripts/kafka.sh

# lib/ jars listed in build/jars/pom.xml (for pipeline.jars); the script keeps a
# stamp (lib/.jars.resolved: pom hash + jar names), so this is a ~10 ms no-op
# when nothing changed and re-resolves when the pom changes or a jar is gone.
FLINK_JARS_STAMP := lib/.jars.resolved

.PHONY: jars kafka-libs kafka-up kafka-down kafka-status

jars: ## Resolve the Flink connector jars (build/jars/pom.xml) into lib/ if missing
	@$(KAFKA_SH) jars

$(FLINK_JARS_STAMP): build/jars/pom.xml
	@$(KAFKA_SH) jars

kafka-libs: ## Resolve the Kafka broker jars (build/kafka/pom.xml) into .kafka/libs/ if missing
	@$(KAFKA_SH) libs

kafka-up: ## Start the local KRaft Kafka broker on 127.0.0.1:19092 (KAFKA_PORT) and wait until ready
	@$(KAFKA_SH) up

kafka-down: ## Stop the local Kafka broker and wipe its data (.kafka/data)
	@$(KAFKA_SH) down

kafka-status: ## Show whether the local Kafka broker is running (exit 1 if not)
	@$(KAFKA_SH) status
