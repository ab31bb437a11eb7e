// SPDX-License-Identifier: GPL-2.0
#include "gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	sb_add(sb, b, 4);
}

void gitindex_release(struct gitindex *ix)
{
	free(ix->path);
	if (ix->raw)
		munmap((void *)ix->raw, ix->len);
	free(ix->off);
	memset(ix, 0, sizeof(*ix));
}

/*
 * The file is mapped, not read: on these virtual machines faulting in
 * fresh memory for a copy costs more than everything else together.
 * Its trailing checksum is not verified (git writes it; we only copy
 * the entries we do not change).
 */
int gitindex_read(struct gitindex *ix, const char *path)
{
	const unsigned char *b;
	struct stat st;
	size_t pos, i, len;
	void *map;
	int fd;

	memset(ix, 0, sizeof(*ix));
	ix->path = xstrdup(path);
	ix->version = 2;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st))
		return error("cannot read %s: %s", path, strerror(errno));
	if (st.st_size < 32) {
		close(fd);
		return error("%s: not a git index", path);
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		   fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return error("cannot map %s: %s", path, strerror(errno));
	ix->raw = map;
	ix->len = len = st.st_size;
	b = map;
	if (memcmp(b, "DIRC", 4))
		return error("%s: not a git index", path);
	ix->version = get32(b + 4);
	if (ix->version != 2 && ix->version != 3)
		return error("%s: index version %u is not supported",
			     path, ix->version);
	ix->nr = get32(b + 8);
	ix->off = xmalloc((ix->nr + 1) * sizeof(*ix->off));
	pos = 12;
	for (i = 0; i < ix->nr; i++) {
		unsigned int flags, start;
		const char *name;
		size_t n;

		if (pos + 64 > len - 20)
			return error("%s: truncated index", path);
		flags = b[pos + 60] << 8 | b[pos + 61];
		if ((flags >> 12) & 3)
			return error("%s: the index has unmerged entries; resolve them first",
				     path);
		start = (flags & 0x4000) && ix->version == 3 ? 64 : 62;
		name = (const char *)b + pos + start;
		n = (flags & 0xfff) < 0xfff ? (flags & 0xfff) :
		    strnlen(name, len - 20 - pos - start);
		ix->off[i] = pos;
		pos += (start + n + 8) & ~(size_t)7;
	}
	ix->end = pos;
	/* A split index keeps entries elsewhere: not for us. */
	while (pos + 8 <= len - 20) {
		uint32_t sz = get32(b + pos + 4);

		if (!memcmp(b + pos, "link", 4))
			return error("%s: split indexes are not supported",
				     path);
		pos += 8 + sz;
	}
	return 0;
}

static void decode(const struct gitindex *ix, size_t i,
		   struct gitindex_entry *e)
{
	const unsigned char *p = (const unsigned char *)ix->raw +
				 ix->off[i];
	unsigned int flags = p[60] << 8 | p[61];

	e->ctime = get32(p);
	e->ctime_ns = get32(p + 4);
	e->mtime = get32(p + 8);
	e->mtime_ns = get32(p + 12);
	e->dev = get32(p + 16);
	e->ino = get32(p + 20);
	e->mode = get32(p + 24);
	e->uid = get32(p + 28);
	e->gid = get32(p + 32);
	e->size = get32(p + 36);
	memcpy(e->oid, p + 40, 20);
	e->path = (const char *)p +
		  ((flags & 0x4000) && ix->version == 3 ? 64 : 62);
}

static const char *path_at(const struct gitindex *ix, size_t i)
{
	struct gitindex_entry e;

	decode(ix, i, &e);
	return e.path;
}

bool gitindex_find(const struct gitindex *ix, const char *path,
		   struct gitindex_entry *e)
{
	size_t lo = 0, hi = ix->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, path_at(ix, mid));

		if (!c) {
			decode(ix, mid, e);
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

void gitindex_stat(struct gitindex_entry *e, const struct stat *st)
{
	e->ctime = st->st_ctim.tv_sec;
	e->ctime_ns = st->st_ctim.tv_nsec;
	e->mtime = st->st_mtim.tv_sec;
	e->mtime_ns = st->st_mtim.tv_nsec;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = st->st_size;
}

static void encode(struct strbuf *sb, const char *path,
		   const struct gitindex_entry *e)
{
	size_t n = strlen(path), start = sb->len, pad;
	unsigned char fl[2];

	put32(sb, e->ctime);
	put32(sb, e->ctime_ns);
	put32(sb, e->mtime);
	put32(sb, e->mtime_ns);
	put32(sb, e->dev);
	put32(sb, e->ino);
	put32(sb, e->mode);
	put32(sb, e->uid);
	put32(sb, e->gid);
	put32(sb, e->size);
	sb_add(sb, e->oid, 20);
	fl[0] = (n < 0xfff ? n : 0xfff) >> 8;
	fl[1] = (n < 0xfff ? n : 0xfff) & 0xff;
	sb_add(sb, fl, 2);
	sb_add(sb, path, n);
	pad = 8 - (sb->len - start) % 8;
	sb_add(sb, "\0\0\0\0\0\0\0\0", pad);
}

static int update_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gitindex_update *)a)->path,
		      ((const struct gitindex_update *)b)->path);
}

