"""Time `tiny-reason grade` on a file of N rows, start-up and imports included; no model is loaded.

    .venv/bin/python benchmarks/grade_speed.py            # 3,000 rows
    .venv/bin/python benchmarks/grade_speed.py 10000

Rows are realistic replies: a few hundred characters of reasoning with numbers, then (or not) a final answer.
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path

REPLIES = [
    "<think>\nNatalia sold 48/2 = 24 clips in May.\nShe sold 48+24 = 72 clips in total.\n</think>\n\n**Final Answer:** 72",
    "Let's break it down step by step:\nJohn has 9 tubes, David has 14 / 2 = 7, so the total is 9 + 7 = 16 tubes.",
    "First 1,200 dollars, then $350 more. So the answer is $1,550.",
    "<think>\n3 * 12 = 36 eggs, minus 12 eggs is 24.\n</think>\n\n**Final Answer:** 25",
]

def main(n: int = 3000):
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "predictions.jsonl"
    golds = ["72", "16", "1550", "24"]
    with open(path, "w") as f:
        for i in range(n): f.write(json.dumps({"id": i, "generated_text": REPLIES[i % 4] * 2, "gold": golds[i % 4]}) + "\n")
    exe = Path(sys.executable).parent / "tiny-reason"
    t = time.perf_counter()
    res = subprocess.run([str(exe), "grade", "--predictions", str(path), "--out", str(tmp / "graded.jsonl")],
                         capture_output=True, text=True)
    dt = time.perf_counter() - t
    if res.returncode: sys.exit(res.stderr)
    last = json.loads(res.stdout.strip().splitlines()[-1])
    t = time.perf_counter(); subprocess.run([sys.executable, "-c", "import tiny_reason.evaluation"], check=True)
    imp = time.perf_counter() - t
    torch_loaded = subprocess.run([sys.executable, "-c", "import sys, tiny_reason.evaluation; print('torch' in sys.modules)"],
                                  capture_output=True, text=True).stdout.strip()
    print(f"tiny-reason grade: {last['n']} rows in {dt:.2f} s wall (python start-up + import alone: {imp:.2f} s); "
          f"accuracy {last['accuracy']:.3f}; torch imported by tiny_reason.evaluation: {torch_loaded}")

if __name__ == "__main__": main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
