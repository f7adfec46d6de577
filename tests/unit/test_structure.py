"""The shape of the code: no module imports another that imports it back (imports inside
functions included), and the model never imports the process pool."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator"


def imports() -> dict[str, set[str]]:
    """Each generator module's name, and the generator modules it imports anywhere in its code."""
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    found = {}
    for name, path in modules.items():
        wanted = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    wanted.add(child if child in modules else node.module)
            elif isinstance(node, ast.Import):
                wanted |= {a.name for a in node.names if a.name.startswith("generator")}
        found[name] = {m for m in wanted if m in modules and m != name and m != "generator"}
    return found


def test_no_module_imports_one_that_imports_it_back():
    graph = imports()
    done, path = set(), []

    def visit(name: str) -> None:
        assert name not in path, "import cycle: " + " -> ".join(path[path.index(name):] + [name])
        if name in done:
            return
        path.append(name)
        for other in sorted(graph[name]):
            visit(other)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_the_model_and_the_readers_never_import_the_pool():
    graph = imports()
    for name, wanted in graph.items():
        if name.startswith(("generator.site", "generator.read", "generator.render")):
            assert "generator.executor" not in wanted, name
    text = "".join(p.read_text() for p in (PACKAGE / "site").rglob("*.py"))
    assert "multiprocessing" not in text and "Forked" not in text and "threading" not in text
