"""A site that ran the package while the feedback models still belonged to ``wagtail_webinars``
upgrades with ``migrate`` alone: every row is still there and the group still sees the report.

The "before" is real: the code of that layout is taken from the repository's history
(``git archive``), migrates a fresh database with its own migrations and fills it through its
own models. Then today's code migrates the same database and reads it back. On SQLite by
default, on PostgreSQL with WW_DB=postgres.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: The last commit of the layout in which wagtail_webinars held the feedback models.
BEFORE = "5f4a21a"


def run(args, *, cwd: Path, pythonpath: Path, db: str, settings: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(pythonpath), DJANGO_SETTINGS_MODULE=settings, WW_UPGRADE_DB=db)
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory) -> Path:
    """The package and test suite as they were at ``BEFORE``."""
    archive = subprocess.run(
        ["git", "archive", BEFORE, "wagtail_webinars", "tests"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    tree = tmp_path_factory.mktemp("before")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    # The old compiled catalogue is not in git's tree when it was built locally: not needed.
    (tree / "tests" / "settings_upgrade.py").write_text(
        (REPO / "tests" / "settings_upgrade.py").read_text()
    )
    return tree


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A database name nobody else uses: a file for SQLite, a new PostgreSQL database."""
    if os.environ.get("WW_DB") != "postgres":
        yield str(tmp_path_factory.mktemp("db") / "upgrade.sqlite3")
        return
    import psycopg

    name = f"ww_upgrade_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def upgrade(old_tree, database, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("out")
    old = {
        "cwd": old_tree,
        "pythonpath": old_tree,
        "db": database,
        "settings": "tests.settings_upgrade",
    }
    new = {"cwd": REPO, "pythonpath": REPO, "db": database, "settings": "tests.settings_upgrade"}
    where = run(["-c", "import wagtail_webinars; print(wagtail_webinars.__file__)"], **old)
    assert where.startswith(str(old_tree)), where
    run(["-m", "django", "migrate", "--noinput", "-v", "0"], **old)
    run([str(HERE / "populate_old.py"), str(out / "before.json")], **old)
    migrate = run(["-m", "django", "migrate", "--noinput"], **new)
    plan = run(["-m", "django", "migrate", "--plan"], **new)
    run([str(HERE / "read_new.py"), str(out / "after.json")], **new)
    return {
        "before": json.loads((out / "before.json").read_text()),
        "after": json.loads((out / "after.json").read_text()),
        "migrate": migrate,
        "plan": plan,
    }


def test_the_upgrade_applies_the_feedback_apps_migration_and_nothing_is_left(upgrade):
    assert "wagtail_webinars_feedback.0001_initial... OK" in upgrade["migrate"]
    assert "wagtail_webinars.0006_feedback_moves_to_its_own_app... OK" in upgrade["migrate"]
    assert "No planned migration operations." in upgrade["plan"]


def test_every_registration_and_outbox_email_is_kept(upgrade):
    before, after = upgrade["before"], upgrade["after"]
    assert len(before["registrations"]) == 2
    assert after["registrations"] == before["registrations"]
    assert after["emails"] == before["emails"]
    assert [upgrade["before"]["pending_email"], "reminder", "pending"] in after["emails"]


def test_every_feedback_answer_is_kept(upgrade):
    assert len(upgrade["before"]["feedback"]) == 3
    assert upgrade["after"]["feedback"] == upgrade["before"]["feedback"]


def test_a_page_switched_off_stays_off(upgrade):
    assert upgrade["after"]["switched_off"] == upgrade["before"]["switched_off"]
    assert upgrade["after"]["disabled_ids"] == upgrade["before"]["switched_off"]


def test_the_group_that_could_view_feedback_still_sees_the_report(upgrade):
    after = upgrade["after"]
    assert after["has_perm"] is True
    assert after["report_status"] == 200
    assert after["report_has_comment"]


def test_the_content_type_moved_rather_than_being_duplicated(upgrade):
    assert upgrade["after"]["feedback_content_types"] == ["wagtail_webinars_feedback"]
