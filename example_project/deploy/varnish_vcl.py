"""Write example_project/deploy/varnish.vcl with the site's app processes as its backends.

    python example_project/deploy/varnish_vcl.py 127.0.0.1:8001 127.0.0.1:8002 > /tmp/site.vcl
    varnishd -F -a 127.0.0.1:6081 -f /tmp/site.vcl

One backend is used as it is; several get a round-robin director. Only the block between
``# BEGIN BACKENDS`` and ``# END BACKENDS`` changes: the rest of the file is the one documented in
docs/deployment.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

VCL = Path(__file__).with_name("varnish.vcl")
BLOCK = re.compile(r"# BEGIN BACKENDS\n.*?# END BACKENDS\n", re.S)


def _backend(name: str, address: str) -> str:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"A backend is host:port, not {address!r}")
    return f'backend {name} {{\n    .host = "{host.strip("[]")}";\n    .port = "{port}";\n}}\n'


def render(backends: list[str], vcl: str | None = None) -> str:
    """The VCL with ``backends`` (``host:port`` each) in place of the default one."""
    if not backends:
        raise ValueError("Name at least one backend (host:port).")
    vcl = VCL.read_text() if vcl is None else vcl
    if len(backends) == 1:
        block = _backend("default", backends[0])
    else:
        names = [f"app{i}" for i in range(1, len(backends) + 1)]
        block = "".join(_backend(n, a) for n, a in zip(names, backends, strict=True))
        block += "\nsub vcl_init {\n    new apps = directors.round_robin();\n"
        block += "".join(f"    apps.add_backend({n});\n" for n in names)
        block += "}\n\nsub vcl_recv {\n    set req.backend_hint = apps.backend();\n}\n"
        block = "import directors;\n\n" + block
    return BLOCK.sub(lambda _: f"# BEGIN BACKENDS\n{block}# END BACKENDS\n", vcl, count=1)


if __name__ == "__main__":
    sys.stdout.write(render(sys.argv[1:]))
