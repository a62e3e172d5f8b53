"""Autograd hooks (Tensor.register_hook, register_post_accumulate_grad_hook), a Module's backward hooks
(register_full_backward_pre_hook, register_full_backward_hook, register_backward_hook) and its
state_dict hooks, against closed forms, against the gradients without hooks, and against PyTorch
2.14.1's values and call sequences, written out by hand (run outside the repository)."""
import collections
import warnings

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.replay import Compiled

F64 = minigan.float64


def _t(values, grad=True):
    return minigan.tensor(values, requires_grad=grad, dtype=F64)


def _listed(grads):
    return [None if g is None else g.tolist() for g in grads]


# ------------------------------------------------------------------ tensor hooks
def _hooked_square(log):
    x = _t([1.0, 2.0, 3.0])
    y = x * 2
    y.register_hook(lambda g: (log.append(("y1", g.tolist())), g * 3)[1])
    y.register_hook(lambda g: log.append(("y2", g.tolist())))
    x.register_hook(lambda g: (log.append(("x", g.tolist())), g + 1)[1])
    x.register_post_accumulate_grad_hook(lambda p: log.append(("post", p.grad.tolist())))
    return x, y, (y * y).sum()


def test_tensor_hooks_run_in_order_and_their_results_replace_the_gradient_as_pytorch_s():
    log = []
    x, y, z = _hooked_square(log)
    z.backward(retain_graph=True)
    # d z/dy = 2y = 4x = [4, 8, 12]; tripled by the first hook; then d/dx = 2 * that = [24, 48, 72]; + 1
    assert log == [("y1", [4.0, 8.0, 12.0]), ("y2", [12.0, 24.0, 36.0]), ("x", [24.0, 48.0, 72.0]),
                   ("post", [25.0, 49.0, 73.0])]  # PyTorch 2.14.1's sequence
    assert x.grad.tolist() == [25.0, 49.0, 73.0]
    log.clear()
    (gx,) = minigan.autograd.grad(z, x, retain_graph=True)  # the input's own hook runs; no accumulation
    assert gx.tolist() == [25.0, 49.0, 73.0] and [entry[0] for entry in log] == ["y1", "y2", "x"]
    log.clear()
    (gy,) = minigan.autograd.grad(z, y, retain_graph=True)
    assert gy.tolist() == [12.0, 24.0, 36.0] and [entry[0] for entry in log] == ["y1", "y2"]
    log.clear()
    x.grad = None
    z.backward(inputs=[x])
    assert [entry[0] for entry in log] == ["y1", "y2", "x", "post"] and x.grad.tolist() == [25.0, 49.0, 73.0]


def test_removed_hooks_do_not_run_and_a_with_block_removes_its_hook():
    x = _t([1.0, -2.0])
    handle = x.register_hook(lambda g: g * 100)
    handle.remove()
    handle.remove()  # twice does nothing
    with x.register_hook(lambda g: g * 3):
        (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, -12.0]  # 3 * 2x
    x.grad = None
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0]


def test_hooks_that_return_nothing_leave_every_gradient_bit_for_bit():
    minigan.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 1))
    x = minigan.randn(3, 4)
    net(x).pow(2).sum().backward()
    plain = [p.grad.numpy().copy() for p in net.parameters()]
    net.zero_grad()
    seen = []
    handles = [p.register_hook(lambda g: seen.append(g.shape)) for p in net.parameters()]
    handles += [p.register_post_accumulate_grad_hook(lambda p: seen.append("post")) for p in net.parameters()]
    out = net(x)
    handles.append(out.register_hook(lambda g: seen.append("out")))
    out.pow(2).sum().backward()
    assert all(np.array_equal(a, p.grad.numpy()) for a, p in zip(plain, net.parameters()))
    assert seen.count("post") == 4 and seen[0] == "out"


def test_a_post_accumulate_hook_can_step_the_leaf_as_pytorch_s_example():
    v = _t([0.0, 0.0, 0.0])
    v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-0.01))
    v.backward(minigan.tensor([1.0, 2.0, 3.0], dtype=F64))
    np.testing.assert_allclose(v.detach().numpy(), [-0.01, -0.02, -0.03], rtol=1e-15)


def test_a_hook_may_keep_what_it_is_given():
    stored = []
    x = _t([1.0, 2.0])
    x.register_hook(stored.append)
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert [s.tolist() for s in stored] == [[2.0, 2.0], [2.0, 2.0]] and x.grad.tolist() == [4.0, 4.0]


