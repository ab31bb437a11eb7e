/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-1 (object ids) and SHA-256 (the pinned tarball), via OpenSSL. */
#ifndef KSERIES_HASH_H
#define KSERIES_HASH_H

#include <stddef.h>

struct hash_ctx {
	void *md;
};

void sha1_init(struct hash_ctx *c);
void sha256_init(struct hash_ctx *c);
void hash_update(struct hash_ctx *c, const void *data, size_t len);
/* Writes 20 or 32 bytes and frees the context. */
void hash_final(struct hash_ctx *c, unsigned char *out);
void sha1_buf(const void *data, size_t len, unsigned char out[20]);
/* SHA-256 of a file as 64 hex digits in @hex; -1 if it cannot be read. */
int sha256_file(const char *path, char hex[65]);

#endif
