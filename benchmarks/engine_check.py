"""Does the merged bf16 engine change a preset's answers? One adapter on the first `--items` validation questions of
`benchmarks/sft_schedules.py`'s search, generated in fp32 and read against the same search's bf16 replies.

    cd nbs && ../.venv/bin/python ../benchmarks/engine_check.py --preset cpu-gemma --root outputs/search_gemma --name s080

The bf16 replies are the search's own (ROOT/NAME/validation, `model.sampling_precision: auto` on a CPU with native
bf16); the fp32 ones go to ROOT/NAME/validation_fp32 (a rerun reuses them). Counted: replies with the same text, right
answers in each, and the paired McNemar test. Written to assets/results/engine_check_PRESET.json and .md.
"""
import argparse, json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--preset", default="cpu-gemma")
p.add_argument("--root", type=Path, required=True, help="the schedule search's folder (ROOT/validation.jsonl)")
p.add_argument("--name", required=True, help="the schedule whose adapter and bf16 replies are read (ROOT/NAME)")
p.add_argument("--items", type=int, default=300)
a = p.parse_args()

from tiny_reason.accuracy_stats import mcnemar_exact
from tiny_reason.config import load_config
from tiny_reason.evaluation import evaluate
from tiny_reason.loader import bf16_native

run = a.root / a.name
bf16 = {r["id"]: r for r in map(json.loads, (run / "validation" / "predictions.jsonl").read_text().splitlines())}
assert all(r["generation"]["model.sampling_precision"] == "bf16" for r in bf16.values()), "the search did not sample in bf16"
cfg = load_config(a.preset, overrides={"eval.test_source": str(a.root / "validation.jsonl"), "eval.test_samples": a.items,
                                       "model.sampling_precision": "fp32"})
evaluate(cfg, run / "validation_fp32", adapter=run / "lora_adapter", exclude=[], verbose=False)
fp32 = [json.loads(l) for l in (run / "validation_fp32" / "predictions.jsonl").read_text().splitlines()]
fixed = sum(r["correct"] and not bf16[r["id"]]["correct"] for r in fp32)
broke = sum(bf16[r["id"]]["correct"] and not r["correct"] for r in fp32)
result = {"preset": a.preset, "model": cfg.model.label, "adapter": str(run / "lora_adapter"), "items": len(fp32),
          "bf16_native": bf16_native(), "same_text": sum(r["generated_text"] == bf16[r["id"]]["generated_text"] for r in fp32),
          "bf16_correct": sum(bf16[r["id"]]["correct"] for r in fp32), "fp32_correct": sum(r["correct"] for r in fp32),
          "fixed_by_fp32": fixed, "broken_by_fp32": broke, "mcnemar_p": mcnemar_exact(fixed, broke)}
out = ROOT / "assets" / "results" / f"engine_check_{a.preset.replace('-', '_')}.json"
out.write_text(json.dumps(result, indent=1) + "\n")
r = result
out.with_suffix(".md").write_text(
    f"<!-- written by benchmarks/engine_check.py: do not edit -->\n{r['model']}, `{r['preset']}`, the adapter "
    f"`{a.name}` of its schedule search, on the first {r['items']} validation questions, greedy: {r['same_text']} of "
    f"{r['items']} replies have the same text generated in fp32 and in bf16; {r['fp32_correct']} right in fp32, "
    f"{r['bf16_correct']} in bf16 (fp32 fixed {r['fixed_by_fp32']}, broke {r['broken_by_fp32']}; McNemar exact p = "
    f"{r['mcnemar_p']:.2g}).\n")
print(out.with_suffix(".md").read_text())
