"""Step 3: undoing broadcasting.

When NumPy broadcasts x of shape (3,) against (4, 3), x is used 4 times, once per row, so its
gradient is the SUM of the 4 rows of the incoming gradient. In general broadcasting does two
things, and the gradient undoes both:

* it prepends axes (shape (3,) -> (1, 3) -> (4, 3)): sum over those leading axes;
* it stretches axes of size 1 ((4, 1) -> (4, 3)): sum over them, keeping them as size 1.

``unbroadcast(grad, shape)`` takes the gradient of the broadcast result (a NumPy array) and
returns the gradient for the input of shape ``shape``: an array of exactly that shape.

Check with:  python -m minigan.exercises check 3
"""
import numpy as np  # noqa: F401 - you will need it


def unbroadcast(grad, shape):
    raise NotImplementedError("unbroadcast")
