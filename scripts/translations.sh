#!/usr/bin/env bash
# Refresh the Swedish catalogues from the source, fill them and compile them. Two catalogues, one
# per installable app (a site can install the feedback app alone, so it carries its own):
#   wagtail_webinars/locale/sv/LC_MESSAGES/django.po           the core: everything under
#                                                             wagtail_webinars/ but feedback/
#   wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po  the feedback app, plus the strings
#                                                             of the kernel modules it calls
# A kernel string is in both; it is translated in the core catalogue and scripts/fill_po.py copies
# it into the feedback one. Needs GNU gettext (msgmerge, xgettext, msgfmt) and polib.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-.venv/bin/python}
case "$PY" in /*) ;; *) PY=$ROOT/$PY ;; esac

# The kernel, as pyproject.toml's import-linter contract "kernel" lists it: the feedback app
# imports nothing else of the package, so these are the strings a feedback-only site can show.
KERNEL=()
for module in jsonapi checks origin ratelimit conf dates language exports pagemodel; do
  KERNEL+=("wagtail_webinars/$module.py")
done

makemessages() {
  env -u DJANGO_SETTINGS_MODULE "$PY" -m django makemessages -l sv --no-obsolete --no-location "$@"
}

"$PY" -c 'import polib' 2>/dev/null || "$PY" -m pip install -q --disable-pip-version-check polib

# The core catalogue: the feedback folder is left out (makemessages would otherwise write its
# strings into the feedback catalogue, without the kernel's).
(cd wagtail_webinars && makemessages -e html,txt,py,js --ignore='feedback/*' >/dev/null)
(cd wagtail_webinars && makemessages -d djangojs --ignore='feedback/*' >/dev/null 2>&1 || true)

# The feedback catalogue: the app's own folder, ...
mkdir -p wagtail_webinars/feedback/locale
(cd wagtail_webinars/feedback && makemessages -e html,txt,py,js >/dev/null)
(cd wagtail_webinars/feedback && makemessages -d djangojs >/dev/null 2>&1 || true)
# ... then the kernel's strings, extracted as makemessages extracts Python files.
xgettext --join-existing --output=wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po \
  --language=Python --from-code=UTF-8 --add-comments=Translators --no-location \
  --keyword=gettext_noop --keyword=gettext_lazy --keyword=ngettext_lazy:1,2 \
  --keyword=pgettext:1c,2 --keyword=npgettext:1c,2,3 --keyword=pgettext_lazy:1c,2 \
  --keyword=npgettext_lazy:1c,2,3 \
  "${KERNEL[@]}"
"$PY" scripts/fill_po.py
