"""Each lesson's size, computed from the notebooks: cells, words of prose, the longest code cell,
stored outputs, file size, and a reading time (prose at 200 words a minute, code at 10 lines a minute).

    .venv/bin/python scripts/lesson_stats.py            # a markdown table
    .venv/bin/python scripts/lesson_stats.py --check    # exit 1 if a lesson is over the targets below
    .venv/bin/python scripts/lesson_stats.py --index    # write the lessons table (reading time, predicted T4 time) into
                                                        # index.ipynb, and beside each lesson's Colab badge one line: its
                                                        # predicted T4 time and whether it ran on a GPU (details: docs/speed.md, docs/memory.md)
    .venv/bin/python scripts/lesson_stats.py --pages    # only index.ipynb's and docs/*.md's blocks, no lesson touched
    .venv/bin/python scripts/lesson_stats.py --lessons 00_data 03_eval   # only these lessons' lines beside their badges
    .venv/bin/python scripts/lesson_stats.py --keep-run runs/latest --index   # `make run`'s report, the front page's first result

Targets: a lesson takes a newcomer about 20 minutes: at most ~1,500 words of prose, ~45 cells, no code cell
over ~25 lines except one exported class, and the file under ~1 MB with its outputs. Everything is counted as a reader
meets it in Jupyter, Colab or on GitHub: `#| hide` and `#| exporti` cells too, every line of a code cell, up to the
lesson's appendix (the rest of its module's code, for reference), whose code lines are counted apart.
"""
import base64, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["00_data", "01_model", "02_train", "03_eval", "04_demo", "05_distill", "06_scratch", "07_grpo", "08_export", "09_study"]
TARGETS = {"words": 1500, "cells": 45, "longest code": 25, "kB": 1024}

def _is_class(src: str) -> bool:
    "A cell that is one class and nothing else at the top level (the one exported class a lesson may show whole)."
    return len(re.findall(r"^class \w+", src, re.M)) == 1 and not re.search(r"^def \w+", src, re.M)

APPENDIX = "## Appendix"  # a lesson's last section may hold the rest of its module's code, for reference

def stats(path: Path) -> dict:
    """Counted as a reader meets the notebook in Jupyter, Colab or on GitHub: every cell, `#| hide` ones included, up to
    an appendix (a markdown cell opening with `## Appendix`: the rest of the lesson's module, read on demand), whose code
    lines are counted apart."""
    cells = json.loads(path.read_text())["cells"]
    cut = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(APPENDIX)), len(cells))
    appendix = sum(len("".join(c["source"]).splitlines()) for c in cells[cut:] if c["cell_type"] == "code")
    cells = cells[:cut]
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    words = len(re.findall(r"\w+", prose))  # "4.127" is two words, "don't" two: a count that errs long
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    code_lines = [len(s.splitlines()) for s in code]  # every line, blank lines and `#|` directives too
    longest = max((n for n, s in zip(code_lines, code) if not _is_class(s)), default=0)
    return {"lesson": path.stem, "cells": len(cells), "words": words, "code lines": sum(code_lines),
            "longest code": longest,
            "with output": sum(bool(c.get("outputs")) for c in cells if c["cell_type"] == "code"),
            "code cells": len(code), "kB": round(path.stat().st_size / 1024),
            "minutes": round(words / 200 + sum(code_lines) / 10), "appendix code lines": appendix}

def table(rows: list[dict]) -> str:
    head = "| lesson | cells | words | code lines | longest code cell | cells with output | kB | reading time | appendix code lines |"
    out = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['lesson']} | {r['cells']} | {r['words']:,} | {r['code lines']} | {r['longest code']} | "
                   f"{r['with output']}/{r['code cells']} | {r['kB']:,} | ~{r['minutes']} min | {r['appendix code lines']} |")
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

# Lessons whose text comes from a model they hold, not from `eval.engine`: what generates there (read from their code)
GENERATES = {"00_data": "no generation", "01_model": "the model as loaded", "02_train": "the model as loaded",
             "04_demo": "the model as loaded", "06_scratch": "its own small models", "08_export": "adapter and merged model"}

