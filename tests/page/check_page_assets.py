#!/usr/bin/env python3
"""The page's embedded validation set (cmake/asset_tables.py --page) against assets/validation.json:
every case is there, as columns, with its scenario, published figure and source (an index into the
page's one copy of each distinct source; a source longer than PAGE_SOURCE_CHARS is its start, cut at
a word, and a pointer to assets/validation.json); an exclusion reason longer than
PAGE_EXCLUDED_CHARS is cut at a word, says where the rest is, and still reads as excluded (non-empty);
the shorter ones, and every case that is scored, are unchanged; its record name, field path, note, layout_tuned
and held_out are left out (the native tests and fits read them). Run by CTest (tests/CMakeLists.txt).
usage: check_page_assets.py SOURCE_DIR OUT_DIR"""
import json
import re
import subprocess
import sys

src, out = sys.argv[1:3]
gen = f"{out}/page_asset_tables.cpp"
subprocess.run([sys.executable, f"{src}/cmake/asset_tables.py", "--page", gen, "--json", f"{src}/assets/validation.json"], check=True)
text = open(gen, encoding="utf-8").read()
body = text.split("const char j0[] =", 1)[1].split(";\n", 1)[0]
literal = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body))
page_doc = json.loads(literal.encode("latin1", "backslashreplace").decode("unicode_escape").encode("latin1").decode("utf-8"))
sources, columns = page_doc.get("sources", []), page_doc.get("case_columns", {})
# The cases go as columns (one array per key, null where a case has none), read back by core/src/validation.cpp.
rows = max((len(v) for v in columns.values()), default=0)
page = [{k: v[i] for k, v in columns.items() if i < len(v) and v[i] is not None} for i in range(rows)]
full = json.load(open(f"{src}/assets/validation.json", encoding="utf-8"))["cases"]
sys.path.insert(0, f"{src}/cmake")
from asset_tables import PAGE_EXCLUDED_CHARS, PAGE_SOURCE_CHARS  # noqa: E402


def cut_problem(whole, shown, chars, where):
    """What is wrong with a text the page cuts at `chars` (cmake/asset_tables.py page_cut), or ""."""
    if len(whole) <= chars:
        return "" if shown == whole else "changed though it is short"
    head = shown.removesuffix(f" ... ({where})")
    if head == shown or not head or not whole.startswith(head) or len(head) > chars:
        return f"is not the start of the text and a pointer to {where}"
    return ""


failures, cut, sources_cut = [], 0, 0
if "cases" in page_doc or not columns:
    failures.append("the page's cases are not shipped as columns (case_columns)")
# Each distinct source once: a case carries its index into "sources" (read back by core/src/validation.cpp).
if len(sources) != len(set(sources)):
    failures.append("a source is shipped twice on the page")
if len(sources) > len({f["source"] for f in full}):
    failures.append(f"{len(sources)} sources on the page, {len({f['source'] for f in full})} distinct in assets/validation.json")
for p in page:
    if isinstance(p.get("source"), int) and 0 <= p["source"] < len(sources):
        p["source"] = sources[p["source"]]
    else:
        failures.append(f"{p.get('id')}: its source is not an index into the page's sources")
if len(page) != len(full):
    failures.append(f"{len(page)} cases on the page, {len(full)} in assets/validation.json")
for p, f in zip(page, full):
    for key in ("id", "scenario", "published", "metric", "tolerance"):
        if p.get(key) != f.get(key):
            failures.append(f"{f['id']}: {key} differs on the page")
    # The source: whole up to PAGE_SOURCE_CHARS, else its start and where the whole citation is.
    problem = cut_problem(f.get("source", ""), p.get("source", ""), PAGE_SOURCE_CHARS, "assets/validation.json")
    sources_cut += len(f.get("source", "")) > PAGE_SOURCE_CHARS
    if problem:
        failures.append(f"{f['id']}: the page's source {problem}")
    for key in ("record", "field", "note", "layout_tuned", "held_out"):  # read only by the native tests and fits, and the reader of the file
        if key in p:
            failures.append(f"{f['id']}: {key} is shipped on the page")
    problem = cut_problem(f.get("excluded", ""), p.get("excluded", ""), PAGE_EXCLUDED_CHARS, "docs/calibration.md")
    cut += len(f.get("excluded", "")) > PAGE_EXCLUDED_CHARS
    if problem:
        failures.append(f"{f['id']}: the page's exclusion reason {problem}")
if cut == 0:
    failures.append("no exclusion reason was long enough to be cut: the check matched nothing")
if sources_cut == 0:
    failures.append("no source was long enough to be cut: the check matched nothing")
print(f"page assets: {len(page)} validation cases, {cut} exclusion reasons and {sources_cut} sources cut to their start")
for m in failures:
    print("FAIL", m)
sys.exit(1 if failures else 0)
