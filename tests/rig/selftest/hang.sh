# Never finishes: the rig's deadline must end the run and its QEMU.
echo "hanging"
sleep 100000