def generated_by(name: str) -> str:
    "What generated the lesson's text in the GPU pass: `eval.engine` where the record names it, else what the lesson's code uses."
    f = gpu_figures(name)[1]
    return f"{f['engine']} engine" if f.get("engine") else GENERATES.get(name, "engine not recorded")

def t4_sim_scope() -> str:
    "What `make test-gpu` runs under t4-sim, from its config: the full model's shape, random weights, a few steps on a few items."
    from tiny_reason.config import load_config
    c = load_config("t4-sim")
    return (f"{c.model.name.split('/')[-1]}'s full shape with random weights, fp16, capped at a T4's {c.model.gpu_memory_limit_gb:g} GB: "
            f"{c.training.max_steps} training steps, {c.eval.test_samples} test items")

SPEED_PAGE, MEMORY_PAGE = "../docs/speed.md", "../docs/memory.md"  # from a lesson in nbs/: where its line's details live

def gpu_line(name: str) -> str:
    """The GPU half of the line beside a lesson's Colab badge, in a learner's words: whether the lesson ran on a GPU in
    the last `make test-gpu` (t4-sim: a T4's memory limit, random weights of the real model's shape), and when; its
    time, memory and what t4-sim runs are in docs/memory.md's table."""
    record, f = gpu_figures(name)
    how, when = "at a T4's memory limit, with random weights of the real shape", f.get("date", record["date"])
    if f["result"] == "pass": text = f"[Ran on a GPU]({MEMORY_PAGE}) {how} ({when})."
    elif f["result"].startswith("FAIL"): text = f"[Failed on a GPU]({MEMORY_PAGE}) {how} ({when}){f['result'].removeprefix('FAIL')}."  # "FAIL (why)"
    else: text = f"[Not run on a GPU]({MEMORY_PAGE}) in the last pass ({record['date']}): {f['result']}."
    # the period ends the line's sentence: the lesson's first sentence, after it, is counted and read apart
    return f"{GPU_START}{text}{GPU_END}"

GPU_SUMMARY_START, GPU_SUMMARY_END = "<!-- GPU summary: scripts/lesson_stats.py --index -->", "<!-- end of GPU summary -->"

def gpu_summary() -> str:
    "The front page's GPU sentence, from assets/gpu_pass.json: what t4-sim runs, which lessons passed and which failed, when."
    record = json.loads(GPU_PASS.read_text())
    rows = {n: record["lessons"].get(n, {"result": "not run"}) for n in LESSONS}
    passed = [n for n, f in rows.items() if f["result"] == "pass"]
    others = [f"{n} {f['result'].replace('FAIL', 'failed', 1)}" for n, f in rows.items() if f["result"] != "pass"]
    dates = sorted({f.get("date", record["date"]) for f in rows.values()})
    devices = sorted({f.get("device", record["device"]) for f in rows.values()})
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    text = (f"The last GPU pass (`make test-gpu` on {' and '.join(devices)}, {when}) ran each lesson alone under t4-sim "
            f"({t4_sim_scope()}): {len(passed)} of {len(rows)} lessons passed" + (f"; {'; '.join(others)}." if others else "."))
    return f"{GPU_SUMMARY_START}{text}{GPU_SUMMARY_END}"

T4_START, T4_END = "<!-- T4 time: scripts/lesson_stats.py --index -->", "<!-- end of T4 time -->"
T4_PRESET = "colab-t4"  # what a badge runs on a T4

def minutes_band(seconds: float) -> tuple[int, int, int]:
    "Whole minutes and the band the published T4 runs earned (tiny_reason.course.t4_time, imported only when asked for)."
    from tiny_reason.course.t4_validation import minutes_band as band
    return band(seconds)

def t4_times() -> dict:
    "Each lesson's predicted minutes on a free Colab T4 under `T4_PRESET`, and its longest stage (tiny_reason.course.lesson_time)."
    from tiny_reason.config import load_config
    from tiny_reason.course.lesson_time import LESSONS as TIMED, lesson_stages
    cfg, out = load_config(T4_PRESET), {}
    for n in TIMED:
        stages = lesson_stages(cfg, n)
        out[n] = (sum(s["seconds"] for _, s in stages) / 60, max(stages, key=lambda x: x[1]["seconds"]))
    return out

