"""micro: the whole reverse-mode engine in one short file, to read in one sitting.

It is the real engine cut to its core, with the shape of its Function API: an op is a
``Function`` with ``forward(ctx, *arrays, **options)`` and ``backward(ctx, grad_output)`` side
by side, ``ctx.save_for_backward`` keeps what backward needs, and ``Function.apply`` runs
forward and records the result's parents. ``backward`` returns one gradient per input, or None
for "no gradient from this op" (that input then gets nothing by this path). ``Tensor.backward()``
sorts the graph (parents before children) and applies the chain rule in reverse, adding
gradients with ``+=``. tests/test_micro.py runs it against the real engine on the
gradient-check registry's op cases and on one GAN step. It imports only NumPy: copy this one
file anywhere and it runs. ``minigan.autograd.graph_text``, ``minigan.viz.draw_graph`` and
``minigan.gradcheck.gradcheck`` accept its tensors too.

One difference matters when you write a real op: here ``backward`` takes and returns NumPy
arrays and reads arrays from ``ctx.saved``. The real engine passes ``grad_output`` as a Tensor
and wants Tensors back, built from ``ctx.inputs`` with Tensor ops: then ``create_graph=True``
can record the backward pass itself, which second derivatives (WGAN-GP) need. A real backward
that returns an array is an error that says so.

    >>> x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    >>> loss = (x * x).sum()
    >>> loss.backward()
    >>> x.grad
    array([ 2., -4.,  6.])

What the real engine adds (minigan/autograd/ and minigan/ops/): it frees the graph after
backward and says so on a second pass; backward is written in Tensor ops, so ``create_graph=True`` records it for second derivatives (WGAN-GP);
``minigan.grad`` prunes the graph to the inputs asked for; float32 and dtype rules (here every
array is float64); devices (CuPy, a test device); fused ops whose kernels live in each backend
(minigan/backends/); and clear errors for bad input. Here backward works on NumPy arrays.
"""
import numpy as np  # the only import: copy this file anywhere and it runs

_grad_enabled = True  # the no_grad switch


class no_grad:
    """Inside ``with no_grad():`` ops are computed but not recorded (nothing to backprop)."""

    def __enter__(self):
        global _grad_enabled
        self.previous, _grad_enabled = _grad_enabled, False

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.previous


class Context:
    """What one application of a Function keeps for its backward pass."""

    def __init__(self, function, inputs, options):
        self.function, self.inputs, self.options, self.saved = function, inputs, options, ()

    def save_for_backward(self, *values):
        self.saved = values


class Function:
    """One op: ``forward`` on arrays, ``backward`` gives one gradient (or None) per input."""

    @staticmethod
    def forward(ctx, *arrays, **options):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        inputs = tuple(x if isinstance(x, Tensor) else Tensor(x) for x in inputs)
        ctx = Context(cls, inputs, options)
        out = Tensor(cls.forward(ctx, *(t.array for t in inputs), **options))
        if _grad_enabled and any(t.requires_grad for t in inputs):
            out.requires_grad, out._ctx = True, ctx  # the edge: out remembers how it was made
        return out


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: over the axes broadcasting prepended or stretched from 1."""
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    return grad.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)


class Tensor:
    """A NumPy array plus ``grad``, ``requires_grad`` and the context of the op that made it."""

    def __init__(self, data, requires_grad=False):
        self.array = np.asarray(data, dtype=np.float64)
        self.requires_grad = requires_grad
        self.grad, self._ctx = None, None  # _ctx stays None for a leaf (made by the user)

    def __repr__(self): return f"Tensor({self.array!r}, requires_grad={self.requires_grad})"

    shape = property(lambda self: self.array.shape)

    def __add__(self, other): return Add.apply(self, other)
    def __radd__(self, other): return Add.apply(other, self)
    def __mul__(self, other): return Mul.apply(self, other)
    def __rmul__(self, other): return Mul.apply(other, self)
    def __neg__(self): return self * -1.0
    def __sub__(self, other): return self + (-1.0) * other
    def __rsub__(self, other): return other + (-1.0) * self
    def __matmul__(self, other): return MatMul.apply(self, other)
    def sum(self, axis=None, keepdims=False): return Sum.apply(self, axis=axis, keepdims=keepdims)
    def mean(self, axis=None, keepdims=False):  # the sum times 1/n, n = the number of values summed
        return self.sum(axis, keepdims) * (self.array.sum(axis).size / self.array.size)
    def relu(self): return ReLU.apply(self)
    def leaky_relu(self, slope=0.01): return LeakyReLU.apply(self, slope=slope)
    def sigmoid(self): return Sigmoid.apply(self)
    def tanh(self): return Tanh.apply(self)
    def log(self): return Log.apply(self)
    def exp(self): return Exp.apply(self)
    def detach(self): return Tensor(self.array)

    def _parents(self):
        return self._ctx.inputs if self._ctx is not None else ()

    def _topological_order(self):
        """Every tensor that self depends on, parents before children (a loop, not recursion)."""
        order, visited, stack = [], {id(self)}, [(self, iter(self._parents()))]
        while stack:
            node, parents = stack[-1]
            parent = next((p for p in parents if p.requires_grad and id(p) not in visited), None)
            if parent is None:  # every parent is placed: the node goes after them
                order.append(stack.pop()[0])
            else:
                visited.add(id(parent))
                stack.append((parent, iter(parent._parents())))
        return order

    def backward(self):
        """d(self)/d(leaf), added into ``leaf.grad`` for every leaf that requires grad."""
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad")
        grads = {id(self): np.ones_like(self.array)}  # d(self)/d(self) = 1
        for node in reversed(self._topological_order()):  # children before parents
            grad = grads.pop(id(node), None)
            if grad is None:  # every backward on the way returned None for it: no gradient
                continue
            if node._ctx is None:  # a leaf: keep what arrived, adding to an earlier backward's
                node.grad = grad if node.grad is None else node.grad + grad
                continue
            for parent, parent_grad in zip(node._ctx.inputs, node._ctx.function.backward(node._ctx, grad)):
                if parent.requires_grad and parent_grad is not None:  # a tensor used twice gets both
                    total = grads.setdefault(id(parent), np.zeros(parent.shape))
                    total += parent_grad


# ---------------------------------------------------------------- the ops (f, then df/da)
class Add(Function):
    """f = a + b;  df/da = df/db = 1, summed over the axes broadcasting added."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        return unbroadcast(grad, a.shape), unbroadcast(grad, b.shape)


