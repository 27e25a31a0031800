/* SPDX-License-Identifier: MIT */
/*
 * Guest test of hot-remove at the VFIO layer: with the device open and its BAR mapped,
 * the kernel's device request (QMP device_del on the host) must reach the process through
 * the REQ eventfd, and closing the device must let the removal finish
 * (tests/guest/suite-hotplug.sh drives it; needs the guest rig).
 *
 * usage: test_hotplug ADDR READY_FILE
 */
#include <nvme/types.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/mmio.h"
#include "nvmu/vfio.h"

#define REQUEST_WAIT_MS 120000
#define REMOVAL_WAIT_MS 60000

static const char *addr, *ready_file;

TEST(device_request_arrives_and_close_releases_the_device)
{
	struct nvmu_vfio_container *c;
	struct nvmu_vfio_device *d;
	volatile uint8_t *bar;
	void *base = NULL;
	size_t size = 0;
	int efd = eventfd(0, EFD_CLOEXEC);
	FILE *f;
	char path[96];
	uint64_t deadline;

	CHECK_EQ(nvmu_vfio_open(addr, NULL, &c, &d), 0);
	if (!d)
		return;
	CHECK_EQ(nvmu_vfio_map_bar(d, 0, &base, &size), 0);
	bar = base;
	CHECK_EQ(nvmu_mmio_read32(bar + NVME_REG_VS), 0x00010400);
	CHECK_EQ(nvmu_vfio_irq_set_eventfds(d, NVMU_VFIO_IRQ_REQ, 0, 1, &efd), 0);
	f = fopen(ready_file, "w");
	if (f)
		fclose(f);
	CHECK(nvmu_vfio_eventfd_wait(efd, REQUEST_WAIT_MS) > 0);
	/* Whatever the registers read now, touching them must not kill the process. */
	printf("# after the request: VS=%#x, MMIO lost: %d\n", nvmu_mmio_read32(bar + NVME_REG_VS),
	       nvmu_vfio_device_mmio_lost(d));
	nvmu_vfio_device_close(d);
	nvmu_vfio_container_close(c);
	close(efd);
	/* Still alive and having let go: the kernel's removal must now finish. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", addr);
	deadline = nvmu_deadline_ms(REMOVAL_WAIT_MS);
	while (access(path, F_OK) == 0 && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100000);
	CHECK(access(path, F_OK) != 0);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		T(device_request_arrives_and_close_releases_the_device),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_hotplug ADDR READY_FILE\n");
		return 2;
	}
	addr = argv[1];
	ready_file = argv[2];
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
