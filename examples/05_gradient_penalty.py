"""The WGAN-GP gradient penalty with minigan.grad(create_graph=True), checked against its closed form.

    python examples/05_gradient_penalty.py

WGAN-GP asks the critic D to keep ||dD/dx|| near 1 at points x̂ between real and generated
images:  penalty = λ E (||∇D(x̂)||₂ - 1)².  The gradient ∇D(x̂) comes from minigan.grad with
create_graph=True, so it is itself part of the graph, and penalty.backward() differentiates
through it: a second derivative, with respect to D's weights.

For a linear critic D(x) = x·w + b the gradient is w at every x̂, so the penalty is
λ (||w|| - 1)² and its derivative is 2λ (||w|| - 1) w / ||w||: closed forms to check against.
The example then takes the library's own penalty, gradient_penalty in
minigan/gan/objectives.py, on a small MLP critic, and checks its weight gradient (a double
backward through linear layers and LeakyReLU) by central differences.
"""
import argparse
import sys

import numpy as np

import minigan as mg
from minigan import nn
from minigan.gan.objectives import gradient_penalty

GP_LAMBDA = 10.0


def penalty_by_hand(critic, real, fake, eps, gp_lambda=GP_LAMBDA):
    """λ E (||∇D(x̂)|| - 1)², x̂ = ε x + (1 - ε) G(z), written out step by step."""
    x_hat = mg.tensor(eps * real + (1 - eps) * fake, dtype=mg.float64, requires_grad=True)
    scores = critic(x_hat)
    (grad_x,) = mg.grad(scores.sum(), x_hat, create_graph=True)  # each row: dD/dx at that row's x̂
    norms = (grad_x * grad_x).sum(axis=1).sqrt()
    return ((norms - 1.0) * (norms - 1.0)).mean() * gp_lambda


def check_linear_critic(rng):
    critic = nn.Linear(6, 1, dtype=np.float64)
    real, fake = rng.random((8, 6)), rng.random((8, 6))
    eps = rng.random((8, 1))
    penalty = penalty_by_hand(critic, real, fake, eps)
    penalty.backward()
    w = critic.weight.numpy().ravel()
    norm = np.linalg.norm(w)
    closed_penalty = GP_LAMBDA * (norm - 1) ** 2
    closed_grad = 2 * GP_LAMBDA * (norm - 1) * w / norm
    print(f"linear critic: penalty {penalty.item():.6f}, closed form λ(||w|| - 1)² = {closed_penalty:.6f}")
    value_error = abs(penalty.item() - closed_penalty)
    grad_error = np.abs(critic.weight.grad.numpy().ravel() - closed_grad).max()
    print(f"linear critic: d penalty/dw {np.round(critic.weight.grad.numpy().ravel(), 4)}")
    print(f"linear critic: closed form 2λ(||w|| - 1) w/||w|| = {np.round(closed_grad, 4)}")
    print(f"linear critic: max error of the penalty {value_error:.1e}, of its gradient {grad_error:.1e}")
    return max(value_error, grad_error)


def check_mlp_critic(rng):
    mg.manual_seed(1)
    critic = nn.Sequential(nn.Linear(6, 5), nn.LeakyReLU(0.2), nn.Linear(5, 1)).double()
    real, fake = rng.random((4, 6)), rng.random((4, 6))

    def penalty():  # the library's penalty, with the same interpolation each time
        return gradient_penalty(critic, real, fake, np.random.default_rng(7), GP_LAMBDA)

    penalty().backward()
    weight = critic[0].weight
    analytic = weight.grad.numpy().copy()
    numeric = np.zeros_like(analytic)
    step = 1e-6
    for index in np.ndindex(analytic.shape):  # the penalty needs recording on: it takes a gradient
        kept = weight.array[index]
        weight.array[index] = kept + step
        up = penalty().item()
        weight.array[index] = kept - step
        down = penalty().item()
        weight.array[index] = kept
        numeric[index] = (up - down) / (2 * step)
    error = np.abs(analytic - numeric).max()
    print(f"MLP critic (gradient_penalty): max |d penalty/dW - central difference| = {error:.1e}")
    return error


def main(argv=None):
    parser = argparse.ArgumentParser(description="The WGAN-GP gradient penalty, checked against its closed form.")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    mg.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    worst = max(check_linear_critic(rng), check_mlp_critic(rng))
    print(f"max abs error {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
