// SPDX-License-Identifier: GPL-2.0
/*
 * Stream a .tar.xz into a new git repository: pack, work tree and index
 * in one pass, without `tar x` and `git add`.
 *
 * The xz stream is decoded by liblzma's multi-threaded decoder (the
 * Debian orig tarball has 41 independent blocks), so decompression runs
 * on the other core while this thread parses the tar stream (libarchive,
 * fed the decoded blocks: its own xz filter would decode on one thread),
 * hashes each file, stores it in the pack and writes it to the work tree.
 * bench/tarreader.sh measures the reader against the hand-written parser
 * it replaced.
 */
#include "tarball.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitindex.h"
#include "hash.h"
#include "pack.h"
#include "util.h"

#define IN_CHUNK	(1 << 20)
#define OUT_CHUNK	(4 << 20)

/* The decompressed tar stream, pulled a block at a time. */
struct source {
	int fd;
	lzma_stream xz;
	struct hash_ctx sha;
	unsigned char *in, *out;
	size_t out_pos, out_len;
	bool in_eof, xz_end;
	uint64_t total_in;
};

struct node {
	char *name;
	unsigned int mode;	/* 040000 for directories */
	unsigned char oid[20];
	bool made;		/* directory exists in the work tree */
	size_t ent;		/* a file's entry in importer.ents */
	struct node **kids;
	size_t nr, alloc;
};

/* A file's index entry; the path is kept apart, gitindex_entry's is const. */
struct ientry {
	char *path;
	struct gitindex_entry e;
};

struct importer {
	const struct tarball_opts *o;
	struct source src;
	struct pack_writer pack;
	char *tmp;		/* the repository being built */
	struct node root;
	struct ientry *ents;
	size_t nr, alloc;
	struct strbuf data;	/* the current file's content */
	size_t stored;		/* objects written */
	size_t files;		/* files and symlinks in the tree */
	uint64_t max_mtime;
	size_t bytes;
	double start, last_report;
	bool src_failed;	/* the xz stream failed (and said why) */
};

static int source_open(struct source *s, const char *path, int threads)
{
	lzma_mt mt;
	lzma_ret ret;

	memset(s, 0, sizeof(*s));
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return error("cannot open %s: %s", path, strerror(errno));
	memset(&mt, 0, sizeof(mt));
	mt.threads = threads > 0 ? threads : lzma_cputhreads();
	if (!mt.threads)
		mt.threads = 1;
	mt.memlimit_threading = 1ULL << 30;
	mt.memlimit_stop = UINT64_MAX;
	ret = lzma_stream_decoder_mt(&s->xz, &mt);
	if (ret != LZMA_OK) {
		close(s->fd);
		return error("liblzma: cannot start the decoder (%d)", ret);
	}
	s->in = xmalloc(IN_CHUNK);
	s->out = xmalloc(OUT_CHUNK);
	sha256_init(&s->sha);
	return 0;
}

/* Decode more output into s->out; 0 at the end of the stream. */
static ssize_t source_fill(struct source *s, const char *path)
{
	lzma_ret ret;

	if (s->xz_end)
		return 0;
	s->xz.next_out = s->out;
	s->xz.avail_out = OUT_CHUNK;
	while (s->xz.avail_out == OUT_CHUNK) {
		if (!s->xz.avail_in && !s->in_eof) {
			ssize_t n = read(s->fd, s->in, IN_CHUNK);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return error("cannot read %s: %s", path,
					     strerror(errno));
			if (!n)
				s->in_eof = true;
			hash_update(&s->sha, s->in, n);
			s->total_in += n;
			s->xz.next_in = s->in;
			s->xz.avail_in = n;
		}
		ret = lzma_code(&s->xz, s->in_eof ? LZMA_FINISH : LZMA_RUN);
		if (ret == LZMA_STREAM_END) {
			s->xz_end = true;
			break;
		}
		if (ret != LZMA_OK)
			return error("%s: corrupt xz data (liblzma error %d)",
				     path, ret);
	}
	s->out_pos = 0;
	s->out_len = OUT_CHUNK - s->xz.avail_out;
	return s->out_len;
}

