/* SPDX-License-Identifier: MIT */
/*
 * The data of a command: how long it is, and where its bytes are in memory.
 *
 * Over TCP a command carries its data length in a transport SGL, but the core describes
 * most data with PRPs, which have no length: the length comes from the command itself
 * (blocks for reads and writes, NUMD for log pages, 4 KiB for Identify, ...). The bytes
 * are found by walking the PRPs or the SGL: the transport's DMA memory has IO addresses
 * equal to CPU addresses, so they are used as they are. The memory page size is 4 KiB,
 * because the CAP the transport reports allows no other (docs/tcp.md).
 */
#include <errno.h>
#include <string.h>

#include "nvmu/dptr.h"
#include "tcp.h"

#define PAGE 4096u
#define PAGE_MASK (PAGE - 1)
#define PRP_PER_PAGE (PAGE / 8)
#define SGL_DESC_MAX 65536u /* a bound on a malformed chain */
#define SGL_TYPE(d) ((d)->type >> 4)

static uint32_t io_len(const struct tcp_ctrl *tc, const struct nvmu_sqe *cmd, int *err)
{
	uint8_t shift = cmd->nsid && cmd->nsid <= TCP_NS_MAX
				? __atomic_load_n(&tc->lbads[cmd->nsid - 1], __ATOMIC_RELAXED)
				: 0;

	switch (cmd->opcode) {
	case nvme_cmd_write:
	case nvme_cmd_read:
	case nvme_cmd_compare:
		if (!shift) {
			*err = nvmu_fail(EINVAL, "tcp: namespace %u: its LBA format is not known to "
					 "the transport (Identify Namespace it first)", cmd->nsid);
			return 0;
		}
		return ((cmd->cdw12 & 0xffffu) + 1u) << shift;
	case nvme_cmd_dsm:
		return ((cmd->cdw10 & 0xffu) + 1u) * 16u;
	case nvme_cmd_copy:
		return ((cmd->cdw12 & 0xffu) + 1u) * 32u;
	default:
		break;
	}
	if ((cmd->opcode & 3) == 0)
		return 0;
	*err = nvmu_fail(EINVAL, "tcp: I/O opcode %#x with PRPs: the transport cannot tell its "
			 "data length; describe its data with an SGL", cmd->opcode);
	return 0;
}

static uint32_t features_len(const struct nvmu_sqe *cmd)
{
	switch (cmd->cdw10 & 0xffu) {
	case NVME_FEAT_FID_TIMESTAMP: return 8;
	case NVME_FEAT_FID_HOST_ID: return cmd->cdw11 & 1 ? 16 : 8;
	case NVME_FEAT_FID_AUTO_PST: return 256;
	case NVME_FEAT_FID_HOST_BEHAVIOR: return 512;
	default: return 0;
	}
}

static uint32_t admin_len(const struct nvmu_sqe *cmd, int *err)
{
	switch (cmd->opcode) {
	case nvme_admin_identify:
	case nvme_admin_ns_attach:
		return 4096;
	case nvme_admin_ns_mgmt:
		return (cmd->cdw10 & 0xf) == 0 ? 4096 : 0;
	case nvme_admin_get_log_page:
		return (((cmd->cdw10 >> 16) | (cmd->cdw11 & 0xffffu) << 16) + 1u) * 4u;
	case nvme_admin_get_features:
	case nvme_admin_set_features:
		return features_len(cmd);
	case nvme_admin_fw_download:
	case nvme_admin_directive_send:
	case nvme_admin_directive_recv:
		return (cmd->cdw10 + 1u) * 4u;
	case nvme_admin_security_send:
	case nvme_admin_security_recv:
		return cmd->cdw11;
	default:
		break;
	}
	if ((cmd->opcode & 3) == 0)
		return 0;
	*err = nvmu_fail(EINVAL, "tcp: admin opcode %#x: the transport cannot tell its data "
			 "length", cmd->opcode);
	return 0;
}

/* Step to the next Data Block descriptor of an SGL; cur and left are the list being read. */
static const struct nvmu_sgl_desc *sgl_next(const struct nvmu_sgl_desc **cur, uint32_t *left,
					    uint32_t *budget)
{
	while (*left && (*budget)--) {
		const struct nvmu_sgl_desc *d = *cur;

		if (SGL_TYPE(d) == NVMU_SGL_DATA_BLOCK) {
			(*cur)++;
			(*left)--;
			return d;
		}
		if ((SGL_TYPE(d) != NVMU_SGL_SEGMENT && SGL_TYPE(d) != NVMU_SGL_LAST_SEGMENT) ||
		    d->len == 0 || d->len % sizeof(*d) || !d->addr)
			return NULL;
		*left = d->len / (uint32_t)sizeof(*d);
		*cur = (const struct nvmu_sgl_desc *)(uintptr_t)d->addr;
	}
	return NULL;
}

