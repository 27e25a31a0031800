"""QEMU command line, NVMe topology and QMP client for the guest rig."""
import argparse
import json
import os
import socket

from rigkernel import RigError

SIZE_SUFFIX = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
CTRL_KEYS = {"serial", "mdts", "max_ioqpairs", "msix_qsize", "cmb_size_mb", "sriov_max_vfs",
             "sriov_vq_flexible", "sriov_vi_flexible", "sriov_max_vi_per_vf",
             "sriov_max_vq_per_vf", "ioeventfd", "addr", "bridge", "aerl", "vsl", "hotplug"}
NS_KEYS = {"size", "lbs", "backend", "nsid", "ms", "mset", "pi", "mssrl", "mcl", "msrc"}
FIRST_SLOT = 0x10


def parse_size(text):
    text = text.strip().upper()
    mult = SIZE_SUFFIX.get(text[-1:], 1)
    num = text[:-1] if text[-1:] in SIZE_SUFFIX else text
    try:
        return int(num) * mult
    except ValueError:
        raise RigError(f"bad size '{text}' (use e.g. 64M or 1G)")


def parse_kv(spec, allowed, what):
    out = {}
    for item in filter(None, spec.split(",")):
        key, eq, val = item.partition("=")
        if not eq or key not in allowed:
            raise RigError(f"bad {what} option '{item}'; known: {', '.join(sorted(allowed))}")
        out[key] = val
    return out


class OrderedSpec(argparse.Action):
    """Collect --ctrl and --ns values in command-line order as (option, spec) pairs."""

    def __call__(self, parser, namespace, values, option_string=None):
        getattr(namespace, self.dest).append((option_string, values))


def parse_topology(bridges, topology):
    """Controllers with their namespaces, from (option, spec) pairs in command-line order."""
    ctrls = []
    for opt, spec in topology:
        if opt == "--ctrl":
            c = parse_kv(spec, CTRL_KEYS, "--ctrl")
            c.setdefault("serial", f"nvmu{len(ctrls)}")
            c["namespaces"] = []
            if c.get("bridge") and c["bridge"] not in bridges:
                raise RigError(f"--ctrl bridge={c['bridge']} names no --bridge")
            ctrls.append(c)
        else:
            if not ctrls:
                raise RigError("--ns must follow the --ctrl it belongs to")
            ctrls[-1]["namespaces"].append(parse_kv(spec, NS_KEYS, "--ns"))
    if not ctrls:
        ctrls.append({"serial": "nvmu0", "namespaces": [{"size": "64M"}]})
    return ctrls


