"""What PyTorch code asks a tensor and the small names around it: byte/char/short, itemsize and
nbytes, get_device, is_signed, equal/allclose, the complex-number forms of real tensors, the
layout flags, sum_to_size and split_with_sizes (minigan/autograd/tensor_queries.py,
pytorch_methods.py); the view ops' copying forms (minigan/torch_api/view_copies.py); rsub, fill,
typename and the in-place function names (functions.py); range, scalar_tensor and asarray
(factories_more.py); the random state (generators.py); cauchy_, log_normal_ and geometric_
(inplace_random.py). Expected values are written out by hand from PyTorch's rules (checked once
against PyTorch 2.14), the random fills against their distributions' closed forms."""
import math

import numpy as np
import pytest

import minigan
from minigan import UnsupportedFeatureError


def _t(values, dtype=None, requires_grad=False):
    return minigan.tensor(values, dtype=dtype, requires_grad=requires_grad)


def _same(tensor, expected, dtype):
    assert tensor.dtype == np.dtype(dtype), tensor.dtype
    np.testing.assert_array_equal(tensor.numpy(), np.asarray(expected, dtype=dtype))


# ============================================================== conversions and bytes
def test_byte_char_and_short_convert_truncating_toward_zero():
    x = _t([1.5, -2.7, 100.0])
    _same(x.char(), [1, -2, 100], np.int8)
    _same(x.short(), [1, -2, 100], np.int16)
    _same(_t([1.9, 200.0]).byte(), [1, 200], np.uint8)
    assert x.short().short().dtype == np.int16


@pytest.mark.parametrize("dtype, size", [(np.float16, 2), (np.float32, 4), (np.float64, 8), (np.int8, 1),
                                         (np.int16, 2), (np.int32, 4), (np.int64, 8), (np.uint8, 1), (np.bool_, 1)])
def test_itemsize_and_nbytes_count_the_elements_a_tensor_or_view_holds(dtype, size):
    x = minigan.zeros(3, 4, dtype=dtype)
    assert x.itemsize == size == x.element_size()
    assert x.nbytes == 12 * size
    assert x[:, ::2].nbytes == 6 * size  # a view counts its own elements, not its base's


def test_get_device_is_minus_one_on_the_cpu():
    assert minigan.ones(2).get_device() == -1


@pytest.mark.parametrize("dtype, signed", [(np.float16, True), (np.float32, True), (np.float64, True),
                                           (np.int8, True), (np.int64, True), (np.uint8, False), (np.bool_, False)])
def test_is_signed_follows_the_dtype(dtype, signed):
    x = minigan.zeros(2, dtype=dtype)
    assert x.is_signed() is signed and minigan.is_signed(x) is signed


# ============================================================== equal, allclose, is_same_size
def test_equal_compares_shapes_and_values_across_dtypes():
    a = _t([1.0, 2.0])
    assert a.equal(_t([1.0, 2.0])) and minigan.equal(a, _t([1, 2]))  # promoted, as ==
    assert not a.equal(_t([1.0, 3.0])) and not a.equal(_t([[1.0, 2.0]]))  # values; shapes must be the same
    assert not _t([math.nan]).equal(_t([math.nan]))
    with pytest.raises(TypeError, match=r"^equal\(\): argument 'other' \(position 1\) must be Tensor, not int$"):
        a.equal(1)
    with pytest.raises(TypeError, match=r"^equal\(\): argument 'other' \(position 2\) must be Tensor, not int$"):
        minigan.equal(a, 1)


def test_allclose_uses_isclose_tolerances_and_dtype_rule():
    a = _t([1.0, 100.0])
    assert a.allclose(_t([1.0 + 5e-6, 100.0 + 5e-4]))  # within 1e-8 + 1e-5 |other|
    assert not a.allclose(_t([1.0 + 5e-5, 100.0]))
    assert a.allclose(_t([1.1, 100.0]), rtol=0.0, atol=0.2) and minigan.allclose(a, _t([[1.0, 100.0]]))
    assert _t([math.nan]).allclose(_t([math.nan]), equal_nan=True) and not _t([math.nan]).allclose(_t([math.nan]))
    with pytest.raises(RuntimeError, match=r"^Float did not match Long$"):
        a.allclose(_t([1, 100]))
    with pytest.raises(RuntimeError, match=r"size of tensor a \(2\) must match the size of tensor b \(3\)"):
        a.allclose(minigan.ones(3))


