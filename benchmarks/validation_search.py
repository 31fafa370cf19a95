"""Settings for 07_grpo and 05_distill, chosen on validation questions, never on the test items.

    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py grpo ROOT NAME key=value ...  # a GRPO configuration
    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py rft ROOT NAME key=value ...   # an RFT configuration
    cd nbs && ../.venv/bin/python ../benchmarks/validation_search.py sft ROOT NAME key=value ...   # an SFT control
    ../.venv/bin/python ../benchmarks/validation_search.py table                                   # the table, again

Each run starts from the `cpu` preset's SFT adapter (`nbs/outputs/cpu/lora_adapter`, 02_train's; a GRPO run from the
adapter `project.adapter_path=` or `grpo.start=` names, which it is then scored beside; `grpo.start=base`: the base
model), trains one configuration (the `cpu` preset of the day, with the given `key=value` overrides) into ROOT/NAME,
and answers the validation questions greedily with it and with the SFT adapter. ROOT/shared holds what every
configuration shares: 2,000 fresh GRPO prompts (generated at `project.seed + 4,000,000`) and 300 validation questions
(at `project.seed + 3,000,000`), none of them an SFT row or a test-pool row (`test_pool`, where the test items come
from), and no validation question a prompt. An RFT run drops any validation question among the ones it sampled. The
paired result is appended to `assets/results/search_cpu.json` (every configuration tried, in order) and
`assets/results/search_cpu.md` is written from it; docs/search.md includes that table. One run is one seed: about 30
min on 2 cores for GRPO, 20 for RFT. The settings chosen go into configs/cpu.yaml; 05 and 07 then run their tests on
the same `eval.fresh_items` fresh items (`fresh_test_items`). The command line is checked whole (`parse_args`) before
anything is read or written, and before torch loads but for the last check, the LoRA rank against the model's shape:
a mistake ends in the usage line and one line naming it. A key the arm would not read is a mistake too (`unread`:
GRPO's steps are `grpo.max_steps`, not `training.max_steps`); a short name is the arm's own setting, as on the
command line (`max_steps=5` is grpo.max_steps for GRPO).
"""
import argparse, datetime, json, sys, time
from pathlib import Path
from tiny_reason.config import all_keys, CommandKeys, COMMAND_KEYS, load_config, PATH_KEYS, resolve_key
from tiny_reason.data import SEED_OFFSETS, load_rows, prepare_examples, question_key, test_pool

ROOT = Path(__file__).resolve().parent.parent
RESULTS, TABLE = ROOT / "assets" / "results" / "search_cpu.json", ROOT / "assets" / "results" / "search_cpu.md"
SHARED = "shared"  # ROOT/shared: what every configuration shares, so no configuration may be named so

def method_overrides(method: str, root: Path, out: Path) -> dict:
    "The keys a run of `method` into `out` sets over the cpu preset, before the `key=value`s given."
    sft = load_config("cpu").project.adapter_path
    return {
        "grpo": {"grpo.prompt_source": str(root / SHARED / "prompts.jsonl"), "grpo.prompts": None,
                 "grpo.heldout_prompts": 0, "grpo.output_dir": str(out / "grpo"),
                 "grpo.adapter_path": str(out / "grpo" / "lora_adapter")},
        "rft": {"project.output_dir": str(out), "distill.teacher_adapter": str(sft)},
        "sft": {"project.output_dir": str(out), "project.adapter_path": str(out / "lora_adapter")},
    }[method]

# the command whose keys an arm reads (`COMMAND_KEYS`, 10_config: a short name is that command's setting, GRPO's
# `max_steps` is grpo.max_steps); RFT samples as `distill` and trains as `train`, so it reads both sections
ARM_COMMAND = {"grpo": "grpo", "sft": "train", "rft": None}
# what an arm does not read beyond its command's `COMMAND_KEYS` (a section written with its dot): every arm is scored
# with the preset's own eval settings (`score`); what GRPO never reads is COMMAND_KEYS' (10_config);
# RFT trains distill.rft_steps steps from distill.teacher_adapter into ROOT/NAME/rft (`rft_config`)
SCORING_ONLY = "eval.max_new_tokens eval.samples eval.sample_temperature"
UNREAD = {"sft": "eval.",
          "rft": f"training.max_steps training.start_adapter project.adapter_path grpo. study. scratch. {SCORING_ONLY}"}
