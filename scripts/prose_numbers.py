"""Every number of three or more digits in a lesson's prose must be printed by a cell: of that lesson, or of a notebook
the same prose cell names (`[15_rwkv7](15_rwkv7.ipynb)` or `15_rwkv7`). Lists the ones no stored output shows.

    .venv/bin/python scripts/prose_numbers.py             # every lesson; exit 1 if any number is unprinted
    .venv/bin/python scripts/prose_numbers.py 09_study    # some of them

A number is its digits with thousands commas dropped (`1,152` -> `1152`); it is found in an output where the same digits
stand alone (not inside a longer number), or where a printed number rounds to it at the prose's digits, as it is or in
thousands, millions or billions (`15.62` GiB -> `15.6`, `165,656` bytes -> `166` kB, `1,543,714,304` -> `1.54` billion). Numbers no cell can print (constants, other presets' config values, cited papers) are listed in `SOURCED` with where
they come from; so is the line beside each Colab badge (predicted T4 time, GPU check), written from `assets/gpu_pass.json` and the T4 model (check_repo checks
it is current), and a result file's table rendered between include markers (`<!-- include: assets/results/... -->`,
lesson_stats.py: its numbers are the file's, written by the benchmark that measured them), and the study's findings rendered between their markers (`<!-- study findings, GRPO: ... -->`: 09_study's stored output, word for word). Counted: numbers with at least three significant digits (`546`, `130.5`,
`0.0386`; not `0.05` or `0.77`). Not counted: dates (`2026-11-22`), years, arXiv ids (`2402.03300`), and anything inside
`code spans`, LaTeX (`$...$`) or link targets, nor a lesson's appendix (`## Appendix`: the rest of its module's code,
reference material as the reference notebooks are).
"""
import functools, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
APPENDIX = "## Appendix"  # a lesson's last section: the rest of its module's code, read as a reference notebook is
from lesson_stats import LESSONS

NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(e-?\d+)?(?![\w])")
SKIP = re.compile(r"<!-- GPU pass.*?<!-- end of GPU pass -->|<!-- T4 time.*?<!-- end of T4 time -->|<!-- include: .*?<!-- end of include -->|<!-- study findings.*?<!-- end of study findings[^>]*-->|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|\d{4}-\d{2}-\d{2}|\b\d{4}\.\d{5}\b|https?://\S+", re.S)
NAMED = re.compile(r"\b(\d\d_[a-z0-9_]+)\b")

# Numbers no cell can print, each with where it comes from: constants, config values of a preset the lesson does not run,
# published figures the prose cites, and arithmetic on printed numbers. Anything else must be printed.
SOURCED = {
    ("08_export", "256"): "a K-quant super-block's weights (llama.cpp's QK_K), which the row lengths are held against",
    ("00_data", "100"): "the label -100 that PyTorch's cross-entropy ignores",
    ("01_model", "65504"): "fp16's largest finite number (IEEE 754)",
    ("01_model", "128"): "Qwen2.5-1.5B's head dimension, 1,536 / 12 heads (its config)",
    ("01_model", "4096"): "TRL's LM-head tile: positions (02_train's table)",
    ("01_model", "32768"): "TRL's LM-head tile: vocabulary rows (02_train's table)",
    ("01_model", "2.03"): "bitsandbytes' 8-bit AdamW: two 1-byte states, each with an fp32 constant per 256 values (memory.py's ADAMW_BYTES)",
    ("01_model", "14.4"): "5.75 + 5.75 + 2.92 GiB of the printed colab-t4 budget (full fine-tuning)",
    ("02_train", "500"): "transformers' default save_steps",
    ("02_train", "1024"): "training.logprob_chunk_rows on cpu, and colab-t4's max_length (the presets' YAML)",
    ("02_train", "32768"): "TRL's default LM-head tile, vocabulary rows",
    ("02_train", "4096"): "TRL's LM-head tile, positions",
    ("02_train", "1736"): "the longest cpu batch: 4 rows x 434 tokens, the longest cpu example (00_data prints it)",
    ("02_train", "49152"): "SmolLM2's vocabulary (printed in 01_model)",
    ("02_train", "200"): "the padding cell's own argument (its first 200 batches)",
    ("02_train", "250"): "colab-t4.yaml's training.max_steps",
    ("02_train", "1800"): "colab-t4.yaml's data.num_samples",
    ("03_eval", "73.2"): "Qwen2.5's report (linked): 0-shot GSM8K of Qwen2.5-1.5B-Instruct",
    ("03_eval", "42.8"): "SmolLM2's model card (linked): Qwen2.5-1.5B-Instruct, 5-shot lighteval",
    ("05_distill", "73.2"): "Qwen2.5's report: 0-shot GSM8K of Qwen2.5-1.5B-Instruct",
    ("05_distill", "35.9"): "Yuan et al. 2023 (arXiv 2308.01825): LLaMA-7B after SFT",
    ("05_distill", "49.3"): "Yuan et al. 2023 (arXiv 2308.01825): LLaMA-7B after RFT pooled over models",
    ("06_scratch", "15.7"): "the README's cpu run of 2026-11-21 (its report.md), which the cell cites",
    ("06_scratch", "7473"): "GSM8K's training split (Cobbe et al. 2021)",
    ("01_model", "1.85"): "NF4's outermost level as a normal quantile: the inverse normal CDF at 0.9677 is 1.848 (the section's formula)",
    ("03_eval", "800"): "exercise 1's own input: 800 items",
    ("03_eval", "320"): "exercise 1's own input: 40% of 800 items right",
    ("03_eval", "72000"): "exercise 3's own input: a reply that ends `72,000`",
}

