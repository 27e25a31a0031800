/* SPDX-License-Identifier: MIT */
/*
 * The transport registry and its device-string parser: every built-in form, a registered
 * class reached through "NAME:" and "NAME://", claims without a scheme, refused
 * registrations, the messages for what is not accepted, kernel NVMe devices (fake sysfs),
 * and registration from several threads. The tests share the process's registry and run
 * in order.
 */
#include <errno.h>
#include <pthread.h>

#include "../pci/fake_sysfs.h"
#include "check.h"
#include "nvmu/nvme_soft.h"
#include "nvmu/transport.h"

static struct fake f;

/* ---- a test class: records what it was given, counts closes ---- */

static char last_rest[128];
static int opens, closes;

static void test_close(struct nvmu_transport *t)
{
	closes++;
	free(t);
}

static const struct nvmu_transport_ops test_ops = { .close = test_close };

static int test_open(const char *rest, const struct nvmu_transport_open_opts *opts,
		     struct nvmu_transport **out)
{
	struct nvmu_transport *t = calloc(1, sizeof(*t));

	(void)opts;
	snprintf(last_rest, sizeof(last_rest), "%s", rest);
	if (!strcmp(rest, "fail"))
		return free(t), nvmu_fail(EIO, "test class refuses '%s'", rest);
	t->ops = &test_ops;
	t->name = "test";
	opens++;
	*out = t;
	return 0;
}

static const struct nvmu_transport_class test_class = {
	.name = "test",
	.forms = "test:X, test://X",
	.description = "a class of the unit tests",
	.open = test_open,
};

static bool at_claims(const char *dev)
{
	return dev[0] == '@';
}

static const struct nvmu_transport_class at_class = {
	.name = "at",
	.forms = "@X",
	.description = "claims strings that start with @",
	.claims = at_claims,
	.open = test_open,
};

/* Open @p dev expecting failure @p err; the message must contain @p needle. */
static void refused(const char *dev, int err, const char *needle)
{
	struct nvmu_transport *t = (struct nvmu_transport *)&t;

	CHECK_EQ(nvmu_transport_open(dev, NULL, &t), err);
	CHECK(t == NULL);
	CHECK_STR_CONTAINS(nvmu_last_error(), needle);
}

/* ---- built-in classes ---- */

TEST(soft_forms)
{
	static const char *const forms[][2] = {
		{ "soft", "soft:" }, { "soft:", "soft:" }, { "soft:ns=2", "soft:ns=2" },
		{ "soft://ns=2", "soft:ns=2" },
	};
	struct nvmu_transport *t;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		t = NULL;
		CHECK_EQ(nvmu_transport_open(forms[i][0], NULL, &t), 0);
		CHECK(nvmu_soft_is(t));
		CHECK(t && strcmp(t->name, forms[i][1]) == 0);
		CHECK(nvmu_transport_iommu(t) == NULL); /* it translates addresses itself */
		nvmu_transport_close(t);
	}
	refused("soft:ns=0", -EINVAL, "ns");
}

/* No device exists in the fake tree: the PCIe class's own error shows it got the address. */
TEST(pcie_forms)
{
	static const char *const forms[] = { "0000:01:00.0", "01:00.0", "pcie:0000:01:00.0",
					     "pcie:01:00.0", "pcie://01:00.0" };

	fake_init(&f);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		refused(forms[i], -ENODEV, "no PCI device 0000:01:00.0");
	/* A bus number that reads like a scheme is still a PCI address. */
	refused("ab:00.0", -ENODEV, "no PCI device 0000:ab:00.0");
	refused("pcie:", -EINVAL, "'' is not a PCI address");
	refused("pcie:nonsense", -EINVAL, "'nonsense' is not a PCI address");
	fake_cleanup(&f);
}

