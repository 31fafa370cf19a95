"""Qwen2.5-1.5B-Instruct's architecture (all 28 layers, random weights, no download) loaded in NF4 on the CPU:
predicted weight bytes (`tiny_reason.model.weight_bytes`) against `get_memory_footprint()` plus bitsandbytes' quant states.

    python benchmarks/memory_qwen_nf4_cpu.py

Needs about 4 GB of RAM and 2-3 minutes on 2 CPU cores (most of it quantizing 1.3B weights). The notebook
`nbs/01_model.ipynb` runs the same measurement with 2 layers, and with 28 under `nbdev_test --flags slow`.
"""
import datetime, os, platform, tempfile, time
from pathlib import Path
import torch
from tiny_reason.config import load_config
from tiny_reason.model import QWEN2_5_1_5B
from tiny_reason.model import measure_nf4_weights
from tiny_reason.loader import known_architecture, random_weight_folder

def main(layers: int = 28):
    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:
        folder = random_weight_folder(known_architecture(QWEN2_5_1_5B, num_hidden_layers=layers), Path(d) / "qwen")
        t1 = time.time()
        cfg = load_config("colab-t4", overrides={"model.name": str(folder), "model.precision": "fp16"})
        m = measure_nf4_weights(cfg)
    t2 = time.time()
    print(f"{datetime.date.today()} | {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores | "
          f"torch {torch.__version__} | Qwen2.5-1.5B architecture, {layers} layers, random weights, NF4 + double quant, "
          f"unquantized parts fp16")
    for k, v in m.items(): print(f"  {k:<26}{v:>16,}")
    print(f"  {'error (predicted/measured)':<26}{m['predicted'] / m['measured'] - 1:>+16.5%}")
    print(f"  time: {t1 - t0:.0f} s to build and save random weights, {t2 - t1:.0f} s to load and quantize")
    assert abs(m["predicted"] / m["measured"] - 1) < 0.03
    return m

if __name__ == "__main__": main()
