// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the in-memory object database: objects libgit2 writes
 * through it stay in memory (git sees none of them) and read back as
 * written; written out as one pack, git reads every one of them and
 * fsck finds the repository sound.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

#include "memodb.h"
#include "util.h"

#define NR_BLOBS 3000

static char dir[64];
static git_repository *repo;
static git_odb *odb;
static git_odb_backend *mem;

/* Run the shell command @fmt in the repository: its status, stdout. */
static int sh(struct strbuf *out, const char *fmt, ...) __printf(2, 3);

static int sh(struct strbuf *out, const char *fmt, ...)
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
	sb_release(&cmd);
	return ret;
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/kseries-memodb-XXXXXX");
	assert_non_null(mkdtemp(dir));
	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, dir, 0), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	mem = memodb_new();
	/* Above the loose and pack backends, as tree.c adds it. */
	assert_int_equal(git_odb_add_backend(odb, mem, 999), 0);
	return 0;
}

static int teardown(void **state)
{
	git_odb_free(odb);	/* frees the backend too */
	git_repository_free(repo);
	git_libgit2_shutdown();
	remove_tree(dir);
	return 0;
}

static int count_packs(void)
{
	char *p = xasprintf("%s/.git/objects/pack", dir);
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (ends_with(de->d_name, ".pack"))
			n++;
	closedir(d);
	free(p);
	return n;
}

/* The text of blob number @i; its length is not a constant. */
static char *blob_text(size_t i)
{
	return xasprintf("blob %zu\n%.*s\n", i, (int)(i % 97),
			 "KVM: x86: a line of text that is long enough to vary "
			 "the size of every blob by some bytes, or none at all");
}

/* @id read back through the odb: type and bytes as expected. */
static void assert_object(const git_oid *id, git_object_t type,
			  const void *data, size_t len)
{
	git_odb_object *o;
	git_object_t t;
	size_t n;

	assert_int_equal(git_odb_exists(odb, id), 1);
	assert_int_equal(git_odb_read_header(&n, &t, odb, id), 0);
	assert_int_equal(n, len);
	assert_int_equal(t, type);
	assert_int_equal(git_odb_read(&o, odb, id), 0);
	assert_int_equal(git_odb_object_type(o), type);
	assert_int_equal(git_odb_object_size(o), len);
	assert_memory_equal(git_odb_object_data(o), data, len);
	git_odb_object_free(o);
}

/* @id is of @type, by its header and by the object read whole. */
static void assert_type(const git_oid *id, git_object_t type)
{
	git_odb_object *o;
	git_object_t t;
	size_t n;

	assert_int_equal(git_odb_read_header(&n, &t, odb, id), 0);
	assert_int_equal(t, type);
	assert_int_equal(git_odb_read(&o, odb, id), 0);
	assert_int_equal(git_odb_object_type(o), type);
	assert_int_equal(git_odb_object_size(o), n);
	git_odb_object_free(o);
}

static void test_in_memory(void **state)
{
	struct strbuf out = STRBUF_INIT;
	git_oid ids[NR_BLOBS], want, missing;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	for (i = 0; i < NR_BLOBS; i++) {
		char *t = blob_text(i);

		assert_int_equal(git_blob_create_from_buffer(&ids[i], repo, t,
							     strlen(t)), 0);
		/* The id libgit2's own hashing gives. */
		assert_int_equal(git_odb_hash(&want, t, strlen(t),
					      GIT_OBJECT_BLOB), 0);
		assert_true(git_oid_equal(&ids[i], &want));
		free(t);
	}
	assert_int_equal(memodb_count(mem), NR_BLOBS);

	/* Written again: still one of each. */
	for (i = 0; i < 10; i++) {
		char *t = blob_text(i);

		assert_int_equal(git_blob_create_from_buffer(&want, repo, t,
							     strlen(t)), 0);
		free(t);
	}
	assert_int_equal(memodb_count(mem), NR_BLOBS);

	/* Every one reads back, through several table growths. */
	for (i = 0; i < NR_BLOBS; i++) {
		char *t = blob_text(i);

		assert_object(&ids[i], GIT_OBJECT_BLOB, t, strlen(t));
		free(t);
	}
	assert_int_equal(git_odb_hash(&missing, "absent", 6,
				      GIT_OBJECT_BLOB), 0);
	assert_int_equal(git_odb_exists(odb, &missing), 0);
	{
		git_odb_object *o;

		assert_int_equal(git_odb_read(&o, odb, &missing),
				 GIT_ENOTFOUND);
	}

	/* Nothing reached the disk: git knows none of them. */
	git_oid_tostr(hex, sizeof(hex), &ids[5]);
	assert_int_not_equal(sh(&out, "git cat-file -e %s 2>/dev/null", hex),
			     0);
	assert_int_equal(sh(&out, "git count-objects | cut -d' ' -f1"), 0);
	assert_string_equal(out.buf, "0\n");
	assert_int_equal(count_packs(), 0);
	sb_release(&out);
}

