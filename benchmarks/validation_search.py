"""Settings for 07_grpo and 05_distill, chosen on validation questions, never on the test items.

    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py grpo ROOT NAME key=value ...  # a GRPO configuration
    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py rft ROOT NAME key=value ...   # an RFT configuration
    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py sft ROOT NAME key=value ...   # an SFT control
    ../.venv/bin/python ../benchmarks/validation_search.py table                                   # the table, again

Each run starts from the `cpu` preset's SFT adapter (`nbs/outputs/cpu/lora_adapter`, 02_train's), trains one
configuration (the `cpu` preset of the day, with the given `key=value` overrides) into ROOT/NAME, and answers the
validation questions greedily with it and with the SFT adapter. ROOT/shared holds what every configuration shares:
2,000 fresh GRPO prompts (generated at `project.seed + 4,000,000`) and 300 validation questions (at
`project.seed + 3,000,000`), none of them an SFT row or a test-pool row (`test_pool`, where the test items come
from), and no validation question a prompt. An RFT run drops any validation question among the ones it
sampled. The paired result is appended to `assets/results/search_cpu.json` (every configuration tried, in order) and
`assets/results/search_cpu.md` is written from it; docs/search.md includes that table. One run is one seed: about
30 min on 2 cores for GRPO, 20 for RFT. The settings chosen go into configs/cpu.yaml; 05 and 07 then run their test
once, on `eval.paired_items` test items.
"""
import datetime, json, sys, time
from pathlib import Path
from tiny_reason.config import load_config, set_value
from tiny_reason.data_checks import SEED_OFFSETS, load_rows, prepare_examples, question_key, test_pool

ROOT = Path(__file__).resolve().parent.parent
RESULTS, TABLE = ROOT / "assets" / "results" / "search_cpu.json", ROOT / "assets" / "results" / "search_cpu.md"

def shared_rows(cfg, shared: Path) -> tuple[Path, list[dict]]:
    "ROOT/shared's prompts file and validation rows, drawn once."
    shared.mkdir(parents=True, exist_ok=True)
    if not (shared / "prompts.jsonl").exists():
        train, val, _ = prepare_examples(cfg, verbose=False)
        test = test_pool(cfg)  # the rows the test items come from
        seen = {question_key(r["question"]) for r in [*train, *val, *test]}
        first = lambda rows, n: list({question_key(r["question"]): r for r in rows if question_key(r["question"]) not in seen}.values())[:n]
        prompts = first(load_rows(cfg.data.source, cfg, n=4000, seed=cfg.project.seed + SEED_OFFSETS["grpo"]), 2000)
        seen |= {question_key(r["question"]) for r in prompts}
        valid = first(load_rows(cfg.data.source, cfg, n=800, seed=cfg.project.seed + SEED_OFFSETS["validation"]), 300)
        for name, rows in (("prompts", prompts), ("validation", valid)):
            (shared / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return shared / "prompts.jsonl", [json.loads(l) for l in (shared / "validation.jsonl").read_text().splitlines()]

def score(folder: Path, arms: dict, items: list[dict]) -> dict:
    "Each arm on `items`, greedily, paired (`compare_runs`)."
    from tiny_reason.eval_stage import compare_runs, evaluate
    (folder / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in items))
    ecfg = load_config("cpu", overrides={"eval.test_source": str(folder / "validation.jsonl"), "eval.test_samples": None})
    for name, adapter in arms.items(): evaluate(ecfg, folder / f"validation_{name}", adapter=adapter, exclude=[], verbose=False)
    r = compare_runs(*(folder / f"validation_{name}" for name in arms))
    p = r["paired"]
    return {"n": p["n"], "sft": r["base"]["flexible"]["correct"], "tuned": r["tuned"]["flexible"]["correct"],
            "fixed": p["fixed"], "broken": p["broken"], "mcnemar_p": p["mcnemar_p"]}

