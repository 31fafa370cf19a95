"""Today's path against the fast ones, in one process, on the same items: evaluation and training speed, the GPU's
busy share, peak memory, and whether the fast paths give the same answers and losses.

    python benchmarks/gpu_speed.py                          # CUDA: t4-sim (colab-t4 at Qwen2.5-1.5B's full size, fp16, a T4's 15 GB)
    python benchmarks/gpu_speed.py --preset cpu-test        # a CPU: the same comparison at a small size, and it says so
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 python benchmarks/gpu_speed.py  # a CPU, as `make` runs
    python benchmarks/gpu_speed.py --items 1319 --no_train --engines reference,compiled  # GSM8K's full test's size, evaluation only
    python benchmarks/gpu_speed.py --preset cpu --set model.precision=fp16 --set data.source=synthetic:word_problems \
        --set eval.test_source=synthetic:word_problems --no_train --ref_items 64  # real weights, the answers' agreement (a GPU machine has no reasoning-gym)

Evaluation: `eval.engine` reference (the NF4 base with the adapter on top, as trained; eval.batch_size) against merged
(the adapter merged into the dequantized NF4 base once, fp16, batches as large as memory allows) and compiled (merged,
every batch in one fixed shape with a static KV cache, so that `generate` compiles its decoding step once). A compiled
engine answers the items twice: the first run compiles, the second replays, and the difference is reported as its
compile time, counted once in the projection to GSM8K's full test (on a CPU it runs uncompiled, as `evaluate` would);
an engine that does not compile first answers two items with 4 new tokens, untimed, so that no engine's time holds the
process's first-call costs. Same items, same greedy decoding; agreement is the share of items whose extracted answer
(and whose whole text) is the reference path's, and how much of the text comes before the first difference. Random
weights (t4-sim) never stop, so every reply runs to max_new_tokens: the worst case for speed; they seldom write a
number, so their "same answer" mostly compares no answer with none (the table counts the answers): the answers'
agreement needs real weights (`--preset cpu`, SmolLM2-135M, staged with `stage.sh --smollm2` on a GPU machine).
Sampling (`--no_sample` skips it): distillation's `k` samples a training question (`distill.k`, `batch_size`,
`max_new_tokens`, temperature, top-p: the preset's teacher, `load_teacher`) through each engine, timed the same way
(the reference engine on one batch on CUDA). Two engines' samples from one seed are not expected to be the same tokens:
once the arithmetic differs, a draw near a boundary of the cumulative distribution picks the neighbouring token and
the replies part (18_generation). What is compared instead is the distribution: the log-probability each sampled
token gets from the engine and from the reference model (`logprob_agreement`, on the first `CHECK_ROWS` samples), its
largest difference against the bound rounding alone allows (an fp32 bound; in 16 bits it allows almost anything).
Training: the recipe as written (batch 2 x 4, gradient checkpointing) against `training.fit_memory_gb` (the same
8 rows a step, as few micro-batches as the memory model says fit, checkpointing only if needed) and that setup compiled
(`training.torch_compile`), the same steps and rows; tokens/s counts real tokens, and the GPU's busy share is sampled,
after the first `WARM_STEPS` (set-up; a compiled model's compiles, reported apart). Each setup also prints the
trainer's own time prediction (`StepClock`: made after 6 of the 16 steps, from the faster half of steps 3-6) beside the
time the run took. With random weights (t4-sim) a fourth setup, the host floor, runs the fitted one at Qwen2.5-1.5B's
depth with its widths shrunk (`HOST_FLOOR_WIDTHS`): the arithmetic gone, what is left is the host's work a step, the
time no GPU can take off; a fitted step near it is bound by launches and Python, not by the GPU.
T4 figures are predictions of the T4 time model (`tiny_reason.course.t4_time`, 33_t4_time) for the same calls and steps: the
work counted, not this GPU's busy share scaled (a busy GPU is not a saturated one).
A benchmark, not a test: as each measurement ends it prints a line, and at the end one Markdown table of them all,
headed by the device, the date and the command (docs/speed.md renders it from assets/results/); --out writes the figures as JSON,
--markdown the table, both rewritten as each measurement ends, so a run cut short by a time limit keeps what it
finished. Run it alone on the machine.
"""
import argparse, copy, gc, json, os, platform, shlex, subprocess, sys, tempfile, threading, time
from unittest import mock
from pathlib import Path
import torch
import tiny_reason.evaluation
from tiny_reason.config import load_config
from tiny_reason.data import prepare_examples
from tiny_reason.evaluation import eval_prompts, generate_predictions, load_test_rows
from tiny_reason.data import inference_prompt
from tiny_reason.distill import load_teacher, teacher_config
from tiny_reason.distill import fresh_questions
from tiny_reason.generation import ENGINES, compiles, generated_by, inference_model
from tiny_reason.generation import sample_replies
from tiny_reason.generation import logprob_agreement
import tiny_reason.generation
from tiny_reason.evaluation import extract_answer
from tiny_reason.loader import load_model, load_tokenizer, pick_precision
from tiny_reason.train import ensure_adapter, seed_everything
from tiny_reason.train import make_trainer

