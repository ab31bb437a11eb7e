// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pack writer against real git: object ids agree with
 * git hash-object, and the packs written (in memory or streamed, stored
 * or deflated, split by size) pass git verify-pack and fsck and give
 * back every object byte for byte through git cat-file.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pack.h"
#include "util.h"

static char dir[64];

/* Run the shell command @fmt in the test repository; its stdout. */
static char *git_out(struct strbuf *out, const char *fmt, ...)
	__printf(2, 3);

static char *git_out(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	const char *argv[] = { "sh", "-c", NULL, NULL };
	va_list ap;
	int ret;

	va_start(ap, fmt);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	argv[2] = cmd.buf;
	sb_reset(out);
	ret = run_capture(argv, dir, out);
	if (ret)
		fail_msg("'%s' exited with %d", cmd.buf, ret);
	sb_release(&cmd);
	return out->buf;
}

static int setup(void **state)
{
	struct strbuf out = STRBUF_INIT;

	strcpy(dir, "/tmp/kseries-pack-XXXXXX");
	assert_non_null(mkdtemp(dir));
	git_out(&out, "git init -q .");
	sb_release(&out);
	return 0;
}

static int teardown(void **state)
{
	remove_tree(dir);
	return 0;
}

static char *pack_dir(void)
{
	return xasprintf("%s/.git/objects/pack", dir);
}

/* Files in the pack directory ending with @suffix. */
static int count_files(const char *suffix)
{
	char *p = pack_dir();
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (ends_with(de->d_name, suffix))
			n++;
	closedir(d);
	free(p);
	return n;
}

/* How many file descriptors this process has open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Bytes that do not compress, the same on every run. */
static void noise(unsigned char *p, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = seed >> 24;
	}
}

struct obj {
	enum obj_type type;
	unsigned char *data;
	size_t len;
	unsigned char oid[20];
	char hex[41];
};

static const char *const type_name[] = {
	[OBJ_COMMIT] = "commit", [OBJ_TREE] = "tree", [OBJ_BLOB] = "blob",
};

static void obj_set(struct obj *o, enum obj_type type, const void *data,
		    size_t len)
{
	o->type = type;
	o->data = xmalloc(len + 1);
	memcpy(o->data, data, len);
	o->len = len;
}

/* The id git gives @o, by git hash-object of it in a file. */
static void git_hash(struct obj *o)
{
	struct strbuf out = STRBUF_INIT;
	char *f = xasprintf("%s/obj", dir);

	assert_int_equal(write_file_atomic(f, o->data, o->len), 0);
	git_out(&out, "git hash-object -t %s obj", type_name[o->type]);
	sb_rtrim(&out);
	assert_int_equal(out.len, 40);
	memcpy(o->hex, out.buf, 41);
	sb_release(&out);
	free(f);
}

/* Add the tree entry "@mode_name\0<the 20 bytes of @hex>" to @t. */
static void tree_entry(struct strbuf *t, const char *mode_name,
		       const char *hex)
{
	unsigned int b;
	size_t i;

	sb_addstr(t, mode_name);
	sb_add(t, "", 1);
	for (i = 0; i < 20; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		sb_addch(t, b);
	}
}

/*
 * The objects every test packs: blobs (empty, text, 200 kB of text, 100
 * kB of noise, so stored blocks and the streaming paths all see more
 * than 64 kB), a tree of three of them and a commit of the tree.
 */
#define NR_OBJS 7

static void make_objects(struct obj *o)
{
	struct strbuf t = STRBUF_INIT, c = STRBUF_INIT;
	unsigned char *big = xmalloc(200000);
	size_t i;

	obj_set(&o[0], OBJ_BLOB, "", 0);
	obj_set(&o[1], OBJ_BLOB, "hello\n", 6);
	for (i = 0; i < 200000; i++)
		big[i] = "KVM: x86: line\n"[i % 15];
	obj_set(&o[2], OBJ_BLOB, big, 200000);
	noise(big, 100000, 0x9e3779b97f4a7c15ull);
	obj_set(&o[3], OBJ_BLOB, big, 100000);
	noise(big, 20000, 42);
	obj_set(&o[4], OBJ_BLOB, big, 20000);
	for (i = 0; i < 5; i++)
		git_hash(&o[i]);

	/* A tree: entries sorted by name, binary ids. */
	tree_entry(&t, "100644 big", o[2].hex);
	tree_entry(&t, "100644 hello", o[1].hex);
	tree_entry(&t, "100755 noise", o[3].hex);
	obj_set(&o[5], OBJ_TREE, t.buf, t.len);
	git_hash(&o[5]);
	sb_addf(&c, "tree %s\n"
		"author A U Thor <a@example.org> 1700000000 +0000\n"
		"committer C O Mitter <c@example.org> 1700000000 +0000\n"
		"\nKVM: a commit\n", o[5].hex);
	obj_set(&o[6], OBJ_COMMIT, c.buf, c.len);
	git_hash(&o[6]);
	sb_release(&t);
	sb_release(&c);
	free(big);
}

static void free_objects(struct obj *o)
{
	size_t i;

	for (i = 0; i < NR_OBJS; i++)
		free(o[i].data);
}

