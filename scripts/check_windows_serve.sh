#!/usr/bin/env bash
# The page under Windows: starts `okno.exe serve` under wine on a loopback port, checks that
# the page answers in Russian and that the JSON API's check of the 26-row fixture register is
# the same as the Linux build's, then stops it. Called by scripts/check_windows_build.sh
# (which builds okno.exe and prepares the wine prefix); on its own:
#
# usage: scripts/check_windows_serve.sh [OKNO.EXE [LINUX_OKNO]]
#   (defaults: target/windows/x86_64-pc-windows-gnu/release/okno.exe, target/release/okno;
#    needs wine64, curl, python3, x86_64-w64-mingw32-gcc when WINEPREFIX is not prepared)
# Then every way from a URL to a file outside the page's folders (a drive, a backslash, a
# device name: issue 20) and a foreign Host must be refused by the Windows build.
# Exit 0: the same answer, all refused; 1: it differs, the page is wrong, or a hostile URL
# was answered; 2: a server did not start.
set -uo pipefail
cd "$(dirname "$0")/.."
exe="${1:-$PWD/target/windows/x86_64-pc-windows-gnu/release/okno.exe}"
linux="${2:-$PWD/target/release/okno}"
register=fixtures/register/register-2026-10.xlsx
today=2026-11-24
[ -f "$exe" ] || { echo "serve: no $exe (build it: scripts/check_windows_build.sh)"; exit 2; }
[ -x "$linux" ] || { echo "serve: no $linux (cargo build --release)"; exit 2; }

work=$(mktemp -d)
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  # Only this prefix's wine server, which this script (or its caller) started.
  [ -n "${own_prefix:-}" ] && WINEPREFIX="$own_prefix" wineserver -k 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT

if [ -z "${WINEPREFIX:-}" ]; then
  own_prefix="$work/wine"
  export WINEPREFIX="$own_prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  wineboot --init >/dev/null 2>&1 || true
  # wine 8 lacks bcryptprimitives.dll (see scripts/check_windows_build.sh).
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32 || exit 2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts a server (the command before the port) and waits until it answers; its URL in
# $started_url. Not in a subshell: the trap must know its process to stop it.
start() {
  local name=$1; shift
  local port; port=$(free_port)
  mkdir -p "$work/$name-archive"
  "$@" --today "$today" serve --no-browser --listen "127.0.0.1:$port" \
    --archive "$work/$name-archive" >"$work/$name.log" 2>&1 &
  pids+=($!)
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url/api/session" 2>/dev/null; then started_url=$url; return 0; fi
    sleep 0.5
  done
  echo "serve: the $name server did not answer on $url in 60 s; its output:" >&2
  cat "$work/$name.log" >&2
  return 1
}

# The page and the API's answer for the register, with the job's random ID left out.
ask() {
  local name=$1 url=$2
  local jar="$work/$name.cookies"
  curl -fsS -c "$jar" -b "$jar" "$url/" >"$work/$name-page.html" || return 1
  local csrf
  csrf=$(curl -fsS -c "$jar" -b "$jar" "$url/api/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])') || return 1
  curl -fsS -c "$jar" -b "$jar" -H "X-CSRF-Token: $csrf" \
    -F "files=@$register;filename=register-2026-10.xlsx" "$url/api/validate" |
    python3 -c 'import json,sys; v=json.load(sys.stdin); v.pop("job"); print(json.dumps(v, ensure_ascii=False, indent=1, sort_keys=True))' \
    >"$work/$name.json" || return 1
}

# Each URL that must not reach a file: under Windows `Path::join` takes `Z:…`, `C:\…` or
# `\…` as a new root, `..\` as a parent and `CON` as the console. All must answer 404.
refused() {
  local url=$1 failed=0
  local secret="$work/secret.pdf"
  printf '%%PDF secret\n' >"$secret"
  local win="Z:$secret"                  # Z:/tmp/tmp.X/secret.pdf: the same file on wine's Z:
  local back=${win//\//%5C}              # Z:%5Ctmp%5Ctmp.X%5Csecret.pdf
  local up='..%5C..%5C..%5C..%5Csecret.pdf'
  local bag="$url/archive/file/NSK-2026-0001/1" q="$url/quarter/file/2026-Q4"
  local urls=(
    "$bag/$win" "$bag/$back" "$bag/${win//:/%3A}" "$bag/${win//\//%2F}" "$bag/$up"
    "$bag/..%2F..%2F..%2F..%2Fsecret.pdf" "$bag/%5C%5C%3F%5C$back" "$bag/%5C${back#Z:%5C}"
    "$bag/CON.pdf" "$bag/con.pdf" "$bag/NUL.pdf" "$bag/COM1.pdf" "$bag/LPT1.docx"
    "$bag/AUX.pdf" "$bag/x.pdf%00.pdf" "$bag/secret.pdf." "$bag/${win}%20"
    "$q/$win" "$q/$back" "$q/${win//\//%2F}" "$q/C:%5Cwindows%5Cwin.ini" "$q/C:/windows/win.ini"
    "$q/..%5C..%5C..%5C..%5C..%5C..%5C..%5C..%5Cwindows%5Cwin.ini" "$q/CON" "$q/nul.txt"
    "$q/%5Cwindows%5Cwin.ini" "$url/archive/case/CON" "$url/archive/case/NUL"
  )
  for u in "${urls[@]}"; do
    local code
    code=$(curl --path-as-is -s -m 20 -o "$work/refused.out" -w '%{http_code}' "$u")
    if [ "$code" != 404 ] || grep -qa "secret\|\[fonts\]\|for 16-bit" "$work/refused.out"; then
      echo "serve: ${u#"$url"} answered $code under Windows (must be 404)"
      failed=1
    fi
  done
  local host=${url#http://}
  code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H "Host: attacker.example:${host#*:}" "$url/api/session")
  [ "$code" = 421 ] || { echo "serve: a foreign Host got $code under Windows (must be 421)"; failed=1; }
  [ "$failed" -eq 0 ] && echo "windows: all ${#urls[@]} hostile file URLs and a foreign Host refused"
  return "$failed"
}

status=0
start windows wine "$exe" || exit 2
win=$started_url
start linux "$linux" || exit 2
lin=$started_url
ask windows "$win" || { echo "serve: the Windows server did not answer the requests"; cat "$work/windows.log"; exit 1; }
ask linux "$lin" || { echo "serve: the Linux server did not answer the requests"; exit 1; }
grep -q "Проверить и оформить" "$work/windows-page.html" || {
  echo "serve: the Windows page has no «Проверить и оформить»"; status=1; }
if ! cmp -s "$work/windows.json" "$work/linux.json"; then
  echo "serve: /api/validate answers differently under Windows:"
  diff "$work/linux.json" "$work/windows.json" | head -40
  status=1
fi
refused "$win" || status=1
if [ "$status" -eq 0 ]; then
  counts=$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); f=v["files"]; print("cases %d, errors %d, warnings %d" % (sum(len(x["cases"]) for x in f), sum(x["errors"] for x in f), sum(x["warnings"] for x in f)))' "$work/windows.json")
  echo "windows: okno.exe serve under wine answers the page and /api/validate ($counts) as Linux does"
fi
exit "$status"
