#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer before the test runs.
# Usage: ensure-services.sh PG_URL REDIS_URL PYTHON
# Outside CI a missing service is only reported (its tests skip); with CI=true it is started when
# it is installed here but stopped, and the run fails if it still does not answer.
set -u
pg_url=$1 redis_url=$2 python=$3
check() { "$python" scripts/service_check.py "$1" "$2" 2>/dev/null; }
start_postgres() {
  command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] || return 1
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
}
start_redis() {
  command -v redis-server >/dev/null || return 1
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
}
status=0
for kind in postgres redis; do
  url=$pg_url; [ "$kind" = redis ] && url=$redis_url
  check "$kind" "$url" && continue
  if [ "${CI:-}" = "true" ]; then
    echo "$kind does not answer at $url: trying to start it"
    "start_$kind" >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do check "$kind" "$url" && break; sleep 0.5; done
    check "$kind" "$url" || { echo "CI=true: $kind at $url is required and not reachable"; status=1; }
  else
    echo "$kind does not answer at $url: its tests will be skipped (CI runs them)"
  fi
done
exit $status
