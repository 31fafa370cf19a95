"""Repository checks run by `make test` before the notebooks:

1. README.md is what index.ipynb renders to (scripts/render_readme.py --check);
2. nbdev finds every lesson notebook, and skips virtual environments and hidden folders;
3. `nbdev_export` and `nbdev_clean` change nothing: the package and the notebooks are in sync and clean;
4. every figure rendered between markers in index.ipynb and docs/*.md (the lessons table, the study's report, the GPU
   pass, the T4 predictions, benchmark tables) and in the line beside each lesson's Colab badge is what its result file
   says now (scripts/lesson_stats.py), a planted change is caught, and README.md stays a front page (at most 1,500 words);
5. the package's modules import each other in no circle, deferred imports included (the README's layers);
6. every notebook's Colab badge and install cell point at settings.ini's repository (scripts/repo_links.py);
7. no notebook stores widget views or widget state (progress bars, the demo): GitHub and the docs cannot draw them;
8. the llama.cpp build the Makefile runs (version, CMake flags, its own cache) is the one the library tells a
   user to run;
9. the library's code needs no Python newer than settings.ini's min_python (vermin, about 1 s), and
   pyproject.toml states the same floor;
10. no notebook narrates the project's history ("issue N", "used to"): a comment says what the code guards, in the
    present tense, and the history is in git;
11. the package's modules import each other at the top: an import of one of its own modules inside a function is kept
    only where it keeps a light module (no torch on import) light, and that module says why in a
    `# light at import:` line (scripts/module_graph.py).
"""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
LESSONS = {"00_data", "01_model", "02_train", "03_eval", "04_demo", "05_distill", "06_scratch", "07_grpo", "08_export", "10_config", "11_cli", "12_pipeline",
           "13_files", "14_offline", "15_rwkv7", "16_bad_input", "20_data_checks", "21_model_checks", "22_train_checks",
           "23_eval_stage", "24_demo_checks", "17_loader", "18_generation", "19_scratch_io", "25_model_card",
           "26_scratch_checks", "27_formats", "29_grpo_checks", "30_nothing_lost", "09_study", "31_study_checks", "32_harness",
           "33_t4_time", "34_lesson_time", "37_exercises"}

def check_readme():
    import render_readme
    assert (ROOT / "README.md").read_text() == render_readme.render(), \
        "README.md is out of date with index.ipynb: run `make readme`"

def check_notebooks_found():
    from nbdev.doclinks import nbglob
    found = {Path(p).stem for p in nbglob(ROOT / "nbs")}
    assert LESSONS <= found, f"nbdev does not find {sorted(LESSONS - found)}"
    import shutil, tempfile
    with tempfile.TemporaryDirectory() as tmp:  # a planted notebook in .venv must be skipped
        for rel in ("nbs/00_a.ipynb", ".venv/lib/site-packages/pkg/demo.ipynb"):
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "nbs" / "10_config.ipynb", Path(tmp) / rel)
        seen = {str(Path(p).relative_to(tmp)) for p in nbglob(tmp)}
    assert seen == {"nbs/00_a.ipynb"}, f"nbdev should find only nbs/00_a.ipynb, found {sorted(seen)}"

def _snapshot(paths):
    return {p: p.read_bytes() for p in paths}

