#!/usr/bin/env python3
"""Check that every text in templates/catalog/*.toml is copied verbatim from the seed.

Loads every TOML file under templates/catalog/ (recursively; but territories.toml, the
region's division, which no seed holds), walks every string
value (keys named `code`, `about`, `number` are identifiers, not seed texts, and
are skipped), splits multi-line values on "\\n" and asserts each piece occurs in
the seed text. Both sides are normalized by collapsing every whitespace run
(including NBSP and line breaks) to one space, so seed cells that span several
lines still match. A match must not be glued to a letter or digit on either
side, so a truncated word (e.g. «газов» for «газовое») does not pass.

The seed is seed 003, docs/procedure-appendices.txt. A catalog file whose comments
name another seed as «seed NNN» (e.g. "# ... (and seed 000 for the agency kinds)")
may also take texts from that seed, looked up in the seed's directory as docs/ names
it (000: procedure-presentation.txt, 003: procedure-appendices.txt) or as NNN_*.txt;
nothing else is accepted.

Usage: scripts/check_catalog_verbatim.py [--seed PATH] [--catalog DIR]
Seed path defaults to $OKNO_SEED or docs/procedure-appendices.txt of this repository.
Exits 1 and prints the failures if any text is not found.
"""
import argparse
import os
import re
import sys
import tomllib
from pathlib import Path

SKIP_KEYS = {"code", "about", "number"}
NOT_SEED = {"territories.toml"}
REPO = Path(__file__).resolve().parent.parent
# The seeds as docs/ names them (docs/README.md); originally seeds/000_*.txt and 003_*.txt.
SEED_FILES = {"000": "procedure-presentation.txt", "003": "procedure-appendices.txt"}
DEFAULT_SEED = str(REPO / "docs" / SEED_FILES["003"])
WS = re.compile(r"\s+")
SEED_REF = re.compile(r"\bseed\s+(\d{3})\b", re.IGNORECASE)


def norm(s: str) -> str:
    return WS.sub(" ", s).strip()


def occurs(piece: str, seed: str) -> bool:
    """`piece` occurs in `seed` and is not part of a longer word there."""
    if piece not in seed:
        return False
    return re.search(r"(?<!\w)" + re.escape(piece) + r"(?!\w)", seed) is not None


def walk(value, path):
    """Yield (path, string) for every string leaf, skipping identifier keys."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in SKIP_KEYS:
                continue
            yield from walk(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def extra_seeds(toml_text: str, main_seed: Path) -> list[Path]:
    """Other seeds (same directory) that the file's comments name as «seed NNN»."""
    nums = set()
    for ln in toml_text.splitlines():
        if ln.lstrip().startswith("#"):
            nums.update(SEED_REF.findall(ln))
    out = []
    for n in sorted(nums):
        found = sorted(main_seed.parent.glob(f"{n}_*.txt"))
        if n in SEED_FILES and (main_seed.parent / SEED_FILES[n]).is_file():
            found.append(main_seed.parent / SEED_FILES[n])
        for p in found:
            if p.resolve() != main_seed.resolve():
                out.append(p)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default=os.environ.get("OKNO_SEED", DEFAULT_SEED))
    ap.add_argument("--catalog", default=str(REPO / "templates" / "catalog"))
    args = ap.parse_args()

    main_seed = Path(args.seed)
    seed_cache = {}

    def seed_text(p: Path) -> str:
        if p not in seed_cache:
            seed_cache[p] = norm(p.read_text(encoding="utf-8"))
        return seed_cache[p]

    # territories.toml is the region's administrative division, not a text of the seeds.
    files = sorted(f for f in Path(args.catalog).rglob("*.toml") if f.name not in NOT_SEED)
    if not files:
        print(f"no TOML files under {args.catalog}", file=sys.stderr)
        return 1

    failures = []
    checked = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            failures.append(f"{f.name}: cannot parse: {e}")
            continue
        seeds = [main_seed] + extra_seeds(text, main_seed)
        for path, s in walk(data, ""):
            for piece in s.split("\n"):
                checked += 1
                p = norm(piece)
                if not p:
                    failures.append(f"{f.name}: {path}: empty text")
                elif not any(occurs(p, seed_text(sd)) for sd in seeds):
                    names = ", ".join(sd.name for sd in seeds)
                    failures.append(f"{f.name}: {path}: not in {names}: {piece!r}")

    for msg in failures:
        print("FAIL", msg)
    print(f"{len(files)} files, {checked} texts checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
