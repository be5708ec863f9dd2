#!/usr/bin/env bash
# Starts PostgreSQL (with pg_cron), Redis, a loopback file server for the model reference and the AI Horde server,
# all on free 127.0.0.1 ports inside RUN_DIR, and writes RUN_DIR/pids (one "name pid" a line, for stop.sh) and
# RUN_DIR/horde.env (HORDE_URL=..., the server's address). Waits until the server answers.
# Usage: start.sh RUN_DIR SERVER_COPY ENV_DIR MODEL_REFERENCE_DIR
set -euo pipefail
run_dir=$1
server=$2
env_dir=$3
model_ref=$4
py="$env_dir/venv/bin/python"
pids="$run_dir/pids"
: >"$pids"
pg_bin=/usr/lib/postgresql/15/bin

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
redis_port=$(free_port)
ref_port=$(free_port)
horde_port=$(free_port)

# PostgreSQL: a fresh cluster owned by the postgres system user (initdb refuses root).
pg_dir="$run_dir/postgres"
mkdir -p "$pg_dir"
chown postgres "$pg_dir"
chmod 755 "$run_dir"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust >"$run_dir/initdb.log" 2>&1
cat >>"$pg_dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'horde'
max_connections = 200
CONF
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w start >/dev/null
echo "postgres $(head -1 "$pg_dir/data/postmaster.pid")" >>"$pids"
runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE horde" \
  -c "ALTER USER postgres PASSWORD 'conformance'"

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$run_dir/redis.pid" --logfile "$run_dir/redis.log" --dir "$run_dir"
for _ in $(seq 50); do [[ -s "$run_dir/redis.pid" ]] && break; sleep 0.1; done
echo "redis $(cat "$run_dir/redis.pid")" >>"$pids"

"$py" -m http.server "$ref_port" --bind 127.0.0.1 --directory "$model_ref" >"$run_dir/model-reference.log" 2>&1 &
echo "model-reference $!" >>"$pids"

ref="http://127.0.0.1:$ref_port"
cat >"$server/.env" <<ENV
HORDE_TITLE="AI Horde (conformance)"
HORDE_URL="http://127.0.0.1:$horde_port"
HORDE_IMAGE_COMPVIS_REFERENCE="$ref/stable_diffusion.json"
HORDE_IMAGE_DIFFUSERS_REFERENCE="$ref/diffusers.json"
HORDE_IMAGE_LLM_REFERENCE="$ref/db.json"
USE_SQLITE=0
POSTGRES_URL="127.0.0.1:$pg_port/horde"
POSTGRES_USER="postgres"
POSTGRES_PASS="conformance"
REDIS_IP="127.0.0.1"
REDIS_PORT=$redis_port
REDIS_SERVERS='["127.0.0.1"]'
secret_key="conformance"
ADMINS='["conformance#1"]'
KUDOS_TRUST_THRESHOLD=1
HORDE_TEST_APIKEYS=1
HORDE_TEST_RATELIMIT_DISABLED=1
OTEL_SDK_DISABLED=true
AWS_ACCESS_KEY_ID="conformance"
AWS_SECRET_ACCESS_KEY="conformance"
AWS_DEFAULT_REGION=auto
SHARED_AWS_ACCESS_ID="conformance"
SHARED_AWS_ACCESS_KEY="conformance"
R2_TRANSIENT_ACCOUNT="http://127.0.0.1:9"
R2_PERMANENT_ACCOUNT="http://127.0.0.1:9"
R2_TRANSIENT_BUCKET="horde-transient"
R2_PERMANENT_BUCKET="horde-permanent"
R2_SOURCE_IMAGE_BUCKET="horde-source-images"
ENV
echo "HORDE_URL=http://127.0.0.1:$horde_port" >"$run_dir/horde.env"

# REDIS_PORT is read by the server from the environment as well as .env; run from the copy so .env is found.
(cd "$server" && exec "$py" server.py -i --listen 127.0.0.1 -p "$horde_port" -vv >"$run_dir/server.log" 2>&1) &
echo "horde $!" >>"$pids"
for _ in $(seq 120); do
  if "$py" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$horde_port/api/v2/status/heartbeat', timeout=2)" 2>/dev/null; then
    echo "conformance: AI Horde up at http://127.0.0.1:$horde_port"
    exit 0
  fi
  if ! kill -0 "$(awk '$1=="horde"{print $2}' "$pids")" 2>/dev/null; then
    echo "conformance: the server exited during start-up; the last lines of its log:" >&2
    exit 1
  fi
  sleep 1
done
echo "conformance: the server did not answer within 120 s; the last lines of its log:" >&2
exit 1
