"""PyTorch's tensor plumbing: ``frombuffer``, ``from_file``, ``histogramdd``, ``detach_copy``,
``empty_strided`` and the Tensor methods ``new``, ``is_set_to``, ``set_``, ``resize``,
``resize_as`` and ``new_empty_strided``. Expected values are written out by hand (or by plain
NumPy), from PyTorch 2.14's behaviour as checked against it; memory sharing is checked by writing
through one side and reading the other."""
from __future__ import annotations

import array
import os

import numpy as np
import pytest

import minigan as mg

POINTS = [[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]]


# ---------------------------------------------------------------------------- frombuffer
def test_frombuffer_reads_the_bytes_little_endian_and_shares_them():
    buffer = bytearray(range(8))
    t = mg.frombuffer(buffer, dtype=mg.int32)
    assert t.dtype == np.int32 and t.shape == (2,)
    assert t.tolist() == [0x03020100, 0x07060504]
    t[1] = 258  # 0x00000102: the bytes 2, 1, 0, 0
    assert bytes(buffer[4:]) == b"\x02\x01\x00\x00"
    buffer[0] = 7
    assert t.tolist() == [0x03020107, 258]


def test_frombuffer_offset_and_count():
    buffer = bytearray(range(16))
    t = mg.frombuffer(buffer, dtype=mg.int32, offset=4, count=2)
    assert t.tolist() == [0x07060504, 0x0B0A0908]
    assert mg.frombuffer(buffer, dtype=mg.uint8, offset=15).tolist() == [15]
    assert mg.frombuffer(buffer, dtype=mg.int32, offset=3, count=2).tolist() == [0x06050403, 0x0A090807]
    assert mg.frombuffer(buffer, dtype=mg.int32, count=-2).shape == (4,)  # any negative count: all of it


def test_frombuffer_other_buffers_and_dtypes():
    t = mg.frombuffer(array.array("d", [1.5, 2.5]), dtype=mg.float64)
    assert t.dtype == np.float64 and t.tolist() == [1.5, 2.5]
    assert mg.frombuffer(bytearray([0, 1, 1]), dtype=mg.bool).tolist() == [False, True, True]
    assert mg.frombuffer(bytearray(b"\x00\x00\x80\x3f"), dtype=mg.float32).tolist() == [1.0]
    assert mg.frombuffer(np.array([5, 6], np.int64), dtype=mg.int64).tolist() == [5, 6]
    grad = mg.frombuffer(bytearray(8), dtype=mg.float32, requires_grad=True)
    assert grad.requires_grad and grad.tolist() == [0.0, 0.0]


def test_frombuffer_read_only_buffer_warns_and_refuses_writes():
    data = b"\x01\x00\x00\x00"
    with pytest.warns(UserWarning, match="The given buffer is not writable"):
        t = mg.frombuffer(data, dtype=mg.int32)
    assert t.tolist() == [1]
    with pytest.raises(RuntimeError, match="^this tensor lies in a read-only buffer"):
        t[0] = 5
    with pytest.raises(RuntimeError, match="^this tensor lies in a read-only buffer"):
        t.add_(1)
    assert data == b"\x01\x00\x00\x00" and t.tolist() == [1]


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(offset=3), ValueError, "buffer length (13 bytes) after offset (3 bytes) must be a multiple of element size (4)"),
    (dict(offset=16), ValueError,
     "offset (16 bytes) must be non-negative and no greater than buffer length (16 bytes) minus 1"),
    (dict(offset=-1), ValueError,
     "offset (-1 bytes) must be non-negative and no greater than buffer length (16 bytes) minus 1"),
    (dict(count=5), ValueError, "requested buffer length (5 * 4 bytes) after offset (0 bytes) must not be greater than "
                                "actual buffer length (16 bytes)"),
    (dict(offset=8, count=3), ValueError, "requested buffer length (3 * 4 bytes) after offset (8 bytes) must not be "
                                          "greater than actual buffer length (16 bytes)"),
    (dict(count=0), ValueError, "both buffer length (16) and count (0) must not be 0"),
    (dict(count=2.0), TypeError, "frombuffer(): argument 'count' must be int, not float"),
    (dict(offset=1.0), TypeError, "frombuffer(): argument 'offset' must be int, not float"),
])
def test_frombuffer_errors(kwargs, error, message):
    with pytest.raises(error) as caught:
        mg.frombuffer(bytearray(16), dtype=mg.int32, **kwargs)
    assert str(caught.value) == message


