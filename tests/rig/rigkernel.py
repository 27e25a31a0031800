"""Fetch the Debian cloud kernel for the guest rig into a cache folder (never installed)."""
import glob
import os
import subprocess

VFIO_MODULES = ["virt/lib/irqbypass.ko", "drivers/vfio/vfio.ko", "drivers/vfio/vfio_iommu_type1.ko",
                "drivers/vfio/vfio_virqfd.ko", "drivers/vfio/pci/vfio-pci-core.ko",
                "drivers/vfio/pci/vfio-pci.ko"]
# A guest with a vhost-user-blk disk (nvmu-rig --vhost-blk) loads these too, in this order.
VIRTIO_MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko",
                  "drivers/virtio/virtio_pci_modern_dev.ko",
                  "drivers/virtio/virtio_pci_legacy_dev.ko", "drivers/virtio/virtio_pci.ko",
                  "drivers/block/virtio_blk.ko"]


class RigError(Exception):
    pass


class Kernel:
    def __init__(self, root, version):
        self.root = root
        self.version = version
        self.vmlinuz = os.path.join(root, "boot", f"vmlinuz-{version}")
        self.moddir = os.path.join(root, "lib", "modules", version, "kernel")

    def modules(self, virtio=False):
        """The vfio module stack, in load order, and the virtio block stack if asked."""
        return [os.path.join(self.moddir, m)
                for m in VFIO_MODULES + (VIRTIO_MODULES if virtio else [])]


def _package_name():
    out = subprocess.run(["apt-cache", "depends", "linux-image-cloud-amd64"],
                         capture_output=True, text=True, timeout=60)
    for line in out.stdout.splitlines():
        line = line.strip()
        if line.startswith("Depends:") and "linux-image-" in line:
            return line.split()[1]
    raise RigError("cannot resolve linux-image-cloud-amd64 with apt-cache "
                   "(run 'apt-get update' first)")


def _existing(cache):
    found = sorted(glob.glob(os.path.join(cache, "kernel", "boot", "vmlinuz-*-cloud-amd64")))
    if not found:
        return None
    version = os.path.basename(found[-1])[len("vmlinuz-"):]
    k = Kernel(os.path.join(cache, "kernel"), version)
    return k if all(os.path.exists(m) for m in k.modules()) else None


def fetch(cache, log=print):
    """Return the cached guest kernel, downloading and unpacking it on first use."""
    k = _existing(cache)
    if k:
        return k
    os.makedirs(cache, exist_ok=True)
    pkg = _package_name()
    log(f"downloading {pkg} into {cache}")
    r = subprocess.run(["apt-get", "download", pkg], cwd=cache, capture_output=True, text=True,
                       timeout=600)
    debs = glob.glob(os.path.join(cache, f"{pkg}_*.deb"))
    if not debs:
        raise RigError(f"apt-get download {pkg} failed: {r.stderr.strip()[-500:]}")
    subprocess.run(["dpkg-deb", "-x", debs[-1], os.path.join(cache, "kernel")], check=True,
                   timeout=300)
    k = _existing(cache)
    if not k:
        raise RigError(f"{debs[-1]} has no cloud kernel with the vfio modules")
    return k