def test_retain_grad_sees_the_gradient_after_the_hooks():
    x = _t([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert y.grad.tolist() == [10.0, 10.0] and x.grad.tolist() == [20.0, 20.0]


def test_a_hook_s_result_takes_part_in_second_derivatives():
    x = _t([1.0, 2.0])
    y = x ** 2
    y.register_hook(lambda g: g * x)  # the new gradient carries a graph
    (g,) = minigan.autograd.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [2.0, 8.0] and g.requires_grad  # x * 2x
    (h,) = minigan.autograd.grad(g.sum(), x)
    assert h.tolist() == [4.0, 8.0]  # d(2x^2)/dx
    seen = []
    z = _t([1.0, 2.0])
    w = z ** 3
    w.sin().register_hook(lambda g: seen.append(g.requires_grad))
    minigan.autograd.grad(w.sin().sum(), z, create_graph=True)
    w.register_hook(lambda g: seen.append(g.requires_grad))
    minigan.autograd.grad(w.sin().sum(), z, create_graph=True)
    assert seen == [True]  # cos(w) carries the graph under create_graph


def test_bad_registrations_and_bad_results_say_what_is_wrong_as_pytorch():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        minigan.ones(3).register_hook(print)
    a = _t([1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf tensors"):
        (a * 2).register_post_accumulate_grad_hook(print)
    with pytest.raises(TypeError, match="register_hook: the hook must be callable, got int"):
        a.register_hook(3)
    for bad, kind, message in [
            (lambda g: minigan.ones(2, dtype=F64), RuntimeError, "hook '<lambda>' has changed the size of value"),
            (lambda g: 3, TypeError, "hook '<lambda>' returned 'int': expected a Tensor"),
            (lambda g: g.float(), RuntimeError, "hook '<lambda>' has changed the type of value \\(was float64 got float32\\)"),
            (lambda g: (g,), TypeError, "returned 'tuple'")]:
        b = a * 1
        b.register_hook(bad)
        with pytest.raises(kind, match=message):
            b.sum().backward()
    c = _t([1.0])
    c.register_post_accumulate_grad_hook(lambda p: 1)
    with pytest.raises(TypeError, match="post accumulate grad hook '<lambda>' returned 'int'; it must return None"):
        c.sum().backward()


def test_a_step_with_a_tensor_hook_runs_eagerly_and_says_so():
    said, calls = [], []
    minigan.manual_seed(0)
    net = nn.Linear(3, 1)
    net.weight.register_hook(lambda g: calls.append(1))
    optimizer = minigan.optim.SGD(net.parameters(), lr=0.1)

    def step(x):
        loss = net(x).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    compiled = Compiled(step, log=said.append)
    for _ in range(4):
        compiled(np.ones((2, 3), np.float32))
    assert compiled.replays == 0 and len(calls) == 4
    assert len(said) == 1 and "a tensor hook (Tensor.register_hook)" in said[0]


# ------------------------------------------------------------------ module backward hooks
class _Two(nn.Module):
    def forward(self, a, b, k, c):
        return a * k, (b * 2).sum(), "s"


def _two_hooked(log):
    m = _Two()
    m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", _listed(go))))
    m.register_full_backward_hook(lambda mod, gi, go: log.append(("full", _listed(gi), _listed(go))))
    return m


def test_full_hooks_get_pytorch_s_tuples_none_for_non_tensors_zeros_for_inputs_no_gradient_reached():
    log = []
    m = _two_hooked(log)
    a, b, c = _t([1.0, 2.0]), _t([3.0, 4.0]), minigan.tensor([5.0], dtype=F64)
    out = m(a, b, 3.0, c)
    assert out[2] == "s" and out[0].grad_fn.name() == "HookPassBackward"
    out[0].sum().backward()
    assert log == [("pre", [[1.0, 1.0], None, None]),  # PyTorch 2.14.1's
                   ("full", [[3.0, 3.0], [0.0, 0.0], None, [0.0]], [[1.0, 1.0], None, None])]
    log.clear()
    out = m(a, b, 3.0, c)
    (out[0].sum() + out[1]).backward()
    assert log == [("pre", [[1.0, 1.0], 1.0, None]),
                   ("full", [[3.0, 3.0], [2.0, 2.0], None, [0.0]], [[1.0, 1.0], 1.0, None])]
    assert a.grad.tolist() == [6.0, 6.0] and b.grad.tolist() == [2.0, 2.0]


def test_a_namedtuple_output_keeps_its_type_and_a_list_output_gets_pytorch_s_warning():
    Pair = collections.namedtuple("Pair", "first second")

    class Split(nn.Module):
        def __init__(self, kind):
            super().__init__()
            self.kind = kind

        def forward(self, x):
            return self.kind([x * 2, x * 3]) if self.kind is list else self.kind(x * 2, x * 3)

    for kind in (Pair, list):
        log = []
        module = Split(kind)
        module.register_full_backward_pre_hook(lambda mod, go: log.append(_listed(go)))
        x = _t([1.0, 2.0])
        if kind is list:  # PyTorch 2.14.1's: the hooks are not called
            with pytest.warns(UserWarning, match="For backward hooks to be called, module output should be a Tensor "
                                                 "or a tuple of Tensors but received <class 'list'>"):
                out = module(x)
        else:
            out = module(x)
        assert type(out) is kind
        out[1].sum().backward()
        assert log == ([[None, [1.0, 1.0]]] if kind is Pair else []) and x.grad.tolist() == [3.0, 3.0]


def test_returned_tuples_replace_the_gradients_on_both_sides():
    lin = nn.Linear(2, 1, dtype=F64)
    lin.register_full_backward_pre_hook(lambda mod, go: (go[0] * 10,))
    lin.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0 + 1,))
    x = minigan.tensor([[1.0, 2.0]], requires_grad=True, dtype=F64)
    lin(x).sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0]] and lin.weight.grad.tolist() == [[10.0, 20.0]] and lin.bias.grad.tolist() == [10.0]


