"""``torch.func``: function transforms (grad, vjp, jvp, linearize, jacrev, jacfwd, hessian, vmap)
and calling a module with other parameters (functional_call, stack_module_state,
replace_all_batch_norm_modules_).

They are built on minigan's reverse-mode engine (see minigan/func/levels.py); ``vmap`` runs the
function once per sample (see minigan/func/vmap.py).
"""
from ..torch_api.unsupported import module_getattr as _module_getattr
from .functional_call import functional_call, replace_all_batch_norm_modules_, stack_module_state
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from .vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize",
           "replace_all_batch_norm_modules_", "stack_module_state", "vjp", "vmap"]

__getattr__ = _module_getattr(__name__, "torch.func", {
    "functionalize": "removing mutations from a function, for graph capture",
    "rearrange": "einops-style rearrange",
    "debug_unwrap": "functorch's wrapped tensors; minigan's transforms use plain tensors",
})
