"""`make test`'s notebook pass, on two workers of one torch thread each, the ready job that starts the longest chain first.

    .venv/bin/python scripts/test_notebooks.py [--only REGEX] [--workers N]
    .venv/bin/python scripts/test_notebooks.py --slow          # make test-slow: what make test leaves to CI (below)
    python scripts/test_notebooks.py --gpu [--preset t4-sim] [--workers 3]     # make test-gpu, on a CUDA machine

Three CPU passes; `make test` runs the first, less `SLOW_JOBS`, and `make test-slow` (CI, after make test) the rest:
- **cpu**: every notebook under the `cpu` preset at its test size (`TINY_REASON_PRESET=cpu-test`), in `nbs/`, sharing the adapter
  `02_train` trains (the notebooks that use it start once it is there: `ensure_adapter` would make them wait anyway);
- **badge**: every lesson under `colab-sim` (the `colab-t4` recipe, offline) alone in a fresh, empty folder, as its
  Colab badge runs it: nothing from earlier lessons on disk, only the offline model cache shared (Colab shares pip's);
- **colab-sim**: the reference notebooks whose result depends on the preset, under `colab-sim`, in `nbs/`;
- **gemma**: lessons 02-04 under `cpu-gemma-test` (random weights in Gemma-3-270M's shape, its real tokenizer, the
  plain `qa` format), each alone in a fresh, empty folder: the second model family's paths through the recipe (00, 01
  and 08 assume a chat template or a trained update, and do not run under it yet).

With `--gpu` (`make test-gpu`, on a CUDA machine only) it runs instead one pass, **gpu**: every lesson alone in a fresh,
empty folder under `t4-sim` (Qwen2.5-1.5B-Instruct's full shape with random weights, fp16, each process capped at a
T4's 15 GB), and prints for each lesson its time, `torch.cuda.max_memory_allocated` and `max_memory_reserved`, the
GPU memory nvidia-smi saw its processes use (CUDA context included, where the container shows their ids), and its peak
host RSS; a lesson over 15 GB of GPU memory or 12 GB of host memory fails.
The other reference notebooks (config resolution, files, offline builders, RWKV-7 against `rwkv`, bad input, the
plain-text format, GRPO's resume) do not depend on the preset and run under `cpu` only.

With `--slow` (`make test-slow`, which CI runs after `make test`) it runs what `make test` leaves out to keep its 13
minutes on 2 cores: the badge and colab-sim passes, the jobs in `SLOW_JOBS` (plumbing suites with minutes-long
end-to-end runs; lm-eval's protocols, an optional extra) and every notebook with `#| slow` cells, those cells included
(nbdev's `tst_flags`: 13's two-process `torchrun` training, 21's full 28-layer NF4 measurement, 27's qa-format learning
check, 36's llama.cpp on Qwen2 and on a sentencepiece-style tokenizer).

Two workers of one thread each: on 2 cores one 2-thread process per core oversubscribes them, while single-threaded
work (imports, tokenizing, grading) overlaps for free. Each job is a fresh process running nbdev's `test_nb` on its
notebooks (what `nbdev_test` runs for each), forked from a `multiprocessing` forkserver that has imported torch,
transformers, TRL, PEFT and the library once (about 8 s a process otherwise, measured): the job starts from a
process in the state a fresh one reaches after those imports, with its own environment, temporary folder and working
folder, and nothing from another job. The short notebooks share a process in groups; a badge job is always one
lesson alone. The estimates below order the jobs (seconds on this project's 2-core machine, from the last runs);
each run prints its times, slowest first, and each notebook's slowest cells, so they can be kept current.
"""
import argparse, json, multiprocessing, os, re, resource, shutil, subprocess, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ["00_data", "01_model", "02_train", "03_eval", "04_demo", "05_distill", "06_scratch", "07_grpo", "08_export", "09_study"]
# the second family's pass: the lessons that run under a base model's plain format today; 00 and 01 render chat
# templates and 08 holds a trained update's size, not yet written for a preset without a chat template
GEMMA_LESSONS = ["02_train", "03_eval", "04_demo"]
SIM_REFERENCE = ["12_pipeline", "17_loader", "21_model_checks", "22_train_checks", "23_eval_stage", "24_demo_checks"]
NO_ADAPTER = {"00_data", "01_model", "02_train", "06_scratch", "10_config", "39_measure", "13_files", "14_offline", "15_rwkv7", "16_bad_input",
              "17_loader", "18_generation", "19_scratch_io", "20_data_checks", "21_model_checks", "26_scratch_checks", "27_formats",
              "09_study", "31_study_checks", "32_harness", "33_t4_time", "34_lesson_time", "35_gguf_format", "46_answer_keys", "62_beyond_keys", "47_figures", "45_library_reaches", "50_number_parsing", "53_accuracy_stats", "55_t4_validation", "56_t4_stages", "57_folder_claims", "59_gguf_write", "64_families", "index"}  # need no trained cpu-test adapter
