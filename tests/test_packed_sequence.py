"""minigan.nn.utils.rnn (torch.nn.utils.rnn): the packing and padding functions against the same
layouts built with plain Python loops, their gradients against closed forms, PyTorch's errors, and
nn.RNN, nn.LSTM and nn.GRU on a PackedSequence against running each sequence alone through the same
layer (its own length, no padding). PyTorch's own values are in tests/test_packed_sequence_pytorch.py."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
from minigan import nn
from minigan.nn.utils import rnn


def packed_reference(x, lengths, batch_first=False, enforce_sorted=False):
    """data, batch_sizes and sorted_indices of x (T, B, F) ((B, T, F)) written out with loops."""
    order = sorted(range(len(lengths)), key=lambda b: -lengths[b]) if not enforce_sorted else list(range(len(lengths)))
    rows, sizes = [], []
    for t in range(max(lengths)):
        running = [b for b in order if lengths[b] > t]
        sizes.append(len(running))
        rows += [x[b, t] if batch_first else x[t, b] for b in running]
    return np.array(rows), sizes, order


# ====================================================================== packing and padding
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths", [[3, 3, 1], [2, 5, 2, 4, 5], [1], [4, 1, 4]])
def test_pack_padded_sequence_lays_out_the_steps_as_the_loops_do(lengths, batch_first):
    rng = np.random.default_rng(len(lengths))
    shape = (len(lengths), max(lengths) + 1, 2) if batch_first else (max(lengths) + 1, len(lengths), 2)
    x = rng.standard_normal(shape)
    packed = rnn.pack_padded_sequence(minigan.tensor(x), lengths, batch_first=batch_first, enforce_sorted=False)
    data, sizes, order = packed_reference(x, lengths, batch_first)
    np.testing.assert_array_equal(packed.data.numpy(), data)
    assert packed.batch_sizes.tolist() == sizes and packed.batch_sizes.dtype == np.int64
    assert packed.sorted_indices.tolist() == order
    assert packed.unsorted_indices.tolist() == [order.index(b) for b in range(len(lengths))]
    padded, got_lengths = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=-7.0,
                                                  total_length=max(lengths) + 2)
    want = np.full((max(lengths) + 2, len(lengths), 2), -7.0)
    for b, n in enumerate(lengths):
        want[:n, b] = x[b, :n] if batch_first else x[:n, b]
    np.testing.assert_array_equal(padded.numpy(), want.transpose(1, 0, 2) if batch_first else want)
    assert got_lengths.tolist() == lengths and got_lengths.dtype == np.int64


def test_a_sorted_batch_keeps_its_order_and_two_dimensional_input_packs_to_one_dimension():
    x = np.arange(12.0).reshape(4, 3)
    packed = rnn.pack_padded_sequence(minigan.tensor(x), minigan.tensor([4, 2, 2]))
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    np.testing.assert_array_equal(packed.data.numpy(), [0, 1, 2, 3, 4, 5, 6, 9])
    assert packed.batch_sizes.tolist() == [3, 3, 1, 1]
    padded, lengths = rnn.pad_packed_sequence(packed)
    np.testing.assert_array_equal(padded.numpy(), [[0, 1, 2], [3, 4, 5], [6, 0, 0], [9, 0, 0]])
    assert lengths.tolist() == [4, 2, 2]


@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_against_loops(batch_first, padding_side):
    rng = np.random.default_rng(3)
    seqs = [rng.standard_normal((n, 2, 3)) for n in (2, 4, 0, 1)]
    got = rnn.pad_sequence([minigan.tensor(s) for s in seqs], batch_first=batch_first, padding_value=0.5,
                           padding_side=padding_side)
    want = np.full((4, len(seqs), 2, 3), 0.5)
    for b, s in enumerate(seqs):
        if len(s):
            want[(slice(None, len(s)) if padding_side == "right" else slice(4 - len(s), None)), b] = s
    np.testing.assert_array_equal(got.numpy(), want.swapaxes(0, 1) if batch_first else want)


def test_pad_sequence_takes_the_first_sequences_dtype_and_a_tensor_as_its_rows():
    got = rnn.pad_sequence([minigan.ones(2, dtype=minigan.float32), minigan.tensor([1, 2, 3])])
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.numpy(), [[1, 1], [1, 2], [0, 3]])
    np.testing.assert_array_equal(rnn.pad_sequence(minigan.arange(6.0).reshape(2, 3)).numpy(), [[0, 3], [1, 4], [2, 5]])


def test_pack_sequence_unpack_sequence_and_unpad_sequence():
    seqs = [minigan.tensor(np.arange(n * 2.0).reshape(n, 2) + 10 * n) for n in (2, 3, 1)]
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        rnn.pack_sequence(seqs)
    packed = rnn.pack_sequence(seqs, enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1] and packed.sorted_indices.tolist() == [1, 0, 2]
    for got, want in zip(rnn.unpack_sequence(packed), seqs):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    padded = rnn.pad_sequence(seqs)
    for lengths in ([2, 3, 1], minigan.tensor([2, 3, 1])):
        for got, want in zip(rnn.unpad_sequence(padded, lengths), seqs):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    unpadded = rnn.unpad_sequence(padded.transpose(0, 1), [2, 3, 1], batch_first=True)
    assert [tuple(u.shape) for u in unpadded] == [(2, 2), (3, 2), (1, 2)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=6), st.booleans())
def test_unpack_undoes_pack_for_any_lengths(lengths, batch_first):
    seqs = [minigan.tensor(np.arange(n * 2.0).reshape(n, 2) + 100 * b) for b, n in enumerate(lengths)]
    for got, want in zip(rnn.unpack_sequence(rnn.pack_sequence(seqs, enforce_sorted=False)), seqs):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    padded = rnn.pad_sequence(seqs, batch_first=batch_first)
    packed = rnn.pack_padded_sequence(padded, lengths, batch_first=batch_first, enforce_sorted=False)
    again, _ = rnn.pad_packed_sequence(packed, batch_first=batch_first)
    np.testing.assert_array_equal(again.numpy(), padded.numpy())


def test_gradients_flow_through_packing_padding_and_pad_sequence():
    rng = np.random.default_rng(5)
    x = minigan.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)
    weights = rng.standard_normal((4, 3, 2))
    lengths = [2, 4, 3]
    padded, _ = rnn.pad_packed_sequence(rnn.pack_padded_sequence(x, lengths, enforce_sorted=False), padding_value=9.0)
    (padded * minigan.tensor(weights)).sum().backward()
    mask = np.arange(4)[:, None, None] < np.array(lengths)[None, :, None]
    np.testing.assert_array_equal(x.grad.numpy(), np.where(mask, weights, 0.0))  # d/dx sum(w * pad(x)) = w, 0 past the end
    seqs = [minigan.tensor(rng.standard_normal((n, 2)), requires_grad=True) for n in (1, 3)]
    w = rng.standard_normal((2, 3, 2))
    (rnn.pad_sequence(seqs, batch_first=True, padding_side="left") * minigan.tensor(w)).sum().backward()
    np.testing.assert_array_equal(seqs[0].grad.numpy(), w[0, 2:])
    np.testing.assert_array_equal(seqs[1].grad.numpy(), w[1])


def test_packed_sequence_is_pytorchs_namedtuple():
    data, sizes = minigan.tensor([1.0, 2.0, 3.0]), minigan.tensor([2, 1])
    packed = rnn.PackedSequence(data, sizes, minigan.tensor([1, 0]))
    assert packed._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert packed.unsorted_indices.tolist() == [1, 0]
    assert rnn.PackedSequence((data, sizes)).sorted_indices is None  # the older form, (data, batch_sizes)
    as_double = packed.double()
    assert as_double.data.dtype == np.float64 and as_double.batch_sizes is sizes
    assert packed.to(minigan.float32) is packed and packed.long().data.dtype == np.int64
    assert packed.is_cuda is False and packed.is_pinned() is False
    assert nn.utils.rnn.PackedSequence is rnn.PackedSequence  # reached as torch.nn.utils.rnn is
    with pytest.raises(TypeError, match="Expected data to be a list or tuple of length 2"):
        rnn.PackedSequence(data)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: rnn.pack_padded_sequence(x, [2, 3, 1]), RuntimeError, "must be sorted in decreasing order"),
    (lambda x: rnn.pack_padded_sequence(x, [3, 2, 0]), RuntimeError, "Length of all samples has to be greater than 0"),
    (lambda x: rnn.pack_padded_sequence(x, [3, -1, 1], enforce_sorted=False), RuntimeError, "greater than 0"),
    (lambda x: rnn.pack_padded_sequence(x, [3, 2]), RuntimeError,
     r"Expected `len\(lengths\)` to be equal to batch_size, but got 2 \(batch_size=3\)"),
    (lambda x: rnn.pack_padded_sequence(x, [5, 2, 1]), RuntimeError, "a length of 5 is longer than the input's 4"),
    (lambda x: rnn.pack_padded_sequence(x, [[3, 2, 1]]), RuntimeError, "should be a 1D CPU int64 tensor, but got 2D"),
    (lambda x: rnn.pack_padded_sequence(x[0, 0], [1]), RuntimeError, "a time and a batch dimension"),
    (lambda x: rnn.pack_padded_sequence([1, 2], [1]), TypeError, "argument 'input' .* must be Tensor, not list"),
    (lambda x: rnn.pad_packed_sequence(rnn.pack_padded_sequence(x, [3, 2, 1]), total_length=2), ValueError,
     "Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 "
     "and max sequence length being 3"),
    (lambda x: rnn.pad_packed_sequence(x), TypeError, "expected a PackedSequence, got Tensor"),
    (lambda x: rnn.pad_sequence([]), RuntimeError, "received an empty list of sequences"),
    (lambda x: rnn.pad_sequence([x[0], 1]), TypeError, "expected Tensor as element 1 in argument 0, but got int"),
    (lambda x: rnn.pad_sequence([x[0]], padding_side="middle"), RuntimeError,
     "Expected padding_side to be one of left or right, but got middle."),
    (lambda x: rnn.pad_sequence([x[0], x[0, :, :1]]), RuntimeError,
     r"The size of tensor a \(2\) must match the size of tensor b \(1\) at non-singleton dimension 1"),
    (lambda x: rnn.pad_sequence([x[0], x]), RuntimeError, "the first's trailing shape"),
    (lambda x: rnn.pad_sequence([x[0, 0, 0]]), RuntimeError, "element 0 is a 0-d tensor"),
])
def test_pytorchs_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(minigan.zeros(4, 3, 2))


# ====================================================================== the recurrent layers on packed input
def make_layer(kind, num_layers, bidirectional, batch_first=False, dropout=0.0):
    rng = np.random.default_rng(11)
    options = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, dropout=dropout,
                   rng=rng, dtype=np.float64)
    if kind == "LSTM(proj)":
        return nn.LSTM(3, 4, proj_size=2, **options)
    return getattr(nn, kind)(3, 4, **options)


def initial_state(layer, batch, rng):
    count = layer.num_layers * (2 if layer.bidirectional else 1)
    h = minigan.tensor(rng.standard_normal((count, batch, layer.proj_size or layer.hidden_size)))
    if isinstance(layer, nn.LSTM):
        return h, minigan.tensor(rng.standard_normal((count, batch, layer.hidden_size)))
    return h


def column(state, b):
    """Sequence b's initial state, as a batch of one."""
    return tuple(s[:, b:b + 1] for s in state) if isinstance(state, tuple) else state[:, b:b + 1]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "LSTM(proj)", "GRU"])
