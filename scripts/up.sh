#!/usr/bin/env bash
# Sets up and runs the whole system on this machine: infrastructure, dependencies, build,
# migrations, every service. Prints where it listens; Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install-deps.sh
npm run build --silent
exec node dist/tools/run-all.js
