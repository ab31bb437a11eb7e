// SPDX-License-Identifier: GPL-2.0
#include "memodb.h"

#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "util.h"

struct memobj {
	git_oid id;
	git_object_t type;
	size_t len;
	unsigned char data[];
};

struct memodb {
	git_odb_backend parent;
	struct memobj **slots;	/* open addressing, size a power of two */
	size_t size, nr;
};

static size_t slot_of(const struct memodb *m, const git_oid *id)
{
	size_t h, mask = m->size - 1;

	memcpy(&h, id->id, sizeof(h));
	for (h &= mask; m->slots[h]; h = (h + 1) & mask)
		if (git_oid_equal(&m->slots[h]->id, id))
			break;
	return h;
}

static struct memobj *find(struct memodb *m, const git_oid *id)
{
	return m->size ? m->slots[slot_of(m, id)] : NULL;
}

static void grow(struct memodb *m)
{
	struct memobj **old = m->slots;
	size_t n = m->size, i;

	m->size = n ? n * 2 : 256;
	m->slots = xcalloc(m->size, sizeof(*m->slots));
	for (i = 0; i < n; i++)
		if (old[i])
			m->slots[slot_of(m, &old[i]->id)] = old[i];
	free(old);
}

static int mem_read(void **out, size_t *len, git_object_t *type,
		    git_odb_backend *b, const git_oid *id)
{
	struct memobj *o = find((struct memodb *)b, id);

	if (!o)
		return GIT_ENOTFOUND;
	*out = git_odb_backend_data_alloc(b, o->len + 1);
	if (!*out)
		return -1;
	memcpy(*out, o->data, o->len);
	((char *)*out)[o->len] = '\0';
	*len = o->len;
	*type = o->type;
	return 0;
}

static int mem_read_header(size_t *len, git_object_t *type,
			   git_odb_backend *b, const git_oid *id)
{
	struct memobj *o = find((struct memodb *)b, id);

	if (!o)
		return GIT_ENOTFOUND;
	*len = o->len;
	*type = o->type;
	return 0;
}

static int mem_exists(git_odb_backend *b, const git_oid *id)
{
	return find((struct memodb *)b, id) != NULL;
}

static int mem_write(git_odb_backend *b, const git_oid *id, const void *data,
		     size_t len, git_object_t type)
{
	struct memodb *m = (struct memodb *)b;
	struct memobj *o;

	if (find(m, id))
		return 0;
	if ((m->nr + 1) * 2 > m->size)
		grow(m);
	o = xmalloc(sizeof(*o) + len);
	git_oid_cpy(&o->id, id);
	o->type = type;
	o->len = len;
	memcpy(o->data, data, len);
	m->slots[slot_of(m, id)] = o;
	m->nr++;
	return 0;
}

static void clear(struct memodb *m)
{
	size_t i;

	for (i = 0; i < m->size; i++)
		free(m->slots[i]);
	free(m->slots);
	m->slots = NULL;
	m->size = m->nr = 0;
}

static void mem_free(git_odb_backend *b)
{
	clear((struct memodb *)b);
	free(b);
}

struct git_odb_backend *memodb_new(void)
{
	struct memodb *m = xcalloc(1, sizeof(*m));

	git_odb_init_backend(&m->parent, GIT_ODB_BACKEND_VERSION);
	m->parent.read = mem_read;
	m->parent.read_header = mem_read_header;
	m->parent.write = mem_write;
	m->parent.exists = mem_exists;
	m->parent.free = mem_free;
	return &m->parent;
}

size_t memodb_count(git_odb_backend *b)
{
	return ((struct memodb *)b)->nr;
}

int memodb_write_pack(git_odb_backend *b, const char *pack_dir, int level)
{
	struct memodb *m = (struct memodb *)b;
	struct pack_writer w;
	size_t i;
	int ret = 0;

	if (!m->nr)
		return 0;
	pack_init(&w, pack_dir, level, (size_t)-1);
	for (i = 0; i < m->size && !ret; i++) {
		struct memobj *o = m->slots[i];

		if (o)
			ret = pack_add_oid(&w, (enum obj_type)o->type,
					   o->data, o->len, o->id.id);
	}
	if (!ret)
		ret = pack_flush(&w);
	pack_release(&w);
	if (!ret)
		clear(m);
	return ret;
}
