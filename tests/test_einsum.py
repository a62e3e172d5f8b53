"""einsum, tensordot, dot, mv, addmm, baddbmm and addbmm: against sums written out in plain loops and
PyTorch 2.14's values and messages, written out by hand."""
import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan

pytestmark = pytest.mark.filterwarnings("error")


def written_out(subscripts: str, output: str, *arrays: np.ndarray) -> np.ndarray:
    """The einsum by definition: every assignment of the labels, one product each (no ellipsis)."""
    sizes = {}
    for term, a in zip(subscripts.split(","), arrays):
        for label, n in zip(term, a.shape):
            sizes[label] = max(sizes.get(label, 1), n)
    labels = sorted(sizes)
    out = np.zeros(tuple(sizes[label] for label in output))
    for values in itertools.product(*(range(sizes[label]) for label in labels)):
        at = dict(zip(labels, values))
        product = 1.0
        for term, a in zip(subscripts.split(","), arrays):
            product *= a[tuple(at[label] if a.shape[d] > 1 else 0 for d, label in enumerate(term))]
        out[tuple(at[label] for label in output)] += product
    return out


EQUATIONS = [("ij,jk", "ik"), ("ii", ""), ("ii", "i"), ("iji", "j"), ("ij,ij,ij", "i"), ("ab,bc,cd", "ad"),
             ("bij,bjk", "bik"), ("i,j", "ij"), ("ij,kl", ""), ("iij,jk", "k"), ("ij", "ji")]


@given(st.sampled_from(EQUATIONS), st.data())
def test_einsum_is_the_sum_of_products_written_out(equation, data):
    subscripts, output = equation
    sizes = {label: data.draw(st.integers(1, 3), label=label) for label in set(subscripts) - {","}}
    arrays = []
    for term in subscripts.split(","):  # a label once in a term may be 1 there: it broadcasts
        shape = tuple(1 if term.count(label) == 1 and data.draw(st.booleans()) else sizes[label] for label in term)
        arrays.append(data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3, width=64))))
    got = minigan.einsum(f"{subscripts}->{output}", *[minigan.tensor(a) for a in arrays])
    np.testing.assert_allclose(got.numpy(), written_out(subscripts, output, *arrays), rtol=1e-12, atol=1e-12)


def test_size_one_dimensions_broadcast_against_any_label():
    a, b = np.arange(2.0).reshape(2, 1), np.arange(12.0).reshape(3, 4)
    got = minigan.einsum("ij,jk->ik", minigan.tensor(a), minigan.tensor(b))
    np.testing.assert_allclose(got.numpy(), a * b.sum(axis=0))  # PyTorch: [[0]*4, [12, 15, 18, 21]]
    assert minigan.einsum("...i,...i", minigan.ones(2, 3), minigan.ones(4, 1, 3)).shape == (4, 2)
    assert minigan.einsum("...i,...i->", minigan.ones(2, 3), minigan.ones(4, 1, 3)).item() == 24.0


def test_implicit_output_puts_the_ellipsis_first_then_labels_seen_once_uppercase_before_lowercase():
    x = minigan.arange(6.0).reshape(2, 3)
    assert minigan.einsum("ba", x).tolist() == x.T.tolist()
    assert minigan.einsum("aB", x).shape == (3, 2) and minigan.einsum("Ba", x).shape == (2, 3)
    assert minigan.einsum("i...j,j", minigan.ones(2, 5, 3), minigan.ones(3)).shape == (5, 2)
    assert minigan.einsum("", minigan.tensor(3.0)).item() == 3.0
    assert minigan.einsum("i->...", minigan.ones(2)).item() == 2.0


def test_list_and_sublist_forms():
    a, b = minigan.ones(2, 3), minigan.ones(3)
    assert minigan.einsum("ij,j->i", [a, b]).tolist() == [3.0, 3.0]
    assert minigan.einsum(a, [0, 1], b, [1], [0]).tolist() == [3.0, 3.0]  # PyTorch: tensor([3., 3.])
    assert minigan.einsum(a, [0, 1], [1]).tolist() == [2.0, 2.0, 2.0]
    assert minigan.einsum(a, [Ellipsis, 1], [Ellipsis]).tolist() == [3.0, 3.0]


