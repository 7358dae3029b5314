# Ruta — the two commands a newcomer needs are `make shell` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
MODEL := models/ruta.tar.gz
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py)

.PHONY: shell serve test bench eval venv train lint validate unit e2e rasa-test clean

venv: .venv/.requirements.sha
.venv/.requirements.sha: requirements.txt scripts/venv.sh
	@scripts/venv.sh

# Train only when the NLU/dialogue data or config changed (content in knowledge_base/ never needs it).
train: $(MODEL)
$(MODEL): .venv/.requirements.sha $(MODEL_INPUTS)
	$(RASA) train --fixed-model-name ruta --out models --quiet

shell: venv $(MODEL)
	@scripts/run.sh shell

serve: venv $(MODEL)
	@scripts/run.sh serve

lint: venv
	.venv/bin/ruff check bot actions tests bench scripts

validate: venv
	$(RASA) data validate --fail-on-warnings --quiet
	$(PY) -m bot kb validate

unit: venv
	$(PY) -m pytest tests/unit -q

e2e: venv $(MODEL)
	$(PY) -m pytest tests/e2e -q

rasa-test: venv $(MODEL)
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results/core
	$(RASA) test nlu --nlu data/nlu --cross-validation --folds 3 --out results/nlu
	$(PY) -m bot.nlu_report results/nlu

test: venv $(MODEL)
	@scripts/test.sh

bench: venv $(MODEL)
	@scripts/bench.sh

# The evaluation set (tests/eval/): accuracy per class and language; starts its own servers unless
# EVAL_ARGS="--url http://127.0.0.1:5005". A measurement, not a gate: it exits 0 whatever the score.
eval: venv $(MODEL)
	.venv/bin/python scripts/eval.py $(EVAL_ARGS)

clean:
	rm -rf models results .run ruta.db
