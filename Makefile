# Ruta — the two commands a newcomer needs are `make shell` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
MODEL := models/ruta.tar.gz
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py) \
	bot/rasa/gazetteer_extractor.py

# The checks `make test` runs, in order; each is a target below, and scripts/test.sh runs them all,
# reporting every failure (not only the first).
CHECKS := lint validate unit e2e stories nlu-eval

.PHONY: help shell serve test bench eval venv train $(CHECKS) clean

help: ## list the targets
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

venv: .venv/.requirements.sha ## the Python 3.10 venv with the pinned requirements
.venv/.requirements.sha: requirements.txt scripts/venv.sh
	@scripts/venv.sh

# Train only when the NLU/dialogue data or config changed (content in knowledge_base/ never needs it).
train: $(MODEL) ## the model, only when its NLU/dialogue data or config changed
$(MODEL): .venv/.requirements.sha $(MODEL_INPUTS)
	$(RASA) train --fixed-model-name ruta --out models --quiet

shell: venv $(MODEL) ## a chat in the terminal
	@scripts/run.sh shell

serve: venv $(MODEL) ## Rasa, the action server and the retention purge, each supervised
	@scripts/run.sh serve

test: venv $(MODEL) ## every check: lint validate unit e2e stories nlu-eval (CHECKS), each failure reported
	@scripts/test.sh $(CHECKS)

lint: venv ## ruff over bot, actions, tests, bench and scripts
	.venv/bin/ruff check bot actions tests bench scripts

validate: venv ## Rasa's data validation and the knowledge base (python -m bot kb validate)
	$(RASA) data validate --fail-on-warnings --quiet
	$(PY) -m bot kb validate

# Runs pytest on $(1) and leaves its status in $$rc; collecting no tests (exit 5) is a broken suite.
pytest = $(PY) -m pytest $(1) -q -rs; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests in $(1): a broken suite, not a pass" >&2; rc=1; fi

unit: venv ## unit tests: plain Python, no model and no servers
	@$(call pytest,tests/unit); exit $$rc

e2e: venv $(MODEL) ## end-to-end tests: real model and servers, SQLite, and PostgreSQL and Redis started here
	@scripts/services.sh start; started=$$?; \
	if [ $$started -eq 0 ]; then set -a; . .run/services.env; set +a; fi; \
	$(call pytest,tests/e2e); scripts/services.sh stop >/dev/null 2>&1 || true; \
	if [ $$started -ne 0 ]; then echo "PostgreSQL/Redis did not start: their tests were skipped" >&2; rc=1; fi; \
	exit $$rc

stories: venv $(MODEL) ## Rasa's test stories (tests/stories) against the model
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results/core --quiet

nlu-eval: venv ## NLU cross-validation, F1 per language (scripts/nlu_eval.sh)
	@scripts/nlu_eval.sh

bench: venv $(MODEL) ## speed and memory figures (scripts/bench.sh)
	@scripts/bench.sh

# The evaluation set (tests/eval/): accuracy per class and language; starts its own servers unless
# EVAL_ARGS="--url http://127.0.0.1:5005". A measurement, not a gate: it exits 0 whatever the score.
eval: venv $(MODEL) ## accuracy on the evaluation set (a measurement: exits 0 whatever the score)
	.venv/bin/python scripts/eval.py $(EVAL_ARGS)

clean: ## remove the model, results, run files and the local database
	rm -rf models results .run ruta.db
