#!/usr/bin/env bash
# Idempotent set-up for `make run` and `make test`: the project venv, the Cloud Tasks emulator's own venv
# (it needs protobuf<5), the npm tools, the staff web client's bundle, Debian's Chromium (for the browser
# test), and a check for the gcloud Firestore emulator.
# Each step runs only when its inputs changed (a stamp holds the hash of what it was built from).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .state

say() { printf '[setup] %s\n' "$*"; }
stamp_ok() { [ -f ".state/$1.stamp" ] && [ "$(cat ".state/$1.stamp")" = "$2" ]; }
stamp_set() { printf '%s' "$2" > ".state/$1.stamp"; }
hash_files() { local f; for f in "$@"; do if [ -f "$f" ]; then cat "$f"; fi; done | sha256sum | cut -c1-16; }

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Python 3.11 or newer is needed as '$PY' (set PYTHON=/path/to/python3.11)"; exit 1
fi

# 1. The project venv.
want=$(hash_files pyproject.toml)
if [ ! -x .venv/bin/python ] || ! stamp_ok venv "$want"; then
    say "installing the project into .venv"
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v -E '^WARNING: Location' || true
    .venv/bin/python -c 'import functions_framework, google.cloud.firestore, holidays, pydantic, jinja2, pymorphy3' \
        || { say "the project venv is incomplete"; exit 1; }
    stamp_set venv "$want"
fi

# 2. The Cloud Tasks emulator in a venv of its own: it needs protobuf<5, the project does not.
want="gcloud-tasks-emulator==0.6.2 protobuf<5"
if [ ! -x .venv-tasks/bin/gcloud-tasks-emulator ] || ! stamp_ok tasks "$want"; then
    say "installing the Cloud Tasks emulator into .venv-tasks"
    [ -x .venv-tasks/bin/python ] || "$PY" -m venv .venv-tasks
    # shellcheck disable=SC2086
    .venv-tasks/bin/pip install -q --disable-pip-version-check $want 2>&1 | grep -v -E '^WARNING: Location' || true
    [ -x .venv-tasks/bin/gcloud-tasks-emulator ] || { say "the Cloud Tasks emulator did not install"; exit 1; }
    stamp_set tasks "$want"
fi

# 3. npm tools (the Firebase Auth emulator from firebase-tools).
if [ -f package.json ]; then
    want=$(hash_files package.json package-lock.json)
    if [ ! -d node_modules ] || ! stamp_ok npm "$want"; then
        command -v npm >/dev/null || { say "npm is needed: apt-get install -y nodejs npm"; exit 1; }
        say "installing npm tools (firebase-tools, the Firebase JS SDK, esbuild)"
        npm install --no-audit --no-fund --loglevel=error >/dev/null
        stamp_set npm "$(hash_files package.json package-lock.json)"
    fi
fi

# 4. The staff web client: its vocabulary generated from vocabulary.py and the transition table, then
#    web/src bundled by esbuild into web/dist/app.js (see docs/web.md).
if [ -d web/src ]; then
    sources="vocabulary/__init__.py cases/transitions.py triage/rubric.json scripts/web_vocabulary.py"
    want=$(hash_files package.json package-lock.json $sources \
           $(find web/src -type f -name '*.js' -not -path 'web/src/generated/*' | LC_ALL=C sort))
    if [ ! -f web/dist/app.js ] || [ ! -f web/src/generated/vocabulary.js ] || ! stamp_ok web "$want"; then
        [ -x node_modules/.bin/esbuild ] || { say "esbuild is missing: run npm install"; exit 1; }
        say "building the web client (web/src/generated/vocabulary.js, web/dist/app.js)"
        .venv/bin/python scripts/web_vocabulary.py
        node_modules/.bin/esbuild web/src/app.js --bundle --format=esm --outfile=web/dist/app.js --log-level=warning
        stamp_set web "$want"
    fi
fi

# 5. Debian's Chromium for the end-to-end browser test (tests/web): installed only as root.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian's chromium (for the browser test)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
            || say "could not install chromium; the browser test will be skipped"
    else
        say "chromium is missing and we are not root: sudo apt-get install -y chromium (else the browser test is skipped)"
    fi
fi

# 5b. Pango and fonts for WeasyPrint (the monthly report's PDF): Debian's packages, as root.
if ! .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Pango and DejaVu fonts (for the PDF report)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 \
            libpangoft2-1.0-0 fonts-dejavu-core; } >/dev/null 2>&1 || { say "could not install Pango"; exit 1; }
    else
        say "WeasyPrint cannot load Pango: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
        exit 1
    fi
fi

# 6. The gcloud Firestore emulator and Java: checked, not installed (they come with the Cloud CLI).
command -v gcloud >/dev/null || { say "the Google Cloud CLI is needed: install google-cloud-cli and google-cloud-cli-firestore-emulator"; exit 1; }
sdk_root=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)
if [ ! -d "$sdk_root/platform/cloud-firestore-emulator" ]; then
    say "the gcloud Firestore emulator is missing: apt-get install -y google-cloud-cli-firestore-emulator (or: gcloud components install cloud-firestore-emulator)"; exit 1
fi
command -v java >/dev/null || { say "Java 17+ is needed by the Firestore emulator: apt-get install -y openjdk-17-jre-headless"; exit 1; }
exit 0
