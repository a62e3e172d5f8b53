"""The checks each registered case gets, shared by the table, the mutation run and the tests."""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from . import GradcheckResult, check_backward, gradcheck, gradgradcheck
from .opcase import OpCase, Shapes, layout_of


def checks_for(case: OpCase, layout: str, gradgrad: bool) -> list[tuple[str, Callable[..., GradcheckResult]]]:
    """The checks one table row group runs: first order in every layout, second order in C order."""
    if case.params is not None:
        checks = [("direction", lambda fn, xs, **kw: check_backward(fn, xs, case.params(), **kw))]
    else:
        checks = [("grad", gradcheck)]
    if gradgrad and case.gradgrad and layout == "contiguous":
        checks.append(("gradgrad", gradgradcheck))
    return checks


def case_rows(case: OpCase, seed: int = 0, gradgrad: bool = True) -> Iterator[tuple[str, str, Shapes, GradcheckResult]]:
    """(check, layout, shapes, result) for every check of one case; each layout row really has it.

    The random inputs come from a generator seeded per case, so a case's rows are the same
    whether it runs alone, in the full table or in the mutation run.
    """
    rng = np.random.default_rng(seed)
    for shapes in case.shapes:
        for layout in case.layouts_for(shapes):
            for label, check in checks_for(case, layout, gradgrad):
                inputs = case.inputs(shapes, rng, layout=layout)
                if not any(layout_of(x.array) == layout for x in inputs):
                    raise AssertionError(f"{case.name}: no input of shapes {shapes} is {layout}")
                yield label, layout, shapes, check(case.fn, inputs, rng=rng, raise_exception=False)
