# Guest suite of the vhost-user-blk back-end on the real VFIO path (runs inside the rig,
# started with --program .../test_vhost_protocol and .../test_vhost_split): the protocol
# and split tests against the emulated controller at 0000:00:10.0 with guest memory
# mapped for the device's DMA, so that no request may be bounced; then nvmu vhost-blk
# on the same controller: ready, a socket in the way, SIGTERM.
rc=0
dev=0000:00:10.0
nvmu bind $dev >/dev/null || { echo "not ok - bind $dev"; exit 1; }
test_vhost_protocol $dev zero-copy > /tmp/vhost.out 2>&1 || rc=1
sed 's/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1[vfio] /' /tmp/vhost.out
test_vhost_split $dev zero-copy > /tmp/vhost.out 2>&1 || rc=1
sed 's/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1[vfio split] /' /tmp/vhost.out
touch /tmp/not-a-socket
nvmu vhost-blk $dev --socket /tmp/not-a-socket > /tmp/vb.out 2>&1
if [ $? = 2 ] && grep -q "not a socket" /tmp/vb.out; then
	echo "ok - nvmu vhost-blk refuses a path that is not a socket (exit 2)"
else
	echo "not ok - nvmu vhost-blk refuses a path that is not a socket (exit 2)"
	sed 's/^/# /' /tmp/vb.out
	rc=1
fi
nvmu vhost-blk $dev --socket /tmp/vb.sock --queues 2 > /tmp/vb.out 2>&1 &
pid=$!
for i in $(seq 100); do grep -q ready /tmp/vb.out && break; sleep 0.2; done
if grep -q ready /tmp/vb.out && [ -S /tmp/vb.sock ]; then
	echo "ok - nvmu vhost-blk on $dev prints ready and listens"
else
	echo "not ok - nvmu vhost-blk on $dev prints ready and listens"
	rc=1
fi
kill -TERM $pid
wait $pid
st=$?
if [ $st = 0 ] && grep -q "^stopped:" /tmp/vb.out; then
	echo "ok - SIGTERM: nvmu vhost-blk exits 0 with its summary"
else
	echo "not ok - SIGTERM: nvmu vhost-blk exits 0 with its summary (exit $st)"
	rc=1
fi
sed 's/^/# /' /tmp/vb.out
exit $rc
