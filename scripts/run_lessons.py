"""Run the lessons on the real `cpu` preset (not the test size) and save them with their outputs: `make lessons`.

    .venv/bin/python scripts/run_lessons.py               # every lesson, in order
    .venv/bin/python scripts/run_lessons.py 02_train      # some of them

Each notebook runs top to bottom in a fresh Jupyter kernel (nbclient), as "Run all" would, with the working folder
`nbs/`, so the `cpu` preset's adapter (`nbs/outputs/cpu/lora_adapter`) is trained by the first lesson that needs it
and reused by the others. Progress bars are switched off (they would be stored as hundreds of lines or as widgets that
GitHub cannot draw), and so are transformers' FutureWarnings about names it renames in v6; everything else a cell
prints or draws is kept. The notebooks are then cleaned by `nbdev_clean`
(execution counts and metadata go, outputs stay: `clear_all = False` in settings.ini).
"""
import datetime, json, os, platform, re, subprocess, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from lesson_stats import LESSONS, stats

QUIET = {"TINY_REASON_PRESET": "cpu",            # the stored outputs are the `cpu` preset's, whatever this machine is
         "TQDM_DISABLE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1", "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
         "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
         "PYTHONWARNINGS": "ignore::FutureWarning,ignore::SyntaxWarning"}  # transformers 5.23's notices of v6 renames, once per
# cell otherwise; and cellpylib's (a dependency of reasoning-gym) SyntaxWarnings, printed when its files compile: where
# bytecode is not written (PYTHONDONTWRITEBYTECODE), at every import. Colab's pip writes bytecode, so a learner never sees them

WIDGET = "application/vnd.jupyter.widget-view+json"

def tidy_outputs(nb) -> None:
    """Join each cell's consecutive stdout (or stderr) outputs into one, as Jupyter shows them (a streamed reply is one
    output), and store no output for `#| hide` cells: they hold tests and plumbing, which the docs do not show either.
    Widget views go too, with the notebook's widget state: without a live kernel GitHub and the docs draw nothing but a
    line of state (04_demo shows its widget as a screenshot instead)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(r"^#\|\s*hide\b", cell.source, re.M): cell.outputs = []; continue
        merged = []
        for o in cell.get("outputs", []):
            if WIDGET in o.get("data", {}): continue
            if merged and o.output_type == "stream" and merged[-1].output_type == "stream" and merged[-1].name == o.name:
                merged[-1].text += o.text
            else: merged.append(o)
        if cell.cell_type == "code": cell.outputs = merged

TIMES = ROOT / "assets" / "results" / "cpu_lesson_times.json"  # each lesson's last run here (lesson_stats renders it)

def cpu_model() -> str:
    "The CPU's model name and a comma (Linux's /proc/cpuinfo), else nothing: two machines of 2 cores differ 2x in speed."
    try: line = next(l for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
    except (OSError, StopIteration): return ""
    return line.split(":", 1)[1].strip() + ", "

def record_time(name: str, seconds: float) -> None:
    "Keep `name`'s wall time, the date and the machine in `TIMES`, beside the other lessons' last runs."
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    times[name] = {"minutes": round(seconds / 60, 1), "date": datetime.date.today().isoformat(),
                   "machine": f"{platform.machine()}, {cpu_model()}{os.cpu_count()} cores"}
    TIMES.write_text(json.dumps(dict(sorted(times.items())), indent=1) + "\n")

def run(name: str, timeout: int = 3 * 3600) -> float:
    """Execute `nbs/NAME.ipynb` in a fresh kernel and write it back with its outputs; returns the seconds it took.
    `timeout` bounds one cell: 07's GRPO or its three arms on 1,200 items take about an hour on a slow 2-core machine."""
    path = ROOT / "nbs" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    tidy_outputs(nb)
    nbformat.write(nb, path)
    return time.time() - t0

if __name__ == "__main__":
    os.environ.update(QUIET)
    names = sys.argv[1:] or LESSONS + ["15_rwkv7"]  # 06_scratch cites 15_rwkv7's checks against `rwkv`: stored too
    for name in names:
        secs = run(name)
        record_time(name, secs)
        subprocess.run([str(ROOT / ".venv" / "bin" / "nbdev_clean"), "--fname", f"nbs/{name}.ipynb"], cwd=ROOT, check=True)
        s = stats(ROOT / "nbs" / f"{name}.ipynb")
        print(f"{name}: {secs / 60:.1f} min, {s['with output']}/{s['code cells']} code cells with output, {s['kB']:,} kB", flush=True)