def t4_line(name: str, times: dict) -> str:
    """The T4 half of the line beside a lesson's badge: its predicted minutes on a free T4 and their band, from the same
    model as `tiny-reason time` (docs/speed.md: each stage, the longest, and what the band means)."""
    m, lo, hi = minutes_band(times[name][0] * 60)
    return f"{T4_START}On a free Colab T4: about {m} min, [predicted]({SPEED_PAGE}) ({lo}-{hi} min){T4_END}"

def lesson_line(name: str, times: dict) -> str:
    "The one line of metadata a lesson shows, beside its Colab badge: the predicted T4 time and whether it ran on a GPU."
    return f"{t4_line(name, times)} · {gpu_line(name)}"

def index_table() -> str:
    "The lessons table of index.ipynb: link, Colab badge, summary, estimated reading time, predicted T4 time with its band."
    times = t4_times()
    out = [INDEX_START, "| lesson | | what it teaches | reading time (estimate) | on a T4 (predicted, band) |",
           "|---|---|---|---:|---:|"]
    for n in LESSONS:
        path = ROOT / "nbs" / f"{n}.ipynb"
        m, lo, hi = minutes_band(times[n][0] * 60)
        out.append(f"| [{n}](nbs/{n}.ipynb) | [![Open In Colab]({BADGE})]({COLAB}/{n}.ipynb) | {summary(path)} | "
                   f"~{stats(path)['minutes']} min | ~{m} min ({lo}-{hi}) |")
    return "\n".join(out + [INDEX_END])

def badge_cell(cells: list[dict]) -> dict:
    "The markdown cell of a lesson's `cells` that holds its Colab badge (its one line of metadata sits beside it)."
    return next(c for c in cells if c["cell_type"] == "markdown" and BADGE in "".join(c["source"]))

BADGE_LINK = re.compile(r"\[!\[Open In Colab\]\(" + re.escape(BADGE) + r"\)\]\([^)\s]*\)")  # the badge, as repo_links.py writes it
RENDERED = [re.compile(r"\s*(?:·\s*)?" + re.escape(a) + ".*?" + re.escape(b), re.S) for a, b in ((T4_START, T4_END), (GPU_START, GPU_END))]

def with_line(text: str, name: str, times: dict) -> str:
    "A badge cell's `text` with the lesson's line right after the badge, and no other rendered T4 time or GPU line in it."
    for pat in RENDERED: text = pat.sub("", text)
    return BADGE_LINK.sub(lambda m: f"{m[0]} · {lesson_line(name, times)}", text, count=1)

def badge_stale(name: str, times: dict) -> bool:
    "True if lesson `name`'s badge cell is not what `write_lessons` would write now."
    text = "".join(badge_cell(json.loads((ROOT / "nbs" / f"{name}.ipynb").read_text())["cells"])["source"])
    return with_line(text, name, times) != text

def write_lessons(names=LESSONS):
    "Put (or replace) the line beside each lesson's Colab badge: predicted T4 time, GPU run; nothing else in the lesson changes."
    times = t4_times()
    for n in names:
        path = ROOT / "nbs" / f"{n}.ipynb"
        nb = json.loads(path.read_text())
        cell = badge_cell(nb["cells"])
        text = "".join(cell["source"])
        new = with_line(text, n, times)
        if new == text: continue
        cell["source"] = new.splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

VALIDATION_START, VALIDATION_END = "<!-- T4 validation: scripts/lesson_stats.py --index -->", "<!-- end of T4 validation -->"

def validation_block() -> str:
    "The T4 time model against published T4 runs (tiny_reason.course.t4_validation.validation_table), between its markers."
    from tiny_reason.course.t4_validation import validation_table
    return f"{VALIDATION_START}\n{validation_table()}\n{VALIDATION_END}"

STUDY_START, STUDY_END = "<!-- study result: scripts/lesson_stats.py --index -->", "<!-- end of study result -->"
STUDY_CELL = "report = run_study(cfg)"  # 09_study's cell whose stored output is the study's report.md

