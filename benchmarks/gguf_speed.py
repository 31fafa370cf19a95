"""llama.cpp on the exported GGUF files beside `transformers` on the merged folder: the same prompts, greedy, one reply at a
time, the same threads; tokens/s each, file sizes, and llama.cpp's answers. Written to tiny_reason/measured/gguf_speed.json,
which lesson 08 reads (never a hand-copied number).

    .venv/bin/python benchmarks/gguf_speed.py                        # cpu preset, nbs/outputs/cpu/lora_adapter, 8 items x 128 tokens
    .venv/bin/python benchmarks/gguf_speed.py --items 4 --max_new_tokens 64 --out /tmp/speed.json

A benchmark, not a test: on a shared machine the numbers move, so it records the load average before and after; run it
alone. The engines take turns prompt by prompt (transformers, then each GGUF file), so a change of load hits them alike.
"""
import argparse, datetime, json, os, platform, shutil, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser()
p.add_argument("--preset", default="cpu")
p.add_argument("--adapter", default=str(ROOT / "nbs" / "outputs" / "cpu" / "lora_adapter"), help="the adapter to merge (02_train's)")
p.add_argument("--items", type=int, default=8)
p.add_argument("--max_new_tokens", type=int, default=128)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--types", default="f16,q8_0,q4_k_m")
p.add_argument("--out", default=str(ROOT / "tiny_reason" / "measured" / "gguf_speed.json"))
a = p.parse_args()

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from tiny_reason.config import load_config
from tiny_reason.data import inference_prompt
from tiny_reason.evaluation import load_test_rows
from tiny_reason.export import export_merged
from tiny_reason.gguf_check import llama_cpp_model
from tiny_reason.gguf_write import write_gguf
from tiny_reason.evaluation import extract_answer

torch.set_num_threads(a.threads)
cfg = load_config(a.preset, overrides={"eval.test_samples": a.items})
load = [os.getloadavg()[0]]
work = Path(tempfile.mkdtemp(prefix="gguf_speed."))
try:
    merged = export_merged(cfg, a.adapter, work / "merged", "fp32", evaluate_it=False, gguf=a.types.split(",")[0])  # CPU: fp32, as the course runs it
    files = {a.types.split(",")[0]: next(merged.glob("*.gguf"))}
    files.update({k: write_gguf(merged, work / f"{k}.gguf", k) for k in a.types.split(",")[1:]})
    tok = AutoTokenizer.from_pretrained(merged)
    model = AutoModelForCausalLM.from_pretrained(merged, dtype=torch.float32).eval()
    llms = {k: llama_cpp_model(f, threads=a.threads, logits_all=False) for k, f in files.items()}
    rows = load_test_rows(cfg)[:a.items]
    stop = tok.eos_token_id
    runs = {"transformers": {"tokens": 0, "seconds": 0.0, "answers": []}, **{k: {"tokens": 0, "seconds": 0.0, "answers": []} for k in files}}
    for r in rows:
        prompt = inference_prompt(tok, r["question"], cfg.data.system_prompt, cfg.data.format)
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        start = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long), max_new_tokens=a.max_new_tokens,
                                 do_sample=False, eos_token_id=stop, pad_token_id=tok.pad_token_id)[0, len(ids):]
        seconds = time.perf_counter() - start
        new = [t for t in out.tolist() if t != stop]
        runs["transformers"]["tokens"] += len(new); runs["transformers"]["seconds"] += seconds
        runs["transformers"]["answers"].append(extract_answer(tok.decode(new, skip_special_tokens=True))[0])
        for k, llm in llms.items():
            llm.reset()
            start = time.perf_counter()
            c = llm.create_completion(ids, max_tokens=a.max_new_tokens, temperature=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
            seconds = time.perf_counter() - start
            runs[k]["tokens"] += c["usage"]["completion_tokens"]; runs[k]["seconds"] += seconds
            runs[k]["answers"].append(extract_answer(c["choices"][0]["text"])[0])
    load.append(os.getloadavg()[0])
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.machine())
    result = {"preset": cfg.preset, "model": cfg.model.name, "adapter": os.path.relpath(a.adapter, ROOT), "items": len(rows),
              "max_new_tokens": a.max_new_tokens, "threads": a.threads, "cpu": f"{cpu}, {os.cpu_count()} cores",
              "load_average": load, "date": datetime.date.today().isoformat(), "torch": torch.__version__,
              "engines": [{"engine": "transformers", "format": "safetensors fp32", "MiB": round(sum(f.stat().st_size for f in merged.glob("*.safetensors")) / 2**20, 2),
                           **{k: v for k, v in runs["transformers"].items()}}]
                         + [{"engine": "llama.cpp", "format": f"GGUF {k}", "MiB": round(files[k].stat().st_size / 2**20, 2), **runs[k]} for k in files]}
    for e in result["engines"]:
        e["tokens_per_s"] = round(e["tokens"] / e["seconds"], 1); e["seconds"] = round(e["seconds"], 2)
        e["same_answers"] = sum(x == y for x, y in zip(e["answers"], runs["transformers"]["answers"]))
        print(f"{e['engine']:>12} {e['format']:<17} {e['MiB']:8.1f} MiB  {e['tokens']:5d} tokens in {e['seconds']:6.1f} s = {e['tokens_per_s']:6.1f} tok/s; "
              f"answers as transformers' {e['same_answers']}/{len(rows)}")
    Path(a.out).write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {a.out} ({result['cpu']}, {a.threads} threads, load average {load[0]:.1f} before, {load[1]:.1f} after)")
finally:
    for llm in locals().get("llms", {}).values(): llm.close()
    shutil.rmtree(work, ignore_errors=True)
