"""Does a `cpu-test` training recipe still teach the format? Train it, then count well-formed greedy replies.

    cd nbs && ../.venv/bin/python ../benchmarks/cpu_test_recipe.py BATCH STEPS LR    # e.g. 2 30 3e-3

Trains SmolLM2-135M (the `cpu-test` preset with batch, steps and learning rate replaced) into a temporary folder,
then asks the 8 validation and 8 test questions with the `<think>\\n` priming and counts the replies that hold
`<think>`, `</think>` and `**Final Answer:**`. Prints the training time and that count (one seed: a guide, not a
verdict). Run from `nbs/`, where the GGUF-converted model is cached as the tests use it. About 7 minutes on 2 cores,
most of it the 16 greedy replies. Measured: `2 30 3e-3` -> training 90-93 s, 12/16 (two runs).
"""
import os, sys, tempfile, time
os.environ["IN_TEST"] = "1"  # the `cpu-test` sizes
from tiny_reason.config import load_config
from tiny_reason.data import prepare_examples
from tiny_reason.evaluate import load_test_rows
from tiny_reason.model import load_model, load_tokenizer
from tiny_reason.train import greedy_reply, train

FORMAT = ("<think>", "</think>", "**Final Answer:**")
bs, steps, lr = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
with tempfile.TemporaryDirectory() as out:
    cfg = load_config("cpu-test", overrides={"project.output_dir": out, "project.adapter_path": out + "/adapter",
          "training.per_device_train_batch_size": bs, "training.max_steps": steps, "training.learning_rate": lr})
    t = time.time(); adapter = train(cfg, overwrite=True, verbose=False); dt = time.time() - t
    tok, model = load_tokenizer(cfg), load_model(cfg, adapter=adapter)
    _, val, _ = prepare_examples(cfg, verbose=False)
    questions = [v["prompt"][1]["content"] for v in val] + [r["question"] for r in load_test_rows(cfg, verbose=False)]
    ok = sum(all(m in greedy_reply(model, tok, q, cfg.data.system_prompt, cfg.eval.max_new_tokens) for m in FORMAT)
             for q in questions)
print(f"cpu-test recipe, batch {bs} x {steps} steps at lr {lr:g}: training {dt:.0f} s; well-formed replies {ok}/{len(questions)}")