@pytest.mark.parametrize("num_layers, bidirectional, with_state", [(1, False, False), (2, True, True), (1, True, True),
                                                                    (2, False, True)])
def test_packed_layer_equals_each_sequence_run_alone(kind, num_layers, bidirectional, with_state):
    layer = make_layer(kind, num_layers, bidirectional)
    rng = np.random.default_rng(7)
    lengths = [3, 5, 1, 5, 2]
    seqs = [minigan.tensor(rng.standard_normal((n, 3))) for n in lengths]
    hx = initial_state(layer, len(lengths), rng) if with_state else None
    weights = [rng.standard_normal((n, layer.proj_size or 4) if not bidirectional else (n, 2 * (layer.proj_size or 4)))
               for n in lengths]
    out, finals = layer(rnn.pack_sequence(seqs, enforce_sorted=False), hx)
    assert isinstance(out, rnn.PackedSequence)
    finals = finals if isinstance(finals, tuple) else (finals,)
    loss = sum((o * minigan.tensor(w)).sum() for o, w in zip(rnn.unpack_sequence(out), weights))
    loss = loss + sum((f * f).sum() for f in finals)
    layer.zero_grad()
    loss.backward()
    packed_grads = {name: p.grad.numpy().copy() for name, p in layer.named_parameters()}
    layer.zero_grad()
    alone_loss = 0.0
    for b, (seq, w) in enumerate(zip(seqs, weights)):
        o, f = layer(seq.unsqueeze(1), None if hx is None else column(hx, b))
        f = f if isinstance(f, tuple) else (f,)
        for got, want in zip(finals, f):
            np.testing.assert_allclose(got.numpy()[:, b:b + 1], want.numpy(), rtol=0, atol=1e-14)
        np.testing.assert_allclose(rnn.unpack_sequence(out)[b].numpy(), o.numpy()[:, 0], rtol=0, atol=1e-14)
        alone_loss = alone_loss + (o[:, 0] * minigan.tensor(w)).sum() + sum((s * s).sum() for s in f)
    alone_loss.backward()
    for name, p in layer.named_parameters():
        np.testing.assert_allclose(packed_grads[name], p.grad.numpy(), rtol=1e-12, atol=1e-13, err_msg=name)


