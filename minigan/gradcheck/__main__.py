"""``python -m minigan.gradcheck``: check every registered op and layer, print a table.

Each case is checked on each of its shapes, with inputs in every memory layout they can take
(contiguous, strided, transposed, broadcast); ops that support ``create_graph`` also get a
second-order row. Exit status 1 on any failure, 2 with one line on stderr for bad arguments.
``--mutate`` checks the checker instead.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

from minigan.cli import OneLineParser, UsageError, non_negative_int, run_program

from .cases import OpCase, all_cases, describe_shapes
from .rows import case_rows

PROG = "python -m minigan.gradcheck"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--op", action="append", help="check only these ops (repeatable)")
    parser.add_argument("--no-gradgrad", action="store_true", help="skip the second-order checks")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed for the random inputs (default 0)")
    parser.add_argument("--list", action="store_true", help="list the registered cases and exit")
    parser.add_argument("--mutate", action="store_true",
                        help="instead, inject faults into every op's backward one at a time and report how many "
                             "the checks catch (exit status 1 if any fault goes unnoticed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_program(PROG, build_parser(), _run, argv)


def _run(args: argparse.Namespace) -> int:
    cases = all_cases()
    if args.list:
        for case in cases:
            print(case.name)
        return 0
    if args.op:
        unknown = sorted(set(args.op) - {case.name for case in cases})
        if unknown:
            raise UsageError(f"unknown op(s): {', '.join(unknown)} (see --list)")
        cases = [case for case in cases if case.name in args.op]
    if args.mutate:
        from .mutate import run_mutants

        return run_mutants(cases, seed=args.seed, gradgrad=not args.no_gradgrad)
    return run_checks(cases, seed=args.seed, gradgrad=not args.no_gradgrad)


def run_checks(cases: list[OpCase], seed: int = 0, gradgrad: bool = True) -> int:
    """Print one row per check and a summary; 1 if any check failed."""
    header = f"{'op':<28} {'check':<9} {'layout':<11} {'shapes':<22} {'max abs err':>12} {'max rel err':>12}  ok"
    print(header)
    print("-" * len(header))
    failures = rows = 0
    start = time.perf_counter()
    for case in cases:
        for label, layout, shapes, result in case_rows(case, seed, gradgrad):
            rows += 1
            failures += not result.ok
            print(
                f"{case.name:<28} {label:<9} {layout:<11} {describe_shapes(shapes):<22} "
                f"{result.max_abs_err:>12.2e} {result.max_rel_err:>12.2e}  {'ok' if result.ok else 'FAIL'}"
            )
            if not result.ok:
                print(f"    {result.message}")
    elapsed = time.perf_counter() - start
    print(f"\n{rows - failures} passed, {failures} failed ({len(cases)} ops and layers, {elapsed:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
