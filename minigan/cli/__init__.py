"""What the command-line front ends (train, sample, evaluate, gradcheck) share: one error path
(:func:`run_program`), a parser whose errors are one line, and checked argument types that say
what they expected.

Exit statuses: 0 done; 1 a failure the program reports (a diverged run, a failed gradient
check) or an unexpected error; 2 bad input or an environment that cannot serve the request
(a missing file, an unwritable directory, too little memory); 130 Ctrl-C; 143 SIGTERM.

program.py holds the error path, arguments.py the argument types, memory.py the memory check;
the stop signals (:class:`Interrupted` and its helpers) are the trainer's, from
:mod:`minigan.gan.stop_signals`, passed on here for the programs.
"""
from minigan.cli.arguments import add_generator_choice, int_at_least, non_negative_float, non_negative_int, positive_float, positive_int
from minigan.cli.memory import available_memory, require_memory
from minigan.cli.program import EXIT_BAD_INPUT, EXIT_FAILED, OneLineParser, UsageError, one_line, run_program, say_error
from minigan.gan.stop_signals import STOP_SIGNALS, Interrupted, exit_status, handling_stop_signals, raise_interrupted

__all__ = [
    "EXIT_FAILED", "EXIT_BAD_INPUT", "UsageError", "OneLineParser", "one_line", "say_error", "run_program",
    "available_memory", "require_memory",
    "add_generator_choice", "int_at_least", "positive_int", "non_negative_int", "positive_float", "non_negative_float",
    "Interrupted", "exit_status", "raise_interrupted", "handling_stop_signals", "STOP_SIGNALS",
]