class Busy:
    "The GPU's utilization (nvidia-smi, every 0.2 s) while a block runs: its mean share of samples, in percent (of those between two times with `between`); None without nvidia-smi."
    def __enter__(self):
        self.samples, self.stop = [], threading.Event()
        def loop():
            while not self.stop.wait(0.2):
                try: out = subprocess.run(["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"], capture_output=True, text=True)
                except OSError: return
                self.samples += [(time.perf_counter(), int(x)) for x in out.stdout.split() if x.isdigit()]
        self.thread = threading.Thread(target=loop, daemon=True); self.thread.start(); return self
    def __exit__(self, *exc): self.stop.set(); self.thread.join()
    def between(self, start: float = float("-inf"), end: float = float("inf")):
        busy = [u for t, u in self.samples if start <= t <= end]
        return sum(busy) / len(busy) if busy else None
    @property
    def share(self): return self.between()

def t4_generation(cfg, engine: str, compiled: bool, calls: list[int], new_tokens: int, source: str) -> float | None:
    """Predicted T4 tokens/s for the same generate calls (`calls`: rows each), every reply at `new_tokens`: the T4 time
    model (tiny_reason.course.t4_time, 33_t4_time) counts their work. Not this GPU's time scaled: a busy share is not saturation."""
    from tiny_reason.loader import model_config
    from tiny_reason.course.t4_time import COMPILE_S, generate_call, row_tokens
    mc, prompt, kind = model_config(cfg), row_tokens(cfg, source)["prompt_tokens"], engine if compiled or engine != "compiled" else "merged"
    seconds = sum(generate_call(mc, n, prompt, new_tokens, kind, kbit=cfg.model.load_in_4bit)["seconds"] for n in calls) + COMPILE_S * compiled
    return sum(calls) * new_tokens / seconds if calls else None

def t4_step(cfg, r: dict) -> float:
    "Predicted T4 seconds for one step of training setup `r` (its micro-batches and checkpointing) on the preset's rows (33_t4_time)."
    from tiny_reason.loader import model_config
    from tiny_reason.course.t4_time import row_tokens, train_step
    t = row_tokens(cfg)
    return train_step(model_config(cfg), r["micro_batch"] * r["accumulation"], t["prompt_tokens"], t["completion_tokens"], r["accumulation"],
                      r["checkpointing"], cfg.lora.r, len(cfg.lora.target_modules), cfg.model.load_in_4bit)["seconds"]

def allocator() -> str:
    "tcmalloc when preloaded (as `make` does where the system has it), else glibc's malloc: on a CPU, with glibc's the first engine to build a model pays its page faults (measured: merged 0.9x the reference engine first, 1.4x second; 1.2x both times with tcmalloc)."
    maps = Path("/proc/self/maps")
    return "tcmalloc" if maps.exists() and "tcmalloc" in maps.read_text() else "glibc malloc (timings move ~20% with the order: preload tcmalloc as `make` does)"

def pct(x): return "n/a" if x is None else f"{x:.0f}%"  # no nvidia-smi, no busy share
def gib(x): return "n/a" if x is None else f"{x / 2**30:.2f} GiB"  # no CUDA, no peak

def peak_reset():
    gc.collect()  # a compiled model is held in a reference cycle (its compiled call), which only a collection frees
    if torch.cuda.is_available(): torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
def peak(): return torch.cuda.max_memory_allocated() if torch.cuda.is_available() else None

