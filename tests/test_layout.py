"""The layout's rules (CONTRIBUTING.md) are import-linter contracts in pyproject.toml, run by CI
as ``lint-imports``. A contract names modules, so a new module that no contract names would
escape the rules: these tests keep the lists complete."""

import pkgutil
import tomllib
from pathlib import Path

import wagtail_webinars
import wagtail_webinars.feedback

REPO = Path(__file__).resolve().parent.parent
CONTRACTS = {
    contract["id"]: contract
    for contract in tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}


def children(package) -> set[str]:
    return {
        f"{package.__name__}.{module.name}"
        for module in pkgutil.iter_modules(package.__path__)
        if module.name not in {"locale", "static", "templates"}
    }


def test_every_top_level_module_is_kernel_or_forbidden_to_the_kernel():
    kernel = CONTRACTS["kernel"]
    classified = set(kernel["source_modules"]) | set(kernel["forbidden_modules"])
    assert children(wagtail_webinars) - classified == set()


def test_the_feedback_app_is_forbidden_everything_but_the_kernel():
    kernel = CONTRACTS["kernel"]
    not_kernel = set(kernel["forbidden_modules"]) - {"wagtail_webinars.feedback"}
    assert set(CONTRACTS["feedback"]["forbidden_modules"]) == not_kernel


def test_every_entrance_of_the_feedback_app_is_kept_apart():
    entrances = set(CONTRACTS["entrances"]["modules"])
    feedback = children(wagtail_webinars.feedback)
    assert {m for m in feedback if m.endswith("views")} <= entrances


def test_no_module_imports_itself_through_others():
    """Module by module, imports inside functions included: no cycle at all (the contract
    "acyclic" checks packages; this checks the modules within them)."""
    import grimp

    graph = grimp.build_graph("wagtail_webinars", cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    cycles = [
        (module, other)
        for module in modules
        for other in graph.find_modules_directly_imported_by(module)
        if other != module and other in modules and graph.chain_exists(other, module)
    ]
    assert cycles == []
