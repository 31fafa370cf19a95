"""The library's modules as a graph: which of the package's modules each imports (every import counted, a deferred one
too), each module's layer (one more than the highest it imports), and the table of layers docs/contributing.md shows
(rendered by scripts/lesson_stats.py, checked by scripts/check_repo.py). Also which modules load a heavy package
(torch and its kin) when imported, and the imports of the package's own modules that sit inside functions: the one
reason for such an import is to keep a light module light (`deferred_without_reason`).

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

HEAVY = {"torch", "transformers", "trl", "peft", "datasets", "accelerate", "bitsandbytes", "llama_cpp", "matplotlib",
         "lm_eval", "reasoning_gym"}  # seconds to import, or absent where the library runs without them
LIGHT_MARK = "# light at import:"  # a module that defers its heavy neighbours says so, and why, in its top cell

def _target(node, pkg_name: str, mods) -> list:
    "The package's modules an import statement names."
    if isinstance(node, ast.ImportFrom):
        parts = (node.module or "").split(".")
        if node.level == 1 and not node.module: return [a.name for a in node.names if a.name in mods]
        t = parts[1] if parts[0] == pkg_name and len(parts) > 1 else parts[0] if node.level == 1 else None
        return [t] if t in mods else []
    return [a.name.split(".")[1] for a in node.names if a.name.startswith(pkg_name + ".") and a.name.split(".")[1] in mods]

def top_imports(pkg: Path = PKG) -> dict:
    "{module: (the package's modules, heavy packages)} imported at the module's top level, that is on import."
    mods = {p.stem: p for p in pkg.glob("*.py") if not p.stem.startswith("_")}
    out = {}
    for m, path in mods.items():
        own, heavy = set(), set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, (ast.Import, ast.ImportFrom)): continue
            own |= set(_target(node, pkg.name, mods)) - {m}
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            heavy |= {n.split(".")[0] for n in names} & HEAVY
        out[m] = (own, heavy)
    return out

def heavy_on_import(pkg: Path = PKG) -> dict:
    "{module: the heavy packages that importing it loads}, through the package's own top-level imports."
    tops = top_imports(pkg)
    @lru_cache(None)
    def heavy(m): return frozenset(tops[m][1].union(*(heavy(d) for d in tops[m][0])))
    return {m: set(heavy(m)) for m in tops}

def deferred_imports(pkg: Path = PKG) -> list:
    "(module, line, target) for each import of the package's own modules inside a function."
    mods = {p.stem: p for p in pkg.glob("*.py") if not p.stem.startswith("_")}
    found = []
    for m, path in mods.items():
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)): continue
            found += [(m, n.lineno, t) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))
                      for t in _target(n, pkg.name, mods) if t != m]
    return sorted(set(found))

def deferred_without_reason(pkg: Path = PKG) -> list:
    """Each import of the package's own modules inside a function that has no reason to be there: a module may defer
    a neighbour only when importing that neighbour loads a heavy package and the module itself loads none, and it
    says so in a `# light at import:` line; every other import of the package's own modules goes at the top."""
    heavy, bad = heavy_on_import(pkg), []
    for m, line, t in deferred_imports(pkg):
        where = f"tiny_reason/{m}.py:{line} imports {t}"
        if not heavy[t]: bad.append(f"{where}, which loads no heavy package: import it at the top")
        elif heavy[m]: bad.append(f"{where}; {m} loads {', '.join(sorted(heavy[m]))} anyway: import it at the top")
        elif LIGHT_MARK not in (pkg / f"{m}.py").read_text(encoding="utf-8"):
            bad.append(f"{where} inside a function without a `{LIGHT_MARK}` line saying why {m} stays light")
    return bad

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