def evaluate_engine(cfg, engine: str, items, adapter, tok) -> dict:
    "Greedy replies to `items` through `engine`, timed (model preparation apart), with the GPU's busy share and peak memory; an engine that compiles runs the items twice, and the first run's extra time is its compile."
    c = copy.deepcopy(cfg); c.eval.engine = engine
    peak_reset(); t0 = time.perf_counter()
    model = inference_model(c, adapter)
    prepare_s = time.perf_counter() - t0
    compiled = compiles(c, model)
    if not compiled:  # a first call pays one-time costs (CUDA's libraries, oneDNN's kernels, the allocator): paid here, untimed,
        w = copy.deepcopy(c); w.eval.max_new_tokens = 4  # so the engine that runs first is not the slower for it
        with tempfile.TemporaryDirectory() as d: generate_predictions(model, tok, items[:2], Path(d) / "w.jsonl", w, generated_by(w, adapter), progress=False)
    runs, real = [], tiny_reason.evaluation.generate_batch
    for _ in range(2 if compiled else 1):  # compiled: the first run compiles the step, the second replays it
        calls = []  # the rows of each generate call made, as made (after an out-of-memory halving too), not as planned
        def counted(model, tok, prompts, *a, **kw): calls.append(len(prompts)); return real(model, tok, prompts, *a, **kw)
        with tempfile.TemporaryDirectory() as d, Busy() as busy, mock.patch.object(tiny_reason.evaluation, "generate_batch", counted):
            t0 = time.perf_counter()
            rows = generate_predictions(model, tok, items, Path(d) / "predictions.jsonl", c, generated_by(c, adapter), progress=False)
            if torch.cuda.is_available(): torch.cuda.synchronize()
            runs.append((time.perf_counter() - t0, busy.share))
    del model
    if compiled: torch._dynamo.reset()  # its graphs (and CUDA graphs' memory pool) go with it
    (first_s, _), (seconds, busy) = runs[0], runs[-1]
    tokens = sum(r["n_tokens"] for r in rows)
    return {"engine": engine, "compiled": compiled, "batch": max(calls, default=0), "calls": calls, "prepare_s": prepare_s, "compile_s": first_s - seconds if compiled else 0.0,
            "first_run_s": first_s, "seconds": seconds, "tokens": tokens, "tokens_per_s": tokens / seconds, "items_per_s": len(rows) / seconds,
            "busy": busy, "peak": peak(), "rows": rows}

CHECK_ROWS = 16  # sampled replies whose log-probabilities are read by both models (one row at a time: a check, not a benchmark)

def sample_engine(cfg, engine: str, n_questions: int) -> dict:
    "Distillation's `k` samples of the first `n_questions` training questions through `engine`, timed as `evaluate_engine` times greedy replies (a compiling engine runs twice, the first run's extra time its compile), with the GPU's busy share, peak memory, and the log-prob agreement of the first `CHECK_ROWS` samples with the reference model."
    c = copy.deepcopy(cfg); c.eval.engine = engine
    d, t, questions = c.distill, teacher_config(c), fresh_questions(c)[:n_questions]
    peak_reset(); t0 = time.perf_counter()
    tok, model, source = load_teacher(c)
    prepare_s = time.perf_counter() - t0
    prompts = [inference_prompt(tok, q["question"], c.data.system_prompt, t.data.format) for q in questions]
    draw = lambda n, path, new_tokens: sample_replies(model, tok, questions[:n], prompts[:n], path, source, d.k, new_tokens, d.temperature,
                                                      d.top_p, d.batch_size, c.project.seed, progress=False, cfg=t)
    compiled = compiles(t, model)
    if not compiled:  # first-call costs, untimed (a compiling engine compiles for the run's one shape in its first run instead)
        with tempfile.TemporaryDirectory() as tmp: draw(1, Path(tmp) / "w.jsonl", 4)
    runs, real = [], tiny_reason.generation.generate_batch
    for _ in range(2 if compiled else 1):
        calls = []  # the rows (prompts x k) of each generate call
        def counted(model, tok, prompts, *a, **kw): calls.append(len(prompts) * kw.get("k", 1)); return real(model, tok, prompts, *a, **kw)
        with tempfile.TemporaryDirectory() as tmp, Busy() as busy, mock.patch.object(tiny_reason.generation, "generate_batch", counted):
            t0 = time.perf_counter()
            rows = draw(len(questions), Path(tmp) / "traces.jsonl", d.max_new_tokens)
            if torch.cuda.is_available(): torch.cuda.synchronize()
            runs.append((time.perf_counter() - t0, busy.share))
    top = peak()
    check = None
    if engine != "reference":  # the same tokens' log-probabilities under the reference model (the preset's loader, the adapter unmerged)
        r = copy.deepcopy(c); r.eval.engine = "reference"
        reference, sub = load_teacher(r)[1], rows[:CHECK_ROWS]
        check = logprob_agreement(model, reference, tok, [prompts[x["id"]] for x in sub], [x["generated_text"] for x in sub])
        del reference
    del model
    if compiled: torch._dynamo.reset()
    (first_s, _), (seconds, busy) = runs[0], runs[-1]
    tokens = sum(x["n_tokens"] for x in rows)
    return {"engine": engine, "compiled": compiled, "questions": len(questions), "k": d.k, "max_new_tokens": d.max_new_tokens, "calls": calls,
            "prepare_s": prepare_s, "compile_s": first_s - seconds if compiled else 0.0, "first_run_s": first_s, "seconds": seconds,
            "tokens": tokens, "tokens_per_s": tokens / seconds, "busy": busy, "peak": top, "logprob": check}

