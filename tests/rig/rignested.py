"""--nested: what a QEMU inside the guest needs, so a test can boot a nested VM (e.g. one
that gets a VF through QEMU's vfio-pci device): qemu-system-x86_64 with its libraries,
its TCG module and firmware, and a nested kernel and initramfs. The guest runs nested VMs
with /nvmu/bin/nvmu-nested (tests/rig/nvmu-nested)."""
import os
import shutil
import stat
import subprocess

from rigkernel import RigError

QEMU = "qemu-system-x86_64"
# Debian builds TCG as a module that QEMU loads at start.
QEMU_MODULES = ("/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so",)
# The BIOS and the option ROMs QEMU loads for q35 with -kernel.
QEMU_FIRMWARE = ("/usr/share/seabios/bios-256k.bin", "/usr/share/qemu/kvmvapic.bin",
                 "/usr/share/qemu/linuxboot_dma.bin", "/usr/share/qemu/linuxboot.bin")


def vm_files(vmlinuz, initrd):
    """nvmu-rig --file arguments for a guest that runs QEMU itself with a kernel and
    initramfs of its own: the nested VM's kernel and initramfs in /nvmu/nested/, QEMU's
    TCG module and firmware where Debian's QEMU looks for them (QEMU and its libraries come
    with --program)."""
    files = [f"{vmlinuz}:/nvmu/nested/vmlinuz", f"{initrd}:/nvmu/nested/initrd.cpio"]
    return files + [f"{f}:{f}" for f in QEMU_MODULES + QEMU_FIRMWARE]

# The nested guest's init: runs the job that nvmu-nested appends to the initramfs as
# /job.sh, between markers of its own (the outer job's output filter must not stop at the
# outer markers), then powers off.
NESTED_INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
mount -t tmpfs tmpfs /tmp
echo "@@nested-start"
sh /job.sh
echo "@@nested-exit $?"
poweroff -f
"""


def _nested_initramfs(out_path, programs, add_program, work):
    """busybox, @p programs (with their libraries) and NESTED_INIT as a newc cpio."""
    root = os.path.join(work, "nested-initramfs")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/lib", "proc", "sys", "dev", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2("/bin/busybox", os.path.join(root, "bin", "busybox"))
    for spec in programs:
        prog, _, dst = spec.partition(":")
        path = shutil.which(prog) or prog
        add_program(path, root, dst or "/usr/bin/" + os.path.basename(path))
    init = os.path.join(root, "init")
    with open(init, "w") as f:
        f.write(NESTED_INIT)
    os.chmod(init, 0o755)
    find = subprocess.Popen(["find", "."], cwd=root, stdout=subprocess.PIPE)
    with open(out_path, "wb") as out:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=root, stdin=find.stdout,
                       stdout=out, check=True)
    find.wait()
    shutil.rmtree(root, ignore_errors=True)


def add(root, kernel, programs, add_program, work):
    """Put QEMU, the nested kernel and initramfs and nvmu-nested into the guest's @p root."""
    qemu = shutil.which(QEMU)
    if not qemu:
        raise RigError(f"--nested needs {QEMU} on the host")
    add_program(qemu, root, "/usr/bin/" + QEMU)
    for path in QEMU_MODULES:
        add_program(path, root, path)
    for path in QEMU_FIRMWARE:
        if not os.path.exists(path):
            raise RigError(f"--nested needs {path} (packages qemu-system-x86, seabios)")
        dst = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(path, dst)
    nested = os.path.join(root, "nvmu", "nested")
    os.makedirs(nested, exist_ok=True)
    shutil.copy2(kernel.vmlinuz, os.path.join(nested, "vmlinuz"))
    _nested_initramfs(os.path.join(nested, "initrd"), programs, add_program, work)
    runner = os.path.join(root, "nvmu", "bin", "nvmu-nested")
    shutil.copy2(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nvmu-nested"),
                 runner)
    os.chmod(runner, os.stat(runner).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
