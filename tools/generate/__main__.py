"""`python -m tools.generate --out inbox`: the sample exports (what `make run` writes into an
empty inbox); with --sets, the bench's clean exports at that size."""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.generate import write_exports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing)")
    parser.add_argument("--sets", type=int, help="exact set rows in all: the bench's clean exports instead")
    parser.add_argument("--athletes", type=int, default=1, help="with --sets: athletes the sets are split over")
    parser.add_argument("--seed", type=int, help="default: 7 for the sample, 0 for the bench")
    args = parser.parse_args(argv)
    try:
        written = write_exports(args.out, args.athletes, args.sets, args.seed)
    except ValueError as error:
        parser.error(str(error))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