static uint32_t sgl_len(const struct nvmu_sqe *cmd, int *err)
{
	const struct nvmu_sgl_desc *cur = (const struct nvmu_sgl_desc *)&cmd->prp1, *d;
	uint32_t left = 1, budget = SGL_DESC_MAX;
	uint64_t total = 0;

	while ((d = sgl_next(&cur, &left, &budget)))
		total += d->len;
	if (left || total > UINT32_MAX) {
		*err = nvmu_fail(EINVAL, "tcp: opcode %#x: malformed SGL", cmd->opcode);
		return 0;
	}
	return (uint32_t)total;
}

int tcp_cmd_data(const struct tcp_ctrl *tc, const struct nvmu_sqe *cmd, bool admin,
		 uint32_t *len, bool *write)
{
	int err = 0;

	*write = (cmd->opcode & 3) == 1;
	if ((cmd->opcode & 3) == 3)
		return nvmu_fail(EINVAL, "tcp: opcode %#x moves data both ways, which NVMe/TCP "
				 "cannot carry", cmd->opcode);
	if ((cmd->flags & NVMU_SQE_PSDT_MASK) == NVMU_SQE_PSDT_SGL)
		*len = sgl_len(cmd, &err);
	else if (!cmd->prp1)
		*len = 0; /* no buffer: the target answers what it thinks of that */
	else
		*len = admin ? admin_len(cmd, &err) : io_len(tc, cmd, &err);
	return err;
}

/* PRP entry @k (>= 1) of a command with @npages pages, whose PRP2 is @prp2. */
static int prp_entry(uint64_t prp2, uint32_t npages, uint32_t k, uint64_t *out)
{
	const uint64_t *list = (const uint64_t *)(uintptr_t)prp2;
	uint32_t e = k - 1, remaining = npages - 1;

	if (npages == 2) {
		*out = prp2;
		return 0;
	}
	for (;;) {
		uint32_t cap = (uint32_t)((PAGE - (prp2 & PAGE_MASK)) / 8);

		if (!list || (prp2 & 7))
			return -EINVAL;
		if (remaining <= cap || e < cap - 1) {
			*out = list[e];
			return 0;
		}
		/* the last entry of a full list page points to the next list page */
		e -= cap - 1;
		remaining -= cap - 1;
		prp2 = list[cap - 1];
		list = (const uint64_t *)(uintptr_t)prp2;
	}
}

static int prp_at(const struct tcp_slot *s, uint32_t off, uint8_t **ptr, uint32_t *avail)
{
	uint64_t prp1 = s->dptr[0], in = (prp1 & PAGE_MASK) + off, addr;
	uint32_t npages = (uint32_t)(((prp1 & PAGE_MASK) + s->len + PAGE_MASK) / PAGE);
	uint32_t k = (uint32_t)(in / PAGE), room;

	if (k == 0) {
		addr = prp1 + off;
	} else {
		if (prp_entry(s->dptr[1], npages, k, &addr) < 0 || !addr || (addr & PAGE_MASK))
			return -EINVAL;
		addr += in & PAGE_MASK;
	}
	room = PAGE - (uint32_t)(in & PAGE_MASK);
	*ptr = (uint8_t *)(uintptr_t)addr;
	*avail = room < s->len - off ? room : s->len - off;
	return 0;
}

static int sgl_at(const struct tcp_slot *s, uint32_t off, uint8_t **ptr, uint32_t *avail)
{
	const struct nvmu_sgl_desc *cur = (const struct nvmu_sgl_desc *)s->dptr, *d;
	uint32_t left = 1, budget = SGL_DESC_MAX, base = 0;

	while ((d = sgl_next(&cur, &left, &budget))) {
		if (off < base + d->len && d->addr) {
			*ptr = (uint8_t *)(uintptr_t)(d->addr + (off - base));
			*avail = base + d->len - off;
			return 0;
		}
		base += d->len;
	}
	return -EINVAL;
}

int tcp_data_at(const struct tcp_slot *s, uint32_t off, uint8_t **ptr, uint32_t *avail)
{
	if (off >= s->len)
		return -EINVAL;
	switch (s->kind) {
	case TCP_DATA_FLAT:
		*ptr = s->flat + off;
		*avail = s->len - off;
		return 0;
	case TCP_DATA_PRP:
		return prp_at(s, off, ptr, avail);
	case TCP_DATA_SGL:
		return sgl_at(s, off, ptr, avail);
	default:
		return -EINVAL;
	}
}

int tcp_data_iov(const struct tcp_slot *s, uint32_t off, uint32_t len, struct iovec *iov,
		 int max, uint32_t *covered)
{
	int n = 0;

	*covered = 0;
	while (len && max > 0) {
		uint8_t *p;
		uint32_t avail;

		if (tcp_data_at(s, off, &p, &avail) < 0)
			return -EINVAL;
		if (avail > len)
			avail = len;
		if (n == max && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len != p)
			break;
		/* pieces that follow each other in memory go into one iovec */
		if (n && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == p)
			iov[n - 1].iov_len += avail;
		else
			iov[n++] = (struct iovec){ p, avail };
		off += avail;
		len -= avail;
		*covered += avail;
	}
	return n;
}