/*
 * Decode and hash the rest of the file (the tar stream's padding, what
 * follows the xz stream); @hex gets the SHA-256 of the whole file.
 */
static int source_finish(struct source *s, const char *path, char hex[65])
{
	unsigned char sum[32];
	ssize_t n;

	while ((n = source_fill(s, path)) > 0)
		;
	if (n < 0)
		return -1;
	while (!s->in_eof) {
		n = read(s->fd, s->in, IN_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->in_eof = true;
			break;
		}
		hash_update(&s->sha, s->in, n);
	}
	hash_final(&s->sha, sum);
	hex_encode(hex, sum, 32);
	return 0;
}

static void source_close(struct source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	lzma_end(&s->xz);
	if (s->sha.md) {
		unsigned char sum[32];

		hash_final(&s->sha, sum);
	}
	free(s->in);
	free(s->out);
}

/* Is @name a path component a repository must never contain? */
static bool bad_component(const char *name, size_t n)
{
	return !n || (n == 1 && name[0] == '.') ||
	       (n == 2 && !memcmp(name, "..", 2)) ||
	       (n == 4 && !strncasecmp(name, ".git", 4));
}

static struct node *child(struct node *dir, const char *name, size_t n)
{
	size_t i;

	/* Tarballs list a directory's entries together: look back first. */
	for (i = dir->nr; i > 0; i--) {
		struct node *k = dir->kids[i - 1];

		if (!strncmp(k->name, name, n) && !k->name[n])
			return k;
	}
	return NULL;
}

static struct node *add_child(struct node *dir, const char *name, size_t n,
			      unsigned int mode)
{
	struct node *k = xcalloc(1, sizeof(*k));

	k->name = xstrndup(name, n);
	k->mode = mode;
	ALLOC_GROW(dir->kids, dir->nr + 1, dir->alloc);
	dir->kids[dir->nr++] = k;
	return k;
}

static int make_dir(struct importer *im, const char *rel, size_t n,
		    struct node *d)
{
	char *p;

	if (d->made || im->o->have)
		return 0;
	p = xasprintf("%s/%.*s", im->tmp, (int)n, rel);
	if (mkdir(p, 0777) && errno != EEXIST) {
		error("cannot create %s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	d->made = true;
	return 0;
}

/*
 * Find (creating directories on the way) the parent directory of @rel and
 * check that no component is unsafe or goes through a symlink.
 */
static struct node *walk(struct importer *im, const char *rel,
			 const char **leaf)
{
	struct node *d = &im->root;
	const char *p = rel;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		struct node *k;

		if (bad_component(p, n)) {
			error("%s: refusing the unsafe path '%s'",
			      im->o->tarball, rel);
			return NULL;
		}
		if (!slash) {
			*leaf = p;
			return d;
		}
		k = child(d, p, n);
		if (!k) {
			k = add_child(d, p, n, 040000);
		} else if (k->mode != 040000) {
			error("%s: '%s' goes through %s '%.*s'",
			      im->o->tarball, rel,
			      k->mode == 0120000 ? "the symlink" : "the file",
			      (int)(slash - rel), rel);
			return NULL;
		}
		if (make_dir(im, rel, slash - rel, k))
			return NULL;
		d = k;
		p = slash + 1;
	}
}

static int create_excl(const char *path, mode_t perm)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    perm);
}

static int write_work_file(struct importer *im, const char *rel,
			   unsigned int mode, const char *data, size_t len,
			   struct stat *st)
{
	char *p = xasprintf("%s/%s", im->tmp, rel);
	mode_t perm = mode == 0100755 ? 0777 : 0666;
	int fd, ret = -1;