/* git reads back every object as it was, and finds the packs sound. */
static void check_packed(struct obj *o)
{
	struct strbuf out = STRBUF_INIT, got = STRBUF_INIT;
	char *f = xasprintf("%s/got", dir);
	size_t i;

	git_out(&out, "for i in .git/objects/pack/*.idx; do "
		"git verify-pack \"$i\" || exit 1; done");
	git_out(&out, "git fsck --strict --no-dangling 2>&1");
	for (i = 0; i < NR_OBJS; i++) {
		git_out(&out, "git cat-file %s %s >got",
			type_name[o[i].type], o[i].hex);
		sb_reset(&got);
		assert_int_equal(read_file(f, &got), 0);
		assert_int_equal(got.len, o[i].len);
		assert_memory_equal(got.buf, o[i].data, o[i].len);
	}
	/* Nothing loose: every object came from a pack. */
	git_out(&out, "git count-objects -v | sed -n 's/^count: //p'");
	assert_string_equal(out.buf, "0\n");
	assert_int_equal(count_files(".pack"), count_files(".idx"));
	git_out(&out, "ls .git/objects/pack | grep -c tmp_ || true");
	assert_string_equal(out.buf, "0\n");
	sb_release(&out);
	sb_release(&got);
	free(f);
}

static void test_object_id(void **state)
{
	struct obj o[NR_OBJS];
	char hex[41];
	size_t i;

	make_objects(o);
	for (i = 0; i < NR_OBJS; i++) {
		object_id(o[i].type, o[i].data, o[i].len, o[i].oid);
		hex_encode(hex, o[i].oid, 20);
		assert_string_equal(hex, o[i].hex);
	}
	free_objects(o);
}

/* Pack everything with @w (already set up), then check it. */
static void pack_all(struct pack_writer *w, struct obj *o)
{
	unsigned char oid[20];
	char hex[41];
	size_t i;

	for (i = 0; i < NR_OBJS; i++) {
		assert_int_equal(pack_add(w, o[i].type, o[i].data, o[i].len,
					  oid), 0);
		hex_encode(hex, oid, 20);
		assert_string_equal(hex, o[i].hex);
	}
	assert_int_equal(w->total_objects, NR_OBJS);
	assert_int_equal(pack_flush(w), 0);
	check_packed(o);
}

static void test_pack_memory(void **state)
{
	int level = atoi(*state);
	struct pack_writer w;
	struct obj o[NR_OBJS];
	char *pd = pack_dir();

	make_objects(o);
	pack_init(&w, pd, level, (size_t)-1);
	pack_all(&w, o);
	assert_int_equal(w.packs, 1);
	assert_int_equal(count_files(".pack"), 1);
	/* A second flush with nothing new writes nothing. */
	assert_int_equal(pack_flush(&w), 0);
	assert_int_equal(count_files(".pack"), 1);
	pack_release(&w);
	free_objects(o);
	free(pd);
}

static void test_pack_split(void **state)
{
	struct pack_writer w;
	struct obj o[NR_OBJS];
	char *pd = pack_dir();

	/* A pack is written whenever one reaches 1000 bytes. */
	make_objects(o);
	pack_init(&w, pd, 1, 1000);
	pack_all(&w, o);
	assert_true(w.packs >= 3);
	assert_int_equal(count_files(".pack"), w.packs);
	pack_release(&w);
	free_objects(o);
	free(pd);
}

static void test_pack_stream(void **state)
{
	int level = atoi(*state);
	struct pack_writer w;
	struct obj o[NR_OBJS];
	char *pd = pack_dir();

	make_objects(o);
	pack_init(&w, pd, level, (size_t)-1);
	assert_int_equal(pack_stream(&w), 0);
	pack_all(&w, o);
	assert_int_equal(w.packs, 1);
	assert_int_equal(count_files(".pack"), 1);
	pack_release(&w);
	free_objects(o);
	free(pd);
}

static void test_pack_errors(void **state)
{
	struct pack_writer w;
	unsigned char oid[20];
	char *pd = pack_dir(), *missing = xasprintf("%s/nodir", dir);

	/* Nothing gathered, nothing written. */
	pack_init(&w, pd, 0, (size_t)-1);
	assert_int_equal(pack_flush(&w), 0);
	assert_int_equal(w.packs, 0);
	assert_int_equal(count_files(".pack"), 0);
	pack_release(&w);

	/* A directory that is not there: errors, not a crash. */
	pack_init(&w, missing, 0, (size_t)-1);
	assert_int_equal(pack_add(&w, OBJ_BLOB, "x", 1, oid), 0);
	assert_int_equal(pack_flush(&w), -1);
	assert_int_equal(w.packs, 0);
	pack_release(&w);
	pack_init(&w, missing, 0, (size_t)-1);
	assert_int_equal(pack_stream(&w), -1);
	pack_release(&w);
	assert_false(path_exists(missing));
	free(missing);

	/*
	 * Writing fails (the temporary pack is a link to /dev/full): an
	 * error, and nothing left open or behind.
	 */
	{
		char *tmp = xasprintf("%s/tmp_pack_%d", pd, (int)getpid());
		int before = open_fds();

		assert_int_equal(symlink("/dev/full", tmp), 0);
		pack_init(&w, pd, 0, (size_t)-1);
		assert_int_equal(pack_add(&w, OBJ_BLOB, "x", 1, oid), 0);
		assert_int_equal(pack_flush(&w), -1);
		pack_release(&w);
		assert_int_equal(open_fds(), before);
		assert_false(path_exists(tmp));
		assert_int_equal(count_files(".pack"), 0);
		assert_int_equal(count_files(".idx"), 0);
		free(tmp);
	}
	free(pd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_object_id, setup,
						teardown),
		cmocka_unit_test_prestate_setup_teardown(test_pack_memory,
							 setup, teardown, "0"),
		cmocka_unit_test_prestate_setup_teardown(test_pack_memory,
							 setup, teardown, "6"),
		cmocka_unit_test_setup_teardown(test_pack_split, setup,
						teardown),
		cmocka_unit_test_prestate_setup_teardown(test_pack_stream,
							 setup, teardown, "0"),
		cmocka_unit_test_prestate_setup_teardown(test_pack_stream,
							 setup, teardown, "6"),
		cmocka_unit_test_setup_teardown(test_pack_errors, setup,
						teardown),
	};

	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
