"""CPU time of a call, as robust as a shared machine allows: the best of a few runs, with the
garbage collector held off (a full collection in one run is not the code's cost)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(call: Callable[[], object], repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            call()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best