def digits(text: str) -> str: return text.replace(",", "")

def numbers(prose: str) -> list[str]:
    "The numbers of three or more digits in `prose`, outside code spans, LaTeX, links and dates."
    found = []
    for m in NUMBER.finditer(SKIP.sub(" ", prose)):
        n = digits(m.group(0))
        significant = n.split("e")[0].replace(".", "").lstrip("0")
        if len(significant) >= 3 and not re.fullmatch(r"(19|20)\d\d", n): found.append(n)
    return found

def outputs(path: Path) -> str:
    "Everything the notebook's stored outputs show as text, thousands commas dropped."
    text = []
    for c in json.loads(path.read_text())["cells"]:
        for o in c.get("outputs", []):
            text.append("".join(o.get("text", "")))
            for mime in ("text/plain", "text/markdown", "text/html"): text.append("".join(o.get("data", {}).get(mime, "")))
    return digits("\n".join(text))

def printed(n: str, shown: str) -> bool:
    "`n` stands alone in `shown`, or a shown number rounds to it at its digits, in units, thousands, millions or billions."
    if re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", shown): return True
    if "e" in n: return False
    places = len(n.split(".")[1]) if "." in n else 0
    return any(round(x / 1000**k, places) == float(n) for x in shown_numbers(shown) for k in range(4))

@functools.lru_cache(maxsize=None)
def shown_numbers(shown: str) -> frozenset[float]:
    "Every number in `shown` (commas already dropped), as a float; computed once per text."
    return frozenset(float(m) for m in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", shown))

def unprinted(name: str) -> list[tuple[str, str]]:
    "(number, the start of its prose cell) for each number no output of the lesson or of a notebook its cell names shows."
    path = ROOT / "nbs" / f"{name}.ipynb"
    own, missing = outputs(path), []
    for c in json.loads(path.read_text())["cells"]:
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(APPENDIX): break  # reference, as 1x-6x are
        if c["cell_type"] != "markdown": continue
        prose = "".join(c["source"])
        named = [ROOT / "nbs" / f"{m}.ipynb" for m in set(NAMED.findall(prose)) if (ROOT / "nbs" / f"{m}.ipynb").exists()]
        shown = own + "".join(outputs(p) for p in named)
        missing += [(n, prose.strip().splitlines()[0][:70]) for n in numbers(prose)
                    if not printed(n, shown) and (name, n) not in SOURCED]
    return missing

if __name__ == "__main__":
    bad = 0
    for name in sys.argv[1:] or LESSONS:
        for n, where in unprinted(name):
            print(f"{name}: {n} (in: {where})"); bad += 1
    print(f"{bad} number(s) in lesson prose that no stored output prints")
    sys.exit(1 if bad else 0)
