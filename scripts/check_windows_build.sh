#!/usr/bin/env bash
# The build for the office computers: cross-compiles okno.exe (x86_64-pc-windows-gnu, with
# Debian's gcc-mingw-w64), runs `okno demo` under wine and compares every file it writes with
# the Linux build's: the PDFs (and the DOCX, XLSX) must be byte-identical.
#
# usage: scripts/check_windows_build.sh      (needs: rustup target x86_64-pc-windows-gnu,
#                                              gcc-mingw-w64-x86-64, wine64)
# Then the page: `okno.exe serve` under wine answers as the Linux build does
# (scripts/check_windows_serve.sh).
# Exit 0: identical; 1: a file differs or is missing; 2: the build or a run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
# A target folder of its own, so the Windows build never waits on the Linux one's lock.
export CARGO_TARGET_DIR="${OKNO_WINDOWS_TARGET_DIR:-$PWD/target/windows}"
cargo build --release --locked --target "$target" || exit 2
exe="$CARGO_TARGET_DIR/$target/release/okno.exe"
ls -l "$exe"

work=$(mktemp -d)
# The prefix's wine server and services (started by wineboot here) go with the prefix.
trap 'WINEPREFIX="$work/wine" wineserver -k 2>/dev/null; rm -rf "$work"' EXIT
today=2026-11-24
cargo run --release --locked --quiet --target-dir "$PWD/target" -- --today "$today" demo -o "$work/linux" >/dev/null || exit 2
export WINEPREFIX="$work/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot --init >/dev/null 2>&1 || true
# Debian 12's wine 8 lacks bcryptprimitives.dll (every Windows 10 has it); a stand-in for
# the one call Rust's standard library makes (scripts/wine/bcryptprimitives.c).
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32 || exit 2
# A Unix path is a path on wine's Z: drive, so the same folders work for both builds.
wine "$exe" --today "$today" demo -o "$work/windows" >"$work/wine.log" 2>&1 || {
  cat "$work/wine.log"; exit 2; }

status=0
count=0
while IFS= read -r -d '' f; do
  rel=${f#"$work/linux/"}
  count=$((count + 1))
  if ! cmp -s "$f" "$work/windows/$rel"; then
    echo "differs: $rel"
    status=1
  fi
done < <(find "$work/linux" -type f -print0)
extra=$(cd "$work/windows" && find . -type f | wc -l)
[ "$extra" -eq "$count" ] || { echo "the Windows run wrote $extra files, Linux $count"; status=1; }
pdfs=$(find "$work/linux" -name '*.pdf' | wc -l)
if [ "$status" -eq 0 ]; then
  echo "windows: okno.exe under wine wrote the same $count files as Linux, byte for byte ($pdfs PDFs)"
fi
# The page, in the same wine prefix (its wine server is stopped with the prefix's removal).
scripts/check_windows_serve.sh "$exe" "$PWD/target/release/okno"
serve=$?
[ "$serve" -gt "$status" ] && status=$serve
exit "$status"
