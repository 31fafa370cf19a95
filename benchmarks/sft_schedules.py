"""When has the `cpu` preset's SFT finished learning? Schedules chosen on validation questions, never on test items.

    cd nbs && ../.venv/bin/python ../benchmarks/sft_schedules.py run ROOT NAME key=value ...  # train, score a schedule
    ../.venv/bin/python ../benchmarks/sft_schedules.py table                                  # the table, again
    ../.venv/bin/python ../benchmarks/sft_schedules.py audit ROOT                             # the validation file's overlaps
    ... --preset cpu-gemma ...                     # another preset's schedules (the `cpu` preset's by default)

Each schedule is 02_train's recipe (the `cpu` preset of the day, or `--preset`'s) with the given `key=value` overrides (steps, rate,
batch), trained from the base model into ROOT/NAME and scored greedily on the same validation questions:
`ROOT/validation.jsonl`, drawn once at `project.seed + 3,000,000` (`unseen_rows`: none of them an SFT row or a test
item, by question or by worked steps). Every schedule tried is appended to `assets/results/sft_schedules_PRESET.json`
(PRESET with `_` for `-`), with which questions it got right, and `assets/results/sft_schedules_PRESET.md` is written
from it: each schedule's accuracy
with its 95% interval, and, paired on the same questions, whether any longer schedule beats it (McNemar's exact
test); `assets/PRESET_sft_schedules.png` draws the curve. The cheapest schedule that none of the longer schedules beats is where SFT has finished learning (the plateau).
One schedule costs its training (about 3 s a step on 2 cores) and one evaluation of the questions.
The command line is checked whole before anything is read or written, and before torch loads.
"""
import argparse, datetime, json, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRESET = RESULTS = TABLE = FIGURE = AUDIT = None  # `--preset`'s name and files (`use_preset`)

def use_preset(preset: str) -> None:
    "Point the results, table, figure and audit (`audit`'s counts) files at `preset`'s."
    global PRESET, RESULTS, TABLE, FIGURE, AUDIT
    PRESET, tag = preset, preset.replace("-", "_")
    RESULTS, TABLE = ROOT / "assets" / "results" / f"sft_schedules_{tag}.json", ROOT / "assets" / "results" / f"sft_schedules_{tag}.md"
    FIGURE, AUDIT = ROOT / "assets" / f"{tag}_sft_schedules.png", ROOT / "assets" / "results" / f"sft_schedules_{tag}_validation.json"
LEVEL = 0.05      # a longer schedule beats a shorter one when McNemar's exact p on their discordant pairs is below it


def parse_args(argv: list[str]) -> argparse.Namespace:
    "The command line, every part checked before anything is read or written; a mistake ends in the usage line."
    p = argparse.ArgumentParser(prog="sft_schedules.py", allow_abbrev=False, description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="cpu", help="whose schedules (default: cpu); its own results files")
    sub = p.add_subparsers(dest="command", required=True, metavar="{run,table,audit}")
    sub.add_parser("table", help="write the table again from assets/results/sft_schedules_PRESET.json")
    a = sub.add_parser("audit", help="count the validation questions that share worked steps with other pools")
    a.add_argument("root", type=Path, metavar="ROOT", help="the search's folder, holding validation.jsonl")
    q = sub.add_parser("run", help="train one schedule and score it on the validation questions", allow_abbrev=False)
    q.add_argument("root", type=Path, metavar="ROOT", help="the search's folder (ROOT/validation.jsonl is shared)")
    q.add_argument("name", metavar="NAME", help="this schedule's folder, ROOT/NAME")
    q.add_argument("overrides", nargs="*", default=[], metavar="key=value", help="a config key over the cpu preset")
    args = p.parse_args(argv)
    from tiny_reason.config import list_presets
    if args.preset not in list_presets(): p.error(f"no preset {args.preset!r}; known: {', '.join(list_presets())}")
    use_preset(args.preset)
    if args.command == "table": return args
    if args.command == "audit":
        if not (args.root / "validation.jsonl").is_file(): a.error(f"ROOT '{args.root}' holds no validation.jsonl")
        return args
    if args.name in ("", ".", "..") or Path(args.name).name != args.name:
        q.error(f"NAME '{args.name}' must be one folder name, the schedule's folder inside ROOT")
    if args.root.exists() and not args.root.is_dir(): q.error(f"ROOT '{args.root}' is a file, not a folder")
    from tiny_reason.config import load_config
    from tiny_reason.config import resolve_key
    overrides = {}
    for kv in args.overrides:
        key, eq, value = kv.partition("=")
        if not eq or not key: q.error(f"'{kv}' is not key=value (as in training.max_steps=160)")
        try: dotted = resolve_key(key)
        except KeyError as e: q.error(e.args[0])
        if dotted in overrides: q.error(f"config key '{dotted}' is set twice; keep one")
        overrides[dotted] = value
    try: load_config(PRESET, overrides={**own_folders(args.root / args.name), **overrides})
    except (KeyError, TypeError, ValueError) as e: q.error(e.args[0] if e.args else str(e))
    args.overrides = overrides
    return args


