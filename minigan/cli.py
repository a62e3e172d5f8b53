"""What the command-line front ends (train, sample, evaluate, gradcheck) share: one error path
(:func:`run_program`), a parser whose errors are one line, and checked argument types that say
what they expected.

Exit statuses: 0 done; 1 a failure the program reports (a diverged run, a failed gradient
check) or an unexpected error; 2 bad input or an environment that cannot serve the request
(a missing file, an unwritable directory, too little memory); 130 Ctrl-C; 143 SIGTERM.
"""
from __future__ import annotations

import argparse
import math
import sys
from typing import Any, Callable, Sequence

from minigan.signals import exit_status, handling_stop_signals, raise_interrupted

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input: reported in one line on stderr, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error raises UsageError (one line, no usage block) instead of exiting.

    Every program gets ``--debug``: an unexpected error then shows its traceback.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--debug", action="store_true",
                          help="on an unexpected error, show the traceback instead of a one-line message")

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def one_line(error: BaseException) -> str:
    """An exception's message on one line (its type name when it has none)."""
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def say_error(prog: str, message: str) -> None:
    print(f"{prog}: error: {message}", file=sys.stderr, flush=True)


def run_program(prog: str, parser: argparse.ArgumentParser, body: Callable[[argparse.Namespace], int],
                argv: Sequence[str] | None, expected: tuple[type[BaseException], ...] = ()) -> int:
    """Parse ``argv`` and run ``body(args)`` behind the one error path every program shares.

    An expected failure (UsageError, an ``expected`` type, MemoryError) prints one line and
    returns 2. Ctrl-C and SIGTERM return 130 and 143. Anything else is a bug: one line with a
    hint to rerun with ``--debug``, which shows the traceback instead, and status 1.
    """
    debug = "--debug" in (sys.argv[1:] if argv is None else list(argv))  # until parsing says otherwise
    try:
        with handling_stop_signals(raise_interrupted):
            args = parser.parse_args(argv)
            debug = bool(getattr(args, "debug", debug))
            return body(args)
    except (UsageError, *expected) as error:
        say_error(prog, one_line(error))
        return EXIT_BAD_INPUT
    except MemoryError as error:
        say_error(prog, f"not enough memory ({one_line(error)}); ask for less")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as interrupt:
        print(f"{prog}: interrupted", file=sys.stderr, flush=True)
        return exit_status(interrupt)
    except Exception as error:  # noqa: BLE001 - the one place an unexpected error is reported
        if debug:
            raise
        say_error(prog, f"unexpected {type(error).__name__}: {one_line(error)} "
                        f"(a bug in minigan; rerun with --debug to see the traceback)")
        return EXIT_FAILED


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2 ** 30:,.1f} GiB"


def require_memory(nbytes: int, what: str) -> None:
    """UsageError when ``what`` would need more memory than is available (checked before allocating,
    because an allocation that fits the address space but not RAM ends in the kernel's OOM killer)."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise UsageError(f"{what} needs about {_gib(nbytes)} of memory, but only {_gib(available)} is available")


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {value}")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def _finite_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
    return value


def positive_float(text: str) -> float:
    value = _finite_float(text, "a positive number")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = _finite_float(text, "a non-negative number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative number, got {text}")
    return value
