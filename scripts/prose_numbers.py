"""Every number of three or more digits in a lesson's prose must be printed by a cell: of that lesson, or of a notebook
the same prose cell names (`[15_rwkv7](15_rwkv7.ipynb)` or `15_rwkv7`). Lists the ones no stored output shows.

    .venv/bin/python scripts/prose_numbers.py             # every lesson; exit 1 if any number is unprinted
    .venv/bin/python scripts/prose_numbers.py 09_study    # some of them

A number is its digits with thousands commas dropped (`1,152` -> `1152`); it is found in an output where the same digits
stand alone (not inside a longer number). Counted: numbers with at least three significant digits (`546`, `130.5`,
`0.0386`; not `0.05` or `0.77`). Not counted: dates (`2026-11-22`), years, arXiv ids (`2402.03300`), and anything inside
`code spans`, LaTeX (`$...$`) or link targets.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from lesson_stats import LESSONS

NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(e-?\d+)?(?![\w])")
SKIP = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|\d{4}-\d{2}-\d{2}|\b\d{4}\.\d{5}\b|https?://\S+", re.S)
NAMED = re.compile(r"\b(\d\d_[a-z0-9_]+)\b")

def digits(text: str) -> str: return text.replace(",", "")

def numbers(prose: str) -> list[str]:
    "The numbers of three or more digits in `prose`, outside code spans, LaTeX, links and dates."
    found = []
    for m in NUMBER.finditer(SKIP.sub(" ", prose)):
        n = digits(m.group(0))
        significant = n.split("e")[0].replace(".", "").lstrip("0")
        if len(significant) >= 3 and not re.fullmatch(r"(19|20)\d\d", n): found.append(n)
    return found

def outputs(path: Path) -> str:
    "Everything the notebook's stored outputs show as text, thousands commas dropped."
    text = []
    for c in json.loads(path.read_text())["cells"]:
        for o in c.get("outputs", []):
            text.append("".join(o.get("text", "")))
            for mime in ("text/plain", "text/markdown", "text/html"): text.append("".join(o.get("data", {}).get(mime, "")))
    return digits("\n".join(text))

def printed(n: str, shown: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", shown) is not None

def unprinted(name: str) -> list[tuple[str, str]]:
    "(number, the start of its prose cell) for each number no output of the lesson or of a notebook its cell names shows."
    path = ROOT / "nbs" / f"{name}.ipynb"
    own, missing = outputs(path), []
    for c in json.loads(path.read_text())["cells"]:
        if c["cell_type"] != "markdown": continue
        prose = "".join(c["source"])
        named = [ROOT / "nbs" / f"{m}.ipynb" for m in set(NAMED.findall(prose)) if (ROOT / "nbs" / f"{m}.ipynb").exists()]
        shown = own + "".join(outputs(p) for p in named)
        missing += [(n, prose.strip().splitlines()[0][:70]) for n in numbers(prose) if not printed(n, shown)]
    return missing

if __name__ == "__main__":
    bad = 0
    for name in sys.argv[1:] or LESSONS:
        for n, where in unprinted(name):
            print(f"{name}: {n} (in: {where})"); bad += 1
    print(f"{bad} number(s) in lesson prose that no stored output prints")
    sys.exit(1 if bad else 0)