def own_folders(out: Path) -> dict:
    "A schedule's run folder and adapter, inside ROOT/NAME: never the preset's own adapter."
    return {"project.output_dir": str(out), "project.adapter_path": str(out / "lora_adapter")}


def validation_rows(root: Path) -> list[dict]:
    """ROOT/validation.jsonl: `VALIDATION_QUESTIONS` (1,000) validation questions, drawn once, then read; a 10-point
    step is seen 9 times in 10 on 1,000 paired questions, a 4-point one most times. A fresh test leaves them out
    (`touched_items`, 20_data_checks)."""
    path = root / "validation.jsonl"
    if not path.exists():
        from tiny_reason.config import load_config
        from tiny_reason.data import VALIDATION_QUESTIONS, unseen_rows
        rows = unseen_rows(load_config(PRESET), load_config(PRESET).data.source, VALIDATION_QUESTIONS, "validation")
        if len(rows) < VALIDATION_QUESTIONS:
            sys.exit(f"only {len(rows)} validation questions could be drawn, {VALIDATION_QUESTIONS} asked")
        root.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return [json.loads(line) for line in path.read_text().splitlines()]


def run_schedule(root: Path, name: str, overrides: dict) -> dict:
    "Train the schedule (reused if trained with this config) and score it on the validation questions."
    from tiny_reason.config import load_config
    from tiny_reason.data import prepare_examples
    from tiny_reason.evaluation import evaluate
    from tiny_reason.train import ensure_adapter
    out = root / name
    items = validation_rows(root)
    cfg = load_config(PRESET, overrides={**own_folders(out), **overrides})
    start = time.time(); adapter = ensure_adapter(cfg, verbose=True); seconds = time.time() - start
    history = json.loads((adapter / "log_history.json").read_text())
    ecfg = load_config(PRESET, overrides={"eval.test_source": str(root / "validation.jsonl"), "eval.test_samples": None})
    report = evaluate(ecfg, out / "validation", adapter=adapter, exclude=[], verbose=False)
    rows = sorted((json.loads(l) for l in (out / "validation" / "predictions.jsonl").read_text().splitlines()),
                  key=lambda r: r["id"])
    t = cfg.training
    return {
        "name": name, "overrides": overrides, "max_steps": t.max_steps, "learning_rate": t.learning_rate,
        "rows_a_step": t.per_device_train_batch_size * t.gradient_accumulation_steps,
        "training_rows": len(prepare_examples(cfg, verbose=False)[0]), "training_s": round(seconds),
        "eval_loss": [(r["step"], r["eval_loss"]) for r in history if "eval_loss" in r],
        "n": report["n"], "correct": report["flexible"]["correct"], "strict_correct": report["strict"]["correct"],
        "item_correct": "".join("1" if r["correct"] else "0" for r in rows),
        "date": datetime.date.today().isoformat(),
    }


def paired(run: dict, other: dict) -> dict:
    "`other` against `run` on the same questions: fixed, broken, McNemar's exact p, and whether it beats `run`."
    from tiny_reason.accuracy_stats import mcnemar_exact
    fixed = sum(a == "0" and b == "1" for a, b in zip(run["item_correct"], other["item_correct"]))
    broken = sum(a == "1" and b == "0" for a, b in zip(run["item_correct"], other["item_correct"]))
    p = mcnemar_exact(fixed, broken)
    return {"fixed": fixed, "broken": broken, "p": p, "beats": fixed > broken and p < LEVEL}