def test_is_same_size_compares_shapes_only():
    assert _t([1.0, 2.0]).is_same_size(_t([5, 6])) and minigan.is_same_size(minigan.ones(2, 3), minigan.zeros(2, 3))
    assert not minigan.ones(2, 3).is_same_size(minigan.ones(3, 2))
    with pytest.raises(TypeError, match=r"^is_same_size\(\): argument 'other' \(position 1\) must be Tensor, not int$"):
        minigan.ones(2).is_same_size(2)


# ============================================================== real tensors' complex forms, flags
def test_the_complex_forms_of_a_real_tensor_are_the_tensor_itself():
    x = _t([1.5, -2.0], requires_grad=True)
    for same in (x.conj(), x.resolve_conj(), x.resolve_neg(), x.conj_physical(), x.real, minigan.conj(x),
                 minigan.real(x), minigan.resolve_conj(x), minigan.conj_physical(x)):
        assert same is x
    assert not x.is_conj() and not x.is_neg() and not minigan.is_conj(x) and not minigan.is_neg(x)
    for imaginary in (lambda: x.imag, lambda: minigan.imag(x)):
        with pytest.raises(RuntimeError, match=r"^imag is not implemented for tensors with non-complex dtypes\.$"):
            imaginary()


def test_the_layout_and_device_flags_are_false():
    x = minigan.ones(2)
    for flag in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_nested", "is_mkldnn", "is_mps",
                 "is_xla", "is_vulkan", "is_ipu", "is_maia", "is_mtia"):
        assert getattr(x, flag) is False, flag


def test_what_minigan_lacks_says_so():
    x = minigan.ones(2)
    for name in ("detach_", "is_inference", "cfloat", "cdouble"):
        with pytest.raises(UnsupportedFeatureError, match=rf"^Tensor\.{name} is not supported by minigan"):
            getattr(x, name)()
    with pytest.raises(UnsupportedFeatureError, match=r"^torch\.detach_ is not supported by minigan"):
        minigan.detach_(x)
    for name, says in (("set_num_threads", "OPENBLAS_NUM_THREADS and NUMBA_NUM_THREADS"),
                       ("use_deterministic_algorithms", "a switch of deterministic algorithms"),
                       ("set_printoptions", "print options")):
        with pytest.raises(UnsupportedFeatureError, match=rf"^torch\.{name} is not supported by minigan \(.*{says}"):
            getattr(minigan, name)(1)


# ============================================================== sum_to_size, split_with_sizes
def test_sum_to_size_sums_what_broadcasting_added_and_passes_the_gradient_back():
    values = np.arange(6.0).reshape(2, 3)  # [[0, 1, 2], [3, 4, 5]]
    x = minigan.tensor(values, requires_grad=True)
    _same(x.sum_to_size(1, 3), [[3.0, 5.0, 7.0]], np.float64)
    _same(x.sum_to_size(3), [3.0, 5.0, 7.0], np.float64)
    _same(x.sum_to_size((2, 1)), [[3.0], [12.0]], np.float64)
    _same(x.sum_to_size(1, 1), [[15.0]], np.float64)
    assert x.sum_to_size(2, 3) is x
    (x.sum_to_size(2, 1) * _t([[1.0], [10.0]], dtype=np.float64)).sum().backward()
    _same(x.grad, [[1.0, 1.0, 1.0], [10.0, 10.0, 10.0]], np.float64)
    with pytest.raises(RuntimeError, match=r"^size \{\[4\]\} is not expandable to size \{\[2, 3\]\}\.$"):
        x.sum_to_size(4)
    with pytest.raises(RuntimeError, match=r"^size \{\[1, 1, 3\]\} is not expandable to size \{\[2, 3\]\}\.$"):
        x.sum_to_size(1, 1, 3)


def test_split_with_sizes_and_the_unsafe_forms():
    x = minigan.arange(6).reshape(2, 3)
    first, rest = x.split_with_sizes([1, 2], dim=1)
    _same(first, [[0], [3]], np.int64)
    _same(rest, [[1, 2], [4, 5]], np.int64)
    assert [p.tolist() for p in minigan.split_with_sizes(minigan.arange(5), [2, 3])] == [[0, 1], [2, 3, 4]]
    assert [p.tolist() for p in minigan.arange(5).unsafe_chunk(2)] == [[0, 1, 2], [3, 4]]
    assert [p.tolist() for p in minigan.unsafe_split(minigan.arange(5), 2)] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in minigan.arange(5).unsafe_split_with_sizes([1, 4])] == [[0], [1, 2, 3, 4]]
    with pytest.raises(RuntimeError, match=r"^split_with_sizes expects split_sizes to sum exactly to 5"):
        minigan.arange(5).split_with_sizes([2, 2])
    with pytest.raises(TypeError, match=r"argument 'split_sizes' \(position 1\) must be tuple of ints, not int$"):
        minigan.arange(5).split_with_sizes(2)