def study_output(kind: str):
    "What 09_study's committed run displayed in its report cell, of this MIME type (the report's Markdown, its figure)."
    cells = json.loads((ROOT / "nbs" / "09_study.ipynb").read_text())["cells"]
    cell = next(c for c in cells if STUDY_CELL in "".join(c["source"]))
    return next(o["data"][kind] for o in cell["outputs"] if kind in o.get("data", {}))

def study_block() -> str:
    "The study's arms table, its tests over seeds and item by item, from the report that 09_study's committed run displayed (its stored output), between markers."
    report = "".join(study_output("text/markdown"))
    parts = report.strip().split("\n\n")  # the header line, the arms table, the paired tests' intro and table, the over-seeds intro and table
    keep = [parts[0], parts[1]] + [x for i, p in enumerate(parts[:-1]) if p.startswith(("Over training seeds", "These trained models", "Item by item", "Over seeds"))
                                   for x in (p, parts[i + 1])]
    return f"{STUDY_START}\n" + "\n\n".join(keep) + f"\n{STUDY_END}"

FINDINGS_CELL = "Markdown(study_findings(report))"  # 09_study's cell whose stored output is the findings in words
FINDINGS = {"all": ("",), "RFT": ("RFT", "voting"), "GRPO": ("GRPO", "grpo")}  # a page's lines: those holding a word
FINDINGS_MARKS = {k: (f"<!-- study findings{'' if k == 'all' else ', ' + k}: scripts/lesson_stats.py --index -->",
                      f"<!-- end of study findings{'' if k == 'all' else ', ' + k} -->") for k in FINDINGS}

def findings_block(which: str) -> str:
    "The study's findings in words as 09_study's committed run printed them (`study_findings`), the lines about `which`, between markers."
    cells = json.loads((ROOT / "nbs" / "09_study.ipynb").read_text())["cells"]
    cell = next(c for c in cells if FINDINGS_CELL in "".join(c["source"]))
    text = next("".join(o["data"]["text/markdown"]) for o in cell["outputs"] if "text/markdown" in o.get("data", {}))
    lines = [l for l in text.strip().splitlines() if any(w in l for w in FINDINGS[which])]
    start, end = FINDINGS_MARKS[which]
    return "\n".join([start, *lines, end])

TIME_CELL = "'all stages'"  # 09_study's cell that prints the study's stage times
TIME_START, TIME_END = "<!-- study time: scripts/lesson_stats.py --index -->", "<!-- end of study time -->"

def time_block() -> str:
    "How long `make study`'s stages took, the totals 09_study's committed run printed (all stages, each seed's), between markers."
    cells = json.loads((ROOT / "nbs" / "09_study.ipynb").read_text())["cells"]
    cell = next(c for c in cells if TIME_CELL in "".join(c["source"]) and c["cell_type"] == "code")
    text = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("name") == "stdout")
    lines = [l for l in text.splitlines() if l.startswith(("all stages", "a seed's stages"))]
    if len(lines) != 2: raise ValueError(f"09_study's time cell printed {len(lines)} of its 2 total lines")
    return "\n".join([TIME_START, "```text", *lines, "```", TIME_END])

LESSON_TIMES = ROOT / "assets" / "results" / "cpu_lesson_times.json"  # scripts/run_lessons.py writes it
LESSON_TIMES_START, LESSON_TIMES_END = "<!-- cpu lesson times: scripts/lesson_stats.py --index -->", "<!-- end of cpu lesson times -->"

def lesson_times_block() -> str:
    "Each lesson's wall time in its last `make lessons` run on the `cpu` preset (scripts/run_lessons.py), between markers."
    times = json.loads(LESSON_TIMES.read_text())
    rows = [f"| {n} | {t['minutes']:.1f} min | {t['date']} | {t['machine']} |" for n, t in times.items()]
    return "\n".join([LESSON_TIMES_START, "| lesson | wall time, `cpu` preset | run on | machine |", "|---|---:|---|---|",
                      *rows, LESSON_TIMES_END])

STUDY_PLOT = ROOT / "assets" / "cpu_study.png"  # the front page's and docs/results.md's picture of the study

def study_png() -> bytes:
    "The study's figure as 09_study's committed run drew it (the image stored with its report cell's output)."
    return base64.b64decode(study_output("image/png"))