	/*
	 * The tree is new, so a path exists only when the tarball names it
	 * twice (the later entry wins): try to create first, and unlink only
	 * then, instead of one failing unlink() per file.
	 */
	if (mode == 0120000) {
		char *target = xstrndup(data, len);
		int r = symlink(target, p);

		if (r && errno == EEXIST && !unlink(p))
			r = symlink(target, p);
		r = r || lstat(p, st);

		free(target);
		if (r) {
			error("cannot create the symlink %s: %s", p,
			      strerror(errno));
			goto out;
		}
		ret = 0;
		goto out;
	}
	fd = create_excl(p, perm);
	if (fd < 0 && errno == EEXIST && !unlink(p))
		fd = create_excl(p, perm);
	if (fd < 0) {
		error("cannot create %s: %s", p, strerror(errno));
		goto out;
	}
	if ((len && write(fd, data, len) != (ssize_t)len) || fstat(fd, st)) {
		error("cannot write %s: %s", p, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd)) {
		error("cannot write %s: %s", p, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(p);
	return ret;
}

void tarball_print_progress(const struct tarball_progress *p, void *data)
{
	if (quiet)
		return;
	fprintf(stderr, "kseries: import: %zu files, %zu MB, %.0f files/s, %.1f s%s",
		p->files, p->bytes >> 20,
		p->seconds > 0 ? p->files / p->seconds : 0.0, p->seconds,
		p->done || !isatty(2) ? "\n" : "\r");
}

/* Tell the caller how far we are, at most once a second until the end. */
static void report(struct importer *im, bool last)
{
	void (*fn)(const struct tarball_progress *p, void *data) =
		im->o->progress_fn;
	struct tarball_progress p = { .files = im->files, .bytes = im->bytes,
				      .done = last };
	double t = now_seconds();

	if (!fn || (!last && t - im->last_report < 1.0))
		return;
	im->last_report = t;
	p.seconds = t - im->start;
	fn(&p, im->o->progress_data);
}

static void set_entry(struct ientry *e, unsigned int mode,
		      const unsigned char *oid, const struct stat *st)
{
	gitindex_stat(&e->e, st);
	e->e.mode = mode;
	memcpy(e->e.oid, oid, 20);
}

static void add_entry(struct importer *im, const char *rel, unsigned int mode,
		      const unsigned char *oid, const struct stat *st)
{
	struct ientry *e;

	ALLOC_GROW(im->ents, im->nr + 1, im->alloc);
	e = &im->ents[im->nr++];
	e->path = xstrdup(rel);
	set_entry(e, mode, oid, st);
}

/* Store an object unless the repository imported into already has it. */
static int store(struct importer *im, enum obj_type type, const void *data,
		 size_t len, unsigned char oid[20])
{
	if (!im->o->have) {
		im->stored++;
		return pack_add(&im->pack, type, data, len, oid);
	}
	object_id(type, data, len, oid);
	if (im->o->have(oid, im->o->have_data))
		return 0;
	im->stored++;
	return pack_add_oid(&im->pack, type, data, len, oid);
}

/* Record a file (or symlink) entry of the tar stream. */
static int add_file(struct importer *im, const char *rel, unsigned int mode,
		    const char *hardlink, const char *data, size_t len)
{
	const char *leaf;
	struct node *d = walk(im, rel, &leaf), *k;
	unsigned char oid[20];
	struct stat st;

	if (!d)
		return -1;
	k = child(d, leaf, strlen(leaf));
	if (k && k->mode == 040000)
		return error("%s: '%s' is both a directory and a file",
			     im->o->tarball, rel);
	if (hardlink) {
		const char *tleaf;
		struct node *td = walk(im, hardlink, &tleaf), *t;

		t = td ? child(td, tleaf, strlen(tleaf)) : NULL;
		if (!t || t->mode == 040000)
			return error("%s: hard link '%s' to unknown '%s'",
				     im->o->tarball, rel, hardlink);
		if (im->o->have) {
			/* No work tree to copy from: the target's blob. */
			memcpy(oid, t->oid, 20);
			mode = t->mode;
			goto record;
		}
		/* git add sees a hard link as a copy of its target. */
		sb_reset(&im->data);
		{
			char *tp = xasprintf("%s/%s", im->tmp, hardlink);
			int r = t->mode == 0120000 ? -1 :
				read_file(tp, &im->data);

			free(tp);
			if (r)
				return error("%s: cannot copy hard link '%s'",
					     im->o->tarball, rel);
		}
		mode = t->mode;
		data = sb_str(&im->data);
		len = im->data.len;
	}
	if (store(im, OBJ_BLOB, data, len, oid))
		return -1;
	im->bytes += len;
record:
	if (!k)
		im->files++;
	if (im->o->have) {
		if (!k)
			k = add_child(d, leaf, strlen(leaf), mode);
	} else if (write_work_file(im, rel, mode, data, len, &st)) {
		return -1;
	} else if (k) {
		/* Named again (tar -r): the later entry replaces it. */
		struct ientry *e = &im->ents[k->ent];

		set_entry(e, mode, oid, &st);
	} else {
		k = add_child(d, leaf, strlen(leaf), mode);
		k->ent = im->nr;
		add_entry(im, rel, mode, oid, &st);
	}
	k->mode = mode;
	memcpy(k->oid, oid, 20);
	report(im, false);
	return 0;
}

/*
 * libarchive's read callback: the next block of the tar stream, decoded
 * by our multi-threaded xz decoder (libarchive's xz filter runs on one
 * thread). The block stays valid until the next call.
 */
static la_ssize_t tar_block(struct archive *a, void *data, const void **buf)
{
	struct importer *im = data;
	ssize_t n = source_fill(&im->src, im->o->tarball);

	if (n < 0) {
		im->src_failed = true;	/* already said why */
		archive_set_error(a, EIO, "the xz stream failed");
		return ARCHIVE_FATAL;
	}
	*buf = im->src.out;
	return n;
}

/*
 * The content of the current regular file (@size bytes): in place when
 * libarchive gives it in one block, as most files come, else copied into
 * im->data (a file across two decoded blocks, or a sparse one).
 */
static int file_data(struct importer *im, struct archive *a, int64_t size,
		     const char **data, size_t *len)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	int r;

	sb_reset(&im->data);
	while ((r = archive_read_data_block(a, &buf, &n, &off)) ==
	       ARCHIVE_OK || r == ARCHIVE_WARN) {
		/*
		 * Stop at once, without asking for the end: that could
		 * decode the next block over this one.
		 */
		if (!off && n == (uint64_t)size && !im->data.len) {
			*data = buf;
			*len = n;
			return 0;
		}
		while (im->data.len < (uint64_t)off)
			sb_add(&im->data, "", 1);
		sb_add(&im->data, buf, n);
	}
	if (r != ARCHIVE_EOF)
		return -1;
	while (im->data.len < (uint64_t)size)
		sb_add(&im->data, "", 1);
	*data = sb_str(&im->data);
	*len = im->data.len;
	return 0;
}

/* Record a directory entry; only its safety and its existence matter. */
static int add_dir(struct importer *im, const char *rel)
{
	const char *leaf;
	struct node *d = walk(im, rel, &leaf), *k;

	if (!d)
		return -1;
	k = child(d, leaf, strlen(leaf));
	if (k && k->mode != 040000)
		return error("%s: '%s' is both a file and a directory",
			     im->o->tarball, rel);
	if (!k)
		k = add_child(d, leaf, strlen(leaf), 040000);
	return make_dir(im, rel, strlen(rel), k);
}

/*
 * @name without the top directory o->strip (NULL and an error if it is
 * outside); "" for the top directory itself.
 */
static const char *strip_top(struct importer *im, const char *name)
{
	const char *strip = im->o->strip, *rel = name;
	size_t slen = strip ? strlen(strip) : 0;

	if (slen) {
		if (strncmp(name, strip, slen) ||
		    (name[slen] && name[slen] != '/')) {
			error("%s: '%s' is outside the top directory '%s'",
			      im->o->tarball, name, strip);
			return NULL;
		}
		rel = name + slen;
		if (*rel == '/')
			rel++;
	}
	if (*rel == '/') {
		error("%s: refusing the absolute path '%s'", im->o->tarball,
		      name);
		return NULL;
	}
	return rel;
}

/* The tar type letter of a kind of entry we skip, for the warning. */
static char tar_type(mode_t type)
{
	switch (type) {
	case AE_IFCHR:
		return '3';
	case AE_IFBLK:
		return '4';
	case AE_IFIFO:
		return '6';
	default:
		return '?';
	}
}

/* Import the entry @ae; its content is read from @a if it has one. */
static int tar_entry(struct importer *im, struct archive *a,
		     struct archive_entry *ae)
{
	char *name = xstrdup(archive_entry_pathname(ae) ?
			     archive_entry_pathname(ae) : "");
	const char *hardlink = archive_entry_hardlink(ae), *rel, *data;
	const char *slink = archive_entry_symlink(ae);
	mode_t type = archive_entry_filetype(ae);
	time_t mtime = archive_entry_mtime(ae);
	int ret = -1;
	size_t len;