def test_frombuffer_errors_of_the_buffer():
    with pytest.raises(ValueError, match=r"^buffer length \(15 bytes\) after offset \(0 bytes\) must be a multiple"):
        mg.frombuffer(bytearray(15), dtype=mg.int32)
    with pytest.raises(ValueError, match=r"^both buffer length \(0\) and count \(-1\) must not be 0$"):
        mg.frombuffer(bytearray(), dtype=mg.int32)
    with pytest.raises(ValueError, match=r"^object does not implement Python buffer protocol\.$"):
        mg.frombuffer([1, 2], dtype=mg.int32)
    with pytest.raises(RuntimeError, match=r"^could not retrieve buffer from object$"):
        mg.frombuffer(memoryview(bytearray(8))[::2], dtype=mg.uint8)
    with pytest.raises(TypeError, match="dtype"):
        mg.frombuffer(bytearray(8))


# ---------------------------------------------------------------------------- from_file
def _file(tmp_path, values=(0.0, 1.0, 2.0, 3.0, 4.0, 5.0)):
    path = tmp_path / "values.bin"
    np.array(values, np.float32).tofile(path)
    return str(path)


def test_from_file_reads_size_elements_of_dtype(tmp_path):
    path = _file(tmp_path)
    t = mg.from_file(path, size=6)
    assert t.dtype == np.float32 and t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert mg.from_file(path, size=2, dtype=mg.int32).tolist() == [0, 0x3F800000]  # the bits of 0.0 and 1.0
    assert mg.from_file(path).shape == (0,)  # size=0, the default
    assert mg.from_file(path, size=2, requires_grad=True).requires_grad


@pytest.mark.parametrize("shared", [None, False])
def test_from_file_private_mapping_leaves_the_file_alone(tmp_path, shared):
    path = _file(tmp_path)
    t = mg.from_file(path, shared=shared, size=4)
    t[0] = 100.0
    assert t.tolist() == [100.0, 1.0, 2.0, 3.0]
    assert np.fromfile(path, np.float32).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_from_file_shared_mapping_writes_to_the_file(tmp_path):
    path = _file(tmp_path)
    t = mg.from_file(path, shared=True, size=4)
    t[0] = 100.0
    assert np.fromfile(path, np.float32).tolist() == [100.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_from_file_shared_lengthens_a_short_file_and_makes_a_missing_one(tmp_path):
    path = _file(tmp_path)
    assert mg.from_file(path, shared=True, size=7).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.0]
    assert os.path.getsize(path) == 28
    new = str(tmp_path / "new.bin")
    assert mg.from_file(new, shared=True, size=2).tolist() == [0.0, 0.0]
    assert os.path.getsize(new) == 8


def test_from_file_too_short_and_missing(tmp_path):
    path = _file(tmp_path)
    with pytest.raises(RuntimeError) as caught:
        mg.from_file(path, size=7)
    assert str(caught.value) == f"file <{path}> size <24> is smaller than the required mapping size <28>"
    missing = str(tmp_path / "missing.bin")
    with pytest.raises(RuntimeError) as caught:
        mg.from_file(missing, size=2)
    assert str(caught.value) == f"unable to open file <{missing}> in read-only mode: No such file or directory (2)"
    assert not os.path.exists(missing)


def test_from_file_argument_errors(tmp_path):
    path = _file(tmp_path)
    with pytest.raises(TypeError, match=r"^from_file\(\): argument 'filename' \(position 1\) must be str, not PosixPath$"):
        mg.from_file(tmp_path / "values.bin", size=2)
    with pytest.raises(TypeError, match=r"^from_file\(\): argument 'shared' must be bool, not int$"):
        mg.from_file(path, 0, 2)
    with pytest.raises(TypeError, match=r"^from_file\(\): argument 'size' must be int, not float$"):
        mg.from_file(path, size=2.0)