def logprob_text(r: dict) -> str:
    c = r["logprob"]
    if c is None: return "(the reference)"
    return (f"log-prob max |Δ| {c['max_diff']:.1e} over {c['tokens']} tokens, bound {c['bound']:.2g} ({c['dtype']}): "
            + ("within" if c["agree"] else "**beyond**"))

# Widths for the host floor (random weights only; Qwen2.5's 12 query heads of 16, NF4's 64-wide blocks). At
# Qwen2.5-1.5B's depth a step then does about 1/40 of the full model's arithmetic (most of it the 151,936-row LM head;
# the layers' 1/120) but makes every launch and every Python call of PEFT, bitsandbytes and the Trainer: on a GPU its
# time is about what the host spends on a step.
HOST_FLOOR_WIDTHS = {"hidden_size": 192, "intermediate_size": 512}

class Steps:
    "Wall time and the trainer's token count at each optimizer step's end."
    def __init__(self): self.marks = []
    def on_train_begin(self, args, state, control, **kw): self.start = time.perf_counter()
    def on_step_end(self, args, state, control, **kw):
        if torch.cuda.is_available(): torch.cuda.synchronize()
        self.marks.append((time.perf_counter(), state.num_input_tokens_seen or 0))

SETUPS = ("recipe", "fitted", "compiled", "floor")  # --setups' names, in the order they run
WARM_STEPS = 3  # training steps left out of the timing: set-up, and a compiled model's compiles (its first shape, then the length made dynamic)

def train_setup(cfg, name: str, steps: int, train_ex, val_ex) -> dict:
    "`steps` optimizer steps of `cfg`'s recipe on the same rows: real tokens per second after the first `WARM_STEPS`, what those took beyond the steady rate, each step's loss, busy share, peak."
    from transformers import TrainerCallback
    timer = type("Timer", (Steps, TrainerCallback), {})()
    seed_everything(cfg.project.seed); peak_reset()
    c = copy.deepcopy(cfg); c.training.max_steps, c.training.logging_steps = steps, 1
    with tempfile.TemporaryDirectory() as d, Busy() as busy:
        trainer = make_trainer(c, train_ex, val_ex, d, callbacks=[timer], eval_strategy="no", eval_on_start=False, save_strategy="no",
                               load_best_model_at_end=False, include_num_input_tokens_seen="non_padding")
        trainer.train()
    warm = min(WARM_STEPS, len(timer.marks) - 2)  # a run too short to leave them all out times what it has
    (t1, n1), (t2, n2) = timer.marks[warm], timer.marks[-1]
    step_s = (t2 - t1) / max(1, len(timer.marks) - 1 - warm)
    args = trainer.args
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    out = {"setup": name, "compiled": c.training.torch_compile, "micro_batch": args.per_device_train_batch_size, "accumulation": args.gradient_accumulation_steps,
           "checkpointing": bool(getattr(args, "gradient_checkpointing", False) or getattr(args, "activation_checkpointing", False)),
           "seconds_per_step": step_s, "warm_extra_s": t1 - timer.start - (warm + 1) * step_s, "tokens_per_s": (n2 - n1) / (t2 - t1) if t2 > t1 else None,
           "losses": losses, "busy": busy.between(t1, t2), "peak": peak()}  # busy over the timed steps, not the model's loading
    timing = next((h["timing"] for h in trainer.state.log_history if "timing" in h), {})  # StepClock's, from its warm-up
    out["predicted_s"], out["measured_s"] = timing.get("predicted_s"), timing.get("measured_s")
    del trainer
    if c.training.torch_compile: torch._dynamo.reset()  # its graphs go with it
    return out

