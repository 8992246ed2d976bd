"""The orchestrator of the side-by-side benchmark (run it through run.sh, which builds what it needs).

For every workload and thread count (1 and 2) it runs the Axon and PyTorch processes alternately
(A T A T A T, and the C door, Python door, fused Adam and FANN variants in the same round), each
process measuring its workload and printing JSON, and this script measuring each process's peak
RSS (os.wait4's ru_maxrss). It takes medians over the processes and writes RESULTS.md.

    python bench.py --axon-bench PATH --c-bin DIR --lib PATH [--fann PATH] [--quick] [--procs N]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FLAGS = ["avx2", "fma", "avx512f", "avx512vl", "avx512bw"]
THREADS = [1, 2]


def cpu_jiffies():
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


class Runner:
    """Runs commands, records every process (values, peak RSS, the CPU other processes used meanwhile)
    and keeps the failures. Before each process it waits (up to `idle_wait` seconds) until the rest of
    the machine is quiet, because a busy neighbour (a build) distorts every number; waits and repeats
    stop once `budget` seconds have gone to them, so a machine that never quiets down still finishes."""

    def __init__(self, log_path, idle_wait, idle_threshold, budget):
        self.log = open(log_path, "w")
        self.failures = []
        self.idle_wait, self.idle_threshold, self.retries, self.budget = idle_wait, idle_threshold, 2, budget
        self.tick = os.sysconf("SC_CLK_TCK")
        self.contention = []  # the share of the machine others used during each measured process
        self.repeats = 0

    def wait_idle(self):
        """Waits until the machine is under `idle_threshold` busy over a 1 s window; returns the seconds waited."""
        start = time.perf_counter()
        while True:
            b0, t0 = cpu_jiffies()
            time.sleep(1)
            b1, t1 = cpu_jiffies()
            busy = (b1 - b0) / max(1, t1 - t0)
            waited = time.perf_counter() - start
            if busy < self.idle_threshold or waited >= min(self.idle_wait, self.budget):
                if busy >= self.idle_threshold:
                    print(f"  (machine still {100 * busy:.0f}% busy after {waited:.0f} s; running anyway)")
                self.budget -= waited
                return waited

    def run(self, label, cmd, env=None):
        """Runs `cmd`, returns (the last JSON object it printed, its peak RSS in MB) or (None, None). A
        measurement during which other processes took more than `idle_threshold` of the machine is
        discarded and repeated, up to `retries` times (the log keeps both; the later record of a label wins)."""
        for attempt in range(self.retries + 1):
            result, rss, others = self.run_once(label, cmd, env)
            if result is None or others <= self.idle_threshold or self.budget <= 0:
                break
            if attempt < self.retries:
                print(f"  (others took {100 * others:.0f}% of the machine: discarded, repeating)")
                self.repeats += 1
                self.budget -= self.last_wall
        self.contention.append(others)
        return result, rss

    def run_once(self, label, cmd, env):
        waited = self.wait_idle() if self.idle_wait > 0 and self.budget > 0 else 0.0
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            busy0, total0 = cpu_jiffies()
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})})
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = self.last_wall = time.perf_counter() - start
            busy1, total1 = cpu_jiffies()
            own = (usage.ru_utime + usage.ru_stime) * self.tick
            others = max(0.0, (busy1 - busy0 - own) / max(1, total1 - total0))
            out.seek(0)
            err.seek(0)
            lines = [line for line in out.read().splitlines() if line.startswith("{")]
            errors = err.read()
        rss = usage.ru_maxrss / 1024  # Linux reports KiB
        result = json.loads(lines[-1]) if lines and proc.returncode == 0 else None
        record = {"label": label, "cmd": cmd, "status": proc.returncode, "peak_rss_mb": rss, "wall_s": wall,
                  "waited_s": waited, "others_cpu": others, "result": result}
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()
        summary = (json.dumps(result) if result else f"FAILED (exit {proc.returncode})")[:140]
        print(f"  {label:<28} {wall:6.1f} s {rss:7.1f} MB  others {100 * others:3.0f}%  {summary}", flush=True)
        if result is None:
            self.failures.append((label, cmd, proc.returncode, errors.strip()[-2000:]))
            print(errors.strip()[-2000:], file=sys.stderr)
            return None, None, others
        return result, rss, others


class Bench:
    def __init__(self, args):
        self.args = args
        self.procs = 1 if args.quick else args.procs
        self.raw = os.path.join(args.c_bin, "raw.jsonl")
        self.runner = Runner(self.raw if not args.report_only else os.devnull, args.idle_wait, args.idle_threshold,
                             args.wait_budget)
        self.py = sys.executable
        self.torch = [self.py, os.path.join(HERE, "torch_bench.py")]
        self.pydoor_env = {"AXON_LIBRARY": args.lib, "PYTHONPATH": os.path.join(ROOT, "bindings", "python")}
        # medians[(case, side)] = {"value": ..., "rss": ..., "extra": last result}
        self.medians = {}

    def side_by_side(self, case, sides, key):
        """Runs each side's command `procs` times, round-robin, and stores the medians of `key`."""
        print(f"== {case}", flush=True)
        results = {name: [] for name in sides}
        for rep in range(self.procs):
            for name, (cmd, env) in sides.items():
                result, peak = self.runner.run(f"{case} {name} #{rep + 1}", cmd, env)
                if result is not None:
                    results[name].append((result, peak))
        self.store(case, key, results)

    def store(self, case, key, results):
        for name, runs in results.items():
            if runs:
                self.medians[(case, name)] = {"value": statistics.median(float(r[key]) for r, _ in runs),
                                              "rss": statistics.median(peak for _, peak in runs),
                                              "extra": runs[-1][0]}

    def load(self, path):
        """The medians from a raw.jsonl of an earlier run (--report-only), instead of running."""
        keys = {"w1": "gflops", "w2": "ms_per_step", "w3": "us_per_forward", "w4": "ms_per_step",
                "w5": "us_per_iteration", "w6": "seconds_per_epoch", "w7": "seconds"}
        grouped, info, kept, self.loaded_wall = {}, {}, {}, 0.0
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                self.loaded_wall += record["wall_s"] + record.get("waited_s", 0.0)
                kept[record["label"]] = record  # a repeated measurement replaces the discarded one
        self.runner.repeats = sum(1 for _ in open(path)) - len(kept)
        for label, record in kept.items():
            self.runner.contention.append(record.get("others_cpu", 0.0))
            if label.startswith("info "):
                info[label] = record["result"] or {}
            elif record["result"] is None:
                self.runner.failures.append((label, record["cmd"], record["status"], ""))
            else:
                case, name, _ = label.rsplit(" ", 2)
                grouped.setdefault(case, {}).setdefault(name, []).append((record["result"], record["peak_rss_mb"]))
        for case, results in grouped.items():
            self.store(case, keys[case.split()[0]], results)
        return info.get("info axon-bench", {}), info.get("info c_bench", {}), info.get("info torch", {})

    def get(self, case, side):
        entry = self.medians.get((case, side))
        return entry["value"] if entry else None

    def rss(self, case, side):
        entry = self.medians.get((case, side))
        return entry["rss"] if entry else None

    def extra(self, case, side, key):
        entry = self.medians.get((case, side))
        return entry["extra"].get(key) if entry else None

    # ---- The workloads ------------------------------------------------------------------------

    def axon(self, *args):
        return [self.args.axon_bench, *map(str, args)], None

    def torch_cmd(self, *args):
        return [*self.torch, *map(str, args)], None

    def c(self, program, *args):
        return [os.path.join(self.args.c_bin, program), *map(str, args)], None

    def sizes(self):
        if self.args.quick:
            return [256, 2048], [128, 512], [1, 64]
        return [256, 1024, 2048], [32, 128, 512], [1, 64]

    def run_all(self):
        w1_sizes, w2_batches, w3_batches = self.sizes()
        for t in THREADS:
            for n in w1_sizes:
                a = ("w1", "--n", n, "--threads", t)
                self.side_by_side(f"w1 n={n} t={t}", {"axon": self.axon(*a), "c": self.c("c_bench", *a),
                                                       "torch": self.torch_cmd(*a)}, "gflops")
        for t in THREADS:
            for b in w2_batches:
                a = ("w2", "--batch", b, "--threads", t)
                self.side_by_side(f"w2 b={b} t={t}", {
                    "axon": self.axon(*a), "c": self.c("c_bench", *a),
                    "c_guarded": self.c("c_bench", *a, "--guarded", 1),
                    "torch": self.torch_cmd(*a), "torch_fused": self.torch_cmd(*a, "--fused", 1)}, "ms_per_step")
        for t in THREADS:
            for b in w3_batches:
                a = ("w3", "--batch", b, "--threads", t)
                self.side_by_side(f"w3 b={b} t={t}", {"axon": self.axon(*a), "torch": self.torch_cmd(*a)},
                                  "us_per_forward")
        for t in THREADS:
            a = ("w4", "--threads", t)
            self.side_by_side(f"w4 t={t}", {"axon": self.axon(*a), "torch": self.torch_cmd(*a)}, "ms_per_step")
        for t in THREADS:
            self.side_by_side(f"w5 t={t}", {
                "c": self.c("w5_polyfit", "--threads", t),
                "python": ([self.py, os.path.join(HERE, "w5_polyfit.py"), "--threads", str(t)], self.pydoor_env),
                "torch": self.torch_cmd("w5", "--threads", t)}, "us_per_iteration")
        for t in THREADS:
            sides = {"axon": self.axon("w6", "--threads", t), "torch": self.torch_cmd("w6", "--threads", t)}
            if self.args.fann and t == 1:  # FANN has no threads: it runs once, on one
                sides["fann"] = ([self.args.fann, "--data", os.path.join(ROOT, "Tests", "Data", "mnist")], None)
            self.side_by_side(f"w6 t={t}", sides, "seconds_per_epoch")
        for t in THREADS:
            a = ("w7", "--threads", t)
            self.side_by_side(f"w7 t={t}", {"axon": self.axon(*a), "torch": self.torch_cmd(*a)}, "seconds")

    # ---- The report ---------------------------------------------------------------------------

    def machine(self):
        model, flags = "unknown CPU", set()
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name") and model == "unknown CPU":
                        model = line.split(":", 1)[1].strip()
                    elif line.startswith("flags") and not flags:
                        flags = set(line.split(":", 1)[1].split())
        except OSError:
            pass
        present = [f for f in FLAGS if f in flags]
        absent = [f for f in FLAGS if f not in flags]
        return model, present, absent

    def info(self):
        axon, _ = self.runner.run("info axon-bench", [self.args.axon_bench, "info"])
        c, _ = self.runner.run("info c_bench", [os.path.join(self.args.c_bin, "c_bench"), "info"])
        torch, _ = self.runner.run("info torch", [*self.torch, "info"])
        return axon or {}, c or {}, torch or {}

    def report(self, info, started, seconds):
        axon, c, torch = info
        model, present, absent = self.machine()
        mode = "quick run: 1 process per side" if self.args.quick else f"{self.procs} processes per side"
        out = ["# Axon vs PyTorch, side by side", "",
               f"Generated by `bash Tests/Benchmarks/run.sh{' --quick' if self.args.quick else ''}` on "
               f"{started:%Y-%m-%d %H:%M} ({mode}).",
               f"Sides alternate; values are medians over processes; {seconds / 60:.0f} min in all. "
               "Every number below comes from that run.", "",
               f"- Machine: {model}, {os.cpu_count()} cores, {platform.machine()}; flags present: "
               f"{' '.join(present) or 'none'}; absent: {' '.join(absent) or 'none'}",
               f"- Axon, dependent package (AxonBench, plain `swift build -c release`): kernel path "
               f"`{axon.get('kernel_path', '?')}`, features {', '.join(axon.get('features', [])) or 'none'}",
               f"- Axon, shipped libaxon.so {c.get('version', '?')} (`-Xcc -march=x86-64-v3`, static stdlib): "
               f"`{c.get('cpu_features', '?')}`",
               f"- PyTorch {torch.get('torch_version', '?')}, CPU capability {torch.get('cpu_capability', '?')}",
               "",
               "Ratios are Axon / torch times: above 1 means Axon is slower. GFLOPS rows give Axon's GFLOPS "
               "as a multiple of torch's",
               "(\"x torch\"): below 1 means Axon is slower. Axon is the dependent Swift package unless the "
               "row names a door.", ""]
        out += self.main_table()
        out += ["", "## Shipped library (C door) vs dependent Swift package", "",
                "C door / package: time ratio for W2, GFLOPS ratio for W1 (target: within 10 %). The W2 rows run "
                "the same step as the package's loop (`axon_train_step_unguarded`); the guarded rows run "
                "`axon_train_step`, which also copies the weights and the optimizer's state each step to undo a "
                "non-finite update.", ""]
        out += self.door_table()
        out += ["", "## 2 threads / 1 thread", "", "Speedup from the second thread (above 1: faster).", ""]
        out += self.speedup_table()
        out += ["", "## Peak RSS (MB, median per process, 1 thread)", "",
                "torch's processes include the Python interpreter and the torch libraries.", ""]
        out += self.rss_table()
        notes = self.notes()
        if notes:
            out += ["", "## Notes", ""] + [f"- {n}" for n in notes]
        # Tests/check_layout.sh: lines of at most 120 characters, except table rows.
        wrapped = []
        for line in out:
            if line.startswith("|") or len(line) <= 120:
                wrapped.append(line)
            else:
                wrapped += textwrap.wrap(line, 120, subsequent_indent="  " if line.startswith("- ") else "",
                                         break_on_hyphens=False)
        return "\n".join(wrapped) + "\n"

    @staticmethod
    def fmt(x, digits=None):
        if x is None:
            return "n/a"
        if digits is None:
            digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
        return f"{x:.{digits}f}"

    def ratio(self, a, b, times=False):
        if a is None or b is None or b == 0:
            return "n/a"
        return f"{a / b:.2f}" + (" x torch" if times else "")

    def row(self, name, unit, case, axon_side, other_side, gflops=False, other_threads=None):
        cells = [name, unit]
        for t in THREADS:
            a = self.get(f"{case} t={t}", axon_side)
            o = self.get(f"{case} t={other_threads or t}", other_side)
            cells += [self.fmt(a), self.fmt(o), self.ratio(a, o, times=gflops)]
        return "| " + " | ".join(cells) + " |"

    def main_table(self):
        w1_sizes, w2_batches, w3_batches = self.sizes()
        head = ["| Workload | Unit | Axon 1T | torch 1T | Ratio 1T | Axon 2T | torch 2T | Ratio 2T |",
                "|---|---|---:|---:|---:|---:|---:|---:|"]
        rows = [self.row(f"W1 sgemm n={n}", "GFLOPS", f"w1 n={n}", "axon", "torch", gflops=True) for n in w1_sizes]
        for b in w2_batches:
            rows.append(self.row(f"W2 MLP train, batch {b}, vs Adam", "ms/step", f"w2 b={b}", "axon", "torch"))
            rows.append(self.row(f"W2 MLP train, batch {b}, vs Adam(fused=True)", "ms/step", f"w2 b={b}", "axon",
                                 "torch_fused"))
        b = 128 if 128 in w2_batches else w2_batches[0]
        cells = [f"W2 peak RSS, batch {b}", "MB"]
        for t in THREADS:
            a, o = self.rss(f"w2 b={b} t={t}", "axon"), self.rss(f"w2 b={b} t={t}", "torch")
            cells += [self.fmt(a, 0), self.fmt(o, 0), self.ratio(a, o)]
        rows.append("| " + " | ".join(cells) + " |")
        rows += [self.row(f"W3 MLP eval forward, batch {b}", "us", f"w3 b={b}", "axon", "torch") for b in w3_batches]
        rows.append(self.row("W4 CNN train, batch 64", "ms/step", "w4", "axon", "torch"))
        rows.append(self.row("W5 polyfit, C door", "us/iter", "w5", "c", "torch"))
        rows.append(self.row("W5 polyfit, Python door", "us/iter", "w5", "python", "torch"))
        rows.append(self.row("W6 MNIST FC epoch, batch 4096, SGD", "s/epoch", "w6", "axon", "torch"))
        if self.args.fann:
            rows.append(self.row("W6 vs FANN (RPROP, 1 thread; ratio Axon / FANN)", "s/epoch", "w6", "axon",
                                 "fann", other_threads=1))
        rows.append(self.row("W7 digits MLP, 50 epochs, batch 32", "s", "w7", "axon", "torch"))
        cells = ["W7 test accuracy (360 images)", "%"]
        for t in THREADS:
            a = self.extra(f"w7 t={t}", "axon", "test_accuracy")
            o = self.extra(f"w7 t={t}", "torch", "test_accuracy")
            cells += [self.fmt(a and 100 * a, 1), self.fmt(o and 100 * o, 1), "-"]
        rows.append("| " + " | ".join(cells) + " |")
        return head + rows

    def door_table(self):
        w1_sizes, w2_batches, _ = self.sizes()
        head = ["| Workload | Unit | C door 1T | Package 1T | C / package 1T | C door 2T | Package 2T | "
                "C / package 2T | Within 10 % |", "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        rows = []
        cases = ([(f"W1 sgemm n={n}", "GFLOPS", f"w1 n={n}") for n in w1_sizes]
                 + [(f"W2 MLP train, batch {b}", "ms/step", f"w2 b={b}") for b in w2_batches])
        for name, unit, case in cases:
            ratios = [(self.get(f"{case} t={t}", "c"), self.get(f"{case} t={t}", "axon")) for t in THREADS]
            known = [c / a for c, a in ratios if c is not None and a]
            verdict = "n/a" if len(known) < len(THREADS) else "yes" if all(0.9 <= r <= 1.1 for r in known) else "no"
            rows.append(self.row(name, unit, case, "c", "axon")[:-1] + f"| {verdict} |")
        rows += [self.row(f"W2 batch {b}, guarded (axon_train_step)", "ms/step", f"w2 b={b}", "c_guarded", "axon")[:-1]
                 + "| - |" for b in w2_batches]
        return head + rows

    def speedup_table(self):
        w1_sizes, w2_batches, _ = self.sizes()
        n, b = max(w1_sizes), max(w2_batches)
        head = ["| Workload | Axon (package) | Axon (C door) | torch |", "|---|---:|---:|---:|"]
        rows = []
        for name, case, sides, higher_is_better in [
                (f"W1 sgemm n={n} (GFLOPS 2T / 1T)", f"w1 n={n}", ["axon", "c", "torch"], True),
                (f"W2 MLP train, batch {b} (time 1T / 2T)", f"w2 b={b}", ["axon", "c", "torch"], False),
                ("W4 CNN train (time 1T / 2T)", "w4", ["axon", None, "torch"], False)]:
            cells = [name]
            for side in sides:
                one, two = (self.get(f"{case} t={t}", side) if side else None for t in THREADS)
                if one is None or two is None:
                    cells.append("-" if side is None else "n/a")
                else:
                    cells.append(f"{two / one if higher_is_better else one / two:.2f}")
            rows.append("| " + " | ".join(cells) + " |")
        return head + rows

    def rss_table(self):
        w1_sizes, w2_batches, w3_batches = self.sizes()
        head = ["| Workload | Axon (package) | Axon (C / Python door) | torch | FANN |", "|---|---:|---:|---:|---:|"]
        cases = ([(f"W1 n={n}", f"w1 n={n} t=1", "c") for n in w1_sizes]
                 + [(f"W2 batch {b}", f"w2 b={b} t=1", "c") for b in w2_batches]
                 + [(f"W3 batch {b}", f"w3 b={b} t=1", None) for b in w3_batches]
                 + [("W4", "w4 t=1", None), ("W5 (C door)", "w5 t=1", "c"), ("W5 (Python door)", "w5 t=1", "python"),
                    ("W6", "w6 t=1", None), ("W7", "w7 t=1", None)])
        rows = []
        for name, case, door in cases:
            axon = "-" if case.startswith("w5") else self.fmt(self.rss(case, "axon"), 0)
            cells = [name, axon, self.fmt(self.rss(case, door), 0) if door else "-",
                     self.fmt(self.rss(case, "torch"), 0) if not name.startswith("W5 (P") else "-",
                     self.fmt(self.rss(case, "fann"), 0) if case == "w6 t=1" and self.args.fann else "-"]
            rows.append("| " + " | ".join(cells) + " |")
        return head + rows

    def notes(self):
        notes = []
        if not self.args.fann:
            notes.append(f"FANN skipped: {self.args.fann_note or 'not built'}.")
        else:
            mse = self.extra("w6 t=1", "fann", "mse")
            notes.append("FANN: 784-512-512-10 with its default sigmoid-stepwise activations (FANN 2.2 has no ReLU), "
                         f"default RPROP, one full-batch epoch (final MSE {self.fmt(mse)}); single-threaded, so "
                         "the 2-thread column compares Axon on 2 threads with FANN on 1.")
        for t in THREADS:
            coeff = {s: self.extra(f"w5 t={t}", s, "coefficients") for s in ("c", "python", "torch")}
            if all(coeff.values()):
                worst = max(abs(x - y) for s in ("c", "python") for x, y in zip(coeff[s], coeff["torch"]))
                notes.append(f"W5 ({t} thread{'s' * (t > 1)}): 2000 iterations in every door; the largest "
                             f"coefficient difference from torch's is {worst:.2g}.")
        losses = {s: self.extra("w6 t=1", s, "mean_loss") for s in ("axon", "torch")}
        if all(losses.values()):
            notes.append(f"W6 mean training loss over the timed epoch (1 thread): Axon {losses['axon']:.3f}, "
                         f"torch {losses['torch']:.3f}.")
        shares = sorted(self.runner.contention)
        if shares:
            busy = sum(1 for x in shares if x > 0.05)
            notes.append(f"Other processes used a median {100 * statistics.median(shares):.0f}% and at most "
                         f"{100 * shares[-1]:.0f}% of the machine while a measured process ran ({busy} of "
                         f"{len(shares)} processes above 5%). The runner waited for a quiet machine before each "
                         f"process and repeated {self.runner.repeats} disturbed measurements.")
        for label, cmd, status, _ in self.runner.failures:
            notes.append(f"FAILED: {label} (exit {status}): `{' '.join(map(str, cmd))}`")
        return notes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--axon-bench", required=True, help="the axon-bench executable (AxonBench package)")
    parser.add_argument("--c-bin", required=True, help="the directory of c_bench and w5_polyfit (and raw.jsonl)")
    parser.add_argument("--lib", required=True, help="the shipped libaxon.so, for the Python door")
    parser.add_argument("--fann", default=None, help="the fann_w6 executable (omit to skip FANN)")
    parser.add_argument("--fann-note", default=None, help="why FANN is skipped, for the report")
    parser.add_argument("--quick", action="store_true", help="1 process per side, fewer sizes (a smoke test)")
    parser.add_argument("--procs", type=int, default=3, help="processes per side (default 3)")
    parser.add_argument("--idle-wait", type=float, default=120,
                        help="seconds to wait for a quiet machine before each process (0: do not wait)")
    parser.add_argument("--wait-budget", type=float, default=1800,
                        help="seconds in all for waiting and repeating disturbed measurements (0: never)")
    parser.add_argument("--idle-threshold", type=float, default=0.15,
                        help="the machine's busy share under which it counts as quiet (default 0.15)")
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--report-only", metavar="RAW", help="rewrite the report from an earlier run's raw.jsonl")
    args = parser.parse_args()
    started, t0 = datetime.datetime.now(), time.perf_counter()
    bench = Bench(args)
    if args.report_only:
        info = bench.load(args.report_only)
        seconds = bench.loaded_wall
        started = datetime.datetime.fromtimestamp(os.path.getmtime(args.report_only) - seconds)
    else:
        info = bench.info()
        bench.run_all()
        seconds = time.perf_counter() - t0
    text = bench.report(info, started, seconds)
    with open(args.output, "w") as f:
        f.write(text)
    print("\n" + text)
    print(f"written to {args.output}; every process: {args.report_only or bench.raw}")
    return 1 if bench.runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