RUN_START, RUN_END = "<!-- run result: scripts/lesson_stats.py --index -->", "<!-- end of run result -->"
GSM_START, GSM_END = "<!-- cpu-gsm result: scripts/lesson_stats.py --index -->", "<!-- end of cpu-gsm result -->"
RESULTS = ROOT / "assets" / "results"
RUN_REPORT, RUN_PLOT = RESULTS / "cpu_run.json", ROOT / "assets" / "cpu_run_accuracy.png"  # `make run`'s, kept by --keep-run
GSM_REPORT = RESULTS / "cpu_gsm_run.json"  # `tiny-reason run --preset cpu-gsm`'s, kept by --keep-run
GEMMA_REPORT = RESULTS / "cpu_gemma_run.json"  # `tiny-reason run --preset cpu-gemma`'s (the second family), kept by --keep-run
FAMILIES_START, FAMILIES_END = "<!-- families result: scripts/lesson_stats.py --index -->", "<!-- end of families result -->"
GEMMA_START, GEMMA_END = "<!-- cpu-gemma result: scripts/lesson_stats.py --index -->", "<!-- end of cpu-gemma result -->"

def keep_run(folder: str) -> None:
    "Copy a finished `tiny-reason run` folder's report.json (and, for the cpu preset, its accuracy plot) to where the pages render them from."
    import shutil
    report = json.loads((Path(folder) / "report.json").read_text())  # a run that did not finish has none: nothing is copied
    target = {"cpu": RUN_REPORT, "cpu-gsm": GSM_REPORT, "cpu-gemma": GEMMA_REPORT}.get(report["preset"])
    if target is None:
        raise SystemExit(f"{folder}: a {report['preset']} run; the pages show the cpu, cpu-gsm and cpu-gemma presets' runs only")
    target.write_text(json.dumps(report, indent=1) + "\n")
    if target == RUN_REPORT: shutil.copy(Path(folder) / "accuracy.png", RUN_PLOT)

def run_block(report=RUN_REPORT, markers=(RUN_START, RUN_END), what: str = "`make run`") -> str:
    "A `tiny-reason run`'s result (`make run`'s by default): each arm's accuracy with its interval, and the paired test, between markers."
    r = json.loads(Path(report).read_text())
    pct = lambda d: f"{d['accuracy']:.1%} ({d['correct']}/{d['n']}; {d['ci95'][0]:.1%}-{d['ci95'][1]:.1%})"
    arms = [("base", "base model, primed with `<think>`"), ("tuned", "SFT with the chain of thought")]
    p = r["paired"]
    rows = [f"| {label} | {pct({**r[a]['flexible'], 'n': r[a]['n']})} | {pct({**r[a]['strict'], 'n': r[a]['n']})} | "
            f"{r[a]['format_valid_rate']:.0%} |" for a, label in arms]
    head = (f"**{what}, {r['preset']} preset** ({r.get('model_label', r['model'])}; {r['test']['source']}: {r['test']['n']} held-out items; "
            f"{r['training']['tuned']['max_steps']} training steps; {r['total_seconds'] / 60:.0f} min of stages on "
            f"{', '.join(r['machine'].split(', ')[:2])}, {r['date'][:10]}).")  # a sentence of its own
    return "\n".join([markers[0], head, "", "| arm | accuracy (95% Wilson) | strict: in the trained format | format-valid |", "|---|---|---|---:|",
                      *rows, "", f"Paired on the same items: SFT fixed {p['fixed']} and broke {p['broken']} of the base model's answers; "
                      f"McNemar exact p = {p['mcnemar_p']:.2g}.", markers[1]])

