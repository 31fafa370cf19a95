"""Does a test-size training recipe still teach the format? Train it, then count well-formed greedy replies.

    cd nbs && ../.venv/bin/python ../benchmarks/cpu_test_recipe.py BATCH STEPS LR [PRESET]   # e.g. 2 30 3e-3 cpu-test

Trains SmolLM2-135M (PRESET, default `cpu-test`, with batch, steps and learning rate replaced) into a temporary folder,
then asks the 8 validation and 8 test questions with the `<think>\\n` priming, in the preset's prompt format
(`data.format`), and counts the replies that hold `<think>`, `</think>` and `**Final Answer:**`. Prints the training
time and that count (one seed: a guide, not a verdict). Run from `nbs/`, where the GGUF-converted model is cached as
the tests use it. A few minutes on 2 cores (the replies are generated in batches of 8 since 2026-11-22). Measured (2026-11-21/22, 2 cores):
`2 30 3e-3 cpu-test` -> training 90-93 s, 12/16 (two runs); `2 30 3e-3 cpu-base-test` -> 6/16; `2 30 5e-3 cpu-base-test`
-> 9/16 (the qa format; its test items 6/8); with one thread each, two at a time: `2 20 4e-3 cpu-test` -> 10/16,
`2 15 5e-3 cpu-test` -> 16/16 (69 s), `2 20 5e-3 cpu-base-test` -> 14/16 (84 s), `2 20 6e-3` -> 9/16, `2 20 7e-3` -> 8/16.
"""
import os, sys, tempfile, time
from tiny_reason.config import load_config
from tiny_reason.data import prepare_examples
from tiny_reason.evaluation import load_test_rows
from tiny_reason.loader import load_model, load_tokenizer
from tiny_reason.data import inference_prompt
from tiny_reason.generation import generate_batch
from tiny_reason.train import train

FORMAT = ("<think>", "</think>", "**Final Answer:**")

def question_of(example) -> str:  # the question back out of a chat prompt, or of a plain-text one (`### Question:\n...\n\n###`)
    p = example["prompt"]
    return p[1]["content"] if isinstance(p, list) else p.split("\n", 1)[1].rsplit("\n\n###", 1)[0]
bs, steps, lr = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
preset = sys.argv[4] if len(sys.argv) > 4 else "cpu-test"
with tempfile.TemporaryDirectory() as out:
    cfg = load_config(preset, overrides={"project.output_dir": out, "project.adapter_path": out + "/adapter",
          "training.per_device_train_batch_size": bs, "training.max_steps": steps, "training.learning_rate": lr})
    t = time.time(); adapter = train(cfg, overwrite=True, verbose=False); dt = time.time() - t
    tok, model = load_tokenizer(cfg), load_model(cfg, adapter=adapter)
    _, val, _ = prepare_examples(cfg, verbose=False)
    questions = [question_of(v) for v in val] + [r["question"] for r in load_test_rows(cfg, verbose=False)]
    prompts = [inference_prompt(tok, q, cfg.data.system_prompt, cfg.data.format) for q in questions]
    replies = [o["generated_text"] for i in range(0, len(prompts), 8)
               for o in generate_batch(model, tok, prompts[i:i + 8], cfg.eval.max_new_tokens)]  # greedy, batches of 8
    ok = sum(all(m in "<think>\n" + r for m in FORMAT) for r in replies)
print(f"{preset} recipe ({cfg.data.format} format), batch {bs} x {steps} steps at lr {lr:g}: training {dt:.0f} s; "
      f"well-formed replies {ok}/{len(questions)}")
