"""``torch.nn.utils.skip_init``: build a module without initialising its parameters, as PyTorch's.

PyTorch builds the module on its "meta" device (no memory, no initialisation) and then gives it
uninitialised memory, so it asks the module class for a ``device`` argument. minigan's modules take
no ``device``: they draw their initial values in a ``reset_parameters`` (or ``_reset_parameters``)
method, which ``skip_init`` skips while the class builds its instance. The parameters then hold
whatever the class gave them before initialising (``torch.empty``'s memory for Linear and the
convolutions, ones and zeros for the normalisation layers): values PyTorch leaves unspecified, and
no random number is drawn. The class must take a ``dtype`` argument, as minigan's modules with
parameters do (in PyTorch these take ``device`` and ``dtype`` together), or a ``device`` argument;
a ``device=`` keyword it does not take moves the built module there, as PyTorch's does. Sub-modules
built inside the class's ``__init__`` are initialised as usual.
"""
from __future__ import annotations

import inspect
from typing import Any

from ..module import Module

__all__ = ["skip_init"]

_INITIALISERS = ("reset_parameters", "_reset_parameters")


def _skip(*args: Any, **kwargs: Any) -> None:
    """Stands in for a module's initialiser while skip_init builds it."""


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Module:
    """``module_cls(*args, **kwargs)`` with its ``reset_parameters`` skipped (see the module docstring)."""
    if not isinstance(module_cls, type):
        raise TypeError("issubclass() arg 1 must be a class")
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    arguments = inspect.signature(module_cls).parameters
    takes_device = "device" in arguments
    if not takes_device and "dtype" not in arguments:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    device = None if takes_device else kwargs.pop("device", None)
    module = module_cls.__new__(module_cls)
    for initialiser in _INITIALISERS:  # the instance's attribute hides the class's method while __init__ runs
        object.__setattr__(module, initialiser, _skip)
    try:
        module.__init__(*args, **kwargs)
    finally:
        for initialiser in _INITIALISERS:
            module.__dict__.pop(initialiser, None)
    return module if device is None else module.to(device)