def test_packed_input_ignores_batch_first_and_gives_each_sequence_its_own_gradient():
    plain, first = make_layer("GRU", 2, True), make_layer("GRU", 2, True, batch_first=True)
    rng = np.random.default_rng(2)
    x = minigan.tensor(rng.standard_normal((4, 3, 3)), requires_grad=True)
    packed = rnn.pack_padded_sequence(x, [4, 2, 3], enforce_sorted=False)
    a, h_a = plain(packed)
    b, h_b = first(packed)
    np.testing.assert_array_equal(a.data.numpy(), b.data.numpy())
    np.testing.assert_array_equal(h_a.numpy(), h_b.numpy())
    h_a[:, 1].sum().backward()  # sequence 1 (length 2) reads x[:2, 1] only
    grad = x.grad.numpy()
    assert np.all(grad[2:, 1] == 0) and np.all(grad[:, [0, 2]] == 0) and np.all(grad[:2, 1] != 0)


def test_dropout_between_layers_acts_on_the_packed_data():
    layer = make_layer("LSTM", 2, True, dropout=1.0)  # every unit dropped: layer 2 reads zeros
    rng = np.random.default_rng(4)
    seqs = [minigan.tensor(rng.standard_normal((n, 3))) for n in (2, 4)]
    out, _ = layer(rnn.pack_sequence(seqs, enforce_sorted=False))
    zeros_in = [minigan.zeros(n, 3, dtype=minigan.float64) for n in (2, 4)]
    second = make_layer("LSTM", 1, True)
    for suffix in ("", "_reverse"):  # layer 2 alone; on zeros its weight_ih plays no part
        for name in ("weight_hh", "bias_ih", "bias_hh"):
            getattr(second, f"{name}_l0{suffix}").data = getattr(layer, f"{name}_l1{suffix}").data
    for got, z in zip(rnn.unpack_sequence(out), zeros_in):
        np.testing.assert_allclose(got.numpy(), second(z)[0].numpy(), rtol=0, atol=1e-15)
    layer.eval()
    out_eval, _ = layer(rnn.pack_sequence(seqs, enforce_sorted=False))
    assert not np.allclose(out_eval.data.numpy(), out.data.numpy())