def agreement(rows: list[dict], ref: list[dict]) -> dict:
    """How far `rows` agree with `ref` (the same items, in order): the share with the same extracted answer, the share
    with the same text, and the mean share of the reference's text before the first difference. `answered` counts the
    reference's replies that hold an answer at all: random weights seldom write a number, so there "same answer" mostly
    compares no answer with no answer, and the text and its common prefix say how close two engines' arithmetic is."""
    answers = lambda rows: [extract_answer("<think>\n" + x["generated_text"])[0] for x in rows]
    ours, theirs = answers(rows[:len(ref)]), answers(ref)
    prefix = lambda x, y: len(os.path.commonprefix([x, y])) / max(1, len(y))
    pairs = list(zip(rows, ref))
    return {"same_answer": sum(x == y for x, y in zip(ours, theirs)) / len(ref), "answered": sum(y is not None for y in theirs),
            "same_text": sum(x["generated_text"] == y["generated_text"] for x, y in pairs) / len(ref),
            "common_prefix": sum(prefix(x["generated_text"], y["generated_text"]) for x, y in pairs) / len(ref)}

def agreement_text(r: dict) -> str:
    return (f"same answer {r['same_answer']:.1%} ({r['answered']} of {r['compared_on']} with an answer), same text {r['same_text']:.1%}, "
            f"{r['common_prefix']:.0%} of the text before the first difference")

def calls_text(calls: list[int]) -> str:
    "`[330, 330, 330, 329]` as '4 calls of 329-330 rows'."
    lo, hi = min(calls, default=0), max(calls, default=0)
    return f"{len(calls)} call{'s' * (len(calls) != 1)} of {lo if lo == hi else f'{lo}-{hi}'} rows"