# ---------------------------------------------------------------------------- histogramdd
def test_histogramdd_counts_weights_and_names_its_results():
    weight = mg.tensor([1.0, 2.0, 4.0, 8.0])
    result = mg.histogramdd(mg.tensor(POINTS), bins=[3, 3], weight=weight)
    assert type(result).__name__ == "histogramdd" and result._fields == ("hist", "bin_edges")
    hist, edges = result
    # edges 0, 2/3, 4/3, 2 in each dimension; (2, 0) and (2, 2) fall in the last bin: it holds its right edge
    assert hist.dtype == np.float32
    assert hist.tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [4.0, 0.0, 8.0]]
    assert isinstance(edges, tuple) and len(edges) == 2
    np.testing.assert_allclose(edges[0].numpy(), [0.0, 2 / 3, 4 / 3, 2.0], rtol=1e-6)
    expected, _ = np.histogramdd(np.array(POINTS), bins=[3, 3], weights=[1, 2, 4, 8])
    assert hist.tolist() == expected.tolist()


def test_histogramdd_bins_as_an_int_and_with_a_range():
    hist, edges = mg.histogramdd(mg.tensor(POINTS), bins=2)
    assert hist.tolist() == [[0.0, 1.0], [2.0, 1.0]]
    assert [e.tolist() for e in edges] == [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    hist, edges = mg.histogramdd(mg.tensor(POINTS), bins=(2, 2), range=[0.0, 1.0, 0.0, 1.0])
    assert hist.tolist() == [[0.0, 1.0], [1.0, 0.0]]  # (2, 0) and (2, 2) are outside
    assert [e.tolist() for e in edges] == [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    hist, edges = mg.histogramdd(mg.full((3, 2), 5.0), bins=[2, 2])  # one value: widened by 1/2 each way
    assert hist.tolist() == [[0.0, 0.0], [0.0, 3.0]] and edges[0].tolist() == [4.5, 5.0, 5.5]


def test_histogramdd_edges_are_rounded_as_pytorchs_linspace():
    _, edges = mg.histogramdd(mg.tensor(POINTS), bins=[5, 4], range=[-0.3, 2.1, 0.1, 1.7])
    # torch 2.14's values (float32), which differ from a float64 linspace rounded to float32 in the last bit
    assert edges[0].numpy().tolist() == np.array([-0.3, 0.1799999475479126, 0.6599999070167542, 1.1399999856948853,
                                                  1.619999885559082, 2.1], np.float32).tolist()
    assert edges[1].numpy().tolist() == np.array([0.1, 0.5, 0.9000000357627869, 1.3000000715255737, 1.7],
                                                 np.float32).tolist()


def test_histogramdd_edge_tensors():
    edges_in = [mg.tensor([0.0, 1.0, 2.0]), mg.tensor([0.0, 2.0])]
    hist, edges = mg.histogramdd(mg.tensor(POINTS), bins=edges_in, range=[0.0, 1.0, 0.0, 1.0])  # range unused
    assert hist.tolist() == [[1.0], [3.0]]
    assert [e.tolist() for e in edges] == [[0.0, 1.0, 2.0], [0.0, 2.0]]
    edges[0][0] = 9.0
    assert edges_in[0].tolist() == [0.0, 1.0, 2.0]  # the result's edges are copies
    hist, _ = mg.histogramdd(mg.tensor(POINTS), bins=[mg.tensor([1.0, 0.0]), mg.tensor([0.0, 2.0])])
    assert hist.tolist() == [[0.0]]  # decreasing edges hold nothing, as PyTorch's


def test_histogramdd_against_numpy_on_random_points():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(200, 3))
    weights = rng.random(200)
    edges = [np.linspace(-2.0, 2.0, 5), np.array([-3.0, -0.5, 0.0, 0.25, 3.0]), np.linspace(-1.0, 1.5, 4)]
    hist, _ = mg.histogramdd(mg.tensor(points), bins=[mg.tensor(e) for e in edges], weight=mg.tensor(weights))
    expected, _ = np.histogramdd(points, bins=edges, weights=weights)
    np.testing.assert_allclose(hist.numpy(), expected, rtol=1e-12)
    dense, _ = mg.histogramdd(mg.tensor(points), bins=[mg.tensor(e) for e in edges], density=True)
    expected, _ = np.histogramdd(points, bins=edges, density=True)
    np.testing.assert_allclose(dense.numpy(), expected, rtol=1e-12)


def test_histogramdd_density_weights_and_shapes():
    hist, _ = mg.histogramdd(mg.tensor(POINTS), bins=[2, 2], weight=mg.tensor([1.0, 2.0, 3.0, 4.0]), density=True)
    np.testing.assert_allclose(hist.numpy(), [[0.0, 0.1], [0.5, 0.4]], rtol=1e-6)  # weights / 10, bins of area 1
    hist, _ = mg.histogramdd(mg.tensor(POINTS), bins=[2, 2], weight=mg.zeros(4), density=True)
    assert np.isnan(hist.numpy()).all()  # 0 / 0, as PyTorch's
    hist, edges = mg.histogramdd(mg.zeros(2, 3, 2), bins=[2, 2], weight=mg.arange(6.0).reshape(2, 3))
    assert hist.tolist() == [[0.0, 0.0], [0.0, 15.0]] and edges[0].tolist() == [-0.5, 0.0, 0.5]
    hist, edges = mg.histogramdd(mg.zeros(0, 2), bins=[2, 2])
    assert hist.tolist() == [[0.0, 0.0], [0.0, 0.0]] and edges[1].tolist() == [0.0, 0.5, 1.0]
    hist, edges = mg.histogramdd(mg.zeros(2, 0), bins=[])
    assert hist.shape == () and hist.item() == 0.0 and edges == ()
    hist, _ = mg.histogramdd(mg.tensor(POINTS, dtype=mg.float64), bins=[2, 2])
    assert hist.dtype == np.float64


def test_histogramdd_has_no_gradient():
    x = mg.tensor(POINTS, requires_grad=True)
    hist, edges = mg.histogramdd(x, bins=[2, 2])
    assert hist.requires_grad and edges[0].requires_grad
    with pytest.raises(RuntimeError, match="^derivative for aten::_histogramdd_from_bin_cts is not implemented$"):
        hist.sum().backward()
    with pytest.raises(RuntimeError, match="^derivative for aten::_histogramdd_bin_edges is not implemented$"):
        mg.histogramdd(x, bins=[2, 2]).bin_edges[0].sum().backward()
    with mg.no_grad():
        assert not mg.histogramdd(x, bins=[2, 2]).hist.requires_grad


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(bins=[2]), RuntimeError, "histogramdd: The size of bins must be equal to the innermost dimension of the input."),
    (dict(bins=[2, 2], range=[0.0, 1.0]), RuntimeError,
     "torch.histogramdd: for a 2-dimensional histogram range should have 4 elements, but got 2"),
    (dict(bins=[mg.tensor([0.0, 1.0])]), RuntimeError,
     "torch.histogramdd: expected 2 sequences of bin edges for a 2-dimensional histogram but got 1"),
    (dict(bins=[0, 2]), RuntimeError, "torch.histogram(): bins must be > 0, but got 0 for dimension 0"),
    (dict(bins=[2, -1]), RuntimeError, "torch.histogramdd: bins tensor should have at least 1 element, but got 0 "
                                       "elements in the bins tensor for dimension 1"),
    (dict(bins=-2), RuntimeError, "number of steps must be non-negative"),
    (dict(bins=[2, 2], range=[1.0, 0.0, 0.0, 1.0]), RuntimeError,
     "torch.histogramdd: min should not exceed max, but got min 1 max 0 for dimension 0"),
    (dict(bins=[2, 2], range=[0.0, 1.0, 0.0, float("inf")]), RuntimeError,
     "torch.histogramdd: dimension 1's range [0, inf] is not finite"),
    (dict(bins=[2, 2], weight=mg.ones(3)), RuntimeError,
     "torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its "
     "innermost dimension, but got input with shape [4, 2] and weight with shape [3]"),
    (dict(bins=[2, 2], weight=mg.ones(4, dtype=mg.float64)), RuntimeError,
     "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but "
     "got input(float), and weight(double)"),
    (dict(bins=[mg.tensor([0.0, 1.0]), mg.tensor([0, 1])]), RuntimeError,
     "torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype float and "
     "bins for dimension 1 with dtype long int"),
    (dict(bins=[mg.tensor([[0.0, 1.0]]), mg.tensor([0.0, 1.0])]), RuntimeError,
     "torch.histogramdd: bins tensor should have one dimension, but got 2 dimensions in the bins tensor for dimension 0"),
    (dict(bins=[mg.tensor([0.0, 1.0]), mg.tensor([2.0])]), RuntimeError,
     "torch.histogram(): bins must be > 0, but got 0 for dimension 1"),
    (dict(bins=[mg.tensor([0.0, 1.0]), 2]), TypeError, "expected Tensor as element 1 in argument 1, but got int"),
    (dict(bins=[2.0, 2]), TypeError, "expected Tensor as element 0 in argument 1, but got float"),
])
def test_histogramdd_errors(kwargs, error, message):
    with pytest.raises(error) as caught:
        mg.histogramdd(mg.tensor(POINTS), **kwargs)
    assert str(caught.value) == message