def test_on_the_strict_test_device_the_indices_follow_the_data_and_batch_sizes_stay_on_the_cpu():
    pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(8)
    seqs = [rng.standard_normal((n, 3)) for n in (2, 4, 1)]
    results = []
    for device in ("cpu", "strict"):
        layer = make_layer("LSTM", 2, True).to(device)
        xs = [minigan.tensor(s).to(device).requires_grad_() for s in seqs]
        packed = rnn.pack_sequence(xs, enforce_sorted=False)
        assert (packed.data.device.type, packed.sorted_indices.device.type) == (device, device)
        assert packed.batch_sizes.device.type == "cpu" and packed.to("cpu").unsorted_indices.device.type == "cpu"
        out, (h_n, _) = layer(packed)
        padded, _ = rnn.pad_packed_sequence(out, padding_value=1.0)
        (padded.sum() + h_n.sum()).backward()
        results.append((padded.to("cpu").numpy(), xs[1].grad.to("cpu").numpy()))
    for on_cpu, on_strict in zip(*results):
        np.testing.assert_array_equal(on_cpu, on_strict)


@pytest.mark.parametrize("call, error, message", [
    (lambda m, p: m(rnn.PackedSequence(minigan.zeros(7, 3, 1), p.batch_sizes)), RuntimeError,
     "input must have 2 dimensions, got 3"),
    (lambda m, p: m(rnn.PackedSequence(minigan.zeros(7, 2), p.batch_sizes)), RuntimeError,
     "input.size\\(-1\\) must be equal to input_size. Expected 3, got 2"),
    (lambda m, p: m(p, minigan.zeros(1, 2, 4)), RuntimeError, r"Expected hidden size \(1, 3, 4\), got \[1, 2, 4\]"),
    (lambda m, p: nn.GRUCell(3, 4)(p), TypeError, "expected a Tensor input, got PackedSequence"),
])
def test_packed_input_errors(call, error, message):
    packed = rnn.pack_padded_sequence(minigan.zeros(4, 3, 3), [4, 2, 1])
    with pytest.raises(error, match=message):
        call(nn.GRU(3, 4), packed)