def markdown_table(results: dict) -> str:
    """The run as one Markdown table, headed by what ran where and when: each engine's and each training setup's speed
    against the first of its kind (the path as it was), agreement with it, the GPU's busy share, peak memory, and a T4
    prediction labelled as one."""
    e, t, s = results["eval"], results["train"], results.get("sample", [])
    lines = [f"`{results['command']}`: {results['preset']} preset ({results['model']}), {results['precision']}, on "
             f"{results['device']}, torch {results['torch']}, {results['date']}" + ("" if results["cuda"] else f", {results['allocator']} (a CPU: the comparison at a small size, not a GPU figure)"),
             "", "| run | shape | time | tokens/s | speed-up | agreement with the first | GPU busy | peak | on a T4 (predicted) | notes |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in e:
        extra = f" (+{r['prepare_s']:.0f} s to prepare" + (f", +{r['compile_s']:.0f} s to compile)" if r["compiled"] else ")")
        agree = "(the first)" if r is e[0] else agreement_text(r)
        t4 = f"{r['t4_tokens_per_s_predicted']:,.0f} tokens/s" if r["t4_tokens_per_s_predicted"] else "n/a"
        lines.append(f"| evaluation: {r['engine']} | {r['items']} items, {calls_text(r['calls'])} | {r['seconds']:.1f} s{extra} | {r['tokens_per_s']:,.0f} | "
                     f"**{r['tokens_per_s'] / e[0]['tokens_per_s']:.1f}x** | {agree} | {pct(r['busy'])} | {gib(r['peak'])} | {t4} | "
                     f"GSM8K's 1,319 items: {r['full_test_s'] / 60:.1f} min (replies at {results['max_new_tokens']} tokens{', one compile' if r['compiled'] else ''}) |")
    for r in s:
        extra = f" (+{r['prepare_s']:.0f} s to prepare" + (f", +{r['compile_s']:.0f} s to compile)" if r["compiled"] else ")")
        t4 = f"{r['t4_tokens_per_s_predicted']:,.0f} tokens/s" if r["t4_tokens_per_s_predicted"] else "n/a"
        lines.append(f"| sampling: {r['engine']} | {r['questions']} questions x {r['k']} samples, {calls_text(r['calls'])} | {r['seconds']:.1f} s{extra} | "
                     f"{r['tokens_per_s']:,.0f} | **{r['tokens_per_s'] / s[0]['tokens_per_s']:.1f}x** | {logprob_text(r)} | {pct(r['busy'])} | {gib(r['peak'])} | {t4} | "
                     f"same-seed tokens not expected to match; replies up to {r['max_new_tokens']} tokens |")
    for r in t:
        same = "(the first)" if r is t[0] else "n/a (another model)" if r["setup"] == "host floor" else f"losses within {max([abs(x - y) for x, y in zip(r['losses'], t[0]['losses'])], default=float('nan')):.4f} over {min(len(r['losses']), len(t[0]['losses']))} steps"
        shape = lambda r: (r["micro_batch"], r["accumulation"], r["checkpointing"], r.get("compiled"))
        floor = ("the fitted setup at widths 192/512, the same depth: " + ("about the host's time a step, whatever the GPU" if results["cuda"] else
                 "a CPU does its arithmetic itself, so here it is no floor") + " (its tokens/s is not the model's); ") if r["setup"] == "host floor" else ""
        twin = "the same setup as the first here (`fit_memory_gb` applies on CUDA only): its speed-up is noise; " if r is not t[0] and not floor and shape(r) == shape(t[0]) else ""
        warm = f"its first {WARM_STEPS + 1} steps took {r['warm_extra_s']:.0f} s more than at its steady rate (the compile); " if r["setup"].endswith("compiled") else ""
        clock = floor + twin + warm + (f"the trainer predicted {r['predicted_s']:.0f} s, took {r['measured_s']:.0f} s ({r['predicted_s'] / r['measured_s'] - 1:+.0%})"
                 if r.get("predicted_s") and r.get("measured_s") else "")
        speed = f"**{r['tokens_per_s'] / t[0]['tokens_per_s']:.1f}x**" if r["tokens_per_s"] and t[0]["tokens_per_s"] and r["setup"] != "host floor" else "n/a"
        t4 = f"{r['t4_seconds_per_step_predicted']:.2f} s a step" if r["t4_seconds_per_step_predicted"] and r["setup"] != "host floor" else "n/a"
        lines.append(f"| training: {r['setup']} | {r['micro_batch']} x {r['accumulation']}, checkpointing {'on' if r['checkpointing'] else 'off'} | "
                     f"{r['seconds_per_step']:.2f} s a step | {r['tokens_per_s'] or 0:,.0f} | {speed} | {same} | {pct(r['busy'])} | {gib(r['peak'])} | {t4} | {clock} |")
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--preset", default="t4-sim" if torch.cuda.is_available() else "cpu-test")
    p.add_argument("--items", type=int, help="test items (default: 256 on CUDA, one call of the fast engines, 8 on a CPU)")
    p.add_argument("--ref_items", type=int, help="items the reference engine answers, the first of the others' (default: 16 on CUDA, all on a CPU)")
    p.add_argument("--max_new_tokens", type=int, help="default: the preset's eval.max_new_tokens")
    p.add_argument("--engines", default=None, help="comma-separated (default: reference,merged,compiled on CUDA; reference,merged on a CPU)")
    p.add_argument("--setups", default=None, help="training setups, comma-separated, of recipe,fitted,compiled,floor (default: all on CUDA, floor "
                   "with random weights only; recipe,fitted on a CPU, where compiling the model takes minutes)")
    p.add_argument("--steps", type=int, default=16, help="optimizer steps of each training setup (the trainer predicts the run's time after 6)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a config override, repeatable (e.g. --set model.precision=fp16: a T4's "
                   "arithmetic for the cpu preset's real weights, whose answers' agreement means something)")
    p.add_argument("--no_train", action="store_true")
    p.add_argument("--no_sample", action="store_true", help="skip distillation's sampling rows")
    p.add_argument("--sample_questions", type=int, help="training questions each engine samples distill.k replies to (default: 32 on CUDA, "
                   "distill.questions on a CPU; the reference engine: one distill.batch_size batch of them on CUDA)")
    p.add_argument("--out", help="write the results as JSON here")
    p.add_argument("--markdown", help="write the table as Markdown here (it is printed at the end either way)")
    a = p.parse_args()
    cuda, began = torch.cuda.is_available(), time.perf_counter()
    clock = lambda: f"[{time.perf_counter() - began:4.0f} s]"  # each line's time since the start: what a run under a time limit can fit
    bad = [x for x in a.set if "=" not in x]
    if bad: p.error(f"--set {bad[0]}: expected KEY=VALUE, e.g. model.precision=fp16")
    for flag in ("items", "ref_items", "max_new_tokens", "steps", "sample_questions"):  # 0 is not "the default": refused before any work
        if getattr(a, flag) is not None and getattr(a, flag) < 1: p.error(f"--{flag} {getattr(a, flag)}: give 1 or more (leave it out for the default)")
    if a.engines is not None and (unknown := [e for e in a.engines.split(",") if e not in ENGINES]):
        p.error(f"--engines: {', '.join(repr(e) for e in unknown)} unknown; choose among {', '.join(ENGINES)}, comma-separated")
    try: cfg = load_config(a.preset, overrides={**dict(x.split("=", 1) for x in a.set), "eval.test_samples": a.items or (256 if cuda else 8),
                                                **({"eval.max_new_tokens": a.max_new_tokens} if a.max_new_tokens else {})})
    except (KeyError, ValueError) as e: p.error(f"--preset/--set: {e.args[0]}")
    chosen = (a.setups or ("recipe,fitted,compiled" + (",floor" if cfg.model.source == "random" else "") if cuda else "recipe,fitted")).split(",")
    if set(chosen) - set(SETUPS): p.error(f"--setups: {', '.join(sorted(set(chosen) - set(SETUPS)))} unknown; choose among {', '.join(SETUPS)}")
    if "floor" in chosen and cfg.model.source != "random": p.error("--setups floor: only with random weights (model.source random, e.g. t4-sim), whose widths can shrink")
    device = torch.cuda.get_device_name() if cuda else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    print(f"{cfg.preset} preset ({cfg.model.name}{'' if cfg.model.pretrained else ', random weights'}), {pick_precision(cfg.model.precision)}, "
          f"on {device}, torch {torch.__version__}, {time.strftime('%Y-%m-%d')}; {'' if cuda else 'a CPU: the comparison at a small size, not a GPU figure'}", flush=True)
    try: tok, adapter = load_tokenizer(cfg), ensure_adapter(cfg, verbose=False)
    except FileExistsError as e: p.error(f"{e} (with --set, --set project.output_dir=outputs/ANOTHER trains one with the overrides there)")
    items = load_test_rows(cfg, verbose=False)
    results = {"command": shlex.join(["python", "benchmarks/gpu_speed.py", *sys.argv[1:]]), "preset": cfg.preset,
               "model": cfg.model.name + ("" if cfg.model.pretrained else ", random weights"), "precision": pick_precision(cfg.model.precision),
               "device": device, "cuda": cuda, "torch": torch.__version__, "allocator": allocator(), "date": time.strftime("%Y-%m-%d"), "items": len(items),
               "max_new_tokens": cfg.eval.max_new_tokens, "eval": [], "sample": [], "train": []}
    def save():  # after every measurement: a run stopped by a time limit keeps the table of what it finished
        if a.markdown: Path(a.markdown).write_text(markdown_table(results))
        if a.out: Path(a.out).write_text(json.dumps(results, indent=1))
    engines = (a.engines or ("reference,merged,compiled" if cuda else "reference,merged")).split(",")
    ref = ref_engine = None
    for engine in engines:
        subset = items[: a.ref_items or (16 if cuda else len(items))] if engine == "reference" else items  # the slow path: fewer items
        try: r = evaluate_engine(cfg, engine, subset, adapter, tok)
        except Exception as e: print(f"{clock()} {engine}: failed ({type(e).__name__}: {str(e)[:200]})", flush=True); continue
        ref, ref_engine = ref or r["rows"], ref_engine or engine  # the first engine's replies (reference's, unless it failed or was left out): the others are compared with it
        r.update(agreement(r["rows"], ref)); r["items"], r["compared_on"] = len(r["rows"]), len(ref)
        r["full_test_s"] = 1319 * cfg.eval.max_new_tokens / r["tokens_per_s"] + r["prepare_s"] + r["compile_s"]  # GSM8K's test, every reply at the limit, one compile
        r["t4_tokens_per_s_predicted"] = t4_generation(cfg, engine, r["compiled"], r["calls"], cfg.eval.max_new_tokens, cfg.eval.test_source)
        del r["rows"]; results["eval"].append(r); save()
        compile_note = f", +{r['compile_s']:.0f} s to compile" if r["compiled"] else ""
        print(f"{clock()} eval {engine:<9} {r['items']} items, {calls_text(r['calls'])}: {r['tokens']:,} tokens in {r['seconds']:.1f} s = {r['tokens_per_s']:,.0f} tok/s, "
              f"{r['items_per_s']:.2f} items/s (+{r['prepare_s']:.0f} s to prepare{compile_note}); {agreement_text(r)} "
              f"(against the {ref_engine} engine); GPU busy {pct(r['busy'])}; peak {gib(r['peak'])}; "
              f"GSM8K's 1,319 test items at this rate, replies at the limit, preparation and compile included: {r['full_test_s'] / 60:.1f} min"
              + (f"; on a T4, predicted: {r['t4_tokens_per_s_predicted']:,.0f} tok/s" if r["t4_tokens_per_s_predicted"] else ""), flush=True)
    for engine in [] if a.no_sample else engines:
        n = a.sample_questions or (32 if cuda else cfg.distill.questions or 8)
        n = min(n, cfg.distill.batch_size) if engine == "reference" and cuda else n  # the slow path: one batch
        try: r = sample_engine(cfg, engine, n)
        except Exception as e: print(f"{clock()} sampling {engine}: failed ({type(e).__name__}: {str(e)[:200]})", flush=True); continue
        r["t4_tokens_per_s_predicted"] = t4_generation(cfg, engine, r["compiled"], r["calls"], r["max_new_tokens"], cfg.data.source)
        results["sample"].append(r); save()
        compile_note = f", +{r['compile_s']:.0f} s to compile" if r["compiled"] else ""
        print(f"{clock()} sample {engine:<9} {r['questions']} questions x {r['k']}, {calls_text(r['calls'])}: {r['tokens']:,} tokens in {r['seconds']:.1f} s = "
              f"{r['tokens_per_s']:,.0f} tok/s (+{r['prepare_s']:.0f} s to prepare{compile_note}); {logprob_text(r)}; GPU busy {pct(r['busy'])}; peak {gib(r['peak'])}"
              + (f"; on a T4, predicted: {r['t4_tokens_per_s_predicted']:,.0f} tok/s" if r["t4_tokens_per_s_predicted"] else ""), flush=True)
    if not a.no_train:
        train_ex, val_ex, _ = prepare_examples(cfg, verbose=False)
        fast = copy.deepcopy(cfg); fast.training.fit_memory_gb = fast.training.fit_memory_gb or cfg.model.gpu_memory_limit_gb or 15.0
        slow = copy.deepcopy(cfg); slow.training.fit_memory_gb = None
        compiled = copy.deepcopy(fast); compiled.training.torch_compile = True
        floor = copy.deepcopy(fast); floor.model.architecture_overrides = {**cfg.model.architecture_overrides, **HOST_FLOOR_WIDTHS}  # the fitted setup, the same depth, ~1/40 of the arithmetic
        setups = {"recipe": ("recipe as written", slow), "fitted": ("fit to memory", fast), "compiled": ("fit to memory, compiled", compiled), "floor": ("host floor", floor)}
        for name, c in (setups[k] for k in chosen):
            try: r = train_setup(c, name, a.steps, train_ex, val_ex)
            except Exception as e: print(f"{clock()} train {name}: failed ({type(e).__name__}: {str(e)[:200]})", flush=True); continue
            t4 = r["t4_seconds_per_step_predicted"] = t4_step(c, r)
            results["train"].append(r); save()
            print(f"{clock()} train {name:<17}: {r['micro_batch']} x {r['accumulation']}, checkpointing {'on' if r['checkpointing'] else 'off'}: "
                  f"{r['seconds_per_step']:.2f} s a step, {r['tokens_per_s'] or 0:,.0f} tokens/s; losses {[round(x, 3) for x in r['losses']]}; "
                  f"GPU busy {pct(r['busy'])}; peak {gib(r['peak'])}" + (f"; on a T4, predicted: {t4:.2f} s a step" if t4 else "")
                  + (f"; the trainer's time prediction {r['predicted_s']:.0f} s, took {r['measured_s']:.0f} s ({r['predicted_s'] / r['measured_s'] - 1:+.0%})"
                     if r["predicted_s"] and r["measured_s"] else ""), flush=True)
    print("\n" + markdown_table(results), flush=True); save()
