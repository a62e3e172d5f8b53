"""``state_dict()`` gives Tensors sharing the weights' memory, and ``minigan.load`` gives Tensors
back, as PyTorch's ``state_dict`` and ``torch.load`` do; ``load_arrays`` gives NumPy arrays.

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
    path = tmp_path / "G.pt"
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
