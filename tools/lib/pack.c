// SPDX-License-Identifier: GPL-2.0
#include "pack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "hash.h"

static const char *const type_names[] = {
	[OBJ_COMMIT] = "commit", [OBJ_TREE] = "tree", [OBJ_BLOB] = "blob",
};

void pack_init(struct pack_writer *w, const char *pack_dir, int level,
	       size_t max_bytes)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->dir = xstrdup(pack_dir);
	w->level = level;
	w->max_bytes = max_bytes;
}

void object_id(enum obj_type type, const void *data, size_t len,
	       unsigned char oid[20])
{
	char hdr[32];
	int n = snprintf(hdr, sizeof(hdr), "%s %zu", type_names[type], len);
	struct hash_ctx c;

	sha1_init(&c);
	hash_update(&c, hdr, n + 1);
	hash_update(&c, data, len);
	hash_final(&c, oid);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int write_all(int fd, const void *p, size_t n);

int pack_stream(struct pack_writer *w)
{
	w->tmp = xasprintf("%s/tmp_pack_%d", w->dir, (int)getpid());
	w->fd = open(w->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (w->fd < 0)
		return error("cannot create %s: %s", w->tmp, strerror(errno));
	/* The header's count is filled in at the end. */
	if (write_all(w->fd, "PACK\0\0\0\2\0\0\0\0", 12))
		return error("cannot write %s: %s", w->tmp, strerror(errno));
	w->off = 12;
	return 0;
}

/* Streaming: small pieces are batched in w->body, big ones go directly. */
static void stream_flush(struct pack_writer *w)
{
	if (w->body.len && !w->failed &&
	    write_all(w->fd, w->body.buf, w->body.len))
		w->failed = true;
	sb_reset(&w->body);
}

static void stream_out(struct pack_writer *w, const void *p, size_t n)
{
	w->crc = crc32(w->crc, p, n);
	w->off += n;
	if (n < 16384) {
		sb_add(&w->body, p, n);
		if (w->body.len >= (1 << 20))
			stream_flush(w);
		return;
	}
	stream_flush(w);
	if (!w->failed && write_all(w->fd, p, n))
		w->failed = true;
}

/*
 * A zlib stream of stored blocks, written directly through @out: level 0
 * is for speed, and zlib's deflate would copy everything through its
 * window.
 */
static void put_stored(const void *data, size_t len,
		       void (*out)(void *ctx, const void *p, size_t n),
		       void *ctx)
{
	const unsigned char *p = data;
	uLong adler = adler32(1, p, len);
	unsigned char b[5];

	out(ctx, "\x78\x01", 2);
	do {
		size_t n = len > 65535 ? 65535 : len;

		b[0] = n == len;	/* BFINAL on the last block */
		b[1] = n & 0xff;
		b[2] = n >> 8;
		b[3] = ~n & 0xff;
		b[4] = (~n >> 8) & 0xff;
		out(ctx, b, 5);
		out(ctx, p, n);
		p += n;
		len -= n;
	} while (len);
	b[0] = adler >> 24;
	b[1] = adler >> 16;
	b[2] = adler >> 8;
	b[3] = adler;
	out(ctx, b, 4);
}

static void out_stream(void *w, const void *p, size_t n)
{
	stream_out(w, p, n);
}

static void out_strbuf(void *sb, const void *p, size_t n)
{
	sb_add(sb, p, n);
}

/* A stored zlib stream, streamed: no copy of the data at all. */
static void stream_stored(struct pack_writer *w, const void *data, size_t len)
{
	put_stored(data, len, out_stream, w);
}

/* The same into @sb, grown once for all of it. */
static void add_stored(struct strbuf *sb, const void *data, size_t len)
{
	sb_grow(sb, len + 6 + 5 * (len / 65535 + 1));
	put_stored(data, len, out_strbuf, sb);
}

int pack_add_oid(struct pack_writer *w, enum obj_type type, const void *data,
		 size_t len, const unsigned char oid[20])
{
	unsigned char hdr[16];
	size_t n = 0, size = len, start;
	struct pack_entry *e;
	z_stream zs;
	int ret;

	hdr[n] = (type << 4) | (size & 15);
	size >>= 4;
	while (size) {
		hdr[n++] |= 0x80;
		hdr[n] = size & 0x7f;
		size >>= 7;
	}
	n++;

	if (w->fd >= 0) {
		uint64_t at = w->off;

		w->crc = crc32(0, NULL, 0);
		stream_out(w, hdr, n);
		if (!w->level) {
			stream_stored(w, data, len);
		} else {
			struct strbuf z = STRBUF_INIT;

			memset(&zs, 0, sizeof(zs));
			if (deflateInit(&zs, w->level) != Z_OK)
				return error("zlib: deflateInit failed");
			sb_grow(&z, deflateBound(&zs, len));
			zs.next_in = (unsigned char *)data;
			zs.avail_in = len;
			zs.next_out = (unsigned char *)z.buf;
			zs.avail_out = z.alloc - 1;
			ret = deflate(&zs, Z_FINISH);
			deflateEnd(&zs);
			if (ret != Z_STREAM_END) {
				sb_release(&z);
				return error("zlib: deflate failed (%d)", ret);
			}
			stream_out(w, z.buf, zs.total_out);
			sb_release(&z);
		}
		ALLOC_GROW(w->ents, w->nr + 1, w->alloc);
		e = &w->ents[w->nr++];
		memcpy(e->oid, oid, 20);
		e->offset = at;
		e->crc = w->crc;
		w->total_objects++;
		return w->failed ? error("cannot write %s: %s", w->tmp,
					 strerror(errno)) : 0;
	}
	start = w->body.len;
	sb_add(&w->body, hdr, n);
	if (!w->level) {
		add_stored(&w->body, data, len);
		goto added;
	}
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, w->level) != Z_OK)
		return error("zlib: deflateInit failed");
	sb_grow(&w->body, deflateBound(&zs, len));
	zs.next_in = (unsigned char *)data;
	zs.avail_in = len;
	zs.next_out = (unsigned char *)w->body.buf + w->body.len;
	zs.avail_out = w->body.alloc - w->body.len - 1;
	ret = deflate(&zs, Z_FINISH);
	if (ret != Z_STREAM_END) {
		deflateEnd(&zs);
		return error("zlib: deflate failed (%d)", ret);
	}
	w->body.len += zs.total_out;
	w->body.buf[w->body.len] = '\0';
	deflateEnd(&zs);
added:
	ALLOC_GROW(w->ents, w->nr + 1, w->alloc);
	e = &w->ents[w->nr++];
	memcpy(e->oid, oid, 20);
	e->offset = 12 + start;
	e->crc = crc32(0, (unsigned char *)w->body.buf + start,
		       w->body.len - start);
	w->total_objects++;
	if (w->body.len >= w->max_bytes)
		return pack_flush(w);
	return 0;
}