/* The new index goes out in pieces, hashed on the way. */
struct out {
	int fd;
	struct hash_ctx sha;
	struct strbuf buf;	/* small pieces, written in batches */
	bool failed;
};

static void out_flush(struct out *o)
{
	if (o->buf.len && !o->failed &&
	    write(o->fd, o->buf.buf, o->buf.len) != (ssize_t)o->buf.len)
		o->failed = true;
	sb_reset(&o->buf);
}

static void out_add(struct out *o, const void *p, size_t n)
{
	hash_update(&o->sha, p, n);
	if (n < 4096) {
		sb_add(&o->buf, p, n);
		if (o->buf.len >= 65536)
			out_flush(o);
		return;
	}
	out_flush(o);
	if (!o->failed && write(o->fd, p, n) != (ssize_t)n)
		o->failed = true;
}

int gitindex_write(const struct gitindex *ix, struct gitindex_update *up,
		   size_t n)
{
	char *lock = xasprintf("%s.lock", ix->path);
	struct strbuf ent = STRBUF_INIT;
	unsigned char hdr[12], sum[20];
	size_t i = 0, j = 0, count = ix->nr;
	struct out o = { .buf = STRBUF_INIT };
	int ret = -1;

	qsort(up, n, sizeof(*up), update_cmp);
	/* The new count first: every update adds, replaces or removes. */
	for (j = 0; j < n; j++) {
		struct gitindex_entry e;
		bool had = gitindex_find(ix, up[j].path, &e);

		count += (!had && up[j].e) - (had && !up[j].e);
	}
	memcpy(hdr, "DIRC", 4);
	hdr[4] = ix->version >> 24;
	hdr[5] = ix->version >> 16;
	hdr[6] = ix->version >> 8;
	hdr[7] = ix->version;
	hdr[8] = count >> 24;
	hdr[9] = count >> 16;
	hdr[10] = count >> 8;
	hdr[11] = count;

	o.fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (o.fd < 0) {
		error("cannot lock the index (%s): %s", lock, strerror(errno));
		free(lock);
		return -1;
	}
	sha1_init(&o.sha);
	out_add(&o, hdr, 12);
	j = 0;
	while (i < ix->nr || j < n) {
		int c = i == ix->nr ? 1 : j == n ? -1 :
			strcmp(path_at(ix, i), up[j].path);

		if (c < 0) {
			/* Copy the run of entries before the next update. */
			size_t k, end;

			if (j == n) {
				k = ix->nr;
			} else {
				size_t lo = i + 1, hi = ix->nr;

				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;

					if (strcmp(path_at(ix, mid),
						   up[j].path) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				k = lo;
			}
			end = k < ix->nr ? ix->off[k] : ix->end;
			out_add(&o, ix->raw + ix->off[i], end - ix->off[i]);
			i = k;
			continue;
		}
		if (up[j].e) {
			sb_reset(&ent);
			encode(&ent, up[j].path, up[j].e);
			out_add(&o, ent.buf, ent.len);
		}
		if (!c)
			i++;
		j++;
	}
	out_flush(&o);
	hash_final(&o.sha, sum);
	if (!o.failed && write(o.fd, sum, 20) != 20)
		o.failed = true;
	if (close(o.fd) || o.failed) {
		error("cannot write %s: %s", lock, strerror(errno));
		unlink(lock);
		goto out;
	}
	if (rename(lock, ix->path)) {
		error("cannot rename %s: %s", lock, strerror(errno));
		unlink(lock);
		goto out;
	}
	ret = 0;
out:
	sb_release(&ent);
	sb_release(&o.buf);
	free(lock);
	return ret;
}
