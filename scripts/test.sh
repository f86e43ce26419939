#!/usr/bin/env bash
# Sets up and runs every test tier: unit, integration (real PostgreSQL/Redis/RabbitMQ), end-to-end,
# then the short fault-injection suite (only on a whole run: it stops and starts the local services).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install-deps.sh
npm run build --silent
npx jest --selectProjects unit integration e2e "$@"
if [ "$#" -eq 0 ]; then
  FAULTS_PROFILE=short npx jest --selectProjects faults --runInBand
fi
