# The guest script's output and exit status must reach the host.
echo "guest says hello"
exit 3