def test_gradients_match_pytorchs_with_a_repeated_index():
    A = minigan.tensor([[4.0, 1.0, 2.0], [0.0, 3.0, -1.0], [1.0, -2.0, 5.0]], dtype=minigan.float64, requires_grad=True)
    B = minigan.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]], dtype=minigan.float64, requires_grad=True)
    out = minigan.einsum("ii,ij->j", A, B)
    assert out.tolist() == [19.0, 10.0]
    (out * minigan.tensor([1.0, 2.0], dtype=minigan.float64)).sum().backward()
    assert A.grad.tolist() == [[5.0, 0.0, 0.0], [0.0, -2.0, 0.0], [0.0, 0.0, 5.0]]  # PyTorch 2.14's values
    assert B.grad.tolist() == [[4.0, 8.0], [3.0, 6.0], [5.0, 10.0]]


def test_integer_operands_keep_their_dtype_and_a_lone_sum_gives_int64_as_pytorchs():
    i32 = minigan.ones(2, 3, dtype=minigan.int32)
    assert minigan.einsum("ij,kj->ik", i32, i32).dtype == minigan.int32
    assert minigan.einsum("ij->ji", i32).dtype == minigan.int32
    assert minigan.einsum("ij->", i32).dtype == minigan.int64 and minigan.einsum("ij->", i32).item() == 6


