"""The PyTorch-style factories (minigan/torch_api/factories.py) and Tensor/Module methods, against NumPy
written out plainly: the same shape, dtype and values, and the same random draws for a seed."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan as torch  # the spelling these functions exist for
import minigan.nn as nn

SEED = 1234


# ---------------------------------------------------------------------- constant fills
@pytest.mark.parametrize("name, reference", [("zeros", np.zeros), ("ones", np.ones)])
@pytest.mark.parametrize("dtype", [None, torch.float64, torch.float16])
def test_fills_match_numpy(name, reference, dtype):
    factory = getattr(torch, name)
    expected = reference((2, 3), dtype=np.float32 if dtype is None else dtype)
    for result in (factory(2, 3, dtype=dtype), factory((2, 3), dtype=dtype), factory([2, 3], dtype=dtype)):
        assert isinstance(result, minigan.Tensor) and result.dtype == expected.dtype
        np.testing.assert_array_equal(result.numpy(), expected)


def test_full_eye_empty_match_numpy():
    np.testing.assert_array_equal(torch.full((2, 2), 0.5).numpy(), np.full((2, 2), 0.5, np.float32))
    assert torch.full((2,), 1.0).dtype == np.float32
    ints = torch.full((3,), 7)  # an int fill is int64 in PyTorch
    assert isinstance(ints, torch.Tensor) and ints.dtype == np.int64 and ints.tolist() == [7, 7, 7]
    np.testing.assert_array_equal(torch.eye(3).numpy(), np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(torch.eye(2, 4, dtype=torch.float64).numpy(), np.eye(2, 4))
    empty = torch.empty(4, 5, dtype=torch.double)
    assert empty.shape == (4, 5) and empty.dtype == np.float64
    assert torch.zeros(()).shape == () and torch.ones(0, 3).shape == (0, 3)


@pytest.mark.parametrize("name, args, reference", [
    ("zeros_like", (), np.zeros_like), ("ones_like", (), np.ones_like),
    ("full_like", (2.5,), lambda a: np.full_like(a, 2.5)),
])
def test_like_forms_keep_shape_and_dtype(name, args, reference):
    source = np.arange(6, dtype=np.float64).reshape(2, 3)
    for like in (source, torch.tensor(source)):
        result = getattr(torch, name)(like, *args)
        assert result.shape == (2, 3) and result.dtype == np.float64
        np.testing.assert_array_equal(result.numpy(), reference(source))
    assert getattr(torch, name)(source, *args, dtype=torch.float32).dtype == np.float32
    assert torch.empty_like(source).shape == (2, 3)


# ---------------------------------------------------------------------- random draws
@pytest.mark.parametrize("dtype", [None, torch.float64])
def test_randn_and_rand_draw_from_the_manual_seed_generator(dtype):
    numpy_dtype = np.float32 if dtype is None else np.float64
    torch.manual_seed(SEED)
    normal, uniform = torch.randn(3, 4, dtype=dtype), torch.rand((5,), dtype=dtype)
    rng = np.random.default_rng(SEED)
    np.testing.assert_array_equal(normal.numpy(), rng.standard_normal((3, 4), dtype=numpy_dtype))
    np.testing.assert_array_equal(uniform.numpy(), rng.random((5,), dtype=numpy_dtype))
    assert normal.dtype == numpy_dtype and uniform.dtype == numpy_dtype
    torch.manual_seed(SEED)
    np.testing.assert_array_equal(torch.randn(3, 4, dtype=dtype).numpy(), normal.numpy())


def test_float16_draws_are_the_float32_draws_rounded():
    torch.manual_seed(SEED)
    half = torch.randn(6, dtype=torch.half)
    expected = np.random.default_rng(SEED).standard_normal(6, dtype=np.float32).astype(np.float16)
    assert half.dtype == np.float16
    np.testing.assert_array_equal(half.numpy(), expected)


def test_randint_forms_match_numpy_integers():
    torch.manual_seed(SEED)
    high_only, low_high, keyword = torch.randint(10, (4,)), torch.randint(-3, 3, (2, 3)), torch.randint(5, size=(2,))
    rng = np.random.default_rng(SEED)
    np.testing.assert_array_equal(high_only, rng.integers(0, 10, (4,), dtype=np.int64))
    np.testing.assert_array_equal(low_high, rng.integers(-3, 3, (2, 3), dtype=np.int64))
    np.testing.assert_array_equal(keyword, rng.integers(0, 5, (2,), dtype=np.int64))
    assert high_only.dtype == np.int64 and isinstance(high_only, torch.Tensor)
    as_float = torch.randint(0, 4, (3,), dtype=torch.float32)
    assert isinstance(as_float, minigan.Tensor) and set(as_float.tolist()) <= {0.0, 1.0, 2.0, 3.0}
    with pytest.raises(ValueError, match="low must be less than high"):
        torch.randint(3, 3, (2,))


def test_like_random_forms_and_an_explicit_generator():
    like = torch.zeros(2, 3, dtype=torch.float64)
    generator = torch.Generator().manual_seed(7)
    drawn = (torch.randn_like(like, generator=generator), torch.rand_like(like, generator=generator),
             torch.randint_like(like, 2, 9, generator=generator))
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(drawn[0].numpy(), rng.standard_normal((2, 3), dtype=np.float64))
    np.testing.assert_array_equal(drawn[1].numpy(), rng.random((2, 3), dtype=np.float64))
    np.testing.assert_array_equal(drawn[2].numpy(), rng.integers(2, 9, (2, 3), dtype=np.int64).astype(np.float64))
    # A NumPy Generator is accepted as is, and the global one is left alone by both.
    torch.manual_seed(SEED)
    torch.randn(3, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(torch.randn(2).numpy(), np.random.default_rng(SEED).standard_normal(2, dtype=np.float32))


# ---------------------------------------------------------------------- ranges
def test_arange_follows_pytorch_dtype_rules():
    ints = torch.arange(5)
    assert isinstance(ints, torch.Tensor) and ints.dtype == np.int64 and ints.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(torch.arange(2, 11, 3), np.arange(2, 11, 3))
    floats = torch.arange(0, 1, 0.1)
    np.testing.assert_array_equal(floats.numpy(), np.arange(0, 1, 0.1).astype(np.float32))
    assert floats.shape == (10,) and floats.dtype == np.float32
    np.testing.assert_array_equal(torch.arange(3, dtype=torch.float64).numpy(), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="step"):
        torch.arange(0, 1, 0)


def test_linspace_matches_numpy():
    np.testing.assert_array_equal(torch.linspace(-1, 1, 5).numpy(), np.linspace(-1, 1, 5).astype(np.float32))
    np.testing.assert_array_equal(torch.linspace(0, 1, 7, dtype=torch.float64).numpy(), np.linspace(0, 1, 7))


# ---------------------------------------------------------------------- requires_grad, device, bad input
def test_requires_grad_makes_a_leaf_that_collects_gradients():
    x = torch.ones(2, 2, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 2), 3.0, np.float32))
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        torch.randint(3, (2,), requires_grad=True)


def test_device_cpu_is_accepted_and_others_are_refused_by_name():
    for where in ("cpu", torch.device("cpu"), None):
        assert torch.zeros(1, device=where).shape == (1,)
    assert torch.device("cpu") == "cpu" and torch.device("cuda", 0) == "cuda:0" and torch.device("cuda:0") == "cuda"
    if not torch.cuda.is_available():
        assert torch.device("cuda" if torch.cuda.is_available() else "cpu") == torch.device("cpu")
        for factory in (torch.zeros, torch.randn, torch.rand):
            with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
                factory(2, device="cuda")
    for factory in (torch.zeros, torch.randn, torch.rand):
        with pytest.raises(RuntimeError, match="minigan uses one GPU"):
            factory(2, device="cuda:1")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        torch.device("tpu")
    x = torch.randn(2, 3, device="strict")  # the test device: factories place their results
    assert x.device == "strict" and x.to("cpu").shape == (2, 3)


def test_like_factories_keep_the_inputs_device_unless_told():
    x = torch.randn(2, 3, device="strict")
    for made in (torch.zeros_like(x), torch.ones_like(x), torch.empty_like(x), torch.full_like(x, 2.0),
                 torch.rand_like(x), torch.randn_like(x), torch.randint_like(x, 5)):
        assert made.device == "strict" and made.shape == (2, 3)
    assert torch.ones_like(x, device="cpu").device == "cpu"
    assert torch.ones_like(np.ones((2, 3))).device == "cpu"


@pytest.mark.parametrize("call, message", [
    (lambda: torch.zeros(2, -1), "non-negative"),
    (lambda: torch.ones(2.5), "sizes must be ints"),
    (lambda: torch.randn(2, dtype="int64"), "floating-point dtype"),
    (lambda: torch.zeros(2, dtype="complex64"), "not supported"),
    (lambda: torch.rand(2, generator=42), "generator must be"),
])
def test_bad_arguments_name_the_problem(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert message in str(info.value)


# ---------------------------------------------------------------------- Tensor methods
def test_size_dim_numel():
    x = torch.zeros(4, 3, 2)
    assert x.size() == (4, 3, 2) and x.size(0) == 4 and x.size(-1) == 2 and x.size(dim=1) == 3
    assert x.size == 24 and x.size + 1 == 25  # still NumPy's element count where used as a number
    assert x.dim() == 3 and x.numel() == 24
    with pytest.raises(IndexError, match="out of range"):
        x.size(3)


def test_reshaping_methods_match_numpy_and_carry_gradients():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = torch.tensor(a, requires_grad=True)
    cases = [
        (x.flatten(), a.reshape(-1)), (x.flatten(1), a.reshape(2, -1)), (x.flatten(0, 1), a.reshape(6, 4)),
        (x.view(-1, 4), a.reshape(-1, 4)), (x.unsqueeze(0), a[None]), (x.unsqueeze(-1), a[..., None]),
        (x.unsqueeze(1), a[:, None]), (x.unsqueeze(0).squeeze(), a), (x.unsqueeze(2).squeeze(2), a),
        (x.unsqueeze(0).squeeze(1), a[None]),  # a dimension not of size 1 is kept, as in PyTorch
    ]
    for result, expected in cases:
        np.testing.assert_array_equal(result.numpy(), expected)
    weights = np.random.default_rng(0).standard_normal(24)
    (x.unsqueeze(1).flatten() * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), weights.reshape(2, 3, 4))


def test_to_cpu_and_dtype():
    x = torch.randn(3, requires_grad=True)
    assert x.to("cpu") is x and x.cpu() is x and x.to(torch.device("cpu")) is x
    y = x.to(torch.float64)
    assert y.dtype == np.float64 and x.to("cpu", torch.float64).dtype == np.float64
    assert x.to(dtype=torch.float16).dtype == np.float16 and x.to(y).dtype == np.float64
    y.sum().backward()  # the cast is recorded, as in PyTorch
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(3, np.float32))
    with pytest.raises(RuntimeError, match="'cuda' is not available"):
        x.cuda()
    as_long = x.to(torch.long)  # an integer cast, not recorded (an integer tensor has no gradient)
    assert as_long.dtype == np.int64 and not as_long.requires_grad


# ---------------------------------------------------------------------- Module methods
def test_module_to_dtype_converts_parameters_and_buffers_in_place():
    model = nn.Sequential(nn.Linear(in_features=3, out_features=4), nn.BatchNorm1d(4))
    weight = model[0].weight
    before = weight.numpy().astype(np.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    assert model.to(torch.float64) is model and model.cpu() is model
    assert weight.dtype == np.float64 and model[1].running_mean.dtype == np.float64
    np.testing.assert_array_equal(weight.numpy(), before)
    x = torch.randn(5, 3, dtype=torch.float64)
    model(x).sum().backward()
    optimizer.step()  # the optimizer still holds the same (converted) Parameters
    np.testing.assert_allclose(weight.numpy(), before - 0.1 * weight.grad.numpy(), rtol=0, atol=1e-12)
    assert model.float()[0].weight.dtype == np.float32
    with pytest.raises(RuntimeError, match="'cuda' is not available"):
        model.to("cuda")


def test_module_methods_tutorials_use():
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 1))
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert not model.eval().training and all(m.training for m in model.train().modules())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Dropout", "Linear", "Sequential"]
    model(torch.ones(4, 2)).sum().backward()
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_save_load_a_state_dict_under_any_name(tmp_path):
    model = nn.Linear(in_features=4, out_features=2)
    path = tmp_path / "G.pt"
    torch.save(model.state_dict(), path)
    restored = nn.Linear(4, 2)
    restored.load_state_dict(torch.load(path, map_location="cpu"))
    np.testing.assert_array_equal(restored.weight.numpy(), model.weight.numpy())
    with open(path, "rb") as handle:
        assert handle.read(2) == b"PK"  # an .npz (zip) archive, not a pickle
    with pytest.raises(RuntimeError, match="'cuda' is not available"):
        torch.load(path, map_location="cuda")


# ---------------------------------------------------------------------- unsupported names
@pytest.mark.parametrize("module, name, feature", [
    (minigan.nn, "LinearCrossEntropyOptions", "torch.nn.LinearCrossEntropyOptions"),
    (minigan, "compile", "torch.compile"), (minigan.cuda, "amp", "torch.cuda.amp"),
    (minigan.optim, "SparseAdam", "torch.optim.SparseAdam"), (minigan.data, "CIFAR10", "torch.utils.data.CIFAR10"),
    (minigan, "complex", "torch.complex"), (minigan, "stft", "torch.stft"), (minigan, "lobpcg", "torch.lobpcg"),
])
def test_unsupported_pytorch_names_say_so(module, name, feature):
    with pytest.raises(NotImplementedError) as info:
        getattr(module, name)
    assert str(info.value).startswith(f"{feature} is not supported by minigan")
    assert not hasattr(module, name)  # feature detection with hasattr still works


def test_unknown_names_are_plain_attribute_errors():
    with pytest.raises(AttributeError) as info:
        minigan.nn.NoSuchLayer
    assert not isinstance(info.value, NotImplementedError)


def test_the_default_device_is_the_cpu_and_only_the_cpu_can_be_set():
    minigan.set_default_device("cpu")  # PyTorch's tutorials call this with "cpu" when there is no GPU
    minigan.set_default_device(None)
    assert minigan.get_default_device() == "cpu" and minigan.zeros(2).device == "cpu"
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"set_default_device\('cuda'\) is not supported"):
        minigan.set_default_device("cuda")


def test_logspace_and_the_triangle_indices_as_pytorch():
    assert torch.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0] and torch.logspace(0, 3, 4, base=2).tolist() == [1, 2, 4, 8]
    assert torch.logspace(0, 1, 2, dtype=torch.float64).dtype == torch.float64
    assert torch.tril_indices(3, 3, -1).tolist() == [[1, 2, 2], [0, 0, 1]]
    assert torch.triu_indices(2, 3).tolist() == [[0, 0, 0, 1, 1], [0, 1, 2, 1, 2]]
    assert torch.tril_indices(3, 2, 1).tolist() == [[0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]]
    empty = torch.tril_indices(0, 3)
    assert empty.shape == (2, 0) and empty.dtype == torch.int64
    assert torch.triu_indices(3, 3, dtype=torch.int32).dtype == torch.int32
    with pytest.raises(NotImplementedError, match="^\"tril_indices\" not implemented for 'Float'$"):
        torch.tril_indices(3, 3, dtype=torch.float32)
    with pytest.raises(TypeError, match=r"^triu_indices\(\): argument 'offset' must be int, not float$"):
        torch.triu_indices(3, 3, 1.5)


def test_finfo_iinfo_and_the_other_names_of_cat_mul_and_sub():
    assert torch.finfo(torch.float32).eps == 2.0**-23 and torch.finfo().eps == 2.0**-23  # the default dtype
    assert torch.finfo(torch.float16).max == 65504.0 and torch.finfo(torch.float64).tiny == 2.0**-1022
    assert torch.iinfo(torch.uint8).max == 255 and torch.iinfo(torch.int8).min == -128 and torch.iinfo(torch.int64).bits == 64
    with pytest.raises(TypeError, match=r"^torch.finfo\(\) requires a floating point input type"):
        torch.finfo(torch.int32)
    with pytest.raises(TypeError, match=r"^torch.iinfo\(\) requires an integer input type"):
        torch.iinfo(torch.float32)
    ones = torch.ones(2)
    assert torch.concat([ones, torch.zeros(1)]).tolist() == [1.0, 1.0, 0.0]
    assert torch.multiply(ones, 3).tolist() == [3.0, 3.0] and torch.subtract(ones, 1, alpha=2).tolist() == [-1.0, -1.0]
