#!/usr/bin/env bash
# Refresh the Swedish catalogue from the source and compile it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
(cd wagtail_webinars && env -u DJANGO_SETTINGS_MODULE "../$PY" -m django makemessages -l sv --no-obsolete --no-location \
  -e html,txt,py,js >/dev/null)
(cd wagtail_webinars && env -u DJANGO_SETTINGS_MODULE "../$PY" -m django makemessages -d djangojs -l sv --no-obsolete --no-location >/dev/null 2>&1 || true)
"$PY" scripts/fill_po.py
