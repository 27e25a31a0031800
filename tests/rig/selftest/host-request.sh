# Ask the rig for a QMP command from inside the guest and read the reply.
echo '@@nvmu-host {"qmp": {"execute": "qom-get", "arguments": {"path": "/machine/peripheral/nvme0", "property": "serial"}}}'
read -r reply < /dev/ttyS1
echo "reply: $reply"