def gsm_block() -> str:
    "The cpu-gsm preset's run (assets/results/cpu_gsm_run.json), with what its paired test could see, between its markers."
    from tiny_reason.accuracy_stats import detectable_gain
    block, p = run_block(GSM_REPORT, (GSM_START, GSM_END), "`tiny-reason run --preset cpu-gsm`"), json.loads(GSM_REPORT.read_text())["paired"]
    share = (p["fixed"] + p["broken"]) / p["n"]
    gain = detectable_gain(p["n"], share)
    power = (f"At this discordance ({p['fixed'] + p['broken']} of {p['n']} items), the smallest true gain {p['n']} items find with 80% power is "
             f"{gain:.1%}." if gain else f"At this discordance ({p['fixed'] + p['broken']} of {p['n']} items), no true gain up to {share:.1%} is "
             f"found with 80% power on {p['n']} items. The run shows the format learned, and cannot rule out a small gain in skill.")
    return block.replace(f"\n{GSM_END}", f"\n{power}\n{GSM_END}")

def families_block() -> str:
    "The recipe on each model family (`tiny-reason run`'s kept reports, one row a family, the model as run), between markers."
    from tiny_reason.families import family_of
    rows = []
    for path in (RUN_REPORT, GEMMA_REPORT):
        r = json.loads(path.read_text())
        acc = lambda a: f"{r[a]['flexible']['accuracy']:.1%} ({r[a]['flexible']['correct']}/{r[a]['n']})"
        p = r["paired"]
        rows.append(f"| {family_of(r['model']).title} | {r.get('model_label', r['model'])} | `{r['preset']}` | "
                    f"{r['training']['tuned']['max_steps']}, {r['training']['tuned']['learning_rate']:g} | {acc('base')} | {acc('tuned')} | {p['fixed']} / {p['broken']} | "
                    f"{p['mcnemar_p']:.2g} | {r['total_seconds'] / 60:.0f} min, {max(m['peak_rss_bytes'] for m in r['stage_memory'].values()) / 2**30:.1f} GiB |")
    return "\n".join([FAMILIES_START, "| family | model, as run | preset | steps, rate | base | CoT SFT | fixed / broke | McNemar p "
                      "| time, peak RSS |", "|---|---|---|---:|---:|---:|---:|---:|---:|", *rows, FAMILIES_END])

GPU_TABLE_START, GPU_TABLE_END = "<!-- GPU pass table: scripts/lesson_stats.py --index -->", "<!-- end of GPU pass table -->"

def gpu_table() -> str:
    "Every lesson's row of the last GPU pass (assets/gpu_pass.json), between markers."
    record = json.loads(GPU_PASS.read_text())
    out = [GPU_TABLE_START, f"{record['what']}; {record['device']}, {record['date']}, {record['software']}. Source: {record['source']}.", "",
           "| lesson | result | time | GPU allocated / reserved (GiB) | host RSS (GiB) | what generated |", "|---|---|---:|---:|---:|---|"]
    for n in LESSONS:
        f = record["lessons"].get(n, {"result": "not run"})
        mem = f"{f['allocated_gib']:.2f} / {f['reserved_gib']:.2f}" if "reserved_gib" in f else "-"
        result = f["result"] + (f" ({f['note']})" if f.get("note") else "")
        seconds = f"{f['seconds']} s" if "seconds" in f else "-"
        out.append(f"| {n} | {result} | {seconds} | {mem} | {f.get('host_rss_gib', '-')} | {generated_by(n)} |")
    return "\n".join(out + [GPU_TABLE_END])

TIMES_START, TIMES_END = "<!-- T4 lesson times: scripts/lesson_stats.py --index -->", "<!-- end of T4 lesson times -->"

def times_block() -> str:
    "`tiny-reason time` for colab-t4 and colab-t4-full (tiny_reason.course.lesson_time, offline), between markers."
    from tiny_reason.config import load_config
    from tiny_reason.course.lesson_time import time_table
    runs = "\n\n".join(f"`tiny-reason time --preset {p}` (predicted):\n\n```text\n{time_table(load_config(p))}\n```" for p in (T4_PRESET, "colab-t4-full"))
    return f"{TIMES_START}\n{runs}\n{TIMES_END}"

MEMORY_START, MEMORY_END = "<!-- memory budget: scripts/lesson_stats.py --index -->", "<!-- end of memory budget -->"

