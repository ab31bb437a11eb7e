// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel-tree core: path safety, in-memory apply of a
 * series (conflict, already applied, unsafe paths, deterministic
 * commits), the work-tree update with its local-change check, first-
 * parent chains, opening a tree (tag base or not, a subdirectory, a plain
 * copy) and commit lookup by id prefix, on a small repository made here
 * with libgit2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/*
 * A commit of @parents with @t's base tree and message @msg, in @repo
 * (@t's own keeps it in memory).
 */
static void commit_in(struct krepo *t, git_repository *repo,
		      const git_oid *parents, size_t n, const char *msg,
		      git_oid *out)
{
	const git_commit *pc[2] = { NULL, NULL };
	git_commit *c[2] = { NULL, NULL };
	git_commit *b;
	git_tree *tree;
	git_signature *sig;
	size_t i;

	assert_true(n <= 2);
	assert_int_equal(git_commit_lookup(&b, repo, &t->base), 0);
	assert_int_equal(git_commit_tree(&tree, b), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(git_commit_lookup(&c[i], repo, &parents[i]),
				 0);
		pc[i] = c[i];
	}
	assert_int_equal(git_signature_new(&sig, "B", "b@c", 1000, 0), 0);
	assert_int_equal(git_commit_create(out, repo, NULL, sig, sig, NULL,
					   msg, tree, n, pc), 0);
	git_signature_free(sig);
	for (i = 0; i < n; i++)
		git_commit_free(c[i]);
	git_tree_free(tree);
	git_commit_free(b);
}

static void commit_of(struct krepo *t, const git_oid *parents, size_t n,
		      const char *msg, git_oid *out)
{
	commit_in(t, t->repo, parents, n, msg, out);
}

static void test_chain(void **state)
{
	struct fixture *f = *state;
	git_oid a, side, m, z, root, bad, *ids;
	size_t nr;

	commit_of(&f->t, &f->t.base, 1, "a\n", &a);
	commit_of(&f->t, &f->t.base, 1, "side\n", &side);
	commit_of(&f->t, (const git_oid[]){ a, side }, 2, "merge\n", &m);
	commit_of(&f->t, &m, 1, "z\n", &z);
	commit_of(&f->t, NULL, 0, "root\n", &root);

	/* krepo_chain follows first parents through a merge. */
	assert_int_equal(krepo_chain(&f->t, &f->t.base, &z, &ids, &nr), 0);
	assert_int_equal(nr, 3);
	assert_true(git_oid_equal(&ids[0], &a));
	assert_true(git_oid_equal(&ids[1], &m));
	assert_true(git_oid_equal(&ids[2], &z));
	free(ids);
	assert_int_equal(krepo_chain(&f->t, &f->t.base, &f->t.base, &ids,
				     &nr), 0);
	assert_int_equal(nr, 0);
	free(ids);
	assert_int_equal(krepo_chain(&f->t, &a, &root, &ids, &nr), -1);
	assert_null(ids);
	assert_int_equal(nr, 0);

	/* krepo_linear_chain stops at the merge, or at a root. */
	assert_int_equal(krepo_linear_chain(&f->t, &f->t.base, &a, &ids, &nr,
					    &bad), 0);
	assert_int_equal(nr, 1);
	assert_true(git_oid_equal(&ids[0], &a));
	free(ids);
	assert_int_equal(krepo_linear_chain(&f->t, &f->t.base, &z, &ids, &nr,
					    &bad), -1);
	assert_true(git_oid_equal(&bad, &m));
	assert_null(ids);
	assert_int_equal(nr, 0);
	assert_int_equal(krepo_linear_chain(&f->t, &a, &root, &ids, &nr,
					    &bad), -1);
	assert_true(git_oid_equal(&bad, &root));
	assert_int_equal(krepo_linear_chain(&f->t, &side, &a, &ids, &nr,
					    &bad), -1);
	assert_true(git_oid_equal(&bad, &f->t.base));
}

