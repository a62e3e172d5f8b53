"""PyTorch's type rules as functions: promote_types, can_cast and result_type, with PyTorch 2.14.1's
answers written out by hand, and result_type checked against the dtypes minigan's ops give."""
import pytest

import minigan


def test_promote_types_can_cast_and_result_type_as_pytorch():
    assert minigan.promote_types(minigan.uint8, minigan.int8) == minigan.int16
    assert minigan.promote_types(minigan.float16, minigan.int64) == minigan.float16  # NumPy would say float64
    assert minigan.promote_types(minigan.bool, minigan.uint8) == minigan.uint8
    assert minigan.can_cast(minigan.float64, minigan.float32) and minigan.can_cast(minigan.bool, minigan.uint8)
    assert not minigan.can_cast(minigan.float32, minigan.int32) and not minigan.can_cast(minigan.int8, minigan.bool)
    ints = minigan.tensor([1], dtype=minigan.int32)
    assert minigan.result_type(ints, minigan.tensor(1.5, dtype=minigan.float64)) == minigan.float64
    assert minigan.result_type(ints, 1.5) == minigan.float32 and minigan.result_type(ints, 7) == minigan.int32
    assert minigan.result_type(minigan.tensor([True]), 2) == minigan.int64 and minigan.result_type(1, 2) == minigan.int64
    assert minigan.result_type(minigan.tensor([1.0], dtype=minigan.float16), minigan.tensor([1])) == minigan.float16
    assert minigan.result_type(minigan.tensor([1.0]), minigan.tensor(2.0, dtype=minigan.float64)) == minigan.float32
    with pytest.raises(TypeError, match=r"^result_type\(\): arguments must be Tensors or numbers, not list$"):
        minigan.result_type(ints, [1])


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("other", [(name, shape) for name in DTYPES for shape in ((), (3,))] + [2, 2.5, True])
def test_result_type_is_the_dtype_multiplication_gives(dtype, other):
    """Two independent homes of one rule: result_type's groups and the ops' operand promotion."""
    x = minigan.ones(3, dtype=getattr(minigan, dtype))
    if isinstance(other, tuple):
        other = minigan.ones(other[1], dtype=getattr(minigan, other[0]))
    assert minigan.result_type(x, other) == (x * other).dtype
