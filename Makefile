.PHONY: help install check test build bench load
help:  ## list the commands
	@grep -E '^[a-z]+:.*##' Makefile | sed 's/:.*##/\t/'
install:  ## install the project with its development tools
	pip install -e ".[dev]"
check:  ## lint, format check, types
	ruff check . && ruff format --check . && mypy
test:  ## the test suite (the README's test command)
	python -m pytest
build:  ## regenerate kg/provisions.ttl from the Formex files
	aiact build --strict
bench:  ## benchmarks, on demand
	python bench/bench_store.py && python bench/bench_validate.py
load:  ## 60 s of mixed traffic against a fresh service: throughput, latency per route, errors, memory
	python bench/load.py
