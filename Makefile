.PHONY: help install check test build bench load
help:  ## list the commands
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'
install:  ## install the project with its development tools
	pip install -e ".[dev]"
check:  ## lint, format check, types
	ruff check . && ruff format --check . && mypy
test:  ## the test suite (the README's test command)
	python -m pytest
build:  ## regenerate kg/provisions.ttl from the Formex files
	aiact build --strict
.PHONY: generate
generate:  ## regenerate every generated file: the graph and its manifest, the ontology docs, the schemas
	aiact build --strict
	aiact docs
	python -m reasoner.schema
	python -m reasoner.report_schema
	python -m reasoner.model_card
bench:  ## benchmarks, on demand
	python bench/bench_store.py && python bench/bench_validate.py && python bench/bench_validate_http.py && python bench/bench_shacl.py && python bench/bench_batch.py && python bench/bench_sparql.py && python bench/bench_startup.py
load:  ## 60 s of mixed traffic against a fresh service: throughput, latency per route, errors, memory
	python bench/load.py
.PHONY: wheel-check
wheel-check:  ## build the wheel, install it alone in a clean virtualenv, check the service and CLI run from it
	python .ci/wheel-check
.PHONY: vendor
vendor:  ## refresh the vendored front-end libraries (api/static/vendor/, pinned in scripts/vendor.py; needs npm)
	python scripts/vendor.py
