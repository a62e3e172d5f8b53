"""``torch.func``: function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap) and
calling a module with other parameters (functional_call, stack_module_state).

They are built on minigan's reverse-mode engine (see minigan/func/levels.py); ``vmap`` runs the
function once per sample (see minigan/func/vmap.py).
"""
from .functional_call import functional_call, stack_module_state
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from .vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "stack_module_state",
           "vjp", "vmap"]
