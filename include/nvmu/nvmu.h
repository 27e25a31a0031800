/* SPDX-License-Identifier: MIT */
/**
 * @file nvmu.h
 * @brief Umbrella header: every public header of nvmu.
 *
 * host.h comes first: it is what an application uses (attach a controller, namespaces,
 * asynchronous I/O on per-thread queue pairs). The others are the layers below it, for
 * programs that drive the NVMe core, a transport, VFIO or the IOMMU themselves.
 */
#ifndef NVMU_NVMU_H
#define NVMU_NVMU_H

#include "nvmu/host.h"
#include "nvmu/host_manage.h"

#include "nvmu/support.h"
#include "nvmu/mmio.h"
#include "nvmu/pci.h"
#include "nvmu/vfio.h"
#include "nvmu/iommu.h"
#include "nvmu/iommu_vfio.h"
#include "nvmu/transport.h"
#include "nvmu/nvme_cmd.h"
#include "nvmu/dptr.h"
#include "nvmu/queue.h"
#include "nvmu/nvme.h"
#include "nvmu/qpair_fast.h"
#include "nvmu/nvme_pcie.h"
#include "nvmu/nvme_soft.h"
#include "nvmu/sriov.h"
#include "nvmu/share.h"
#include "nvmu/intercept.h"
#include "nvmu/vhost_blk.h"

#endif
