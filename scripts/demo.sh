#!/usr/bin/env bash
# The demo, from nothing: a venv, the package, a SQLite database with the demo content, an admin
# login, and the example site on http://127.0.0.1:8000/.
#
#   bash scripts/demo.sh
#
# Needs Python 3.11 or later as python3 (or set WW_PYTHON), and PyPI. Running it again reuses the
# venv and the database, migrates, gives the demo's own pages and snippets their demo values back
# (webinars_load_demo; pages, registrations and e-mails added besides them stay), and sets and
# prints a new admin password. Delete example_project/db.sqlite3 to start from nothing. E-mails the
# site sends land as raw MIME files in example_project/sent_mail/; scripts/latest_mail.py prints
# the latest one readably.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${WW_DEMO_VENV:-.venv-demo}
PYTHON=${WW_PYTHON:-python3}
ADDRESS=${WW_DEMO_ADDRESS:-127.0.0.1:8000}
say() { printf '[demo.sh] %s\n' "$*" >&2; }

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { say "error: $PYTHON is Python $("$PYTHON" -V 2>&1); the demo needs 3.11 or later (set WW_PYTHON)."; exit 2; }

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY=$ROOT/$VENV/bin/python
say "installing wagtail_webinars and its dependencies (pip install -e .)"
"$PY" -m pip install --quiet --disable-pip-version-check -e .

cd example_project
say "migrating the SQLite database example_project/db.sqlite3"
"$PY" manage.py migrate --noinput >/dev/null

PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(12))')
# The admin login, and the site record pointed at the address we serve on, so that absolute
# links (the API's, the e-mails') lead back here.
DEMO_PASSWORD=$PASSWORD DEMO_ADDRESS=$ADDRESS "$PY" manage.py shell --no-imports -c '
import os
from django.contrib.auth import get_user_model
from wagtail.models import Site
user, _ = get_user_model().objects.get_or_create(username="admin", defaults={"email": "admin@example.org"})
user.is_staff = user.is_superuser = True
user.set_password(os.environ["DEMO_PASSWORD"])
user.save()
host, _, port = os.environ["DEMO_ADDRESS"].rpartition(":")
site = Site.objects.get(is_default_site=True)
site.hostname, site.port, site.site_name = host, int(port), "Exempelkommunen"
site.save()
home = site.root_page.specific
if home.title.startswith("Welcome to your new Wagtail site"):
    home.title = "Välkommen till Exempelkommunen"
    home.save_revision().publish()
'

say "loading the demo content"
"$PY" manage.py webinars_load_demo

cat <<MSG

  The demo site:   http://$ADDRESS/
  The admin:       http://$ADDRESS/admin/
  Log in as:       admin
  Password:        $PASSWORD
  The API:         http://$ADDRESS/api/v2/pages/?type=wagtail_webinars.WebinarSessionPage&fields=*
  Sent e-mail:     $ROOT/example_project/sent_mail/  (the latest: $PY $ROOT/scripts/latest_mail.py)

  Stop the server with Ctrl+C.

MSG
exec "$PY" manage.py runserver --noreload "$ADDRESS"
