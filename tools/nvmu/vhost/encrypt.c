/* SPDX-License-Identifier: MIT */
/*
 * The encrypt interceptor: AES-XTS storage encryption through OpenSSL's libcrypto. The
 * device holds ciphertext, the guest sees plaintext. Each logical block is one XTS data
 * unit whose tweak is its LBA (little-endian, 16 bytes), so a block decrypts only where
 * it was written. A 256-bit key file gives AES-128-XTS, a 512-bit one AES-256-XTS.
 *
 * Writes are encrypted in a private copy (nvmu_icpt_own_data()): the guest's page must
 * keep its plaintext. Reads are decrypted in place after the device completed them,
 * unless a piece of the guest's buffer splits a block: then in a private copy too.
 * Write Zeroes is not offered to the guest, since zeroes written by the device would
 * not read back as zeroes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "cli.h"
#include "verbs.h"
#include "nvmu/vhost_blk.h"
#include "vhost/interceptors.h"

struct encrypt {
	const EVP_CIPHER *cipher;
	unsigned char key[64];
	uint32_t lba_size;
	unsigned queues;
	/* One pair of contexts per poller: callbacks of different queues run at once. */
	EVP_CIPHER_CTX *enc[NVMU_VHOST_BLK_MAX_QUEUES], *dec[NVMU_VHOST_BLK_MAX_QUEUES];
};

static int crypto_error(const char *what)
{
	char text[256];

	ERR_error_string_n(ERR_get_error(), text, sizeof(text));
	return nvmu_fail(EINVAL, "encrypt: %s: %s", what, text);
}

static int encrypt_init(void *arg, struct nvmu_icpt_geometry *g)
{
	struct encrypt *e = arg;

	if (g->queues > NVMU_VHOST_BLK_MAX_QUEUES)
		return nvmu_fail(EINVAL, "encrypt: at most %d queues", NVMU_VHOST_BLK_MAX_QUEUES);
	e->lba_size = g->lba_size;
	e->queues = g->queues;
	for (unsigned i = 0; i < g->queues; i++) {
		e->enc[i] = EVP_CIPHER_CTX_new();
		e->dec[i] = EVP_CIPHER_CTX_new();
		if (!e->enc[i] || !e->dec[i])
			return nvmu_fail(ENOMEM, "encrypt: no memory for cipher contexts");
		if (!EVP_CipherInit_ex(e->enc[i], e->cipher, NULL, e->key, NULL, 1) ||
		    !EVP_CipherInit_ex(e->dec[i], e->cipher, NULL, e->key, NULL, 0))
			return crypto_error("the key was refused (XTS needs two different "
					    "halves)");
	}
	g->write_zeroes = false;
	return 0;
}

/* En- or decrypt the blocks of @p iov, which start at @p lba, in place. */
static bool crypt_blocks(EVP_CIPHER_CTX *ctx, uint32_t lba_size, uint64_t lba,
			 const struct nvmu_dma_buf *iov, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned char *p = iov[i].vaddr;

		for (size_t off = 0; off < iov[i].len; off += lba_size, lba++) {
			unsigned char tweak[16] = { 0 };
			int outl;

			for (int k = 0; k < 8; k++)
				tweak[k] = (unsigned char)(lba >> (8 * k));
			if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, tweak, -1) ||
			    !EVP_CipherUpdate(ctx, p + off, &outl, p + off, (int)lba_size))
				return false;
		}
	}
	return true;
}

static enum nvmu_icpt_verdict encrypt_write(void *arg, struct nvmu_icpt_req *r)
{
	struct encrypt *e = arg;

	if (nvmu_icpt_own_data(r) < 0 ||
	    !crypt_blocks(e->enc[r->queue], e->lba_size, r->lba, r->iov, r->iovcnt)) {
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	return NVMU_ICPT_PASS;
}

static enum nvmu_icpt_verdict encrypt_read(void *arg, struct nvmu_icpt_req *r)
{
	struct encrypt *e = arg;

	for (unsigned i = 0; i < r->iovcnt; i++) {
		if (r->iov[i].len % e->lba_size == 0)
			continue;
		if (nvmu_icpt_own_data(r) < 0) {
			r->status = NVMU_ICPT_S_IOERR;
			return NVMU_ICPT_COMPLETE;
		}
		break;
	}
	return NVMU_ICPT_PASS;
}

static void encrypt_complete(void *arg, struct nvmu_icpt_req *r)
{
	struct encrypt *e = arg;

	if (r->op != NVMU_ICPT_READ || r->status != NVMU_ICPT_S_OK)
		return;
	if (!crypt_blocks(e->dec[r->queue], e->lba_size, r->lba, r->iov, r->iovcnt))
		r->status = NVMU_ICPT_S_IOERR;
}

static void encrypt_fini(void *arg)
{
	struct encrypt *e = arg;

	for (unsigned i = 0; i < e->queues; i++) {
		EVP_CIPHER_CTX_free(e->enc[i]);
		EVP_CIPHER_CTX_free(e->dec[i]);
	}
	OPENSSL_cleanse(e->key, sizeof(e->key));
	free(e);
}

static const struct nvmu_intercept_ops encrypt_ops = {
	.ops_size = sizeof(struct nvmu_intercept_ops),
	.name = "encrypt",
	.on_init = encrypt_init,
	.on_read = encrypt_read,
	.on_write = encrypt_write,
	.on_complete = encrypt_complete,
	.on_fini = encrypt_fini,
};

/* Read the key: exactly 32 or 64 bytes. Returns its length, or 0 after printing why. */
static size_t read_key(const char *verb, const char *path, unsigned char key[64])
{
	unsigned char buf[65];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		cli_usage_error(verb, "--intercept encrypt: cannot open key file %s: %s", path,
				strerror(errno));
		return 0;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != 32 && n != 64) {
		cli_usage_error(verb, "--intercept encrypt: key file %s holds %zu%s bytes; it "
				"must hold 32 (AES-128-XTS) or 64 (AES-256-XTS) random bytes",
				path, n, n == sizeof(buf) ? " or more" : "");
		n = 0;
	}
	memcpy(key, buf, n);
	OPENSSL_cleanse(buf, sizeof(buf));
	return n;
}

static int encrypt_create(const char *verb, const struct icpt_opt *opts, unsigned nopts,
			  const struct nvmu_intercept_ops **ops, void **arg)
{
	static const char *const keys[] = { "key", NULL };
	const char *path = NULL;
	struct encrypt *e;
	size_t len;
	int ret = icpt_check_keys(verb, "encrypt", opts, nopts, keys);

	if (ret)
		return ret;
	for (unsigned i = 0; i < nopts; i++)
		path = opts[i].value;
	if (!path)
		return cli_usage_error(verb, "--intercept encrypt needs key=FILE");
	e = calloc(1, sizeof(*e));
	if (!e) {
		fprintf(stderr, "nvmu %s: no memory\n", verb);
		return EXIT_FAILED;
	}
	len = read_key(verb, path, e->key);
	if (!len) {
		free(e);
		return EXIT_USAGE;
	}
	e->cipher = len == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts();
	*ops = &encrypt_ops;
	*arg = e;
	return 0;
}

const struct tool_icpt icpt_encrypt = {
	.name = "encrypt",
	.help = "encrypt,key=FILE: AES-XTS with the 32- or 64-byte key in FILE",
	.create = encrypt_create,
};
