#!/usr/bin/env bash
# Validates okno's bags with bagit-python (the Library of Congress tool), from outside.
# usage: scripts/check_bags_with_bagit_py.sh [ARCHIVE]
# Without ARCHIVE, archives the bundled fixtures into a temporary folder first.
set -euo pipefail
cd "$(dirname "$0")/.."
# OKNO=/path/to/okno uses a built binary instead of `cargo run`.
if [ -n "${OKNO:-}" ]; then OKNO=("$OKNO"); else OKNO=(cargo run --release --quiet --); fi
python3 -c 'import bagit' 2>/dev/null || python3 -m pip install --quiet bagit
archive="${1:-}"
if [ -z "$archive" ]; then
  archive="$(mktemp -d)/archive"
  "${OKNO[@]}" archive fixtures/cases fixtures/register --archive "$archive" >/dev/null
fi
n=0; bad=0
for bag in "$archive"/*/v*/; do
  n=$((n+1))
  if ! python3 -m bagit --validate --quiet "$bag"; then bad=$((bad+1)); echo "INVALID: $bag"; fi
done
echo "bagit.py --validate: $n bags, $bad invalid"
[ "$bad" -eq 0 ]
