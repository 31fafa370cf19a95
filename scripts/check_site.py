"""Link check of a built static site (`make docs` runs it on _site/): every internal link and image must exist there.

    python scripts/check_site.py _site               # exit 1 and one line per bad target, or 0
    python scripts/check_site.py _site --external    # also list the external http(s) targets (never fetched)
    python scripts/check_site.py --selftest          # a planted site: good and broken links, images, anchors, a CDN script

Every `href`, `src` and `srcset` of every .html page is read with the standard library's html.parser.
A relative target is resolved against its page's folder, a site-absolute one (`/x/y.png`) against the site's root
(or against `--base`, the path the site is served under, e.g. `/tiny_reason/`); it must be a file of the folder, or a
folder with an index.html. A `#fragment` must be an `id` (or an `<a name>`) of the page it points to.
External targets (http:, https:, protocol-relative `//host`) are not fetched, and mailto:, data:, javascript: are
skipped; but a page's script, style sheet, font or icon must not come from the network (a `<script src>` or a
`<link rel=stylesheet|preload|icon>` elsewhere, a style sheet's `@import` or `url()` elsewhere): the site must
work offline. External images (the Colab badges) and links are the content's, and allowed.
"""
import argparse, contextlib, io, re, sys, tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP_SCHEMES = {"mailto", "data", "javascript", "tel"}
ASSET_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "apple-touch-icon", "manifest"}
CSS_REMOTE = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?\s*((?:https?:)?//[^'")\s]+)""", re.I)

class _Page(HTMLParser):
    "One page's targets, [(tag, attribute, value, whether the page loads it as a script/style/font/icon)], and its ids."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = {k: v for k, v in attrs if v is not None}
        rels = set(a.get("rel", "").lower().split())
        asset = tag == "script" or (tag == "link" and bool(rels & ASSET_RELS))
        for name, value in a.items():
            if name == "id" or (tag == "a" and name == "name"): self.ids.add(value)
            elif name in ("href", "src"): self.targets.append((tag, name, value.strip(), asset))
            elif name == "srcset": self.targets += [(tag, name, c.split()[0], asset) for c in value.split(",") if c.strip()]

def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page

def check(site, base: str = "/", external: list | None = None, checked: list | None = None) -> list[str]:
    "'page: target (why)' for every internal target the folder does not hold, and every script or style from the network."
    site = Path(site).resolve()
    pages = {p: _parse(p) for p in sorted(site.rglob("*.html"))}
    ids = {}  # the fragment names of the pages linked with a #fragment, parsed once
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    bad = []
    for page, parsed in pages.items():
        rel = page.relative_to(site)
        for tag, attr, value, asset in parsed.targets:
            if not value: bad.append(f"{rel}: <{tag} {attr}=\"\"> (empty)"); continue
            url = urlsplit(value)
            if url.scheme in SKIP_SCHEMES: continue
            if url.scheme or url.netloc:
                if asset: bad.append(f"{rel}: {value} (a <{tag}> from the network: the site must work offline)")
                elif external is not None: external.append(f"{rel}: {value}")
                continue
            if checked is not None: checked.append(value)
            path = unquote(url.path)
            if not path: target = page  # `#frag` or `?q`: this page
            elif path.startswith("/"):
                if not path.startswith(base): bad.append(f"{rel}: {value} (outside the site's base {base})"); continue
                target = site / path[len(base):]
            else: target = page.parent / path
            if target.is_dir(): target = target / "index.html"
            try: target.resolve().relative_to(site)
            except ValueError: bad.append(f"{rel}: {value} (outside the built folder)"); continue
            if not target.is_file(): bad.append(f"{rel}: {value} (no such file)"); continue
            if url.fragment and target.suffix == ".html":
                target = target.resolve()
                if target not in ids: ids[target] = (pages.get(target) or _parse(target)).ids
                if unquote(url.fragment) not in ids[target]: bad.append(f"{rel}: {value} (no id {url.fragment!r} there)")
    for css in sorted(site.rglob("*.css")):
        for m in CSS_REMOTE.finditer(css.read_text(encoding="utf-8", errors="replace")):
            bad.append(f"{css.relative_to(site)}: {m.group(1)} (a style sheet loading from the network)")
    return bad

GOOD = """<html><head><link rel="stylesheet" href="s.css"><link rel="canonical" href="https://example.org/"></head>
<body><a href="b.html">b</a> <a href="sub/">sub</a> <a href="b.html#top">top</a> <a href="#">top</a>
<img src="img/ok.png"> <img src="/img/ok.png"> <a href="https://example.org/x.html">out</a></body></html>"""
BROKEN = ('<a href="missing.html">x</a> <img src="img/gone.png"> <a href="b.html#nowhere">y</a>'
          ' <script src="https://cdn.example.org/x.js"></script></body>')

def selftest() -> int:
    "Plant a clean site, then break it: the broken targets, and only they, must be reported, with exit 1."
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "img").mkdir(); (site / "sub").mkdir()
        (site / "img" / "ok.png").write_bytes(b"\x89PNG")
        (site / "s.css").write_text("body { background: url(img/ok.png) }")
        (site / "b.html").write_text('<html><body><h1 id="top">b</h1></body></html>')
        (site / "sub" / "index.html").write_text('<html><body><a href="../index.html">up</a></body></html>')
        (site / "index.html").write_text(GOOD)
        external = []
        assert check(site, external=external) == [], check(site)
        assert external == ["index.html: https://example.org/", "index.html: https://example.org/x.html"], external
        with contextlib.redirect_stdout(io.StringIO()) as out: assert main([str(site)]) == 0, out.getvalue()
        (site / "index.html").write_text(GOOD.replace("</body>", BROKEN))
        (site / "s.css").write_text("@import url('https://fonts.example.org/css?family=X');")
        found = check(site)
        want = ["index.html: missing.html (no such file)", "index.html: img/gone.png (no such file)",
                "index.html: b.html#nowhere (no id 'nowhere' there)",
                "index.html: https://cdn.example.org/x.js (a <script> from the network: the site must work offline)",
                "s.css: https://fonts.example.org/css?family=X (a style sheet loading from the network)"]
        assert found == want, found
        with contextlib.redirect_stdout(io.StringIO()) as out: code = main([str(site)])
        assert code == 1 and out.getvalue().count("BROKEN") == len(want), out.getvalue()
    print("check_site selftest: ok (a clean site passes; a planted broken link, image, anchor, CDN script and font "
          "are each reported, and fail it)")
    return 0

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", nargs="?", help="the built folder, e.g. _site")
    ap.add_argument("--base", default="/", help="the path the site is served under, for site-absolute targets")
    ap.add_argument("--external", action="store_true", help="list the external targets too (not fetched)")
    ap.add_argument("--selftest", action="store_true", help="check the checker on a planted broken site")
    args = ap.parse_args(argv)
    if args.selftest: return selftest()
    if not args.site: ap.error("give the built folder, or --selftest")
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"check_site: {site} has no index.html: build it first (make docs)"); return 1
    external, checked = ([] if args.external else None), []
    bad = check(site, args.base, external, checked)
    for line in external or []: print(f"external  {line}")
    for line in bad: print(f"BROKEN    {line}")
    n = sum(1 for _ in site.rglob("*.html"))
    print(f"check_site: {n} pages, {len(checked)} internal links and images, {len(bad)} broken"
          + (f"; {len(external)} external links and images listed, not fetched" if external is not None else ""))
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