def run_grpo(root: Path, out: Path, overrides: dict) -> dict:
    from tiny_reason.grpo_checks import train_grpo
    cfg = load_config("cpu")
    prompts, valid = shared_rows(cfg, root / "shared")
    g = load_config("cpu", overrides={"grpo.prompt_source": str(prompts), "grpo.prompts": None, "grpo.heldout_prompts": 0,
                                      "grpo.output_dir": str(out / "grpo"), "grpo.adapter_path": str(out / "grpo" / "lora_adapter"), **overrides})
    adapter = train_grpo(g, verbose=True, table=False, reuse=True)
    seconds = json.loads((adapter / "log_history.json").read_text())[-1].get("train_runtime", 0)
    return {"method": "grpo", "training_s": round(seconds), **score(out, {"sft": Path(cfg.project.adapter_path), "grpo": adapter}, valid)}

def run_rft(root: Path, out: Path, overrides: dict) -> dict:
    from tiny_reason.distill_checks import distill, rft_config
    from tiny_reason.files import read_jsonl_objects
    from tiny_reason.train_checks import ensure_adapter
    sft = Path(load_config("cpu").project.adapter_path)
    cfg = load_config("cpu", overrides={"project.output_dir": str(out), "distill.teacher_adapter": str(sft), **overrides})
    _, valid = shared_rows(load_config("cpu"), root / "shared")
    report = distill(cfg, out / "distill", verbose=True)  # the SFT adapter samples the fresh questions (`fresh_questions`)
    kept = [r for _, r in read_jsonl_objects(out / "distill" / "distilled.jsonl")]
    train_ex, val_ex, _ = prepare_examples(cfg, verbose=False)
    start = time.time(); rft = ensure_adapter(rft_config(cfg, train_ex, val_ex, kept), verbose=False); seconds = time.time() - start
    traces = Path(cfg.distill.traces) if cfg.distill.traces else out / "distill" / "traces.jsonl"  # given: an earlier run's samples
    sampled = {question_key(t["question"]) for _, t in read_jsonl_objects(traces)}
    items = [r for r in valid if question_key(r["question"]) not in sampled]
    return {"method": "rft", "training_s": round(seconds), "sampling_s": report["seconds"], "kept": report["kept"],
            "copies of a training row": report["copies of a training row"], **score(out, {"sft": sft, "rft": rft}, items)}

def run_sft(root: Path, out: Path, overrides: dict) -> dict:
    "A control: 02_train's recipe with `overrides` (more steps, say), against the preset's SFT adapter."
    from tiny_reason.train_checks import ensure_adapter
    sft = Path(load_config("cpu").project.adapter_path)
    cfg = load_config("cpu", overrides={"project.output_dir": str(out), "project.adapter_path": str(out / "lora_adapter"), **overrides})
    _, valid = shared_rows(load_config("cpu"), root / "shared")
    start = time.time(); adapter = ensure_adapter(cfg, verbose=False); seconds = time.time() - start
    return {"method": "sft", "training_s": round(seconds), **score(out, {"sft": sft, "control": adapter}, valid)}

def table() -> str:
    "Every configuration tried, as Markdown, from the results file."
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    lines = ["<!-- written by benchmarks/validation_search.py from assets/results/search_cpu.json: do not edit -->",
             "| # | method | settings (over the cpu preset of the day) | training | validation: SFT -> tuned | fixed / broken | McNemar p | note |",
             "|---:|---|---|---:|---|---|---:|---|"]
    for i, r in enumerate(runs, 1):
        settings = ", ".join(f"`{k}={v}`" for k, v in r["overrides"].items()) or "the preset as it is"
        lines.append(f"| {i} | {r['method']} | {settings} | {r['training_s'] / 60:.1f} min | {r['sft']} -> {r['tuned']} of {r['n']} | "
                     f"{r['fixed']} / {r['broken']} | {r['mcnemar_p']:.2g} | {r.get('note', '')} |")
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    if sys.argv[1] == "table": TABLE.write_text(table()); print(TABLE.read_text()); sys.exit()
    method, root, name, overrides = sys.argv[1], Path(sys.argv[2]), sys.argv[3], dict(kv.split("=", 1) for kv in sys.argv[4:])
    (root / name).mkdir(parents=True, exist_ok=True)
    result = {"run": {"grpo": run_grpo, "rft": run_rft, "sft": run_sft}[method](root, root / name, overrides)}
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    runs.append({**result["run"], "overrides": overrides, "date": datetime.date.today().isoformat()})
    RESULTS.write_text(json.dumps(runs, indent=1) + "\n"); TABLE.write_text(table())
    print(table())
