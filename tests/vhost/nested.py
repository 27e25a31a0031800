#!/usr/bin/env python3
"""The real VFIO path with a real guest driver: inside the guest rig, nvmu vhost-blk
serves the emulated NVMe (through VFIO) to a nested TCG VM, which writes and checks its
data; zero bounce buffers allowed. One nested boot (a few minutes under TCG in TCG).

Usage: nested.py BUILD_DIR     Prints TAP lines; exit status 0 when all passed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "rig"))
import rigkernel  # noqa: E402
import riginitramfs  # noqa: E402
import rignested  # noqa: E402


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build-gcc"
    cache = os.environ.get("NVMU_RIG_CACHE", "/var/cache/nvmu-rig")
    work = tempfile.mkdtemp(prefix="nvmu-nested.")
    try:
        kernel = rigkernel.fetch(cache, log=lambda m: print("# " + m, flush=True))
        inner = os.path.join(work, "initrd.cpio")
        # The nested guest: busybox, the virtio modules and its job; no nvmu programs.
        riginitramfs.build(inner, kernel, os.path.join(HERE, "nested_inner.sh"), [], None,
                           [], [], work, virtio=True)
        files = rignested.vm_files(kernel.vmlinuz, inner)
        cmd = [os.path.join(REPO, "tests", "rig", "nvmu-rig"), "--build", build,
               "--timeout", "900", "--mem", "2G", "--smp", "2",
               "--program", shutil.which("qemu-system-x86_64"),
               "--ctrl", "serial=nvmu0", "--ns", "size=64M"]
        for f in files:
            cmd += ["--file", f]
        cmd.append(os.path.join(HERE, "nested_outer.sh"))
        return subprocess.run(cmd).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
