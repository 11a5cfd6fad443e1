#!/usr/bin/env python3
"""Finds where each marker of the marker case (issue 21) stands in a rendered form and whether
it stands at a place its field's map allows: beside or under one of the labels given for it.

usage: scripts/check_markers.py FILE.pdf|FILE.docx SPEC.json
SPEC: {"pattern": "МК\\d{4}", "labels": {"МК0001": ["Дата рождения:", ...], ...}}: the labels of
the places each marker may stand at (the start of the place's label, as the map gives it); a
marker with no labels may stand nowhere in this form.
Prints JSON: {"found": {marker: count}, "wrong": ["МК0001 …: why", ...]}.

PDF (pdfplumber, words in the order the PDF draws them): a marker is *beside* a label when it
stands on a line of the label, right of that line's label words (or right of the whole label
with no other label left of it: a value that wraps beside a wrapped label), when it follows
the label in the text's flow with only values between (a paragraph wrapped), or *under* it
when it stands below the label, overlapping its columns; a caption «(…)» stands just under
its value. DOCX (the XML itself): the marker is in the cell or paragraph after the label (or
the paragraph above: a title's line), in a cell whose row holds the label in a cell to its
left, or in a cell under a cell of the same table that starts with the label (grid columns,
gridSpan counted); a caption «(…)» is the paragraph under its value.
Needs pdfplumber for PDFs.
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Spaces, hyphens and break points are where the layout may differ from the map's text.
GAP = re.compile("[\\s\u00ad\u200b\\-\u2010\u2011]+")


def norm(s):
    return GAP.sub("", s)


def find_label(words, label):
    """Every run of `words` (dicts with "text") that spells `label`, starting at a word: the
    indices of its first and last word."""
    want = norm(label)
    if not want:
        return []
    stream, owner, starts = "", [], set()
    for i, w in enumerate(words):
        t = norm(w["text"])
        starts.add(len(stream))
        stream += t
        owner += [i] * len(t)
    out, at = [], stream.find(want)
    while at >= 0:
        if at in starts:
            out.append((owner[at], owner[at + len(want) - 1]))
        at = stream.find(want, at + 1)
    return out


def same_line(a, b):
    return a["top"] < b["bottom"] - 1 and a["bottom"] > b["top"] + 1


def placed_by(m, label_words, words):
    x0 = min(w["x0"] for w in label_words)
    x1 = max(w["x1"] for w in label_words)
    top = min(w["top"] for w in label_words)
    bottom = max(w["bottom"] for w in label_words)
    # Beside: on a line of the label, right of its words there.
    on_line = [w for w in label_words if same_line(w, m)]
    if on_line and m["x0"] >= max(w["x1"] for w in on_line) - 1:
        return True
    # Beside a wrapped label, or a value's later lines beside it: right of the whole label,
    # with no other text left of the value between the label and the value's line (the next
    # row's label).
    if m["x0"] >= x1 - 1 and m["top"] >= top - 1:
        between = [
            w
            for w in words
            if w["x1"] <= x1 + 1
            and bottom + 0.5 < w["top"] < m["bottom"]
            and not any(w is l for l in label_words)
        ]
        if not between:
            return True
    # Over a caption («(подпись)», «(адрес проживания)»): the line just above it.
    line = m["bottom"] - m["top"]
    if label_words[0]["text"].startswith("(") and 0 <= top - m["bottom"] + 1 < 2 * line:
        if m["x0"] < x1 + 2 and m["x1"] > x0 - 2:
            return True
    # Under: below the label, in its columns.
    return m["top"] >= bottom - 1 and m["x0"] < x1 + 2 and m["x1"] > x0 - 2


VALUE_WORD = re.compile(r"(МК\d{4}|[\d\W_])*")


def follows(words, j, k):
    """Whether the marker at word `k` follows the label ending at word `j` in the text's flow
    with only values between (a paragraph's value wrapped to the next line)."""
    return j < k and all(VALUE_WORD.fullmatch(w["text"]) for w in words[j + 1 : k])


def check_pdf(path, spec, pattern):
    import pdfplumber

    found, wrong = {}, []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            words = page.extract_words(use_text_flow=True, keep_blank_chars=False)
            labels = {}
            for k, w in enumerate(words):
                for mk in pattern.findall(w["text"]):
                    found[mk] = found.get(mk, 0) + 1
                    allowed = spec.get(mk, [])
                    ok = False
                    for label in allowed:
                        if label not in labels:
                            labels[label] = find_label(words, label)
                        if any(
                            placed_by(w, words[i : j + 1], words) or follows(words, j, k)
                            for i, j in labels[label]
                        ):
                            ok = True
                            break
                    if not ok:
                        near = " ".join(
                            x["text"]
                            for x in words
                            if abs(x["top"] - w["top"]) < 30 and x["x1"] <= w["x0"] + 1
                        )[-80:]
                        wrong.append(
                            f"{mk} p. {n} ({w['x0']:.0f}, {w['top']:.0f}), "
                            f"«…{near}»: not beside or under {allowed or 'any label (not on this form)'}"
                        )
    return found, wrong


def para_text(p):
    out = []
    for el in p.iter():
        if el.tag == W + "t" and el.text:
            out.append(el.text)
        elif el.tag in (W + "tab", W + "br"):
            out.append(" ")
    return "".join(out)


def docx_items(body):
    """(paragraph text, text before it, cell) for each paragraph; the text before it is the
    cell's paragraphs above it, or outside tables the paragraph above it (a title's line, a
    label on its own line); cell: (table rows, row index, grid column, span) of the innermost
    cell holding it, or None. Table rows: [[(col, span, text, element)]]."""
    items = []

    def table(tbl):
        rows = []
        for tr in tbl.findall(W + "tr"):
            row, col = [], 0
            for tc in tr.findall(W + "tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span.get(W + "val")) if span is not None else 1
                paras = [para_text(p) for p in tc.findall(W + "p")]
                row.append((col, span, " ".join(paras), tc))
                col += span
            rows.append(row)
        for r, row in enumerate(rows):
            for col, span, _, tc in row:
                before = ""
                for child in tc:
                    if child.tag == W + "p":
                        text = para_text(child)
                        items.append((text, before, (rows, r, col, span)))
                        before += " " + text
                    elif child.tag == W + "tbl":
                        table(child)

    last = ""
    for child in body:
        if child.tag == W + "p":
            text = para_text(child)
            items.append((text, last, None))
            if text.strip():
                last = text
        elif child.tag == W + "tbl":
            table(child)
            last = ""
    # A caption («(подпись)») stands in the paragraph under its line.
    return [
        (text, above, cell, items[n + 1][0] if n + 1 < len(items) and cell is None else "")
        for n, (text, above, cell) in enumerate(items)
    ]


def starts_with(text, label):
    return norm(text).startswith(norm(label))


def check_docx(path, spec, pattern):
    with zipfile.ZipFile(path) as z:
        body = ET.fromstring(z.read("word/document.xml")).find(W + "body")
    found, wrong = {}, []
    for text, above, cell, below in docx_items(body):
        for m in pattern.finditer(text):
            mk = m.group(0)
            found[mk] = found.get(mk, 0) + 1
            allowed = spec.get(mk, [])
            before = above + " " + text[: m.start()]
            ok = False
            for label in allowed:
                if norm(label) in norm(before):
                    ok = True
                elif label.startswith("(") and starts_with(below, label):
                    ok = True
                elif cell is not None:
                    rows, r, col, span = cell
                    # The row's cells to its left, then the cells above in its columns.
                    left = [t for c, s, t, _ in rows[r] if c < col]
                    over = [
                        t
                        for row in rows[:r]
                        for c, s, t, _ in row
                        if c < col + span and c + s > col
                    ]
                    ok = any(starts_with(t, label) for t in left + over)
                if ok:
                    break
            if not ok:
                wrong.append(
                    f"{mk} «{text[max(0, m.start() - 60):m.end()]}»: "
                    f"not after, beside or under {allowed or 'any label (not on this form)'}"
                )
    return found, wrong


def main():
    path, spec_path = sys.argv[1], sys.argv[2]
    spec = json.load(open(spec_path, encoding="utf-8"))
    pattern = re.compile(spec["pattern"])
    check = check_pdf if path.lower().endswith(".pdf") else check_docx
    found, wrong = check(path, spec["labels"], pattern)
    print(json.dumps({"found": found, "wrong": wrong}, ensure_ascii=False))


if __name__ == "__main__":
    main()
