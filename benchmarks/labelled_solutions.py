"""The grader against OpenAI's labelled GSM8K solutions: does it call right exactly the solutions OpenAI's labels do?

    .venv/bin/python benchmarks/labelled_solutions.py example_model_solutions.jsonl
    .venv/bin/python benchmarks/labelled_solutions.py part1.txt part2.txt ...    # pieces of that file

`example_model_solutions.jsonl` is in openai/grade-school-math (grade_school_math/data/; MIT licence, not copied into
this repository): for each of GSM8K's 1,319 test questions, four model solutions (6B and 175B, fine-tuned and
verifier-ranked), each labelled `is_correct` against the solution's final `A: N`; 5,276 in all. A piece of the file
(a chunk cut anywhere) is read line by line, the cut first and last lines dropped. The gold is the ground truth's final
`A:` number. The result goes to assets/results/labelled_solutions.{json,md}, which docs/troubleshooting.md includes;
every disagreement is listed there with the solution's last characters.
"""
import json, re, sys
from pathlib import Path
from tiny_reason.evaluation import grade_row

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "results" / "labelled_solutions"
MODELS = ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification")

def questions(path: Path) -> list[dict]:
    "The whole JSON lines of `path` (a piece of the file loses its cut first and last lines)."
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        try: row = json.loads(line)
        except json.JSONDecodeError: continue  # a line cut where the piece begins or ends
        if isinstance(row, dict) and "ground_truth" in row: out.append(row)
    return out

def main(paths: list[str]) -> dict:
    rows, disagree = [], []
    for path in map(Path, paths):
        for q in questions(path):
            gold = q["ground_truth"].rsplit("A:", 1)[1].strip()
            for model in MODELS:
                label, text = q[model]["is_correct"], q[model]["solution"]
                graded = grade_row({"generated_text": text, "gold": gold})
                rows.append(graded["correct"] == label)
                if graded["correct"] != label:
                    disagree.append({"model": model, "gold": gold, "label": label, "prediction": graded["prediction"],
                                     "rule": graded["extraction_rule"], "ending": text[-200:]})
    result = {"files": [Path(p).name for p in paths], "solutions": len(rows), "agree": sum(rows),
              "whole_file": len(rows) == 5276, "disagreements": disagree}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    scope = "the whole file" if result["whole_file"] else f"{len(rows):,} of its 5,276 solutions ({len(paths)} pieces)"
    lines = ["<!-- written by benchmarks/labelled_solutions.py; docs/troubleshooting.md includes it -->",
             f"`benchmarks/labelled_solutions.py` on {scope}: the grader agrees with OpenAI's `is_correct` on "
             f"**{result['agree']:,} of {len(rows):,}** (read from {', '.join(result['files'])}).", ""]
    lines += [f"- {d['model']}, gold {d['gold']}, label {d['label']}: read {d['prediction']} ({d['rule']}): "
              f"`{d['ending'][-80:]!r}`" for d in disagree]
    OUT.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print(lines[1])
    return result

if __name__ == "__main__":
    if len(sys.argv) < 2: sys.exit(__doc__)
    main(sorted(sys.argv[1:], key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p)]))  # chunk_2 before chunk_10
