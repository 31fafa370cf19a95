"""Training throughput, ours vs the original Tiny-Reason recipe's batching, in one run on the same data and steps.

    .venv/bin/python benchmarks/train_throughput.py                       # cpu preset, 8 steps each
    .venv/bin/python benchmarks/train_throughput.py --preset colab-t4 --steps 20

ours:      completion-only loss, length-grouped batches, each batch padded to its longest example;
reference: loss on every token, random batches, every batch padded to data.max_length.
Throughput counts real (non-pad) tokens only: a padded position is work that learns nothing. A benchmark, not a
test: on a shared machine the numbers move; run it alone. The print says which preset and device.
"""
import argparse, platform, tempfile, time
import torch
from tiny_reason.config import load_config
from tiny_reason.data import prepare_examples
from tiny_reason.loader import load_model, load_tokenizer
from tiny_reason.train import make_trainer
from tiny_reason.train import seed_everything

p = argparse.ArgumentParser()
p.add_argument("--preset", default="cpu")
p.add_argument("--steps", type=int, default=8)
a = p.parse_args()
cfg = load_config(a.preset)
train_ex, val_ex, _ = prepare_examples(cfg, verbose=False)
tok = load_tokenizer(cfg)
setups = {"ours": dict(completion_only_loss=True, train_sampling_strategy="group_by_length", pad_to_multiple_of=None),
          "reference": dict(completion_only_loss=False, train_sampling_strategy="random", pad_to_multiple_of=cfg.data.max_length)}
results = {}
for name, setup in setups.items():
    seed_everything(cfg.project.seed)
    model = load_model(cfg, lora=True, training=True)
    trainer = make_trainer(cfg, train_ex, val_ex, tempfile.mkdtemp(), model=model, tok=tok, max_steps=a.steps,
                           eval_strategy="no", eval_on_start=False, save_strategy="no", load_best_model_at_end=False,
                           logging_steps=1, disable_tqdm=True, **setup)
    real = padded = 0
    for i, batch in enumerate(trainer.get_train_dataloader()):  # the same batches the trainer will draw (seeded)
        if i >= a.steps * cfg.training.gradient_accumulation_steps: break
        real += int(batch["attention_mask"].sum()); padded += batch["attention_mask"].numel()
    seed_everything(cfg.project.seed)
    t = time.perf_counter(); trainer.train(); secs = time.perf_counter() - t
    results[name] = {"real": real, "padded": padded, "secs": secs, "tok_s": real / secs}
    del trainer, model
device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU ({platform.machine()}, {torch.get_num_threads()} threads)"
print(f"[{cfg.preset} preset, {cfg.model.name}, {device}] {a.steps} steps of batch {cfg.training.per_device_train_batch_size}"
      f" x accumulation {cfg.training.gradient_accumulation_steps}, max_length {cfg.data.max_length}")
for name, r in results.items():
    print(f"  {name:<9}: {r['real']:,} real tokens of {r['padded']:,} positions ({1 - r['real'] / r['padded']:.0%} padding) "
          f"in {r['secs']:.1f} s = {r['tok_s']:.0f} real tokens/s")
print(f"  ratio ours / reference: {results['ours']['tok_s'] / results['reference']['tok_s']:.2f}x")
