"""The rest of torch.distributions.transforms and constraints: SoftplusTransform,
CumulativeDistributionTransform, ReshapeTransform, CatTransform, StackTransform,
LowerCholeskyTransform, PositiveDefiniteTransform, CorrCholeskyTransform, identity_transform,
constraints.cat, constraints.stack and MixtureSameFamilyConstraint. Values against NumPy written
out plainly, every log |det J| against the log |det| of a central-difference Jacobian, and the
checks' answers and event dimensions as PyTorch 2.14 gives them."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
from minigan.distributions import constraints
from minigan.distributions.utils import tril_matrix_to_vec, vec_to_tril_matrix

D = minigan.distributions


def f64(values) -> minigan.Tensor:
    return minigan.tensor(np.asarray(values, dtype=np.float64), dtype=minigan.float64)


def numpy_of(x: minigan.Tensor) -> np.ndarray:
    return np.asarray(x.detach().numpy())


def jacobian_log_det(fn, x: np.ndarray, step: float = 1e-6) -> float:
    """ln |det| of the central-difference Jacobian of fn (flat vector to flat vector) at x."""
    columns = []
    for i in range(x.size):
        bump = np.zeros_like(x)
        bump.flat[i] = step
        columns.append((fn(x + bump) - fn(x - bump)) / (2 * step))
    return float(np.linalg.slogdet(np.stack(columns, axis=1))[1])


# ---------------------------------------------------------------------- elementwise
def test_softplus_transform():
    x = np.array([-30.0, -2.0, 0.0, 1.5, 40.0])
    t = D.SoftplusTransform()
    y = t(f64(x))
    assert np.allclose(numpy_of(y), np.logaddexp(0.0, x), rtol=1e-14, atol=0)
    assert np.allclose(numpy_of(t.inv(y)), x, rtol=1e-9, atol=1e-12)
    # ln|dy/dx| = ln sigmoid(x) = -ln(1 + e^-x)
    assert np.allclose(numpy_of(t.log_abs_det_jacobian(f64(x), y)), -np.logaddexp(0.0, -x), rtol=1e-14, atol=0)
    assert t.sign == 1 and t.bijective and t == D.SoftplusTransform() and t.codomain is constraints.positive


def test_cumulative_distribution_transform():
    normal = D.Normal(f64(0.5), f64(2.0))
    t = D.CumulativeDistributionTransform(normal)
    x = np.array([-3.0, 0.5, 2.0])
    y = t(f64(x))
    expected = 0.5 * (1 + np.array([math.erf((v - 0.5) / (2.0 * math.sqrt(2))) for v in x]))
    assert np.allclose(numpy_of(y), expected, rtol=1e-14, atol=1e-15)
    assert np.allclose(numpy_of(t.inv(y)), x, rtol=1e-10)
    density = np.exp(-((x - 0.5) ** 2) / 8) / (2.0 * math.sqrt(2 * math.pi))
    assert np.allclose(numpy_of(t.log_abs_det_jacobian(f64(x), y)), np.log(density), rtol=1e-13)
    assert t.domain is normal.support and t.codomain is constraints.unit_interval and t.sign == 1
    assert t.with_cache(1)._cache_size == 1 and t.with_cache(1).distribution is normal


# ---------------------------------------------------------------------- structure
def test_reshape_transform():
    t = D.ReshapeTransform((2, 3), (6,))
    x = np.arange(24.0).reshape(4, 2, 3)
    y = t(f64(x))
    assert numpy_of(y).tolist() == x.reshape(4, 6).tolist()
    assert numpy_of(t.inv(y)).tolist() == x.tolist()
    assert numpy_of(t.log_abs_det_jacobian(f64(x), y)).tolist() == [0.0] * 4
    assert t.forward_shape((5, 2, 3)) == (5, 6) and t.inverse_shape((5, 6)) == (5, 2, 3)
    assert repr(t.domain) == "IndependentConstraint(Real(), 2)" and repr(t.codomain) == "IndependentConstraint(Real(), 1)"
    with pytest.raises(ValueError, match="^Please use either .domain.event_dim or .codomain.event_dim$"):
        t.event_dim
    with pytest.raises(ValueError, match="^in_shape, out_shape have different numbers of elements$"):
        D.ReshapeTransform((2, 3), (5,))
    with pytest.raises(ValueError, match=r"^Shape mismatch: expected \(3, 2\) but got \(2, 3\)$"):
        t.forward_shape((3, 2))
    with pytest.raises(ValueError, match="^Too few dimensions on input$"):
        t.forward_shape((6,))


def test_cat_transform_along_a_batch_dimension():
    x = np.array([[0.1, -0.2, 0.3], [1.0, 2.0, -1.0], [0.0, 0.5, 0.25], [-1.0, 1.0, 2.0]])
    t = D.CatTransform([D.ExpTransform(), D.AffineTransform(1.0, 2.0)], dim=0, lengths=[1, 3])
    y = t(f64(x))
    assert np.allclose(numpy_of(y), np.concatenate([np.exp(x[:1]), 1 + 2 * x[1:]]), rtol=1e-15)
    assert np.allclose(numpy_of(t.inv(y)), x, rtol=1e-14, atol=1e-15)
    ladj = np.concatenate([x[:1], np.full((3, 3), math.log(2.0))])
    assert np.allclose(numpy_of(t.log_abs_det_jacobian(f64(x), y)), ladj, rtol=1e-15)
    assert t.event_dim == 0 and t.length == 4 and t.bijective and repr(t) == "CatTransform()"
    assert numpy_of(t.codomain.check(y)).all()
    with pytest.raises(ValueError, match="dim 0 has 3 entries, the transforms take 4"):
        t(f64(x[:3]))


def test_cat_transform_inside_the_events_adds_the_pieces():
    x = np.array([[0.1, -0.2, 0.3], [1.0, 2.0, -1.0]])
    t = D.CatTransform([D.ExpTransform(), D.IndependentTransform(D.ExpTransform(), 1)], dim=-1, lengths=[1, 2])
    y = t(f64(x))
    assert np.allclose(numpy_of(y), np.exp(x), rtol=1e-15)
    # each row is one event: its first entry's ln|J| plus the other two's
    assert np.allclose(numpy_of(t.log_abs_det_jacobian(f64(x), y)), x.sum(-1), rtol=1e-15)


def test_stack_transform():
    x = np.array([[0.1, -0.2, 0.3], [1.0, 2.0, -1.0]])
    t = D.StackTransform([D.ExpTransform(), D.SigmoidTransform(), D.TanhTransform()], dim=1)
    y = t(f64(x))
    expected = np.stack([np.exp(x[:, 0]), 1 / (1 + np.exp(-x[:, 1])), np.tanh(x[:, 2])], axis=1)
    assert np.allclose(numpy_of(y), expected, rtol=1e-15)
    assert np.allclose(numpy_of(t.inv(y)), x, rtol=1e-12)
    sig = 1 / (1 + np.exp(-x[:, 1]))
    ladj = np.stack([x[:, 0], np.log(sig * (1 - sig)), np.log(1 - np.tanh(x[:, 2]) ** 2)], axis=1)
    assert np.allclose(numpy_of(t.log_abs_det_jacobian(f64(x), y)), ladj, rtol=1e-12)
    assert numpy_of(t.codomain.check(f64([[1.0, 0.5, 0.0], [-1.0, 0.5, 0.0]]))).tolist() == [[True, True, True],
                                                                                            [False, True, True]]
    with pytest.raises(ValueError, match="dim 1 has 2 entries, the transforms take 3"):
        t(f64(x[:, :2]))


def test_identity_transform():
    x = f64([[1.0, -2.0]])
    assert D.identity_transform(x) is x and D.identity_transform.inv(x) is x
    assert numpy_of(D.identity_transform.log_abs_det_jacobian(x, x)).tolist() == [[0.0, 0.0]]


def test_with_cache_on_a_transform_without_arguments():
    cached = D.SigmoidTransform().with_cache(1)
    x = f64([40.0])  # sigmoid(40) is kept at 1 - eps, whose logit is 36.04: only the cache gives x back
    assert numpy_of(cached.inv(cached(x))).tolist() == [40.0]
    assert numpy_of(D.SigmoidTransform().inv(D.SigmoidTransform()(x)))[0] < 37


# ---------------------------------------------------------------------- matrices
X = np.array([[[0.3, 9.0, 9.0], [-1.2, -0.4, 9.0], [0.7, 2.0, 0.1]],
              [[-0.5, 9.0, 9.0], [0.2, 1.1, 9.0], [-0.3, 0.9, -2.0]]])


def test_lower_cholesky_transform():
    t = D.LowerCholeskyTransform()
    y = t(f64(X))
    expected = np.tril(X, -1) + np.exp(np.diagonal(X, axis1=-2, axis2=-1))[..., None] * np.eye(3)
    assert np.allclose(numpy_of(y), expected, rtol=1e-15)
    assert np.allclose(numpy_of(t.inv(y)), np.tril(X), rtol=1e-15)
    assert numpy_of(t.codomain.check(y)).all() and t.event_dim == 2 and not t.bijective
    with pytest.raises(NotImplementedError):
        t.log_abs_det_jacobian(f64(X), y)


def test_positive_definite_transform():
    t = D.PositiveDefiniteTransform()
    y = t(f64(X))
    lower = np.tril(X, -1) + np.exp(np.diagonal(X, axis1=-2, axis2=-1))[..., None] * np.eye(3)
    assert np.allclose(numpy_of(y), lower @ np.swapaxes(lower, -1, -2), rtol=1e-14)
    assert np.allclose(numpy_of(t.inv(y)), np.tril(X), rtol=1e-12, atol=1e-14)
    assert numpy_of(t.codomain.check(y)).all()


def test_corr_cholesky_transform_values_inverse_and_log_det():
    t = D.CorrCholeskyTransform()
    x = np.array([[0.4, -1.3, 0.8, 2.0, -0.1, 0.6], [0.0, 0.2, -0.3, 0.1, 1.0, -2.5]])
    y = numpy_of(t(f64(x)))
    for xi, yi in zip(x, y):  # stick breaking written out row by row
        z = np.zeros((4, 4))
        z[np.tril_indices(4, -1)] = np.tanh(xi)
        expected = np.eye(4)
        for i in range(1, 4):
            left = 1.0
            for j in range(i):
                expected[i, j] = z[i, j] * math.sqrt(left)
                left -= expected[i, j] ** 2
            expected[i, i] = math.sqrt(left)
        assert np.allclose(yi, expected, rtol=1e-13, atol=1e-15)
    assert np.allclose((y * y).sum(-1), 1.0, rtol=1e-14)  # unit rows: y y^T is a correlation matrix
    assert np.allclose(numpy_of(t.inv(f64(y))), x, rtol=1e-9, atol=1e-11)
    ladj = numpy_of(t.log_abs_det_jacobian(f64(x), f64(y)))
    for i, xi in enumerate(x):
        def free_entries(v: np.ndarray) -> np.ndarray:
            return numpy_of(tril_matrix_to_vec(t(f64(v)), diag=-1))
        assert ladj[i] == pytest.approx(jacobian_log_det(free_entries, xi), rel=1e-7)
    assert t.forward_shape((2, 6)) == (2, 4, 4) and t.inverse_shape((2, 4, 4)) == (2, 6)
    assert numpy_of(t.codomain.check(f64(y))).all() and t.bijective
    with pytest.raises(ValueError, match="^Input is not a flattened lower-diagonal number$"):
        t.forward_shape((5,))
    with pytest.raises(ValueError, match="^Input is not square$"):
        t.inverse_shape((3, 4))


def test_log_det_against_the_jacobian():
    rng = np.random.default_rng(4)
    for transform, shape in [(D.SoftplusTransform(), (5,)),
                             (D.StackTransform([D.ExpTransform(), D.TanhTransform()], dim=0), (2,))]:
        x = rng.normal(size=shape)
        y = transform(f64(x))
        def flat(v: np.ndarray) -> np.ndarray:
            return numpy_of(transform(f64(v)))
        total = float(numpy_of(transform.log_abs_det_jacobian(f64(x), y)).sum())
        assert total == pytest.approx(jacobian_log_det(flat, x), rel=1e-7)


def test_vec_and_tril_matrix():
    assert numpy_of(vec_to_tril_matrix(f64([1.0, 2.0, 3.0]))).tolist() == [[1.0, 0.0], [2.0, 3.0]]
    assert numpy_of(vec_to_tril_matrix(f64([1.0]), diag=-1)).tolist() == [[0.0, 0.0], [1.0, 0.0]]
    m = np.arange(16.0).reshape(4, 4)
    assert numpy_of(tril_matrix_to_vec(f64(m), diag=-2)).tolist() == [8.0, 12.0, 13.0]
    assert numpy_of(tril_matrix_to_vec(f64(m))).tolist() == [0.0, 4.0, 5.0, 8.0, 9.0, 10.0, 12.0, 13.0, 14.0, 15.0]
    with pytest.raises(ValueError, match="The size of last dimension is 4 which cannot be expressed"):
        vec_to_tril_matrix(f64([1.0, 2.0, 3.0, 4.0]))
    vec = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (vec_to_tril_matrix(vec) * f64([[1.0, 5.0], [2.0, 3.0]]).float()).sum().backward()
    assert numpy_of(vec.grad).tolist() == [1.0, 2.0, 3.0]  # the zero above the diagonal takes no gradient


# ---------------------------------------------------------------------- constraints
def test_cat_and_stack_constraints():
    c = constraints.cat([constraints.real, constraints.positive], dim=0, lengths=[2, 1])
    assert numpy_of(c.check(f64([-1.0, 2.0, -3.0]))).tolist() == [True, True, False]
    assert (repr(c), c.event_dim, c.is_discrete) == ("Cat()", 0, False)
    assert constraints.cat([constraints.boolean, constraints.real]).is_discrete
    assert constraints.cat([constraints.real_vector, constraints.positive_definite], dim=-1, lengths=[2, 1]).event_dim == 2
    mixed = constraints.cat([constraints.real_vector, constraints.simplex], dim=-1, lengths=[2, 2])
    assert numpy_of(mixed.check(f64([[-1.0, 2.0, 0.5, 0.5], [1.0, 1.0, 0.5, 0.6]]))).tolist() == [True, True, True, False]
    with pytest.raises(ValueError, match="the lengths add up to 3, dim 0 has 4"):
        c.check(f64([1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="different event_dim"):
        constraints.cat([constraints.positive, constraints.real_vector], dim=-1, lengths=[1, 2]).check(f64([[1.0, 2.0, 3.0]]))
    s = constraints.stack([constraints.real, constraints.positive], dim=-1)
    assert numpy_of(s.check(f64([[-1.0, 2.0], [3.0, -1.0]]))).tolist() == [[True, True], [True, False]]
    # the event dimensions: the widest part's, plus one where dim counts into them from the right
    assert [constraints.stack(parts, dim).event_dim for parts, dim in [
        ([constraints.real, constraints.positive], 0), ([constraints.real, constraints.positive], -1),
        ([constraints.real_vector] * 2, 0), ([constraints.real_vector] * 2, -1), ([constraints.real_vector] * 2, -2),
    ]] == [0, 1, 1, 1, 2]
    with pytest.raises(ValueError, match="dim 0 has 3 slices for 2 constraints"):
        constraints.stack([constraints.real, constraints.positive]).check(f64([1.0, 2.0, 3.0]))


def test_mixture_same_family_constraint():
    c = constraints.MixtureSameFamilyConstraint(constraints.positive)
    assert numpy_of(c.check(f64([[1.0, -1.0]]))).tolist() == [[True, False]]
    assert repr(c) == "MixtureSameFamilyConstraint(GreaterThan(lower_bound=0.0))" and c.event_dim == 0
    simplex = constraints.MixtureSameFamilyConstraint(constraints.simplex)
    assert numpy_of(simplex.check(f64([[[0.5, 0.5]], [[0.5, 0.6]]]))).tolist() == [[True], [False]]
    mixture = D.MixtureSameFamily(D.Categorical(minigan.ones(2)), D.Normal(minigan.zeros(2), 1.0))
    assert isinstance(mixture.support, constraints.MixtureSameFamilyConstraint)


def test_registry_rules_for_the_new_transforms():
    assert isinstance(D.transform_to(constraints.lower_cholesky), D.LowerCholeskyTransform)
    assert isinstance(D.transform_to(constraints.positive_definite), D.PositiveDefiniteTransform)
    assert isinstance(D.transform_to(constraints.positive_semidefinite), D.PositiveDefiniteTransform)
    assert isinstance(D.biject_to(constraints.corr_cholesky), D.CorrCholeskyTransform)
    with pytest.raises(NotImplementedError, match="Cannot transform _LowerCholesky constraints"):
        D.biject_to(constraints.lower_cholesky)  # not a bijection: transform_to only, as PyTorch's
    joined = D.biject_to(constraints.cat([constraints.real, constraints.positive], 0, [1, 2]))
    assert isinstance(joined, D.CatTransform) and joined.lengths == [1, 2]
    assert numpy_of(joined(f64([-1.0, 0.0, 1.0]))).tolist() == pytest.approx([-1.0, 1.0, math.e], rel=1e-15)
    stacked = D.transform_to(constraints.stack([constraints.unit_interval, constraints.real], dim=-1))
    assert isinstance(stacked, D.StackTransform)
    assert numpy_of(stacked(f64([[0.0, 5.0]]))).tolist() == [[0.5, 5.0]]
