"""The shape of the code (ARCHITECTURE.md), checked on every run rather than remembered.

Imports are read from the source, those inside functions included: a deferred import is still a
dependency, and it is how cycles between domains used to hide.
"""
import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eventhub"
# Every top-level package of eventhub/ is a domain, except core (used by all, uses none).
CORE = "core"
# The outermost layers: they call every domain, and no domain calls them.
ENTRY_POINTS = {"api", "demo"}


def _modules():
    """(dotted name, syntax tree) of every module of the application."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree) -> set[str]:
    """Every eventhub module a tree imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("eventhub.")}


def _area(module: str) -> str | None:
    """The package a module belongs to: "registration" for eventhub.registration.admin.forms."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def _dependencies() -> dict[str, set[str]]:
    """Package -> the other packages it imports."""
    edges = defaultdict(set)
    for module, tree in _modules():
        source = _area(module)
        for imported in _imports(tree):
            target = _area(imported)
            if source and target and target != source:
                edges[source].add(target)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle between packages, as a path, or None."""
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for following in sorted(edges.get(node, ())):
            if state.get(following) == "open":
                return path + [node, following]
            if following not in state and (found := visit(following, path + [node])):
                return found
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_no_import_cycles_between_domains():
    edges = _dependencies()
    assert _cycle(edges) is None, " -> ".join(_cycle(edges))


def test_core_uses_no_domain_and_the_application_setup_uses_no_model_module_at_import():
    assert _dependencies()[CORE] == set()
    extensions = dict(_modules())["eventhub.extensions"]
    assert {_area(name) for name in _imports(extensions)} <= {None, CORE}


def test_no_domain_calls_the_api_or_the_demo():
    callers = {source for source, targets in _dependencies().items() if targets & ENTRY_POINTS}
    assert callers <= ENTRY_POINTS


def test_only_the_unit_of_work_commits():
    """Services flush; core.transaction.atomic() is the one place a transaction ends (see its docstring)."""
    committing = []
    for module, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback") and module != "eventhub.core.transaction":
                committing.append(f"{module}:{node.lineno}")
    assert committing == []


def test_fonts_and_their_build_script_are_not_public(client):
    assert client.get("/static/fonts/EventHubSans-Regular.ttf").status_code == 404
    assert client.get("/static/fonts/build.py").status_code == 404
    assert client.get("/static/css/app.css").status_code == 200
    assert (PACKAGE / "printing" / "fonts" / "EventHubSans-Regular.ttf").is_file()
