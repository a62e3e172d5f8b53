"""The one error path every program shares: :func:`run_program`, a parser whose errors are one
line, and the exit statuses."""
from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Sequence

from minigan.gan.stop_signals import exit_status, handling_stop_signals, raise_interrupted

__all__ = ["EXIT_FAILED", "EXIT_BAD_INPUT", "UsageError", "OneLineParser", "one_line", "say_error", "run_program"]

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

