"""The repository the notebooks point at, read from settings.ini: each notebook's Colab badge, its install cell and its images.

    .venv/bin/python scripts/repo_links.py           # rewrite badges and install cells from settings.ini (`make export`)
    .venv/bin/python scripts/repo_links.py --check   # exit 1 if a notebook points elsewhere (`make test`, via check_repo.py)

A fork points the course at itself by editing settings.ini's `user`, `repo`, `branch` and `git_url`, then `make export`:
every badge opens the fork's notebook in Colab, and every install cell installs the fork's library.
"""
import json, re, sys
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE_URL = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/nbs/")
REPO_LINE = re.compile(r'^REPO = "[^"]*"', re.M)
# a lesson's image: `../assets/X` resolves on GitHub and in a clone, not in Colab (a notebook opened from GitHub has no
# folder around it): one URL, this repository's raw file on its branch, loads in all three and on the docs site
IMAGE_URL = re.compile(r"\]\((?:\.\./assets/|https://raw\.githubusercontent\.com/[^/\s)]+/[^/\s)]+/[^/\s)]+/assets/)")

def settings() -> dict:
    cfg = ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini", encoding="utf-8")
    return dict(cfg["DEFAULT"])

def image_prefix() -> str:
    "Where a lesson's image under `assets/` is read from: this repository's raw files on its branch."
    s = settings()
    return f"](https://raw.githubusercontent.com/{s['user']}/{s['repo']}/{s['branch']}/assets/"

def colab_prefix() -> str:
    "Where a badge sends a reader: Colab opening this repository's `nbs/` on its branch."
    s = settings()
    return f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s['branch']}/nbs/"

INSTALL = '''#| hide
# Colab: install the library (its torch untouched); elsewhere nothing. REPO: settings.ini's git_url, via `make export`
REPO = "{git_url}"
import subprocess, sys
if "google.colab" in sys.modules:
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"tiny_reason @ git+{{REPO}}"], capture_output=True, text=True)
    if r.returncode: raise RuntimeError(f"pip could not install tiny_reason from {{REPO}}: {{r.stderr.strip()[-800:]}}")'''

def is_install_cell(source: str) -> bool: return source.startswith("#| hide") and "google.colab" in source and "pip" in source

def rewrite(source: str, cell_type: str) -> str:
    "A cell's source with its badge links and its install cell as settings.ini says."
    if cell_type == "code" and is_install_cell(source):
        return INSTALL.format(git_url=settings()["git_url"])
    source = BADGE_URL.sub(colab_prefix(), source)
    return IMAGE_URL.sub(image_prefix(), source) if cell_type == "markdown" else source

def notebooks() -> list[Path]: return sorted((ROOT / "nbs").glob("*.ipynb"))

def stale(path: Path) -> bool:
    "True if the notebook at `path` links to another repository than settings.ini's."
    for c in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        src = "".join(c["source"])
        if rewrite(src, c["cell_type"]) != src: return True
    return False

def update(path: Path) -> bool:
    "Rewrite the notebook at `path` from settings.ini; True if it changed."
    nb, changed = json.loads(path.read_text(encoding="utf-8")), False
    for c in nb["cells"]:
        src = "".join(c["source"]); new = rewrite(src, c["cell_type"])
        if new != src:
            lines = new.split("\n")
            c["source"], changed = [l + "\n" for l in lines[:-1]] + [lines[-1]], True
    if changed: path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed

if __name__ == "__main__":
    if "--check" in sys.argv:
        bad = [p.name for p in notebooks() if stale(p)]
        print(f"notebooks pointing at another repository than settings.ini's: {bad}" if bad else "every notebook points at settings.ini's repository")
        sys.exit(1 if bad else 0)
    print("rewrote:", [p.name for p in notebooks() if update(p)])