TEST(what_is_not_accepted)
{
	refused("", -EINVAL, "no device given; a device is one of: 0000:01:00.0, 01:00.0, "
		"pcie:ADDR; soft, soft:OPTIONS");
	refused(NULL, -EINVAL, "no device given");
	refused("rdma://10.0.0.1/nqn.x", -EINVAL, "unknown transport 'rdma' in 'rdma://10.0.0.1/nqn.x'; "
		"a device is one of: 0000:01:00.0");
	refused("nonsense", -EINVAL, "'nonsense' is neither a PCI address, a kernel NVMe device "
		"nor a transport name");
	refused("01:00.x", -EINVAL, "'01:00.x' is neither a PCI address nor NAME:ADDRESS");
	refused("Soft:", -EINVAL, "is neither a PCI address nor NAME:ADDRESS");
	refused(":x", -EINVAL, "is neither a PCI address nor NAME:ADDRESS");
}

/* ---- registered classes ---- */

TEST(a_registered_class)
{
	struct nvmu_transport *t = NULL;
	char help[1024];

	refused("test:abc", -EINVAL, "unknown transport 'test'");
	CHECK_EQ(nvmu_transport_register(&test_class), 0);
	CHECK(nvmu_transport_find("test") == &test_class);
	CHECK_EQ(nvmu_transport_open("test:abc", NULL, &t), 0);
	CHECK(strcmp(last_rest, "abc") == 0);
	nvmu_transport_close(t);
	CHECK_EQ(nvmu_transport_open("test://x", NULL, &t), 0);
	CHECK(strcmp(last_rest, "x") == 0);
	nvmu_transport_close(t);
	CHECK_EQ(nvmu_transport_open("test", NULL, &t), 0);
	CHECK(strcmp(last_rest, "") == 0);
	CHECK(nvmu_transport_iommu(t) == NULL); /* no iommu op */
	nvmu_transport_close(t);
	CHECK_EQ(nvmu_transport_open("test:a:b//c", NULL, &t), 0);
	CHECK(strcmp(last_rest, "a:b//c") == 0);
	nvmu_transport_close(t);
	CHECK_EQ(opens, 4);
	CHECK_EQ(closes, 4);
	nvmu_transport_close(NULL);
	refused("test:fail", -EIO, "test class refuses 'fail'");
	/* Messages and help list it now. */
	refused("rdma:x", -EINVAL, "tcp://ADDR[:PORT]/SUBNQN[?OPTIONS]; test:X, test://X");
	CHECK(nvmu_transport_help(help, sizeof(help)) < sizeof(help));
	CHECK_STR_CONTAINS(help, "  test:X, test://X\n      a class of the unit tests\n");
	CHECK_STR_CONTAINS(help, "  soft, soft:OPTIONS\n      the in-process software controller");
	CHECK_EQ(nvmu_transport_help(NULL, 0), strlen(help));
}

TEST(a_class_that_claims_strings)
{
	struct nvmu_transport *t = NULL;

	CHECK_EQ(nvmu_transport_register(&at_class), 0);
	CHECK_EQ(nvmu_transport_open("@here", NULL, &t), 0);
	CHECK(strcmp(last_rest, "@here") == 0); /* the whole string */
	nvmu_transport_close(t);
	CHECK_EQ(nvmu_transport_open("at:there", NULL, &t), 0);
	CHECK(strcmp(last_rest, "there") == 0);
	nvmu_transport_close(t);
}

