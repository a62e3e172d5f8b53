"""Refusing, in one line, a request that cannot fit in memory, before anything is allocated."""
from __future__ import annotations

from minigan.cli.program import UsageError

__all__ = ["available_memory", "require_memory"]


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2 ** 30:,.1f} GiB"


def require_memory(nbytes: int, what: str) -> None:
    """UsageError when ``what`` would need more memory than is available (checked before allocating,
    because an allocation that fits the address space but not RAM ends in the kernel's OOM killer)."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise UsageError(f"{what} needs about {_gib(nbytes)} of memory, but only {_gib(available)} is available")

