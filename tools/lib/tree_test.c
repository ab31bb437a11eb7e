// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel-tree core: path safety, in-memory apply of a
 * series (conflict, already applied, unsafe paths, deterministic
 * commits) and the work-tree update with its local-change check, on a
 * small repository made here with libgit2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "patch.h"
#include "tree.h"
#include "util.h"

static void test_path_ok(void **state)
{
	static const char *const good[] = {
		"a", "arch/x86/kvm/x86.c", ".gitignore", "a/.github/x",
		"a..b/c", "...",
	};
	static const char *const bad[] = {
		"", "/etc/passwd", "../x", "a/../../x", "a/..", "./a", "a//b",
		".git/config", "a/.GIT/hooks/x", "a/",
	};
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		if (!tree_path_ok(good[i], &why))
			fail_msg("'%s' refused: %s", good[i], why);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (tree_path_ok(bad[i], &why))
			fail_msg("'%s' accepted", bad[i]);
}

static void test_symlink_target(void **state)
{
	assert_true(symlink_target_ok("a/b/l", "../c", 4));
	assert_true(symlink_target_ok("a/b/l", "../../c", 7));
	assert_true(symlink_target_ok("l", "x/y", 3));
	assert_false(symlink_target_ok("a/b/l", "../../../c", 10));
	assert_false(symlink_target_ok("l", "../x", 4));
	assert_false(symlink_target_ok("l", "/etc", 4));
	assert_false(symlink_target_ok("a/l", "x/../../..", 10));
	assert_false(symlink_target_ok("a/l", "../.git/hooks", 13));
	assert_false(symlink_target_ok("a/l", "", 0));
}

struct fixture {
	char dir[64];
	struct krepo t;
};

static void write_work(const char *dir, const char *path, const char *data)
{
	char *full = path_join(dir, path);

	assert_int_equal(write_file_atomic(full, data, strlen(data)), 0);
	free(full);
}

/* A repository with a base commit (tag base, branch series checked out). */
static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	git_repository *repo;
	git_signature *sig;
	git_index *idx;
	git_tree *tree;
	git_oid tid, cid;
	git_reference *ref;
	char *p;

	git_libgit2_init();
	strcpy(f->dir, "/tmp/kseries-tree-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(git_repository_init(&repo, f->dir, 0), 0);
	p = path_join(f->dir, "arch/x86");
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	write_work(f->dir, "arch/x86/x86.c", "1\n2\n3\n4\n5\n6\n7\n8\n");
	write_work(f->dir, "README", "readme\n");
	assert_int_equal(git_repository_index(&idx, repo), 0);
	assert_int_equal(git_index_add_bypath(idx, "arch/x86/x86.c"), 0);
	assert_int_equal(git_index_add_bypath(idx, "README"), 0);
	assert_int_equal(git_index_write(idx), 0);
	assert_int_equal(git_index_write_tree(&tid, idx), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
	assert_int_equal(git_signature_new(&sig, "B", "b@c", 1000, 0), 0);
	assert_int_equal(git_commit_create(&cid, repo, NULL, sig, sig, NULL,
					   "base\n", tree, 0, NULL), 0);
	assert_int_equal(git_reference_create(&ref, repo, "refs/tags/base",
					      &cid, 0, NULL), 0);
	git_reference_free(ref);
	assert_int_equal(git_reference_create(&ref, repo,
					      "refs/heads/series", &cid, 0,
					      NULL), 0);
	git_reference_free(ref);
	assert_int_equal(git_repository_set_head(repo, "refs/heads/series"),
			 0);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	git_repository_free(repo);
	assert_int_equal(krepo_open(&f->t, f->dir), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	krepo_close(&f->t);
	remove_tree(f->dir);
	free(f);
	return 0;
}

static struct patch *mk(const char *name, const char *diff)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct patch *p = xcalloc(1, sizeof(*p));

	sb_addstr(&sb, "From: Jane <jane@example.org>\n"
		  "Date: Tue, 14 Nov 2023 23:13:20 +0100\n"
		  "Subject: [PATCH] change\n\nBody.\n---\n");
	sb_addstr(&sb, diff);
	if (patch_parse(p, name, sb.buf, sb.len, &err))
		fail_msg("parse: %s", err.buf);
	sb_release(&sb);
	sb_release(&err);
	return p;
}

static const char change5[] =
	"diff --git a/arch/x86/x86.c b/arch/x86/x86.c\n"
	"--- a/arch/x86/x86.c\n+++ b/arch/x86/x86.c\n"
	"@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n";

static void free_all(struct patch **p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		patch_release(p[i]);
		free(p[i]);
	}
}

