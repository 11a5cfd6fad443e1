#!/usr/bin/env python3
"""Finds layout defects in PDFs: words crossed by a vertical table rule, text outside the
page's margin, and text printed over text.

usage: scripts/check_layout.py [--json] [--margin-mm 5] [--quiet] [-j N] PATH...
PATH is a PDF or a directory searched recursively for *.pdf.
Exit 0: no problems; 1: problems found; 2: some file could not be read.
Needs pdfplumber (pip install pdfplumber).
"""
import argparse
import bisect
import json
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pdfplumber

MM = 72 / 25.4
KINDS = ("crossing", "outside", "overlap")
MIN_RULE_HEIGHT = 3.0  # shorter vertical strokes are glyph-like marks (ticks, boxes' corners)
THIN_RECT = 2.0  # LibreOffice paints a cell border as a filled rect this thin: one rule
CROSS_INSET = 0.5  # a rule touching a word's edge is the cell's border, not a crossing
MIN_V_OVERLAP = 1.0
OVERLAP_SHARE = 0.3


def _is_white(color):
    # Invisible paint (white fills, e.g. a page background) separates nothing.
    if not isinstance(color, (tuple, list)) or len(color) not in (1, 3, 4):
        return False
    return all(c <= 0.01 for c in color) if len(color) == 4 else all(c >= 0.99 for c in color)


def _straight(obj):
    # Drop slanted text: the draft's diagonal «ЧЕРНОВИК» lies over the whole form by design.
    # (pdfminer's own `upright` is true for it: it only asks that the text not be mirrored.)
    # Text whose baseline runs along x or y stays, skewed (oblique) glyphs included.
    if obj["object_type"] != "char":
        return True
    a, b, c, d, _, _ = obj["matrix"]
    eps = 0.01 * max(abs(a), abs(b), abs(c), abs(d))
    return abs(b) <= eps or abs(a) <= eps


def vertical_rules(page):
    """(x, top, bottom) of every vertical rule drawn on the page, sorted by x."""
    rules = []
    for r in page.rects:
        if r["height"] < MIN_RULE_HEIGHT:
            continue
        if not r.get("stroke") and _is_white(r.get("non_stroking_color")):
            continue
        if r["width"] <= THIN_RECT:
            rules.append(((r["x0"] + r["x1"]) / 2, r["top"], r["bottom"]))
        else:  # bars, shaded cells: both sides bound text too
            rules += [(r["x0"], r["top"], r["bottom"]), (r["x1"], r["top"], r["bottom"])]
    # pdfplumber calls any non-horizontal line "v", slanted ones included: keep upright ones.
    for l in page.lines:
        if abs(l["x1"] - l["x0"]) <= 0.5 and l["height"] >= MIN_RULE_HEIGHT:
            rules.append(((l["x0"] + l["x1"]) / 2, l["top"], l["bottom"]))
    for c in page.curves:  # polylines, rounded boxes: their upright segments
        for (x0, y0), (x1, y1) in zip(c["pts"], c["pts"][1:]):
            if abs(x1 - x0) <= 0.5 and abs(y1 - y0) >= MIN_RULE_HEIGHT:
                rules.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    # Only what shows on the page: LibreOffice draws a too-wide table's border on the page's
    # edge and Typst draws the rules of rows pushed below the page; the words there are
    # reported as outside, once.
    px0, ptop, px1, pbottom = page.cropbox
    rules = [(x, max(t, ptop), min(b, pbottom)) for x, t, b in rules if px0 + 1 < x < px1 - 1]
    return sorted({(round(x, 2), round(t, 2), round(b, 2)) for x, t, b in rules
                   if b - t >= MIN_RULE_HEIGHT})


def _word(w):
    # Typst maps the hyphen it prints at a hyphenation point to U+00AD (soft hyphen).
    return {"text": w["text"].replace("\xad", "-"), **{k: round(w[k], 1) for k in ("x0", "x1", "top", "bottom")}}


def _crossings(words, rules):
    xs = [r[0] for r in rules]
    for w in words:
        lo = bisect.bisect_right(xs, w["x0"] + CROSS_INSET)
        hi = bisect.bisect_left(xs, w["x1"] - CROSS_INSET)
        hit = sorted({x for x, t, b in rules[lo:hi]
                      if min(b, w["bottom"]) - max(t, w["top"]) > MIN_V_OVERLAP})
        if hit:
            yield {"kind": "crossing", **_word(w), "rule_x": hit}


def _outside(words, page, margin):
    x0, top, x1, bottom = page.cropbox  # what a viewer shows and a printer prints
    x0, top, x1, bottom = x0 + margin, top + margin, x1 - margin, bottom - margin
    for w in words:
        if w["x0"] < x0 or w["top"] < top or w["x1"] > x1 or w["bottom"] > bottom:
            yield {"kind": "outside", **_word(w),
                   "allowed": [round(v, 1) for v in (x0, top, x1, bottom)]}