# ============================================================== the copying forms of the views
COPIES = [  # (function, arguments after the input, the view's values on x = [[0, 1, 2], [3, 4, 5]])
    (minigan.permute_copy, ((1, 0),), [[0, 3], [1, 4], [2, 5]]),
    (minigan.t_copy, (), [[0, 3], [1, 4], [2, 5]]),
    (minigan.transpose_copy, (0, 1), [[0, 3], [1, 4], [2, 5]]),
    (minigan.view_copy, ((3, 2),), [[0, 1], [2, 3], [4, 5]]),
    (minigan.unsqueeze_copy, (1,), [[[0, 1, 2]], [[3, 4, 5]]]),
    (minigan.expand_copy, ((2, 2, 3),), [[[0, 1, 2], [3, 4, 5]]] * 2),
    (minigan.diagonal_copy, (), [0, 4]),
    (minigan.diagonal_copy, (1,), [1, 5]),
    (minigan.select_copy, (1, -1), [2, 5]),
    (minigan.slice_copy, (1, 0, 3, 2), [[0, 2], [3, 5]]),
    (minigan.slice_copy, (1, -2), [[1, 2], [4, 5]]),
    (minigan.slice_copy, (0, 5), np.zeros((0, 3))),
    (minigan.unfold_copy, (1, 2, 1), [[[0, 1], [1, 2]], [[3, 4], [4, 5]]]),
    (minigan.alias_copy, (), [[0, 1, 2], [3, 4, 5]]),
]


@pytest.mark.parametrize("function, args, expected", COPIES, ids=[f"{c[0].__name__}{c[1]}" for c in COPIES])
def test_a_copy_holds_the_views_values_in_memory_of_its_own_and_passes_gradients(function, args, expected):
    x = minigan.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    result = function(x, *args)
    _same(result, expected, np.float64)
    with minigan.no_grad():
        result.fill_(-1.0)
    _same(x, [[0, 1, 2], [3, 4, 5]], np.float64)  # writing the copy leaves the input alone
    counts = np.zeros((2, 3))  # how many times each element appears in the view: its gradient
    np.add.at(counts.reshape(-1), np.asarray(function(minigan.arange(6).reshape(2, 3), *args).tolist(),
                                             dtype=np.int64).reshape(-1), 1)
    function(x, *args).sum().backward()
    _same(x.grad, counts, np.float64)


def test_squeeze_copy_and_the_tuple_copies():
    x = minigan.arange(6.0).reshape(1, 2, 3)
    assert minigan.squeeze_copy(x).shape == (2, 3) and minigan.squeeze_copy(x, 0).shape == (2, 3)
    pieces = minigan.split_copy(x, 2, 2)
    assert [p.tolist() for p in pieces] == [[[[0.0, 1.0], [3.0, 4.0]]], [[[2.0], [5.0]]]]
    assert [p.shape for p in minigan.split_with_sizes_copy(x, [1, 2], 2)] == [(1, 2, 1), (1, 2, 2)]
    rows = minigan.unbind_copy(x, 1)
    assert [r.tolist() for r in rows] == [[[0.0, 1.0, 2.0]], [[3.0, 4.0, 5.0]]]
    rows[0].array[...] = 9.0
    assert x.tolist() == [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]]


def test_a_copy_writes_into_out_and_refuses_a_0_d_slice():
    out = minigan.empty(3, 2)
    assert minigan.t_copy(minigan.arange(6.0).reshape(2, 3), out=out) is out
    _same(out, [[0, 3], [1, 4], [2, 5]], np.float32)
    with pytest.raises(IndexError, match=r"^slice\(\) cannot be applied to a 0-dim tensor\.$"):
        minigan.slice_copy(minigan.tensor(1.0))
    with pytest.raises(RuntimeError, match=r"^slice step must be positive$"):
        minigan.slice_copy(minigan.ones(3), 0, 0, 3, 0)
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-1, 0\], but got 2\)$"):
        minigan.slice_copy(minigan.ones(3), 2)


