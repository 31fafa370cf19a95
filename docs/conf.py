"""Sphinx configuration of the docs site: `make docs` builds it into _site/ (docs/site.md says how and why).

The source folder is the repository root (`sphinx-build -c docs . OUT`), so the notebooks are read where they live
and their relative links and images (`../assets/…`, `09_study.ipynb`) resolve as they do on GitHub. Only the files
that `include_patterns` matches are pages. Nothing is executed: the notebooks are shown with their stored outputs.
"""
import json, re, shutil
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_cfg = ConfigParser(delimiters=["="])
_cfg.read(ROOT / "settings.ini", encoding="utf-8")
_cfg = _cfg["DEFAULT"]

project = _cfg["title"]
author = _cfg["author"]
copyright = _cfg["copyright"]
release = version = _cfg["version"]

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.githubpages"]  # githubpages: .nojekyll, so Pages serves _static/
root_doc = "index"  # index.ipynb, the README's source
API = "api"  # the API pages, written from the package's modules when the build starts and removed when it ends
include_patterns = ["index.ipynb", "nbs/[0-9]*.ipynb", "docs/*.md", f"{API}/*.md"]
exclude_patterns = ["_site", ".docs-cache", ".venv", "venv", ".git", ".github", ".tmp-test", "build", "dist", "runs",
                    "outputs", "data", "tiny_reason", "configs", "benchmarks", "**/.ipynb_checkpoints"]

# notebooks: stored outputs only, never executed; no widget JavaScript from a CDN (no notebook stores widget state)
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_merge_streams = True
nb_render_markdown_format = "gfm"  # Markdown outputs (tables) as GitHub and Jupyter show them; the default, commonmark, has no tables
myst_heading_anchors = 3  # `[text](#a-heading)` links inside a page
suppress_warnings = ["myst.header"]  # a notebook may skip a heading level; not worth failing the build
# no dollarmath: the notebooks' `$` are dollars. MathJax, which would come from a CDN, is never needed:
# no output holds LaTeX (scripts/check_site.py fails on a page that loads a script from the network).

# API pages: autodoc, from the docstrings of what each module's `__all__` exports
autodoc_default_options = {"members": True, "undoc-members": True, "member-order": "bysource"}
autodoc_preserve_defaults = True
autodoc_typehints = "signature"
autodoc_inherit_docstrings = False  # a module's `forward` has no docstring rather than torch's "Define the computation…"
# the modules are imported for real (about 10 s of the build's CPU): Sphinx's mock of torch (autodoc_mock_imports)
# would cost the classes built on nn.Module or a transformers callback their signatures (`*args, **kwargs`)

# a theme whose pages need nothing from the network: Furo uses the system's fonts and ships its own CSS and JS
html_theme = "furo"
html_title = _cfg["title"]
html_copy_source = False
html_show_sourcelink = False
html_baseurl = f"{_cfg['doc_host']}{_cfg['doc_baseurl']}/"

# the site's sections, added to the home page (index.ipynb) as it is read: the theme's sidebar is this toctree
NAV = f"""
```{{toctree}}
:hidden:
:caption: Lessons
:glob:

nbs/0*
```

```{{toctree}}
:hidden:
:caption: Reference notebooks
:glob:

nbs/[1-9]*
```

```{{toctree}}
:hidden:
:caption: Guides
:glob:

docs/*
```

```{{toctree}}
:hidden:
:caption: API

{API}/index
```
"""

_DIRECTIVE = re.compile(r"^\s*#\|\s*(.*)$")
_COMMENT = re.compile(r"<!--.*?-->")
_FENCE = re.compile(r"^\s*(```|~~~)")

def drop_comments(md: str) -> str:
    """A Markdown text without its one-line HTML comments (outside code fences). A line that opens with a comment is
    an HTML block in CommonMark, shown raw: the lessons' `<!-- T4 time -->**On a free Colab T4…**` lines would show
    their `**` and backticks. A comment shows nothing, so dropping it changes nothing else."""
    out, fenced = [], False
    for line in md.splitlines(keepends=True):
        if _FENCE.match(line): fenced = not fenced
        out.append(line if fenced or _FENCE.match(line) else _COMMENT.sub("", line))
    return "".join(out)

