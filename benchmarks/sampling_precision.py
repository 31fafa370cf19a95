"""Which engine and dtype the `cpu` preset generates in: the same greedy replies, timed, through each.

    cd nbs && ../.venv/bin/python ../benchmarks/sampling_precision.py ADAPTER [--items 64] [--max_new_tokens 96]

Answers the first `--items` validation questions of `benchmarks/sft_schedules.py` (ROOT outputs/sft_schedules) with
ADAPTER, greedily, in one batch, through the reference engine (the base with the adapter on top, fp32, as trained),
a merged fp32 copy and a merged bf16 copy (`model.sampling_precision`, 17_loader), each after one small warm-up
call. It reports each path's time and tokens a second, and how many replies are the reference's text exactly and
give its answer. The figures go to `assets/results/sampling_precision.json` and `.md`, which docs/speed.md includes.
A benchmark, not a test: run it alone on the machine.
"""
import argparse, copy, json, platform, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "assets" / "results" / "sampling_precision.json"
TABLE = ROOT / "assets" / "results" / "sampling_precision.md"
PATHS = (("reference", None), ("merged", "fp32"), ("merged", "bf16"))  # (eval.engine, model.sampling_precision)


def measure(adapter: Path, items: int, new_tokens: int) -> dict:
    import torch
    from tiny_reason.config import load_config
    from tiny_reason.data import THINK_PRIME
    from tiny_reason.evaluation import eval_prompts
    from tiny_reason.evaluation import extract_answer
    from tiny_reason.generation import generate_batch, inference_model
    from tiny_reason.loader import bf16_native, load_tokenizer
    rows = [json.loads(l) for l in (Path("outputs/sft_schedules/validation.jsonl")).read_text().splitlines()][:items]
    cfg = load_config("cpu")
    tok = load_tokenizer(cfg)
    prompts = eval_prompts(tok, rows, cfg)
    runs = []
    for engine, dtype in PATHS:
        c = copy.deepcopy(cfg); c.eval.engine, c.model.sampling_precision = engine, dtype
        model = inference_model(c, adapter)
        generate_batch(model, tok, prompts[:2], 4)  # the first call's one-off costs, untimed
        start = time.perf_counter(); out = generate_batch(model, tok, prompts, new_tokens)
        seconds = time.perf_counter() - start
        runs.append({"engine": engine, "dtype": dtype or "fp32", "seconds": seconds,
                     "tokens": sum(o["n_tokens"] for o in out), "texts": [o["generated_text"] for o in out]})
        del model
    ref = runs[0]["texts"]
    answer = lambda text: extract_answer(THINK_PRIME + text)[0]
    for r in runs:
        r["same_text"] = sum(a == b for a, b in zip(r["texts"], ref))
        r["same_answer"] = sum(answer(a) == answer(b) for a, b in zip(r["texts"], ref))
        del r["texts"]
    return {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.processor() or platform.machine()}, "
            f"{torch.get_num_threads()} threads, torch {torch.__version__}, bf16 native {bf16_native()}",
            "adapter": str(adapter), "items": items, "max_new_tokens": new_tokens, "runs": runs}


def table(results: list[dict]) -> str:
    lines = ["<!-- written by benchmarks/sampling_precision.py from assets/results/sampling_precision.json: do not edit -->"]
    for m in results:
        ref = m["runs"][0]
        lines += ["", f"**{m['date']}**, {m['machine']}: {m['items']} validation questions in one batch, greedy, up to "
                  f"{m['max_new_tokens']} new tokens, adapter `{m['adapter']}`:", "",
                  "| engine | dtype | time | tokens a second | speed against the reference | same text | same answer |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['engine']} | {r['dtype']} | {r['seconds']:.1f} s | {r['tokens'] / r['seconds']:.0f} | "
                  f"{ref['seconds'] / r['seconds']:.2f}x | {r['same_text']}/{m['items']} | {r['same_answer']}/{m['items']} |"
                  for r in m["runs"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="sampling_precision.py", description=__doc__.splitlines()[0])
    p.add_argument("adapter", type=Path, nargs="?", help="a trained adapter folder ('table': write the table again)")
    p.add_argument("--items", type=int, default=64)
    p.add_argument("--max_new_tokens", type=int, default=96)
    a = p.parse_args()
    if str(a.adapter) == "table": TABLE.write_text(table(json.loads(RESULTS.read_text()))); sys.exit()
    if a.adapter is None or not (a.adapter / "adapter_config.json").is_file():
        p.error(f"ADAPTER {a.adapter}: no adapter_config.json there")
    results = (json.loads(RESULTS.read_text()) if RESULTS.exists() else []) + [measure(a.adapter, a.items, a.max_new_tokens)]
    RESULTS.write_text(json.dumps(results, indent=1) + "\n"); TABLE.write_text(table(results))
    print(TABLE.read_text())