static void test_open_mail_tree(void **state)
{
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT;
	struct krepo t;
	char full[41], hex[GIT_OID_HEXSZ + 1], *p;

	assert_int_equal(krepo_open_ext(&t, f->dir, KREPO_MAIL, &err), 0);
	assert_int_equal(err.len, 0);
	assert_non_null(t.repo);
	assert_string_equal(t.dir, f->dir);
	p = path_join(f->dir, ".git/");
	assert_string_equal(t.git_dir, p);
	free(p);
	assert_true(t.has_base);
	assert_true(t.base_tag);
	assert_true(git_oid_equal(&t.base, &f->t.base));

	assert_true(krepo_base_has(&t, "arch/x86"));
	assert_true(krepo_base_has(&t, "arch/x86/x86.c"));
	assert_true(krepo_base_has(&t, "README"));
	assert_false(krepo_base_has(&t, "arch/arm64"));
	krepo_close(&t);
	sb_release(&err);

	/* Commit ids: whole, a prefix, too short, not hex, unknown. */
	git_oid_tostr(hex, sizeof(hex), &f->t.base);
	assert_int_equal(krepo_find_commit(&f->t, hex, full, NULL),
			 KREPO_FOUND);
	assert_string_equal(full, hex);
	hex[7] = '\0';
	memset(full, 0, sizeof(full));
	assert_int_equal(krepo_find_commit(&f->t, hex, full, &err),
			 KREPO_FOUND);
	assert_int_equal(strncmp(full, hex, 7), 0);
	assert_int_equal(strlen(full), 40);
	assert_string_equal(err.buf, "base\n");
	sb_reset(&err);
	assert_int_equal(krepo_commit_message(&f->t, hex, &err), 0);
	assert_string_equal(err.buf, "base\n");
	sb_reset(&err);
	hex[3] = '\0';
	assert_int_equal(krepo_find_commit(&f->t, hex, full, NULL),
			 KREPO_UNKNOWN);
	assert_int_equal(krepo_find_commit(&f->t, "xyz1234", full, NULL),
			 KREPO_UNKNOWN);
	assert_int_equal(krepo_find_commit(&f->t, "0000000000", full, NULL),
			 KREPO_UNKNOWN);
	assert_int_equal(krepo_commit_message(&f->t, "0000000", &err), -1);
	assert_int_equal(err.len, 0);
	sb_release(&err);
}

/*
 * Two commits whose ids share 4 digits (written to the disk, which
 * prefix lookups search): that prefix is ambiguous.
 */
static void test_ambiguous_prefix(void **state)
{
	struct fixture *f = *state;
	char (*hex)[GIT_OID_HEXSZ + 1] = xcalloc(4096, sizeof(*hex));
	char msg[32], full[41];
	git_repository *repo;
	size_t i, j;
	git_oid id;

	assert_int_equal(git_repository_open(&repo, f->dir), 0);
	for (i = 0; i < 4096; i++) {
		snprintf(msg, sizeof(msg), "c%zu\n", i);
		commit_in(&f->t, repo, &f->t.base, 1, msg, &id);
		git_oid_tostr(hex[i], sizeof(hex[i]), &id);
		for (j = 0; j < i; j++)
			if (!strncmp(hex[i], hex[j], 4))
				break;
		if (j < i)
			break;
	}
	git_repository_free(repo);
	assert_true(i < 4096);
	hex[i][4] = '\0';
	assert_int_equal(krepo_find_commit(&f->t, hex[i], full, NULL),
			 KREPO_AMBIGUOUS);
	assert_int_equal(krepo_commit_message(&f->t, hex[i], NULL), -1);
	free(hex);
}

/* A git tree without the tag base: an error for krepo_open() only. */
static void test_open_without_tag(void **state)
{
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT;
	struct krepo t;
	git_reference *ref;
	git_oid id;

	assert_int_equal(git_reference_lookup(&ref, f->t.repo,
					      "refs/tags/base"), 0);
	assert_int_equal(git_reference_delete(ref), 0);
	git_reference_free(ref);

	assert_int_equal(krepo_open_ext(&t, f->dir, 0, &err), -1);
	assert_non_null(strstr(err.buf, ": no tag 'base' (the imported base): "));
	assert_int_equal(strncmp(err.buf, f->dir, strlen(f->dir)), 0);
	assert_null(t.repo);
	assert_null(t.dir);
	sb_reset(&err);

	assert_int_equal(krepo_open_ext(&t, f->dir, KREPO_ANY_BASE, &err), 0);
	assert_non_null(t.repo);
	assert_false(t.has_base);
	assert_false(t.base_tag);
	assert_false(krepo_base_has(&t, "README"));
	krepo_close(&t);

	/* The branch "base" then stands for it. */
	git_oid_cpy(&id, &f->t.base);
	assert_int_equal(git_reference_create(&ref, f->t.repo,
					      "refs/heads/base", &id, 0,
					      NULL), 0);
	git_reference_free(ref);
	assert_int_equal(krepo_open_ext(&t, f->dir, KREPO_MAIL, &err), 0);
	assert_true(t.has_base);
	assert_false(t.base_tag);
	assert_true(git_oid_equal(&t.base, &id));
	assert_true(krepo_base_has(&t, "README"));
	krepo_close(&t);
	assert_int_equal(err.len, 0);
	sb_release(&err);
}