def test_a_module_whose_inputs_need_no_gradient_fires_at_its_outputs_with_none():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(minigan.tensor([2.0], dtype=F64))

        def forward(self, x):
            return x * self.w

    log = []
    p = Scale()
    p.register_full_backward_hook(lambda mod, gi, go: log.append((gi, _listed(go))))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect to module outputs"):
        p(minigan.tensor([1.0, 2.0], dtype=F64)).sum().backward()
    assert log == [((None,), [[1.0, 1.0]])] and p.w.grad.tolist() == [3.0]
    p.register_full_backward_hook(lambda mod, gi, go: (minigan.ones(2),))
    with pytest.raises(RuntimeError, match="Backward hook for Modules where no input requires gradient should always return None"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p(minigan.tensor([1.0, 2.0], dtype=F64)).sum().backward()


def test_wrong_counts_and_mixed_kinds_raise_pytorch_s_errors():
    x = minigan.tensor([[1.0, 2.0]], requires_grad=True, dtype=F64)
    lin = nn.Linear(2, 1, dtype=F64)
    lin.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of grad_output, got 2, but expected 1"):
        lin(x).sum().backward()
    lin = nn.Linear(2, 1, dtype=F64)
    lin.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, got 2, but expected 1"):
        lin(x).sum().backward()
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks on a single Module"):
        lin.register_backward_hook(print)
    old = nn.Tanh()
    old.register_backward_hook(print)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        old.register_full_backward_hook(print)


def test_module_and_tensor_hooks_run_in_pytorch_s_order():
    log = []
    lin = nn.Linear(2, 1, dtype=F64)
    lin.register_full_backward_pre_hook(lambda mod, go: log.append("modpre"))
    lin.register_full_backward_hook(lambda mod, gi, go: log.append("modfull"))
    x = minigan.tensor([[1.0, 2.0]], requires_grad=True, dtype=F64)
    xi = x * 1
    xi.register_hook(lambda g: log.append("xi"))
    out = lin(xi)
    out.register_hook(lambda g: log.append("o"))
    out.sum().backward()
    assert log == ["o", "modpre", "modfull", "xi"]
    log.clear()
    with minigan.no_grad():
        assert not lin(x).requires_grad
    assert log == []


def test_hooks_on_conv2d_and_inside_a_fusing_sequential_see_their_own_module_s_gradients():
    minigan.manual_seed(1)
    conv = nn.Conv2d(2, 3, 3, padding=1, dtype=F64)
    x = minigan.randn(2, 2, 5, 5, dtype=F64).requires_grad_()
    conv(x).pow(2).sum().backward()
    plain = x.grad.numpy().copy()
    x.grad = None
    seen = {}
    conv.register_full_backward_hook(lambda mod, gi, go: seen.update(gi=gi, go=go))
    out = conv(x)
    out.pow(2).sum().backward()
    np.testing.assert_array_equal(seen["gi"][0].numpy(), plain)
    np.testing.assert_array_equal(x.grad.numpy(), plain)
    np.testing.assert_allclose(seen["go"][0].numpy(), 2 * out.detach().numpy(), rtol=1e-15)
    net = nn.Sequential(nn.Linear(3, 4, dtype=F64), nn.ReLU())
    net[0].register_full_backward_hook(lambda mod, gi, go: seen.update(linear=go[0].numpy()))
    h = minigan.tensor([[1.0, -1.0, 0.5], [-2.0, 0.3, 1.0]], requires_grad=True, dtype=F64)
    pre = h.detach().numpy() @ net[0].weight.detach().numpy().T + net[0].bias.detach().numpy()
    net(h).sum().backward()
    np.testing.assert_array_equal(seen["linear"], (pre > 0).astype(np.float64))  # the ReLU's mask: not fused


def test_module_hooks_take_part_in_second_derivatives():
    calls = []
    tanh = nn.Tanh()
    tanh.register_full_backward_hook(lambda mod, gi, go: (calls.append(1), (gi[0] * 2,))[1])
    x = _t([0.5, -1.0])
    (g,) = minigan.autograd.grad(tanh(x).sum(), x, create_graph=True)
    t = np.tanh([0.5, -1.0])
    np.testing.assert_allclose(g.detach().numpy(), 2 * (1 - t * t), rtol=1e-15)
    (h,) = minigan.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 2 * -2 * t * (1 - t * t), rtol=1e-14)
    assert len(calls) == 1  # the second pass reaches the input without passing the output: no hook, as PyTorch


