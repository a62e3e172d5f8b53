"""``minigan.utils.data`` is ``minigan.data``, so ``torch.utils.data`` code reads the same:
``from minigan.utils.data import DataLoader`` and ``minigan.utils.data.TensorDataset`` work."""
import sys

from .. import data

# Registered as a submodule so that ``import minigan.utils.data`` finds it too.
sys.modules[f"{__name__}.data"] = data

__all__ = ["data"]
