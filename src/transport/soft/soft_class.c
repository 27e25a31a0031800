/* SPDX-License-Identifier: MIT */
/* The registry's "soft" class: "soft", "soft:" and "soft:OPTIONS" open a software controller. */
#include "nvmu/nvme_soft.h"
#include "soft.h"
#include "transport/registry.h"

static int soft_class_open(const char *rest, const struct nvmu_transport_open_opts *opts,
			   struct nvmu_transport **out)
{
	(void)opts; /* its options are in the string; VF tokens and DMA pools are PCIe's */
	return nvmu_soft_open(rest, out);
}

const struct nvmu_transport_class nvmu_transport_soft_class = {
	.name = "soft",
	.forms = "soft, soft:OPTIONS",
	.description = "the in-process software controller (e.g. soft:ns=2,size=64M,lbs=4096; "
		       "name=NAME shares it)",
	.open = soft_class_open,
	.share_key = soft_share_key,
};