GROUPS = {  # short notebooks that share one process: (kind, name) -> notebooks, run in this order
    ("cpu", "short"): ["10_config", "39_measure", "20_data_checks", "19_scratch_io", "14_offline", "15_rwkv7",
                       "26_scratch_checks", "00_data", "06_scratch", "01_model", "33_t4_time",
                       "34_lesson_time", "35_gguf_format", "46_answer_keys", "62_beyond_keys", "47_figures", "45_library_reaches",
                       "50_number_parsing", "53_accuracy_stats", "55_t4_validation", "56_t4_stages", "57_folder_claims", "59_gguf_write", "64_families", "index"],
    ("cpu", "short-adapter"): ["03_eval", "24_demo_checks", "04_demo"],
    ("sim", "short"): ["21_model_checks", "23_eval_stage", "24_demo_checks"],
}
ESTIMATE = {"cpu:short-adapter": 104, "cpu:05_distill": 117, "cpu:short": 152, "cpu:16_bad_input": 40, "cpu:17_loader": 55, "cpu:25_model_card": 20, "cpu:54_export_folder": 45, "cpu:21_model_checks": 80, "cpu:07_grpo": 167, "cpu:08_export": 149,
            "cpu:02_train": 113, "cpu:09_study": 65, "cpu:27_formats": 19, "cpu:13_files": 3,  # make test, 2026-11-29 (AMD EPYC, 2 cores)
            "cpu:32_harness": 56, "cpu:12_pipeline": 146, "cpu:30_nothing_lost": 118, "cpu:31_study_checks": 145,
            "cpu:22_train_checks": 65, "cpu:40_distill_checks": 60, "cpu:36_gguf_check": 196, "cpu:37_exercises": 392, "cpu:11_cli": 10, "cpu:63_stage_commands": 25, "cpu:44_adapter_commands": 70, "sim:short": 42,
            "badge:09_study": 34, "badge:08_export": 75, "sim:12_pipeline": 29, "badge:05_distill": 28,
            "cpu:29_grpo_checks": 150, "cpu:29_grpo_checks": 70, "badge:07_grpo": 23, "sim:22_train_checks": 23, "badge:03_eval": 21, "badge:04_demo": 14,
            "gemma:03_eval": 35, "gemma:04_demo": 27, "gemma:02_train": 24,  # make test-slow's second-family pass, 2026-11-29
            "badge:02_train": 12, "sim:17_loader": 12, "cpu:23_eval_stage": 70, "cpu:18_generation": 30, "cpu:18_generation": 35, "badge:06_scratch": 9, "badge:01_model": 9, "badge:00_data": 4,
            # the GPU pass (t4-sim), measured on an H100 with 10 lessons at once (2026-11-23; 00_data's a guess)
            "gpu:09_study": 448, "gpu:07_grpo": 306, "gpu:04_demo": 305, "gpu:05_distill": 282, "gpu:08_export": 270,
            "gpu:02_train": 191, "gpu:06_scratch": 173, "gpu:03_eval": 167, "gpu:01_model": 88, "gpu:00_data": 40}

