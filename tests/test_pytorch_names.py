"""PyTorch's older names and device plumbing, as GAN scripts use them, each checked against what
PyTorch documents: Variable, the legacy tensor types and .type(), cudnn/accelerator flags,
is_cuda, data_parallel, autograd.grad's keywords, and saving state_dicts to .pth files."""
from __future__ import annotations

import importlib

import numpy as np
import pytest

import minigan
import minigan as torch
from minigan import autograd, nn
from minigan.autograd import Variable


def test_variable_is_the_tensor_detached_with_requires_grad_set():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    v = Variable(y, requires_grad=True)  # PyTorch: data.detach(), then requires_grad set
    assert isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad
    assert Variable(y).requires_grad is False and Variable(y, requires_grad=False).is_leaf
    v.array[0] = 7.0  # shares memory with y, as detach() does
    assert y.numpy()[0] == 7.0
    assert isinstance(x, Variable) and not isinstance(np.zeros(1), Variable)
    with pytest.raises(TypeError, match=r"^Variable data has to be a tensor, but got list$"):
        Variable([1.0])


def test_legacy_tensor_types_from_sizes_and_data():
    Tensor = torch.FloatTensor
    ones = Tensor(64, 1).fill_(1.0) if hasattr(torch.Tensor, "fill_") else None
    t = Tensor(64, 1)
    assert isinstance(t, torch.Tensor) and t.shape == (64, 1) and t.dtype == np.float32
    if ones is not None:
        assert (ones.numpy() == 1.0).all()
    from_array = Tensor(np.array([[1, 2], [3, 4]], np.int64))
    assert from_array.dtype == np.float32 and from_array.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert torch.DoubleTensor([0.5]).dtype == np.float64 and torch.FloatTensor().shape == (0,)
    assert isinstance(t, torch.FloatTensor) and not isinstance(t, torch.DoubleTensor)
    assert not isinstance(t, torch.cuda.FloatTensor)
    assert Tensor(t) is t
    with pytest.raises(TypeError, match=r"^torch\.FloatTensor\(tensor\): expected a torch\.FloatTensor, got a "
                                        r"torch\.DoubleTensor"):
        Tensor(torch.DoubleTensor([1.0]))
    with pytest.raises(TypeError, match=r"new\(\) received an invalid argument 2\.5"):
        Tensor(2.5)


def test_type_names_and_casts():
    x = torch.tensor([1.5, -2.0])
    assert x.type() == "torch.FloatTensor" and x.double().type() == "torch.DoubleTensor"
    assert x.type(torch.FloatTensor) is x and x.type("torch.FloatTensor") is x
    d = x.type(torch.DoubleTensor)
    assert d.dtype == np.float64 and d.tolist() == [1.5, -2.0]
    assert x.type("torch.DoubleTensor").dtype == np.float64 and x.type(np.float64).dtype == np.float64
    with pytest.raises(ValueError, match=r"^invalid type: 'torch\.FooTensor'$"):
        x.type("torch.FooTensor")


def test_long_tensor_needs_integer_tensors():
    labels = torch.LongTensor([1, 2])
    assert isinstance(labels, torch.Tensor) and labels.dtype == np.int64 and labels.tolist() == [1, 2]
    assert torch.LongTensor(3).shape == (3,) and torch.tensor([0.7, 2.2]).type(torch.LongTensor).tolist() == [0, 2]


def test_device_questions_on_this_machine():
    x = torch.zeros(2)
    assert x.is_cuda is False and x.is_xpu is False and x.is_cpu is True
    assert torch.accelerator.is_available() == torch.cuda.is_available()
    if not torch.cuda.is_available():
        assert torch.accelerator.current_accelerator() is None
    cudnn = importlib.import_module("minigan.backends.cudnn")  # import torch.backends.cudnn as cudnn
    assert torch.backends.cudnn is cudnn and cudnn.is_available() is False
    torch.backends.cudnn.benchmark = True  # a flag minigan does not act on: nothing else changes
    torch.backends.cudnn.benchmark = False
    assert torch.backends.mps.is_available() is False
    torch.cuda.manual_seed_all(3)  # seeds GPU generators in PyTorch; nothing to seed here


@pytest.mark.gpu
def test_cuda_legacy_type_on_a_gpu():
    if not torch.cuda.is_available():
        pytest.skip("needs CuPy and an NVIDIA GPU")
    t = torch.cuda.FloatTensor(2, 3)
    assert t.is_cuda and t.type() == "torch.cuda.FloatTensor" and isinstance(t, torch.cuda.FloatTensor)
    assert torch.tensor([1.0]).type(torch.cuda.FloatTensor).is_cuda
    assert torch.accelerator.is_available() and torch.accelerator.current_accelerator() == "cuda"


def test_data_parallel_runs_the_module():
    torch.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = torch.randn(5, 3)
    np.testing.assert_array_equal(nn.parallel.data_parallel(layer, x, range(1)).numpy(), layer(x).numpy())
    if not torch.cuda.is_available():  # PyTorch without GPUs ignores device_ids and runs the module
        np.testing.assert_array_equal(nn.parallel.data_parallel(layer, (x,), range(4)).numpy(), layer(x).numpy())
    import minigan.nn.parallel  # noqa: F401 - `import torch.nn.parallel` works

    if not torch.cuda.is_available():  # PyTorch's DataParallel without GPUs: the module as it is, device_ids []
        wrapped = nn.DataParallel(layer)
        assert wrapped.module is layer and wrapped.device_ids == []
        assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
        np.testing.assert_array_equal(wrapped(x).numpy(), layer(x).numpy())


def test_autograd_grad_takes_pytorchs_keywords():
    # d/dx sum(x^2 * w) = 2 x w; the penalty's own gradient needs create_graph
    x = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    w = torch.tensor([2.0, 1.0])
    out = (x * x * w).sum(1)
    (g,) = autograd.grad(outputs=out, inputs=x, grad_outputs=torch.ones(2), create_graph=True,
                         retain_graph=True, only_inputs=True)
    np.testing.assert_allclose(g.numpy(), [[4.0, -4.0], [2.0, 6.0]])
    (g * g).sum().backward()  # d/dx sum((2xw)^2) = 8 x w^2
    np.testing.assert_allclose(x.grad.numpy(), [[32.0, -16.0], [16.0, 24.0]])


def test_state_dict_to_pth_and_back(tmp_path):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU())
    net(torch.randn(8, 4))  # running statistics move away from their start
    path = tmp_path / "netG_epoch_0.pth"
    torch.save(net.state_dict(), str(path))
    other = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU())
    result = other.load_state_dict(torch.load(str(path)))
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    for (name, a), (_, b) in zip(net.state_dict().items(), other.state_dict().items()):
        np.testing.assert_array_equal(np.asarray(a.numpy() if hasattr(a, "numpy") else a),
                                      np.asarray(b.numpy() if hasattr(b, "numpy") else b), err_msg=name)


def test_nn_utils_holds_spectral_norm_and_clipping_and_names_the_rest():
    import minigan.nn as nn
    layer = nn.utils.spectral_norm(nn.Linear(3, 2))  # reached as an attribute, as torch.nn.utils is
    assert "weight_orig" in dict(layer.named_parameters())
    assert callable(nn.utils.clip_grad_norm_) and callable(nn.utils.clip_grad_value_)
    assert callable(nn.utils.weight_norm) and callable(nn.utils.remove_weight_norm)
    with pytest.raises(AttributeError, match="module 'minigan.nn.utils' has no attribute 'no_such_util'"):
        nn.utils.no_such_util