def _overlaps(words):
    # Sweep down the page: only words whose lines touch vertically can overlap, so each
    # word is compared with the few of its own line, not with the whole page.
    area = lambda w: max(w["x1"] - w["x0"], 0.01) * max(w["bottom"] - w["top"], 0.01)
    active = []
    for w in sorted(words, key=lambda w: w["top"]):
        active = [a for a in active if a["bottom"] > w["top"]]
        for a in active:
            dx = min(a["x1"], w["x1"]) - max(a["x0"], w["x0"])
            dy = min(a["bottom"], w["bottom"]) - max(a["top"], w["top"])
            if dx > 0 and dy > 0:
                share = dx * dy / min(area(a), area(w))
                if share > OVERLAP_SHARE:
                    yield {"kind": "overlap", **_word(a), "other": _word(w), "share": round(share, 2)}
        active.append(w)


def check_pdf(path, margin_pt=5 * MM):
    """Problems of one PDF, each a dict with file, page (from 1), kind, text and box."""
    return _check(path, margin_pt)[1]


def _check(path, margin_pt):
    problems = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            # Words in the order they were drawn: sorting a line's chars by x (the default)
            # interleaves text printed over text into one garbled word («Эмоциональн1ое»),
            # which hides the overlap and misnames the crossing word.
            words = page.filter(_straight).extract_words(use_text_flow=True)
            found = [*_crossings(words, vertical_rules(page)), *_outside(words, page, margin_pt),
                     *_overlaps(words)]
            problems += [{"file": str(path), "page": n, **p} for p in found]
            page.flush_cache()  # keeps memory flat on long PDFs
        return len(pdf.pages), problems


def _check_one(args):
    path, margin = args
    try:
        return (path, *_check(path, margin), None)
    except Exception as e:  # a broken PDF must not stop the others from being checked
        return path, 0, [], f"{type(e).__name__}: {e}"


def format_problem(p):
    box = f"{p['x0']:g}–{p['x1']:g} y={p['top']:g}–{p['bottom']:g}"
    head = f"{p['file']}: page {p['page']}: {p['kind']} «{p['text']}» {box}"
    if p["kind"] == "crossing":
        return f"{head} (rule at x={', '.join(f'{x:g}' for x in p['rule_x'])})"
    if p["kind"] == "outside":
        return f"{head} (allowed x={p['allowed'][0]:g}–{p['allowed'][2]:g} y={p['allowed'][1]:g}–{p['allowed'][3]:g})"
    o = p["other"]
    return f"{head} over «{o['text']}» {o['x0']:g}–{o['x1']:g} y={o['top']:g}–{o['bottom']:g} ({p['share']:.0%})"


def find_pdfs(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                yield from (os.path.join(root, f) for f in sorted(files) if f.lower().endswith(".pdf"))
        else:
            yield p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", metavar="PATH")
    ap.add_argument("--json", action="store_true", help="one JSON object per problem, then a summary")
    ap.add_argument("--margin-mm", type=float, default=5.0, help="text must stay this far inside the page (default 5)")
    ap.add_argument("--quiet", action="store_true", help="only the summary and per-file counts")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="files checked in parallel")
    a = ap.parse_args(argv)

    files = list(find_pdfs(a.paths))
    jobs = [(f, a.margin_mm * MM) for f in files]
    if a.jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(a.jobs) as ex:
            results = list(ex.map(_check_one, jobs, chunksize=4))
    else:
        results = [_check_one(j) for j in jobs]

    pages, counts, per_file, errors = 0, Counter(), {}, []
    for path, n, problems, err in results:
        if err:
            errors.append((path, err))
            print(f"{path}: cannot read: {err}", file=sys.stderr)
            continue
        pages += n
        c = Counter(p["kind"] for p in problems)
        counts.update(c)
        if problems:
            per_file[path] = c
        if not a.quiet:
            for p in problems:
                print(json.dumps(p, ensure_ascii=False) if a.json else format_problem(p))

    checked = len(files) - len(errors)
    if a.json:
        print(json.dumps({"summary": True, "files": checked, "pages": pages, **{k: counts[k] for k in KINDS},
                          "per_file": {f: {k: c[k] for k in KINDS} for f, c in per_file.items()},
                          "unreadable": [f for f, _ in errors]}, ensure_ascii=False))
    else:
        print(f"checked {checked} files, {pages} pages: " + ", ".join(f"{counts[k]} {k}" for k in KINDS))
        for f, c in sorted(per_file.items(), key=lambda fc: -sum(fc[1].values())):
            print(f"  {f}: " + ", ".join(f"{c[k]} {k}" for k in KINDS if c[k]))
        if errors:
            print(f"{len(errors)} files could not be read: " + ", ".join(f for f, _ in errors))
    return 2 if errors else (1 if counts else 0)


if __name__ == "__main__":
    sys.exit(main())
