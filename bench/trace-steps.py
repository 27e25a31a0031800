#!/usr/bin/env python3
"""Where the time of one I/O goes, from a QEMU trace of the emulated NVMe controller.

Boot the rig with the I/O path's trace events (nvmu-rig adds timestamps whenever --trace
is given) and keep its folder, run the programs to compare one after the other with a
pause of at least half a second between them, then read the trace:

  tests/rig/nvmu-rig --build build-gcc --smp 1 --workdir /tmp/t \\
      --ctrl serial=b --ns size=1G,backend=null \\
      --trace 'pci_nvme_mmio_doorbell*' --trace pci_nvme_io_cmd \\
      --trace pci_nvme_rw_cb --trace pci_nvme_enqueue_req_completion SCRIPT
  bench/trace-steps.py /tmp/t/trace.log

Each run (a stretch of I/O queue events without a pause) prints its I/O rate and, for
every pair of events that follow each other in it, the median, mean and 90th percentile
of the gap. At queue depth 1 the pairs are the steps of one I/O: the SQ doorbell written
by the guest, the device model starting the command, the back end's answer, the
completion queued, the guest's CQ doorbell. Which QEMU thread logged each event is shown
by its thread ID (the vCPU writes the doorbells, the main loop runs the device model).
"""
import re
import statistics
import sys

LINE = re.compile(r"(\d+)@([\d.]+):(\S+) ?(.*)")
PAUSE_S = 0.3  # a gap this long separates two runs


def events(path):
    """(time, thread, event) of the I/O queues' events; the admin queue's are left out."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            tid, t, name, rest = m.groups()
            if re.search(r"\b[sc]qid 0\b", rest):
                continue
            out.append((float(t), int(tid), name.replace("pci_nvme_", "")))
    return out


def runs(evs):
    """Split the events where nothing happened for PAUSE_S."""
    out = [[]]
    for e in evs:
        if out[-1] and e[0] - out[-1][-1][0] > PAUSE_S:
            out.append([])
        out[-1].append(e)
    return [r for r in out if sum(1 for e in r if e[2] == "io_cmd") >= 100]


def report(run):
    gaps = {}
    for a, b in zip(run, run[1:]):
        gaps.setdefault((a[2], b[2]), []).append((b[0] - a[0]) * 1e6)
    ios = sum(1 for e in run if e[2] == "io_cmd")
    secs = run[-1][0] - run[0][0]
    threads = sorted({e[1] for e in run})
    print(f"run: {ios} I/Os in {secs:.2f} s = {ios / secs:.0f} per second; threads {threads}")
    for (a, b), v in sorted(gaps.items(), key=lambda kv: -len(kv[1])):
        if len(v) < ios / 20:
            continue  # a rare pair (the run's start or end), not a step of every I/O
        v.sort()
        print(f"  {a:>28} -> {b:<28} n={len(v):7} median {statistics.median(v):6.1f} us"
              f"  mean {statistics.mean(v):6.1f}  p90 {v[int(len(v) * 0.9)]:6.1f}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = runs(events(sys.argv[1]))
    if not found:
        sys.exit(f"{sys.argv[1]}: no run of I/O events with timestamps (was the rig given "
                 "--trace, and did the programs pause between runs?)")
    for r in found:
        report(r)


if __name__ == "__main__":
    main()
