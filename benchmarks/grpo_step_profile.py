"""Where a GRPO step's time goes on this machine: sampling the groups, scoring them, the training forward and backward.

    cd nbs && ../.venv/bin/python ../benchmarks/grpo_step_profile.py START_ADAPTER [--steps 4] [key=value ...]

Runs 07_grpo's training (the `cpu` preset's `grpo` section, with any `key=value` overrides) from START_ADAPTER for
one warm-up step and `--steps` measured ones, into a temporary folder, and times each part with TRL's own profiling
hooks (`trl.extras.profiling.ProfilingContext`, which TRL opens around generation, rewards, log-probabilities and the
loss) plus the policy copy's refresh (29_grpo_checks) and the whole step (a trainer callback). The figures go to
`assets/results/grpo_step_profile.json` and `.md`, which docs/search.md includes. A benchmark, not a test: run it
alone on the machine.
"""
import argparse, json, platform, sys, tempfile, time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "assets" / "results" / "grpo_step_profile.json"
TABLE = ROOT / "assets" / "results" / "grpo_step_profile.md"
NAMES = {  # TRL's profiling names (and the copy's refresh) -> what they are
    "_prepare_inputs": "sample and score a batch of groups",
    "refresh_copy": "merge the LoRA into the sampling copy (29_grpo_checks)",
    "transformers.generate": "sample the replies (`generate`)",
    "_calculate_rewards": "score the replies (the grader)",
    "_get_per_token_logps_and_entropies": "log-probabilities of the replies (a forward pass)",
    "compute_loss": "the loss (its forward pass included)",
}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="grpo_step_profile.py", allow_abbrev=False, description=__doc__.splitlines()[0])
    p.add_argument("start", type=Path, metavar="START_ADAPTER", help="the SFT adapter GRPO starts from")
    p.add_argument("--steps", type=int, default=4, help="measured steps after one warm-up step")
    p.add_argument("overrides", nargs="*", default=[], metavar="key=value", help="a config key over the cpu preset")
    a = p.parse_args(argv)
    if not (a.start / "adapter_config.json").is_file(): p.error(f"START_ADAPTER {a.start}: no adapter_config.json there")
    if a.steps < 1: p.error("--steps must be at least 1")
    for kv in a.overrides:
        if "=" not in kv: p.error(f"'{kv}' is not key=value (as in grpo.batch_size=16)")
    return a


def profile(start: Path, steps: int, overrides: list[str]) -> dict:
    import torch
    from transformers import TrainerCallback
    from trl.extras import profiling
    import tiny_reason.grpo as policy_copy
    from tiny_reason.config import load_config
    from tiny_reason.grpo import train_grpo
    from tiny_reason.loader import sampling_precision
    timed, step_s, current, open_blocks = defaultdict(list), [], {}, []
    enter, log_metrics = profiling.ProfilingContext.__enter__, profiling.ProfilingContext._log_metrics

    def entered(self):
        open_blocks.append(self.name); return enter(self)

    def record(self, duration):  # every block TRL times, under the block it sits in
        open_blocks.pop()
        timed[(open_blocks[-1] if open_blocks else None, self.name)].append((len(step_s), duration))
        return log_metrics(self, duration)

    refresh = policy_copy.refresh_copy

    def timed_refresh(copy, model):
        t = time.perf_counter(); out = refresh(copy, model)
        timed[(open_blocks[-1] if open_blocks else None, "refresh_copy")].append((len(step_s), time.perf_counter() - t))
        return out

    class StepClock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw): current["t"] = time.perf_counter()
        def on_step_end(self, args, state, control, **kw): step_s.append(time.perf_counter() - current["t"])

    profiling.ProfilingContext.__enter__, profiling.ProfilingContext._log_metrics = entered, record
    policy_copy.refresh_copy = timed_refresh
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config("cpu", overrides={
            **dict(kv.split("=", 1) for kv in overrides), "grpo.start": str(start), "grpo.max_steps": steps + 1,
            "grpo.output_dir": f"{tmp}/run", "grpo.adapter_path": f"{tmp}/run/adapter", "grpo.heldout_prompts": 0,
            "grpo.save_steps": steps + 1})
        train_grpo(cfg, callbacks=[StepClock()], verbose=False)
    g, steps_s = cfg.grpo, step_s[1:]  # step 0 warms up
    blocks = [{"parent": parent, "name": name, "calls_a_step": sum(s >= 1 for s, _ in v) / len(steps_s),
               "s_a_step": sum(d for s, d in v if s >= 1) / len(steps_s)} for (parent, name), v in timed.items()]
    return {
        "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} threads, torch {torch.__version__}", "start": str(start), "overrides": overrides,
        "replies_a_step": g.batch_size * g.gradient_accumulation_steps, "max_completion_length": g.max_completion_length,
        "generation_copy": g.generation_copy, "sampling_precision": sampling_precision(cfg), "steps": len(steps_s),
        "step_s": sum(steps_s) / len(steps_s),
        "blocks": blocks,
    }


def table(runs: list[dict]) -> str:
    "Each run's step, part by part: the blocks TRL times at the top of a step, each with the blocks inside it."
    lines = ["<!-- written by benchmarks/grpo_step_profile.py from assets/results/grpo_step_profile.json: do not edit -->"]
    for r in runs:
        lines += ["", f"**{r['date']}**, {r['machine']}; {r['replies_a_step']} replies a step of up to "
                  f"{r['max_completion_length']} tokens, sampled from a merged {r['sampling_precision']} copy, "
                  f"{' '.join(r['overrides']) or 'the preset as it is'}; mean of {r['steps']} steps after a warm-up:",
                  "", "| part of a step | calls a step | seconds a step | share of the step |", "|---|---:|---:|---:|"]
        def rows(parent, depth):
            for b in sorted((b for b in r["blocks"] if b["parent"] == parent and b["calls_a_step"]),
                            key=lambda b: -b["s_a_step"]):
                name = b["name"].removeprefix("GRPOTrainer.")  # TRL names its blocks after the trainer's class
                what = NAMES.get(name, f"reward `{name}`")
                lines.append(f"| {'&nbsp;' * 4 * depth}{what} | {b['calls_a_step']:g} | {b['s_a_step']:.1f} | "
                             f"{b['s_a_step'] / r['step_s']:.0%} |")
                rows(b["name"], depth + 1)
        rows(None, 0)
        rest = r["step_s"] - sum(b["s_a_step"] for b in r["blocks"] if b["parent"] is None)
        lines += [f"| the rest: backward passes, optimizer, bookkeeping | | {rest:.1f} | {rest / r['step_s']:.0%} |",
                  f"| **a whole step** | | **{r['step_s']:.1f}** | |"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["table"]: TABLE.write_text(table(json.loads(RESULTS.read_text()))); sys.exit()
    a = parse_args(sys.argv[1:])
    run = profile(a.start, a.steps, a.overrides)
    runs = (json.loads(RESULTS.read_text()) if RESULTS.exists() else []) + [run]
    RESULTS.write_text(json.dumps(runs, indent=1) + "\n"); TABLE.write_text(table(runs))
    print(TABLE.read_text())
