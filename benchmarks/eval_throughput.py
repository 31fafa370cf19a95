"""Batched vs one-at-a-time greedy generation on the same test items, in one run: tokens/s each and the ratio.

    .venv/bin/python benchmarks/eval_throughput.py                          # cpu preset, 32 items x 64 new tokens, batches of 16
    .venv/bin/python benchmarks/eval_throughput.py --preset colab-t4 --items 32 --max_new_tokens 128

A benchmark, not a test: on a shared machine the numbers move; run it alone. Print says which preset and device.
"""
import argparse, platform
from tiny_reason.config import load_config
from tiny_reason.data import inference_prompt
from tiny_reason.evaluation import load_test_rows
from tiny_reason.generation import measure_throughput
from tiny_reason.loader import load_model, load_tokenizer

p = argparse.ArgumentParser()
p.add_argument("--preset", default="cpu")
p.add_argument("--items", type=int, default=32)
p.add_argument("--max_new_tokens", type=int, default=64)
p.add_argument("--batch_size", type=int, default=16)
a = p.parse_args()
cfg = load_config(a.preset, overrides={"eval.test_samples": a.items})
tok, model = load_tokenizer(cfg), load_model(cfg).eval()
prompts = [inference_prompt(tok, r["question"], cfg.data.system_prompt) for r in load_test_rows(cfg)]
import torch
device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
tp = measure_throughput(model, tok, prompts, a.max_new_tokens, a.batch_size)
print(f"[{cfg.preset} preset, {cfg.model.name}, {device}] {tp['items']} items x {a.max_new_tokens} new tokens, batch {a.batch_size}: "
      f"batched {tp['batched_tokens']} tokens in {tp['batched_s']:.1f} s = {tp['batched_tokens_per_s']:.1f} tok/s; "
      f"one at a time {tp['sequential_tokens']} tokens in {tp['sequential_s']:.1f} s = {tp['sequential_tokens_per_s']:.1f} tok/s; "
      f"ratio {tp['ratio']:.1f}x; prompt padding {tp['prompt_padding_sorted']:.1%} in length-sorted batches "
      f"({tp['prompt_padding_in_order']:.1%} in item order)")
