"""The package's layers, read from its import statements: nothing imports upwards, the two
channels never import each other, no import cycle, and every module stays short enough to
read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "helpline"

#: Bottom up. A module may import its own layer and those below; the most specific prefix
#: decides a module's layer.
LAYERS = {
    "helpline.config": 0,
    "helpline.content": 0,
    "helpline.core": 1,
    "helpline.store": 2,
    "helpline.audio": 2,
    "helpline.web": 3,
    "helpline.audio.serving": 3,
    "helpline.outbound": 4,
    "helpline.whatsapp": 4,
    "helpline.voice": 5,
    "helpline.sms": 5,
    "helpline.reports": 6,
    "helpline.simulator": 6,
    "helpline.golive": 6,
    "helpline.studio": 6,
    "helpline.audio.commands": 6,
    "helpline": 7,
}
#: Channels are peers: each maps the lower layers' outcomes to its own words.
CHANNELS = ("helpline.voice", "helpline.sms")
#: "About 450 lines": a file a reader can hold.
MAX_LINES = 460


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))
            if "migrations" not in path.parts}


def _imports(name: str, path: Path) -> set[str]:
    """Every helpline module this one imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    modules = _modules()
    # The root package only forwards create_app to helpline.app; it is not a layer's import.
    return {imported for imported in found
            if imported in modules and imported not in (name, "helpline")}


def layer_of(module: str) -> int:
    best = max((prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")),
               key=len)
    return LAYERS[best]


def _channel(module: str) -> str | None:
    return next((c for c in CHANNELS if module == c or module.startswith(c + ".")), None)


MODULES = _modules()
GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_layer_above_its_own(module):
    upward = sorted(imported for imported in GRAPH[module]
                    if layer_of(imported) > layer_of(module))
    assert upward == [], f"{module} (layer {layer_of(module)}) imports {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_voice_and_sms_do_not_import_each_other(module):
    mine = _channel(module)
    if mine is None:
        return
    others = sorted(imported for imported in GRAPH[module]
                    if _channel(imported) not in (None, mine))
    assert others == [], f"{module} imports another channel: {others}"


def test_the_pure_core_imports_no_flask_twilio_or_database():
    for name, path in MODULES.items():
        if layer_of(name) > 1:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        roots = {alias.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.Import) for alias in node.names}
        roots |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and not node.level}
        assert not roots & {"flask", "werkzeug", "twilio", "sqlalchemy", "requests"}, name


def test_there_is_no_import_cycle_between_packages():
    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    edges: dict[str, set[str]] = {}
    for module, imported in GRAPH.items():
        for other in imported:
            if package(other) != package(module):
                edges.setdefault(package(module), set()).add(package(other))
    visiting, done = set(), set()

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*trail, node])
        visiting.add(node)
        for nxt in sorted(edges.get(node, ())):
            visit(nxt, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(edges):
        visit(node, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_short_enough_to_read(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_importing_the_content_and_core_loads_no_web_framework():
    """The pure layers are usable from a script or a test with nothing else loaded."""
    modules = sorted(name for name in MODULES if layer_of(name) <= 1)
    code = ("import sys\n" + "".join(f"import {name}\n" for name in modules)
            + "print(sorted(m for m in ('flask', 'werkzeug', 'twilio', 'sqlalchemy')"
              " if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=PACKAGE.parent)
    assert found.stdout.strip() == "[]"
