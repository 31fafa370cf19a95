"""The first seven-arm study's questions at the level of the recipe: a t test over its training seeds, Holm over the
questions, the power its seeds had and the seeds each question needs.

    .venv/bin/python benchmarks/study_seeds.py            # reads nbs/09_study.ipynb's stored report

The study run stored in 09_study (three seeds, 1,200 items, the cpu preset) printed each question's difference in
accuracy at each seed ("Over seeds, the arm as the unit", in points to one decimal). This reads that table from the
notebook's stored output, so it must run while the notebook still holds that run, and tests it with 09's own
`seed_level` and `seed_tests`: each seed counts once, so the test is about the recipe, not about three trained models.
The power and the seeds for 80% are at Holm's strictest level (0.05 over the number of questions) and at the
difference and spread the run saw: a plan for the next run, not a result. The differences' rounding to 0.1 points
moves a p-value in its second digit at most. Writes assets/results/study_seed_level.{json,md}, which docs/results.md
and 09 read.
"""
import json, re
from pathlib import Path
from tiny_reason.study import seed_level, seed_tests

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "results" / "study_seed_level"
HEADER = "Over seeds, the arm as the unit"

def stored_report(notebook: Path) -> str:
    "The study report 09's `run_study` cell displayed (its stored Markdown output)."
    for cell in json.loads(notebook.read_text())["cells"]:
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get("text/markdown", ""))
            if text.startswith("**Study,"): return text
    raise SystemExit(f"{notebook}: no stored study report (a cell output starting '**Study,')")

def seed_rows(report: str) -> list[dict]:
    "Each question's per-seed differences (fractions) from the report's over-seeds table."
    if HEADER not in report: raise SystemExit(f"the stored report has no table '{HEADER}'")
    table = report.split(HEADER, 1)[1].split("\n\n")[1]
    rows = []
    for line in table.splitlines()[2:]:
        question, arms, diffs = [c.strip() for c in line.strip().strip("|").split("|")][:3]
        points = [float(x) for x in re.findall(r"[+-]\d+\.\d", diffs)]
        rows.append({"question": question, "arms": tuple(arms.split(" -> ")),
                     **seed_level({i + 1: p / 100 for i, p in enumerate(points)})})
    return rows

def markdown(rows: list[dict], note: str) -> str:
    pts = lambda x: f"{100 * x:+.1f}"
    lines = [note, "| question | arms | seeds | difference by seed | mean ± sd | 95% interval | t test p | Holm p |"
             f" power at {rows[0]['alpha']:.2g} | seeds for 80% |", "|---|---|---:|---|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r['question']} | {r['arms'][0]} -> {r['arms'][1]} | {r['seeds']} | "
              f"{', '.join(pts(d) for d in r['differences'].values())} | {pts(r['mean'])} ± {100 * r['sd']:.1f} | "
              f"{pts(r['ci95'][0])} to {pts(r['ci95'][1])} | {r['t_p']:.2g} | {r['holm_p']:.2g} | {r['power']:.0%} | "
              f"{r['seeds_80'] or 'over 100'} |" for r in rows]
    return "\n".join(lines) + "\n"

def main() -> list[dict]:
    notebook = ROOT / "nbs" / "09_study.ipynb"
    report = stored_report(notebook)
    rows = seed_tests(seed_rows(report))
    head = report.splitlines()[0].replace("*", "")
    note = (f"<!-- benchmarks/study_seeds.py, from the report 09_study's stored run displayed ({head.strip('*')}): "
            "each seed's difference counted once; a paired t test over the seeds with its 95% interval; Holm over the "
            "six questions; the power these seeds had, and the seeds that would find the difference seen 4 times in 5, "
            "both at Holm's strictest level; do not edit -->")
    OUT.with_suffix(".json").write_text(json.dumps({"source": head, "questions": rows}, indent=1) + "\n")
    OUT.with_suffix(".md").write_text(markdown(rows, note))
    return rows

if __name__ == "__main__":
    for r in main():
        print(f"{r['question']:36} {' -> '.join(r['arms']):22} t p {r['t_p']:.2g}, Holm p {r['holm_p']:.2g}, "
              f"power {r['power']:.0%}, seeds for 80% {r['seeds_80']}")
