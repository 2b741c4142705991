"""`python -m tools.generate --out inbox`: the sample exports (what `make run` writes into an
empty inbox); with --sets, the bench's clean exports at that size."""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.generate import MAPMYRUN_HEADER_VARIANTS, SAMPLE_SEED, write_exports
from tools.generate.running_history import write_running_truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing)")
    parser.add_argument("--sets", type=int, help="exact set rows in all: the bench's clean exports instead")
    parser.add_argument("--athletes", type=int, default=1, help="with --sets: athletes the sets are split over")
    parser.add_argument("--seed", type=int, help="default: 7 for the sample, 0 for the bench")
    parser.add_argument("--mapmyrun-header", choices=MAPMYRUN_HEADER_VARIANTS,
                        help="the sample's MapMyRun header: imperial (default; miles), metric (km) or oldest "
                             "(Max Pace/Max Speed without a unit); the same activities in each")
    parser.add_argument("--running-truth", type=Path, metavar="FILE",
                        help="also write the sample's planted run/walk labels and life event as JSON "
                             "(outside --out: the inbox takes exports only)")
    args = parser.parse_args(argv)
    if args.running_truth is not None:
        if args.sets is not None:
            parser.error("--running-truth is for the sample (the bench has no MapMyRun export)")
        if args.running_truth.resolve().is_relative_to(args.out.resolve()):
            parser.error("--running-truth must be outside --out: the pipeline would try to ingest it")
    try:
        written = write_exports(args.out, args.athletes, args.sets, args.seed, args.mapmyrun_header)
    except ValueError as error:
        parser.error(str(error))
    if args.running_truth is not None:
        written.append(write_running_truth(args.running_truth, SAMPLE_SEED if args.seed is None else args.seed))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
