#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How often QEMU's threads sleep while a guest program drives the emulated NVMe.

Runs a guest-rig command (tests/rig/nvmu-rig ...) whose guest script prints
"MEASURE LABEL" before each program it measures and "RESULT LABEL VALUE" after it
(bench/rig-qd-compare.sh does). A little after each MEASURE line, Linux perf counts on the
host, for --window seconds, the context switches and CPU time of each thread of that
QEMU. At the end it prints, per label, the value and, per I/O, how often the vCPU thread
and the main-loop thread went to sleep.

Why: under TCG the vCPU thread runs guest code without QEMU's global lock but takes it
for every MMIO access (and whenever it leaves translated code, as a PAUSE makes it do);
the emulated controller runs in the main loop under that lock. A thread that finds the
lock held, or that has nothing to do, sleeps, and its wake-up can cost more than the I/O
(docs/bench.md, "Queue depths 1 and 4 on QEMU's emulated controller").

  bench/qemu-sleeps.py [--window S] [--delay S] -- tests/rig/nvmu-rig --smp 1 \\
      --ctrl serial=b1 --ns size=1G,backend=null bench/rig-qd-compare.sh 3 6 1 4 32

The main-loop thread is QEMU's first thread; the vCPU thread is the busiest other one
(one vCPU: use the rig's --smp 1). Needs perf (Debian package linux-perf) and root.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--window", type=float, default=3.0,
                   help="seconds counted per program (default 3; keep it below the run time)")
    p.add_argument("--delay", type=float, default=1.5,
                   help="seconds between a MEASURE line and the count (set-up, warm-up)")
    p.add_argument("rig", nargs=argparse.REMAINDER,
                   help="-- and the rig command line")
    a = p.parse_args(argv)
    if a.rig and a.rig[0] == "--":
        a.rig = a.rig[1:]
    if not a.rig:
        p.error("give the rig command after --")
    return a


def qemu_child(pid):
    """The QEMU process that the rig (process @pid) started, or None."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == pid and comm.startswith("qemu-system"):
            return int(d)
    return None


def count_threads(qemu, window):
    """{tid: (context switches, CPU ms)} of every thread of @qemu over @window seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".csv") as out:
        subprocess.run(["perf", "stat", "-x", ",", "--per-thread", "-e",
                        "context-switches,task-clock", "-p", str(qemu), "-o", out.name,
                        "--", "sleep", str(window)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        threads = {}
        for line in out:
            f = line.strip().split(",")
            m = re.match(r".*-(\d+)$", f[0]) if len(f) > 3 else None
            if not m or not re.match(r"^[\d.]+$", f[1]):
                continue
            cs, ms = threads.get(int(m.group(1)), (0, 0.0))
            if "context-switches" in line:
                cs = int(float(f[1]))
            elif "task-clock" in line:
                ms = float(f[1])
            threads[int(m.group(1))] = (cs, ms)
    return threads


def split_threads(qemu, threads):
    """(main loop, vCPU) figures out of count_threads()."""
    main = threads.get(qemu, (0, 0.0))
    others = [v for t, v in threads.items() if t != qemu]
    vcpu = max(others, key=lambda v: v[1]) if others else (0, 0.0)
    return main, vcpu


def main(argv):
    a = parse_args(argv)
    if not shutil.which("perf"):
        print("qemu-sleeps: needs Linux perf on the host (apt-get install linux-perf)",
              file=sys.stderr)
        return 2
    rig = subprocess.Popen(a.rig, stdout=subprocess.PIPE, text=True, bufsize=1)
    counts, results, order, workers = {}, {}, [], []

    def measure(label):
        time.sleep(a.delay)
        qemu = qemu_child(rig.pid)
        if qemu:
            counts[label] = split_threads(qemu, count_threads(qemu, a.window))

    for line in rig.stdout:
        sys.stdout.write(line)
        m = re.match(r"MEASURE (\S+)", line)
        if m:
            order.append(m.group(1))
            w = threading.Thread(target=measure, args=(m.group(1),), daemon=True)
            w.start()
            workers.append(w)
        m = re.match(r"RESULT (\S+) ([\d.]+)", line)
        if m:
            results[m.group(1)] = float(m.group(2))
    status = rig.wait()
    for w in workers:
        w.join()
    report(order, results, counts, a.window)
    return status


def report(order, results, counts, window):
    """One line per program (labels ROUND-REST group rounds): median value, then sleeps
    per I/O and CPU use of each thread."""
    groups = {}
    for label in order:
        if label not in results or label not in counts:
            continue
        key = label.split("-", 1)[1] if re.match(r"r\d+-", label) else label
        groups.setdefault(key, []).append((results[label], counts[label]))
    print(f"\n{'program':28s} {'IOPS':>9s} {'rounds':>24s}  context switches per I/O: vCPU  main loop"
          "   CPU: vCPU  main loop")
    for key, runs in groups.items():
        iops = statistics.median(r[0] for r in runs)
        (mcs, mms), (vcs, vms) = [tuple(statistics.median(r[1][k][i] for r in runs)
                                        for i in range(2)) for k in range(2)]
        rounds = ", ".join(f"{r[0] / 1000:.1f}k" for r in runs)
        per_io = iops * window
        print(f"{key:28s} {iops / 1000:8.1f}k {rounds:>24s}  {vcs / per_io:20.2f} "
              f"{mcs / per_io:10.2f} {vms / window / 1000:11.2f} {mms / window / 1000:10.2f}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
