#!/usr/bin/env python3
"""nvmu vhost-blk with real virtual machines on the host (TCG QEMU, vhost-user-blk-pci,
memfd guest memory), the disk on a file of the software controller. Prints TAP lines.

Usage: test_vm.py BUILD_DIR

1. Bad input: exit status 2 and a message that says what is wrong.
2. A VM makes an ext4 file system, writes files with checksums, remounts and checks
   them, writes a raw pattern; then, with writes in flight, QEMU is killed (SIGKILL). The
   backend keeps running; the backing file holds the pattern; a second VM, served by the
   same backend, finds every file and the pattern, writes more and reboots (SeaBIOS, then
   Linux, stop and restart the rings on the same connection); after the reboot it finds
   all of it and the backend still serves, on the same connection, without errors.
3. With --intercept split,at=16k then encrypt: a VM writes the same, the backing file
   holds no plaintext, and a VM of a new backend with the same key (encrypt, then split
   at another boundary) reads it all back: split pieces land where the whole would.
4. With --intercept mirror: blocks the primary fails to read (Write Uncorrectable, sent
   by `nvmu write-uncor` to the primary shared under a name) come from the mirror and
   the summary counts them; a VM writes the same; the mirror's file equals the primary's.
5. The back-end is killed (SIGKILL) while a VM writes, and a new one started on the same
   file: QEMU (chardev reconnect=1) reconnects and passes it the in-flight region; the
   requests the dead back-end had taken are sent again and every write lands.
"""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RIG = os.path.join(REPO, "tests", "rig", "nvmu-rig")
GUEST = os.path.join(HERE, "guest.sh")
SERIAL = "nvmu-vhost-test"
PATTERN = (b"NVMU-VHOST-PATTERN-0123456789\n" * 40000)[:1 << 20]
failures = 0


def tap(ok, desc, detail=""):
    global failures
    print(("ok - " if ok else "not ok - ") + desc, flush=True)
    if not ok:
        failures += 1
        for line in detail.splitlines()[-20:]:
            print("# " + line, flush=True)


