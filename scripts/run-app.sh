#!/usr/bin/env bash
# Set everything up and start Kiko Livechat: SQLite file, one process, one port (default 3000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash scripts/setup.sh

port="$(python -c 'from kiko_livechat.settings import get_settings; print(get_settings().port)')"
python -m kiko_livechat.seed > /tmp/kiko-demo-logins.$$ || { cat /tmp/kiko-demo-logins.$$; exit 1; }

echo "==> starting the app on port $port (first start builds the frontend, about a minute)"
reflex run --env prod --single-port --frontend-port "$port" --backend-port "$port" &
app_pid=$!
trap 'kill $app_pid 2>/dev/null; rm -f /tmp/kiko-demo-logins.$$' EXIT INT TERM

for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/api/health" > /dev/null 2>&1 && curl -fsS "http://127.0.0.1:$port/login" > /dev/null 2>&1; then
    echo
    cat /tmp/kiko-demo-logins.$$
    echo "Stop with Ctrl+C."
    break
  fi
  kill -0 $app_pid 2>/dev/null || exit 1
  sleep 1
done
wait $app_pid
