"""Two threads training two models at once (issue 27; grad mode is per thread, as in PyTorch).

Each thread trains its own GAN (the tiny pair, BCE, Adam) with its own Generator, and between
steps evaluates under ``no_grad`` for a while, so one thread's ``no_grad`` is open while the
other records a graph. The reference is the same two runs one after the other in the main
thread: the losses and the final weights must be bit for bit the same. With a process-wide grad
mode, a step taken while the other thread was inside ``no_grad`` would record nothing and its
backward would fail (or its optimizer would see no gradient).
"""
from __future__ import annotations

import threading

import numpy as np

import minigan
from minigan import optim
from minigan.gan import build_models, get_objective, train_step

STEPS = 12
LATENT = 8


def _run(seed: int, barrier: threading.Barrier | None = None, pauses: list | None = None) -> dict:
    rng = np.random.default_rng(seed)
    generator, discriminator, arch = build_models("tiny", LATENT, rng)
    opt_g = optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    objective = get_objective("bce")
    data = rng.random((STEPS, 16, 784), dtype=np.float32)
    noise = np.random.default_rng(100 + seed)  # the evaluations' own noise: their order does not matter
    losses = []

    def step_once(step):
        row = train_step(generator, discriminator, opt_g, opt_d, objective, data[step], rng=rng, latent_dim=LATENT,
                         g_step=True)
        losses.append((row["d_loss"], row["g_loss"]))

    def evaluate():
        out = generator(minigan.tensor(noise.standard_normal((4, LATENT), dtype=np.float32)))
        assert out.grad_fn is None

    for step in range(STEPS):
        if barrier is None:
            step_once(step)
            with minigan.no_grad():
                evaluate()
        elif step % 2 == seed % 2:  # this thread sits inside no_grad while the other takes its step
            with minigan.no_grad():
                evaluate()
                barrier.wait()
                barrier.wait()
            step_once(step)
        else:
            barrier.wait()
            step_once(step)
            barrier.wait()
            with minigan.no_grad():
                evaluate()
        if pauses is not None:
            pauses.append(minigan.is_grad_enabled())
    weights = {f"G.{k}": np.array(v) for k, v in generator.state_dict().items()}
    weights.update({f"D.{k}": np.array(v) for k, v in discriminator.state_dict().items()})
    return {"losses": losses, "weights": weights}


def test_two_threads_train_two_gans_as_they_would_alone(kernel_mode):
    kernel_mode("numpy")
    reference = {seed: _run(seed) for seed in (1, 2)}
    barrier = threading.Barrier(2, timeout=60)
    results, errors, modes = {}, [], {1: [], 2: []}

    def work(seed):
        try:
            results[seed] = _run(seed, barrier, modes[seed])
        except BaseException as error:  # noqa: BLE001 - reported below, in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    for seed in (1, 2):
        assert results[seed]["losses"] == reference[seed]["losses"]
        assert all(np.isfinite(loss) for pair in results[seed]["losses"] for loss in pair)
        for key, value in reference[seed]["weights"].items():
            np.testing.assert_array_equal(results[seed]["weights"][key], value, err_msg=key)
        assert modes[seed] == [True] * STEPS  # each thread's no_grad ended where it was opened
    assert results[1]["losses"] != results[2]["losses"]  # two different runs, not one run twice
    assert minigan.is_grad_enabled()


def test_no_grad_in_one_thread_does_not_reach_another():
    inside, seen = threading.Event(), {}
    done = threading.Event()

    def hold():
        with minigan.no_grad():
            inside.set()
            done.wait(timeout=60)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert inside.wait(timeout=60)
        x = minigan.tensor([2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        seen["grad"] = x.grad.array.copy()
    finally:
        done.set()
        thread.join(timeout=60)
    np.testing.assert_array_equal(seen["grad"], [4.0])