# ============================================================== rsub, fill, typename, in-place names
def test_rsub_is_other_minus_alpha_times_input():
    x = _t([1.5, -2.0])
    _same(minigan.rsub(x, 1), [-0.5, 3.0], np.float32)
    _same(minigan.rsub(x, 2, alpha=0.5), [1.25, 3.0], np.float32)
    _same(minigan.rsub(x, _t([1, 2]), alpha=2), [-2.0, 6.0], np.float32)
    _same(minigan.rsub(_t([1, 2]), 1), [0, -1], np.int64)
    _same(minigan.rsub(_t([1, 2]), 1.5), [0.5, -0.5], np.float32)
    _same(minigan.rsub(_t([1, 2], dtype=np.uint8), 300), [43, 42], np.uint8)  # 300 wraps to 44, as in +
    with pytest.raises(RuntimeError, match=r"^For integral input tensors, argument alpha must not be a floating"):
        minigan.rsub(_t([1, 2]), 2, alpha=0.5)
    with pytest.raises(NotImplementedError, match=r"^Subtraction, the `-` operator, with a bool tensor"):
        minigan.rsub(_t([True]), 2, alpha=3)


def test_fill_makes_a_filled_tensor_whose_input_gets_no_gradient():
    x = _t([1.0, 2.0], requires_grad=True)
    filled = minigan.fill(x, 3.0)
    _same(filled, [3.0, 3.0], np.float32)
    assert filled.requires_grad
    (filled * _t([2.0, 5.0])).sum().backward()
    _same(x.grad, [0.0, 0.0], np.float32)
    value = minigan.tensor(2.0, requires_grad=True)
    (minigan.fill(minigan.ones(3), value) * _t([1.0, 2.0, 4.0])).sum().backward()
    assert value.grad.item() == 7.0
    _same(minigan.fill(_t([1, 2]), 2.7), [2, 2], np.int64)
    assert not minigan.fill(minigan.ones(2), 1.0).requires_grad
    with pytest.raises(RuntimeError, match=r"^fill_ only supports 0-dimension value tensor but got tensor with 1 "):
        minigan.fill(x, _t([1.0, 2.0]))


def test_typename_names_tensors_by_their_legacy_type_and_other_objects_by_module():
    assert minigan.typename(minigan.ones(2)) == "torch.FloatTensor"
    assert minigan.typename(minigan.ones(2, dtype=minigan.int64)) == "torch.LongTensor"
    assert minigan.typename(1) == "int" and minigan.typename("a") == "str"
    layer = minigan.nn.Linear(1, 1)
    name = f"{type(layer).__module__}.Linear"
    assert minigan.typename(layer) == name == minigan.typename(minigan.nn.Linear)


def test_the_in_place_function_names_change_their_input():
    x = _t([-1.0, 0.5, 2.0])
    assert minigan.clamp_(x, 0, 1) is x
    _same(x, [0.0, 0.5, 1.0], np.float32)
    _same(minigan.clamp_min_(_t([-1.0, 2.0]), 0), [0.0, 2.0], np.float32)
    _same(minigan.clip_(_t([-1.0, 2.0]), max=1.0), [-1.0, 1.0], np.float32)
    _same(minigan.nan_to_num_(_t([math.nan, 1.0]), 7.0), [7.0, 1.0], np.float32)
    _same(minigan.ldexp_(_t([1.0, 3.0]), _t([1, 2])), [2.0, 12.0], np.float32)
    _same(minigan.xlogy_(_t([0.0, 2.0]), 1.0), [0.0, 0.0], np.float32)
    _same(minigan.fill_(minigan.ones(2), 7), [7.0, 7.0], np.float32)
    _same(minigan.zero_(minigan.ones(2)), [0.0, 0.0], np.float32)
    _same(minigan.deg2rad_(_t([180.0])), [math.pi], np.float32)


