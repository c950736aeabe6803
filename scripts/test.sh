#!/usr/bin/env bash
# Set up and run every check: lint and format (ruff), the test suite, then the host API type checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q -p no:cacheprovider
if [ -f tools/check_hosts.sh ]; then bash tools/check_hosts.sh; fi