INSTEAD = {"rft": {"training.max_steps": "distill.rft_steps", "training.start_adapter": "distill.teacher_adapter"},
           "grpo": {"training.per_device_train_batch_size": "grpo.batch_size"}}

def unread(method: str, dotted: str) -> str | None:
    """None if the `method` arm reads config key `dotted`; else the key it reads instead, or '' if none:
    `unread('grpo', 'training.max_steps')` -> `'grpo.max_steps'`, `unread('sft', 'grpo.beta')` -> `''`. Given, a key
    it never reads would change nothing, so it is refused."""
    command = COMMAND_KEYS.get(ARM_COMMAND[method])
    extra = CommandKeys(ignores=UNREAD.get(method, ""))
    if not (command and command.ignored(dotted) or extra.ignored(dotted)): return None
    own = f"{command.own}.{dotted.split('.')[1]}" if command and command.own else None
    instead = INSTEAD.get(method, {}).get(dotted) or own
    return instead if instead in all_keys() and instead != dotted else ""

def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line, every part checked before anything is read or written: the method, ROOT and NAME, each
    `key=value` (a config key the arm reads, given once, with a value it accepts: the whole run's config is built
    here), the SFT adapter every run starts from (none for `grpo.start=base`), and last the LoRA rank (`lora.r`, the
    library's `check_lora_rank`, which loads torch). A mistake ends in argparse's usage line and one line naming it."""
    p = argparse.ArgumentParser(prog="validation_search.py", allow_abbrev=False,
                                description="Settings for 07_grpo and 05_distill, chosen on validation questions.")
    sub = p.add_subparsers(dest="method", required=True, metavar="{grpo,rft,sft,table}")
    sub.add_parser("table", help="write the table again from assets/results/search_cpu.json")
    parsers = {}
    for method, what in (("grpo", "a GRPO configuration"), ("rft", "an RFT configuration"), ("sft", "an SFT control")):
        q = parsers[method] = sub.add_parser(method, help=what, allow_abbrev=False)
        q.add_argument("root", type=Path, metavar="ROOT",
                       help=f"the search's folder (ROOT/{SHARED} holds what the runs share)")
        q.add_argument("name", metavar="NAME", help="this configuration's folder, ROOT/NAME")
        q.add_argument("overrides", nargs="*", default=[], metavar="key=value",  # a default: none is required
                       help="a config key over the cpu preset")
    args = p.parse_args(argv)
    if args.method == "table": return args
    q = parsers[args.method]
    if args.name in ("", ".", "..") or Path(args.name).name != args.name:
        q.error(f"NAME '{args.name}' must be one folder name, the configuration's folder inside ROOT")
    if args.name == SHARED: q.error(f"NAME '{SHARED}' is ROOT/{SHARED}, what all configurations share: choose another")
    if args.root.exists() and not args.root.is_dir(): q.error(f"ROOT '{args.root}' is a file, not a folder")
    overrides, given = {}, {}
    for kv in args.overrides:
        key, eq, value = kv.partition("=")
        if not eq or not key: q.error(f"'{kv}' is not key=value (as in grpo.max_steps=50)")
        try: dotted = resolve_key(key, ARM_COMMAND[args.method])  # a short name: the arm's own setting
        except KeyError as e: q.error(e.args[0])
        if dotted in given: q.error(f"config key '{dotted}' is set twice, by {given[dotted]} and {kv}; keep one")
        if dotted in PATH_KEYS and not value.strip():  # load_config would read it as the preset's own
            q.error(f"'{kv}' gives config key '{dotted}' no path: give one, or leave the key out")
        if (instead := unread(args.method, dotted)) is not None:
            q.error(f"'{kv}' sets {dotted}, which the {args.method} arm does not read"
                    + (f": write {instead}={value}" if instead else ""))
        overrides[dotted], given[dotted] = value, kv  # dotted: load_config reads a short name as SFT's
    out = args.root / args.name
    try: cfg = load_config("cpu", overrides={**method_overrides(args.method, args.root, out), **overrides})
    except (KeyError, TypeError, ValueError) as e: q.error(e.args[0] if e.args else str(e))
    # the adapter the run starts from: GRPO's `grpo.start` (`sft`: `project.adapter_path`; `base`: none), else the
    # preset's SFT adapter
    start = load_config("cpu").project.adapter_path if args.method != "grpo" else (
        {"sft": cfg.project.adapter_path, "base": None}.get(cfg.grpo.start, cfg.grpo.start))
    if start is not None and not (Path(start) / "adapter_config.json").is_file():
        q.error(f"no SFT adapter at '{start}' (seen from {Path.cwd()}): run this from nbs/, once 02_train has trained "
                "the cpu preset's")
    from tiny_reason.loader import check_lora_rank  # torch: only once every other check has passed
    try: check_lora_rank(cfg)  # a rank no target matrix holds (the CLI's line), not an error deep in the run
    except (OSError, ValueError) as e: q.error(e.args[0] if e.args else str(e))
    args.overrides = overrides
    return args

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
    from tiny_reason.evaluation import compare_runs, evaluate
    (folder / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in items))
    ecfg = load_config("cpu", overrides={"eval.test_source": str(folder / "validation.jsonl"), "eval.test_samples": None})
    for name, adapter in arms.items(): evaluate(ecfg, folder / f"validation_{name}", adapter=adapter, exclude=[], verbose=False)
    r = compare_runs(*(folder / f"validation_{name}" for name in arms))
    p = r["paired"]
    return {"n": p["n"], "sft": r["base"]["flexible"]["correct"], "tuned": r["tuned"]["flexible"]["correct"],
            "fixed": p["fixed"], "broken": p["broken"], "mcnemar_p": p["mcnemar_p"]}

def run_grpo(root: Path, out: Path, overrides: dict) -> dict:
    from tiny_reason.grpo import start_folder, train_grpo
    cfg = load_config("cpu")
    _, valid = shared_rows(cfg, root / SHARED)  # and the prompts, which `method_overrides` names
    g = load_config("cpu", overrides={**method_overrides("grpo", root, out), **overrides})
    adapter = train_grpo(g, verbose=True, table=False, reuse=True)
    seconds = json.loads((adapter / "log_history.json").read_text())[-1].get("train_runtime", 0)
    start = start_folder(g)  # the adapter it started from (grpo.start, or project.adapter_path), scored beside it
    said = {} if start else {"note": "grpo.start=base: the first count is the base model's, not an SFT adapter's"}
    return {"method": "grpo", "training_s": round(seconds), **groups_tied(adapter), **said,
            **score(out, {"sft" if start else "base": start, "grpo": adapter}, valid)}

def groups_tied(adapter: Path) -> dict:
    """The share of a GRPO run's groups whose replies all tied on reward (TRL's `frac_reward_zero_std`, from its log):
    over the run, its first 5 steps and its last 5. A tied group teaches nothing: each advantage is 0."""
    tied = [h["frac_reward_zero_std"] for h in json.loads((adapter / "log_history.json").read_text())
            if "frac_reward_zero_std" in h]
    mean = lambda xs: round(sum(xs) / len(xs), 4)
    return {"groups_tied": {"all": mean(tied), "first 5 steps": mean(tied[:5]), "last 5 steps": mean(tied[-5:])}}

def run_rft(root: Path, out: Path, overrides: dict) -> dict:
    """RFT as 05 runs it now: the SFT adapter (`distill.teacher_adapter`: 02's, or an override) samples the fresh
    questions and continues on its kept traces for `distill.rft_steps` steps. Runs 3 and 4 of the table ran the
    earlier design: 02's recipe again from the base model, on the human rows plus the kept traces."""
    from tiny_reason.distill import distill, rft_config
    from tiny_reason.files import read_jsonl_objects
    from tiny_reason.train import ensure_adapter
    cfg = load_config("cpu", overrides={**method_overrides("rft", root, out), **overrides})
    sft = Path(cfg.distill.teacher_adapter)  # the SFT adapter samples, and RFT continues it
    _, valid = shared_rows(load_config("cpu"), root / SHARED)
    report = distill(cfg, out / "distill", verbose=True)  # the SFT adapter samples the fresh questions (`fresh_questions`)
    kept = [r for _, r in read_jsonl_objects(out / "distill" / "distilled.jsonl")]
    _, val_ex, _ = prepare_examples(cfg, verbose=False)  # SFT continues from its adapter on the kept traces (05)
    start = time.time(); rft = ensure_adapter(rft_config(cfg, val_ex, kept, sft), verbose=False); seconds = time.time() - start
    traces = Path(cfg.distill.traces) if cfg.distill.traces else out / "distill" / "traces.jsonl"  # given: an earlier run's samples
    sampled = {question_key(t["question"]) for _, t in read_jsonl_objects(traces)}
    items = [r for r in valid if question_key(r["question"]) not in sampled]
    return {"method": "rft", "training_s": round(seconds), "sampling_s": report["seconds"], "kept": report["kept"],
            "copies of a training row": report["copies of a training row"], **score(out, {"sft": sft, "rft": rft}, items)}

def run_sft(root: Path, out: Path, overrides: dict) -> dict:
    "A control: 02_train's recipe with `overrides` (more steps, say), against the preset's SFT adapter."
    from tiny_reason.train import ensure_adapter
    sft = Path(load_config("cpu").project.adapter_path)
    cfg = load_config("cpu", overrides={**method_overrides("sft", root, out), **overrides})
    _, valid = shared_rows(load_config("cpu"), root / SHARED)
    start = time.time(); adapter = ensure_adapter(cfg, verbose=False); seconds = time.time() - start
    return {"method": "sft", "training_s": round(seconds), **score(out, {"sft": sft, "control": adapter}, valid)}

def note(r: dict) -> str:
    "A run's note, and for GRPO the share of its groups that tied on reward, where its log was read."
    tied = r.get("groups_tied")
    said = (f"groups tied on reward: {tied['all']:.0%} ({tied['first 5 steps']:.0%} in the first 5 steps, "
            f"{tied['last 5 steps']:.0%} in the last 5)") if tied else ""
    return "; ".join(x for x in (r.get("note", ""), said) if x)

def table() -> str:
    "Every configuration tried, as Markdown, from the results file."
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    lines = ["<!-- written by benchmarks/validation_search.py from assets/results/search_cpu.json: do not edit -->",
             "| # | method | settings (over the cpu preset of the day) | training | validation: SFT -> tuned | fixed / broken | McNemar p | note |",
             "|---:|---|---|---:|---|---|---:|---|"]
    for i, r in enumerate(runs, 1):
        settings = ", ".join(f"`{k}={v}`" for k, v in r["overrides"].items()) or "the preset as it is"
        lines.append(f"| {i} | {r['method']} | {settings} | {r['training_s'] / 60:.1f} min | {r['sft']} -> {r['tuned']} of {r['n']} | "
                     f"{r['fixed']} / {r['broken']} | {r['mcnemar_p']:.2g} | {note(r)} |")
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    args = parse_args(sys.argv[1:])  # before anything is written
    if args.method == "table": TABLE.write_text(table()); print(TABLE.read_text()); sys.exit()
    method, root, name, overrides = args.method, args.root, args.name, args.overrides
    (root / name).mkdir(parents=True, exist_ok=True)
    result = {"run": {"grpo": run_grpo, "rft": run_rft, "sft": run_sft}[method](root, root / name, overrides)}
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    runs.append({**result["run"], "overrides": overrides, "date": datetime.date.today().isoformat()})
    RESULTS.write_text(json.dumps(runs, indent=1) + "\n"); TABLE.write_text(table())
    print(table())
