"""The reference solution of step 5 (kept in the tests, not in the stubs)."""
import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def bce_with_logits(logits, targets):
    return np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))))


def bce_with_logits_grad(logits, targets):
    return (sigmoid(logits) - targets) / np.size(logits)