class Job:
    def __init__(self, kind: str, name: str, after: str | None = None, preset: str | None = None, slow: bool = False):
        self.kind, self.name, self.after, self.preset, self.slow = kind, name, after, preset, slow
        self.notebooks = GROUPS.get((kind, name), [name])
        self.key, self.seconds, self.ok, self.log, self.figures = f"{kind}:{name}", 0.0, None, "", {}
    def spec(self, tmp: Path) -> tuple[list, dict]:
        "The job's notebooks and environment."
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TMPDIR": str(tmp)}
        if self.slow: env["TEST_NOTEBOOKS_SLOW"] = "1"  # run the notebook's `#| slow` cells too
        # the tests choose their preset as a user would (the library has no test switch): cpu-test is cpu at test size
        env["TINY_REASON_PRESET"] = "cpu-test" if self.kind == "cpu" else self.preset or "colab-sim"
        if self.kind == "gemma": env["TINY_REASON_PRESET"] = "cpu-gemma-test"
        if self.kind == "gpu":  # a GPU machine's cores, shared by the lessons that run at once
            threads = str(max(1, (os.cpu_count() or 4) // max(1, int(os.environ.get("TEST_NOTEBOOKS_WORKERS", "1")))))
            env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads, TEST_NOTEBOOKS_GPU="1")
        if self.kind in ("badge", "gpu", "gemma"):  # a fresh, empty folder holding only the lesson
            folder = tmp / self.kind / self.name
            shutil.rmtree(folder, ignore_errors=True); folder.mkdir(parents=True)
            paths = [shutil.copy(ROOT / "nbs" / f"{self.name}.ipynb", folder)]
        else: paths = [ROOT / ("index.ipynb" if n == "index" else f"nbs/{n}.ipynb") for n in self.notebooks]
        return [str(p) for p in paths], env

# make test-slow's whole jobs (CI runs them after make test): lm-eval's protocols, and the plumbing suites whose
# end-to-end runs cost half a minute or more each on 2 cores (the CLI's commands and those that run an adapter, bad input to each, the loader's and
# the memory maths' checks, the export's guards and card, training and evaluation plumbing, the
# generation engines and their measures, distillation's guards and its run refused under another engine, GRPO resumed through its merged
# copy, that copy held to its rounding bound, every stage cut by Ctrl-C, the study resumed and moved, the whole pipeline, GGUF files judged by llama.cpp).
# make test keeps the lessons and the quick reference notebooks
SLOW_JOBS = {"cpu:32_harness", "cpu:11_cli", "cpu:63_stage_commands", "cpu:44_adapter_commands", "cpu:21_model_checks", "cpu:16_bad_input", "cpu:17_loader", "cpu:25_model_card", "cpu:12_pipeline", "cpu:18_generation", "cpu:18_generation", "cpu:22_train_checks", "cpu:23_eval_stage",
             "cpu:29_grpo_checks", "cpu:29_grpo_checks", "cpu:30_nothing_lost", "cpu:31_study_checks", "cpu:36_gguf_check", "cpu:40_distill_checks", "cpu:54_export_folder"}
SLOW_KINDS = {"badge", "sim", "gemma"}  # the colab-sim passes (each lesson alone, as its Colab badge runs it, and the
# reference notebooks) and the second family's lessons

def all_jobs() -> list[Job]:
    "Every job of the three CPU passes (cpu, badge, colab-sim), each with the job it waits for."
    names = sorted(p.stem for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith(("_", "."))) + ["index"]
    grouped = {n for (kind, _), ns in GROUPS.items() if kind == "cpu" for n in ns}
    singles = [n for n in names if n not in grouped]
    after = lambda ns: None if set(ns) <= NO_ADAPTER else "cpu:02_train"
    out = [Job("cpu", n, after([n])) for n in singles] + [Job(k, n, after(ns)) for (k, n), ns in GROUPS.items() if k == "cpu"]
    out += [Job("badge", n) for n in LESSONS]
    out += [Job("gemma", n) for n in GEMMA_LESSONS]
    sim_grouped = set(GROUPS["sim", "short"])
    out += [Job("sim", n, None if n == "17_loader" else "sim:17_loader") for n in SIM_REFERENCE if n not in sim_grouped]
    out += [Job("sim", "short", "sim:17_loader")]  # 17 trains their adapter
    return out

def is_slow(j: Job) -> bool: return j.key in SLOW_JOBS or j.kind in SLOW_KINDS

def jobs() -> list[Job]:
    "make test: every notebook under `cpu` at its test size (what `nbdev_test` runs), less `SLOW_JOBS`."
    return [j for j in all_jobs() if not is_slow(j)]

def slow_jobs() -> list[Job]:
    "make test-slow: `SLOW_JOBS`, the colab-sim passes, and the notebooks with `#| slow` cells under `cpu`, those cells run."
    flagged = {p.stem for p in (ROOT / "nbs").glob("*.ipynb") if '"#| slow' in p.read_text()}
    out = [j for j in all_jobs() if is_slow(j)]
    for j in out: j.slow = j.kind == "cpu" and j.name in flagged  # a whole slow job runs its `#| slow` cells too
    return out + [Job("cpu", n, slow=True) for n in sorted(flagged) if f"cpu:{n}" not in SLOW_JOBS]

# imported once by the forkserver; every job's process is forked from it (TRL's trainers load lazily, so named);
# tiny_reason.config first: it silences bitsandbytes' `kernels` message before peft imports bitsandbytes
PRELOAD = ["tiny_reason.config", "torch", "transformers", "peft", "datasets", "trl.trainer.sft_trainer", "trl.trainer.grpo_trainer",
           "nbdev.test", "execnb.shell", "tiny_reason.train", "tiny_reason.evaluation", "tiny_reason.grpo", "tiny_reason.grpo"]
SLOW_CELL = 10  # seconds: cells at least this long are named under their notebook, to show where the time goes

def child(paths: list[str], env: dict, log: str) -> None:
    "One job, in a process forked from the forkserver: run each notebook with nbdev's `test_nb`, as `nbdev_test` does."
    os.environ.clear(); os.environ.update(env); tempfile.tempdir = None  # this job's environment and TMPDIR
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 1); os.dup2(fd, 2)
    sys.stdout = sys.stderr = open(1, "w", buffering=1, closefd=False)
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.test import test_nb
    from execnb.shell import CaptureShell
    slow, cell = [], CaptureShell.cell
    def timed(self, c, *args, **kwargs):
        start = time.time(); out = cell(self, c, *args, **kwargs)
        slow.append((time.time() - start, c.source.split("\n")[0][:60])); return out
    CaptureShell.cell = timed
    gpu = env.get("TEST_NOTEBOOKS_GPU") == "1"
    executed, run_all = [], CaptureShell.run_all
    def keep(self, nb, *args, **kwargs): executed.append(nb); return run_all(self, nb, *args, **kwargs)
    CaptureShell.run_all = keep  # the GPU pass saves each lesson with its outputs, to read what it printed there
    if gpu:  # the preset's cap (a T4's 15 GB) for the whole process, before the lesson allocates anything
        from tiny_reason.config import load_config
        from tiny_reason.loader import limit_gpu_memory
        limit_gpu_memory(load_config())
    failed = 0
    for p in map(Path, paths):
        slow.clear()
        skip = [f for f in get_config().tst_flags.split() if not (f == "slow" and env.get("TEST_NOTEBOOKS_SLOW") == "1")]
        ok, secs = test_nb(p.absolute(), skip_flags=skip, basepath=get_config().config_path)
        print(f"  {'ok  ' if ok else 'FAIL'} {p.stem:<26} {secs:5.0f} s", flush=True); failed += not ok
        if gpu and executed:
            from execnb.nbio import write_nb
            write_nb(executed[-1], Path(log).with_suffix(".ipynb"))
        for t, first in sorted(slow, reverse=True)[:3]:
            if t >= SLOW_CELL: print(f"       {t:5.0f} s  {first}", flush=True)
    if gpu:
        import torch
        rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
        print("FIGURES " + json.dumps({"allocated": torch.cuda.max_memory_allocated(), "reserved": torch.cuda.max_memory_reserved(),
                                       "host_rss": rss}), flush=True)
    # the verdict is the notebooks': exit without the interpreter's teardown, where a native library's atexit work once
    # failed a job whose notebook had printed ok (badge:06_scratch, 2026-11-28; not reproduced alone)
    sys.stdout.flush(); os._exit(1 if failed else 0)