	if (mtime > 0 && (uint64_t)mtime > im->max_mtime)
		im->max_mtime = mtime;
	if (!hardlink && type != AE_IFREG && type != AE_IFDIR &&
	    type != AE_IFLNK) {
		warning("%s: skipping '%s' (tar type '%c')", im->o->tarball,
			name, tar_type(type));
		ret = 0;
		goto out;
	}
	while (ends_with(name, "/") && strlen(name) > 1)
		name[strlen(name) - 1] = '\0';
	rel = strip_top(im, name);
	if (!rel || !*rel) {
		ret = rel ? 0 : -1;	/* "": the top directory itself */
		goto out;
	}
	if (hardlink) {
		const char *t = strip_top(im, hardlink);

		ret = t ? add_file(im, rel, 0, t, NULL, 0) : -1;
	} else if (type == AE_IFDIR) {
		ret = add_dir(im, rel);
	} else if (type == AE_IFLNK) {
		slink = slink ? slink : "";
		ret = add_file(im, rel, 0120000, NULL, slink, strlen(slink));
	} else if (!file_data(im, a, archive_entry_size(ae), &data, &len)) {
		ret = add_file(im, rel, (archive_entry_perm(ae) & 0100) ?
			       0100755 : 0100644, NULL, data, len);
	} else if (!im->src_failed) {
		error("%s: corrupt tar archive in '%s': %s", im->o->tarball,
		      name, archive_error_string(a) ?
		      archive_error_string(a) : "unknown error");
	}
out:
	free(name);
	return ret;
}

/* Read the tar stream to its end, parsed by libarchive. */
static int read_tar(struct importer *im)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char *last = NULL;
	int r, ret = -1;

