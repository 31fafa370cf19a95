"""The library's modules as a graph: which of the package's modules each imports (every import counted, a deferred one
too), each module's layer (one more than the highest it imports), and the table of layers docs/contributing.md shows
(rendered by scripts/lesson_stats.py, checked by scripts/check_repo.py).

    .venv/bin/python scripts/module_graph.py     # the table
"""
import ast, re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "tiny_reason"

def import_graph(pkg: Path = PKG) -> dict:
    "{module: set of the package's modules it imports}, every import counted (a deferred one too)."
    mods = {p.stem: p for p in pkg.glob("*.py") if not p.stem.startswith("_")}
    graph = {m: set() for m in mods}
    for m, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                target = parts[1] if parts[0] == pkg.name and len(parts) > 1 else parts[0] if node.level == 1 else None
                if target in mods and target != m: graph[m].add(target)
            elif isinstance(node, ast.ImportFrom) and node.level == 1:  # `from . import data`
                graph[m] |= {a.name for a in node.names if a.name in mods and a.name != m}
            elif isinstance(node, ast.Import):  # `import tiny_reason.data`
                graph[m] |= {a.name.split(".")[1] for a in node.names if a.name.startswith(pkg.name + ".")} & set(mods) - {m}
    return graph

def layers(graph: dict) -> dict:
    "{module: layer}: 0 for a module that imports none of the package's, else one more than the highest it imports."
    @lru_cache(None)
    def layer(m): return 1 + max((layer(d) for d in graph[m]), default=-1)
    return {m: layer(m) for m in graph}

def about(path: Path) -> tuple[str, str]:
    "A module's notebook (from nbdev's header) and its docstring on one line."
    text = path.read_text(encoding="utf-8")
    nb = re.search(r"File to edit: \.\./nbs/(\S+)\.ipynb", text)
    doc = " ".join((ast.get_docstring(ast.parse(text)) or "").split())
    return (nb[1] if nb else "?"), doc.replace("|", "\\|")

def layer_table(pkg: Path = PKG) -> str:
    "The modules, lowest layer first: layer, module, its notebook, what it is (its docstring)."
    graph = import_graph(pkg)
    rows = ["| layer | module | notebook | what it is |", "|---|---|---|---|"]
    for m, n in sorted(layers(graph).items(), key=lambda kv: (kv[1], kv[0])):
        nb, doc = about(pkg / f"{m}.py")
        rows.append(f"| {n} | `{m}` | {nb} | {doc} |")
    return "\n".join(rows)

if __name__ == "__main__": print(layer_table())
