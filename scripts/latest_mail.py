"""Print the e-mail the demo sent last, readably: its headers, its text and what is attached.

    python3 scripts/latest_mail.py                 # the newest message in example_project/sent_mail/
    python3 scripts/latest_mail.py --all           # every message of the newest file
    python3 scripts/latest_mail.py path/to/file.log

Django's file e-mail backend writes each message as raw MIME (quoted-printable or base64 text, a
calendar part, an attachment), several to a file when they were sent together, each followed by
a line of 79 dashes. Needs only Python's standard library.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import sys
from pathlib import Path

SENT_MAIL = Path(__file__).resolve().parent.parent / "example_project" / "sent_mail"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def messages(path: Path) -> list[email.message.EmailMessage]:
    chunks = [chunk.strip() for chunk in path.read_bytes().split(SEPARATOR)]
    return [
        email.message_from_bytes(chunk, policy=email.policy.default) for chunk in chunks if chunk
    ]


def show(message: email.message.EmailMessage) -> str:
    lines = [f"{name}: {message[name]}" for name in ("Date", "From", "To", "Subject") if message[name]]
    body = message.get_body(preferencelist=("plain", "html"))
    lines += ["", body.get_content().rstrip() if body else "(no text part)"]
    others = [
        f"  {part.get_content_type()}" + (f" {part.get_filename()}" if part.get_filename() else "")
        for part in message.walk()
        if not part.is_multipart() and part is not body
    ]
    if others:
        lines += ["", "Also in the message:", *others]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="a .log file (default: the newest)")
    parser.add_argument("--all", action="store_true", help="every message of the file")
    args = parser.parse_args()
    path = args.file
    if path is None:
        files = sorted(SENT_MAIL.glob("*.log"), key=lambda p: p.stat().st_mtime)
        if not files:
            print(f"No e-mail in {SENT_MAIL} yet.", file=sys.stderr)
            return 1
        path = files[-1]
    found = messages(path)
    print(f"{path} ({len(found)} message{'s' if len(found) != 1 else ''})\n")
    print(("\n\n" + "=" * 79 + "\n\n").join(show(m) for m in (found if args.all else found[-1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
