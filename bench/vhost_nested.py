#!/usr/bin/env python3
"""vhost-user-blk nested in the guest rig, in one boot: the rig guest has two emulated
NVMe controllers of the same kind, each with a namespace of the same size; a nested TCG
VM gets two disks:

  nvmu   vhost-user-blk served by `nvmu vhost-blk` on the controller at 0000:00:10.0
         through VFIO (guest memory mapped for the device's DMA: zero copy)
  posix  QEMU's virtio-blk on the kernel's /dev/nvmeXn1 of the controller at 0000:00:11.0
         (QEMU's POSIX path: io_uring, O_DIRECT)

and runs fio 4 KiB randread and randwrite at QD 1, 4 and 32 on both, alternately, round
after round (bench/vhost_report.py). Before fio the nested guest sits idle: the CPU time
nvmu vhost-blk uses meanwhile is its idle cost.

Usage: bench/vhost_nested.py [--build DIR] [--runtime S] [--rounds N] [--out FILE.json]
       (also bench/vhost.py --nested ...)
Prints the table with ratios and writes JSON (default bench/results/vhost-nested-DATE.json)
and an SVG chart beside it, with the backend's summary (bounced requests) and idle CPU.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "rig"))
import vhost_report  # noqa: E402
import rigkernel  # noqa: E402
import riginitramfs  # noqa: E402
import rignested  # noqa: E402

COLUMNS = [("nvmu", "nvmu"), ("posix", "posix")]
NS_SIZE = "256M"
IDLE_S = 8

def inner_script(runtime, rounds):
    """The nested guest's job: name its two disks by their serials, sit idle, run fio."""
    lines = ["#!/bin/sh",
             "for d in /sys/block/vd*; do",
             "  case \"$(cat $d/serial 2>/dev/null)\" in",
             "  nvmu-bench) ln -s /dev/${d##*/} /dev/nvmu;;",
             "  *) ln -s /dev/${d##*/} /dev/posix;;",
             "  esac",
             "done",
             "ls -l /dev/nvmu /dev/posix | sed 's/^/# /'",
             "echo @@idle-begin", f"sleep {IDLE_S}", "echo @@idle-end"]
    lines += vhost_report.fio_lines([dev for _, dev in COLUMNS], runtime, rounds,
                                    size="200M")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    vhost_report.add_options(p)
    p.add_argument("--nested", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    load_start = os.getloadavg()
    cache = os.environ.get("NVMU_RIG_CACHE", "/var/cache/nvmu-rig")
    work = tempfile.mkdtemp(prefix="nvmu-vhost-nested.")
    try:
        kernel = rigkernel.fetch(cache, log=lambda m: print("# " + m, flush=True))
        job = os.path.join(work, "job.sh")
        with open(job, "w") as f:
            f.write(inner_script(args.runtime, args.rounds))
        inner = os.path.join(work, "initrd.cpio")
        riginitramfs.build(inner, kernel, job, [], None, [shutil.which("fio")], [], work,
                           virtio=True)
        files = rignested.vm_files(kernel.vmlinuz, inner)
        cmd = [os.path.join(REPO, "tests", "rig", "nvmu-rig"), "--quiet", "--build", args.build,
               "--timeout", "2400", "--mem", "3G", "--smp", "2",
               "--program", shutil.which("qemu-system-x86_64"),
               "--ctrl", "serial=nvmu-vfio", "--ns", f"size={NS_SIZE}",
               "--ctrl", "serial=kernel-posix", "--ns", f"size={NS_SIZE}"]
        for f in files:
            cmd += ["--file", f]
        cmd.append(os.path.join(HERE, "vhost_nested.sh"))
        rig = subprocess.run(cmd, capture_output=True, text=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = rig.stdout
    for line in text.splitlines():
        if line.startswith("#") or line.startswith("not ok") or line.startswith("ok"):
            print(line)
    if rig.returncode:
        print(rig.stderr[-3000:], file=sys.stderr)
    iops = vhost_report.parse(text)
    table = vhost_report.summarise(iops, COLUMNS)
    vhost_report.print_table(table, COLUMNS)
    summary = "".join(re.findall(r"^# backend: (.*)$", text, re.M))
    counters = vhost_report.backend_counters(summary)
    idle = re.search(r"^@@idlecpu ([0-9.]+)", text, re.M)
    idle_pct = float(idle.group(1)) if idle else None
    print(f"# bounced requests: {counters.get('bounced', 'unknown')}")
    print(f"# idle CPU of nvmu vhost-blk over {IDLE_S} s of the nested guest: "
          + (f"{idle_pct:.1f} % of one CPU" if idle else "not measured"))
    print(f"# load average at start {load_start[0]:.1f}, at the end {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs")
    vhost_report.write(args.out, HERE, "vhost-nested", {
        "bench": "vhost-nested", "backend": summary, "backend_counters": counters,
        "bounced": counters.get("bounced"), "idle_cpu_percent": {"nvmu": idle_pct},
        "runtime_s": args.runtime, "rounds": args.rounds, "loadavg_start": load_start,
        "rig_status": rig.returncode}, "nested in the rig: nvmu vhost-blk (VFIO) vs QEMU "
        "virtio-blk on the kernel's /dev/nvme (4 KiB)", table, COLUMNS)
    return 0 if rig.returncode == 0 and iops else 1


if __name__ == "__main__":
    sys.exit(main())
