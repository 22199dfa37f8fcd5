#!/usr/bin/env bash
# The test command. Does its own set-up on a fresh Debian machine, then runs pytest.
#
#   bash scripts/test.sh                      # oldest supported set: Python 3.11, Django 5.2, Wagtail 7.0
#   WW_DEPS=newest bash scripts/test.sh       # newest: Python 3.12, Django 6.1, Wagtail 8 (venv .venv-w8)
#   WW_DB=postgres WW_PG_NAME=ww_me bash scripts/test.sh tests/test_pages.py -x
#   WW_SETUP_ONLY=1 bash scripts/test.sh      # set up, run nothing
#
# Arguments are passed to pytest. WW_DB=postgres and WW_CACHE=redis reach tests/settings.py as they
# are. WW_VENV and WW_PYTHON override the venv and the interpreter that creates it.
# Set-up is skipped where it is already done: pip runs again only when setup.cfg, pyproject.toml or
# the constraints file changed, npm only when package-lock.json changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WW_DEPS=${WW_DEPS:-oldest}
say() { printf '[test.sh] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

case "$WW_DEPS" in
  oldest)
    VENV=${WW_VENV:-.venv}
    CONSTRAINTS=ci/constraints-oldest.txt
    PYTHON=${WW_PYTHON:-python3}
    ;;
  newest)
    VENV=${WW_VENV:-.venv-w8}
    CONSTRAINTS=ci/constraints-newest.txt
    if [ -z "${WW_PYTHON:-}" ]; then
      for candidate in "$(pyenv root 2>/dev/null)"/versions/3.12.*/bin/python3.12 \
                       /usr/local/bin/python3.12 /usr/bin/python3.12; do
        [ -x "$candidate" ] && WW_PYTHON=$candidate
      done
    fi
    PYTHON=${WW_PYTHON:-}
    [ -n "$PYTHON" ] || die "WW_DEPS=newest needs Python 3.12 (pyenv install 3.12, or set WW_PYTHON)."
    ;;
  *) die "WW_DEPS must be 'oldest' or 'newest', not '$WW_DEPS'." ;;
esac

# --- Debian packages: Chromium for the browser tests, gettext to compile the catalogue, npm for axe,
# Varnish for the front-end cache tests (they start varnishd themselves; the service is not used).
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "install these Debian packages first: ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- The venv, with our package editable and the testing extra, under the set's constraints.
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi
stamp_now=$(cat setup.cfg pyproject.toml "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)
stamp_file=$VENV/.ww-deps-stamp
if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp_now" ]; then
  say "installing dependencies into $VENV ($WW_DEPS: $CONSTRAINTS)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$CONSTRAINTS" -e '.[testing]'
  if [ "$WW_DEPS" = newest ]; then
    # The RQ backend as Django 6 sites install it (docs/email.md); it needs django-tasks 0.12,
    # which the oldest set's Wagtail 7.0 refuses, so it is not in the testing extra.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$CONSTRAINTS" django-tasks-rq
  fi
  echo "$stamp_now" > "$stamp_file"
fi

# --- axe-core for the accessibility checks, exactly as package-lock.json pins it.
lock_now=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/axe-core/axe.min.js ] || [ "$(cat node_modules/.ww-lock-stamp 2>/dev/null)" != "$lock_now" ]; then
  say "npm ci (axe-core)"
  npm ci --no-audit --no-fund --silent
  echo "$lock_now" > node_modules/.ww-lock-stamp
fi

# --- The compiled Swedish catalogues (the core's and the feedback app's): the tests read Swedish
# from the .mo, not the .po.
for po in wagtail_webinars/locale/*/LC_MESSAGES/*.po wagtail_webinars/feedback/locale/*/LC_MESSAGES/*.po; do
  [ -f "$po" ] || continue
  mo=${po%.po}.mo
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    say "compiling $po"
    msgfmt --check-format -o "$mo" "$po"
  fi
done

if [ -n "${WW_SETUP_ONLY:-}" ]; then
  say "set up: $VENV ($("$VENV/bin/python" -c 'import django, wagtail; print("Django", django.__version__, "Wagtail", wagtail.__version__)'))"
  exit 0
fi

say "$WW_DEPS: $("$VENV/bin/python" -c 'import sys, django, wagtail; print(f"Python {sys.version.split()[0]}, Django {django.__version__}, Wagtail {wagtail.__version__}")'), database ${WW_DB:-sqlite}, cache ${WW_CACHE:-locmem}"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"
