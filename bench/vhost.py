#!/usr/bin/env python3
"""vhost-user-blk side by side, in one guest boot: the same TCG guest gets three disks,
each on a raw file of the same size in the same folder, and fio runs 4 KiB randread and
randwrite at QD 1, 4 and 32 on each in turn:

  /dev/vda  nvmu vhost-blk soft:file=...       (nvmu's backend; soft: bounces every request)
  /dev/vdb  qemu-storage-daemon vhost-user-blk (QEMU's own backend; io_uring, O_DIRECT)
  /dev/vdc  QEMU's virtio-blk                  (the POSIX path; io_uring, O_DIRECT)

Usage: bench/vhost.py [--build DIR] [--runtime S] [--out FILE.json]
Prints a table of IOPS with the ratios of nvmu to each peer, and writes JSON
(default bench/results/vhost-DATE.json) with the backend's counters (bounced requests).
Run it on a quiet machine: the three disks share its CPUs with the guest.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DISKS = [("vda", "nvmu"), ("vdb", "qsd"), ("vdc", "virtio-blk")]
ROWS = [(rw, qd) for rw in ("randread", "randwrite") for qd in (1, 4, 32)]
SIZE = 512 << 20


def guest_script(runtime):
    lines = ["#!/bin/sh"]
    for dev, _ in DISKS:
        for rw, qd in ROWS:
            lines.append(
                f"echo \"@@{dev} {rw} {qd} $(fio --name=b --filename=/dev/{dev} --direct=1 "
                f"--ioengine=libaio --bs=4k --rw={rw} --iodepth={qd} --runtime={runtime} "
                f"--ramp_time=1 --time_based --size=448M --output-format=terse 2>/dev/null "
                f"| awk -F';' '{{print $8+$49}}')\"")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default="build-gcc")
    p.add_argument("--runtime", type=int, default=5)
    p.add_argument("--out")
    args = p.parse_args()
    nvmu = os.path.join(args.build, "tools", "nvmu", "nvmu")
    work = tempfile.mkdtemp(prefix="nvmu-vhost-bench.")
    procs = []
    try:
        files = {}
        for name in ("nvmu", "qsd", "virtio"):
            files[name] = os.path.join(work, name + ".img")
            with open(files[name], "wb") as f:
                f.truncate(SIZE)
        nvmu_sock, qsd_sock = os.path.join(work, "nvmu.sock"), os.path.join(work, "qsd.sock")
        be = subprocess.Popen([nvmu, "vhost-blk", f"soft:size={SIZE},file={files['nvmu']}",
                               "--socket", nvmu_sock, "--queues", "2"],
                              stdout=subprocess.PIPE, text=True)
        procs.append(be)
        if be.stdout.readline().strip() != "ready":
            print("nvmu vhost-blk did not start", file=sys.stderr)
            return 1
        qsd = subprocess.Popen(["qemu-storage-daemon", "--blockdev",
                                f"driver=file,node-name=f0,filename={files['qsd']},"
                                "aio=io_uring,cache.direct=on", "--export",
                                "type=vhost-user-blk,id=e0,node-name=f0,addr.type=unix,"
                                f"addr.path={qsd_sock},writable=on,num-queues=2"])
        procs.append(qsd)
        for _ in range(100):
            if os.path.exists(qsd_sock):
                break
            time.sleep(0.1)
        script = os.path.join(work, "fio.sh")
        with open(script, "w") as f:
            f.write(guest_script(args.runtime))
        rig = subprocess.run([os.path.join(REPO, "tests", "rig", "nvmu-rig"), "--quiet",
                              "--no-iommu", "--mem", "1G", "--timeout", "1800",
                              "--vhost-blk", nvmu_sock, "--vhost-blk", qsd_sock,
                              "--virtio-blk", files["virtio"], "--vhost-queues", "2",
                              "--program", shutil.which("fio"), script],
                             capture_output=True, text=True)
        iops = {}
        for line in rig.stdout.splitlines():
            if line.startswith("@@"):
                dev, rw, qd, value = line[2:].split()
                iops[(dev, rw, int(qd))] = float(value or 0)
        be.terminate()
        summary = be.communicate(timeout=60)[0].strip()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'workload':<12}{'QD':>4}{'nvmu':>10}{'qsd':>10}{'virtio':>10}"
          f"{'nvmu/qsd':>10}{'nvmu/virtio':>13}")
    table = []
    for rw, qd in ROWS:
        a, b, c = (iops.get((dev, rw, qd), 0.0) for dev, _ in DISKS)
        r1 = a / b if b else 0
        r2 = a / c if c else 0
        print(f"{rw:<12}{qd:>4}{a:>10.0f}{b:>10.0f}{c:>10.0f}{r1:>10.2f}{r2:>13.2f}")
        table.append({"workload": rw, "qd": qd, "nvmu": a, "qsd": b, "virtio_blk": c})
    print(f"# nvmu vhost-blk: {summary}")
    load = os.getloadavg()[0]
    print(f"# load average at the end: {load:.1f} on {os.cpu_count()} CPUs")
    out = args.out or os.path.join(HERE, "results",
                                   time.strftime("vhost-%Y%m%d-%H%M%S.json"))
    with open(out, "w") as f:
        json.dump({"rows": table, "backend": summary, "runtime_s": args.runtime,
                   "loadavg": load, "rig_status": rig.returncode}, f, indent=1)
    print(f"# JSON in {out}")
    return 0 if rig.returncode == 0 and iops else 1


if __name__ == "__main__":
    sys.exit(main())
