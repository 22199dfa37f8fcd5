"""What `pip install wagtail-webinars` gets: the sdist and the wheel that `python -m build` makes.

Both carry two installable apps, the core (``wagtail_webinars``) and the feedback app
(``wagtail_webinars.feedback``), each with its own templates, static files, migrations and Swedish
catalogue (checked here too: complete, and compiled to the .mo that ships).

Builds both once, from a copy of the source tree as a fresh checkout has it (no egg-info, no venv,
no node_modules), with build isolation as a release does. Run it alone with

    bash scripts/test.sh -m packaging tests/test_packaging.py
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wagtail_webinars"
# The Swedish catalogues, one per app: a site with the feedback app alone reads the second.
CATALOGUES = (
    "wagtail_webinars/locale/sv/LC_MESSAGES",
    "wagtail_webinars/feedback/locale/sv/LC_MESSAGES",
)
FEEDBACK_FILES = {
    "wagtail_webinars/feedback/templates/wagtail_webinars/includes/feedback.html",
    "wagtail_webinars/feedback/templates/wagtail_webinars/feedback/form_page.html",
    "wagtail_webinars/feedback/static/wagtail_webinars/js/feedback.js",
    "wagtail_webinars/feedback/static/wagtail_webinars/css/feedback.css",
    "wagtail_webinars/feedback/migrations/0001_initial.py",
    "wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.mo",
    "wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po",
}
LEFT_OUT = ("tests/", "example_project/", "docs/", "bench/", "scripts/", "node_modules/", ".ci/")
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "node_modules",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    "*.sqlite3",
    ".pytest_cache",
    ".ruff_cache",
    "test-results",
    "media",
    "static_collected",
)


def package_files(*subfolders: str, suffix: str = "") -> set[str]:
    """Paths (as in the wheel) of the files under the given folders of the package."""
    found = set()
    for folder in subfolders:
        for path in (PACKAGE / folder).rglob(f"*{suffix}"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    out = work / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


@pytest.fixture(scope="module")
def wheel_names(dists) -> set[str]:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        return set(wheel.namelist())


@pytest.fixture(scope="module")
def sdist_names(dists) -> set[str]:
    with tarfile.open(dists["sdist"]) as sdist:
        # Strip the "wagtail_webinars-0.1.0/" folder every member sits in.
        return {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}


def test_wheel_carries_every_template(wheel_names):
    templates = package_files("templates", "feedback/templates")
    assert "wagtail_webinars/templates/wagtail_webinars/base.html" in templates
    assert "wagtail_webinars/feedback/templates/wagtail_webinars/feedback/base.html" in templates
    assert templates <= wheel_names, sorted(templates - wheel_names)


def test_wheel_carries_every_static_file(wheel_names):
    static = package_files("static", "feedback/static")
    assert "wagtail_webinars/static/wagtail_webinars/css/webinars.css" in static
    assert "wagtail_webinars/feedback/static/wagtail_webinars/js/feedback.js" in static
    assert static <= wheel_names, sorted(static - wheel_names)


def test_wheel_carries_every_migration(wheel_names):
    migrations = package_files("migrations", "feedback/migrations", suffix=".py")
    assert "wagtail_webinars/migrations/0001_initial.py" in migrations
    assert "wagtail_webinars/feedback/migrations/0001_initial.py" in migrations
    assert migrations <= wheel_names, sorted(migrations - wheel_names)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_wheel_carries_the_compiled_swedish_catalogue(catalogue, wheel_names):
    assert f"{catalogue}/django.mo" in wheel_names
    assert f"{catalogue}/django.po" in wheel_names


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_both_carry_the_feedback_app(kind, wheel_names, sdist_names):
    names = wheel_names if kind == "wheel" else sdist_names
    assert names >= FEEDBACK_FILES, sorted(FEEDBACK_FILES - names)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_swedish_catalogue_is_complete_and_compiled(catalogue, tmp_path):
    """Every entry translated (none untranslated, none fuzzy), the formats right, and the .mo that
    ships the same messages as the .po: run scripts/translations.sh after changing a string."""
    po = ROOT / catalogue / "django.po"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", str(fresh), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip()), result.stderr

    def messages(path: Path) -> dict:
        with path.open("rb") as mo:
            return gettext.GNUTranslations(mo)._catalog

    assert messages(po.with_suffix(".mo")) == messages(fresh)


def test_wheel_carries_every_python_module(wheel_names):
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts and (path.parent / "__init__.py").exists()
    }
    assert modules <= wheel_names, sorted(modules - wheel_names)


def test_wheel_names_its_dependencies(dists):
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(metadata_name).decode()
    requires = {
        line.split(":", 1)[1]
        .strip()
        .split(" ")[0]
        .split(";")[0]
        .split("<")[0]
        .split(">")[0]
        .lower()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    assert {"django", "wagtail", "swapper", "wagtail-modeladmin"} <= requires


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_tests_example_project_docs_and_bench_are_left_out(kind, wheel_names, sdist_names):
    names = wheel_names if kind == "wheel" else sdist_names
    leaked = sorted(name for name in names if name.startswith(LEFT_OUT))
    assert leaked == []


def test_sdist_carries_what_a_source_build_needs(sdist_names):
    assert {
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "MANIFEST.in",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
    } <= sdist_names
    assert "wagtail_webinars/locale/sv/LC_MESSAGES/django.mo" in sdist_names
    assert "wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.mo" in sdist_names
    assert "wagtail_webinars/templates/wagtail_webinars/base.html" in sdist_names
