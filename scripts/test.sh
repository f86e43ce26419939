#!/usr/bin/env bash
# Sets up and runs every test tier: unit, integration (real PostgreSQL/Redis/RabbitMQ), end-to-end,
# then, on a whole run only, the short fault-injection suite (it stops and starts the local
# services) and a short soak (300 s; `npm run soak` runs 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install-deps.sh
npm run build --silent
npx jest --selectProjects unit integration e2e "$@"
if [ "$#" -eq 0 ]; then
  FAULTS_PROFILE=short npx jest --selectProjects faults --runInBand
  SOAK_DURATION_S=300 SOAK_WARMUP_S=150 SOAK_SLOPE_FLOOR_MB_PER_MIN=4 npx jest --selectProjects soak --runInBand
fi
