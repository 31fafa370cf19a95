"""How the memory allocator trades speed for resident memory, in one run: the `cpu` recipe's training steps under each setting.

    .venv/bin/python benchmarks/allocators.py                 # 20 steps per setting, about 35 minutes on 2 cores
    .venv/bin/python benchmarks/allocators.py --steps 8 --only defaults tcmalloc
    .venv/bin/python benchmarks/allocators.py --preset cpu-gemma --steps 12 --only tcmalloc "tcmalloc, LM head in one piece" \
        --out assets/results/cpu_gemma_memory_settings.md     # another preset's recipe (Gemma-3's 262,144-row LM head)
    .venv/bin/python benchmarks/allocators.py --steps 20 --only tcmalloc "tcmalloc, no gradient checkpointing" \
        "tcmalloc, LM head in one piece" "tcmalloc, NF4 base" --out assets/results/cpu_memory_settings.md

Each setting trains in a fresh process (an allocator is chosen when a process starts), with the `cpu` preset's real
recipe (batch 4, gradient checkpointing, TRL's LM head in chunks of 1,024 rows), no evaluation and no checkpoint, and
the parent reads that child's CPU seconds and peak resident memory from the kernel (`os.wait4`). Throughput counts
real (non-pad) tokens. A benchmark, not a test: run it alone on an idle machine; the print says the preset and device.
Settings whose library is missing here (jemalloc and tcmalloc come from Debian's libjemalloc2 and libtcmalloc-minimal4,
mimalloc from PyPI's cmeel-mimalloc) are reported as skipped.
"""
import argparse, glob, json, os, platform, subprocess, sys, tempfile, time

KiB, MiB = 1024, 2**20
tunables = lambda **kv: {"GLIBC_TUNABLES": ":".join(f"glibc.malloc.{k}={v}" for k, v in kv.items())}
SETTINGS = {  # name: (what it is, environment of the child, in-process setting the child applies first)
    "defaults": ("glibc's defaults (the mmap threshold rises to 32 MiB as big blocks are freed)", {}, None),
    "mmap 64 KiB": ("fixed M_MMAP_THRESHOLD of 64 KiB (the command line's setting until now)", tunables(mmap_threshold=64 * KiB), None),
    "mmap 64 KiB, huge pages": ("fixed 64 KiB threshold, malloc's mappings backed by transparent huge pages",
                                tunables(mmap_threshold=64 * KiB, hugetlb=1), None),
    "mmap 1 MiB": ("fixed mmap threshold 1 MiB", tunables(mmap_threshold=MiB), None),
    "mmap 2 MiB": ("fixed mmap threshold 2 MiB", tunables(mmap_threshold=2 * MiB), None),
    "mmap 4 MiB, trim 8 MiB, top pad 16 MiB": ("fixed thresholds, the heap's top kept padded",
                                              tunables(mmap_threshold=4 * MiB, trim_threshold=8 * MiB, top_pad=16 * MiB), None),
    "arena max 2": ("glibc's defaults, at most 2 malloc arenas", tunables(arena_max=2), None),
    "trim per step": ("glibc's defaults, malloc_trim(0) after every optimizer step", {}, "trim"),
    "jemalloc": ("jemalloc 5 (Debian's libjemalloc2) preloaded", {"LD_PRELOAD": "libjemalloc.so.2"}, None),
    "tcmalloc": ("tcmalloc (Debian's libtcmalloc-minimal4) preloaded", {"LD_PRELOAD": "libtcmalloc_minimal.so.4"}, None),
    "mimalloc": ("mimalloc (PyPI's cmeel-mimalloc) preloaded", {"LD_PRELOAD": "mimalloc"}, None),
    # the cpu preset's other memory fixes, each measured with the allocator it runs under
    "tcmalloc, no gradient checkpointing": ("tcmalloc, activations kept for backward", {"LD_PRELOAD": "libtcmalloc_minimal.so.4"},
                                            "model.gradient_checkpointing=false"),
    "tcmalloc, LM head in one piece": ("tcmalloc, TRL's fused LM head unchunked (its default tile)", {"LD_PRELOAD": "libtcmalloc_minimal.so.4"},
                                       "training.logprob_chunk_rows=none"),
    "tcmalloc, NF4 base": ("tcmalloc, the base model quantized to NF4 (bitsandbytes) under the fp32 LoRA",
                           {"LD_PRELOAD": "libtcmalloc_minimal.so.4"}, "model.load_in_4bit=true"),
}

def library(name: str) -> str | None:
    "A shared library's path: Debian's lib folders, or this venv's site-packages (mimalloc); None if it is not installed."
    pats = [f"/usr/lib/*/{name}", f"/usr/lib/{name}"] if name.endswith(tuple("0123456789")) else \
           [os.path.join(sys.prefix, "lib", "python*", "site-packages", "cmeel.prefix", "lib", "libmimalloc.so")]
    found = [p for pat in pats for p in glob.glob(pat)]
    return found[0] if found else None