# ============================================================== range, scalar_tensor, asarray
def test_range_includes_its_end_and_warns_that_it_is_deprecated():
    with pytest.warns(UserWarning, match=r"^torch\.range is deprecated"):
        _same(minigan.range(1, 4), [1.0, 2.0, 3.0, 4.0], np.float32)
    with pytest.warns(UserWarning):
        _same(minigan.range(0, 1, 0.25), [0.0, 0.25, 0.5, 0.75, 1.0], np.float32)
    with pytest.warns(UserWarning):
        _same(minigan.range(4, 1, -1, dtype=minigan.int64), [4, 3, 2, 1], np.int64)
    with pytest.warns(UserWarning):
        _same(minigan.range(1, 2.5), [1.0, 2.0], np.float32)
    with pytest.warns(UserWarning):
        _same(minigan.range(0, 10, 3, dtype=minigan.float64), [0.0, 3.0, 6.0, 9.0], np.float64)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match=r"^step must be nonzero$"):
        minigan.range(1, 4, 0)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match=r"^upper bound and lower bound inconsistent"):
        minigan.range(4, 1)


def test_scalar_tensor_is_a_0_d_float32_tensor_by_default():
    three = minigan.scalar_tensor(3)
    assert three.shape == () and three.dtype == np.float32 and three.item() == 3.0
    assert minigan.scalar_tensor(True).item() == 1.0
    assert minigan.scalar_tensor(2.5, dtype=minigan.int32).item() == 2
    assert minigan.scalar_tensor(1.5, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match=r"^scalar_tensor\(\): argument 's' \(position 1\) must be Number, not str$"):
        minigan.scalar_tensor("a")
    with pytest.raises(RuntimeError, match=r"^value cannot be converted to type float without overflow$"):
        minigan.scalar_tensor(1e40)


def test_asarray_shares_memory_where_it_can_and_copy_false_refuses_where_it_cannot():
    array = np.array([1.0, 2.0])
    shared = minigan.asarray(array)
    shared.array[0] = 9.0
    assert array[0] == 9.0 and shared.dtype == np.float64
    assert minigan.asarray(array, copy=True).array is not array
    x = _t([1.0, 2.0])
    assert minigan.asarray(x) is x and minigan.asarray(x, copy=True) is not x
    _same(minigan.asarray(x, dtype=minigan.float64), [1.0, 2.0], np.float64)
    assert minigan.asarray([1, 2]).dtype == np.int64 and minigan.asarray(3.5).dtype == np.float32
    assert minigan.asarray(True).dtype == np.bool_
    with pytest.raises(ValueError, match=r"^can't alias arbitrary sequence into a tensor\.$"):
        minigan.asarray([1, 2], copy=False)
    with pytest.raises(ValueError, match=r"^can't alias tensor with dtype 'Float' into dtype 'Long'\.$"):
        minigan.asarray(x, dtype=minigan.int64, copy=False)
    with pytest.raises(ValueError, match=r"^can't alias tensor with dtype 'Double' into dtype 'Float'\.$"):
        minigan.asarray(array, dtype=minigan.float32, copy=False)


def test_asarray_requires_grad_marks_detaches_or_keeps():
    leaf = _t([1.0, 2.0], requires_grad=True)
    assert minigan.asarray(leaf) is leaf
    assert not minigan.asarray(leaf, requires_grad=False).requires_grad and leaf.requires_grad
    copied = minigan.asarray(leaf, copy=True)  # a clone: still on leaf's graph
    copied.sum().backward()
    _same(leaf.grad, [1.0, 1.0], np.float32)
    plain = _t([1.0])
    assert minigan.asarray(plain, requires_grad=True) is plain and plain.requires_grad


# ============================================================== the random state
def test_get_and_set_rng_state_replay_the_same_draws():
    minigan.manual_seed(3)
    assert minigan.initial_seed() == 3 and minigan.random.initial_seed() == 3
    state = minigan.get_rng_state()
    assert state.dtype == np.uint8 and state.shape == (37,)
    first = minigan.rand(4).tolist()
    minigan.set_rng_state(state)
    assert minigan.rand(4).tolist() == first
    generator = minigan.Generator().manual_seed(1)
    saved = generator.get_state()
    draws = minigan.randn(3, generator=generator).tolist()
    assert generator.set_state(saved) is generator and minigan.randn(3, generator=generator).tolist() == draws


def test_seeds_wrap_to_64_bits_and_seed_draws_a_new_one():
    minigan.manual_seed(-1)
    assert minigan.initial_seed() == 2 ** 64 - 1
    minigan.manual_seed(-(2 ** 63))
    assert minigan.initial_seed() == 2 ** 63
    with pytest.raises(ValueError, match=r"^Overflow when unpacking long long$"):
        minigan.manual_seed(2 ** 64)
    new = minigan.seed()
    assert 0 <= new < 2 ** 64 and minigan.initial_seed() == new
    minigan.manual_seed(0)


