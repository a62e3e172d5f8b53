"""Views share their base's version counter, as in PyTorch: a change through the base or any view
bumps them all, so a backward that needs a saved view (or a saved base) changed since raises.

The version sequences, errors and gradients below are PyTorch 2.14.1's, from the same scenarios
run under torch (written out here as literals).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
from minigan.autograd.function import Function
from minigan.gradcheck.coverage import function_classes

MODIFIED = r"modified by an inplace operation: \[torch\.FloatTensor \[{}\]\] is at version 1; expected version 0 instead"
OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
           "location. Please clone() the tensor before performing the operation.")


def _versions(*tensors):
    return tuple(t._version for t in tensors)


def test_views_of_every_kind_share_the_counter_and_copies_do_not():
    x = minigan.zeros(3, 4)
    a, b, c, d, e = x[1:], x.view(12), x.t(), x[0], x.unfold(1, 2, 2)
    f, g = x[[0, 1]], x.t().reshape(12)  # an integer-array index and a reshape that cannot be a view copy
    seen = [_versions(x, a, b, c, d, e, f, g)]
    x.add_(1)
    seen.append(_versions(x, a, b, c, d, e, f, g))
    a.mul_(2)
    seen.append(_versions(x, a, b, c, d, e, f, g))
    b.zero_()
    seen.append(_versions(x, a, b, c, d, e, f, g))
    x[0] = 3
    seen.append(_versions(x, a, b, c, d, e, f, g))
    e.fill_(1)
    seen.append(_versions(x, a, b, c, d, e, f, g))
    f.add_(1)
    g.add_(1)
    seen.append(_versions(x, a, b, c, d, e, f, g))
    assert seen == [(0, 0, 0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 0, 0), (2, 2, 2, 2, 2, 2, 0, 0),
                    (3, 3, 3, 3, 3, 3, 0, 0), (4, 4, 4, 4, 4, 4, 0, 0), (5, 5, 5, 5, 5, 5, 0, 0),
                    (5, 5, 5, 5, 5, 5, 1, 1)]
    assert x.tolist() == [[1.0] * 4, [1.0] * 4, [1.0] * 4]  # e's windows cover x: fill_ reached it


def test_views_of_views_split_unbind_chunk_and_detach_share_it_data_does_not():
    x = minigan.zeros(2, 3, 4)
    v = x.permute(2, 0, 1)[1].reshape(6).narrow(0, 1, 3)
    s, u, k = x.split(1, 0)[1], x.unbind(2)[3], x.chunk(3, 1)[2]
    detached, data = v.detach(), x.data
    seen = [_versions(x, v, s, u, k, detached, data)]
    v.add_(1)
    seen.append(_versions(x, v, s, u, k, detached, data))
    detached.sub_(1)
    seen.append(_versions(x, v, s, u, k, detached, data))
    data.add_(1)
    seen.append(_versions(x, v, s, u, k, detached, data))
    s.mul_(3)
    seen.append(_versions(x, v, s, u, k, detached, data))
    assert seen == [(0, 0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 0), (2, 2, 2, 2, 2, 2, 0),
                    (2, 2, 2, 2, 2, 2, 1), (3, 3, 3, 3, 3, 3, 1)]


def _view_saved_base_changed():
    x, w = minigan.tensor([1., 2., 3.]), minigan.tensor([1., 1., 1.], requires_grad=True)
    y = (x[0:3] * w).sum()
    x.add_(1)  # before views shared the counter, backward gave w.grad [1, 2, 3] from the new values
    return y


def _base_saved_view_changed():
    x, w = minigan.tensor([1., 2., 3.]), minigan.tensor([1., 1., 1.], requires_grad=True)
    y = (x * w).sum()
    x[1:].mul_(2)
    return y


def _weight_view_saved_then_changed():
    w = minigan.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    h = minigan.tensor([[1., -1.]], requires_grad=True)
    y = (h @ w.t()).sum()
    with minigan.no_grad():
        w.sub_(0.5)  # as an optimizer step between forward and backward
    return y


def _output_view_changed():
    w = minigan.tensor([0., 1., 2.], requires_grad=True)
    y = w.exp()  # exp's backward reads its output
    with minigan.no_grad():
        y[0:1].add_(1)
    return y.sum()


def _unfold_saved():
    x, w = minigan.arange(5.), minigan.ones(2, 3, requires_grad=True)
    y = (x.unfold(0, 3, 2) * w).sum()
    x.add_(1)
    return y


def _split_saved():
    x, w = minigan.tensor([[1., 2.], [3., 4.]]), minigan.ones(1, 2, requires_grad=True)
    top, bottom = x.split(1)
    y = (bottom * w).sum()
    top.zero_()
    return y


def _expand_saved():
    x, w = minigan.tensor([[1.], [2.]]), minigan.ones(2, 3, requires_grad=True)
    y = (x.expand(2, 3) * w).sum()
    x.mul_(2)
    return y


@pytest.mark.parametrize("scenario, shape, made_by", [
    (_view_saved_base_changed, "3", None), (_base_saved_view_changed, "3", None),
    (_weight_view_saved_then_changed, "2, 2", "Transpose"), (_output_view_changed, "3", "Exp"),
    (_unfold_saved, "2, 3", None), (_split_saved, "1, 2", None), (_expand_saved, "2, 3", None),
])
def test_backward_through_a_changed_view_or_base_raises_as_pytorch(scenario, shape, made_by):
    loss = scenario()
    pattern = MODIFIED.format(shape) if made_by is None else MODIFIED.format(shape).replace(
        r"\] is at", rf"\], which is output 0 of {made_by}, is at")
    with pytest.raises(RuntimeError, match=pattern):
        loss.backward()


def test_a_view_nothing_saved_may_change():
    x, w = minigan.tensor([1., 2., 3.]), minigan.tensor([1., 2., 3.], requires_grad=True)
    y = (w + x).sum() + (w * w).sum()  # add reads neither operand: x is not needed
    x[1:].add_(5)
    y.backward()
    assert w.grad.tolist() == [3.0, 5.0, 7.0] and x.tolist() == [1.0, 7.0, 8.0]


def test_a_view_changed_before_the_op_that_saves_it():
    x, w = minigan.tensor([1., 2., 3.]), minigan.tensor([1., 1., 1.], requires_grad=True)
    a = x.view(3)
    x.mul_(2)
    (a * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0, 6.0] and _versions(x, a) == (1, 1)


@pytest.mark.parametrize("copy", [lambda x: x[[0, 1, 2]], lambda x: x.flip(0)])
def test_copies_keep_their_values_and_gradients_when_the_source_changes(copy):
    x, w = minigan.tensor([1., 2., 3.]), minigan.tensor([1., 1., 1.], requires_grad=True)
    a = copy(x)
    before = a.tolist()
    y = (a * w).sum()
    x.add_(1)
    y.backward()
    assert a.tolist() == before and w.grad.tolist() == before  # flip copies, as PyTorch's (NumPy's is a view)


class _Ident(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g


class _Tail(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x[1:]

    @staticmethod
    def backward(ctx, g):
        return minigan.cat([minigan.zeros(1), g])


class _Double(minigan.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_a_custom_function_returning_its_input_or_a_view_of_it_shares_the_counter():
    x = minigan.zeros(3, requires_grad=True)
    same, tail = _Ident.apply(x), _Tail.apply(x)
    with minigan.no_grad():
        x.add_(1)
    assert _versions(same, tail) == (1, 1) and same is not x
    x, w = minigan.zeros(3), minigan.ones(2, requires_grad=True)
    doubled, tail = _Double.apply(x), _Tail.apply(x)
    loss = (tail * w).sum()
    x.add_(1)
    assert _versions(doubled, tail) == (0, 1)  # a new result keeps a counter of its own
    with pytest.raises(RuntimeError, match=MODIFIED.format("2")):
        loss.backward()


def test_view_ops_do_not_save_their_output():
    # the saved-output check expects version 0, which a view sharing its base's counter may not have
    views = [cls.__name__ for cls in function_classes() if cls.view_of is not None]
    assert {"Reshape", "Transpose", "BroadcastTo", "GetItem", "Part", "Windows"} <= set(views)
    assert Function.view_of is None
    assert [cls.__name__ for cls in function_classes() if cls.view_of is not None and cls.saves_output] == []


# ------------------------------------------------------------------------------ Tensor.unfold, a view
def test_unfold_is_a_view_writes_go_through_and_its_gradient_counts_windows():
    x = minigan.arange(6.).reshape(2, 3)
    windows = x.unfold(1, 1, 2)  # windows apart: writable, as PyTorch's
    windows.mul_(10)
    assert x.tolist() == [[0.0, 1.0, 20.0], [30.0, 4.0, 50.0]]
    # PyTorch: x = arange(1., 6.) requiring grad, (x.unfold(0, 3, 1) * [1, 10, 100]).sum().backward()
    x = minigan.tensor([1., 2., 3., 4., 5.], requires_grad=True)
    (x.unfold(0, 3, 1) * minigan.tensor([1., 10., 100.])).sum().backward()
    assert x.grad.tolist() == [1.0, 11.0, 111.0, 110.0, 100.0]


@pytest.mark.parametrize("make", [lambda x: x[:1].expand(3, 4), lambda x: x.unfold(1, 2, 1)])
def test_writing_to_elements_that_share_memory_raises_pytorchs_error(make):
    x = minigan.arange(12.).reshape(3, 4)
    view = make(x)
    for write in (lambda: view.add_(1), lambda: view.fill_(1), lambda: view.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match=r"^unsupported operation: more than one element"):
            write()
    assert x.tolist() == np.arange(12.).reshape(3, 4).tolist() and x._version == 0


@settings(deadline=None, derandomize=True, max_examples=40)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.data())
def test_unfold_values_and_gradient_match_a_plain_loop(shape, data):
    axis = data.draw(st.integers(0, len(shape) - 1))
    size = data.draw(st.integers(0, shape[axis]))
    step = data.draw(st.integers(1, 3))
    transposed = data.draw(st.booleans())
    rng = np.random.default_rng(len(shape) * 100 + axis * 10 + size)
    base = rng.standard_normal(shape[::-1] if transposed else shape)
    array = base.T if transposed else base  # a non-contiguous input too
    x = minigan.Tensor._make(array, True, None)
    out = x.unfold(axis, size, step)
    moved = np.moveaxis(array, axis, 0)
    starts = range(0, shape[axis] - size + 1, step)
    expected = np.stack([np.moveaxis(moved[s:s + size], 0, -1) for s in starts], axis=axis)
    np.testing.assert_array_equal(out.array, expected)
    assert np.shares_memory(out.array, array) or out.array.size == 0
    upstream = rng.standard_normal(expected.shape)
    out.backward(minigan.tensor(upstream))
    grad = np.zeros(np.moveaxis(array, axis, 0).shape)
    for i, s in enumerate(starts):  # each window's gradient added back where its elements came from
        grad[s:s + size] += np.moveaxis(np.take(upstream, i, axis=axis), -1, 0)
    np.testing.assert_allclose(x.grad.array, np.moveaxis(grad, 0, axis), rtol=1e-12, atol=1e-12)