/* A subdirectory: the repository only with KREPO_SEARCH. */
static void test_open_search(void **state)
{
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;
	char *sub = path_join(f->dir, "arch");
	struct krepo t;

	assert_int_equal(krepo_open_ext(&t, sub, 0, &err), -1);
	sb_addf(&want, "cannot open the kernel repository %s: ", sub);
	assert_int_equal(strncmp(err.buf, want.buf, want.len), 0);
	sb_reset(&err);
	sb_reset(&want);
	assert_int_equal(krepo_open_ext(&t, sub, KREPO_ANY_BASE, &err), -1);
	sb_addf(&want, "cannot open the git repository %s: ", sub);
	assert_int_equal(strncmp(err.buf, want.buf, want.len), 0);
	sb_reset(&err);

	assert_int_equal(krepo_open_ext(&t, sub, KREPO_SEARCH, &err), 0);
	assert_string_equal(t.dir, sub);
	assert_true(t.base_tag);
	assert_true(git_oid_equal(&t.base, &f->t.base));
	krepo_close(&t);
	free(sub);
	sb_release(&err);
	sb_release(&want);
}

/* A plain copy: MAINTAINERS and no repository. */
static void test_open_plain(void **state)
{
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;
	char dir[] = "/tmp/kseries-plain-XXXXXX";
	char *p;
	struct krepo t;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(krepo_open_ext(&t, dir, KREPO_MAIL, &err), -1);
	sb_addf(&want, "no kernel tree at %s (run 'kseries apply', or give --tree DIR)",
		dir);
	assert_string_equal(err.buf, want.buf);
	assert_null(t.dir);
	sb_reset(&err);

	/* Without KREPO_PLAIN, a directory without git will not do. */
	write_work(dir, "MAINTAINERS", "");
	assert_int_equal(krepo_open_ext(&t, dir, KREPO_ANY_BASE, &err), -1);
	assert_non_null(strstr(err.buf, "cannot open the git repository"));
	sb_reset(&err);

	assert_int_equal(krepo_open_ext(&t, dir, KREPO_MAIL, &err), 0);
	assert_int_equal(err.len, 0);
	assert_string_equal(t.dir, dir);
	assert_null(t.repo);
	assert_null(t.git_dir);
	assert_false(t.has_base);
	assert_false(t.base_tag);
	assert_int_equal(krepo_find_commit(&t, "abcdef0", NULL, NULL),
			 KREPO_UNKNOWN);
	assert_false(krepo_base_has(&t, "MAINTAINERS"));
	krepo_close(&t);

	/* No directory given: $KSERIES_TREE with KREPO_ENV only. */
	setenv("KSERIES_TREE", dir, 1);
	assert_int_equal(krepo_open_ext(&t, NULL, KREPO_MAIL, &err), 0);
	assert_string_equal(t.dir, dir);
	krepo_close(&t);
	p = xasprintf("%s/cache", dir);
	setenv("KSERIES_CACHE", p, 1);
	free(p);
	assert_int_equal(krepo_open_ext(&t, NULL, KREPO_PLAIN, &err), -1);
	p = tree_dir();
	assert_non_null(strstr(err.buf, p));
	free(p);
	unsetenv("KSERIES_TREE");
	unsetenv("KSERIES_CACHE");
	remove_tree(dir);
	sb_release(&err);
	sb_release(&want);
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
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_mail_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous_prefix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_without_tag, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_search, setup,
						teardown),
		cmocka_unit_test(test_open_plain),
		cmocka_unit_test_setup_teardown(test_symlink_in_earlier_patch,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