int pack_add(struct pack_writer *w, enum obj_type type, const void *data,
	     size_t len, unsigned char oid[20])
{
	object_id(type, data, len, oid);
	return pack_add_oid(w, type, data, len, oid);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pack_entry *x = *(const struct pack_entry * const *)a;
	const struct pack_entry *y = *(const struct pack_entry * const *)b;

	return memcmp(x->oid, y->oid, 20);
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		p = (const char *)p + r;
		n -= r;
	}
	return 0;
}

static int write_idx(struct pack_writer *w, const char *path,
		     const unsigned char pack_sum[20])
{
	struct pack_entry **sorted = xmalloc(w->nr * sizeof(*sorted));
	struct strbuf idx = STRBUF_INIT;
	unsigned char b4[4], sum[20];
	uint32_t fan[256] = { 0 };
	size_t i, large = 0;
	int ret;

	for (i = 0; i < w->nr; i++) {
		sorted[i] = &w->ents[i];
		fan[w->ents[i].oid[0]]++;
	}
	qsort(sorted, w->nr, sizeof(*sorted), cmp_entry);
	sb_add(&idx, "\377tOc\0\0\0\2", 8);
	for (i = 1; i < 256; i++)
		fan[i] += fan[i - 1];
	for (i = 0; i < 256; i++) {
		put_be32(b4, fan[i]);
		sb_add(&idx, b4, 4);
	}
	for (i = 0; i < w->nr; i++)
		sb_add(&idx, sorted[i]->oid, 20);
	for (i = 0; i < w->nr; i++) {
		put_be32(b4, sorted[i]->crc);
		sb_add(&idx, b4, 4);
	}
	for (i = 0; i < w->nr; i++) {
		uint64_t off = sorted[i]->offset;

		put_be32(b4, off < 0x80000000u ? (uint32_t)off :
			 0x80000000u | (uint32_t)large++);
		sb_add(&idx, b4, 4);
	}
	for (i = 0; i < w->nr; i++) {
		uint64_t off = sorted[i]->offset;

		if (off < 0x80000000u)
			continue;
		put_be32(b4, off >> 32);
		sb_add(&idx, b4, 4);
		put_be32(b4, (uint32_t)off);
		sb_add(&idx, b4, 4);
	}
	sb_add(&idx, pack_sum, 20);
	sha1_buf(idx.buf, idx.len, sum);
	sb_add(&idx, sum, 20);
	ret = write_file_atomic(path, idx.buf, idx.len);
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	sb_release(&idx);
	free(sorted);
	return ret;
}