def test_histogramdd_input_errors():
    with pytest.raises(RuntimeError, match=r"^torch\.histogramdd: input tensor should have at least 2 dimensions$"):
        mg.histogramdd(mg.tensor([1.0, 2.0]), bins=[2])
    with pytest.raises(NotImplementedError, match="^\"histogramdd\" not implemented for 'Long'$"):
        mg.histogramdd(mg.tensor([[0, 1]]), bins=[2, 2])
    with pytest.raises(NotImplementedError, match="^\"histogramdd\" not implemented for 'Half'$"):
        mg.histogramdd(mg.tensor(POINTS, dtype=mg.float16), bins=[2, 2])
    with pytest.raises(RuntimeError, match=r"^torch\.histogramdd: dimension 1's range \[nan, nan\] is not finite$"):
        mg.histogramdd(mg.tensor([[0.5, float("nan")], [0.1, 0.1]]), bins=[2, 2])


# ---------------------------------------------------------------------------- Tensor.new
def test_new_sizes_data_and_nothing():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64)
    made = x.new(2, 3)
    assert made.shape == (2, 3) and made.dtype == np.float64
    assert x.new(mg.Size([2, 3])).shape == (2, 3) and x.new(np.int64(2)).shape == (2,)
    empty = x.new()
    assert empty.shape == (0,) and empty.dtype == np.float64
    assert x.new((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data, as PyTorch's; a Size is sizes
    assert x.new([[1, 2]]).tolist() == [[1.0, 2.0]] and x.new([[1, 2]]).dtype == np.float64
    assert x.new(np.array([1, 2])).dtype == np.float64
    ints = mg.tensor([1, 2, 3]).new([1.5, 2.7])
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2]
    assert not mg.ones(2, requires_grad=True).new(2).requires_grad


def test_new_of_a_tensor_shares_its_memory_and_gradient():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64)
    source = mg.tensor([5.0, 6.0], dtype=mg.float64)
    alias = x.new(source)
    assert alias is not source
    alias[0] = 9.0
    assert source.tolist() == [9.0, 6.0]
    source[1] = -1.0
    assert alias.tolist() == [9.0, -1.0]
    leaf = mg.ones(2, requires_grad=True)
    (leaf.new(leaf) * mg.tensor([2.0, 3.0])).sum().backward()
    assert leaf.grad.tolist() == [2.0, 3.0]


