# Guest suite for SR-IOV: one controller with sriov_max_vfs=2 behind a root port.
# Reloads vfio-pci with enable_sriov=1, gives the PF to vfio-pci, enables 2 VFs.
rc=0
pf=$(nvmu list -o json | grep -o '"Address": "[^"]*"' | head -1 | cut -d'"' -f4)
rmmod vfio-pci && insmod /lib/modules/nvmu-rig/*-vfio-pci.ko enable_sriov=1 || rc=1
nvmu bind "$pf" >/dev/null || { echo "not ok - bind the PF $pf"; rc=1; }
echo 2 > /sys/bus/pci/devices/$pf/sriov_numvfs || { echo "not ok - enable 2 VFs"; rc=1; }
vf=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)")
echo "# PF $pf, VF $vf"
if nvmu list | grep "^$vf" | grep -q "vf of $pf"; then
	echo "ok - nvmu list shows $vf as a VF of $pf"
else
	echo "not ok - nvmu list shows $vf as a VF of $pf"; nvmu list; rc=1
fi
if nvmu list | grep "^$pf" | grep -q "2/2 VFs"; then
	echo "ok - nvmu list shows 2/2 VFs on $pf"
else
	echo "not ok - nvmu list shows 2/2 VFs on $pf"; rc=1
fi
test_sriov "$pf" "$vf" || rc=1
exit $rc