def nbdev_cells(nb: dict) -> dict:
    "What nbdev's docs do to a notebook: code cells marked `#| hide` go, and the `#| …` lines of the others; and comments."
    cells = []
    for c in nb["cells"]:
        lines = "".join(c["source"]).splitlines(keepends=True)
        flags = [m.group(1).split()[0] for m in map(_DIRECTIVE.match, lines) if m and m.group(1).strip()]
        if c["cell_type"] == "code":
            if "hide" in flags: continue
            c["source"] = "".join(l for l in lines if not _DIRECTIVE.match(l)).lstrip("\n")
        elif c["cell_type"] == "markdown": c["source"] = drop_comments("".join(lines))
        cells.append(c)
    nb["cells"] = cells
    nb.setdefault("metadata", {}).setdefault("language_info", {"name": "python", "pygments_lexer": "ipython3"})
    return nb

def _read(app, docname, source):
    "source-read: nbdev's processing of every notebook; the site's sections added to the home page."
    if app.env.doc2path(docname).suffix != ".ipynb": source[0] = drop_comments(source[0]); return
    nb = nbdev_cells(json.loads(source[0]))
    if docname == app.config.root_doc: nb["cells"].append({"cell_type": "markdown", "id": "site-nav", "metadata": {}, "source": NAV})
    source[0] = json.dumps(nb)

def _md_to_rst(line: str) -> str:
    """One line of a Markdown docstring as reST: `code` spans become literals; elsewhere reST's markup characters are
    escaped, and `:` so that `file:line` is no link (Markdown, as MyST reads it, makes none either)."""
    parts = re.split(r"(`[^`]+`)", line)
    # a literal is set off by escaped spaces inside a line, but not at its start: reST reads `\ ` there as a marker
    lit = lambda i, p: ("\\ " if parts[i - 1] else "") + "``" + p[1:-1] + "``" + ("\\ " if parts[i + 1] else "")
    return "".join(lit(i, p) if i % 2 else re.sub(r"([\\*|_`:])", r"\\\1", p) for i, p in enumerate(parts))

def _docstring(app, what, name, obj, options, lines):
    "autodoc-process-docstring: the package's docstrings are Markdown (nbdev's style), autodoc reads reST."
    lines[:] = [_md_to_rst(l) for l in lines]

def _modules():
    "{module name: its notebook, relative to the root} for the package's public modules, from nbdev's header line."
    mods = {}
    for p in sorted((ROOT / _cfg["lib_path"]).glob("*.py")):
        if p.stem.startswith("_"): continue
        m = re.search(r"File to edit: \.\./(\S+\.ipynb)", p.read_text(encoding="utf-8"))
        mods[p.stem] = m.group(1) if m else None
    return mods

def _write_api(app):
    "builder-inited: one page per module (its docstrings, a link to its notebook) and an index page, into ./api."
    out, lib = ROOT / API, _cfg["lib_name"]
    shutil.rmtree(out, ignore_errors=True); out.mkdir()
    mods = _modules()
    for mod, nb in mods.items():
        src = f"Exported from [](../{nb}): that notebook is its source, with the lesson around the code.\n\n" if nb else ""
        (out / f"{mod}.md").write_text(f"# {lib}.{mod}\n\n{src}```{{eval-rst}}\n.. automodule:: {lib}.{mod}\n```\n")
    toc = "\n".join(mods)
    (out / "index.md").write_text(f"# API\n\nThe `{lib}` package, a page per module, from its docstrings: what each "
                                  f"module's `__all__` exports.\n\n```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n")

def _finish(app, exc):
    """build-finished: the API pages' sources go; assets/ is copied beside the pages, so that an HTML
    `<img src="../assets/…">` in a notebook resolves as on GitHub (Sphinx copies Markdown images into _images/)."""
    shutil.rmtree(ROOT / API, ignore_errors=True)
    if exc is None and app.builder.format == "html":
        shutil.copytree(ROOT / "assets", Path(app.outdir) / "assets", dirs_exist_ok=True)

def setup(app):
    app.connect("builder-inited", _write_api)
    app.connect("source-read", _read)
    app.connect("autodoc-process-docstring", _docstring)
    app.connect("build-finished", _finish)
