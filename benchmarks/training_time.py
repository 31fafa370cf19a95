"""How well `training_plan` predicts a training run's time: predicted against measured, and the efficiency to use.

    .venv/bin/python benchmarks/training_time.py                         # the cpu preset, 12 steps
    .venv/bin/python benchmarks/training_time.py --preset colab-t4 --steps 20   # on a GPU

`training_plan` (22_train_checks) predicts a run's time as its floating-point operations (`training_flops`) over the
rate this device's matrix products reach (`matmul_rate`, a 0.3 s probe) times `TRAINING_EFFICIENCY`: the share of
that rate a real training step reaches (attention, norms, the optimizer, data loading and Python overhead do no
counted work). This script trains the preset's recipe for `--steps` steps into a scratch folder, with its evaluations
at the same rate per step as the full run, and prints the measured efficiency: the value `TRAINING_EFFICIENCY` should
hold for this kind of device. A benchmark, not a test: run it alone on an idle machine.
"""
import argparse, dataclasses, platform, tempfile, time
import torch
from tiny_reason.config import load_config
from tiny_reason.data import prepare_examples, token_lengths
from tiny_reason.model import DTYPES, load_tokenizer, pick_precision
from tiny_reason.train import TRAINING_EFFICIENCY, matmul_rate, train, training_flops

p = argparse.ArgumentParser()
p.add_argument("--preset", default="cpu")
p.add_argument("--steps", type=int, default=12)
a = p.parse_args()
out = tempfile.mkdtemp()
full = load_config(a.preset)
t = full.training
eval_every = max(1, round(t.eval_steps * a.steps / t.max_steps))  # as many evaluations per step as the full run
cfg = load_config(a.preset, overrides={"project.output_dir": out, "training.max_steps": a.steps,
                                       "training.eval_steps": eval_every, "training.save_steps": a.steps})
train_ex, val_ex, _ = prepare_examples(cfg, verbose=False)
per_example = sum(token_lengths(train_ex[:64], load_tokenizer(cfg))) / len(train_ex[:64])
flops = training_flops(cfg, per_example, len(val_ex))
rate = matmul_rate(dtype=DTYPES[pick_precision(cfg.model.precision)])
start = time.perf_counter()
train(cfg, verbose=False)
secs = time.perf_counter() - start
where = torch.cuda.get_device_name() if torch.cuda.is_available() else f"{platform.machine()} CPU, {torch.get_num_threads()} threads"
measured = flops / (secs * rate)
print(f"[{a.preset} preset, {cfg.model.name}, {where}] {a.steps} steps (evaluation every {eval_every}), ~{per_example:.0f} tokens "
      f"per example: {flops:.3g} FLOPs in {secs:.0f} s, the whole train() call (load, data, evaluations, saving)")
print(f"matrix products reached {rate / 1e9:.1f} GFLOP/s; the run reached {flops / secs / 1e9:.1f} GFLOP/s: "
      f"efficiency {measured:.2f} (TRAINING_EFFICIENCY is {TRAINING_EFFICIENCY}: it predicted {flops / (rate * TRAINING_EFFICIENCY):.0f} s)")
full_flops = training_flops(full, per_example, len(prepare_examples(full, verbose=False)[1]))
print(f"the full {full.training.max_steps}-step run predicted at this efficiency: {full_flops / (rate * measured) / 60:.1f} min")