/* Finish a streamed pack: its count, its checksum, its index. */
static int stream_finish(struct pack_writer *w)
{
	unsigned char hdr[12], sum[20], *buf = xmalloc(1 << 20);
	char hex[41], *pack = NULL, *idx = NULL;
	struct hash_ctx c;
	ssize_t got;
	int ret = -1;

	stream_flush(w);
	memcpy(hdr, "PACK", 4);
	put_be32(hdr + 4, 2);
	put_be32(hdr + 8, w->nr);
	if (w->failed || pwrite(w->fd, hdr, 12, 0) != 12 ||
	    lseek(w->fd, 0, SEEK_SET)) {
		error("cannot write %s: %s", w->tmp, strerror(errno));
		goto out;
	}
	sha1_init(&c);
	while ((got = read(w->fd, buf, 1 << 20)) > 0)
		hash_update(&c, buf, got);
	hash_final(&c, sum);
	if (got < 0 || write_all(w->fd, sum, 20) || close(w->fd)) {
		error("cannot write %s: %s", w->tmp, strerror(errno));
		w->fd = -1;
		goto out;
	}
	w->fd = -1;
	hex_encode(hex, sum, 20);
	pack = xasprintf("%s/pack-%s.pack", w->dir, hex);
	idx = xasprintf("%s/pack-%s.idx", w->dir, hex);
	if (write_idx(w, idx, sum))
		goto out;
	if (rename(w->tmp, pack)) {
		error("cannot rename %s: %s", w->tmp, strerror(errno));
		goto out;
	}
	w->packs++;
	w->nr = 0;
	ret = 0;
out:
	if (ret)
		unlink(w->tmp);
	free(buf);
	free(pack);
	free(idx);
	return ret;
}

int pack_flush(struct pack_writer *w)
{
	unsigned char hdr[12], sum[20];
	char hex[41], *tmp, *pack, *idx;
	struct hash_ctx c;
	int fd, ret = -1;

	if (w->fd >= 0)
		return stream_finish(w);
	if (!w->nr)
		return 0;
	memcpy(hdr, "PACK", 4);
	put_be32(hdr + 4, 2);
	put_be32(hdr + 8, w->nr);
	sha1_init(&c);
	hash_update(&c, hdr, 12);
	hash_update(&c, w->body.buf, w->body.len);
	hash_final(&c, sum);
	hex_encode(hex, sum, 20);

	tmp = xasprintf("%s/tmp_pack_%d", w->dir, (int)getpid());
	pack = xasprintf("%s/pack-%s.pack", w->dir, hex);
	idx = xasprintf("%s/pack-%s.idx", w->dir, hex);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (fd < 0) {
		error("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, hdr, 12) ||
	    write_all(fd, w->body.buf, w->body.len) ||
	    write_all(fd, sum, 20)) {
		error("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd)) {
		error("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	/* The index goes first: git only looks at packs that have one. */
	if (write_idx(w, idx, sum))
		goto out;
	if (rename(tmp, pack)) {
		error("cannot rename %s: %s", tmp, strerror(errno));
		goto out;
	}
	w->packs++;
	w->nr = 0;
	sb_reset(&w->body);
	ret = 0;
out:
	if (ret)
		unlink(tmp);
	free(tmp);
	free(pack);
	free(idx);
	return ret;
}

void pack_release(struct pack_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmp);
	}
	free(w->tmp);
	sb_release(&w->body);
	free(w->ents);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}
