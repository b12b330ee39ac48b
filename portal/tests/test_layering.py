"""The shape of the house, read from the code's own imports (ast), so a new circle or an upward
import fails here rather than in a reviewer's head.

Apps stand in layers; a module may import its own app and the apps of LOWER layers only. Apps of
one layer are peers and never import each other (a paid bill reaches its service through the
``payments.registry``, not an import). Tests and migrations are left out: tests may use any app's
factories, and migrations name models by string.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Bottom first. Read it as "may import anything above it in this list".
LAYERS: list[set[str]] = [
    {"core"},  # digits, phones, money, form errors, rate limits, row imports, admin helpers
    {"notifications"},  # the SMS store and inbox: accounts sends codes and invitations through it
    {"accounts"},  # people, organisations, who acts for whom
    {"services"},  # catalogue, the application lifecycle, uploads, issued documents, deadlines
    {"payments"},  # bills, eFAWATEERcom, receipts: never imports a service app
    {"violations", "accidents", "contractors", "licensing"},  # the four services, peers
    {"performance", "api"},  # read across the services
    {"portal"},  # the project: settings, URLs, home page, audit trail, staff MFA
    {"load"},  # the load and fault tests: run the whole portal as in production
    {"bench"},  # the benchmarks (they start gunicorn the way load does)
]
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}
# A module over this many lines is split into a package, or says in its first line why it is whole.
MAX_LINES = 400
WHOLE_MARK = "# Kept whole:"


def _project_files() -> list[Path]:
    files = []
    for app in LAYER_OF:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            files.append(path)
    return sorted(files)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _known_modules(files: list[Path]) -> set[str]:
    return {_module_name(path) for path in files}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, anywhere in it (function-level imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from a.b import c` is module a.b.c when that is a file, else a name in a.b.
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    if (name := _module_name(path)) in found:
        found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    files = _project_files()
    known = _known_modules(files)
    graph = {}
    for path in files:
        module = _module_name(path)
        targets = _imports(path, known)
        # `from services.models import X` inside services/models/*.py would be the package importing
        # itself through its __init__; a package's own __init__ re-exporting its modules is not a circle.
        if path.name == "__init__.py":
            targets = {t for t in targets if not t.startswith(module + ".")}
        graph[module] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_the_layering_is_complete():
    """Every top-level package with Python code is placed in a layer (a new app must choose one)."""
    packages = {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and not p.name.startswith(".") and p.name != "node_modules"
    }
    assert packages - set(LAYER_OF) == set(), "place the new package in LAYERS"


def test_no_module_imports_a_higher_or_peer_app():
    upward = []
    for module, targets in _graph().items():
        app = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != app and LAYER_OF[other] >= LAYER_OF[app]:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_no_import_circle_between_files():
    assert _circles(_graph()) == []


def test_the_circle_finder_finds_a_circle():
    """The check above cannot pass by finding nothing: a made-up loop is reported."""
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert _circles(graph) == [["a.x", "a.y", "a.z"]]


def test_a_long_module_says_why_it_is_whole():
    """Past MAX_LINES a module is split into a package, or its first line says why it is one module."""
    unexplained = [
        f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)"
        for path in _project_files()
        if (text := path.read_text(encoding="utf-8")).count("\n") > MAX_LINES and not text.startswith(WHOLE_MARK)
    ]
    assert unexplained == []
