"""nn.ParameterList and nn.ParameterDict: registration (parameters(), state_dict() with PyTorch's key
names), the list and dict methods, Tensors made Parameters on the same memory, other objects kept
as they are, and the reprs and errors, each written out by hand from PyTorch 2.14 (obtained outside
the repository)."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.optim as optim


class Owner(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weights = nn.ParameterList([nn.Parameter(minigan.ones(2, 3)), minigan.zeros(3)])
        self.scales = nn.ParameterDict({"b": minigan.ones(2), "a": nn.Parameter(minigan.zeros(3))})

    def forward(self, x):
        return (x @ self.weights[0] + self.weights[1]).sum() * self.scales["a"].sum() + self.scales["b"].sum()


def test_registration_names_and_order_are_pytorchs():
    owner = Owner()
    # PyTorch sorts a plain dict's keys: pd.a before pd.b
    assert list(owner.state_dict()) == ["weights.0", "weights.1", "scales.a", "scales.b"]
    assert [name for name, _ in owner.named_parameters()] == ["weights.0", "weights.1", "scales.a", "scales.b"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in owner.parameters())
    assert list(nn.ParameterDict(OrderedDict([("b", minigan.ones(1)), ("a", minigan.ones(1))]))) == ["b", "a"]
    assert list(nn.ParameterDict([("b", minigan.ones(1)), ("a", minigan.ones(1))])) == ["b", "a"]


def test_a_tensor_becomes_a_parameter_on_the_same_memory():
    t = minigan.zeros(3)
    plist = nn.ParameterList([t])
    assert isinstance(plist[0], nn.Parameter) and plist[0].requires_grad
    plist[0].array[0] = 5.0
    assert t.tolist() == [5.0, 0.0, 0.0]
    p = nn.Parameter(minigan.ones(2))
    assert nn.ParameterDict({"p": p})["p"] is p and nn.ParameterList([p])[0] is p


def test_parameter_list_methods():
    plist = nn.ParameterList()
    assert len(plist) == 0 and list(plist) == []
    assert plist.append(minigan.ones(1)) is plist
    plist.extend([minigan.ones(2), minigan.ones(3)])
    plist += [minigan.ones(4)]
    assert [p.shape for p in plist] == [(1,), (2,), (3,), (4,)] and len(plist) == 4
    assert plist[-1].shape == (4,)
    tail = plist[1:3]
    assert isinstance(tail, nn.ParameterList) and tail[0] is plist[1] and list(tail.state_dict()) == ["0", "1"]
    plist[0] = minigan.zeros(5)
    assert plist[0].shape == (5,) and list(plist.state_dict()) == ["0", "1", "2", "3"]
    with pytest.raises(IndexError, match="index 10 is out of range"):
        plist[10]
    with pytest.raises(IndexError, match="index -10 is out of range"):
        plist[-10]
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable, but got Tensor"):
        plist.extend(minigan.ones(2))
    with pytest.raises(TypeError, match="indices must be integers or slices, not str"):
        plist["0"]
    others = nn.ParameterList()
    others.append(3)  # a non-Tensor is kept, and is no parameter
    assert list(others) == [3] and list(others.parameters()) == [] and list(others.state_dict()) == []


def test_parameter_dict_methods():
    pdict = nn.ParameterDict({"b": minigan.ones(2), "a": minigan.zeros(3)})
    assert list(pdict.keys()) == ["a", "b"] and len(pdict) == 2 and "a" in pdict and "z" not in pdict
    pdict.update({"c": minigan.ones(1)})
    pdict["d"] = minigan.zeros(1)
    assert list(pdict) == ["a", "b", "c", "d"]
    assert pdict.pop("c").tolist() == [1.0] and "c" not in pdict and list(pdict.state_dict()) == ["a", "b", "d"]
    assert pdict.get("zz") is None and pdict.get("a").shape == (3,)
    assert pdict.setdefault("e", minigan.ones(3)).shape == (3,) and list(pdict) == ["a", "b", "d", "e"]
    assert [k for k, _ in pdict.items()] == list(pdict) and [v.shape for v in pdict.values()] == [(3,), (2,), (1,), (3,)]
    del pdict["a"]
    assert list(pdict) == ["b", "d", "e"] and list(reversed(pdict)) == ["e", "d", "b"]
    pdict |= {"q": minigan.ones(1)}
    merged = pdict | {"r": minigan.ones(1)}
    assert list(pdict) == ["b", "d", "e", "q"] and list(merged) == ["b", "d", "e", "q", "r"] and merged["b"] is pdict["b"]
    copied = pdict.copy()
    assert list(copied) == list(pdict) and copied["q"] is pdict["q"]
    assert pdict.popitem()[0] == "q" and list(pdict) == ["b", "d", "e"]
    assert list(pdict.fromkeys(["x", "y"], minigan.ones(1))) == ["x", "y"]
    pdict.clear()
    assert len(pdict) == 0 and list(pdict.parameters()) == []


def test_parameter_dict_errors():
    pdict = nn.ParameterDict({"a": minigan.ones(1)})
    with pytest.raises(KeyError, match="ParameterDict has no key 'zz'"):
        pdict["zz"]
    with pytest.raises(AttributeError):  # PyTorch's kind for a missing key
        pdict["zz"]
    with pytest.raises(TypeError, match="not a string \\(type is 'int'\\)"):
        nn.ParameterDict({1: minigan.ones(1)})
    with pytest.raises(TypeError, match="ParametersDict.update should be called with an iterable of key/value pairs, but got int"):
        pdict.update(5)
    with pytest.raises(ValueError, match="element #0 has length 3; 2 is required"):
        pdict.update([("a", minigan.ones(1), 3)])


def test_reprs_are_pytorchs():
    plist = nn.ParameterList([nn.Parameter(minigan.ones(2, 3)), minigan.ones(3), minigan.zeros(2, dtype=minigan.float64)])
    assert repr(plist) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [torch.float32 of size 2x3]\n"
        "    (1): Parameter containing: [torch.float32 of size 3]\n"
        "    (2): Parameter containing: [torch.float64 of size 2]\n"
        ")")
    assert repr(nn.ParameterList([minigan.ones(2)])) == "ParameterList(  (0): Parameter containing: [torch.float32 of size 2])"
    assert repr(nn.ParameterList([3])) == "ParameterList(  (0): Object of type: int)"
    assert repr(nn.ParameterList()) == "ParameterList()" and repr(nn.ParameterDict()) == "ParameterDict()"
    assert repr(Owner()) == (
        "Owner(\n"
        "  (weights): ParameterList(\n"
        "      (0): Parameter containing: [torch.float32 of size 2x3]\n"
        "      (1): Parameter containing: [torch.float32 of size 3]\n"
        "  )\n"
        "  (scales): ParameterDict(\n"
        "      (a): Parameter containing: [torch.FloatTensor of size 3]\n"
        "      (b): Parameter containing: [torch.FloatTensor of size 2]\n"
        "  )\n"
        ")")
    assert repr(nn.ParameterDict({"x": minigan.ones(2, 2, dtype=minigan.float64)})) == \
        "ParameterDict(  (x): Parameter containing: [torch.DoubleTensor of size 2x2])"


def test_training_state_dict_round_trip_and_dtype_moves():
    owner = Owner()
    opt = optim.SGD(owner.parameters(), lr=0.5)
    loss = owner(minigan.ones(1, 2))
    loss.backward()
    # d loss / d scales.b = 1 for each entry; scales.a's gradient is the first factor, (x W + w1).sum() = 6
    assert owner.scales["b"].grad.tolist() == [1.0, 1.0]
    assert owner.scales["a"].grad.tolist() == [6.0, 6.0, 6.0]
    opt.step()
    assert owner.scales["a"].tolist() == [-3.0, -3.0, -3.0]
    fresh = Owner()
    fresh.load_state_dict(owner.state_dict())
    np.testing.assert_array_equal(fresh.scales["a"].numpy(), owner.scales["a"].numpy())
    owner.double()
    assert all(p.dtype == np.float64 for p in owner.parameters())
