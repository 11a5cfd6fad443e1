#!/usr/bin/env bash
# Renders every PDF under SRC_DIR to PNG pages for looking at: OUT_DIR/<case-id>/<form>-<page>.png
# (the PDFs' paths relative to SRC_DIR are kept).
# usage: scripts/render_pages.sh SRC_DIR OUT_DIR [DPI]   (DPI defaults to 60: enough to see a
# word run over a rule, small enough to look at a hundred pages)
# Needs: pdftoppm (poppler-utils).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SRC_DIR OUT_DIR [DPI]" >&2; exit 2; }
src="${1%/}"; out="${2%/}"; dpi="${3:-60}"
command -v pdftoppm >/dev/null || { echo "pdftoppm not installed: apt-get install poppler-utils" >&2; exit 2; }
n=0
while IFS= read -r -d '' pdf; do
  rel="${pdf#"$src"/}"
  mkdir -p "$out/$(dirname "$rel")"
  # pdftoppm appends -<page> (zero-padded to the page count's width) and .png itself.
  pdftoppm -r "$dpi" -png "$pdf" "$out/${rel%.*}"
  n=$((n+1))
done < <(find "$src" -type f -iname '*.pdf' -print0 | sort -z)
echo "rendered $n PDFs into $out"