def memory_block() -> str:
    "`tiny-reason memory --preset colab-t4`'s output (computed from the model's config, offline), between markers."
    import contextlib, io
    from tiny_reason.stage_commands import memory_cli
    with contextlib.redirect_stdout(io.StringIO()) as out: memory_cli(["--preset", T4_PRESET])
    return f"{MEMORY_START}\n`tiny-reason memory --preset {T4_PRESET}` (predicted):\n\n```text\n{out.getvalue().strip()}\n```\n{MEMORY_END}"

INCLUDE = re.compile(r"(<!-- include: (\S+?)(?:, without the column: ([^>]*?))? -->\n).*?(<!-- end of include -->)", re.S)  # a result file's Markdown

def included(path: str, drop: str | None = None) -> str:
    "A result file's Markdown as a page shows it: the file's own leading comment (its provenance) stays in the file, and a table column headed `drop` is left out."
    text, out, col = re.sub(r"\A<!--.*?-->\s*", "", (ROOT / path).read_text().strip(), flags=re.S), [], None
    for line in text.splitlines():
        if drop and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            col = cells.index(drop) if col is None and drop in cells else col
            if col is not None:
                kept = cells[:col] + cells[col + 1:]
                line = "|" + "|".join(kept) + "|" if all(set(c) <= set("-:") for c in kept) else "| " + " | ".join(kept) + " |"
        elif not line.startswith("|"): col = None  # the next table finds its own column
        out.append(line)
    return "\n".join(out)

BEYOND_START, BEYOND_END = "<!-- beyond SFT: scripts/lesson_stats.py --index -->", "<!-- end of beyond SFT -->"
BEYOND = {"05_distill": [("compare_adapters(cfg, adapter_dir", ("RFT rows:", "before the test:", "cpu, the same", "RFT against SFT:")),
                         ("schedule_control(cfg, train_ex", ("schedule control:", "cpu, the same", "control against SFT:")),
                         ("vote_cfg.eval.samples = 4", ("before the vote:", "cpu, ", "maj@4 against greedy:"))],
          "07_grpo": [("compare_arms(eval_dir", ("before the test:", "     human SFT:", "          GRPO:", "grpo_vs_tuned:",
                                               "GRPO against SFT:"))]}  # lesson: its cells, each with the lines kept

def stored_lines(name: str, code: str, starts: tuple) -> list[str]:
    "The lines of lesson `name`'s stored output, in the cell whose source holds `code`, that begin with one of `starts`."
    cells = json.loads((ROOT / "nbs" / f"{name}.ipynb").read_text())["cells"]
    cell = next(c for c in cells if code in "".join(c["source"]))
    text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
    return [l.strip() for l in text.splitlines() if l.startswith(starts)]

def beyond_block() -> str:
    """05's RFT and vote and 07's GRPO against SFT on the same held-out items, as their committed `cpu` runs printed
    them, between markers."""
    lines = [BEYOND_START]
    for name, cells in BEYOND.items():
        printed = [l for code, starts in cells for l in stored_lines(name, code, starts)]
        lines += [f"[{name}](../nbs/{name}.ipynb), its stored `cpu` run:", "", "```text", *printed, "```", ""]
    return "\n".join(lines[:-1] + [BEYOND_END])

LAYERS_START, LAYERS_END = "<!-- module layers: scripts/lesson_stats.py --index -->", "<!-- end of module layers -->"

def layers_block() -> str:
    "The library's modules by layer, each with its notebook and docstring (scripts/module_graph.py), between markers."
    import module_graph
    return "\n".join([LAYERS_START, module_graph.layer_table(), LAYERS_END])

