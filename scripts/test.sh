#!/usr/bin/env bash
# Sets up and runs every test tier: unit, integration (real PostgreSQL/Redis/RabbitMQ), end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-infra.sh
bash scripts/install-deps.sh
npm run build --silent
npx jest --selectProjects unit integration e2e "$@"