def command(kernel, initrd, ctrls, bridges, data_dir, chan_path, qmp_path, trace_path,
            console_path, mem, smp, iommu=True, traces=(), vhost_blk=(), vhost_queues=1,
            virtio_blk=(), reboot=False, vhost_reconnect=False):
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35,kernel-irqchip=split", "-cpu", "max",
           "-smp", str(smp), "-m", mem, "-nodefaults", "-display", "none", "-vga", "none",
           *([] if reboot else ["-no-reboot"]),
           "-kernel", kernel.vmlinuz, "-initrd", initrd,
           "-append", "console=ttyS0 panic=-1 loglevel=4 " +
           ("intel_iommu=on iommu=pt" if iommu else "intel_iommu=off"),
           "-serial", f"file:{console_path}",
           "-chardev", f"socket,id=chan,path={chan_path}", "-serial", "chardev:chan",
           "-qmp", f"unix:{qmp_path},server=on,wait=off",
           "-trace", "pci_nvme_err_*", "-trace", "pci_nvme_ub_*", "-d", "guest_errors",
           "-D", trace_path]
    for pattern in traces:
        cmd += ["-trace", pattern]
    if traces:
        cmd += ["-msg", "timestamp=on"]  # each line gets thread@time: to measure gaps
    if vhost_blk:
        # A vhost-user back-end maps the guest's memory: it must be a shared file.
        cmd += ["-object", f"memory-backend-memfd,id=mem,size={mem},share=on",
                "-numa", "node,memdev=mem"]
    # The disks appear in this order: /dev/vda, /dev/vdb...
    # reconnect=1: QEMU tries again every second when its back-end goes away, and hands
    # the next one the requests in flight (vhost-user's in-flight region)
    again = ",reconnect=1" if vhost_reconnect else ""
    for i, sock in enumerate(vhost_blk):
        cmd += ["-chardev", f"socket,id=vhost{i},path={sock}{again}",
                "-device", f"vhost-user-blk-pci,chardev=vhost{i},num-queues={vhost_queues}"]
    for i, path in enumerate(virtio_blk):
        # QEMU's own virtio-blk on a raw file, as a peer to compare with.
        cmd += ["-blockdev", f"driver=raw,node-name=vblk{i},file.driver=file,"
                             f"file.filename={path},file.aio=io_uring,cache.direct=on",
                "-device", f"virtio-blk-pci,drive=vblk{i},num-queues={vhost_queues}"]
    if iommu:
        cmd += ["-device", "intel-iommu,intremap=on,caching-mode=on"]
    for i, b in enumerate(bridges):
        cmd += ["-device", f"pcie-pci-bridge,id={b},bus=pcie.0,addr={0x08 + i:#x}"]
    behind = {}  # controllers placed so far behind each bridge
    for ci, c in enumerate(ctrls):
        cid = f"nvme{ci}"
        props = [f"serial={c['serial']}", f"id={cid}"]
        for key in ("mdts", "max_ioqpairs", "msix_qsize", "cmb_size_mb", "ioeventfd", "aerl",
                    "vsl", "sriov_max_vfs", "sriov_vq_flexible", "sriov_vi_flexible",
                    "sriov_max_vi_per_vf", "sriov_max_vq_per_vf"):
            if key in c:
                props.append(f"{key}={c[key]}")
        if "sriov_max_vfs" in c or c.get("hotplug") == "on":
            # SR-IOV (ARI) and hot-unplug need a root port; SR-IOV also a subsystem.
            cmd += ["-device", f"pcie-root-port,id=rp{ci},chassis={ci + 1},bus=pcie.0,"
                               f"addr={FIRST_SLOT + ci:#x}"]
            props.append(f"bus=rp{ci}")
            if "sriov_max_vfs" in c:
                cmd += ["-device", f"nvme-subsys,id=subsys{ci},nqn=nqn.2026-11.io.nvmu:{c['serial']}"]
                props.append(f"subsys=subsys{ci}")
        elif c.get("bridge"):
            behind[c["bridge"]] = behind.get(c["bridge"], 0) + 1
            props += [f"bus={c['bridge']}", f"addr={c.get('addr', hex(behind[c['bridge']]))}"]
        else:
            props += ["bus=pcie.0", f"addr={c.get('addr', hex(FIRST_SLOT + ci))}"]
        cmd += ["-device", "nvme," + ",".join(props)]
        for ni, n in enumerate(c["namespaces"]):
            node = f"{cid}n{ni + 1}"
            size = parse_size(n.get("size", "64M"))
            backend = n.get("backend", "file")
            if backend == "null":
                cmd += ["-blockdev", f"driver=null-co,node-name={node},size={size}"]
            elif backend == "file":
                path = os.path.join(data_dir, node + ".img")
                with open(path, "wb") as f:
                    f.truncate(size)
                cmd += ["-blockdev", f"driver=raw,node-name={node},file.driver=file,"
                                     f"file.filename={path},file.aio=threads"]
            else:
                raise RigError(f"--ns backend={backend}: use file or null")
            lbs = n.get("lbs", "512")
            nprops = [f"drive={node}", f"bus={cid}", f"nsid={n.get('nsid', ni + 1)}",
                      f"logical_block_size={lbs}", f"physical_block_size={lbs}"]
            for key in ("ms", "mset", "pi", "mssrl", "mcl", "msrc"):
                if key in n:
                    nprops.append(f"{key}={n[key]}")
            cmd += ["-device", "nvme-ns," + ",".join(nprops)]
    return cmd


def qmp_command(path, command, timeout=30):
    """Run one QMP command ({"execute": ..., "arguments": ...}) and return its reply."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())  # greeting
    for cmd in ({"execute": "qmp_capabilities"}, command):
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if "return" in reply or "error" in reply:
                break
    s.close()
    if "error" in reply:
        raise RigError(f"QMP {command.get('execute')}: {reply['error'].get('desc')}")
    return reply["return"]
