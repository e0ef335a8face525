# Entry points for setting up, running and testing the project locally and in CI.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Targets like test rely on their prerequisites running in order (install, then infra-up).
.NOTPARALLEL:

UV_VERSION := 0.13.8
VENV_PY := .venv/bin/python
# Exports the connection settings written by infra-up into the recipe's environment.
LOAD_INFRA_ENV := set -a && source .run/infra.env && set +a
# Exports the local model server's settings written by llm-up.
LOAD_LLM_ENV := set -a && source .run/llm.env && set +a

.PHONY: asyncapi demo help install ocr infra-up infra-down llm-up llm-down stack-up stack-down test lint eval bench-questions bench-ingest bench-modes bench-projection bench-gateway faults load chart-check

help:
	@echo "make install     sync .venv from uv.lock (installs uv $(UV_VERSION), and pip for it, if missing)"
	@echo "make ocr         install Tesseract and its eng, por, spa and rus languages with apt (for scanned PDFs)"
	@echo "make infra-up    start Kafka, PostgreSQL and Redis on 127.0.0.1; writes .run/infra.env"
	@echo "make infra-down  stop the servers infra-up started (and only those)"
	@echo "make llm-up      serve Gemma 3 270M (llama.cpp, OpenAI API) on 127.0.0.1:8090; writes .run/llm.env"
	@echo "                 (the first run builds llama-cpp-python: about ten minutes on two cores)"
	@echo "make llm-down    stop the model server llm-up started (and only that)"
	@echo "make stack-up    run the five services in the background against that infra"
	@echo "make stack-down  stop them"
	@echo "make test        install, ocr, infra-up, llm-up, then pytest with .run/infra.env and .run/llm.env exported"
	@echo "make lint        ruff check"
	@echo "make chart-check the Helm chart linted, rendered with each value set in its ci/ folder and validated against"
	@echo "                 Kubernetes 1.30's schemas; docker-compose.yml through the Compose loader (builds helm with go);"
	@echo "                 the compose stack's alert rules by promtool check rules and test rules (builds promtool with go)"
	@echo "make faults      kill -9, replicas, duplicates, poison, Kafka and PostgreSQL restarts on infra of its own, proved by a ledger (TENDERFLOW_FAULTS_FULL=1: the full run)"
	@echo "make eval        the dev set of real tenders (evaluation/expected_answers.toml), judged strictly; accuracy by format, language and question, calibration"
	@echo "make bench-questions  questions runner throughput at concurrency 4, 8 and 16 against the ideal"
	@echo "make bench-ingest  sandbox start cost; ingest MB/s, PDF pages/s and peak RSS on a ~500 MB package against bare zipfile/pypdfium2; OCR pages/s against bare Tesseract; 50 MB CSV and JSON against csv/json.load; XLSX and DOCX against bare openpyxl/python-docx"
	@echo "make bench-modes   embedded mode against the five-process stack on the real tenders (starts infra)"
	@echo "make bench-projection  the jobs projection folding 20,000 recorded job messages against a raw aiokafka consumer draining them (starts infra)"
	@echo "make bench-gateway  GET /v1/jobs/{id} through the gateway against a bare FastAPI endpoint, closed loop and at half load (starts infra)"
	@echo "make load        open-model uploads and status polls on the gateway of a stack of its own, stepped up to saturation (TENDERFLOW_LOAD_FULL=1: the full run)"

# The first command for a newcomer: everything in one process, no servers, no API key.
demo: install
	$(VENV_PY) samples/make_sample.py .run/sample-tender.zip
	@COLUMNS=160 $(VENV_PY) -m tenderflow_cli analyze .run/sample-tender.zip --data-dir .run/demo

# The AsyncAPI document is generated from the message contracts; a unit test fails when it is stale.
asyncapi: | $(VENV_PY)
	$(VENV_PY) -m tenderflow_common.asyncapi > docs/asyncapi.json