	/* ustar, GNU (long names, base-256 numbers) and pax. */
	archive_read_support_format_tar(a);
	r = archive_read_open(a, im, NULL, tar_block, NULL);
	while (r == ARCHIVE_OK &&
	       ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
		r == ARCHIVE_WARN)) {
		if (tar_entry(im, a, ae))
			goto out;
		free(last);
		last = xstrdup(archive_entry_pathname(ae) ?
			       archive_entry_pathname(ae) : "");
		r = ARCHIVE_OK;
	}
	if (r == ARCHIVE_EOF)
		ret = 0;
	else if (!im->src_failed)
		error("%s: corrupt tar archive %s%s%s: %s", im->o->tarball,
		      last ? "after '" : "at its start", last ? last : "",
		      last ? "'" : "", archive_error_string(a) ?
		      archive_error_string(a) : "unknown error");
out:
	free(last);
	archive_read_free(a);
	return ret;
}

/* git's tree order: a directory sorts as if its name ended with '/'. */
static int tree_cmp(const void *a, const void *b)
{
	const struct node *x = *(const struct node * const *)a;
	const struct node *y = *(const struct node * const *)b;
	size_t lx = strlen(x->name), ly = strlen(y->name);
	size_t n = lx < ly ? lx : ly;
	int c = memcmp(x->name, y->name, n);
	unsigned char cx, cy;

	if (c)
		return c;
	cx = lx > n ? x->name[n] : (x->mode == 040000 ? '/' : 0);
	cy = ly > n ? y->name[n] : (y->mode == 040000 ? '/' : 0);
	return cx - cy;
}

