"""Build the guest's initramfs: busybox, the vfio modules, the project's programs and the test script."""
import os
import shlex
import shutil
import stat
import subprocess

import rignested
from rigkernel import RigError

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUSYBOX = "/bin/busybox"
SYSTEM_LIB_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64")


def _is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _shared_libs(path):
    """Absolute paths of the shared libraries (and loader) a dynamic ELF needs."""
    r = subprocess.run(["ldd", path], capture_output=True, text=True)
    libs = []
    for line in r.stdout.splitlines():
        parts = line.split()
        if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
            libs.append(parts[2])
        elif parts and parts[0].startswith("/"):
            libs.append(parts[0])
    return libs


def _copy(src, root, dst):
    full = os.path.join(root, dst.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if os.path.isdir(src):
        shutil.copytree(src, full, dirs_exist_ok=True, symlinks=False)
    else:
        shutil.copy2(src, full)
    return full


def _add_program(src, root, dst):
    if not os.path.exists(src):
        raise RigError(f"program {src} does not exist")
    _copy(src, root, dst)
    if _is_elf(src):
        for lib in _shared_libs(src):
            real = os.path.realpath(lib)
            if lib.startswith(SYSTEM_LIB_DIRS):
                target = lib
            else:  # a library of the build tree
                target = "/usr/lib/" + os.path.basename(lib)
            if not os.path.exists(os.path.join(root, target.lstrip("/"))):
                _copy(real, root, target)


def _build_programs(build):
    """Programs of a meson build tree that go into the guest: the tool and the guest tests."""
    progs = []
    for sub in ("tools", "tests/guest", "examples"):
        top = os.path.join(build, sub)
        for dirpath, dirnames, files in os.walk(top):
            dirnames[:] = [d for d in dirnames if not d.endswith(".p")]
            for name in files:
                path = os.path.join(dirpath, name)
                mode = os.stat(path).st_mode
                if stat.S_ISREG(mode) and mode & 0o111 and _is_elf(path):
                    progs.append(path)
    return progs


INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/nvmu/bin:/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp /run /mnt
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
for m in /lib/modules/nvmu-rig/*.ko; do insmod "$m" || echo "rig: insmod $m failed" > /dev/ttyS0; done
stty -F /dev/ttyS1 raw -echo 2>/dev/null
export NVMU_RIG=1 NVMU_RIG_CHANNEL=/dev/ttyS1
cd /nvmu
sh /nvmu/script __ARGS__ > /dev/ttyS1 2>&1 < /dev/null
rc=$?
echo "@@nvmu-exit $rc" > /dev/ttyS1
sync
poweroff -f
"""


def build(out_path, kernel, script, script_args, build_dir, programs, files, work,
          virtio=False, nested_programs=None):
    """The guest's initramfs at @p out_path; @p virtio loads the virtio block modules; with
    @p nested_programs (a list, maybe empty) also what a nested VM needs (rignested.py)."""
    root = os.path.join(work, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/lib", "proc", "sys", "dev", "etc", "nvmu/bin",
              "lib/modules/nvmu-rig"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    if not os.path.exists(BUSYBOX):
        raise RigError("busybox-static is not installed (apt-get install busybox-static)")
    _copy(BUSYBOX, root, "/bin/busybox")
    for i, mod in enumerate(kernel.modules(virtio)):
        _copy(mod, root, f"/lib/modules/nvmu-rig/{i:02d}-{os.path.basename(mod)}")
    if build_dir:
        for prog in _build_programs(build_dir):
            _add_program(prog, root, "/nvmu/bin/" + os.path.basename(prog))
    for spec in programs:
        prog, _, dst = spec.partition(":")
        path = shutil.which(prog) or prog
        _add_program(path, root, dst or "/usr/bin/" + os.path.basename(path))
    _copy(os.path.join(REPO, "tests", "guest"), root, "/nvmu/tests/guest")
    for spec in files:
        src, _, dst = spec.partition(":")
        _copy(src, root, dst or "/nvmu/" + os.path.basename(src.rstrip("/")))
    if nested_programs is not None:
        rignested.add(root, kernel, nested_programs, _add_program, work)
    _copy(script, root, "/nvmu/script")
    init = INIT.replace("__ARGS__", " ".join(shlex.quote(a) for a in script_args))
    with open(os.path.join(root, "init"), "w") as f:
        f.write(init)
    os.chmod(os.path.join(root, "init"), 0o755)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.write("root:x:0:\nnogroup:x:65534:\n")
    find = subprocess.Popen(["find", "."], cwd=root, stdout=subprocess.PIPE)
    with open(out_path, "wb") as out:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], cwd=root, stdin=find.stdout,
                       stdout=out, check=True)
    find.wait()
    shutil.rmtree(root, ignore_errors=True)