# uv comes from pip; on a machine whose Python has no pip, python3-pip is installed with apt-get first.
install:
	@scripts/install_uv.sh $(UV_VERSION)
	@if command -v uv >/dev/null; then uv sync --frozen; else python3 -m uv sync --frozen; fi

# Scanned PDF pages are OCR'd with Tesseract, a program from apt; without it they get the no_text_layer verdict.
ocr:
	scripts/ocr/install.sh

# The infra scripts use the venv's aiokafka; create the venv on a fresh checkout.
$(VENV_PY):
	$(MAKE) install

infra-up: | $(VENV_PY)
	scripts/infra/up.sh

infra-down:
	scripts/infra/down.sh

# The server runs from a venv of its own (.run/llm/venv, uv.lock's llm group); .venv runs the readiness check.
llm-up: | $(VENV_PY)
	scripts/llm/up.sh

llm-down:
	scripts/llm/down.sh

stack-up: | $(VENV_PY)
	scripts/stack/up.sh

stack-down:
	scripts/stack/down.sh

# pytest exits 5 when it collects no tests; that is a failure too, never a pass.
test: install ocr infra-up llm-up
	@$(LOAD_INFRA_ENV) && $(LOAD_LLM_ENV); status=0; $(VENV_PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if ((status == 5)); then echo "pytest collected no tests: failing" >&2; fi; \
	exit $$status

lint: | $(VENV_PY)
	$(VENV_PY) -m ruff check .

# Offline: helm and the Compose loader are built from the Go module proxy at pinned versions (tools/chart-check.sh).
chart-check: | $(VENV_PY)
	tools/chart-check.sh

# Offline and in process: ingest, workspace and questions domain code over ../shared/data/tenders (scans are
# OCR'd only when Tesseract is installed: make ocr).
eval: | $(VENV_PY)
	$(VENV_PY) -m evaluation $(EVAL_ARGS)

# The real RunRunner on SQLite with a fake 200 ms provider; prints wall time against the ideal.
bench-questions: | $(VENV_PY)
	$(VENV_PY) services/questions/benchmarks/run_throughput.py $(BENCH_ARGS)

# Builds the package once into .run/bench/ (BENCH_INGEST_DIR); BENCH_INGEST_MB=50 for a quick run.
bench-ingest: | $(VENV_PY)
	$(VENV_PY) services/ingest/benchmarks/bench_sandbox.py
	$(VENV_PY) services/ingest/benchmarks/bench_ingest.py
	$(VENV_PY) services/ingest/benchmarks/bench_stream.py
	$(VENV_PY) services/ingest/benchmarks/bench_office.py

# The same package of real tenders through embedded mode and through a stack of its own; prints the ratio.
bench-modes: install infra-up
	@$(LOAD_INFRA_ENV); $(VENV_PY) services/ingest/benchmarks/bench_modes.py

# 20,000 messages of 500 jobs recorded on fresh topics, drained raw and folded by the real jobs service; prints the ratio.
bench-projection: install infra-up
	@$(LOAD_INFRA_ENV); $(VENV_PY) services/jobs/benchmarks/bench_projection.py

# A stack of its own takes the sample tender to the end; its job read is then measured beside a bare FastAPI app.
bench-gateway: install infra-up
	@$(LOAD_INFRA_ENV); $(VENV_PY) services/gateway/benchmarks/bench_gateway.py

# The fault suite (tests/faults) selects itself only with -m faults, so `make test` does not run it too; the note
# of each fault's ledger and recovery time is written to .run/faults-report.md.
faults: install infra-up
	@$(LOAD_INFRA_ENV); status=0; $(VENV_PY) -m pytest tests/faults -m faults $(PYTEST_ARGS) \
		|| status=$$?; cat .run/faults-report.md 2>/dev/null || true; exit $$status

# Exits non-zero on a job lost or a 5xx below the saturated step; loopback only (a stack of its own on free ports).
load: install infra-up
	@$(LOAD_INFRA_ENV); $(VENV_PY) services/gateway/benchmarks/load.py