/* Hash the trees bottom-up; returns 1 if @d is empty (git omits it). */
static int write_tree(struct importer *im, struct node *d)
{
	struct strbuf buf = STRBUF_INIT;
	size_t i;
	int ret;

	/* An empty directory has no kids array: qsort(NULL) is undefined. */
	if (d->nr)
		qsort(d->kids, d->nr, sizeof(*d->kids), tree_cmp);
	for (i = 0; i < d->nr; i++) {
		struct node *k = d->kids[i];

		if (k->mode == 040000) {
			ret = write_tree(im, k);
			if (ret < 0)
				goto out;
			if (ret)
				continue;
		}
		sb_addf(&buf, "%o %s", k->mode, k->name);
		sb_add(&buf, "", 1);
		sb_add(&buf, k->oid, 20);
	}
	if (!buf.len && d != &im->root) {
		ret = 1;
		goto out;
	}
	ret = store(im, OBJ_TREE, sb_str(&buf), buf.len, d->oid);
out:
	sb_release(&buf);
	return ret;
}

static void free_node(struct node *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free_node(d->kids[i]);
		free(d->kids[i]);
	}
	free(d->kids);
	free(d->name);
}

/*
 * Write .git/index (version 2) with the stat data of the new files,
 * through gitindex.c: every entry is an update of an empty index.
 */
static int write_index(struct importer *im)
{
	struct gitindex_update *up = xcalloc(im->nr + 1, sizeof(*up));
	char *path = xasprintf("%s/.git/index", im->tmp);
	struct gitindex ix;
	size_t i;
	int ret;

	ret = gitindex_read(&ix, path);
	for (i = 0; !ret && i < im->nr; i++) {
		up[i].path = im->ents[i].path;
		up[i].e = &im->ents[i].e;
	}
	if (!ret)
		ret = gitindex_write(&ix, up, im->nr);
	gitindex_release(&ix);
	free(path);
	free(up);
	return ret;
}

static int write_ref(struct importer *im, const char *ref, const char *val)
{
	char *path = xasprintf("%s/.git/%s", im->tmp, ref);
	char *dir = xstrdup(path), *data = xasprintf("%s\n", val);
	int ret;

	*strrchr(dir, '/') = '\0';
	ret = mkdir_p(dir, 0755) ||
	      write_file_atomic(path, data, strlen(data));
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(dir);
	free(data);
	return ret ? -1 : 0;
}