def test_the_deprecated_backward_hook_sees_the_last_op_s_gradients():
    log = []
    tanh = nn.Tanh()
    tanh.register_backward_hook(lambda mod, gi, go: log.append((_listed(gi), _listed(go))))
    x = minigan.tensor([[1.0, 2.0]], requires_grad=True, dtype=F64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one op: no warning
        tanh(x).sum().backward()
    np.testing.assert_allclose(log[0][0], [[[0.41997434161402614, 0.07065082485316443]]], rtol=1e-15)  # PyTorch's
    assert log[0][1] == [[[1.0, 1.0]]]
    lin = nn.Linear(2, 3, dtype=F64)
    lin.register_backward_hook(lambda mod, gi, go: log.append([tuple(g.shape) for g in gi]))
    with pytest.warns(FutureWarning, match="Using a non-full backward hook when the forward contains multiple autograd Nodes"):
        lin(x).sum().backward()
    assert log[-1] == [(1, 2), (3, 2), (3,)]  # minigan's one op: input, weight, bias


def test_a_step_with_a_module_backward_hook_runs_eagerly_and_says_so():
    said = []
    minigan.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    net[0].register_full_backward_pre_hook(lambda mod, go: None)
    compiled = Compiled(lambda x: net(x).sum().backward() or net[0].weight.grad, log=said.append)
    for _ in range(3):
        compiled(np.ones((2, 3), np.float32))
    assert compiled.replays == 0 and len(said) == 1 and "a backward hook on Linear" in said[0]


def _raising_once():
    """A custom Function whose backward raises the first time only (a backward that fails halfway)."""
    armed = [True]

    class RaisesOnce(minigan.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            if armed:
                armed.clear()
                raise ValueError("once")
            return g

    return RaisesOnce


@pytest.mark.parametrize("raising_first", [True, False])
def test_a_backward_that_raised_leaves_no_output_gradient_for_the_next(raising_first):
    once, log = _raising_once(), []

    class Two(nn.Module):
        def forward(self, x):
            return x * 2, x * 3

    two = Two()
    two.register_full_backward_hook(lambda mod, gi, go: log.append((_listed(go), _listed(gi))))
    x = _t([1.0, 2.0])
    a, b = two(x)
    loss = once.apply(a).sum() + b.sum() if raising_first else b.sum() + once.apply(a).sum()
    with pytest.raises(ValueError, match="once"):
        loss.backward(retain_graph=True)
    a.sum().backward()  # b's gradient of the failed pass is not joined: PyTorch's x.grad [2, 2]
    assert x.grad.tolist() == [2.0, 2.0] and log == [([[1.0, 1.0], None], [[2.0, 2.0]])]


def test_a_backward_that_raised_leaves_no_input_gradient_for_the_next():
    once, log = _raising_once(), []

    class Sum2(nn.Module):
        def forward(self, x1, x2):
            self.h = x2 * 3
            return once.apply(self.h) + x1 * 2

    net = Sum2()
    net.register_full_backward_hook(lambda mod, gi, go: log.append((_listed(go), _listed(gi))))
    x1, x2 = _t([1.0, 2.0]), _t([1.0, 2.0])
    with pytest.raises(ValueError, match="once"):
        net(x1, x2).sum().backward(retain_graph=True)
    net.h.sum().backward()  # PyTorch: x1 gets zeros, not the failed pass's 2s; the hook sees that pass's grad_output
    assert x1.grad.tolist() == [0.0, 0.0] and x2.grad.tolist() == [3.0, 3.0]
    assert log == [([[1.0, 1.0]], [[0.0, 0.0], [3.0, 3.0]])]


# ------------------------------------------------------------------ state_dict hooks
def _logged_tree(log):
    minigan.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1), nn.Tanh()))
    for name, m in [("root", net), ("0", net[0]), ("1", net[1]), ("1.0", net[1][0])]:
        m.register_state_dict_pre_hook(lambda mod, prefix, keep, name=name: log.append(("pre", name, prefix, keep)))
        m.register_state_dict_post_hook(
            lambda mod, sd, prefix, meta, name=name: log.append(("post", name, prefix, sorted(sd), dict(meta))))
        m.register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, meta, strict, mk, uk, em, name=name: log.append(
                ("lpre", name, prefix, sorted(sd), strict, list(mk), list(uk))))
        m.register_load_state_dict_post_hook(
            lambda mod, keys, name=name: log.append(("lpost", name, list(keys.missing_keys), list(keys.unexpected_keys))))
    return net


