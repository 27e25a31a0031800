/* SPDX-License-Identifier: MIT */
/**
 * @file nvmu.h
 * @brief Umbrella header: every public layer of nvmu.
 */
#ifndef NVMU_NVMU_H
#define NVMU_NVMU_H

#include "nvmu/support.h"
#include "nvmu/mmio.h"
#include "nvmu/pci.h"
#include "nvmu/vfio.h"
#include "nvmu/iommu.h"
#include "nvmu/iommu_vfio.h"
#include "nvmu/transport.h"
#include "nvmu/nvme.h"
#include "nvmu/nvme_pcie.h"
#include "nvmu/nvme_soft.h"

#endif
