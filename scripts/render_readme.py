"""Render README.md from index.ipynb without quarto (nbdev_readme needs quarto).

    python scripts/render_readme.py          # write README.md
    python scripts/render_readme.py --check  # exit 1 if README.md is not what index.ipynb renders to

Markdown cells are copied as they are; code cells become ```python blocks with their `#|` directives removed,
followed by their text outputs; cells marked `#| hide` are skipped. Images in outputs are not carried over.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- Generated from index.ipynb by scripts/render_readme.py: edit the notebook, not this file. -->\n\n"

def _src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s

def _outputs(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        text = o.get("text") or o.get("data", {}).get("text/plain")
        if text and "image/png" not in o.get("data", {}): out.append("".join(text) if isinstance(text, list) else text)
    return out

def render(nb_path=ROOT / "index.ipynb") -> str:
    "Markdown for the notebook at `nb_path`."
    parts = []
    for cell in json.loads(Path(nb_path).read_text())["cells"]:
        src = _src(cell)
        lines = src.splitlines()
        directives = [l.replace(" ", "") for l in lines if l.startswith("#|")]
        if "#|hide" in directives: continue
        if cell["cell_type"] == "markdown": parts.append(src.strip())
        elif cell["cell_type"] == "code":
            code = "\n".join(l for l in lines if not l.startswith("#|")).strip()
            if code: parts.append(f"```python\n{code}\n```")
            parts += [f"```\n{t.rstrip()}\n```" for t in _outputs(cell)]
    return HEADER + "\n\n".join(p for p in parts if p) + "\n"

def main(argv):
    readme, text = ROOT / "README.md", render()
    if "--check" in argv:
        if not readme.exists() or readme.read_text() != text:
            print("README.md is out of date with index.ipynb: run `python scripts/render_readme.py` (or `make readme`)")
            return 1
        print("README.md matches index.ipynb"); return 0
    readme.write_text(text); print(f"wrote {readme}"); return 0

if __name__ == "__main__": sys.exit(main(sys.argv[1:]))