def test_set_rng_state_refuses_what_is_not_a_state():
    with pytest.raises(TypeError, match=r"^expected a torch\.ByteTensor, but got list$"):
        minigan.set_rng_state([1])
    with pytest.raises(TypeError, match=r"^RNG state must be a torch\.ByteTensor$"):
        minigan.set_rng_state(minigan.ones(37))
    with pytest.raises(RuntimeError, match=r"^Expected an RNG state of 37 bytes .* size to be 2$"):
        minigan.set_rng_state(_t([1, 2], dtype=np.uint8))


# ============================================================== cauchy_, log_normal_, geometric_
def test_cauchy_draws_have_the_median_and_quartiles_of_the_distribution():
    minigan.manual_seed(0)
    draws = np.sort(minigan.empty(200_000, dtype=minigan.float64).cauchy_(median=2.0, sigma=3.0).numpy())
    quartiles = draws[[50_000, 100_000, 150_000]]  # median -+ sigma: tan(-+pi/4) = -+1
    np.testing.assert_allclose(quartiles, [-1.0, 2.0, 5.0], atol=0.06)


def test_log_normal_draws_have_a_normal_logarithm():
    minigan.manual_seed(0)
    draws = minigan.empty(200_000, dtype=minigan.float64).log_normal_(0.5, 0.25).numpy()
    logs = np.log(draws)
    assert abs(logs.mean() - 0.5) < 0.003 and abs(logs.std() - 0.25) < 0.003
    assert minigan.empty(3).log_normal_().dtype == np.float32