def check_in_sync():
    bindir = Path(sys.executable).parent
    py = sorted((ROOT / "tiny_reason").glob("*.py"))
    nbs = sorted((ROOT / "nbs").glob("*.ipynb")) + [ROOT / "index.ipynb"]
    before = _snapshot(py + nbs)
    for cmd in ([bindir / "nbdev_export"], [bindir / "nbdev_clean"], [bindir / "nbdev_clean", "--fname", "index.ipynb"]):
        subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, capture_output=True)
    after = _snapshot(sorted((ROOT / "tiny_reason").glob("*.py")) + nbs)
    changed = sorted(str(p.relative_to(ROOT)) for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f"nbdev_export/nbdev_clean changed {changed}: run `make export` and commit"

def check_lessons_table():
    import lesson_stats
    stale = lesson_stats.stale_pages()
    assert not stale, f"rendered figures out of date with their result files in {stale}: run `.venv/bin/python scripts/lesson_stats.py --index`, then `make readme`"
    page = lesson_stats.page_text(ROOT / "index.ipynb")  # the check catches a figure edited by hand: plant one and see it fail
    import re
    block = page[page.index(lesson_stats.RUN_START):page.index(lesson_stats.RUN_END)]  # make run's result, rendered from its file
    figure = re.search(r"\d+\.\d%", block)[0]
    planted = page.replace(block, block.replace(figure, f"{float(figure[:-1]) + 1:.1f}%", 1))
    assert planted != page and lesson_stats.render_blocks(planted) != planted, "the drift check missed a planted figure"
    times = lesson_stats.t4_times()
    stale = [n for n in lesson_stats.LESSONS if lesson_stats.badge_stale(n, times)]
    assert not stale, f"the line beside the Colab badge (predicted T4 time, GPU check) is missing or out of date in {stale}: run `.venv/bin/python scripts/lesson_stats.py --index`"
    name = lesson_stats.LESSONS[0]  # and a minute edited by hand beside a badge is caught
    text = lesson_stats.with_line("[![Open In Colab](" + lesson_stats.BADGE + ")](x.ipynb)", name, times)
    planted = re.sub(r"about (\d+) min", lambda m: f"about {int(m[1]) + 1} min", text, count=1)
    assert planted != text and lesson_stats.with_line(planted, name, times) == text, "the badge-line check missed a planted minute"

README_WORDS = 1500  # a front page, not a lab notebook: the rest lives in docs/

def check_readme_words():
    import re
    text = re.sub(r"<!--.*?-->", "", (ROOT / "README.md").read_text(), flags=re.S)  # URLs and HTML comments are not prose
    words = len(re.sub(r"https?://\S+", "", re.sub(r"\(https?://[^)]*\)", "", text)).split())
    assert words <= README_WORDS, f"README.md has {words} words (URLs and comments not counted), over {README_WORDS}: move detail to docs/"

def check_prose_numbers():
    import prose_numbers
    missing = [f"{name}: {n}" for name in prose_numbers.LESSONS for n, _ in prose_numbers.unprinted(name)]
    assert not missing, f"numbers in lesson prose that no stored output prints (scripts/prose_numbers.py): {', '.join(missing)}"

def check_no_import_cycles():
    from module_graph import import_graph
    graph, state = import_graph(ROOT / "tiny_reason"), {}
    def visit(m, path):  # depth first; a module met again on the current path closes a circle
        state[m] = "open"
        for d in sorted(graph[m]):
            if state.get(d) == "open": raise AssertionError(f"import circle: {' -> '.join(path[path.index(d):] + [d])}")
            if d not in state: visit(d, path + [d])
        state[m] = "done"
    for m in sorted(graph):
        if m not in state: visit(m, [m])

def check_repo_links():
    import repo_links
    bad = [p.name for p in repo_links.notebooks() if repo_links.stale(p)]
    assert not bad, f"{bad} point at another repository than settings.ini's: run `make export`"

def check_no_widget_state():
    import json
    from run_lessons import WIDGET
    bad = []
    for p in sorted((ROOT / "nbs").glob("*.ipynb")) + [ROOT / "index.ipynb"]:
        nb = json.loads(p.read_text())
        views = sum(WIDGET in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
        if views or "widgets" in nb.get("metadata", {}): bad.append(f"{p.name} ({views} widget views)")
    assert not bad, f"{bad} store widgets: run them with scripts/run_lessons.py, which strips them"

def llama_cpp_build(makefile: str) -> tuple[str, str, str]:
    "The Makefile's llama-cpp-python requirement, CMake flags and cache folder."
    import re
    get = lambda name: re.search(rf"^{name}\s*\??:?=\s*(.+?)\s*$", makefile, re.M).group(1)
    return get("LLAMA_CPP"), get("LLAMA_CPP_CMAKE"), get("LLAMA_CPP_CACHE").replace("$(HOME)", "~")

def check_llama_cpp_build():
    from tiny_reason.gguf_format import LLAMA_CPP, LLAMA_CPP_INSTALL
    version, flags, cache = llama_cpp_build((ROOT / "Makefile").read_text())
    want = f'CMAKE_ARGS="{flags}" pip install --no-binary llama-cpp-python --cache-dir {cache} "{version}"'
    assert version == LLAMA_CPP and LLAMA_CPP_INSTALL == want, f"the Makefile builds {want!r}; tiny_reason.gguf_format says {LLAMA_CPP_INSTALL!r}"
    planted = (ROOT / "Makefile").read_text().replace("-DGGML_NATIVE=OFF", "-DGGML_NATIVE=ON")  # the check must see a changed flag
    assert llama_cpp_build(planted)[1] != flags

def min_python() -> str:
    "settings.ini's min_python: the oldest Python the package says it runs on."
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=["="])
    cfg.read(ROOT / "settings.ini", encoding="utf-8")
    return cfg["DEFAULT"]["min_python"]

def newer_than(floor: str, *paths) -> list[str]:
    "What in `paths` needs a Python newer than `floor` (vermin): 'file: what needs which'; [] if none."
    vermin = Path(sys.executable).parent / "vermin"
    assert vermin.exists(), f"{vermin} missing: `make install` installs settings.ini's dev_requirements"
    # annotations too: the config schema evaluates them at run time (typing.get_type_hints)
    flags = [f"--target={floor}-", "--violations", "--no-tips", "--eval-annotations"]
    r = subprocess.run([str(vermin), *flags, *map(str, paths)], capture_output=True, text=True)
    if r.returncode == 0: return []
    found, file = [], None
    for line in r.stdout.splitlines():
        if line.startswith("!") or line[:1].isdigit(): file = line.split()[-1]  # `!2, 3.11     path`: a file
        elif "requires" in line: found.append(f"{file.removeprefix(str(ROOT) + '/')}: {line.strip()}")
    return found or [(r.stdout + r.stderr).strip()[-300:]]

def check_python_floor():
    import re, tempfile
    floor = min_python()
    stated = re.search(r'^requires-python\s*=\s*"([^"]*)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert stated == f">={floor}", \
        f"pyproject.toml says requires-python {stated!r}, settings.ini min_python {floor}: state one floor"
    found = newer_than(floor, ROOT / "tiny_reason")
    assert not found, f"the library needs a newer Python than settings.ini's {floor}: " + "; ".join(found)
    with tempfile.TemporaryDirectory() as tmp:  # the check must see a newer API: itertools.batched is 3.12's
        (Path(tmp) / "planted.py").write_text("import itertools\nprint(list(itertools.batched('abcd', 2)))\n")
        assert newer_than("3.11", tmp), "vermin missed itertools.batched (Python 3.12) against a 3.11 floor"

HISTORY = r"\b(issue \d+|used to)\b"  # project history, which belongs to git, not to a notebook

def history_in(text: str) -> list[str]:
    import re
    return [m[0] for m in re.finditer(HISTORY, text, re.I)]

def check_no_history():
    import json
    found = [f"{p.name}: {h!r}" for p in sorted((ROOT / "nbs").glob("*.ipynb"))
             for c in json.loads(p.read_text())["cells"] for h in history_in("".join(c["source"]))]
    assert not found, f"notebooks narrate history (say what the code guards, in the present; history goes to git): {found}"
    assert history_in("a fix (Issue 12)") and history_in("it used to crash") and not history_in("refused to write"), \
        "the history check missed a planted line, or caught a word that is not history"

def check_imports_at_top():
    import tempfile
    from module_graph import deferred_without_reason
    bad = deferred_without_reason(ROOT / "tiny_reason")
    assert not bad, "imports of the package's own modules inside functions:\n  " + "\n  ".join(bad)
    with tempfile.TemporaryDirectory() as tmp:  # a planted package: the check must catch each kind
        pkg = Path(tmp) / "tiny_reason"; pkg.mkdir()
        (pkg / "heavy.py").write_text("import torch\n")
        (pkg / "plain.py").write_text("X = 1\n")
        (pkg / "no_reason.py").write_text("def f():\n    from .heavy import torch\n")
        (pkg / "light_target.py").write_text("# light at import: planted\ndef f():\n    from .plain import X\n")
        (pkg / "said.py").write_text("# light at import: planted\ndef f():\n    from tiny_reason.heavy import torch\n")
        (pkg / "heavy_anyway.py").write_text("import torch\ndef f():\n    from .heavy import torch\n")
        caught = {line.split(".py")[0].split("/")[-1] for line in deferred_without_reason(pkg)}
    assert caught == {"no_reason", "light_target", "heavy_anyway"}, f"the deferred-import check caught {caught}"

if __name__ == "__main__":
    checks = [check_readme, check_readme_words, check_notebooks_found, check_in_sync, check_lessons_table, check_prose_numbers, check_no_import_cycles, check_repo_links,
              check_no_widget_state, check_llama_cpp_build, check_python_floor, check_no_history, check_imports_at_top]
    failed = 0
    for check in checks:
        try: check(); print(f"ok    {check.__name__}")
        except AssertionError as e: failed += 1; print(f"FAIL  {check.__name__}: {e}")
    print(f"check_repo: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
