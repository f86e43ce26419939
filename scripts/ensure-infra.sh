#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer on localhost; starts (or installs) them if not.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v rabbitmq-server >/dev/null || need_apt+=(rabbitmq-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]}…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

if ! pg_isready -h localhost -p 5432 -q; then
  echo "Starting PostgreSQL…"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h localhost -p 5432 -q && break; sleep 1; done
fi
pg_isready -h localhost -p 5432 -q || { echo "PostgreSQL does not answer on localhost:5432" >&2; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  echo "Starting Redis…"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "Redis does not answer on localhost:6379" >&2; exit 1; }

if ! as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  echo "Starting RabbitMQ…"
  as_root rabbitmq-server -detached || true
  for _ in $(seq 1 90); do as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1 && break; sleep 1; done
fi
as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1 || { echo "RabbitMQ does not answer" >&2; exit 1; }
echo "PostgreSQL, Redis and RabbitMQ are up."
