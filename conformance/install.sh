#!/usr/bin/env bash
# Installs what the AI Horde server needs to run offline here, into ENV_DIR (a Python venv), once.
# Usage: install.sh ENV_DIR PYTHON_DEPS_SRC
#   PYTHON_DEPS_SRC: a folder or .tar.gz holding the sources of flask-restx, semver (>= 3) and markdownify
#   (not in Debian nor the pip index here); their package folders go on the venv's path.
# Debian packages come from apt (the server's pins of Flask 2.2, Werkzeug 2.2, redis 4.3, bleach 5, ... are
# Debian bookworm's versions); the rest from the pip index with --no-deps.
set -euo pipefail
env_dir=$1
deps_src=$2
here=$(cd "$(dirname "$0")" && pwd)
stamp="$env_dir/.installed-v1"

# The project's stand-ins, copied from this checkout into the environment on every run: a reused environment
# must not point at the checkout that installed it (it may be gone) nor at an older copy of them.
place_stand_ins() {
  local site
  site=$("$env_dir/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  rm -rf "$env_dir/stand-ins"
  cp -r "$here/stand-ins" "$env_dir/stand-ins"
  echo "$env_dir/stand-ins" >"$site/conformance-stand-ins.pth"
}

if [[ -f "$stamp" ]]; then
  place_stand_ins
  echo "conformance: Python environment ready in $env_dir"
  exit 0
fi

apt_packages=(redis-server postgresql-15-cron)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "conformance: apt-get install ${missing[*]}"
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

mkdir -p "$env_dir"
python3 -m venv "$env_dir/venv"
py="$env_dir/venv/bin/python"
site=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

pip_packages=("sqlalchemy>=2.0.35,<2.1" "flask-sqlalchemy>=3.1.1,<3.2" psycopg2-binary numpy pillow regex requests
  blinker python-dotenv loguru python-dateutil boto3 botocore s3transfer jmespath urllib3 environs
  marshmallow jinja2 itsdangerous click greenlet rich markdown-it-py mdurl pygments wrapt pytz jsonschema
  jsonschema-specifications referencing rpds-py attrs beautifulsoup4 soupsieve emoji "setuptools<82"
  opentelemetry-api importlib-metadata zipp six charset-normalizer idna certifi markupsafe typing-extensions packaging)
# Before any .pth below, so that pip does not take a Debian copy as already installed.
"$py" -m pip install -q --retries 0 --timeout 10 --no-deps "${pip_packages[@]}"

# Debian's builds at the server's pinned versions, unpacked (not installed system-wide) and put on the path.
debian_packages=(python3-flask python3-werkzeug python3-flask-limiter python3-limits python3-flask-caching
  python3-waitress python3-flask-dance python3-redis python3-bleach python3-markdown python3-oauthlib
  python3-requests-oauthlib python3-urlobject python3-aniso8601 python3-cachelib python3-async-timeout
  python3-deprecated python3-unidecode python3-html5lib python3-webencodings python3-ordered-set)
mkdir -p "$env_dir/debs" "$env_dir/debian-root"
(cd "$env_dir/debs" && apt-get download -q "${debian_packages[@]}" 2>&1 | grep -v "unsandboxed" || true)
for deb in "$env_dir"/debs/*.deb; do dpkg -x "$deb" "$env_dir/debian-root"; done
echo "$env_dir/debian-root/usr/lib/python3/dist-packages" >"$site/debian-bookworm.pth"

# The three packages from source: their package folders on the path.
src_dir="$env_dir/python-deps-src"
mkdir -p "$src_dir"
if [[ -f "$deps_src" ]]; then tar xzf "$deps_src" -C "$src_dir"; else cp -r "$deps_src"/. "$src_dir"; fi
for pkg in flask_restx semver markdownify; do
  found=$(find "$src_dir" -maxdepth 4 -type d -name "$pkg" -exec test -f '{}/__init__.py' \; -print | head -1)
  if [[ -z "$found" ]]; then
    echo "conformance: $deps_src holds no source of the Python package $pkg" >&2
    exit 2
  fi
  dirname "$found" >>"$site/python-deps-src.pth"
done
place_stand_ins
touch "$stamp"
echo "conformance: Python environment installed in $env_dir"
