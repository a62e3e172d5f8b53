"""python -m minigan.exercises: start (copy the stubs) and check N (run step N's checker).

Exit status: 0 when the step passes, 1 when a check fails, 2 for bad input (an unknown step,
a missing file, a folder that would be overwritten), each said in one line.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .checks import STEPS, run

STUBS = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigan.exercises",
                                     description="Build an autograd engine step by step, each step checked.")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="copy the stubs into a folder to fill in")
    start.add_argument("dir", nargs="?", default="exercises", help="where (default: ./exercises)")
    check = commands.add_parser("check", help="check one step")
    check.add_argument("step", type=int, help=f"the step, 1 to {len(STEPS)}")
    check.add_argument("--dir", default="exercises", help="the folder with your files (default: ./exercises)")
    commands.add_parser("list", help="list the steps")
    args = parser.parse_args(argv)

    if args.command == "list":
        for step, (file, title, _) in STEPS.items():
            print(f"{step}. {title} ({file})")
        return 0
    if args.command == "start":
        target = Path(args.dir)
        existing = [f for f, _, _ in STEPS.values() if (target / f).exists()]
        if existing:
            print(f"error: {target / existing[0]} exists; start would overwrite your work: pick another folder",
                  file=sys.stderr)
            return 2
        try:
            target.mkdir(parents=True, exist_ok=True)
            for file, _, _ in STEPS.values():
                shutil.copyfile(STUBS / file, target / file)
        except OSError as error:
            print(f"error: cannot write the stubs to {target}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"wrote {len(STEPS)} stubs to {target}/; fill in step 1, then: python -m minigan.exercises check 1")
        return 0
    if args.step not in STEPS:
        print(f"error: there is no step {args.step}; the steps are 1 to {len(STEPS)}", file=sys.stderr)
        return 2
    path = Path(args.dir) / STEPS[args.step][0]
    if not path.is_file():
        print(f"error: {path} does not exist; copy the stubs with: python -m minigan.exercises start {args.dir}",
              file=sys.stderr)
        return 2
    ok, lines = run(args.step, path)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