def longer_ones(run: dict, runs: list[dict]) -> list[tuple[dict, dict]]:
    """Each longer schedule at the same learning rate, paired with `run` on the same questions (a schedule is a length
    at a rate: rates are compared at equal lengths, `same_length`)."""
    return [(o, paired(run, o)) for o in runs if o["learning_rate"] == run["learning_rate"]
            and o["max_steps"] * o["rows_a_step"] > run["max_steps"] * run["rows_a_step"]]

def same_length(runs: list[dict]) -> list[str]:
    "One line for each pair of schedules of the same length at different rates: the higher rate against the lower."
    out = []
    for i, a in enumerate(runs):
        for b in runs[i + 1:]:
            if a["max_steps"] * a["rows_a_step"] != b["max_steps"] * b["rows_a_step"] or a["learning_rate"] == b["learning_rate"]:
                continue
            lo, hi = sorted((a, b), key=lambda r: r["learning_rate"])
            c = paired(hi, lo)
            out.append(f"- {lo['name']} (rate {lo['learning_rate']:g}) against {hi['name']} (rate {hi['learning_rate']:g}): "
                       f"fixed {c['fixed']}, broke {c['broken']}, p {c['p']:.2g}")
    return out

def audit(root: Path) -> dict:
    """How many of ROOT/validation.jsonl's questions share their worked steps, names masked (`solution_key`), with an
    SFT row, with a row of the lessons' test pool, or with an earlier validation question: the file was drawn before
    `solution_key` masked names, and is kept, so that every schedule is scored on the same questions."""
    from tiny_reason.config import load_config
    from tiny_reason.data import prepare_examples, solution_key, test_pool
    cfg, rows = load_config(PRESET), validation_rows(root)
    train, val, _ = prepare_examples(cfg, verbose=False)
    sft, tested, seen, repeats = {solution_key(r) for r in train + val}, {solution_key(r) for r in test_pool(cfg)}, set(), 0
    for r in rows: repeats += solution_key(r) in seen; seen.add(solution_key(r))
    return {"questions": len(rows), "sft_row": sum(solution_key(r) in sft for r in rows),
            "test_pool_row": sum(solution_key(r) in tested for r in rows), "earlier_question": repeats}

def beaten_by(run: dict, runs: list[dict]) -> list[tuple[dict, dict]]:
    "Each longer schedule that beats `run` on the same questions, with its paired comparison."
    return [(o, c) for o, c in longer_ones(run, runs) if c["beats"]]