def test_geometric_draws_count_trials_up_to_the_first_success():
    minigan.manual_seed(0)
    draws = minigan.empty(200_000, dtype=minigan.int64).geometric_(0.25).numpy()
    assert draws.min() == 1
    assert abs(draws.mean() - 4.0) < 0.05  # 1 / p
    assert abs(np.mean(draws == 1) - 0.25) < 0.005 and abs(np.mean(draws == 2) - 0.1875) < 0.005  # p, (1 - p) p
    assert minigan.empty(3).geometric_(0.5).dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.zeros(2, dtype=minigan.int64).cauchy_(), RuntimeError,
     r"^Cauchy distribution is a continuous probability distribution\. dtype must be a floating point but you "
     r"specified long int$"),
    (lambda: minigan.zeros(2).cauchy_(0, 0), RuntimeError, r"^cauchy_ expects sigma > 0\.0, but found sigma=0$"),
    (lambda: minigan.zeros(2).log_normal_(0, -1), RuntimeError, r"^log_normal_ expects std > 0\.0, but found std=-1$"),
    (lambda: minigan.zeros(2, dtype=minigan.int64).log_normal_(), NotImplementedError,
     r"^\"log_normal_cpu\" not implemented for 'Long'$"),
    (lambda: minigan.zeros(2).geometric_(1), RuntimeError, r"^geometric_ expects p to be in \(0, 1\), but got p=1$"),
    (lambda: minigan.zeros(2, dtype=minigan.bool).geometric_(0.5), NotImplementedError,
     r"^\"geometric_cpu\" not implemented for 'Bool'$"),
    (lambda: minigan.zeros(2, requires_grad=True).cauchy_(), RuntimeError, r"leaf Variable that requires grad"),
])
def test_the_random_fills_refuse_what_pytorch_refuses(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ============================================================== DLPack, poisson
def test_dlpack_shares_memory_both_ways():
    array = np.arange(4.0)
    shared = minigan.from_dlpack(array)
    shared.array[0] = 9.0
    assert array[0] == 9.0 and shared.dtype == np.float64
    strided = minigan.from_dlpack(np.arange(6, dtype=np.int32)[::2])
    _same(strided, [0, 2, 4], np.int32)
    x = minigan.arange(3.0)
    exported = np.from_dlpack(x)
    exported[1] = -1.0
    _same(x, [0.0, -1.0, 2.0], np.float32)
    assert x.__dlpack_device__() == (1, 0)


def test_dlpack_refuses_what_minigan_cannot_hold_or_pytorch_would_not_export():
    with pytest.raises(BufferError, match=r"^Can't export tensors that require gradient, use tensor\.detach\(\)$"):
        np.from_dlpack(minigan.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match=r"^from_dlpack\(\): minigan has no complex128 tensors"):
        minigan.from_dlpack(np.array([1 + 2j]))
    with pytest.raises(TypeError, match=r"^from_dlpack\(\): expected an array with __dlpack__"):
        minigan.from_dlpack([1.0])


def test_poisson_draws_have_the_rate_as_mean_and_variance():
    minigan.manual_seed(0)
    rates = minigan.tensor([0.0, 2.5], dtype=minigan.float64).repeat(100_000)
    draws = minigan.poisson(rates).numpy().reshape(100_000, 2)
    assert draws.dtype == np.float64 and np.all(draws[:, 0] == 0.0)
    assert np.all(draws == np.round(draws)) and draws.min() >= 0
    assert abs(draws[:, 1].mean() - 2.5) < 0.03 and abs(draws[:, 1].var() - 2.5) < 0.06
    assert abs(np.mean(draws[:, 1] == 0) - math.exp(-2.5)) < 0.004  # P(0) = e^-rate
    with pytest.raises(RuntimeError, match=r"^invalid Poisson rate, expected rate to be non-negative$"):
        minigan.poisson(minigan.tensor([-1.0]))
    with pytest.raises(NotImplementedError, match=r"^\"poisson_cpu\" not implemented for 'Long'$"):
        minigan.poisson(minigan.tensor([1]))


# ============================================================== angle, nonzero_static, small in-place forms
def test_angle_of_a_real_tensor_is_pi_where_negative():
    x = _t([1.0, -2.0, 0.0, -0.0, math.nan, -math.inf, math.inf], dtype=np.float64)
    _same(minigan.angle(x), [0.0, math.pi, 0.0, 0.0, math.nan, math.pi, 0.0], np.float64)
    _same(_t([1, -2], dtype=np.int8).angle(), [0.0, math.pi], np.float32)  # integers give float32
    _same(minigan.angle(_t([-1.0], dtype=np.float16)), [math.pi], np.float16)
    leaf = _t([-1.0, 2.0, math.nan, math.inf], dtype=np.float64, requires_grad=True)
    angles = minigan.angle(leaf)
    _same(angles, [math.pi, 0.0, math.nan, 0.0], np.float64)
    angles.backward(_t([1.0, 1.0, 1.0, 1.0], dtype=np.float64))
    assert angles.requires_grad and leaf.grad.tolist() == [0.0] * 4  # PyTorch's zero gradient


def test_nonzero_static_pads_or_cuts_to_size_rows():
    _same(minigan.nonzero_static(_t([0, 3, 0, 5]), size=3), [[1], [3], [-1]], np.int64)
    _same(_t([0, 3, 0, 5]).nonzero_static(size=1), [[1]], np.int64)
    _same(minigan.nonzero_static(_t([[0, 3], [4, 0]]), size=3, fill_value=-7), [[0, 1], [1, 0], [-7, -7]], np.int64)
    assert minigan.nonzero_static(minigan.tensor(5), size=2).shape == (2, 0)
    with pytest.raises(TypeError, match=r"^nonzero_static\(\): argument 'size' must be int, not float$"):
        minigan.nonzero_static(_t([1]), size=2.0)
    with pytest.raises(RuntimeError, match=r"^nonzero_static: 'size' must be an non-negative integer$"):
        minigan.nonzero_static(_t([1]), size=-1)


def test_the_special_functions_in_place_and_resize_as():
    x = _t([1.0, 2.0], dtype=np.float64)
    assert x.polygamma_(1) is x
    np.testing.assert_allclose(x.numpy(), [math.pi ** 2 / 6, math.pi ** 2 / 6 - 1])  # trigamma(1), trigamma(2)
    y = _t([1.0, 2.0], dtype=np.float64)
    y.igamma_(_t([1.0, 1.0], dtype=np.float64))  # P(a, 1) = 1 - e^-1 for a = 1, 1 - 2/e for a = 2
    np.testing.assert_allclose(y.numpy(), [1 - math.exp(-1), 1 - 2 * math.exp(-1)])
    z = _t([1.0, 2.0], dtype=np.float64)
    z.igammac_(_t([1.0, 1.0], dtype=np.float64))
    np.testing.assert_allclose(z.numpy(), [math.exp(-1), 2 * math.exp(-1)])
    w = _t([1.0, 2.0], dtype=np.float64)
    w.mvlgamma_(1)  # p = 1: lgamma
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0], atol=1e-15)
    r = minigan.arange(6.0).reshape(2, 3)
    assert minigan.resize_as_(r, minigan.ones(4)) is r and r.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert r.conj_physical_() is r and minigan.get_device(r) == -1


