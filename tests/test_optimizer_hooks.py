"""PyTorch's optimizer hooks (minigan/optim/optimizer_hooks.py): what each hook sees and may
change, in the order PyTorch 2.14.1 runs them (its log for the same calls, written out below)."""
import numpy as np
import pytest

import minigan
from minigan import nn, optim


def _sgd():
    weight = nn.Parameter(minigan.tensor([1.0, 2.0]))
    weight.grad = minigan.tensor([1.0, 1.0])
    return weight, optim.SGD([weight], lr=0.1)


def test_step_hooks_see_the_optimizer_and_the_arguments_and_may_replace_them():
    weight, optimizer = _sgd()
    log = []
    first = optimizer.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", args[0] is o, len(args),
                                                                                  sorted(kwargs))))

    def replacing(o, args, kwargs):
        log.append(("replacing", len(args)))
        return (args, {"closure": None}) if not kwargs else None
    second = optimizer.register_step_pre_hook(replacing)
    post = optimizer.register_step_post_hook(lambda o, args, kwargs: log.append(("post", sorted(kwargs))))
    optimizer.step()
    second.remove()
    optimizer.step()
    first.remove()
    post.remove()
    optimizer.step()
    assert log == [("pre", True, 1, []), ("replacing", 1), ("post", ["closure"]), ("pre", True, 1, []), ("post", [])]
    np.testing.assert_allclose(weight.detach().numpy(), [0.7, 1.7], rtol=1e-6)  # three plain float32 steps of 0.1


def test_a_pre_hook_returning_something_else_is_refused():
    _, optimizer = _sgd()
    optimizer.register_step_pre_hook(lambda o, args, kwargs: 5)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwargs\), but got 5\."):
        optimizer.step()


def test_state_dict_hooks():
    _, optimizer = _sgd()
    log = []
    optimizer.register_state_dict_pre_hook(lambda o: log.append("pre"))
    optimizer.register_state_dict_post_hook(
        lambda o, state: log.append(("post", sorted(state))) or {**state, "extra": 1})
    optimizer.register_state_dict_pre_hook(lambda o: log.append("first"), prepend=True)
    state = optimizer.state_dict()
    assert log == ["first", "pre", ("post", ["param_groups", "state"])] and sorted(state) == ["extra", "param_groups",
                                                                                              "state"]


def test_load_state_dict_hooks_change_a_copy_of_the_dict():
    _, optimizer = _sgd()
    state = {**optimizer.state_dict(), "extra": 1}
    log = []

    def pre(o, loaded):
        log.append(("pre", sorted(loaded)))
        loaded.pop("extra")  # the copy: the caller's dict keeps it
        return {**loaded, "param_groups": [dict(group, lr=0.5) for group in loaded["param_groups"]]}
    optimizer.register_load_state_dict_pre_hook(pre)
    optimizer.register_load_state_dict_post_hook(lambda o: log.append(("post", o.param_groups[0]["lr"])))
    optimizer.load_state_dict(state)
    assert log == [("pre", ["extra", "param_groups", "state"]), ("post", 0.5)]
    assert "extra" in state and state["param_groups"][0]["lr"] == 0.1


def test_an_override_calling_super_runs_the_hooks_once():
    class Counting(optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    weight = nn.Parameter(minigan.tensor([1.0]))
    weight.grad = minigan.tensor([2.0])
    optimizer = Counting([weight], lr=0.25)
    calls = []
    optimizer.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    optimizer.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    optimizer.step()
    assert calls == ["pre", "post"] and weight.item() == 0.5


def test_lbfgs_step_with_a_closure_runs_its_hooks():
    weight = nn.Parameter(minigan.tensor([3.0]))
    optimizer = optim.LBFGS([weight], lr=1.0, max_iter=5)
    seen = []
    optimizer.register_step_post_hook(lambda o, args, kwargs: seen.append(len(args)))

    def closure():
        optimizer.zero_grad()
        loss = (weight * weight).sum()
        loss.backward()
        return loss
    optimizer.step(closure)
    assert seen == [2]  # the optimizer and the closure
    assert abs(weight.item()) < 1e-6


def test_a_hook_must_be_callable():
    _, optimizer = _sgd()
    with pytest.raises(TypeError, match="the hook must be callable, got int"):
        optimizer.register_step_post_hook(3)
