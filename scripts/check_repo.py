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
    `# light at import:` line (scripts/module_graph.py);
12. every fixed/broken count in a lesson's prose is one its stored outputs print, and every measured number in a
    preset's comments (configs/*.yaml) is printed by the result or notebook the comment names, or is gone.
"""
import json, re, subprocess, sys
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
    block = page[page.index(lesson_stats.FAMILIES_START):page.index(lesson_stats.FAMILIES_END)]  # the runs' results, from their files
    figure = re.search(r"\d+\.\d%", block)[0]
    planted = page.replace(block, block.replace(figure, f"{float(figure[:-1]) + 1:.1f}%", 1))
    assert planted != page and lesson_stats.render_blocks(planted) != planted, "the drift check missed a planted figure"
    times = lesson_stats.t4_times()
    stale = [n for n in lesson_stats.LESSONS if lesson_stats.badge_stale(n, times)]
    assert not stale, f"the line beside the Colab badge (predicted T4 time, GPU run) is missing or out of date in {stale}: run `.venv/bin/python scripts/lesson_stats.py --index`"
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

PAIRED = (re.compile(r"(\d[\d,]*) fixed,? (?:and )?(\d[\d,]*) broken"), re.compile(r"fixed (\d[\d,]*) and broke (\d[\d,]*)"))
PAIRED_SHOWN = (re.compile(r"fixed\s+(\d+)\s*(?:and\s+)?broken?\s+(\d+)"), re.compile(r"(\d+) fixed,? (?:and )?(\d+) broken"))

# pairs a lesson's prose gives as an exercise's own input, not as a result
PAIRED_SOURCED = {("03_eval", "19", "11"): "exercise 2's split of 30 discordant items",
                  ("09_study", "38", "22"): "its exercise's split, twice exercise 2's of 03_eval"}
RENDERED_BLOCK = re.compile(r"<!-- [^>]*scripts/lesson_stats\.py[^>]*-->.*?<!-- end of [^>]*-->", re.S)  # a result file's words

def paired_counts(text: str, patterns=PAIRED) -> set[tuple[str, str]]:
    "Every (fixed, broken) pair `text` states: `97 fixed and 2 broken`, `fixed 97 and broke 2`; commas dropped."
    return {(a.replace(",", ""), b.replace(",", "")) for pat in patterns for a, b in pat.findall(text)}

def unprinted_pairs(name: str, prose: str | None = None) -> list[str]:
    "The (fixed, broken) counts lesson `name`'s prose (or `prose`) states that none of its stored outputs prints."
    import prose_numbers
    path = ROOT / "nbs" / f"{name}.ipynb"
    if prose is None:
        cells = json.loads(path.read_text())["cells"]
        md = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        cut = next((i for i, t in enumerate(md) if t.startswith(prose_numbers.APPENDIX)), len(md))
        prose = "\n".join(md[:cut])
    shown = paired_counts(prose_numbers.outputs(path), PAIRED_SHOWN)
    return [f"{a} fixed and {b} broken" for a, b in sorted(paired_counts(RENDERED_BLOCK.sub(" ", prose)))
            if (a, b) not in shown and (name, a, b) not in PAIRED_SOURCED]

def check_paired_counts():
    "A lesson's prose that counts fixed and broken items states a pair its own stored outputs print (03: 97 and 2)."
    import prose_numbers
    bad = [f"{n}: {p}" for n in prose_numbers.LESSONS for p in unprinted_pairs(n)]
    assert not bad, f"fixed/broken counts in lesson prose that no stored output prints: {bad}"
    assert unprinted_pairs("03_eval", "Here 97 fixed and 1 broken (flexible).") == ["97 fixed and 1 broken"], \
        "the paired-count check missed a planted count"

# numbers in the presets' comments no result file or stored output prints, each with where it comes from
CONFIG_SOURCED = {
    ("colab-t4.yaml", "7473"): "GSM8K's training split (Cobbe et al. 2021)",
    ("colab-t4.yaml", "1319"): "GSM8K's test split (Cobbe et al. 2021)",
    ("tinyllama-t4.yaml", "32000"): "TinyLlama-1.1B-Chat's vocabulary (its config.json)",
    ("colab-t4.yaml", "177.7"): "the tiny models' parameter count at Qwen2.5's vocabulary (06_scratch's formula, colab-t4's sizes)",
    ("colab-t4.yaml", "183.3"): "the tiny models' parameter count at Qwen2.5's vocabulary (06_scratch's formula, colab-t4's sizes)",
    ("colab-sim.yaml", "151936"): "Qwen2.5's vocabulary (its config.json; 01_model prints it)",
    ("colab-t4-full.yaml", "1600"): "grpo.max_steps 100 x 16 replies a step (colab-t4's grpo batch)",
    ("colab-t4.yaml", "1800"): "data.num_samples 2,000 less validation_split 0.1",
    ("colab-t4.yaml", "8192"): "scratch.block_size 512 x batch_size 4 x gradient_accumulation_steps 4",
    ("colab-t4.yaml", "640"): "grpo.max_steps 40 x 16 replies a step",
    ("colab-t4.yaml", "5.6"): "Wilson's 95% interval at 150 of 300 items: +-5.6 points (accuracy_stats.wilson_interval)",
}
# a number as prose_numbers reads one, and also glued to a ratio or a scale (`2.4x`, `4.9M`, `82k`)
CONFIG_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:e-?\d+)?(?:[xkMB%](?!\w)|(?!\w))")
SOURCE_NAMED = re.compile(r"\b(\d\d_[a-z0-9_]+)\b|(assets/results/[\w.-]+)|(docs/[\w-]+\.md)")

def config_comments(text: str) -> list[tuple[int, str]]:
    "(line number, text) of each comment block of a YAML file: a comment and the comment-only lines that continue it."
    blocks = []
    for i, line in enumerate(text.splitlines(), 1):
        if "#" not in line: continue
        comment = line[line.index("#") + 1:]
        if line.lstrip().startswith("#") and blocks and blocks[-1][2] == i - 1: blocks[-1][1] += " " + comment
        else: blocks.append([i, comment, i])
        blocks[-1][2] = i
    return [(i, c) for i, c, _ in blocks]

def measured(comment: str) -> list[str]:
    "The numbers in a comment that read as measurements: 3+ significant digits, a decimal point, or a ratio/percent (`2.4x`, `22%`)."
    import prose_numbers
    found = []
    comment = prose_numbers.SKIP.sub(" ", comment)
    for m in CONFIG_NUMBER.finditer(comment):
        n, after = prose_numbers.digits(m[1] + (m[2] or "")), comment[m.end(2) if m[2] else m.end(1):][:1]
        significant = n.split("e")[0].replace(".", "").lstrip("0")
        if (len(significant) >= 3 or "." in n or after in ("x", "%")) and not re.fullmatch(r"(19|20)\d\d", n): found.append(n)
    return found

def source_text(named: str) -> str:
    "What a comment's named source shows: a notebook's stored outputs, a result file, or the result files a docs page includes."
    import prose_numbers
    if named.startswith("assets/"): return prose_numbers.digits((ROOT / named).read_text()) if (ROOT / named).exists() else ""
    if named.startswith("docs/"):
        page = (ROOT / named).read_text() if (ROOT / named).exists() else ""
        return "\n".join(source_text(f) for f in re.findall(r"<!-- include: (assets/results/[\w.-]+)", page))
    path = ROOT / "nbs" / f"{named}.ipynb"
    return prose_numbers.outputs(path) if path.exists() else ""

def unsourced_config_numbers(path: Path, text: str | None = None) -> list[str]:
    """Numbers in a preset's comments that the sources the comment names do not print, as printed or rounded (a notebook's
    stored outputs, a result file, the result files a docs page includes); a comment that names none is held against
    every result file and stored output, where the number must stand as written. The presets' own values count (a comment may restate one), and `CONFIG_SOURCED`'s constants."""
    import prose_numbers
    text = path.read_text() if text is None else text
    values = prose_numbers.digits("\n".join(re.sub(r"#.*", "", p.read_text()) for p in sorted((ROOT / "configs").glob("*.yaml"))))
    everything = None
    stands = lambda n, shown: re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", shown)
    bad = []
    for line, comment in config_comments(text):
        names = [next(g for g in m if g) for m in SOURCE_NAMED.findall(comment)]
        found = stands  # against everything, a number must stand as written; against a named source, as it rounds there
        if names: shown, found = "\n".join(source_text(n) for n in names), lambda n, shown: prose_numbers.printed(n, shown)
        else:
            if everything is None:
                everything = "\n".join([prose_numbers.outputs(p) for p in sorted((ROOT / "nbs").glob("*.ipynb"))] +
                                       [source_text(f"assets/results/{p.name}") for p in sorted((ROOT / "assets" / "results").iterdir())])
            shown = everything
        bad += [f"{path.name}:{line}: {n}" for n in measured(comment)
                if not found(n, shown) and not stands(n, values) and (path.name, n) not in CONFIG_SOURCED]
    return bad

def check_config_numbers():
    "Every measured number in a preset's comments is printed by what the comment cites (or any result), or is gone."
    bad = [b for p in sorted((ROOT / "configs").glob("*.yaml")) for b in unsourced_config_numbers(p)]
    assert not bad, f"numbers in configs/*.yaml comments no committed result prints (name the file, or remove the number): {bad}"
    planted = "  load_in_4bit: false  # fp32 LoRA trains ~2.4x faster than NF4 (assets/results/cpu_memory_settings.md)\n" \
              "  x: 1  # the peak from 2.99 to 1.33 GiB (02_train)\n"
    caught = unsourced_config_numbers(ROOT / "configs" / "cpu.yaml", planted)
    assert caught == ["cpu.yaml:1: 2.4", "cpu.yaml:2: 2.99", "cpu.yaml:2: 1.33"], f"the config-number check caught {caught}"

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
    checks = [check_readme, check_readme_words, check_notebooks_found, check_in_sync, check_lessons_table, check_prose_numbers, check_paired_counts, check_config_numbers, check_no_import_cycles, check_repo_links,
              check_no_widget_state, check_llama_cpp_build, check_python_floor, check_no_history, check_imports_at_top]
    failed = 0
    for check in checks:
        try: check(); print(f"ok    {check.__name__}")
        except AssertionError as e: failed += 1; print(f"FAIL  {check.__name__}: {e}")
    print(f"check_repo: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
