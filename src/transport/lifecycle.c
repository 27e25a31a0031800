/* SPDX-License-Identifier: MIT */
/* What any transport does for its owner, through its ops: close, and its IOMMU context. */
#include "nvmu/transport.h"
#include "transport/shared/shared.h"

void nvmu_transport_close(struct nvmu_transport *t)
{
	if (t && t->ops->close)
		t->ops->close(t);
	share_forget(t); /* the lock of a controller it owned: only the pointer is used */
}

struct nvmu_iommu *nvmu_transport_iommu(struct nvmu_transport *t)
{
	return t && t->ops->iommu ? t->ops->iommu(t) : NULL;
}
