# The two commands of the README. Both set everything up first (system packages, .venv).
.PHONY: setup run test

setup:
	bash scripts/setup.sh

run: setup
	.venv/bin/lotse build-graph
	.venv/bin/lotse serve

test: setup
	bash scripts/test.sh
