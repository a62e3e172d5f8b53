"""Step 1: a scalar Value that records + and *, and backpropagates through them.

A Value holds a number (``data``), the gradient of the final output with respect to it
(``grad``, filled by backward), the Values it was made from (``_parents``) and a function
``_backward`` that passes ``out.grad`` on to the parents by the chain rule.

Fill in ``__add__`` and ``__mul__``. Each must:

1. make ``out = Value(<the result>, (self, other))``;
2. define ``_backward()`` that ADDS this op's share of the gradient to each parent's ``grad``
   (``+=``, not ``=``: a Value used twice gets both shares), using ``out.grad``;
3. set ``out._backward = _backward`` and return ``out``.

For out = a + b: d out/d a = 1 and d out/d b = 1.  For out = a * b: d out/d a = b, d out/d b = a.
Check with:  python -m minigan.exercises check 1
"""


class Value:
    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(_parents)
        self._backward = lambda: None  # a leaf passes nothing on

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        raise NotImplementedError("Value.__add__")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        raise NotImplementedError("Value.__mul__")

    def __radd__(self, other):  # 2 + v
        return self + other

    def __rmul__(self, other):  # 2 * v
        return self * other

    def backward(self):
        """Given: visit every Value once, parents before children, then run each _backward
        from the output down (step 2 writes this sort without recursion)."""
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for parent in v._parents:
                    visit(parent)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
