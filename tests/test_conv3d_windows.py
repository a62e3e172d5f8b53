"""The 3-d window Functions under F.conv3d and F.conv_transpose3d (minigan/ops/convolution3d.py):
Patches3d (vol2col) against NumPy loops written out here, FoldPatches3d as its adjoint
(<patches(x), g> = <x, fold(g)>) and against loops adding each window back, drawn by Hypothesis;
the Numba col2vol kernel bit for bit against the NumPy reference; and float32 convolutions against the float64 loop reference of tests/test_layers_3d.py."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
import minigan.nn.functional as F
from minigan.backends.numba import windows3d
from minigan.backends.numpy import backend as reference
from minigan.ops.convolution3d import FoldPatches3d, Patches3d

from test_layers_3d import conv3d_by_hand


def windows_by_hand(x, kernel, stride, padding, dilation, out):
    """cols[k, a, b, t, p, q] = x_pad[a, b, t sd + i dd, p sh + j dh, q sw + l dw], k = (i, j, l) row-major."""
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    cols = np.zeros((int(np.prod(kernel)),) + x.shape[:2] + tuple(out))
    for k, (i, j, l) in enumerate(np.ndindex(*kernel)):
        for t, p, q in np.ndindex(*out):
            cols[k, :, :, t, p, q] = xp[:, :, t * stride[0] + i * dilation[0], p * stride[1] + j * dilation[1],
                                        q * stride[2] + l * dilation[2]]
    return cols


def fold_by_hand(cols, size, kernel, stride, padding, dilation):
    """Each window value added back at its place of the padded volume, then the padding cut off."""
    out = np.zeros(cols.shape[1:3] + tuple(n + 2 * p for n, p in zip(size, padding)))
    for k, (i, j, l) in enumerate(np.ndindex(*kernel)):
        for t, p, q in np.ndindex(*cols.shape[3:]):
            out[:, :, t * stride[0] + i * dilation[0], p * stride[1] + j * dilation[1],
                q * stride[2] + l * dilation[2]] += cols[k, :, :, t, p, q]
    return out[(slice(None), slice(None)) + tuple(slice(p, p + n) for n, p in zip(size, padding))]


def out_sizes(size, kernel, stride, padding, dilation):
    """Each axis's number of windows: floor((n + 2p - d (k - 1) - 1) / s) + 1."""
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(size, padding, dilation, kernel, stride))


geometry = st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(0, 2), st.integers(1, 2), st.integers(1, 5))


def draw_property(data, fold):
    """(fn, arrays, expected) of a small drawn Patches3d (fold False) or FoldPatches3d (fold True) case,
    expected from the loops above: the Hypothesis property of tests/test_ops_properties.py."""
    axes = [data.draw(st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2),
                                st.integers(1, 3))) for _ in range(3)]
    kernel, stride, padding, dilation, extra = (tuple(a[i] for a in axes) for i in range(5))
    size = tuple(d * (k - 1) + 1 + e - 1 for k, d, e in zip(kernel, dilation, extra))  # each window fits
    out = out_sizes(size, kernel, stride, padding, dilation)
    options = dict(kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if fold:
        g = rng.standard_normal((int(np.prod(kernel)), 1, 2) + out)
        return (lambda t: FoldPatches3d.apply(t, in_dhw=size, **options), [g],
                fold_by_hand(g, size, kernel, stride, padding, dilation))
    x = rng.standard_normal((1, 2) + size)
    return (lambda t: Patches3d.apply(t, out_dhw=out, **options), [x],
            windows_by_hand(x, kernel, stride, padding, dilation, out))


@settings(max_examples=40, deadline=None)
@given(axes=st.tuples(geometry, geometry, geometry), seed=st.integers(0, 2**16))
def test_patches3d_and_its_adjoint_against_loops(axes, seed):
    kernel, stride, padding, dilation, size = (tuple(a[i] for a in axes) for i in range(5))
    out = out_sizes(size, kernel, stride, padding, dilation)
    if min(out) < 1:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3) + size)
    g = rng.standard_normal((int(np.prod(kernel)), 2, 3) + out)
    options = dict(kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    cols = Patches3d.apply(minigan.tensor(x), out_dhw=out, **options).numpy()
    folded = FoldPatches3d.apply(minigan.tensor(g), in_dhw=size, **options).numpy()
    np.testing.assert_allclose(cols, windows_by_hand(x, kernel, stride, padding, dilation, out), rtol=0, atol=0)
    np.testing.assert_allclose(folded, fold_by_hand(g, size, kernel, stride, padding, dilation), rtol=1e-12, atol=1e-12)
    assert np.isclose(np.sum(cols * g), np.sum(x * folded), rtol=1e-10, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(axes=st.tuples(geometry, geometry, geometry), seed=st.integers(0, 2**16), dtype=st.sampled_from(["float32", "float64"]))
def test_numba_col2vol_is_the_reference_bit_for_bit(axes, seed, dtype):
    kernel, stride, padding, dilation, size = (tuple(a[i] for a in axes) for i in range(5))
    out = out_sizes(size, kernel, stride, padding, dilation)
    if min(out) < 1:
        return
    g = np.random.default_rng(seed).standard_normal((int(np.prod(kernel)), 2, 3) + out).astype(dtype)
    compiled = windows3d.fold3d(g, size, kernel, stride, padding, dilation)
    plain = reference.fold3d(g, size, kernel, stride, padding, dilation)
    assert compiled.dtype == plain.dtype and compiled.shape == plain.shape
    assert np.array_equal(compiled, plain)


@pytest.mark.parametrize("stride, padding, dilation, groups", [
    ((1, 1, 1), (1, 1, 1), (1, 1, 1), 1), ((2, 1, 3), (0, 2, 1), (1, 2, 1), 2), ((1, 2, 1), (1, 0, 0), (2, 1, 1), 4)])
def test_float32_convolutions_against_the_float64_loops(stride, padding, dilation, groups):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 5, 6, 7))
    w = rng.standard_normal((8, 4 // groups, 3, 2, 3))
    b = rng.standard_normal(8)
    y = F.conv3d(minigan.tensor(x.astype(np.float32)), minigan.tensor(w.astype(np.float32)),
                 minigan.tensor(b.astype(np.float32)), stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert y.dtype == minigan.float32
    np.testing.assert_allclose(y.numpy(), conv3d_by_hand(x, w, b, stride, padding, dilation, groups), rtol=1e-4, atol=1e-4)
    # conv_transpose3d is conv3d's adjoint in its input: <conv3d(x, w), v> = <x, conv_transpose3d(v, w)>
    v = rng.standard_normal(y.shape)
    back = F.conv_transpose3d(minigan.tensor(v.astype(np.float32)), minigan.tensor(w.astype(np.float32)), stride=stride,
                              padding=padding, dilation=dilation, groups=groups,
                              output_padding=tuple(n + 2 * p - d * (k - 1) - 1 - (m - 1) * s for n, p, d, k, m, s in
                                                   zip(x.shape[2:], padding, dilation, w.shape[2:], y.shape[2:], stride)))
    assert back.shape == x.shape
    plain = conv3d_by_hand(x, w, np.zeros(8), stride, padding, dilation, groups)
    assert np.isclose(np.sum(plain * v), np.sum(x * back.numpy().astype(np.float64)), rtol=1e-4)