def run(selected: list[Job], tmp: Path, workers: int, sampler=None) -> bool:
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")  # the forkserver imports torch with one thread, as the jobs run
    if sampler:  # bitsandbytes initializes CUDA as it is imported, and a forked child cannot use CUDA: fresh processes on a GPU
        context = multiprocessing.get_context("spawn")
    else: context = multiprocessing.get_context("forkserver"); context.set_forkserver_preload(PRELOAD)
    pending, done, lock = list(selected), set(), threading.Condition()
    keys = {j.key for j in selected}
    # a job's chain: its own estimate and the longest chain of the jobs that wait for it. Ordering by the job's own
    # length alone started sim:17_loader (12 s) late, and the 42 s job waiting on it ran alone at the end
    def length(j): return ESTIMATE.get(j.key, 30) + max((length(d) for d in selected if d.after == j.key), default=0)
    chain = {j.key: length(j) for j in selected}
    def ready(j): return j.after is None or j.after not in keys or j.after in done
    def worker():
        while True:
            with lock:
                while True:
                    candidates = [j for j in pending if ready(j)]
                    if candidates or not pending: break
                    lock.wait()
                if not pending: return
                job = max(candidates, key=lambda j: chain[j.key])  # the ready job that starts the longest chain first
                pending.remove(job)
            paths, env = job.spec(tmp)
            log = tmp / "logs" / f"{job.kind}-{job.name}.log"; log.parent.mkdir(exist_ok=True)
            start = time.time()
            proc = context.Process(target=child, args=(paths, env, str(log))); proc.start()
            if sampler: sampler.watch(job.key, proc.pid)
            proc.join()
            job.seconds, job.ok, job.log = time.time() - start, proc.exitcode == 0, log.read_text(errors="replace")
            job.figures = next((json.loads(l[8:]) for l in job.log.splitlines() if l.startswith("FIGURES ")), {})
            shown = ("  ok  ", "  FAIL", "       ") if len(job.notebooks) > 1 else ("       ",)  # a group's notebooks; slow cells
            inner = "".join(f"\n{l}" for l in job.log.splitlines() if l.startswith(shown))
            figures = "".join(f", {k} {v / 2**30:.2f} GiB" for k, v in job.figures.items())  # the GPU pass's, as each lesson ends
            code = "" if job.ok else f" (exit code {proc.exitcode})"  # a signal shows as its negative number
            print(f"{'ok  ' if job.ok else 'FAIL'} {job.key:<28} {job.seconds:5.0f} s{code}{figures}{inner}", flush=True)
            with lock: done.add(job.key); lock.notify_all()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads: t.start()
    for t in threads: t.join()
    return all(j.ok for j in selected)

