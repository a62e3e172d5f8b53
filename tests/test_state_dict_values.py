"""``state_dict()`` gives Tensors sharing the weights' memory, buffers are Tensors, and
``minigan.load`` gives Tensors back where Tensors were saved, as PyTorch's ``state_dict``,
``register_buffer`` and ``torch.load`` do; ``load_arrays`` gives NumPy arrays.

Every expected value is written out with NumPy from the weights' starting values."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.torch_api.serialization import load_arrays


def _net():
    minigan.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))


def test_values_are_detached_tensors_with_pytorchs_keys_and_dtypes():
    net = _net()
    state = net.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias",
                           "1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert all(type(value) is minigan.Tensor and not value.requires_grad for value in state.values())
    assert state["0.weight"].size(0) == 2 and state["0.weight"].numel() == 6
    assert state["1.num_batches_tracked"].dtype == np.int64 and state["1.num_batches_tracked"].dim() == 0
    np.testing.assert_array_equal(state["0.weight"].numpy(), net[0].weight.numpy())


def test_values_follow_an_optimizer_step_and_a_batchnorm_update_as_in_pytorch():
    net = _net()
    w0, b0 = net[0].weight.numpy().copy(), net[0].bias.numpy().copy()
    state = net.state_dict()
    snapshot = copy.deepcopy(state)
    cloned = {key: value.clone() for key, value in state.items()}
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    opt = optim.SGD(net[0].parameters(), lr=0.5)
    net[0](minigan.tensor(x)).sum().backward()  # d/dW = column sums of x in every row, d/db = 4
    opt.step()
    np.testing.assert_allclose(state["0.weight"].numpy(), w0 - 0.5 * np.tile(x.sum(0), (2, 1)), rtol=1e-6)
    np.testing.assert_allclose(state["0.bias"].numpy(), b0 - 0.5 * 4, rtol=1e-6)
    net(minigan.tensor(x))  # training mode: the running statistics move in place
    assert int(state["1.num_batches_tracked"].item()) == 1
    np.testing.assert_array_equal(state["1.running_mean"].numpy(), net[1].running_mean)
    assert not np.array_equal(state["1.running_mean"].numpy(), np.zeros(2, np.float32))
    for kept in (snapshot, cloned):  # a copy made before the step keeps the old values
        np.testing.assert_array_equal(kept["0.weight"].numpy(), w0)
        assert int(kept["1.num_batches_tracked"].item()) == 0


def test_writing_into_a_value_writes_the_weight_and_keep_vars_gives_the_parameters():
    net = _net()
    net.state_dict()["0.bias"].copy_(minigan.tensor([7.0, -7.0]))
    np.testing.assert_array_equal(net[0].bias.numpy(), np.array([7.0, -7.0], np.float32))
    kept = net.state_dict(keep_vars=True)
    assert kept["0.weight"] is net[0].weight and kept["1.bias"] is net[1].bias


def test_prefix_and_destination():
    net = _net()
    destination = {"already": minigan.zeros(1)}
    result = net.state_dict(destination=destination, prefix="generator.")
    assert result is destination
    assert list(result)[:3] == ["already", "generator.0.weight", "generator.0.bias"]
    with pytest.raises(TypeError, match="prefix must be a string"):
        net.state_dict(prefix=1)


def test_load_gives_back_tensors_where_tensors_were_saved(tmp_path):
    net = _net()
    path = tmp_path / "G.npz"  # minigan's format: a NumPy array comes back as one (a .pt name writes PyTorch's)
    minigan.save({"model": net.state_dict(), "epoch": 3, "note": "x", "steps": [np.float32(0.5)],
                  "raw": np.arange(3)}, path)
    loaded = minigan.load(path)
    assert loaded["epoch"] == 3 and loaded["note"] == "x" and loaded["steps"] == [np.float32(0.5)]
    assert type(loaded["raw"]) is np.ndarray and loaded["raw"].tolist() == [0, 1, 2]  # an array stays one
    model = loaded["model"]
    assert all(type(value) is minigan.Tensor and not value.requires_grad for value in model.values())
    assert model["0.weight"].size() == (2, 3) and model["1.num_batches_tracked"].dtype == np.int64
    np.testing.assert_array_equal(model["0.weight"].numpy(), net[0].weight.numpy())
    arrays = load_arrays(path)
    assert all(type(value) is np.ndarray for value in arrays["model"].values())
    np.testing.assert_array_equal(arrays["model"]["0.bias"], net[0].bias.numpy())

    other = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    other.load_state_dict(minigan.load(path)["model"])
    for key, value in other.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), net.state_dict()[key].numpy())


def test_a_file_from_before_the_tensor_node_loads_its_arrays_as_arrays(tmp_path):
    """Format version 1 stored Tensors as plain array nodes; such files still load."""
    structure = {"format": "minigan", "version": 1, "root": {"dict": [["0.weight", {"array": "a0"}]]}}
    path = tmp_path / "old.npz"
    with open(path, "wb") as handle:
        np.savez(handle, a0=np.full((2, 3), 0.25, np.float32),
                 __minigan__=np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8))
    state = minigan.load(path)
    assert type(state["0.weight"]) is np.ndarray and state["0.weight"].tolist() == [[0.25] * 3] * 2
    net = _net()
    net[0].load_state_dict({"weight": state["0.weight"], "bias": np.zeros(2, np.float32)})
    np.testing.assert_array_equal(net[0].weight.numpy(), np.full((2, 3), 0.25, np.float32))


class Masked(nn.Module):
    """A layer written the PyTorch way: a fixed mask registered as a buffer."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mask", minigan.tensor([1.0, 0.0, 1.0]))

    def forward(self, x):
        return x * self.mask


def test_a_tensor_registered_as_a_buffer_is_kept_used_saved_and_moved():
    layer = Masked()
    mask = layer.mask
    assert type(mask) is minigan.Tensor and [name for name, _ in layer.named_buffers()] == ["mask"]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(layer(minigan.tensor(x)).numpy(), x * np.array([1, 0, 1], np.float32))
    assert layer.state_dict()["mask"].tolist() == [1.0, 0.0, 1.0]
    layer.to(np.float64)
    assert layer.mask is mask and mask.dtype == np.float64  # converted in place, as parameters are
    layer.mask = np.array([0.0, 1.0, 0.0])  # an array assigned to a buffer is wrapped, sharing its memory
    assert type(layer.mask) is minigan.Tensor and layer.mask.tolist() == [0.0, 1.0, 0.0]


def test_batchnorm_buffers_are_tensors_updated_in_place():
    bn = nn.BatchNorm1d(2)
    running_mean = bn.running_mean
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 7.0]], np.float32)
    bn(minigan.tensor(x))
    assert bn.running_mean is running_mean and type(running_mean) is minigan.Tensor
    np.testing.assert_allclose(running_mean.numpy(), 0.1 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-6)
    assert int(bn.num_batches_tracked.item()) == 1


def test_functional_batch_norm_takes_running_statistics_as_tensors():
    x = np.array([[1.0, -2.0], [3.0, 4.0]], np.float32)
    mean, var = minigan.zeros(2), minigan.ones(2)
    out = nn.functional.batch_norm(minigan.tensor(x), mean, var, training=True, momentum=0.5)
    np.testing.assert_allclose(mean.numpy(), 0.5 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(var.numpy(), 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(out.numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-5)
    evaluated = nn.functional.batch_norm(minigan.tensor(x), mean, var, training=False)
    np.testing.assert_allclose(evaluated.numpy(), (x - mean.numpy()) / np.sqrt(var.numpy() + 1e-5), rtol=1e-5)
