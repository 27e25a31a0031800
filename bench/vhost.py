#!/usr/bin/env python3
"""vhost-user-blk side by side, in one guest boot: the same TCG guest gets three disks,
each on a raw file of the same size in the same folder, and fio runs 4 KiB randread and
randwrite at QD 1, 4 and 32, each configuration right after the others, round after
round (bench/vhost_report.py):

  /dev/vda  nvmu vhost-blk soft:file=...       (nvmu's backend: the software controller,
                                                guest memory mapped for its DMA, the file
                                                read and written with O_DIRECT)
  /dev/vdb  qemu-storage-daemon vhost-user-blk (QEMU's own backend; io_uring, O_DIRECT)
  /dev/vdc  QEMU's virtio-blk                  (the POSIX path; io_uring, O_DIRECT)

Before fio the guest sits idle for a few seconds: the CPU time the two back-end processes
use meanwhile is their idle cost.

Usage: bench/vhost.py [--build DIR] [--runtime S] [--rounds N] [--out FILE.json] [--twin]
       bench/vhost.py --nested [...]   the nested comparison in the guest rig
                                       (bench/vhost_nested.py)
Prints the table of IOPS with the ratios of nvmu to each peer, and writes JSON (default
bench/results/vhost-DATE.json) and an SVG chart beside it, with the backend's counters
(bounced requests), the idle CPU, each back-end's CPU time and context switches per
request, and the guest's interrupts per request on each disk. --twin adds a fourth disk
served by a second nvmu vhost-blk like the first: nvmu/nvmu-twin is 1 but for the noise
of the host, which is the smallest difference this run can tell apart.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import vhost_report  # noqa: E402

COLUMNS = [("nvmu", "vda"), ("qsd", "vdb"), ("virtio-blk", "vdc")]
# --twin: a second nvmu vhost-blk, the same in every way, on a disk of its own; the rig
# puts the vhost-user disks before QEMU's virtio-blk one
TWIN_COLUMNS = [("nvmu", "vda"), ("qsd", "vdb"), ("virtio-blk", "vdd"), ("nvmu-twin", "vdc")]
SIZE = 512 << 20
IDLE_S = 5


def guest_script(columns, runtime, rounds):
    lines = ["#!/bin/sh",
             # the idle window: the disks are probed, nobody uses them
             "echo @@idle-begin", f"sleep {IDLE_S}", "echo @@idle-end"]
    disks = [dev for _, dev in columns]
    lines.append(vhost_report.disk_counters_line(disks, "irq-before"))
    lines += vhost_report.fio_lines(disks, runtime, rounds)
    lines.append(vhost_report.disk_counters_line(disks, "irq-after"))
    return "\n".join(lines) + "\n"


def cpu_seconds(pid):
    """User + system CPU time of process @p pid (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def context_switches(pid):
    """Voluntary and involuntary context switches of all threads of process @p pid so far
    (threads that ended are not counted)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                total += sum(int(line.split()[1]) for line in f
                             if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")))
        except OSError:
            pass
    return total


def wait_socket(path, proc):
    for _ in range(100):
        if os.path.exists(path) or proc.poll() is not None:
            return
        time.sleep(0.1)


def start_nvmu(nvmu, image, sock):
    """nvmu vhost-blk serving @p image on @p sock, once it says it is ready (else None)."""
    be = subprocess.Popen([nvmu, "vhost-blk", f"soft:size={SIZE},file={image},iommu=1",
                           "--socket", sock, "--queues", "2"], stdout=subprocess.PIPE,
                          text=True)
    if be.stdout.readline().strip() == "ready":
        return be
    print("nvmu vhost-blk did not start", file=sys.stderr)
    be.terminate()
    be.wait()
    return None


def run(args, columns, work):
    files = {}
    for name in ("nvmu", "qsd", "virtio", "nvmu-twin"):
        files[name] = os.path.join(work, name + ".img")
        with open(files[name], "wb") as f:
            f.truncate(SIZE)
    nvmu = os.path.join(args.build, "tools", "nvmu", "nvmu")
    nvmu_sock, qsd_sock = os.path.join(work, "nvmu.sock"), os.path.join(work, "qsd.sock")
    twin_sock = os.path.join(work, "nvmu-twin.sock")
    procs, backends = [], {}
    try:
        for name, sock in [("nvmu", nvmu_sock)] + [("nvmu-twin", twin_sock)] * args.twin:
            backends[name] = start_nvmu(nvmu, files[name], sock)
            if not backends[name]:
                return None
            procs.append(backends[name])
        qsd = subprocess.Popen(["qemu-storage-daemon", "--blockdev",
                                f"driver=file,node-name=f0,filename={files['qsd']},"
                                "aio=io_uring,cache.direct=on", "--export",
                                "type=vhost-user-blk,id=e0,node-name=f0,addr.type=unix,"
                                f"addr.path={qsd_sock},writable=on,num-queues=2"])
        procs.append(qsd)
        backends["qsd"] = qsd
        wait_socket(qsd_sock, qsd)
        script = os.path.join(work, "fio.sh")
        with open(script, "w") as f:
            f.write(guest_script(columns, args.runtime, args.rounds))
        # The rig streams the guest's lines as they come (unbuffered), so that the idle
        # window is measured while the guest sits in it.
        rig = subprocess.Popen([os.path.join(REPO, "tests", "rig", "nvmu-rig"), "--quiet",
                                "--no-iommu", "--mem", "1G", "--timeout", "1800",
                                "--vhost-blk", nvmu_sock, "--vhost-blk", qsd_sock]
                               + ["--vhost-blk", twin_sock] * args.twin
                               + ["--virtio-blk", files["virtio"], "--vhost-queues", "2",
                                "--program", shutil.which("fio"), script],
                               stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONUNBUFFERED="1"))
        out, idle, mark = [], {}, None
        sample = lambda: {k: cpu_seconds(v.pid) for k, v in backends.items()}  # noqa
        switches = lambda: {k: context_switches(v.pid) for k, v in backends.items()}  # noqa
        sw_mark = None
        for line in rig.stdout:
            out.append(line)
            if line.startswith("@@idle-"):
                now, cpu = time.monotonic(), sample()
                if line.startswith("@@idle-end") and mark:
                    idle = {k: 100 * (cpu[k] - mark[1][k]) / (now - mark[0]) for k in cpu}
                mark = (now, cpu)
                sw_mark = switches()
        # CPU time and context switches of each back-end from the end of the idle window
        # to the end of fio
        busy = {k: v - mark[1][k] for k, v in sample().items()} if mark else {}
        slept = {k: v - sw_mark[k] for k, v in switches().items()} if sw_mark else {}
        rig.wait()
        backends["nvmu"].terminate()
        summary = backends["nvmu"].communicate(timeout=60)[0].strip()
        return "".join(out), rig.returncode, summary, idle, busy, slept
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    vhost_report.add_options(p)
    p.add_argument("--nested", action="store_true",
                   help="the nested comparison in the guest rig (bench/vhost_nested.py)")
    p.add_argument("--twin", action="store_true",
                   help="also a second, identical nvmu vhost-blk: its column shows how far "
                        "two runs of the same back-end differ in this boot (the noise)")
    args, rest = p.parse_known_args()
    if args.nested:
        return subprocess.run([sys.executable, os.path.join(HERE, "vhost_nested.py")]
                              + sys.argv[1:]).returncode
    if rest:
        p.error(f"unknown arguments: {' '.join(rest)}")
    columns = TWIN_COLUMNS if args.twin else COLUMNS
    load_start = os.getloadavg()
    work = tempfile.mkdtemp(prefix="nvmu-vhost-bench.")
    try:
        result = run(args, columns, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result is None:
        return 1
    text, status, summary, idle, busy, slept = result
    iops = vhost_report.parse(text)
    table = vhost_report.summarise(iops, columns)
    vhost_report.print_table(table, columns)
    # CPU per request: each back-end process's CPU time while fio ran, over the requests
    # its disk served (IOPS x measured seconds, every row and round; the warm-up seconds
    # are not counted, so this is a little high, alike for both).
    cpu_us, switches = {}, {}
    for name, dev in columns:
        ios = sum(v * args.runtime for (d, _, _), runs in iops.items() if d == dev
                  for v in runs)
        if ios and name in busy:
            cpu_us[name] = 1e6 * busy[name] / ios
        if ios and name in slept:
            switches[name] = slept[name] / ios
    print("# back-end CPU per request while fio ran (us): "
          + (", ".join(f"{k} {v:.1f}" for k, v in cpu_us.items()) or "not measured"))
    # A back-end thread that sleeps waits for a wake-up, which on a busy host can cost
    # more than the request.
    print("# back-end context switches per request while fio ran: "
          + (", ".join(f"{k} {v:.2f}" for k, v in switches.items()) or "not measured"))
    irqs = {name: v for name, dev in columns
            for d, v in vhost_report.interrupts_per_request(text).items() if d == dev}
    print("# guest interrupts per request: "
          + (", ".join(f"{k} {v:.2f}" for k, v in irqs.items()) or "not measured"))
    counters = vhost_report.backend_counters(summary)
    print(f"# nvmu vhost-blk: {summary}")
    print(f"# bounced requests: {counters.get('bounced', 'unknown')}")
    print("# idle CPU over %d s (%% of one CPU): %s" % (
        IDLE_S, ", ".join(f"{k} {v:.1f}" for k, v in idle.items()) or "not measured"))
    print(f"# load average at start {load_start[0]:.1f}, at the end {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs")
    vhost_report.write(args.out, HERE, "vhost", {
        "bench": "vhost-host", "backend": summary, "backend_counters": counters,
        "bounced": counters.get("bounced"), "idle_cpu_percent": idle,
        "cpu_us_per_request": cpu_us, "context_switches_per_request": switches,
        "guest_interrupts_per_request": irqs,
        "runtime_s": args.runtime, "rounds": args.rounds, "loadavg_start": load_start,
        "rig_status": status}, "vhost-user-blk on the host: nvmu vs qemu-storage-daemon vs "
        "QEMU virtio-blk (4 KiB)", table, columns)
    return 0 if status == 0 and iops else 1


if __name__ == "__main__":
    sys.exit(main())