def table() -> str:
    "Every schedule tried, as Markdown, from the results file, the plateau marked."
    from tiny_reason.accuracy_stats import wilson_interval
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    lines = [f"<!-- written by benchmarks/sft_schedules.py from assets/results/{RESULTS.name}: do not edit -->",
             f"| # | schedule (over the {PRESET} preset of the day) | rows seen (passes) | training | last eval loss | validation "
             "accuracy (95% Wilson) | beaten by a longer schedule? |",
             "|---:|---|---:|---:|---:|---|---|"]
    plateau = {}  # learning rate -> its cheapest schedule that no longer one at that rate beats
    several = len({r["learning_rate"] for r in runs}) > 1
    for i, r in enumerate(sorted(runs, key=lambda r: (r["max_steps"] * r["rows_a_step"], r["name"])), 1):
        lo, hi = wilson_interval(r["correct"], r["n"])
        beaten = beaten_by(r, runs)
        said = "; ".join(f"{o['name']}: fixed {c['fixed']}, broke {c['broken']}, p {c['p']:.2g}" for o, c in beaten)
        longer = bool(longer_ones(r, runs))
        if longer and not beaten: plateau.setdefault(r["learning_rate"], r["name"])  # a longer one was tried, and lost
        settings = ", ".join(f"`{k}={v}`" for k, v in r["overrides"].items()) or "the preset as it is"
        loss = f"{r['eval_loss'][-1][1]:.4f} (step {r['eval_loss'][-1][0]})" if r["eval_loss"] else "-"
        unbeaten = "; ".join(f"{o['name']}: fixed {c['fixed']}, broke {c['broken']}, p {c['p']:.2g}"
                             for o, c in longer_ones(r, runs))
        said = said or (f"no ({unbeaten})" if longer else "(none longer tried" + (" at its rate)" if several else ")"))
        lines.append(f"| {i} | {r['name']}: {settings} | {r['max_steps'] * r['rows_a_step']:,} "
                     f"({r['max_steps'] * r['rows_a_step'] / r['training_rows']:.1f}) | "
                     f"{r['training_s'] / 60:.1f} min | {loss} | {r['correct'] / r['n']:.1%} ({r['correct']}/{r['n']}; "
                     f"{lo:.1%}-{hi:.1%}) | {said} |")
    rates = sorted({r["learning_rate"] for r in runs})
    if len(rates) > 1 and (pairs := same_length(runs)):
        lines += ["", "Rates at equal length, the same questions (fixed: right only at the lower rate):", "", *pairs]
    for rate, name in sorted(plateau.items()):
        at = f" at a rate of {rate:g}" if len(rates) > 1 else ""
        lines += ["", f"The cheapest schedule{at} that none of the longer schedules{at} beats (McNemar p < {LEVEL}): **{name}**."]
    if AUDIT.exists():
        a = json.loads(AUDIT.read_text())
        lines += ["", f"Of the {a['questions']:,} validation questions, {a['sft_row']} are an SFT row's problem under "
                  f"other names (the same worked steps, names aside), {a['test_pool_row']} a test item's, and "
                  f"{a['earlier_question']} an earlier validation question's. Every schedule is scored on the same "
                  "questions, so the comparison holds."]
    return "\n".join(lines) + "\n"


def figure(path: Path | None = None):
    "Validation accuracy against the rows each schedule trained on, with 95% intervals: where the curve flattens."
    path = path or FIGURE  # the preset's, chosen at run time (`use_preset`)
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from tiny_reason.accuracy_stats import wilson_interval
    from tiny_reason.config import load_config
    runs = json.loads(RESULTS.read_text())
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for rate in sorted({r["learning_rate"] for r in runs}):
        rs = sorted((r for r in runs if r["learning_rate"] == rate), key=lambda r: r["max_steps"] * r["rows_a_step"])
        x = [r["max_steps"] * r["rows_a_step"] / r["training_rows"] for r in rs]
        y = [100 * r["correct"] / r["n"] for r in rs]
        ci = [[100 * v for v in wilson_interval(r["correct"], r["n"])] for r in rs]
        ax.errorbar(x, y, yerr=[[a - lo for a, (lo, _) in zip(y, ci)], [hi - a for a, (_, hi) in zip(y, ci)]],
                    marker="o", capsize=3, label=f"learning rate {rate:g}")
        for xi, yi, r in zip(x, y, rs): ax.annotate(f"{r['max_steps']} steps", (xi, yi), textcoords="offset points",
                                                    xytext=(4, -12), fontsize=8)
    n = runs[0]["n"]
    ax.set(xlabel="passes over the SFT rows (rows seen / training rows)",
           ylabel=f"accuracy on {n:,} validation\nquestions (%, 95% CI)",
           title=f"SFT schedules, {PRESET} preset ({load_config(PRESET).model.label})")
    ax.legend(loc="best"); ax.grid(alpha=0.3); fig.tight_layout(); fig.savefig(path, dpi=110)
    return path


if __name__ == "__main__":
    args = parse_args(sys.argv[1:])  # before anything is written
    if args.command == "audit": AUDIT.write_text(json.dumps(audit(args.root), indent=1) + "\n")
    if args.command in ("table", "audit"): TABLE.write_text(table()); figure(); print(TABLE.read_text()); sys.exit()
    result = run_schedule(args.root, args.name, args.overrides)
    runs = [r for r in (json.loads(RESULTS.read_text()) if RESULTS.exists() else []) if r["name"] != args.name]
    RESULTS.write_text(json.dumps(runs + [result], indent=1) + "\n"); TABLE.write_text(table()); figure()
    print(TABLE.read_text())
