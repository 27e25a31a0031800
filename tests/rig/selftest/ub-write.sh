# Break the NVMe protocol on purpose: a misaligned doorbell write (QEMU logs pci_nvme_ub_*).
a=0000:00:10.0
echo $a > /sys/bus/pci/devices/$a/driver/unbind
base=$(head -1 /sys/bus/pci/devices/$a/resource | cut -d' ' -f1)
devmem "$(printf '0x%x' $((base + 0x1002)))" 32 0
