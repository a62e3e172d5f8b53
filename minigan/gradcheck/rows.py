"""The checks each registered case gets, shared by the table, the mutation run and the tests."""
from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Row:
    """One check of one case: which check, in which layout, on which shapes."""

    case: OpCase
    label: str
    layout: str
    shapes: Shapes
    check: Callable[..., GradcheckResult]

    def run(self, rng: np.random.Generator) -> GradcheckResult:
        """Draw the inputs from ``rng`` and check (what is drawn depends on the case, not on the result)."""
        inputs = self.case.inputs(self.shapes, rng, layout=self.layout)
        if not any(layout_of(x.array) == self.layout for x in inputs):
            raise AssertionError(f"{self.case.name}: no input of shapes {self.shapes} is {self.layout}")
        return self.check(self.case.fn, inputs, rng=rng, raise_exception=False)


def planned_rows(case: OpCase, gradgrad: bool = True) -> list[Row]:
    """The rows of one case, in table order."""
    return [Row(case, label, layout, shapes, check)
            for shapes in case.shapes
            for layout in case.layouts_for(shapes)
            for label, check in checks_for(case, layout, gradgrad)]


def case_rows(case: OpCase, seed: int = 0, gradgrad: bool = True) -> Iterator[tuple[str, str, Shapes, GradcheckResult]]:
    """(check, layout, shapes, result) for every check of one case; each layout row really has it.

    The random inputs come from a generator seeded per case, so a case's rows are the same
    whether it runs alone, in the full table or in the mutation run.
    """
    rng = np.random.default_rng(seed)
    for row in planned_rows(case, gradgrad):
        yield row.label, row.layout, row.shapes, row.run(rng)
