"""Each lesson's size, computed from the notebooks: cells, words of prose, the longest code cell,
stored outputs, file size, and a reading time (prose at 200 words a minute, code at 10 lines a minute).

    .venv/bin/python scripts/lesson_stats.py            # a markdown table
    .venv/bin/python scripts/lesson_stats.py --check    # exit 1 if a lesson is over the targets below
    .venv/bin/python scripts/lesson_stats.py --index    # write the lessons table (cells, words, reading time, predicted T4
                                                        # time, GPU pass) into index.ipynb, and under each lesson's Colab
                                                        # badge its predicted T4 time and its GPU-pass line

Targets (issue 13): a lesson takes a newcomer about 20 minutes: at most ~1,500 words of prose, ~45 cells, no code cell
over ~25 lines except one exported class, and the file under ~1 MB with its outputs. Everything is counted as a reader
meets it in Jupyter, Colab or on GitHub: `#| hide` and `#| exporti` cells too, every line of a code cell.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["00_data", "01_model", "02_train", "03_eval", "04_demo", "05_distill", "06_scratch", "07_grpo", "08_export", "09_study"]
TARGETS = {"words": 1500, "cells": 45, "longest code": 25, "kB": 1024}

def _is_class(src: str) -> bool:
    "A cell that is one class and nothing else at the top level (the one exported class a lesson may show whole)."
    return len(re.findall(r"^class \w+", src, re.M)) == 1 and not re.search(r"^def \w+", src, re.M)

def stats(path: Path) -> dict:
    "Counted as a reader meets the notebook in Jupyter, Colab or on GitHub: every cell, `#| hide` ones included."
    cells = json.loads(path.read_text())["cells"]
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    words = len(re.findall(r"\w+", prose))  # "4.127" is two words, "don't" two: a count that errs long
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    code_lines = [len(s.splitlines()) for s in code]  # every line, blank lines and `#|` directives too
    longest = max((n for n, s in zip(code_lines, code) if not _is_class(s)), default=0)
    return {"lesson": path.stem, "cells": len(cells), "words": words, "code lines": sum(code_lines),
            "longest code": longest,
            "with output": sum(bool(c.get("outputs")) for c in cells if c["cell_type"] == "code"),
            "code cells": len(code), "kB": round(path.stat().st_size / 1024),
            "minutes": round(words / 200 + sum(code_lines) / 10)}

def table(rows: list[dict]) -> str:
    head = "| lesson | cells | words | code lines | longest code cell | cells with output | kB | reading time |"
    out = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['lesson']} | {r['cells']} | {r['words']:,} | {r['code lines']} | {r['longest code']} | "
                   f"{r['with output']}/{r['code cells']} | {r['kB']:,} | ~{r['minutes']} min |")
    return "\n".join(out)

from repo_links import colab_prefix
COLAB = colab_prefix().rstrip("/")  # settings.ini's repository
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
INDEX_START, INDEX_END = "<!-- lessons table: scripts/lesson_stats.py --index -->", "<!-- end of lessons table -->"

def summary(path: Path) -> str:
    "The lesson's one-line summary: the `> ...` line under its title."
    first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    return next((l[1:].strip() for l in first.splitlines() if l.startswith(">")), "")

GPU_PASS = ROOT / "assets" / "gpu_pass.json"  # written by `make test-gpu` (scripts/test_notebooks.py --gpu --record)
GPU_START, GPU_END = "<!-- GPU pass: scripts/lesson_stats.py --index -->", "<!-- end of GPU pass -->"

def gpu_figures(name: str) -> tuple[dict, dict]:
    "The last GPU pass (the whole record) and this lesson's row of it."
    record = json.loads(GPU_PASS.read_text())
    return record, record["lessons"].get(name, {"result": "not run"})

def gpu_cell(name: str) -> str:
    "The lessons table's GPU column: result, time, peak GPU memory reserved."
    f = gpu_figures(name)[1]
    if f["result"] != "pass": return f["result"].split(" (")[0]
    return ", ".join(x for x in ("pass", f.get("seconds") and f"{f['seconds']} s", f"{f['reserved_gib']:.1f} GiB") if x)

def gpu_line(name: str) -> str:
    "The line under a lesson's Colab badge: what this lesson took on a GPU in the last `make test-gpu`, where and when."
    record, f = gpu_figures(name)
    where = f"`make test-gpu` on an {record['device']}, {record['date']}"
    if f["result"] != "pass": return f"{GPU_START}**On a GPU** ({where}): {f['result']}.{GPU_END}"
    took = ", ".join(x for x in (f.get("seconds") and f"{f['seconds']} s", f"at most {f['reserved_gib']:.2f} GiB of GPU memory reserved by PyTorch",
                                 f.get("host_rss_gib") and f"{f['host_rss_gib']:.1f} GiB of host memory") if x)
    return (f"{GPU_START}**On a GPU** ({where}; the `colab-t4` recipe at full size with random weights, fp16, capped at a "
            f"T4's 15 GB): passed, {took}. A T4 computes slower: its time is the prediction above.{GPU_END}")

T4_START, T4_END = "<!-- T4 time: scripts/lesson_stats.py --index -->", "<!-- end of T4 time -->"
T4_PRESET = "colab-t4"  # what a badge runs on a T4

def t4_times() -> dict:
    "Each lesson's predicted minutes on a free Colab T4 under `T4_PRESET`, and its longest stage (tiny_reason.lesson_time)."
    from tiny_reason.config import load_config
    from tiny_reason.lesson_time import LESSONS as TIMED, lesson_stages
    cfg, out = load_config(T4_PRESET), {}
    for n in TIMED:
        stages = lesson_stages(cfg, n)
        out[n] = (sum(s["seconds"] for _, s in stages) / 60, max(stages, key=lambda x: x[1]["seconds"]))
    return out

def t4_line(name: str, times: dict) -> str:
    "The line under a lesson's badge: its predicted time on a free T4 and its longest stage, from the same model as `tiny-reason time`."
    minutes, (stage, s) = times[name]
    return (f"{T4_START}**On a free Colab T4: about {minutes:.0f} min, predicted** (not measured) from the work `{T4_PRESET}` implies, a fresh "
            f"runtime included; its longest stage: {stage}, {s['work']}. `tiny-reason time --lesson {name}` lists every stage.{T4_END}")

def index_table() -> str:
    "The lessons table of index.ipynb: link, Colab badge, summary, cells, words, reading time, predicted T4 time and the GPU pass."
    record, times = json.loads(GPU_PASS.read_text()), t4_times()
    out = [INDEX_START, f"| lesson | | what it teaches | cells | words | reading time | on a T4 (predicted) | GPU pass ({record['device']}, {record['date']}) |",
           "|---|---|---|---:|---:|---:|---:|---|"]
    for n in LESSONS:
        path = ROOT / "nbs" / f"{n}.ipynb"
        r = stats(path)
        out.append(f"| [{n}](nbs/{n}.ipynb) | [![Open In Colab]({BADGE})]({COLAB}/{n}.ipynb) | {summary(path)} | "
                   f"{r['cells']} | {r['words']:,} | ~{r['minutes']} min | ~{times[n][0]:.0f} min | {gpu_cell(n)} |")
    return "\n".join(out + [INDEX_END])

def badge_cell(cells: list[dict]) -> dict:
    "The markdown cell of a lesson's `cells` that holds its Colab badge (the GPU-pass line lives there)."
    return next(c for c in cells if c["cell_type"] == "markdown" and BADGE in "".join(c["source"]))

def write_lessons():
    "Put (or replace) the predicted T4 time and the GPU-pass line under each lesson's Colab badge; nothing else in the lesson changes."
    pats = [re.compile(r"\n*" + re.escape(a) + ".*?" + re.escape(b), re.S) for a, b in ((T4_START, T4_END), (GPU_START, GPU_END))]
    times = t4_times()
    for n in LESSONS:
        path = ROOT / "nbs" / f"{n}.ipynb"
        nb = json.loads(path.read_text())
        cell, text = badge_cell(nb["cells"]), None
        text = "".join(cell["source"])
        for pat in pats: text = pat.sub("", text)
        cell["source"] = (text.rstrip() + "\n\n" + t4_line(n, times) + "\n\n" + gpu_line(n)).splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

VALIDATION_START, VALIDATION_END = "<!-- T4 validation: scripts/lesson_stats.py --index -->", "<!-- end of T4 validation -->"

def validation_block() -> str:
    "The T4 time model against published T4 runs (tiny_reason.t4_time.validation_table), between its markers."
    from tiny_reason.t4_time import validation_table
    return f"{VALIDATION_START}\n{validation_table()}\n{VALIDATION_END}"

def write_index():
    "Replace the lessons table and the T4 validation table between their markers in index.ipynb's markdown (nothing else changes)."
    path = ROOT / "index.ipynb"
    nb = json.loads(path.read_text())
    for start, end, make in ((INDEX_START, INDEX_END, index_table), (VALIDATION_START, VALIDATION_END, validation_block)):
        pat = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        cells = [c for c in nb["cells"] if pat.search("".join(c["source"]))]
        if len(cells) != 1: raise SystemExit(f"index.ipynb: expected one cell with the markers {start}, found {len(cells)}")
        text = pat.sub(lambda m: make(), "".join(cells[0]["source"]))
        cells[0]["source"] = text.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

def over(r: dict) -> list[str]:
    return [f"{r['lesson']}: {k} {r[k]} > {v}" for k, v in TARGETS.items() if r[k] > v]

if __name__ == "__main__":
    rows = [stats(ROOT / "nbs" / f"{n}.ipynb") for n in LESSONS if (ROOT / "nbs" / f"{n}.ipynb").exists()]
    print(table(rows))
    problems = [p for r in rows for p in over(r)]
    if problems: print("\nover target:\n  " + "\n  ".join(problems))
    if "--index" in sys.argv: write_lessons(); write_index();  # the lessons first: their GPU lines count as words print("index.ipynb: lessons table written; each lesson's GPU-pass line too")
    if "--check" in sys.argv and problems: sys.exit(1)
