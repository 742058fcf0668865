# maskstream — `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MS := $(VENV)/bin/maskstream
VENV_STAMP := $(VENV)/.installed
KEY_FILE := .secrets/token.key
ROWS ?= 100000
# `make bench` (bench/suite.py): events per variant.
BENCH_ROWS ?= 1000000
PAYMENT_ROWS ?= 20000
# Both generators draw from the same pool of customers, so payments join customers.
CUSTOMERS ?= 5000
PAYMENTS := conf/policies/payments.yaml
# `make run` keeps everything it writes under DEMO (its own DATA_DIR, conf/maskstream.yaml),
# and clears only that folder, only when its marker says `make run` made it. Your datasets go
# under data/raw/<dataset>/ (the default DATA_DIR, data), which no target touches.
DEMO := data/demo
DEMO_MARK := $(DEMO)/.made-by-make-run
DEMO_VARS := --var DATA_DIR=$(DEMO)

.PHONY: help venv key run sql-client run-kafka kafka-topics test test-unit bench bench-ops bench-profile bench-scrub bench-budget bench-leaks bench-kafka up submit down session-up session-down lint format clean

include mk/kafka.mk

help: ## List the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(VENV_STAMP) ## Create .venv and install maskstream with its dev tools

$(VENV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

key: $(KEY_FILE) ## Create a random local token key in .secrets/ (git-ignored)

$(KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	@echo "created $@ (a local demo key; never commit it)"

run: venv key jars ## Generate customers and payments, mask, audit, verify and query them on the embedded MiniCluster
	@if [ -e $(DEMO) ] && [ ! -f $(DEMO_MARK) ]; then \
		echo "$(DEMO) was not made by \`make run\` (no $(DEMO_MARK)): not clearing it." \
			"Fix: move your data to data/raw/<dataset>/ (see README), then remove $(DEMO)"; \
		exit 2; fi
	rm -rf $(DEMO)
	mkdir -p $(DEMO) && echo "made by make run, which clears this folder" > $(DEMO_MARK)
	$(MS) generate --rows $(ROWS) --customers $(CUSTOMERS) --out $(DEMO)/raw/customers
	$(MS) generate --dataset payments --rows $(PAYMENT_ROWS) --customers $(CUSTOMERS) \
		--out $(DEMO)/raw/payments
	MASKSTREAM_TOKEN_KEY_FILE=$(KEY_FILE) $(MS) run mask --show 2 $(DEMO_VARS)
	MASKSTREAM_TOKEN_KEY_FILE=$(KEY_FILE) $(MS) run mask --policy $(PAYMENTS) $(DEMO_VARS)
	$(MS) run audit $(DEMO_VARS)
	$(MS) run audit --policy $(PAYMENTS) $(DEMO_VARS)
	$(MS) audit --html $(DEMO)/audit-report.html $(DEMO_VARS)
	$(MS) verify $(DEMO_VARS)
	$(MS) verify --policy $(PAYMENTS) $(DEMO_VARS)
	$(MS) query --file sql/analyst/rows_per_day.sql $(DEMO_VARS)
	$(MS) query --file sql/analyst/payments_by_customer_city.sql $(DEMO_VARS)

sql-client: venv jars ## Flink SQL client (batch) over the masked and audit tables of `make run`
	scripts/sql-client.sh $(DEMO_VARS)

test: venv jars ## Run all tests: unit, MiniCluster, Kafka broker (installs and starts what it needs)
	@$(KAFKA_SH) up
	@MASKSTREAM_REQUIRE_KAFKA=1 $(PY) -m pytest; status=$$?; $(KAFKA_SH) down; exit $$status

kafka-topics: ## Create the kafka profile's topics on the local broker (raw: 3 partitions)
	@$(KAFKA_SH) topic customers.raw 3
	@$(KAFKA_SH) topic customers.masked 2

run-kafka: venv key jars ## Produce sample events to the local broker and mask them topic to topic
	@$(KAFKA_SH) up
	@$(MAKE) --no-print-directory kafka-topics
	$(MS) produce --rows $(ROWS) --topic customers.raw
	MASKSTREAM_TOKEN_KEY_FILE=$(KEY_FILE) $(MS) run mask --env kafka --bounded
	$(MS) consume --topic customers.masked --max 2

test-unit: venv ## Run the fast tests only: no JVM, no jars, no broker (tests/unit and bench/'s own checks)
	$(PY) -m pytest tests/unit bench

bench: venv jars ## Benchmark suite: copy, native SQL, mask job, row UDFs on $(BENCH_ROWS) events; per-operator values/s
	$(PY) bench/suite.py --rows $(BENCH_ROWS)
	$(PY) bench/operators.py

bench-profile: venv ## Where the Python worker's time goes: the mask UDF on 100,000 rows under cProfile
	$(PY) bench/profile_worker.py

bench-ops: venv ## Per-operator microbenchmarks only: values/s of each operator on 1,000,000 values, one thread
	$(PY) bench/operators.py

bench-scrub: venv ## Benchmark: scrub vs Microsoft Presidio on 20,000 generated notes (installs Presidio in .venv-bench)
	@test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	@.venv-bench/bin/python -m pip install -q "presidio-analyzer==2.2.366" "presidio-anonymizer==2.2.366" \
		"pandas<2.3" "pyarrow<21" "pydantic>=2.7,<3" PyYAML "Faker>=30,<41" \
		"phonenumbers==9.0.43" "python-stdnum==2.2" "pyahocorasick==2.3.1"
	.venv-bench/bin/python bench/scrub_vs_presidio.py --notes 20000

bench-budget: venv ## Hostile 16 KiB notes: scrub time per byte against ordinary notes, and which go over budget
	$(PY) bench/scrub_budget.py

bench-leaks: venv ## What survives masking: raw values on generated events, planted mentions in 10 locales
	$(PY) bench/leak_corpus.py

bench-kafka: venv jars ## Benchmark on the local broker: throughput and end-to-end latency
	@$(KAFKA_SH) up
	$(PY) bench/kafka_latency.py --rows $(ROWS)

COMPOSE ?= docker compose -f docker/compose.yaml

up: ## Start the docker compose Flink session with Kafka (needs a Docker engine)
	@test -f docker/secrets/token.key || (mkdir -p docker/secrets && umask 077 && \
		$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > docker/secrets/token.key)
	$(COMPOSE) up -d --build

submit: ## Produce sample events and submit the mask and audit jobs to the compose session
	$(COMPOSE) run --rm submit

down: ## Stop the docker compose session
	$(COMPOSE) down

session-up: venv jars ## Start a standalone session cluster from the PyFlink wheel (export the key first)
	@bash scripts/session-cluster.sh up

session-down: ## Stop the standalone session cluster
	@bash scripts/session-cluster.sh down

lint: venv ## Check lint, formatting (ruff) and the layer contracts maskstream -> jobs -> udfs (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: venv ## Format the code (ruff)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## Remove what `make run` made, logs and caches (keeps .venv, the key and data/raw, data/masked, data/state)
	rm -rf $(if $(wildcard $(DEMO_MARK)),$(DEMO)) log .pytest_cache .ruff_cache

.PHONY: report-screenshot
# Width,height of the screenshot: tall enough for a day of windows and their seals.
REPORT_WINDOW ?= 1280,8000

report-screenshot: ## Screenshot the report of `make run` in headless Chromium (data/demo/audit-report.png)
	@test -f $(DEMO)/audit-report.html || { echo "no $(DEMO)/audit-report.html: run \`make run\` first"; exit 2; }
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--screenshot=$(DEMO)/audit-report.png --window-size=$(REPORT_WINDOW) \
		file://$(CURDIR)/$(DEMO)/audit-report.html
