"""A trained model of any family, exported and asked again: plain `transformers.pipeline` and llama.cpp (the GGUF file)
against the export's own evaluation, greedy, on the same items. Written to assets/results/export_PRESET.{json,md}, which
docs/results.md renders (never a hand-copied number).

    .venv/bin/python benchmarks/family_export.py --preset cpu-gemma --adapter runs/cpu-gemma/lora_adapter --items 32

The merged folder is fp32 (the course's CPU precision) and the GGUF file f16 (`export --gguf f16`'s default type);
`pipeline()` decodes greedily in fp32 as the evaluation did, so its replies must be the evaluation's, text for text;
llama.cpp computes with f16 weights and an f16 key/value cache, so its replies may part from them at a near tie
(`judge_gguf` gives transformers' margin there: a part within twice the largest logit gap is a near tie).
"""
import argparse, datetime, json, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--preset", default="cpu-gemma")
p.add_argument("--adapter", required=True, help="a trained adapter of the preset's model")
p.add_argument("--items", type=int, default=32, help="test items asked (the preset's first ones)")
a = p.parse_args()

import torch
from transformers import pipeline
from tiny_reason.config import load_config
from tiny_reason.export import export_merged
from tiny_reason.gguf_check import agreement, judge_gguf

cfg = load_config(a.preset, overrides={"eval.test_samples": a.items})
work = Path(tempfile.mkdtemp(prefix="family_export."))
folder = export_merged(cfg, a.adapter, work / "merged", "fp32", gguf="f16")  # evaluated by the export itself
done = [json.loads(l) for l in (folder / "evaluation" / "predictions.jsonl").read_text().splitlines() if l.strip()]
pipe = pipeline("text-generation", model=str(folder), dtype=torch.float32)
same = 0
for r in done:  # the export's chat template: the course's prompt (08_export), primed with <think>
    said = pipe([{"role": "user", "content": r["question"]}], max_new_tokens=r["generation"]["eval.max_new_tokens"],
                do_sample=False)[0]["generated_text"][-1]["content"]
    same += said == r["generated_text"]
judged = judge_gguf(next(folder.glob("*.gguf")), folder, model=pipe.model)
near = sum(d["margin"] <= 2 * judged["logit gap"] for d in judged["differences"])
result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "preset": a.preset,
          "model": cfg.model.label, "adapter": a.adapter, "items": len(done),
          "evaluation_correct": sum(r["correct"] for r in done), "pipeline_same_reply": same,
          "llama_cpp": {k: v for k, v in judged.items() if k != "differences"}, "llama_cpp_near_ties": near,
          "llama_cpp_differences": judged["differences"], "agreement": agreement(judged)}
tag = a.preset.replace("-", "_")
(ROOT / "assets" / "results" / f"export_{tag}.json").write_text(json.dumps(result, indent=1) + "\n")
md = (f"<!-- written by benchmarks/family_export.py: do not edit -->\n"
      f"{cfg.model.label}, `{a.preset}`, its adapter merged in fp32 and written as an f16 GGUF ({result['date']}), on "
      f"the first {len(done)} test items: the export's own evaluation answered {result['evaluation_correct']} right. "
      f"`transformers.pipeline`, greedy, gave the evaluation's reply, text for text, on {same} of {len(done)}. "
      f"llama.cpp on the GGUF file: {result['agreement']}; of the replies that part from the evaluation's within the "
      f"first {judged['first']} tokens, {near} of {len(judged['differences'])} part at a near tie (transformers' margin "
      f"within twice the largest logit gap).\n")
(ROOT / "assets" / "results" / f"export_{tag}.md").write_text(md)
print(md)