static void test_apply_and_checkout(void **state)
{
	struct fixture *f = *state;
	struct patch *p[1] = { mk("patches/1.patch", change5) };
	struct apply_result r, r2;
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	git_commit *c;
	char *full;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r), 0);
	assert_int_equal(r.nr, 1);
	assert_int_equal(git_commit_lookup(&c, f->t.repo, &r.commits[0]), 0);
	assert_string_equal(git_commit_author(c)->name, "Jane");
	assert_int_equal(git_commit_author(c)->when.time, 1700000000);
	assert_int_equal(git_commit_author(c)->when.offset, 60);
	assert_string_equal(git_commit_committer(c)->email,
			    "jane@example.org");
	assert_int_equal(git_commit_committer(c)->when.time, 1700000000);
	assert_string_equal(git_commit_message(c), "change\n\nBody.\n");
	git_commit_free(c);
	/* The same patch on the same parent: the same commit. */
	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r2), 0);
	assert_true(git_oid_equal(&r.commits[0], &r2.commits[0]));
	apply_result_release(&r2);

	assert_int_equal(krepo_persist(&f->t), 0);
	assert_int_equal(krepo_checkout(&f->t, &f->t.base, &r.commits[0],
					false, &err), 1);
	assert_int_equal(krepo_set_branch(&f->t, "series", &r.commits[0],
					  "test"), 0);
	full = path_join(f->dir, "arch/x86/x86.c");
	assert_int_equal(read_file(full, &sb), 0);
	assert_string_equal(sb.buf, "1\n2\n3\n4\nfive\n6\n7\n8\n");

	/* A local change in a path to update stops the checkout. */
	write_work(f->dir, "arch/x86/x86.c", "local\n");
	assert_int_equal(krepo_checkout(&f->t, &r.commits[0], &f->t.base,
					false, &err), -1);
	assert_non_null(strstr(err.buf, "arch/x86/x86.c (modified in the work tree)"));
	sb_reset(&sb);
	assert_int_equal(read_file(full, &sb), 0);
	assert_string_equal(sb.buf, "local\n");
	free(full);
	sb_release(&sb);
	sb_release(&err);
	apply_result_release(&r);
	free_all(p, 1);
}

static void test_conflict_and_already(void **state)
{
	struct fixture *f = *state;
	struct patch *p[2] = {
		mk("patches/1.patch", change5),
		mk("patches/2.patch", change5),
	};
	struct apply_result r;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 2, &r), -1);
	assert_int_equal(r.status, APPLY_ALREADY);
	assert_int_equal(r.failed, 1);
	assert_non_null(strstr(r.msg.buf, "patches/2.patch (patch 2 of 2"));
	assert_non_null(strstr(r.msg.buf, "already applied"));
	apply_result_release(&r);
	free_all(p, 2);

	p[0] = mk("patches/c.patch",
		  "diff --git a/arch/x86/x86.c b/arch/x86/x86.c\n"
		  "--- a/arch/x86/x86.c\n+++ b/arch/x86/x86.c\n"
		  "@@ -4,3 +4,3 @@\n 4\n-50\n+five\n 6\n");
	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r), -1);
	assert_int_equal(r.status, APPLY_CONFLICT);
	assert_non_null(strstr(r.msg.buf, "arch/x86/x86.c: hunk #1 (@@ -4,3 +4,3 @@, patch line"));
	assert_non_null(strstr(r.msg.buf, "expected at line 5: '50', found: '5'"));
	apply_result_release(&r);
	free_all(p, 1);

	p[0] = mk("patches/m.patch",
		  "diff --git a/nope.c b/nope.c\n--- a/nope.c\n+++ b/nope.c\n"
		  "@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r), -1);
	assert_int_equal(r.status, APPLY_CONFLICT);
	assert_non_null(strstr(r.msg.buf, "nope.c: no such file in the tree"));
	apply_result_release(&r);
	free_all(p, 1);
}

/* @diff must be refused as unsafe, with @why in the message. */
static void unsafe(struct fixture *f, const char *diff, const char *why)
{
	struct patch *p[1] = { mk("patches/evil.patch", diff) };
	struct apply_result r;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r), -1);
	assert_int_equal(r.status, APPLY_UNSAFE);
	if (!strstr(r.msg.buf, why))
		fail_msg("'%s' lacks '%s'", r.msg.buf, why);
	apply_result_release(&r);
	free_all(p, 1);
}

#define NEWFILE(path)							\
	"diff --git a/" path " b/" path "\nnew file mode 100644\n"	\
	"--- /dev/null\n+++ b/" path "\n@@ -0,0 +1 @@\n+x\n"
#define NEWLINK(path, target)						\
	"diff --git a/" path " b/" path "\nnew file mode 120000\n"	\
	"--- /dev/null\n+++ b/" path "\n@@ -0,0 +1 @@\n+" target	\
	"\n\\ No newline at end of file\n"

static void test_unsafe(void **state)
{
	struct fixture *f = *state;

	unsafe(f, NEWFILE("../x"), "'..' component");
	unsafe(f, NEWFILE("arch/../../x"), "'..' component");
	unsafe(f, NEWFILE(".git/hooks/pre-commit"), "'.git' component");
	unsafe(f, "diff --git a//etc/x b//etc/x\nnew file mode 100644\n"
		  "--- /dev/null\n+++ /etc/x\n@@ -0,0 +1 @@\n+x\n",
	       "an absolute path");
	unsafe(f, NEWLINK("arch/l", "../..") NEWFILE("arch/l/x"),
	       "through the symlink 'arch/l' that this patch creates");
	unsafe(f, NEWLINK("arch/l", "../../etc"), "points outside the tree");
	unsafe(f, NEWLINK("arch/l", "/etc"), "points outside the tree");
}

static void test_symlink_in_earlier_patch(void **state)
{
	struct fixture *f = *state;
	struct patch *p[2] = {
		mk("patches/1-link.patch", NEWLINK("arch/l", "x86")),
		mk("patches/2-write.patch", NEWFILE("arch/l/new.c")),
	};
	struct apply_result r;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 2, &r), -1);
	assert_int_equal(r.status, APPLY_UNSAFE);
	assert_int_equal(r.failed, 1);
	assert_non_null(strstr(r.msg.buf,
			       "through the symlink 'arch/l' created by patches/1-link.patch"));
	apply_result_release(&r);
	/* The link alone is fine (it stays inside the tree). */
	assert_int_equal(krepo_apply(&f->t, &f->t.base, p, 1, &r), 0);
	apply_result_release(&r);
	free_all(p, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_symlink_target),
		cmocka_unit_test_setup_teardown(test_apply_and_checkout,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_and_already,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_in_earlier_patch,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
