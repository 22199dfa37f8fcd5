"""Fill the Swedish catalogue from the TSV files that parallel work wrote, then compile.

Each line of scripts/translations/*.tsv is: context<TAB>msgid<TAB>msgstr (context may be empty;
write a newline inside a string as \\n). Used while several people add strings at once; the .po
file stays the source of truth once merged.
"""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO = ROOT / "wagtail_webinars/locale/sv/LC_MESSAGES/django.po"


def load_tsv() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
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


def main() -> None:
    table = load_tsv()
    po = polib.pofile(str(PO))
    po.metadata["Language"] = "sv"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    missing = []
    for entry in po:
        key = (entry.msgctxt or "", entry.msgid)
        if key in table:
            value = table[key]
            if entry.msgid_plural:
                singular, _, plural = value.partition("||")
                entry.msgstr_plural = {0: singular, 1: plural or singular}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.translated():
            missing.append(key)
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    for context, msgid in missing:
        sys.stdout.write(f"untranslated: {context!r} {msgid!r}\n")
    sys.stdout.write(f"{len(po)} entries, {len(missing)} untranslated\n")


if __name__ == "__main__":
    main()