static void test_write_pack(void **state)
{
	struct strbuf out = STRBUF_INIT;
	git_oid blobs[3], tree, commit;
	git_treebuilder *tb;
	git_signature *sig;
	git_tree *t;
	char hex[GIT_OID_HEXSZ + 1];
	char *pack_dir = xasprintf("%s/.git/objects/pack", dir);
	size_t i;

	/* Nothing to write: no pack. */
	assert_int_equal(memodb_write_pack(mem, pack_dir, 0), 0);
	assert_int_equal(count_packs(), 0);

	/* Blobs, a tree of them and a commit of it, all in memory. */
	for (i = 0; i < 3; i++) {
		char *t = blob_text(i * 40);

		assert_int_equal(git_blob_create_from_buffer(&blobs[i], repo,
							     t, strlen(t)), 0);
		free(t);
	}
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "a", &blobs[0],
						GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "b", &blobs[1],
						GIT_FILEMODE_BLOB_EXECUTABLE),
			 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "c", &blobs[2],
						GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	git_treebuilder_free(tb);
	assert_int_equal(git_tree_lookup(&t, repo, &tree), 0);
	assert_int_equal(git_signature_new(&sig, "A U Thor", "a@example.org",
					   1700000000, 0), 0);
	assert_int_equal(git_commit_create_v(&commit, repo, "refs/heads/m",
					     sig, sig, NULL, "memodb test\n",
					     t, 0), 0);
	git_signature_free(sig);
	git_tree_free(t);
	assert_int_equal(memodb_count(mem), 5);
	assert_type(&tree, GIT_OBJECT_TREE);
	assert_type(&commit, GIT_OBJECT_COMMIT);

	assert_int_equal(memodb_write_pack(mem, pack_dir, 0), 0);
	assert_int_equal(memodb_count(mem), 0);
	assert_int_equal(count_packs(), 1);

	/* git reads every object from the pack, as written. */
	assert_int_equal(sh(&out, "git fsck --strict 2>&1"), 0);
	for (i = 0; i < 3; i++) {
		char *text = blob_text(i * 40);

		git_oid_tostr(hex, sizeof(hex), &blobs[i]);
		assert_int_equal(sh(&out, "git cat-file blob %s", hex), 0);
		assert_string_equal(out.buf, text);
		free(text);
	}
	assert_int_equal(sh(&out, "git ls-tree m | cut -c1-11,53-"), 0);
	assert_string_equal(out.buf, "100644 blob\ta\n100755 blob\tb\n"
				     "100644 blob\tc\n");
	assert_int_equal(sh(&out, "git log --format=%%an/%%at/%%s m"), 0);
	assert_string_equal(out.buf, "A U Thor/1700000000/memodb test\n");
	assert_int_equal(sh(&out, "git count-objects -v | "
			     "sed -n 's/^in-pack: //p'"), 0);
	assert_string_equal(out.buf, "5\n");

	/* libgit2 finds them in the pack once it looks again. */
	assert_int_equal(git_odb_refresh(odb), 0);
	{
		char *text = blob_text(40);

		assert_object(&blobs[1], GIT_OBJECT_BLOB, text, strlen(text));
		free(text);
	}
	/* And the backend takes new objects after a write. */
	assert_int_equal(git_blob_create_from_buffer(&blobs[0], repo, "new\n",
						     4), 0);
	assert_int_equal(memodb_count(mem), 1);
	assert_object(&blobs[0], GIT_OBJECT_BLOB, "new\n", 4);

	sb_release(&out);
	free(pack_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_memory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_pack, setup,
						teardown),
	};

	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	return cmocka_run_group_tests_name("memodb", tests, NULL, NULL);
}
