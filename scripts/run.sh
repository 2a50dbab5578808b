#!/usr/bin/env bash
# The README's first command: install the project and serve the Ludwigsburg demo
# at http://127.0.0.1:8050 (the demo is built on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e .   # tested versions (scripts/update-constraints.sh)
exec .venv/bin/stadtkarte serve "$@"