class Mul(Function):
    """f = a * b;  df/da = b, df/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        return unbroadcast(grad * b, a.shape), unbroadcast(grad * a, b.shape)


class MatMul(Function):
    """f = a @ b;  df/da = g @ b^T, df/db = a^T @ g (1-D operands taken as a row and a column)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        a2, b2 = (a[None, :] if a.ndim == 1 else a), (b[:, None] if b.ndim == 1 else b)
        grad = grad.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        grad_a = unbroadcast(grad @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ grad, b2.shape).reshape(b.shape)
        return grad_a, grad_b


class Sum(Function):
    """f = sum of a over axis;  df/da = 1: the gradient is copied back over the summed axes."""

    @staticmethod
    def forward(ctx, a, axis, keepdims):
        return a.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        shape, axis = ctx.inputs[0].shape, ctx.options["axis"]
        if axis is not None and not ctx.options["keepdims"]:  # put the summed axes back, as size 1
            grad = np.expand_dims(grad, axis)
        return (np.broadcast_to(grad, shape),)


def sigmoid(a):
    """σ(a) = 1 / (1 + exp(-a)), split on the sign of a: exp only sees -|a| and never overflows."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


class _Activation(Function):
    """An elementwise op y = f(a) whose backward g f'(a) is read off the saved output y, so the
    input need not be kept (for leaky ReLU that needs slope > 0). Each formula is written here
    as in minigan/formulas.py, the real engine's one home of each; tests/test_micro.py checks
    that the two agree bit for bit."""

    @staticmethod
    def forward(ctx, a, slope=0.0):
        ctx.save_for_backward(ctx.function.f(a, slope))
        return ctx.saved[0]

    @staticmethod
    def backward(ctx, grad):
        return (ctx.function.f_backward(grad, ctx.saved[0], ctx.options.get("slope", 0.0)),)


class ReLU(_Activation):
    """f = max(a, 0);  df/da = 1 where f > 0, else 0."""
    f, f_backward = (lambda a, slope: np.maximum(a, 0)), (lambda grad, y, slope: np.where(y > 0, grad, 0))


class LeakyReLU(_Activation):
    """f = a where a > 0, else slope a;  df/da = 1 where f > 0, else slope."""
    f, f_backward = (lambda a, slope: np.where(a > 0, a, a * slope)), (lambda grad, y, slope: np.where(y > 0, grad, grad * slope))


class Sigmoid(_Activation):
    """f = 1 / (1 + exp(-a)), split on the sign of a so exp never overflows;  df/da = f (1 - f)."""
    f, f_backward = (lambda a, slope: sigmoid(a)), (lambda grad, y, slope: grad * (y * (1 - y)))


class Tanh(_Activation):
    """f = tanh(a);  df/da = 1 - f^2."""
    f, f_backward = (lambda a, slope: np.tanh(a)), (lambda grad, y, slope: grad * (1 - y * y))


class Log(Function):
    """f = log(a);  df/da = 1 / a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.saved[0],)


class Exp(_Activation):
    """f = exp(a);  df/da = f: read off the output, as the activations above."""
    f, f_backward = (lambda a, slope: np.exp(a)), (lambda grad, y, slope: grad * y)
