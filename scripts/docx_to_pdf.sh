#!/usr/bin/env bash
# Converts every DOCX under SRC_DIR to PDF with LibreOffice, keeping the paths relative to
# SRC_DIR: OUT_DIR/<case-id>/<form>.pdf. Then scripts/check_layout.py can judge how Word-like
# software lays out our DOCX, and scripts/render_pages.sh can show it.
# usage: scripts/docx_to_pdf.sh SRC_DIR OUT_DIR
# Exit 1 (naming them) when some DOCX did not convert. Needs: soffice (apt-get install
# libreoffice-writer-nogui).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SRC_DIR OUT_DIR" >&2; exit 2; }
src="${1%/}"; out="${2%/}"
command -v soffice >/dev/null || { echo "soffice not installed: apt-get install libreoffice-writer-nogui" >&2; exit 2; }
# A profile of our own: two soffice sharing one (the default ~/.config) refuse to run together
# or hand their work to each other.
profile="$(mktemp -d /tmp/docx_to_pdf.XXXXXX)"
trap 'rm -rf "$profile"' EXIT
total=0; failed=()
while IFS= read -r -d '' dir; do
  shopt -s nullglob nocaseglob; docs=("$dir"/*.docx); shopt -u nullglob nocaseglob
  [ ${#docs[@]} -gt 0 ] || continue
  rel="${dir#"$src"}"; rel="${rel#/}"; dest="$out${rel:+/$rel}"
  mkdir -p "$dest"
  # A PDF left from an earlier run must not pass for this one.
  for d in "${docs[@]}"; do rm -f "$dest/$(basename "${d%.*}").pdf"; done
  # One soffice per directory: its start-up costs seconds, a document a fraction of that.
  # Its exit status says nothing of the documents, so each PDF is looked for below.
  soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$dest" \
    "${docs[@]}" >"$profile/log" 2>&1 || true
  before=${#failed[@]}
  for d in "${docs[@]}"; do
    total=$((total+1))
    [ -s "$dest/$(basename "${d%.*}").pdf" ] || failed+=("${d#"$src"/}")
  done
  if [ ${#failed[@]} -gt "$before" ]; then sed 's/^/  soffice: /' "$profile/log" >&2; fi
done < <(find "$src" -type d -print0 | sort -z)
echo "converted $((total-${#failed[@]})) of $total DOCX into $out"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'NOT CONVERTED: %s\n' "${failed[@]}" >&2
  exit 1
fi