def test_new_errors():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64)
    with pytest.raises(TypeError, match=r"^expected TensorOptions\(dtype=double, device=cpu.* \(got TensorOptions\(dtype=long int"):
        x.new(mg.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"^new\(\): data must be a sequence \(got float\)$"):
        x.new(2.5)
    with pytest.raises(RuntimeError, match=r"^Trying to create tensor with negative dimension -1: \[-1\]$"):
        x.new(-1)
    with pytest.raises(TypeError, match="failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\""):
        x.new(2, 3.0)


# ---------------------------------------------------------------------------- is_set_to
def test_is_set_to_compares_memory_start_shape_and_strides():
    a = mg.arange(6.0).reshape(2, 3)
    assert a.is_set_to(a) and a.is_set_to(a.detach()) and a.is_set_to(a.data) and a.is_set_to(a.view(2, 3))
    assert a[0].is_set_to(a[0]) and a[0].is_set_to(a.view(6)[:3]) and a[:, 0].is_set_to(a[:, 0])
    assert a.is_set_to(a.view(mg.int32))  # the same bytes read as another dtype of the same size
    assert not a.is_set_to(a.clone())  # other memory
    assert not a.is_set_to(a.view(3, 2))  # another shape
    assert not a.is_set_to(a.t())  # other strides
    assert not a[1].is_set_to(a[0])  # another start
    assert not a[:, 0].is_set_to(a[0, :2])  # the same start and shape, other strides
    assert not mg.empty(0).is_set_to(mg.empty(0))
    with pytest.raises(TypeError, match=r"^is_set_to\(\): argument 'tensor' \(position 1\) must be Tensor, not int$"):
        a.is_set_to(3)