GPU_LIMIT, HOST_LIMIT = 15e9, 12e9  # a T4's memory, and about what a free Colab runtime has

class GpuSampler:
    "nvidia-smi every half second: each job's peak GPU memory (its process and their children, CUDA context included) and the GPU's busy share."
    def __init__(self):
        self.pids, self.peak, self.busy, self.stop = {}, {}, [], threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
    def watch(self, key: str, pid: int): self.pids[key] = pid
    def query(self, what: str, fields: str) -> list[list[str]]:
        out = subprocess.run(["nvidia-smi", f"--query-{what}={fields}", "--format=csv,noheader,nounits"], capture_output=True, text=True)
        return [[x.strip() for x in line.split(",")] for line in out.stdout.splitlines() if line.strip()]
    def loop(self):
        import psutil
        while not self.stop.wait(0.5):
            try:
                used = {int(pid): int(mib) * 2**20 for pid, mib in self.query("compute-apps", "pid,used_memory") if mib.isdigit()}
                self.busy += [int(u) for (u,) in self.query("gpu", "utilization.gpu") if u.isdigit()]
            except (OSError, ValueError): continue
            for key, pid in list(self.pids.items()):
                try: family = [pid] + [c.pid for c in psutil.Process(pid).children(recursive=True)]
                except psutil.Error: continue
                total = sum(used.get(p, 0) for p in family)
                self.peak[key] = max(self.peak.get(key, 0), total)

def gpu_jobs(preset: str) -> list[Job]:
    return [Job("gpu", n, preset=preset) for n in LESSONS]

def record(selected: list[Job], path: Path) -> None:
    "The pass's figures as `assets/gpu_pass.json` holds them: `scripts/lesson_stats.py --index` prints them in each lesson."
    import datetime, torch
    r = lambda b: round(b / 2**30, 2)
    lessons = {j.name: {"result": "pass" if j.ok else "FAIL", "seconds": round(j.seconds),
                        **({"allocated_gib": r(j.figures["allocated"]), "reserved_gib": r(j.figures["reserved"]),
                            "host_rss_gib": r(j.figures["host_rss"])} if j.figures else {})} for j in selected}
    path.write_text(json.dumps({"what": f"make test-gpu: every lesson alone in an empty folder under {selected[0].preset}",
                                "device": torch.cuda.get_device_name(), "date": datetime.date.today().isoformat(),
                                "software": f"torch {torch.__version__}, CUDA {torch.version.cuda}",
                                "source": f"scripts/test_notebooks.py --gpu, {os.environ['TEST_NOTEBOOKS_WORKERS']} lessons at once",
                                "lessons": lessons}, indent=2) + "\n")
    print(f"figures written to {path}: `scripts/lesson_stats.py --index` puts them in the lessons")