class Backend:
    """nvmu vhost-blk in the background; started() waits for its 'ready'."""

    def __init__(self, nvmu, args, log):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([nvmu, "vhost-blk"] + args, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        self.first = self.proc.stdout.readline().strip()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns (exit status, summary line)."""
        if not self.alive():
            return self.proc.returncode, ""
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return self.proc.returncode, out.strip()


def qemu_pid(workdir):
    """The PID of the rig's QEMU: the peer of its QMP socket."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(workdir, "qmp.sock"))
    cred = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    s.close()
    return struct.unpack("3i", cred)[0]


def cpu_seconds(pid, prefix=None):
    """User and system CPU time so far of process @p pid, or of its threads whose name
    starts with @p prefix."""
    total = 0
    tasks = [f"/proc/{pid}"] if prefix is None else \
        [f"/proc/{pid}/task/{t}" for t in os.listdir(f"/proc/{pid}/task")]
    for task in tasks:
        try:
            with open(task + "/comm") as f:
                if prefix is not None and not f.read().startswith(prefix):
                    continue
            with open(task + "/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_vm(build, work, name, sock, mode, kill_at_ack=False, backend=None, on_busy=None):
    """Boot a guest that runs guest.sh MODE; returns (rig exit status, guest TAP lines).
    Mode reboot lets the guest reboot once: its lines then include "@@rebooting". Mode
    restart calls @p on_busy once the guest's writers run (QEMU then reconnects to a
    back-end that went away)."""
    workdir = os.path.join(work, name)
    cmd = [RIG, "--quiet", "--no-iommu", "--mem", "1G", "--workdir", workdir,
           "--vhost-blk", sock, "--vhost-queues", "2", "--program", "/sbin/mkfs.ext4",
           "--file", "/etc/mke2fs.conf:/etc/mke2fs.conf", GUEST, mode, SERIAL]
    # A reboot: QEMU's vhost_dev_start/stop events show the rings stopped and restarted.
    cmd[1:1] = ["--reboot", "--timeout", "480", "--trace", "vhost_dev_st*"] \
        if mode == "reboot" else ["--timeout", "300"]
    if mode == "restart":
        cmd[1:1] = ["--vhost-reconnect"]
    lines = []
    with open(os.path.join(work, name + ".rig.log"), "w") as err:
        rig = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        for line in rig.stdout:
            line = line.rstrip("\n")
            if line == "@@idle":
                if not backend:
                    continue
                # Not an assertion (no timed checks): the figure goes into the log.
                pid = backend.proc.pid
                t0, c0, p0 = time.monotonic(), cpu_seconds(pid), cpu_seconds(pid, "nvmu-vq")
                time.sleep(3)
                secs = time.monotonic() - t0
                cpu = (cpu_seconds(pid) - c0) / secs
                pollers = (cpu_seconds(pid, "nvmu-vq") - p0) / secs
                print(f"# [{name}] backend CPU while the guest is idle: {100 * cpu:.1f} % "
                      f"(its virtqueue pollers: {100 * pollers:.1f} %; the rest is mostly "
                      f"the software controller's own thread)", flush=True)
                continue
            if line == "@@busy":
                on_busy()
                continue
            if line == "@@acked":
                if kill_at_ack:
                    time.sleep(1)  # let the guest's next writes reach the backend
                    os.kill(qemu_pid(workdir), signal.SIGKILL)
                continue
            lines.append(line)
            print(f"# [{name}] {line}", flush=True)
        rig.wait()
    return rig.returncode, lines


def split_count(summary):
    """How many requests the split interceptor split, from the backend's summary."""
    m = re.search(r"split at \d+ bytes: (\d+) requests split", summary)
    return int(m[1]) if m else 0


def guest_ok(lines):
    bad = [line for line in lines if line.startswith("not ok")]
    good = [line for line in lines if line.startswith("ok")]
    return not bad and good, f"{len(good)} checks passed, {len(bad)} failed"


def bad_input(nvmu, work):
    sock = os.path.join(work, "bad.sock")
    plain = os.path.join(work, "not-a-socket")
    open(plain, "w").close()
    short_key = os.path.join(work, "short.key")
    with open(short_key, "wb") as f:
        f.write(b"0123456789")
    cases = [
        ("a socket path that is a regular file", ["soft:size=1M", "--socket", plain],
         "not a socket"),
        ("an inactive namespace", ["soft:size=1M", "--socket", sock, "-n", "7"],
         "namespace 7 is not active"),
        ("an unknown interceptor", ["soft:size=1M", "--socket", sock, "--intercept", "zip"],
         "unknown interceptor 'zip'"),
        ("an unknown interceptor option",
         ["soft:size=1M", "--socket", sock, "--intercept", "encrypt,cipher=des"],
         "unknown option 'cipher'"),
        ("a key file of the wrong size",
         ["soft:size=1M", "--socket", sock, "--intercept", f"encrypt,key={short_key}"],
         "must hold 32"),
        ("no --socket", ["soft:size=1M"], "--socket PATH is required"),
    ]
    for desc, args, want in cases:
        r = subprocess.run([nvmu, "vhost-blk"] + args, capture_output=True, text=True,
                           timeout=60)
        tap(r.returncode == 2 and want in r.stderr,
            f"bad input refused with exit 2: {desc}",
            f"exit {r.returncode}, stderr: {r.stderr}")


def inflight_marks(pid):
    """Requests marked in flight in the in-flight region process @p pid maps (vhost-user
    INFLIGHT_SHMFD, split rings: per queue a 16-byte header, then 16 bytes per head whose
    first byte is the mark), read through /proc/PID/map_files."""
    with open(f"/proc/{pid}/maps") as f:
        spans = [line.split()[0] for line in f if "nvmu-vhost-inflight" in line]
    marked = 0
    for span in spans:
        with open(f"/proc/{pid}/map_files/{span}", "rb") as f:
            region = f.read()
        queue_bytes = (16 + 16 * 128 + 63) // 64 * 64  # QEMU's rings: 128 entries
        for q in range(0, len(region) - 15, queue_bytes):
            desc_num = struct.unpack_from("<H", region, q + 10)[0]
            marked += sum(region[q + 16 + 16 * i] == 1 for i in range(min(desc_num, 128)))
    return marked


def restart(nvmu, build, work, sock):
    """The back-end killed (SIGKILL) under writes and another started on the same file:
    QEMU reconnects and hands it the in-flight region, the requests the dead one had
    taken are sent again, and every write lands once."""
    disk = os.path.join(work, "restart.img")
    args = [f"soft:size=256M,file={disk}", "--socket", sock, "--queues", "2",
            "--serial", SERIAL]
    backends = [Backend(nvmu, args, os.path.join(work, "backend5.log"))]
    killed_with = []

    def kill_and_restart():
        # Stop the back-end at a moment its in-flight region shows requests taken and
        # not completed (a stopped process changes nothing), then kill it there.
        pid, marked = backends[0].proc.pid, 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            os.kill(pid, signal.SIGSTOP)
            marked = inflight_marks(pid)
            if marked:
                break
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.003)
        backends[0].proc.kill()
        backends[0].proc.wait()
        killed_with.append(marked)
        time.sleep(1)
        backends.append(Backend(nvmu, args, os.path.join(work, "backend6.log")))
        print(f"# [vm6] back-end killed with {marked} requests marked in flight; a new "
              f"one says {backends[-1].first!r}", flush=True)

    _, lines = run_vm(build, work, "vm6", sock, "restart", on_busy=kill_and_restart)
    ok, detail = guest_ok(lines)
    tap(ok and len(backends) == 2 and len([x for x in lines if "read back" in x]) == 4,
        "VM 6: the back-end killed under four writers and restarted; QEMU reconnects, "
        "every writer finishes and its data reads back", detail)
    if len(backends) < 2:
        return
    status, summary = backends[1].stop()
    print(f"# {summary}", flush=True)
    resent = re.search(r"(\d+) resubmitted", summary)
    # One of them may have had its used entry published already (the region says so).
    tap(status == 0 and resent and killed_with and 0 < int(resent[1]) <= killed_with[0]
        and killed_with[0] - int(resent[1]) <= 2 and " 0 errors" in summary,
        "the new back-end sent again the requests the killed one had in flight, without "
        "errors, and exits 0", f"exit {status}, {killed_with} marked: {summary}")
    data = open(disk, "rb").read(128 << 20)

    def expected(w):
        line = f"NVMU-VHOST-RESTART-{w}\n".encode()
        return (line * ((24 << 20) // len(line) + 1))[:24 << 20]
    tap(all(data[w << 25:(w << 25) + (24 << 20)] == expected(w) for w in range(4)),
        "the backing file holds the four writers' data")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build-gcc"
    nvmu = os.path.join(build, "tools", "nvmu", "nvmu")
    work = tempfile.mkdtemp(prefix="nvmu-vhost.")
    sock = os.path.join(work, "vhost.sock")
    disk = os.path.join(work, "disk.img")
    print(f"# files in {work}", flush=True)
    bad_input(nvmu, work)

    soft = f"soft:size=256M,file={disk}"
    be = Backend(nvmu, [soft, "--socket", sock, "--queues", "2", "--serial", SERIAL],
                 os.path.join(work, "backend1.log"))
    tap(be.first == "ready", "nvmu vhost-blk prints ready", be.first)
    _, lines = run_vm(build, work, "vm1", sock, "write", kill_at_ack=True)
    ok, detail = guest_ok(lines)
    tap(ok, "VM 1: ext4, files with checksums, remount, raw pattern, write-through, discard",
        detail)
    time.sleep(1)
    tap(be.alive(), "the backend survives QEMU killed with writes in flight")
    with open(disk, "rb") as f:
        f.seek(200 << 20)
        tap(f.read(len(PATTERN)) == PATTERN, "the backing file holds the raw pattern")
    _, lines = run_vm(build, work, "vm2", sock, "reboot", backend=be)
    rebooted = "@@rebooting" in lines
    before = lines[:lines.index("@@rebooting")] if rebooted else lines
    ok, detail = guest_ok(before)
    tap(ok, "VM 2 (next connection) finds every acknowledged write", detail)
    after = lines[lines.index("@@rebooting") + 1:] if rebooted else []
    ok, detail = guest_ok(after)
    tap(rebooted and ok and len([x for x in after if x.startswith("ok - after the reboot")]) == 4,
        "VM 2 rebooted: every file and pattern is there, the backend still serves", detail)
    tap(be.alive(), "the backend survives the guest's reboot")
    with open(os.path.join(work, "vm2", "trace.log"), errors="replace") as f:
        events = re.findall(r"vhost_dev_st(art|op)", f.read())
    # SeaBIOS, then Linux, on each boot; the reset in between stops the device.
    restarts = "".join("1" if e == "art" else "0" for e in events).count("01")
    print(f"# [vm2] QEMU's vhost device: {events.count('art')} starts, "
          f"{events.count('op')} stops", flush=True)
    tap(restarts >= 2, "the reboot stopped and restarted the vhost device on the same "
        "connection", f"QEMU's events: {events}")
    status, summary = be.stop()
    print(f"# {summary}", flush=True)
    # The reboot stops and restarts the rings on the same connection: still 2 of them.
    tap(status == 0 and "2 connections" in summary and "0 refused" in summary and
        " 0 errors" in summary,
        "SIGTERM: the backend finishes and exits 0 (2 connections, 0 errors, 0 refused)",
        f"exit {status}: {summary}")
    with open(disk, "rb") as f:
        f.seek(210 << 20)
        second = f.read(1 << 20)
    tap(second == (b"NVMU-VHOST-SECOND\n" * 61681)[:1 << 20],
        "the backing file holds the pattern written before the reboot")

    key = os.path.join(work, "xts.key")
    with open(key, "wb") as f:
        f.write(os.urandom(64))
    enc = os.path.join(work, "encrypted.img")
    args = [f"soft:size=256M,file={enc}", "--socket", sock, "--queues", "2", "--serial", SERIAL]
    crypt = ["--intercept", f"encrypt,key={key}"]
    be = Backend(nvmu, args + ["--intercept", "split,at=16k"] + crypt,
                 os.path.join(work, "backend2.log"))
    _, lines = run_vm(build, work, "vm3", sock, "plain")
    ok, detail = guest_ok(lines)
    tap(ok, "VM 3 through split,at=16k and encrypt: ext4, files, raw pattern", detail)
    status, summary = be.stop()
    print("# " + summary.replace("\n", "\n# "), flush=True)
    tap(status == 0 and split_count(summary) > 0,
        "the encrypting backend split requests and exits 0", f"exit {status}: {summary}")
    data = open(enc, "rb").read()
    tap(b"NVMU-VHOST-PATTERN" not in data, "the backing file holds no plaintext pattern")
    tap(data[1024 + 56:1024 + 58] != b"\x53\xef", "no plaintext ext4 superblock on the device")
    # split after encrypt, at a boundary that is not a power of two
    be = Backend(nvmu, args + crypt + ["--intercept", "split,at=12800"],
                 os.path.join(work, "backend3.log"))
    _, lines = run_vm(build, work, "vm4", sock, "verify")
    ok, detail = guest_ok(lines)
    tap(ok, "VM 4 with the same key on a new backend (encrypt, then split,at=12800) reads "
        "everything back", detail)
    status, summary = be.stop()
    print("# " + summary.replace("\n", "\n# "), flush=True)
    tap(status == 0 and split_count(summary) > 0,
        "the second encrypting backend split requests and exits 0", f"exit {status}: {summary}")

    primary, mirror = os.path.join(work, "primary.img"), os.path.join(work, "mirror.img")
    # 256 KiB at 240 MiB only the mirror holds; the primary will fail to read them.
    for path in (primary, mirror):
        with open(path, "wb") as f:
            f.truncate(256 << 20)
    with open(mirror, "r+b") as f:
        f.seek(240 << 20)
        f.write((b"NVMU-MIRROR-ONLY\n" * 15421)[:256 << 10])
    shared = f"soft:size=256M,file={primary},name=nvmu-vhost-test-{os.getpid()}"
    be = Backend(nvmu, [shared, "--socket", sock, "--queues", "2",
                        "--serial", SERIAL, "--intercept",
                        f"mirror,dev=soft:size=256M,file={mirror}"],
                 os.path.join(work, "backend4.log"))
    shared_name = shared.split(",name=")[1]
    r = subprocess.run([nvmu, "write-uncor", f"soft:name={shared_name}", "-n", "1",
                        "-s", str((240 << 20) // 512), "-c", "511"],
                       capture_output=True, text=True, timeout=60)
    tap(r.returncode == 0, "nvmu write-uncor marks 256 KiB of the primary unreadable",
        r.stdout + r.stderr)
    _, lines = run_vm(build, work, "vm5", sock, "mirror")
    ok, detail = guest_ok(lines)
    tap(ok, "VM 5 through mirror: reads the primary fails come from the mirror; ext4, files, "
        "raw pattern", detail)
    status, summary = be.stop()
    print("# " + summary.replace("\n", "\n# "), flush=True)
    recovered = re.search(r"(\d+) reads recovered", summary)
    # The guest read the 256 KiB with O_DIRECT in 4 KiB requests: 64 of them failed.
    tap(status == 0 and "in sync" in summary and recovered and int(recovered[1]) == 64,
        "the mirroring backend exits 0, mirror in sync, 64 reads recovered",
        f"exit {status}: {summary}")
    tap(open(primary, "rb").read() == open(mirror, "rb").read(),
        "the mirror's backing file is identical to the primary's")
    restart(nvmu, build, work, sock)
    if failures == 0:
        subprocess.run(["rm", "-rf", work])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
