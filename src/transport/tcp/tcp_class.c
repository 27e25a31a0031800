/* SPDX-License-Identifier: MIT */
/* The registry's "tcp" class: "tcp://ADDR[:PORT]/SUBNQN?OPTIONS" opens an NVMe/TCP
 * controller. */
#include "tcp.h"
#include "transport/registry.h"

static int tcp_class_open(const char *rest, const struct nvmu_transport_open_opts *opts,
			  struct nvmu_transport **out)
{
	(void)opts; /* its options are in the string; VF tokens and DMA pools are PCIe's */
	return tcp_open(rest, out);
}

const struct nvmu_transport_class nvmu_transport_tcp_class = {
	.name = "tcp",
	.forms = "tcp://ADDR[:PORT]/SUBNQN[?OPTIONS]",
	.description = "an NVMe/TCP target (e.g. tcp://192.168.1.2/nqn.2024-01.io.example:ssd"
		       "?queues=4&hdgst=on; IPv6 as [ADDR])",
	.open = tcp_class_open,
};