def gpu_report(selected: list[Job], sampler: GpuSampler) -> bool:
    "One row per lesson: time and memory; a lesson over a T4's GPU memory or Colab's host memory fails."
    import torch
    gib = lambda b: f"{b / 2**30:6.2f}" if b else "     -"
    print(f"\nGPU pass on {torch.cuda.get_device_name()} (preset {selected[0].preset}; limits: {GPU_LIMIT / 1e9:.0f} GB GPU, "
          f"{HOST_LIMIT / 1e9:.0f} GB host); GiB:")
    print(f"  {'lesson':<12}{'result':>9}{'time':>8}{'allocated':>11}{'reserved':>10}{'nvidia-smi':>12}{'host RSS':>10}")
    ok = True
    for j in selected:
        f = j.figures or {}
        over = [what for what, v, limit in (("GPU", max(f.get("reserved", 0), sampler.peak.get(j.key, 0)), GPU_LIMIT),
                                             ("host", f.get("host_rss", 0), HOST_LIMIT)) if v > limit]
        j.ok = bool(j.ok and f and not over); ok &= j.ok
        result = "pass" if j.ok else ("over " + "+".join(over) if over else "FAIL")
        print(f"  {j.name:<12}{result:>9}{j.seconds:>7.0f}s{gib(f.get('allocated'))!s:>11}{gib(f.get('reserved'))!s:>10}"
              f"{gib(sampler.peak.get(j.key))!s:>12}{gib(f.get('host_rss'))!s:>10}")
    if not any(sampler.peak.values()): print("  (nvidia-smi showed no process of ours: this container hides their ids; torch's figures stand)")
    if sampler.busy: print(f"  GPU busy {sum(sampler.busy) / len(sampler.busy):.0f}% of the samples over the pass")
    return ok

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--tmp", default=str(ROOT / ".tmp-test"))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--only", help="run the jobs whose KIND:NAME matches this regular expression")
    p.add_argument("--slow", action="store_true", help="make test-slow: the jobs and `#| slow` cells make test leaves to CI")
    p.add_argument("--gpu", action="store_true", help="the GPU pass instead: every lesson alone under --preset, on CUDA")
    p.add_argument("--preset", default="t4-sim", help="the GPU pass's preset (default t4-sim)")
    p.add_argument("--record", help="with --gpu: write the figures to this JSON file (make test-gpu: assets/gpu_pass.json)")
    a = p.parse_args()
    tmp = Path(a.tmp).resolve(); tmp.mkdir(parents=True, exist_ok=True)
    os.environ["TEST_NOTEBOOKS_WORKERS"] = str(a.workers)
    sampler = None
    if a.gpu:
        import torch
        if not torch.cuda.is_available(): sys.exit("test-gpu needs a CUDA GPU, and torch sees none here (make test runs the CPU passes)")
        from tiny_reason.config import load_config
        from tiny_reason.loader import model_path
        print(f"GPU pass: {a.preset} on {torch.cuda.get_device_name()}; its model: {model_path(load_config(a.preset))}", flush=True)  # built once, first
        sampler = GpuSampler(); sampler.thread.start()
    selected = [j for j in (gpu_jobs(a.preset) if a.gpu else slow_jobs() if a.slow else jobs()) if not a.only or re.search(a.only, j.key)]
    start = time.time()
    ok = run(selected, tmp, a.workers, sampler)
    print(f"\n{len(selected)} jobs ({sum(len(j.notebooks) for j in selected)} notebook runs) on {a.workers} workers in "
          f"{(time.time() - start) / 60:.1f} min; each job, slowest first:")
    for j in sorted(selected, key=lambda j: -j.seconds): print(f"  {j.key:<28} {j.seconds:5.0f} s{'' if j.ok else '  FAILED'}")
    if a.gpu:
        sampler.stop.set(); ok = gpu_report(selected, sampler) and ok
        if a.record: record(selected, Path(a.record))
    for j in selected:
        if not j.ok: print(f"\n===== {j.key} =====\n" + "\n".join(j.log.strip().splitlines()[-40:]))
    sys.exit(0 if ok else 1)
