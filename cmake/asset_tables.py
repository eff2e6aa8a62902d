#!/usr/bin/env python3
"""Generates a C++ source holding catalog assets (assets/*.json) as flat records, read by
core/src/asset_tables.hpp: the page starts without parsing JSON (docs/performance.md, round 4).

Usage: asset_tables.py [--page] OUT.cpp assets/hardware.json assets/models.json ... --json assets/examples.json ...

--page (the wasm build): the JSON entries also leave out their "field" (a validation case's path into
its published record, which only the native tests read: tests/core/test_validation.cpp), 0.4 KiB of
the gzipped page, and their "record" (the name of that record in tests/reference/published.json; the
Validation panel's tooltip shows the case's id and source instead: 2.0 KiB, round 20) and their
"layout_tuned" (read only by the native planner test) and "held_out" (read only by the kernel fits, which run
natively: tests, scripts/calibration-doc; 0.1 KiB, round 26), and the model presets their "official_source" and "config_source" (read only by
tests/core/test_models.cpp and test_import.cpp). A validation case's "excluded" reason is cut to its
first PAGE_EXCLUDED_CHARS characters (at a word) and ends "... (docs/calibration.md)", where the whole
reason is, as `envelope validate` prints it: the Validation panel's tooltip shows the start, and the
full reasons were 3.9 KiB of the gzipped page (round 19: 2.1 KiB saved; round 21 cut them from 200
characters to 140, 0.6 KiB; round 22 to 100, then 80; round 27 to 70, 0.1 KiB). A case's "source" is cut the same way to its
first PAGE_SOURCE_CHARS characters, ending "... (assets/validation.json)" (round 23: 1.5 KiB; round 26: 0.4 KiB more;
round 27: 90, then 80, 0.4 KiB more; the
tooltip names the paper or file, the CLI the whole citation), and shipped once per distinct text: the page's cases
carry its index into a top-level "sources" array (80 texts for 241 cases; 0.9 KiB, round 21), which
core/src/validation.cpp resolves; and the cases go as columns, "case_columns" (one array per key, null
where a case has no such key): 0.8 KiB, round 21.

Files after --json are embedded as JSON text instead (envelope::embedded_asset(name)), minified and
without their top-level "about" and without the "note" of each entry of a top-level array (a
validation case's note tells the reader of assets/validation.json how the record was set up; nothing
reads it at run time, and the notes were a fifth of the embedded validation set, 3.1 KiB gzipped):
the example and validation scenarios, which are read as scenario JSON.

Each file is a JSON object. A top-level key whose value is an array of objects is a collection
("accelerators", "models"); every other top-level key goes into the file's root record (collection
""), except "about" and "note", which document the file and are not shipped. A record is a flat list
of fields in the file's order: nested objects are flattened with dots ("tflops.bf16"), an array of
scalars is one field per element under the same key ("aliases"), null is left out. Anything else
(an array of objects inside a record, a non-object file) fails the build with a message.

A collection is one string: records separated by GS (0x1D), fields by RS (0x1E); a field is its kind
('n' number, 's' string, 'b' boolean), its key, US (0x1F) and its value as text (a number in the
shortest form that reads back as the same double, or as a hexadecimal float where that form has
more than 15 significant digits; a boolean 1 or 0). Text gzips like the JSON it
came from (a table of pointers and doubles was 10 KiB larger on the page).
tests/core/test_asset_tables.cpp checks the tables against the JSON files field by field.
"""
import json
import sys

DOCUMENTATION_KEYS = {"about", "note"}
# Left out of the page's tables (--page): a model preset's official count's source and the config.json
# it was read from, which only the native tests read (tests/core/test_models.cpp, test_import.cpp).
# And an excluded run's "id" and "category" in error_bands.json "outside_band": the page's warnings name
# the run's record, model, GPU, metric and ratio (validation.cpp band_gap_warnings); the native test that
# holds the stored gaps to a fresh validate() reads the rest (0.3 KiB of the gzipped page, round 21). Its
# "ratio" goes rounded to the two decimals those warnings print (validation.cpp ratio_text).
PAGE_OMITTED_RECORD_KEYS = {("models.json", "models"): {"official_source", "config_source"},
                            ("error_bands.json", "outside_band"): {"id", "category"}}
