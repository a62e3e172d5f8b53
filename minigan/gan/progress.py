"""The trainer's progress bar: one line redrawn in place on a terminal, log lines between."""
from __future__ import annotations

import time
from typing import Any, TextIO

__all__ = ["Progress", "step_line"]


class Progress:
    """A one-line progress bar on a terminal; nothing but the log lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.live = bool(stream.isatty())
        except (AttributeError, ValueError):
            self.live = False
        self.drawn = False

    def line(self, text: str) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.drawn = False
        self.stream.flush()

    def bar(self, epoch: int, epochs: int, done: int, total: int, started: float) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r\033[Kepoch {epoch}/{epochs} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{done}/{total} {rate:.1f} it/s eta {eta:.0f}s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.live and self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False



def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def step_line(epoch: int, epochs: int, step: int, total: int, row: dict, g_loss: float, objective: Any,
              done: int, seconds: float) -> str:
    """The log line of a step: the PyTorch tutorial's fields, named for what D is (a critic's
    scores, the Wasserstein estimate and each penalty under its own name), then the speed of the
    ``done`` steps of this epoch that took ``seconds`` and the time the epoch has left at it."""
    critic = objective.estimates_wasserstein
    fields = [f"Epoch [{epoch}/{epochs}]", f"Step [{step}/{total}]",
              f"{'Critic' if critic else 'D'} Loss: {row['d_loss']:.4f}", f"G Loss: {g_loss:.4f}"]
    if critic:
        fields += [f"Wasserstein estimate: {row['wasserstein']:.4f}"]
        fields += [f"Gradient penalty: {row['gradient_penalty']:.4f}"] * (row["gradient_penalty"] == row["gradient_penalty"])
        fields += [f"critic(x): {row['d_x']:.2f}", f"critic(G(z)): {row['d_g_z']:.2f}"]
    else:
        fields += [f"D(x): {row['d_x']:.2f}", f"D(G(z)): {row['d_g_z']:.2f}"]
    if row["r1_penalty"] == row["r1_penalty"]:  # not NaN: R1 is on
        fields.append(f"R1 penalty: {row['r1_penalty']:.4f}")
    rate = done / seconds if seconds > 0 else float("inf")
    fields.append(f"{rate:.1f} it/s, epoch ETA {_clock((total - step) / rate) if rate > 0 else '?'}")
    return ", ".join(fields)
