"""Gradient-check cases for the nn layers and losses (inputs and parameters together)."""
from __future__ import annotations

from .cases import OpCase

LAYER_CASES: list[OpCase] = []
