"""How well the trainer predicts its own time: `StepClock`'s prediction after its first steps against the run's measured time.

    .venv/bin/python benchmarks/training_time.py                          # the cpu preset's whole run (80 steps)
    .venv/bin/python benchmarks/training_time.py --preset t4-sim          # on a GPU
    .venv/bin/python benchmarks/training_time.py --steps 20               # a shorter run, its evaluations as often per step

`StepClock` (22_train_checks) times steps 3-6 and the first evaluation. From the faster half of those steps (a step
slowed by a one-off cost is left out) it predicts the run between two bounds: the tokens left at their time per token,
and the steps left at their time per step, plus the evaluations left at theirs. It takes the middle; at the end the
trainer logs both (`timing` in the log history). This script trains the preset's recipe into a scratch folder and
prints the two, with the error. The target is within 30%. A benchmark, not a test: run it alone on an idle machine;
the print says which preset and device.
"""
import argparse, platform, tempfile
import torch
from tiny_reason.config import load_config
from tiny_reason.train import train

p = argparse.ArgumentParser()
p.add_argument("--preset", default="cpu")
p.add_argument("--steps", type=int, help="optimizer steps (default: the preset's training.max_steps)")
a = p.parse_args()
full = load_config(a.preset)
steps = a.steps or full.training.max_steps
every = max(1, round(full.training.eval_steps * steps / full.training.max_steps))  # as many evaluations per step as the full run
cfg = load_config(a.preset, overrides={"project.output_dir": tempfile.mkdtemp(), "training.max_steps": steps,
                                       "training.eval_steps": every, "training.save_steps": every * max(1, steps // every)})
adapter = train(cfg, verbose=False)
timing = next(h["timing"] for h in __import__("json").loads((adapter / "log_history.json").read_text()) if "timing" in h)
where = torch.cuda.get_device_name() if torch.cuda.is_available() else f"{platform.machine()} CPU, {torch.get_num_threads()} threads"
print(f"[{cfg.preset} preset, {cfg.model.name}, {where}] {steps} steps, evaluation every {every}: predicted after 6 steps "
      f"{timing['predicted_s']:.0f} s (between {timing['bounds_s'][0]:.0f} and {timing['bounds_s'][1]:.0f}), measured {timing['measured_s']:.0f} s "
      f"({timing['predicted_s'] / timing['measured_s'] - 1:+.0%})")