@pytest.mark.parametrize("call, message", [
    (lambda o: minigan.einsum("ij,jk->ik", o(2, 3), o(2, 4)),
     "einsum(): subscript j has size 2 for operand 1 which does not broadcast with previously seen size 3"),
    (lambda o: minigan.einsum("ii->i", o(2, 3)),
     "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
    (lambda o: minigan.einsum("ij,jk", o(2, 3)), "einsum(): fewer operands were provided than specified in the equation"),
    (lambda o: minigan.einsum("ij", o(2, 3), o(2)), "einsum(): more operands were provided than specified in the equation"),
    (lambda o: minigan.einsum("i1", o(2, 3)), "einsum(): invalid subscript given at index 1 in the equation string, "
                                              "subscripts must be in [a-zA-Z]"),
    (lambda o: minigan.einsum("ijk", o(2, 3)), "einsum(): the number of subscripts in the equation (3) does not match "
                                               "the number of dimensions (2) for operand 0 and no ellipsis was given"),
    (lambda o: minigan.einsum("i->j", o(2)),
     "einsum(): output subscript j does not appear in the equation for any input operand"),
    (lambda o: minigan.einsum("i->ii", o(2)), "einsum(): output subscript i appears more than once in the output"),
    (lambda o: minigan.einsum("i.j", o(2, 3)), "einsum(): found '.' for operand 0 that is not part of any ellipsis"),
    (lambda o: minigan.einsum("......", o(2)),
     "einsum(): found '.' for operand 0 for which an ellipsis was already found"),
    (lambda o: minigan.einsum("...,...", o(2), o(3)), "einsum(): dimension 0 covered by ellipsis in operand 1 has size "
                                                      "3 which does not broadcast with previously seen ellipsis"),
    (lambda o: minigan.einsum("ij,j->i", o(2, 3, dtype=minigan.int32), o(3)), "expected all operands to have the "
                                                                              "same dtype"),
])
def test_einsum_errors_are_pytorchs(call, message):
    with pytest.raises(RuntimeError) as caught:
        call(minigan.ones)
    assert message in str(caught.value)


def test_einsum_argument_errors():
    with pytest.raises(ValueError, match="must specify the equation string and at least one operand"):
        minigan.einsum("i,i")
    with pytest.raises(TypeError, match="expected Tensor as element 0 in argument 1, but got int"):
        minigan.einsum("ij", 3)


def test_einsum_runs_on_the_test_device():
    pytest.importorskip("array_api_strict")
    a, b = minigan.arange(6.0).reshape(2, 3), minigan.arange(12.0).reshape(3, 4)
    on_device = minigan.einsum("ij,jk->ik", a.to("strict"), b.to("strict"))
    assert on_device.device == "strict"
    np.testing.assert_allclose(on_device.to("cpu").numpy(), a.numpy() @ b.numpy())
    assert minigan.einsum("ii->i", minigan.eye(3).to("strict")).to("cpu").tolist() == [1.0, 1.0, 1.0]


def test_tensordot_as_pytorchs():
    a, b = minigan.arange(24.0).reshape(2, 3, 4), minigan.arange(12.0).reshape(4, 3)
    assert minigan.tensordot(a, b, dims=([1, 2], [1, 0])).tolist() == [440.0, 1232.0]  # PyTorch 2.14
    assert minigan.tensordot(minigan.ones(2, 3, 4), minigan.ones(3, 4, 5)).shape == (2, 5)
    assert minigan.tensordot(minigan.ones(2, 3), minigan.ones(4, 5), dims=0).shape == (2, 3, 4, 5)
    for dims, message in [(1, "contracted dimensions need to match, but first has size 3 in dim 1 and second has "
                                  "size 4 in dim 0"), (-1, "tensordot expects dims >= 0, but got dims=-1"),
                          (3, "tensordot expects dims < ndim_a or ndim_b, but got dims=3"),
                          (([1], [0, 1]), "both dimension lists should have same length")]:
        with pytest.raises(RuntimeError, match=message.replace("(", "\\(")):
            minigan.tensordot(minigan.ones(2, 3), minigan.ones(4, 5) if dims == 1 else minigan.ones(3, 5), dims=dims)


def test_dot_mv_addmm_baddbmm_addbmm_as_pytorchs():
    assert minigan.dot(minigan.tensor([1.0, 2.0]), minigan.tensor([3.0, 4.0])).item() == 11.0
    assert minigan.tensor([1, 2], dtype=minigan.int32).dot(minigan.tensor([3, 4], dtype=minigan.int32)).dtype == minigan.int32
    m = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert minigan.mv(m, minigan.tensor([1.0, -1.0])).tolist() == [-1.0, -1.0]
    assert minigan.addmm(minigan.tensor([1.0, 2.0]), m, minigan.tensor([[0.0, 1.0], [1.0, 0.0]]), beta=3, alpha=-1
                         ).tolist() == [[1.0, 5.0], [-1.0, 3.0]]  # PyTorch 2.14
    nan = minigan.full((3,), float("nan"))
    assert minigan.addmm(nan, minigan.ones(2, 4), minigan.ones(4, 3), beta=0).tolist() == [[4.0] * 3] * 2
    assert minigan.ones(3).addbmm(minigan.ones(2, 2, 4), minigan.ones(2, 4, 3), beta=0.5, alpha=2).tolist() == \
        [[16.5] * 3] * 2
    assert minigan.baddbmm(minigan.ones(3), minigan.ones(2, 2, 4), minigan.ones(2, 4, 3)).shape == (2, 2, 3)


@pytest.mark.parametrize("call, message", [
    (lambda: minigan.dot(minigan.ones(3), minigan.ones(4)), "inconsistent tensor size, expected tensor [3] and src "
                                                            "[4] to have the same number of elements"),
    (lambda: minigan.dot(minigan.ones(3, 1), minigan.ones(3)), "1D tensors expected, but got 2D and 1D tensors"),
    (lambda: minigan.dot(minigan.ones(3), minigan.ones(3, dtype=minigan.float64)),
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    (lambda: minigan.mv(minigan.ones(2, 3), minigan.ones(4)), "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: minigan.mv(minigan.ones(3), minigan.ones(3)), "vector + matrix @ vector expected, got 1, 1, 1"),
    (lambda: minigan.addmm(minigan.ones(3), minigan.ones(2, 4), minigan.ones(3, 3)),
     "mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)"),
    (lambda: minigan.addmm(minigan.ones(3), minigan.ones(4), minigan.ones(4, 3)), "mat1 must be a matrix, got 1-D tensor"),
])
def test_product_errors_are_pytorchs(call, message):
    with pytest.raises(RuntimeError) as caught:
        call()
    assert message in str(caught.value)