def child(steps: int, inprocess: str | None, preset: str = "cpu"):
    "Train `steps` steps of the cpu recipe (with `inprocess`: `trim`, or a `key=value` override) in this process; print one JSON line."
    import torch, tempfile
    from transformers import TrainerCallback
    from tiny_reason.config import load_config
    from tiny_reason.data import prepare_examples
    from tiny_reason.loader import load_model, load_tokenizer
    from tiny_reason.train import make_trainer
    from tiny_reason.train import seed_everything
    class Trim(TrainerCallback):
        def on_step_end(self, *a, **k): ctypes.CDLL("libc.so.6").malloc_trim(0)
    import ctypes
    cfg = load_config(preset, overrides=dict([inprocess.split("=", 1)]) if inprocess and "=" in inprocess else {})
    seed_everything(cfg.project.seed)
    train_ex, val_ex, _ = prepare_examples(cfg, verbose=False)
    tok, model = load_tokenizer(cfg), load_model(cfg, lora=True, training=True)
    trainer = make_trainer(cfg, train_ex, val_ex, tempfile.mkdtemp(), model=model, tok=tok, max_steps=steps,
                           eval_strategy="no", eval_on_start=False, save_strategy="no", load_best_model_at_end=False,
                           logging_steps=steps, disable_tqdm=True, callbacks=[Trim()] if inprocess == "trim" else [])
    real = sum(int(b["attention_mask"].sum()) for i, b in zip(range(steps * cfg.training.gradient_accumulation_steps),
                                                               trainer.get_train_dataloader()))
    t = time.perf_counter(); trainer.train(); secs = time.perf_counter() - t
    print(json.dumps({"real_tokens": real, "train_s": secs, "threads": torch.get_num_threads()}))

def run(name: str, steps: int, preset: str = "cpu") -> dict:
    what, env, inprocess = SETTINGS[name]
    env = dict(env)
    if "LD_PRELOAD" in env:
        path = library(env["LD_PRELOAD"])
        if path is None: return {"skipped": f"{env['LD_PRELOAD']} is not installed"}
        env["LD_PRELOAD"] = path
    cmd = [sys.executable, __file__, "--child", "--steps", str(steps), "--preset", preset] + (
        ["--inprocess", inprocess] if inprocess else [])
    start = time.perf_counter()
    err = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: the child's progress bars could fill a pipe's buffer
    proc = subprocess.Popen(cmd, env={**os.environ, **env, "TQDM_DISABLE": "1"}, stdout=subprocess.PIPE, stderr=err, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        err.seek(0)
        return {"skipped": f"the child failed (status {status}): {(err.read().strip().splitlines() or [''])[-1][:200]}"}
    r = json.loads(out.strip().splitlines()[-1])
    return {**r, "wall_s": time.perf_counter() - start, "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
            "peak_rss_gib": usage.ru_maxrss * KiB / 2**30, "tok_s": r["real_tokens"] / r["train_s"]}

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--preset", default="cpu", help="whose training recipe (default: cpu)")
    p.add_argument("--only", nargs="*", help="run these settings only (names as in the table)")
    p.add_argument("--out", help="also write the table to this file (a result the presets' comments cite)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--inprocess", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child: child(a.steps, a.inprocess, a.preset); sys.exit(0)
    names = a.only or list(SETTINGS)
    command = " ".join(["benchmarks/allocators.py", "--preset", a.preset, "--steps", str(a.steps), "--out", str(a.out)])
    lines = [f"<!-- written by {command} (--only: the settings below, one run each): do not edit -->", ""]
    kept = {}  # with --out, rows an earlier run wrote there at the same step count stay: one setting a run on a shared machine
    if a.out and os.path.exists(a.out) and command in open(a.out).read():
        kept = {l.split(" | ")[0][2:]: l for l in open(a.out).read().splitlines() if l.startswith("| ") and not l.startswith("| setting")}
    def say(line: str):
        print(line, flush=True); lines.append(line)
        rows = [r for n, r in kept.items() if n not in names]
        if a.out: open(a.out, "w").write("\n".join(lines[:4] + rows + lines[4:]) + "\n")  # after every row: a cut run keeps its rows
    from tiny_reason.config import load_config
    label = load_config(a.preset).model.label
    say(f"[{a.preset} preset, {label}, CPU ({platform.machine()}, {os.cpu_count()} cores)] {a.steps} training steps "
          "of batch 4 per setting, each in a fresh process; CPU seconds and peak RSS of the whole process (load included)")
    say(f"\n| setting | real tokens/s in training | user s | system s | system / user | peak RSS (GiB) |\n|---|---:|---:|---:|---:|---:|")
    for name in names:
        r = run(name, a.steps, a.preset)
        if "skipped" in r: say(f"| {name} | skipped: {r['skipped']} | | | | |"); continue
        say(f"| {name} | {r['tok_s']:.0f} | {r['user_s']:.0f} | {r['sys_s']:.0f} | {r['sys_s'] / r['user_s']:.0%} | {r['peak_rss_gib']:.2f} |")
