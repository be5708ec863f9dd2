#!/usr/bin/env bash
# npm run conformance -- --horde-src PATH --python-deps PATH [--minutes N] [--scenario FILE] [--out DIR]
#                        [--model-reference DIR] [--env DIR]
# Runs the real AI Horde server offline on 127.0.0.1 (PostgreSQL, Redis, the server, in a temporary folder),
# drives it with the scenario's users and workers in real time, stops everything it started, and leaves a
# result folder with the driver's log, the server's log, the database's jobs and requests, and the comparison
# with hordesim (docs/conformance.md). Exits 1 when a server decision disagrees with hordesim's, 2 on bad input
# or a missing prerequisite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
refuse() { echo "conformance: $*" >&2; exit 2; }

horde_src="" deps="" minutes=15 scenario="$here/scenario.yaml" out="" model_ref="$here/model-reference"
env_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hordesim-conformance"
while (($#)); do
  case "$1" in
    --horde-src) horde_src=${2:-}; shift 2 ;;
    --python-deps) deps=${2:-}; shift 2 ;;
    --minutes) minutes=${2:-}; shift 2 ;;
    --scenario) scenario=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    --model-reference) model_ref=${2:-}; shift 2 ;;
    --env) env_dir=${2:-}; shift 2 ;;
    *) refuse "unknown argument '$1' (usage: --horde-src PATH --python-deps PATH [--minutes N] [--scenario FILE] [--out DIR])" ;;
  esac
done

# Prerequisites, all checked before anything is installed or started.
[[ -n "$horde_src" ]] || refuse "--horde-src PATH is required: an AI-Horde checkout or its source tarball (.tar.gz)"
[[ -e "$horde_src" ]] || refuse "--horde-src: $horde_src does not exist"
if [[ -d "$horde_src" && ! -f "$horde_src/server.py" ]]; then refuse "--horde-src: $horde_src has no server.py (not an AI-Horde checkout)"; fi
[[ -n "$deps" ]] || refuse "--python-deps PATH is required: a folder or .tar.gz with the sources of flask-restx, semver and markdownify"
[[ -e "$deps" ]] || refuse "--python-deps: $deps does not exist"
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk "BEGIN{exit !($minutes > 0 && $minutes <= 120)}" ||
  refuse "--minutes: '$minutes' is not a number of minutes in (0, 120]"
[[ -f "$scenario" ]] || refuse "--scenario: $scenario does not exist"
[[ -f "$model_ref/stable_diffusion.json" ]] || refuse "--model-reference: $model_ref has no stable_diffusion.json"
[[ $(id -u) == 0 ]] || refuse "must run as root (apt-get, and PostgreSQL's initdb as the postgres user)"
command -v apt-get >/dev/null || refuse "apt-get not found: the server's packages come from Debian"
command -v python3 >/dev/null || refuse "python3 not found"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || refuse "Python >= 3.11 needed, found $(python3 --version)"
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || refuse "PostgreSQL 15 not installed (/usr/lib/postgresql/15/bin/initdb)"
id postgres >/dev/null 2>&1 || refuse "no postgres system user (PostgreSQL's package creates it)"
[[ -f "$root/dist/src/conformance/drive-cli.js" ]] || refuse "hordesim is not built: npm run build"
if [[ -z "$out" ]]; then out="$root/results/conformance-$(date -u +%Y%m%dT%H%M%SZ)"; fi
[[ -e "$out" ]] && refuse "--out: $out exists (nothing is overwritten)"

"$here/install.sh" "$env_dir" "$deps"

run_dir=$(mktemp -d /tmp/hordesim-conformance.XXXXXX)
cleanup() {
  "$here/stop.sh" "$run_dir"
  rm -rf "$run_dir"
}
trap cleanup EXIT
mkdir -p "$run_dir/server"
if [[ -d "$horde_src" ]]; then
  cp -r "$horde_src"/. "$run_dir/server"
else
  tar xzf "$horde_src" -C "$run_dir/server" --strip-components=1
fi
[[ -f "$run_dir/server/server.py" ]] || refuse "--horde-src: $horde_src holds no server.py"
if ! "$env_dir/venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  "$env_dir/venv/bin/python" "$here/patch-py311.py" "$run_dir/server"
fi

# On failure the server's log goes to stderr: the temporary folder that holds it is deleted on exit.
if ! "$here/start.sh" "$run_dir" "$run_dir/server" "$env_dir" "$model_ref"; then
  [[ -f "$run_dir/server.log" ]] && tail -n 20 "$run_dir/server.log" >&2
  exit 1
fi
url=$(sed -n 's/^HORDE_URL=//p' "$run_dir/horde.env")
pg_port=$(sed -n 's/^port = //p' "$run_dir/postgres/data/postgresql.conf" | tail -1)

mkdir -p "$out"
cp "$scenario" "$out/scenario.yaml"
echo "conformance: driving $url for $minutes min; results in $out"
node "$root/dist/src/conformance/drive-cli.js" --url "$url" --server-log "$run_dir/server.log" \
  --scenario "$scenario" --minutes "$minutes" --log "$out/driver.jsonl"

# The server's own record of every job and request, with its times (UTC, microseconds).
psql_csv() { runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U postgres -d horde -q -A -F, --csv -c "$1"; }
psql_csv "SELECT p.id, p.wp_id, w.name AS worker, to_char(p.start_time, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') AS start_time,
  p.job_ttl, p.faulted, p.generation IS NOT NULL AS delivered FROM processing_gens p JOIN workers w ON w.id = p.worker_id
  ORDER BY p.start_time" >"$out/jobs.csv"
psql_csv "SELECT id, to_char(created, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') AS created, prompt, n, jobs, faulted,
  extra_priority FROM waiting_prompts ORDER BY created" >"$out/requests.csv"
psql_csv "SELECT name, maintenance FROM workers ORDER BY name" >"$out/workers.csv"
cp "$run_dir/server.log" "$out/server.log"
"$here/stop.sh" "$run_dir"

node "$root/dist/src/conformance/compare-cli.js" --result "$out"