static int init_repo(struct importer *im)
{
	static const char *const dirs[] = {
		".git/objects/pack", ".git/objects/info", ".git/refs/heads",
		".git/refs/tags", ".git/info",
	};
	static const char config[] =
		"[core]\n"
		"\trepositoryformatversion = 0\n"
		"\tfilemode = true\n"
		"\tbare = false\n"
		"\tlogallrefupdates = true\n"
		"[gc]\n"
		"\tauto = 0\n";
	char *p;
	size_t i;

	if (mkdir(im->tmp, 0777))
		return error("cannot create %s: %s", im->tmp, strerror(errno));
	im->root.made = true;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		p = xasprintf("%s/%s", im->tmp, dirs[i]);
		if (mkdir_p(p, 0755)) {
			error("cannot create %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	p = xasprintf("%s/.git/config", im->tmp);
	if (write_file_atomic(p, config, strlen(config))) {
		error("cannot write %s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	p = xasprintf("%s/.git/objects/pack", im->tmp);
	pack_init(&im->pack, p, im->o->level, 256 << 20);
	free(p);
	return pack_stream(&im->pack);
}

int tarball_import(const struct tarball_opts *o, struct tarball_result *r)
{
	struct importer im;
	unsigned char commit[20];
	char hex[65], head[80];
	struct strbuf c = STRBUF_INIT;
	int ret = -1;
	size_t i;

	memset(&im, 0, sizeof(im));
	memset(r, 0, sizeof(*r));
	im.o = o;
	im.start = now_seconds();
	im.last_report = im.start;
	im.src.fd = -1;
	if (o->have) {
		/* Into an existing repository: objects only, no tmp tree. */
		if (source_open(&im.src, o->tarball, o->threads))
			goto out_free;
		pack_init(&im.pack, o->pack_dir, o->level, 256 << 20);
		if (pack_stream(&im.pack) || read_tar(&im))
			goto out;
	} else {
		if (path_exists(o->repo))
			return error("%s already exists", o->repo);
		im.tmp = xasprintf("%s.tmp-%d", o->repo, (int)getpid());
		remove_tree(im.tmp);
		if (source_open(&im.src, o->tarball, o->threads))
			goto out_free;
		if (init_repo(&im) || read_tar(&im))
			goto out;
	}
	if (source_finish(&im.src, o->tarball, hex))
		goto out;
	if (o->sha256 && strcmp(hex, o->sha256)) {
		error("%s: sha256 mismatch: expected %s, got %s; the tarball is corrupt or not the pinned one",
		      o->tarball, o->sha256, hex);
		goto out;
	}
	if (write_tree(&im, &im.root) < 0)
		goto out;
	hex_encode(r->tree, im.root.oid, 20);
	sb_addf(&c, "tree %s\n", r->tree);
	sb_addf(&c, "author %s <%s> %llu +0000\n", BASE_AUTHOR_NAME,
		BASE_AUTHOR_EMAIL, (unsigned long long)im.max_mtime);
	sb_addf(&c, "committer %s <%s> %llu +0000\n\n", BASE_AUTHOR_NAME,
		BASE_AUTHOR_EMAIL, (unsigned long long)im.max_mtime);
	sb_addf(&c, "%s\n\nImported from %s\n(sha256 %s).\n",
		o->name ? o->name : "base", strrchr(o->tarball, '/') ?
		strrchr(o->tarball, '/') + 1 : o->tarball, hex);
	if (store(&im, OBJ_COMMIT, c.buf, c.len, commit) ||
	    pack_flush(&im.pack))
		goto out;
	hex_encode(r->commit, commit, 20);
	if (o->have) {
		ret = 0;
		goto out_done;
	}
	snprintf(head, sizeof(head), "ref: refs/heads/%s",
		 o->branch ? o->branch : "master");
	if (write_index(&im) || write_ref(&im, "HEAD", head))
		goto out;
	ret = 0;
out:
	if (!ret) {
		char *b = xasprintf("refs/heads/%s", o->branch ?
				    o->branch : "master");

		ret = write_ref(&im, b, r->commit);
		free(b);
		if (!ret && o->tag) {
			b = xasprintf("refs/tags/%s", o->tag);
			ret = write_ref(&im, b, r->commit);
			free(b);
		}
	}
	if (!ret && rename(im.tmp, o->repo)) {
		error("cannot rename %s to %s: %s", im.tmp, o->repo,
		      strerror(errno));
		ret = -1;
	}
	if (ret && im.tmp)
		remove_tree(im.tmp);
out_done:
	r->files = im.files;
	r->stored = im.stored;
	r->bytes = im.bytes;
	r->seconds = now_seconds() - im.start;
	report(&im, true);
out_free:
	source_close(&im.src);
	pack_release(&im.pack);
	for (i = 0; i < im.nr; i++)
		free(im.ents[i].path);
	free(im.ents);
	free_node(&im.root);
	sb_release(&im.data);
	sb_release(&c);
	free(im.tmp);
	return ret;
}