# ---------------------------------------------------------------------------- set_
def test_set_shares_the_source_memory_shape_and_version_rules():
    x = mg.zeros(3)
    source = mg.arange(4.0).reshape(2, 2)
    detached = x.detach()
    assert x.set_(source) is x
    assert x.shape == (2, 2) and x.is_set_to(source)
    x[0, 0] = 7.0
    assert source.tolist() == [[7.0, 1.0], [2.0, 3.0]]
    source[1, 1] = -1.0
    assert x.tolist() == [[7.0, 1.0], [2.0, -1.0]]
    assert detached.tolist() == [0.0, 0.0, 0.0]  # what shared the old memory keeps it
    assert x._version == 2 and detached._version == 2  # set_ and the write through x; the counter is x's own
    assert source._version == 1  # its own write only


def test_set_with_no_source_empties_and_errors():
    x = mg.ones(3, dtype=mg.int32)
    x.set_()
    assert x.shape == (0,) and x.dtype == np.int32
    with pytest.raises(RuntimeError, match="^Could not set tensor of type long int to a tensor of type float$"):
        mg.zeros(3).set_(mg.arange(4))
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place operation.$"):
        mg.ones(3, requires_grad=True).set_(mg.zeros(2))
    with pytest.raises(TypeError, match=r"^set_\(\): argument 'source' \(position 1\) must be Tensor, not int$"):
        mg.zeros(3).set_(3)
    with pytest.raises(mg.UnsupportedFeatureError, match="storage_offset"):
        mg.zeros(3).set_(mg.ones(4), 1, (2,), (1,))
    leaf = mg.ones(3, requires_grad=True)
    with mg.no_grad():
        leaf.set_(mg.zeros(2))
    assert leaf.tolist() == [0.0, 0.0] and leaf.requires_grad and leaf.is_leaf