def test_state_dict_hooks_run_where_pytorch_s_walk_runs_them():
    log = []
    net = _logged_tree(log)
    state = net.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"]
    both = ["0.bias", "0.weight", "1.0.bias", "1.0.weight"]
    assert log == [("pre", "root", "", False), ("pre", "0", "0.", False), ("post", "0", "0.", ["0.bias", "0.weight"], {"version": 1}),
                   ("pre", "1", "1.", False), ("pre", "1.0", "1.0.", False), ("post", "1.0", "1.0.", both, {"version": 1}),
                   ("post", "1", "1.", both, {"version": 1}), ("post", "root", "", both, {"version": 1})]  # PyTorch's
    net[0].register_state_dict_post_hook(lambda *args: {})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        net.state_dict()


def test_load_hooks_see_pytorch_s_keys_and_can_change_what_a_strict_load_refuses():
    log = []
    net = _logged_tree(log)
    state = net.state_dict()
    log.clear()
    changed = dict(state)
    del changed["1.0.bias"]
    changed["extra"] = changed["1.0.foo"] = state["0.bias"]
    keys = net.load_state_dict(changed, strict=False)
    assert (keys.missing_keys, keys.unexpected_keys) == (["1.0.bias"], ["extra", "1.0.foo"])
    pre = [entry for entry in log if entry[0] == "lpre"]
    post = [entry for entry in log if entry[0] == "lpost"]
    assert pre == [("lpre", "root", "", ["0.bias", "0.weight", "1.0.foo", "1.0.weight", "extra"], True, [], []),
                   ("lpre", "0", "0.", ["0.bias", "0.weight"], True, [], ["extra"]),
                   ("lpre", "1", "1.", ["1.0.foo", "1.0.weight"], True, [], ["extra"]),
                   ("lpre", "1.0", "1.0.", ["1.0.foo", "1.0.weight"], True, [], ["extra"])]  # PyTorch's
    assert post == [("lpost", "0", [], ["extra"]), ("lpost", "1.0", ["1.0.bias"], ["extra", "1.0.foo"]),
                    ("lpost", "1", ["1.0.bias"], ["extra", "1.0.foo"]), ("lpost", "root", ["1.0.bias"], ["extra", "1.0.foo"])]
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Sequential: Missing key\\(s\\): '1.0.bias'"):
        net.load_state_dict(changed)
    net.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear() or keys.unexpected_keys.clear())
    assert net.load_state_dict(changed) == ([], [])


def test_a_load_pre_hook_can_rename_keys_and_report_errors():
    lin = nn.Linear(2, 1)

    def rename(module, state, prefix, *rest):
        if prefix + "w" in state:
            state[prefix + "weight"] = state.pop(prefix + "w")

    lin.register_load_state_dict_pre_hook(rename)
    outer = nn.Sequential(lin)
    given = {"0.w": minigan.ones(1, 2) * 7, "0.bias": minigan.zeros(1)}
    assert outer.load_state_dict(given) == ([], []) and outer[0].weight.tolist() == [[7.0, 7.0]]
    assert list(given) == ["0.w", "0.bias"]  # the caller's dict is left as it was
    other = nn.Linear(2, 1)
    other.register_load_state_dict_pre_hook(lambda mod, sd, prefix, meta, strict, mk, uk, errors: errors.append("nope"))
    before = other.weight.tolist()
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Linear: nope"):
        other.load_state_dict({"weight": minigan.zeros(1, 2), "bias": minigan.zeros(1)})
    assert other.weight.tolist() == before
