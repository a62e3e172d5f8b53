"""PyTorch's names for making tensors, below the ops: the factories (``zeros``, ``randn``, ...),
the random generators (``manual_seed``, ``Generator``), the dtypes, ``save``/``load``, and the
features minigan names but does not have (each raises an error that says so)."""
