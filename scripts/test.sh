#!/usr/bin/env bash
# The README's test command: install the project with its test extras and the
# browser-test helpers from the npm registry, lint and type-check, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"   # tested versions (scripts/update-constraints.sh)
npm ci --silent --no-audit --no-fund
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
