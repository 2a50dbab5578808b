#!/usr/bin/env bash
# Regenerate constraints.txt: the exact versions of every Python package (runtime and
# test extras) that `bash scripts/test.sh` installs. Run it after changing the
# dependencies in pyproject.toml or to take newer releases, then run the tests and
# commit constraints.txt with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
"$tmp/venv/bin/python" -m pip install -q -e ".[test]"
{
  echo "# Tested versions of every Python dependency (runtime + test extras), used by"
  echo "# scripts/run.sh, scripts/test.sh and CI as 'pip install -c constraints.txt ...'."
  echo "# Regenerate with: bash scripts/update-constraints.sh (Python $("$tmp/venv/bin/python" -c 'import sys; print(".".join(map(str, sys.version_info[:2])))'))"
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable --all | grep -viE '^(pip|setuptools|wheel)=='
} > constraints.txt
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
