"""Exercises: build a working engine piece by piece, in the order of docs/tour.md.

    python -m minigan.exercises start             # copy the six stubs to ./exercises
    python -m minigan.exercises check 1           # check your step 1 (exercises/step1_value.py)
    python -m minigan.exercises check 3 --dir DIR # check DIR/step3_unbroadcast.py

1. a scalar Value with + and *            4. the backward of matmul
2. the topological sort                   5. a sigmoid and BCE on logits
3. broadcasting and unbroadcast           6. one GAN step

Each stub says what to write and has no solution in it. Each checker runs finite differences
and properties against your code and says what is wrong in plain words. This package imports
only NumPy, like minigan/micro.py; tests/test_exercises.py runs every checker against a
reference solution kept in the tests and against the empty stubs.
"""
from .checks import STEPS, Failed, numeric_grad, run

__all__ = ["STEPS", "Failed", "numeric_grad", "run"]
