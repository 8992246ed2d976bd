"""W5's timing loop, shared by torch_bench.py and w5_polyfit.py so both doors are timed alike."""
import time

WARMUP = 50


def time_iterations(step, iterations):
    """Seconds of each call of `step` among `iterations` calls, without the first WARMUP."""
    times = []
    for i in range(iterations):
        t0 = time.perf_counter()
        step()
        if i >= WARMUP:
            times.append(time.perf_counter() - t0)
    return times
