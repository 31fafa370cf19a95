"""Kernel launches the host issues per decoder layer, forward and backward, for the three kinds of layer the course
trains: a QLoRA layer (NF4 base + LoRA on the seven projections, PEFT and bitsandbytes), a plain Transformer layer and an
RWKV-7 block in its chunked form (06_scratch). The T4 time model (`tiny_reason.course.t4_time`) scales the host time it measured
for a QLoRA layer on a GPU server by these counts: launches, not arithmetic, are the host's work.

    .venv/bin/python benchmarks/host_ops.py      # writes tiny_reason/measured/host_ops.json (CPU, about a minute)

Counted as aten operators dispatched (views and other metadata-only operators excluded: they launch no kernel), on the
CPU, with tiny widths: the count depends on the depth and the sequence's chunks, not on the widths. Per layer: the
difference between 4 and 2 layers, halved.
"""
import json, sys
from pathlib import Path
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from tiny_reason.config import load_config
from tiny_reason.loader import load_model
from tiny_reason.scratch import build_model, model_shape

OUT = Path(__file__).resolve().parent.parent / "tiny_reason" / "measured" / "host_ops.json"
METADATA = ("aten::view", "aten::_unsafe_view", "aten::t", "aten::transpose", "aten::expand", "aten::permute", "aten::detach", "aten::alias",
            "aten::unsqueeze", "aten::squeeze", "aten::slice", "aten::select", "aten::reshape", "aten::as_strided")
BLOCK = 512  # colab-t4's scratch.block_size: RWKV-7's chunk loop runs block / chunk_len times a layer

class Launches(TorchDispatchMode):
    "Counts the aten operators that run while it is active, metadata-only ones excluded."
    def __init__(self): super().__init__(); self.n = 0
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.n += not func._schema.name.startswith(METADATA)
        return func(*args, **(kwargs or {}))

def count(model, ids) -> int:
    with Launches() as c: model(input_ids=ids, labels=ids).loss.backward()
    return c.n

def per_layer(make, ids) -> float:
    two, four = count(make(2), ids), count(make(4), ids)
    return (four - two) / 2

def main() -> int:
    torch.manual_seed(0)
    cfg = load_config("colab-t4")
    small = {**model_shape(cfg), "width": 64, "heads": 2, "kv_heads": 1, "ffn": 128}
    scratch = lambda arch: lambda n: build_model(arch, {**small, "layers": n}, 1000, BLOCK)
    qlora = lambda n: load_model(load_config("colab-sim", overrides={"model.gradient_checkpointing": False, "model.architecture_overrides":
                                 {"num_hidden_layers": n, "hidden_size": 192, "intermediate_size": 512}}), lora=True, training=True)
    ops = {"qlora": per_layer(qlora, torch.randint(0, 1000, (2, 64))),
           "transformer": per_layer(scratch("transformer"), torch.randint(0, 1000, (1, BLOCK))),
           "rwkv7": per_layer(scratch("rwkv7"), torch.randint(0, 1000, (1, BLOCK)))}
    result = {"what": f"aten operators per layer, forward and backward (views excluded), on the CPU; RWKV-7 chunked at its default "
                      f"chunk length over {BLOCK} tokens", "command": "python benchmarks/host_ops.py", "torch": torch.__version__, "per_layer": ops}
    OUT.write_text(json.dumps(result, indent=1) + "\n"); print(json.dumps(result, indent=1)); print(f"wrote {OUT}")
    return 0

if __name__ == "__main__": sys.exit(main())