BLOCKS = {"module layers": (LAYERS_START, LAYERS_END, lambda: layers_block()), "lessons table": (INDEX_START, INDEX_END, lambda: index_table()), "T4 validation": (VALIDATION_START, VALIDATION_END, lambda: validation_block()),
          "study result": (STUDY_START, STUDY_END, lambda: study_block()),
          "study time": (TIME_START, TIME_END, lambda: time_block()),
          "cpu lesson times": (LESSON_TIMES_START, LESSON_TIMES_END, lambda: lesson_times_block()),
          "run result": (RUN_START, RUN_END, lambda: run_block()), "GPU pass table": (GPU_TABLE_START, GPU_TABLE_END, lambda: gpu_table()),
          "T4 lesson times": (TIMES_START, TIMES_END, lambda: times_block()), "memory budget": (MEMORY_START, MEMORY_END, lambda: memory_block()),
          "beyond SFT": (BEYOND_START, BEYOND_END, lambda: beyond_block()),
          "GPU summary": (GPU_SUMMARY_START, GPU_SUMMARY_END, lambda: gpu_summary()),
          "cpu-gsm result": (GSM_START, GSM_END, lambda: gsm_block()),
          "families result": (FAMILIES_START, FAMILIES_END, lambda: families_block()),
          "cpu-gemma result": (GEMMA_START, GEMMA_END, lambda: run_block(GEMMA_REPORT, (GEMMA_START, GEMMA_END),
                                                                          "`tiny-reason run --preset cpu-gemma`")),
          **{f"study findings, {k}": (*FINDINGS_MARKS[k], lambda k=k: findings_block(k)) for k in FINDINGS}}
PAGES = [ROOT / "index.ipynb", *(ROOT / "nbs" / f"{n}.ipynb" for n in ("02_train", "03_eval", "05_distill", "07_grpo", "09_study")),
         *sorted((ROOT / "docs").glob("*.md"))]  # where rendered blocks live: the front page, the docs pages, 02_train
# (the SFT schedules), 03_eval (the cpu-gsm run), 05_distill and 07_grpo (the study's findings about them)

def render_blocks(text: str) -> str:
    "`text` with every known block between its markers replaced by what its result file says now."
    for start, end, make in BLOCKS.values():
        pat = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if pat.search(text):
            block = make()
            text = pat.sub(lambda m: block, text)
    return INCLUDE.sub(lambda m: m[1] + included(m[2], m[3]) + "\n" + m[4], text)

def page_text(path: Path) -> str:
    return "\n\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]) if path.suffix == ".ipynb" else path.read_text()

def stale_pages() -> list[str]:
    "The pages whose rendered blocks differ from their result files now."
    stale = [str(p.relative_to(ROOT)) for p in PAGES if render_blocks(page_text(p)) != page_text(p)]
    return stale + ([str(STUDY_PLOT.relative_to(ROOT))] if STUDY_PLOT.read_bytes() != study_png() else [])

def write_index():
    "Replace every rendered block between its markers in index.ipynb's markdown and in docs/*.md, and the study's figure."
    STUDY_PLOT.write_bytes(study_png())
    for path in PAGES:
        if path.suffix == ".md": path.write_text(render_blocks(path.read_text())); continue
        nb = json.loads(path.read_text())
        for c in nb["cells"]:
            if c["cell_type"] == "markdown": c["source"] = render_blocks("".join(c["source"])).splitlines(keepends=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

def over(r: dict) -> list[str]:
    return [f"{r['lesson']}: {k} {r[k]} > {v}" for k, v in TARGETS.items() if r[k] > v]

if __name__ == "__main__":
    if "--keep-run" in sys.argv: keep_run(sys.argv[sys.argv.index("--keep-run") + 1])  # e.g. --keep-run runs/latest, before any block renders
    rows = [stats(ROOT / "nbs" / f"{n}.ipynb") for n in LESSONS if (ROOT / "nbs" / f"{n}.ipynb").exists()]
    print(table(rows))
    problems = [p for r in rows for p in over(r)]
    if problems: print("\nover target:\n  " + "\n  ".join(problems))
    if "--lessons" in sys.argv:  # the names after the flag, up to the next flag
        after = sys.argv[sys.argv.index("--lessons") + 1:]
        names = after[:next((i for i, a in enumerate(after) if a.startswith("--")), len(after))]
        write_lessons(names); print(f"the line beside the badge written in {', '.join(names)}")
    if "--pages" in sys.argv: write_index(); print("index.ipynb and docs/*.md: rendered blocks written (the lessons untouched)")
    if "--index" in sys.argv:  # the lessons first: their GPU lines count as words
        # twice: a block rendered into a lesson (03's cpu-gsm run) changes its reading time, which the index shows
        write_lessons(); write_index(); write_index(); print("index.ipynb: lessons table written; each lesson's line beside its badge too")
    if "--check" in sys.argv and problems: sys.exit(1)
