// SPDX-License-Identifier: GPL-2.0
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "util.h"

static void init(struct hash_ctx *c, const EVP_MD *type)
{
	c->md = EVP_MD_CTX_new();
	if (!c->md || !EVP_DigestInit_ex(c->md, type, NULL))
		die("OpenSSL: cannot initialise a digest");
}

void sha1_init(struct hash_ctx *c)
{
	init(c, EVP_sha1());
}

void sha256_init(struct hash_ctx *c)
{
	init(c, EVP_sha256());
}

void hash_update(struct hash_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void hash_final(struct hash_ctx *c, unsigned char *out)
{
	EVP_DigestFinal_ex(c->md, out, NULL);
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
}

void sha1_buf(const void *data, size_t len, unsigned char out[20])
{
	EVP_Digest(data, len, out, NULL, EVP_sha1(), NULL);
}

int sha256_file(const char *path, char hex[65])
{
	unsigned char buf[1 << 16], sum[32];
	struct hash_ctx c;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	sha256_init(&c);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			hash_final(&c, sum);
			close(fd);
			return -1;
		}
		hash_update(&c, buf, n);
	}
	close(fd);
	hash_final(&c, sum);
	hex_encode(hex, sum, 32);
	return 0;
}