def test_cholesky_solve_method_solves_with_the_factor():
    a = np.array([[4.0, 2.0], [2.0, 3.0]])
    lower = minigan.tensor(np.linalg.cholesky(a))
    b = minigan.tensor([[1.0], [2.0]], dtype=minigan.float64)
    np.testing.assert_allclose(b.cholesky_solve(lower).numpy(), [[-0.125], [0.75]])  # A^-1 b by hand
    np.testing.assert_allclose(b.cholesky_solve(lower.mT, upper=True).numpy(), [[-0.125], [0.75]])


def test_to_dlpack_gives_a_capsule_numpy_reads():
    capsule = minigan.to_dlpack(minigan.arange(3.0))
    assert type(capsule).__name__ == "PyCapsule"


# ============================================================== apply_, map_, map2_; layout; inference mode
def test_apply_map_and_map2_run_a_python_function_per_element_in_place():
    x = _t([1.0, 2.0, 3.0])
    assert x.apply_(lambda v: v * v + 1) is x
    _same(x, [2.0, 5.0, 10.0], np.float32)
    _same(_t([1, 2]).apply_(lambda v: v + 0.7), [1, 2], np.int64)  # a float result truncated into integers
    _same(_t([True, False]).apply_(lambda v: not v), [False, True], np.bool_)
    _same(_t([1.0, 2.0, 3.0]).map_(_t([10.0, 20.0, 30.0]), lambda a, b: a - b), [-9.0, -18.0, -27.0], np.float32)
    _same(minigan.ones(2, 3).map_(_t([[1.0], [2.0]]), lambda a, b: a + b), [[2.0] * 3, [3.0] * 3], np.float32)
    _same(_t([1.0, 2.0]).map2_(_t([3.0, 4.0]), _t([5.0]), lambda s, a, b: s * a + b), [8.0, 13.0], np.float32)
    base = minigan.arange(4.0)
    base[1:3].apply_(lambda v: -v)  # a view writes through to its base
    _same(base, [0.0, -1.0, -2.0, 3.0], np.float32)
    assert base._version == 1


def test_apply_and_map_refuse_what_pytorch_refuses():
    with pytest.raises(RuntimeError, match=r"^Can't call apply_\(\) on Variable that requires grad\. Use "
                                           r"var\.detach\(\)\.apply_\(\) instead\.$"):
        minigan.ones(2, requires_grad=True).apply_(lambda v: v)
    with pytest.raises(TypeError, match=r"^must be real number, not str$"):
        minigan.ones(2).apply_(lambda v: "a")
    with pytest.raises(TypeError, match=r"^'int' object is not callable$"):
        minigan.ones(2).apply_(1)
    with pytest.raises(TypeError, match=r"^map_: expected torch\.FloatTensor for 'other' \(got torch\.LongTensor\)$"):
        minigan.ones(3).map_(_t([1, 2, 3]), lambda a, b: a + b)
    with pytest.raises(RuntimeError, match=r"^The expanded size of the tensor \(3\) must match the existing size \(2\)"):
        minigan.ones(2, 3).map_(minigan.ones(2, 2), lambda a, b: a + b)


def test_every_tensor_is_strided_and_unshared():
    x = minigan.ones(2)
    assert x.layout is minigan.strided and isinstance(minigan.strided, minigan.layout)
    assert repr(minigan.strided) == "torch.strided" and x.is_shared() is False


def test_is_inference_mode_enabled_follows_the_innermost_inference_mode():
    assert not minigan.is_inference_mode_enabled()
    with minigan.inference_mode():
        assert minigan.is_inference_mode_enabled() and not minigan.is_grad_enabled()
        with minigan.no_grad():
            assert minigan.is_inference_mode_enabled()
        with minigan.inference_mode(False):
            assert not minigan.is_inference_mode_enabled() and minigan.is_grad_enabled()
        assert minigan.is_inference_mode_enabled()
    assert not minigan.is_inference_mode_enabled()

    @minigan.inference_mode
    def inside():
        return minigan.is_inference_mode_enabled()

    assert inside() and not minigan.is_inference_mode_enabled()
