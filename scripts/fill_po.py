"""Fill the Swedish catalogues and compile them; scripts/translations.sh runs it after makemessages.

Two catalogues, one per installable app:

* the core's, ``wagtail_webinars/locale/sv/LC_MESSAGES/django.po``: the strings of the webinar
  app (``"wagtail_webinars"``) and of the kernel modules it shares with the feedback app;
* the feedback app's, ``wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po``: the strings of
  ``"wagtail_webinars.feedback"`` plus those of the kernel modules it calls (the JSON-endpoint
  kernel, the date formats, ...), so that a site with the feedback app alone is Swedish too.

A string both catalogues hold is translated once, in the core catalogue: its translation is copied
into the feedback catalogue here (a differing one there is replaced, and said so). The feedback
catalogue's own strings are translated in it.

Each line of scripts/translations/*.tsv, if any, is: context<TAB>msgid<TAB>msgstr (context may be
empty; write a newline inside a string as \\n; plurals as singular||plural). It fills the entry in
whichever catalogue holds it. Used while several people add strings at once; the .po files stay the
source of truth once merged.

The .mo files are compiled with ``msgfmt --check-format``, as scripts/test.sh does.
"""

import pathlib
import subprocess
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE = ROOT / "wagtail_webinars/locale/sv/LC_MESSAGES/django.po"
FEEDBACK = ROOT / "wagtail_webinars/feedback/locale/sv/LC_MESSAGES/django.po"
# Header lines every catalogue takes from the core's: the project and the team.
SHARED_HEADER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "Last-Translator", "Language-Team")

Key = tuple[str, str]


def load_tsv() -> dict[Key, str]:
    table: dict[Key, str] = {}
    for path in sorted((ROOT / "scripts/translations").glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                sys.exit(f"{path}:{number}: expected 3 tab-separated columns")
            context, msgid, msgstr = (p.replace("\\n", "\n") for p in parts)
            table[(context, msgid)] = msgstr
    return table


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid)


def set_translation(entry: polib.POEntry, value: str) -> None:
    if entry.msgid_plural:
        singular, _, plural = value.partition("||")
        entry.msgstr_plural = {0: singular, 1: plural or singular}
    else:
        entry.msgstr = value
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")


def copy_translation(entry: polib.POEntry, source: polib.POEntry) -> bool:
    """Give ``entry`` the translation of ``source``; True when that changed a translated entry."""
    before = (entry.msgstr, dict(entry.msgstr_plural), entry.translated())
    entry.msgstr = source.msgstr
    entry.msgstr_plural = dict(source.msgstr_plural)
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    return before[2] and before[:2] != (entry.msgstr, dict(entry.msgstr_plural))


def fill(po: polib.POFile, table: dict[Key, str]) -> None:
    po.metadata["Language"] = "sv"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in po:
        if key(entry) in table:
            set_translation(entry, table[key(entry)])


def compile_mo(path: pathlib.Path) -> None:
    # msgfmt from PATH, as makemessages takes msgmerge and xgettext.
    command = ["msgfmt", "--check-format", "-o", str(path.with_suffix(".mo")), str(path)]
    subprocess.run(command, check=True)  # noqa: S603


def report(name: str, po: polib.POFile) -> None:
    missing = [key(entry) for entry in po if entry.msgid and not entry.translated()]
    for context, msgid in missing:
        sys.stdout.write(f"{name}: untranslated: {context!r} {msgid!r}\n")
    sys.stdout.write(f"{name}: {len(po)} entries, {len(missing)} untranslated\n")


def main() -> None:
    table = load_tsv()
    core = polib.pofile(str(CORE))
    fill(core, table)
    catalogues = [("core", CORE, core)]

    if FEEDBACK.exists():
        feedback = polib.pofile(str(FEEDBACK))
        fill(feedback, table)
        for name in SHARED_HEADER:
            if name in core.metadata:
                feedback.metadata[name] = core.metadata[name]
        shared = {key(entry): entry for entry in core if entry.translated()}
        for entry in feedback:
            source = shared.get(key(entry))
            if source is not None and copy_translation(entry, source):
                sys.stdout.write(f"feedback: took the core's translation of {entry.msgid!r}\n")
        catalogues.append(("feedback", FEEDBACK, feedback))

    for _, path, po in catalogues:
        po.save()
        compile_mo(path)
    for name, _, po in catalogues:
        report(name, po)


if __name__ == "__main__":
    main()