# Left out of the page's JSON entries (--page): what only the native tests and fits read of a validation
# case: its path into its published record and the record's name (test_validation.cpp), whether its
# layout was tuned (the planner test) and whether it is held out of the fits (calibration.cpp).
PAGE_OMITTED_CASE_KEYS = ("field", "record", "layout_tuned", "held_out")
PAGE_EXCLUDED_CHARS = 70
# A case's "source" on the page: its first PAGE_SOURCE_CHARS characters (at a word), enough to name the
# paper or file; the whole citation is in assets/validation.json (1.5 KiB at 120, round 23; 100 since
# round 26, 0.4 KiB more, for 30 MLPerf Training cases; 90 in round 27, 0.2 KiB, for the training step
# model's gradient-reduction window, then 80, 0.2 KiB, for training.fp8_params and its hint).
PAGE_SOURCE_CHARS = 80


def page_cut(text, chars, where):
    if len(text) <= chars:
        return text
    return text[:chars].rsplit(" ", 1)[0].rstrip(",;:(") + " ... (" + where + ")"


def page_excluded(reason):
    return page_cut(reason, PAGE_EXCLUDED_CHARS, "docs/calibration.md")


def fail(path, message):
    sys.exit(f"asset_tables.py: {path}: {message}")


def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == "\\" or c == '"':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:  # octal: at most three digits, so a following digit cannot join the escape
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_number(x, path):
    v = float(x)
    if v != v or v in (float("inf"), float("-inf")):
        fail(path, "a number is not finite")
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))  # "600", not "600.0"
    text = repr(v)  # shortest text that reads back as the same double
    if len(text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")) > 15:
        return v.hex()  # "0x1.8e7f...p-4": read exactly without strtod (asset_tables.cpp)
    return text


SEPARATORS = "\x1d\x1e\x1f"


def flatten(value, key, path, out):
    if any(c in key for c in SEPARATORS):
        fail(path, "a key holds a separator character (0x1D-0x1F)")
    if isinstance(value, bool):
        out.append(("b", key, "1" if value else "0"))
    elif isinstance(value, (int, float)):
        out.append(("n", key, c_number(value, path)))
    elif isinstance(value, str):
        if any(c in value for c in SEPARATORS):
            fail(path, "a string holds a separator character (0x1D-0x1F)")
        out.append(("s", key, value))
    elif value is None:
        pass
    elif isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{key}.{k}" if key else k, f"{path}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                fail(f"{path}[{i}]", "an array inside a record may hold only numbers, strings and booleans")
            flatten(v, key, f"{path}[{i}]", out)
    else:
        fail(path, f"unexpected value {value!r}")


def record_text(fields):
    return "\x1e".join(kind + key + "\x1f" + value for kind, key, value in fields)


def read_json(f):
    try:
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as e:
        fail(f, f"cannot be read as JSON ({e})")
    if not isinstance(doc, dict):
        fail(f, "the file must hold a JSON object")
    return doc


def file_name(f):
    return f.replace("\\", "/").rsplit("/", 1)[-1]


def main():
    args = sys.argv[1:]
    page = bool(args) and args[0] == "--page"
    if page:
        args.pop(0)
    out_path = args.pop(0)
    split = args.index("--json") if "--json" in args else len(args)
    files, json_files = args[:split], args[split + 1:]
    collections = []
    for f in files:
        name = file_name(f)
        doc = read_json(f)
        root = []
        for key, value in doc.items():
            if key in DOCUMENTATION_KEYS:
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                records = []
                for i, item in enumerate(value):
                    if page:
                        item = {k: v for k, v in item.items() if k not in PAGE_OMITTED_RECORD_KEYS.get((name, key), ())}
                        if (name, key) == ("error_bands.json", "outside_band") and isinstance(item.get("ratio"), float):
                            item["ratio"] = round(item["ratio"], 2)  # the warnings print it "%.2fx": 0.2 KiB (round 22)
                    fields = []
                    flatten(item, "", f"{name}.{key}[{i}]", fields)
                    records.append(record_text(fields))
                collections.append((name, key, records))
            else:
                flatten(value, key, f"{name}.{key}", root)
        collections.append((name, "", [record_text(root)]))

    arrays, entries = [], []
    for i, (f, key, records) in enumerate(collections):
        # One literal per record (adjacent literals join), so the generated file reads record by record.
        # An array, not a pointer to a literal: arrays stay whole and in file order in the binary's
        # data, where literals are pooled with every other string (1.8 KiB more on the gzipped page).
        text = "\n".join("    " + c_string(r + ("\x1d" if j + 1 < len(records) else "")) for j, r in enumerate(records))
        arrays.append(f"const char t{i}[] =\n{text};\n")
        entries.append(f"    {{{c_string(f)}, {c_string(key)}, t{i}, sizeof t{i} - 1}}")
    texts = []
    for i, f in enumerate(json_files):
        doc = read_json(f)
        doc.pop("about", None)
        sources = []  # --page: each case's "source" as an index into this list, shipped as "sources"
        for value in doc.values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        item.pop("note", None)
                        if page:
                            for k in PAGE_OMITTED_CASE_KEYS:
                                item.pop(k, None)
                            if isinstance(item.get("excluded"), str):
                                item["excluded"] = page_excluded(item["excluded"])
                            if isinstance(item.get("source"), str):
                                item["source"] = page_cut(item["source"], PAGE_SOURCE_CHARS, "assets/validation.json")
                                if item["source"] not in sources:
                                    sources.append(item["source"])
                                item["source"] = sources.index(item["source"])
        if sources:
            if "sources" in doc or "case_columns" in doc:
                fail(f, 'has a top-level "sources" or "case_columns", which --page writes')
            doc["sources"] = sources
            # The cases as columns (one array per key, null where a case has none): like values sit
            # together, which gzips 0.8 KiB smaller than case by case (round 21); validation.cpp reads both.
            cases = doc.pop("cases")
            keys = sorted({k for c in cases for k in c})
            if any(v is None for c in cases for v in c.values()):
                fail(f, "a case has a null value, which the page's columns use for 'absent'")
            doc["case_columns"] = {k: [c.get(k) for c in cases] for k in keys}
        minified = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        chunks = [minified[k:k + 100] for k in range(0, len(minified), 100)] or [""]
        arrays.append(f"const char j{i}[] =\n" + "\n".join("    " + c_string(c) for c in chunks) + ";\n")
        texts.append(f"      {{{c_string(file_name(f))}, std::string(j{i}, sizeof j{i} - 1)}}")
    text = (
        "// Generated by cmake/asset_tables.py from assets/. Do not edit.\n"
        '#include <map>\n#include <string>\n\n#include "asset_tables.hpp"\n#include "envelope/catalog.hpp"\n\n'
        "namespace envelope {\nnamespace {\n" + "".join(arrays) +
        "const AssetCollection collections[] = {\n" + ",\n".join(entries) + "\n};\n"
        "}  // namespace\n\n"
        "std::span<const AssetCollection> asset_collections() { return collections; }\n\n"
        "const std::string& embedded_asset(const std::string& name) {\n"
        "  static const std::map<std::string, std::string> assets = {\n" + ",\n".join(texts) + "};\n"
        "  static const std::string none;\n"
        "  const auto it = assets.find(name);\n"
        "  return it == assets.end() ? none : it->second;\n"
        "}\n\n"
        "}  // namespace envelope\n")
    try:
        with open(out_path, encoding="utf-8") as fh:
            if fh.read() == text:
                return  # unchanged: no rebuild of what depends on it
    except OSError:
        pass
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