TEST(registrations_refused)
{
	struct nvmu_transport_class bad = test_class;

	CHECK_EQ(nvmu_transport_register(&test_class), -EEXIST);
	CHECK_STR_CONTAINS(nvmu_last_error(), "a transport class named 'test' is registered already");
	bad.name = "soft";
	CHECK_EQ(nvmu_transport_register(&bad), -EEXIST);
	bad.name = "pcie";
	CHECK_EQ(nvmu_transport_register(&bad), -EEXIST);
	bad.name = "Upper";
	CHECK_EQ(nvmu_transport_register(&bad), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'Upper' is not a scheme");
	bad.name = "1st";
	CHECK_EQ(nvmu_transport_register(&bad), -EINVAL);
	bad.name = "";
	CHECK_EQ(nvmu_transport_register(&bad), -EINVAL);
	bad.name = NULL;
	CHECK_EQ(nvmu_transport_register(&bad), -EINVAL);
	CHECK_EQ(nvmu_transport_register(NULL), -EINVAL);
	bad.name = "noopen";
	bad.open = NULL;
	CHECK_EQ(nvmu_transport_register(&bad), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'noopen' has no open function");
	CHECK(nvmu_transport_find("noopen") == NULL);
	CHECK(nvmu_transport_find(NULL) == NULL);
}

/* ---- kernel NVMe devices ---- */

TEST(kernel_devices_are_refused_with_what_to_bind)
{
	fake_init(&f);
	fake_add_dev(&f, "0000:00:10.0", 0x1b36, 0x0010, 0x010802, "nvme", 3);
	fake_add_nvme_class(&f, "0000:00:10.0", "nvme0");
	fake_add_blockdev(&f, "0000:00:10.0", "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_fabrics_ctrl(&f, "nvme1", "tcp", NULL);
	refused("/dev/nvme0", -EBUSY, "/dev/nvme0 is NVMe controller nvme0 at PCI address "
		"0000:00:10.0, bound to the kernel driver nvme: nvmu drives controllers bound to "
		"vfio-pci, so run 'nvmu bind 0000:00:10.0'");
	refused("/dev/nvme0n1", -EBUSY, "then use 0000:00:10.0 as the device");
	refused("nvme0", -EBUSY, "at PCI address 0000:00:10.0");
	refused("pcie:/dev/nvme0n1", -EBUSY, "'nvmu bind 0000:00:10.0'");
	refused("/dev/nvme1", -ENOTSUP, "over 'tcp', not PCIe");
	refused("/dev/nvme3n1", -ENODEV, "/dev/nvme3n1: no such NVMe device in sysfs");
	fake_cleanup(&f);
}

/* ---- threads ---- */

#define THREADS 4
#define PER_THREAD 2

static struct nvmu_transport_class thread_classes[THREADS][PER_THREAD];
static char thread_names[THREADS][PER_THREAD][16];

static void *register_some(void *arg)
{
	struct nvmu_transport_class *cls = arg;
	intptr_t failures = 0;

	for (int i = 0; i < PER_THREAD; i++) {
		failures += nvmu_transport_register(&cls[i]) != 0;
		failures += nvmu_transport_find(cls[i].name) != &cls[i];
	}
	return (void *)failures;
}

TEST(registration_from_threads_and_a_full_registry)
{
	pthread_t th[THREADS];
	void *failures;
	int ret = 0;

	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < PER_THREAD; j++) {
			snprintf(thread_names[i][j], sizeof(thread_names[i][j]), "th%d-%d", i, j);
			thread_classes[i][j] = test_class;
			thread_classes[i][j].name = thread_names[i][j];
		}
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, register_some, thread_classes[i]);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], &failures);
		CHECK(failures == NULL);
	}
	/* 3 built-in + test + at + 8 from the threads: room for 3 more of the 16. The
	 * registry keeps the pointers, so each class needs storage of its own. */
	for (int i = 0; i < 4 && ret == 0; i++) {
		static struct nvmu_transport_class more[5];
		static char names[5][8];

		snprintf(names[i], sizeof(names[i]), "more%d", i);
		more[i] = test_class;
		more[i].name = names[i];
		ret = nvmu_transport_register(&more[i]);
		CHECK_EQ(ret, (i < 3 ? 0 : -ENOSPC));
	}
	CHECK_STR_CONTAINS(nvmu_last_error(), "the transport registry is full");
}

RUN_TESTS(T(soft_forms), T(pcie_forms), T(what_is_not_accepted), T(a_registered_class),
	  T(a_class_that_claims_strings), T(registrations_refused),
	  T(kernel_devices_are_refused_with_what_to_bind),
	  T(registration_from_threads_and_a_full_registry))