# ---------------------------------------------------------------------------- resize, resize_as
def test_resize_is_a_deprecated_view_with_a_gradient():
    a = mg.arange(6.0)
    with pytest.warns(UserWarning, match="^non-inplace resize is deprecated$"):
        r = a.resize(2, 3)
    assert r.shape == (2, 3) and a.shape == (6,)
    r[0, 0] = 9.0
    assert a.tolist() == [9.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    leaf = mg.arange(6.0, requires_grad=True)
    with pytest.warns(UserWarning):
        (leaf.resize(2, 3) * mg.arange(6.0).reshape(2, 3)).sum().backward()
    assert leaf.grad.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.warns(UserWarning, match="^non-inplace resize_as is deprecated$"):
        assert a.resize_as(mg.zeros(3, 2)).shape == (3, 2)


@pytest.mark.filterwarnings("ignore:non-inplace resize")
def test_resize_errors():
    a = mg.arange(6.0)
    tail = "autograd's resize can only change the shape of a given tensor, while preserving the number of elements. "
    with pytest.raises(RuntimeError) as caught:
        a.resize(4, 2)
    assert str(caught.value) == f"requested resize to 4x2 (8 elements in total), but the given tensor has a size of 6 (6 elements). {tail}"
    with pytest.raises(RuntimeError) as caught:
        a.resize((2, 3))  # PyTorch 2.14 takes the sizes one by one
    assert str(caught.value) == ("requested resize to (2, 3) ((2, 3) elements in total), but the given tensor has a "
                                 f"size of 6 (6 elements). {tail}")
    with pytest.raises(RuntimeError) as caught:
        a.resize_as(mg.zeros(3, 3))
    assert str(caught.value).startswith("requested resize to 3x3 (9 elements in total)")
    with pytest.raises(TypeError, match=r"^resize_as\(\): argument 'tensor' \(position 1\) must be Tensor, not tuple$"):
        a.resize_as((2, 3))


# ---------------------------------------------------------------------------- detach_copy
def test_detach_copy_copies_and_cuts_the_graph():
    leaf = mg.arange(3.0, requires_grad=True)
    copy = mg.detach_copy(leaf)
    assert copy.tolist() == [0.0, 1.0, 2.0] and not copy.requires_grad
    copy[0] = 9.0
    assert leaf.tolist() == [0.0, 1.0, 2.0]
    out = mg.empty(0)
    assert mg.detach_copy(mg.arange(3.0), out=out) is out and out.tolist() == [0.0, 1.0, 2.0]
    assert mg.detach_copy(mg.arange(3)).dtype == np.int64
    with pytest.raises(TypeError, match=r"^detach_copy\(\): argument 'input' \(position 1\) must be Tensor, not int$"):
        mg.detach_copy(3)


# ---------------------------------------------------------------------------- empty_strided
def test_empty_strided_and_new_empty_strided():
    made = mg.empty_strided((2, 3), (1, 2))
    assert made.shape == (2, 3) and made.dtype == np.float32
    assert mg.empty_strided([2, 3], [3, 1], dtype=mg.int64).dtype == np.int64
    assert mg.empty_strided((), ()).shape == ()
    assert mg.empty_strided((2, 3), (3, 1), requires_grad=True).requires_grad
    assert mg.empty_strided((0, 3), (-1, 1)).shape == (0, 3)  # no element: any stride
    x = mg.ones(2, dtype=mg.float64)
    assert x.new_empty_strided((2, 3), (3, 1)).dtype == np.float64
    assert x.new_empty_strided((2, 3), (3, 1), dtype=mg.int32).dtype == np.int32


@pytest.mark.parametrize("size, stride, error, message", [
    ((2, 3), (3,), RuntimeError, "dimensionality of sizes (2) must match dimensionality of strides (1)"),
    ((-2, 3), (3, 1), RuntimeError, "Trying to create tensor with negative dimension -2: [-2, 3]"),
    ((2, 3), (-1, 1), RuntimeError, "Storage size calculation overflowed with sizes=[2, 3] and strides=[-1, 1]"),
    (2, 1, TypeError, "empty_strided(): argument 'size' (position 1) must be tuple of ints, not int"),
    ((2.0, 3), (3, 1), TypeError,
     "empty_strided(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0"),
    ((2, 3), (3.0, 1), TypeError,
     "empty_strided(): argument 'stride' (position 2) must be tuple of ints, but found element of type float at pos 0"),
])
def test_empty_strided_errors(size, stride, error, message):
    with pytest.raises(error) as caught:
        mg.empty_strided(size, stride)
    assert str(caught.value) == message
    with pytest.raises(error) as caught:
        mg.ones(1).new_empty_strided(size, stride)
    assert str(caught.value) == message.replace("empty_strided(", "new_empty_strided(")


# ---------------------------------------------------------------------------- the strict test device
def test_histogramdd_and_memory_methods_on_the_strict_device():
    x = mg.tensor(POINTS).to("strict")
    hist, edges = mg.histogramdd(x, bins=[3, 3], weight=mg.tensor([1.0, 2.0, 4.0, 8.0]).to("strict"))
    assert hist.device == "strict" and edges[0].device == "strict"
    assert hist.cpu().tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [4.0, 0.0, 8.0]]
    assert x.is_set_to(x.detach()) and not x.is_set_to(x.clone())
    y = mg.zeros(2).to("strict")
    y.set_(x)
    assert y.shape == (4, 2) and y.is_set_to(x)
    assert x.new(2, 3).device == "strict" and x.new([1, 2]).device == "strict"
