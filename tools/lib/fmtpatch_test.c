// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the patch writer: git format-patch's file names, header
 * encoding, and the round trip commit -> mail -> parsed patch -> the
 * same author, date, message and file contents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply.h"
#include "fmtpatch.h"
#include "patch.h"
#include "util.h"

static void name_is(unsigned int nr, const char *subject, const char *want)
{
	char *n = patch_file_name(nr, subject);

	assert_string_equal(n, want);
	free(n);
}

static void test_file_names(void **state)
{
	/* What git format-patch 2.39 names them. */
	name_is(1, "KVM: x86: add xen.c", "0001-KVM-x86-add-xen.c.patch");
	name_is(12, "KVM: x86/xen: intercept xen hypercalls if enabled",
		"0012-KVM-x86-xen-intercept-xen-hypercalls-if-enabled.patch");
	name_is(3, "a...b -- c__d!!", "0003-a.b-c__d.patch");
	name_is(4, "trailing dots...", "0004-trailing-dots.patch");
	name_is(5, "KVM: nSVM: restore the L1 host state prior to entering the nested guest",
		"0005-KVM-nSVM-restore-the-L1-host-state-prior-to-entering.patch");
	name_is(6, "caf\xc3\xa9 ok", "0006-caf-ok.patch");
}

static void test_header_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	add_header_text(&sb, "plain ascii", 11);
	assert_string_equal(sb.buf, "plain ascii");
	sb_reset(&sb);
	add_header_text(&sb, "J\xc3\xb6rg a=b?", 10);
	/* As git format-patch (2.39) writes it: a space is =20. */
	assert_string_equal(sb.buf, "=?UTF-8?q?J=C3=B6rg=20a=3Db=3F?=");
	sb_release(&sb);
}

static void test_quoted_name(void **state)
{
	static const char *const names[] = {
		"A. U. Thor", "Thor, A. U.", "A \"q\" B", "back\\slash",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct patch p;

		sb_addstr(&sb, "From: ");
		add_from(&sb, names[i], "a@b.c");
		sb_addstr(&sb, "\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
			  "Subject: s\n\n---\ndiff --git a/f b/f\n"
			  "old mode 100644\nnew mode 100755\n");
		assert_int_equal(patch_parse(&p, "t", sb.buf, sb.len, NULL), 0);
		assert_string_equal(p.author_name, names[i]);
		patch_release(&p);
		sb_release(&sb);
	}
}

static char dir[64];
static git_repository *repo;

static git_oid blob(const char *data)
{
	git_oid id;

	assert_int_equal(git_blob_create_from_buffer(&id, repo, data,
						     strlen(data)), 0);
	return id;
}

static git_tree *tree_of(size_t n, const char *const *paths,
			 const char *const *datas, const git_filemode_t *modes)
{
	git_tree_update up[8];
	git_tree *t;
	git_oid id;
	size_t i;

	memset(up, 0, sizeof(up));
	for (i = 0; i < n; i++) {
		up[i].action = GIT_TREE_UPDATE_UPSERT;
		up[i].id = blob(datas[i]);
		up[i].filemode = modes[i];
		up[i].path = paths[i];
	}
	assert_int_equal(git_tree_create_updated(&id, repo, NULL, n, up), 0);
	assert_int_equal(git_tree_lookup(&t, repo, &id), 0);
	return t;
}

static void test_round_trip(void **state)
{
	static const char *const p1[] = { "a/x.c", "b/gone.c", "run.sh" };
	static const char *const d1[] = { "1\n2\n3\n4\n5\n6\n7\n", "bye\n",
					  "#!/bin/sh\n" };
	static const git_filemode_t m1[] = { 0100644, 0100644, 0100644 };
	static const char *const p2[] = { "a/x.c", "c/new.c", "run.sh" };
	static const char *const d2[] = { "1\n2\n3\nfour\n5\n6\n7", "hi\n",
					  "#!/bin/sh\n" };
	static const git_filemode_t m2[] = { 0100644, 0100644, 0100755 };
	static const char msg[] =
		"KVM: caf\xc3\xa9: a subject\n\nFirst paragraph.\n\n"
		"Signed-off-by: J\xc3\xb6rg <j@example.org>\n";
	git_tree *t1, *t2;
	git_commit *base, *c;
	git_signature *sig;
	git_oid id;
	struct strbuf mail = STRBUF_INIT, err = STRBUF_INIT;
	struct patch p;
	size_t i;

	strcpy(dir, "/tmp/kseries-fmt-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	t1 = tree_of(3, p1, d1, m1);
	t2 = tree_of(3, p2, d2, m2);
	assert_int_equal(git_signature_new(&sig, "J\xc3\xb6rg R. \"x\" Z",
					   "j@example.org", 1700000000, -330),
			 0);
	assert_int_equal(git_commit_create(&id, repo, NULL, sig, sig, NULL,
					   "base\n", t1, 0, NULL), 0);
	assert_int_equal(git_commit_lookup(&base, repo, &id), 0);
	assert_int_equal(git_commit_create(&id, repo, NULL, sig, sig, NULL,
					   msg, t2, 1,
					   (const git_commit **)&base), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &id), 0);

	assert_int_equal(format_patch(repo, c, &mail), 0);
	assert_true(starts_with(mail.buf,
				"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
				"From: =?UTF-8?q?J=C3=B6rg=20R=2E=20=22x=22=20Z?= <j@example.org>\n"
				"Date: Tue, 14 Nov 2023 16:43:20 -0530\n"
				"Subject: [PATCH] =?UTF-8?q?KVM:=20caf=C3=A9:=20a=20subject?=\n"
				"MIME-Version: 1.0\n"));
	/* The diffstat as git format-patch lays it out ("1 +", not "1 +-") */
	assert_non_null(strstr(mail.buf,
			       "\n---\n"
			       " a/x.c    | 4 ++--\n"
			       " b/gone.c | 1 -\n"
			       " c/new.c  | 1 +\n"
			       " run.sh   | 0\n"
			       " 4 files changed, 3 insertions(+), 3 deletions(-)\n"
			       " delete mode 100644 b/gone.c\n"
			       " create mode 100644 c/new.c\n"
			       " mode change 100644 => 100755 run.sh\n"
			       "\ndiff --git "));
	assert_true(ends_with(mail.buf, "\n-- \nkseries\n\n"));

	/* The parser reads back what the writer wrote. */
	if (patch_parse(&p, "t.patch", mail.buf, mail.len, &err))
		fail_msg("%s", err.buf);
	assert_string_equal(p.author_name, "J\xc3\xb6rg R. \"x\" Z");
	assert_string_equal(p.author_email, "j@example.org");
	assert_int_equal(p.time, 1700000000);
	assert_int_equal(p.tz_minutes, -330);
	{
		char *m = patch_message(&p);

		assert_string_equal(m, msg);
		free(m);
	}
	assert_int_equal(p.nr_files, 4);
	/* Every file diff turns the old content into the new one. */
	for (i = 0; i < p.nr_files; i++) {
		const struct file_patch *fp = &p.files[i];
		struct strbuf out = STRBUF_INIT;
		const char *old = "", *want = NULL;
		size_t k;

		for (k = 0; k < 3; k++) {
			if (fp->old_path && !strcmp(fp->old_path, p1[k]))
				old = d1[k];
			if (fp->new_path && !strcmp(fp->new_path, p2[k]))
				want = d2[k];
		}
		assert_int_equal(apply_file(old, strlen(old), fp, false, &out,
					    NULL), 0);
		assert_string_equal(out.buf, want ? want : "");
		if (fp->new_path && !strcmp(fp->new_path, "run.sh"))
			assert_int_equal(fp->new_mode, 0100755);
		sb_release(&out);
	}
	/* The same commit always gives the same bytes. */
	{
		struct strbuf again = STRBUF_INIT;

		assert_int_equal(format_patch(repo, c, &again), 0);
		assert_int_equal(again.len, mail.len);
		assert_memory_equal(again.buf, mail.buf, mail.len);
		sb_release(&again);
	}
	patch_release(&p);
	sb_release(&mail);
	sb_release(&err);
	git_signature_free(sig);
	git_commit_free(base);
	git_commit_free(c);
	git_tree_free(t1);
	git_tree_free(t2);
	git_repository_free(repo);
	remove_tree(dir);
}

/* The block from "---" to the first "diff --git" of a mail. */
static char *stat_block(const char *mail)
{
	const char *a = strstr(mail, "\n---\n"), *b;

	assert_non_null(a);
	b = strstr(a, "\ndiff --git ");
	assert_non_null(b);
	return xstrndup(a, b - a);
}

/*
 * The diffstat equals git format-patch's where libgit2's layout is not
 * git's: a graph scaled down to the width, beside a one-line change
 * (libgit2 writes "1 +-" there, git "1 +").
 */
static void test_diffstat_is_gits(void **state)
{
	static const char *const p1[] = { "big.c", "one.h" };
	static const char *const p2[] = { "big.c", "one.h" };
	static const git_filemode_t m[] = { 0100644, 0100644 };
	struct strbuf big = STRBUF_INIT, mail = STRBUF_INIT, git = STRBUF_INIT;
	const char *d1[2], *d2[2];
	git_commit *base, *c;
	git_signature *sig;
	git_tree *t1, *t2;
	char *gitdir, *ours, *theirs;
	git_oid id;
	int i;

	for (i = 0; i < 90; i++)
		sb_addf(&big, "int line_%d;\n", i);
	d1[0] = "int a;\nint b;\nint c;\n";
	d1[1] = "#define ONE 1\n";
	d2[0] = big.buf;
	d2[1] = "#define ONE 1\n#define TWO 2\n";
	strcpy(dir, "/tmp/kseries-fmt-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	t1 = tree_of(2, p1, d1, m);
	t2 = tree_of(2, p2, d2, m);
	assert_int_equal(git_signature_new(&sig, "A U Thor", "a@example.org",
					   1700000000, 0), 0);
	assert_int_equal(git_commit_create(&id, repo, NULL, sig, sig, NULL,
					   "base\n", t1, 0, NULL), 0);
	assert_int_equal(git_commit_lookup(&base, repo, &id), 0);
	assert_int_equal(git_commit_create(&id, repo, "HEAD", sig, sig, NULL,
					   "KVM: x: grow big.c\n", t2, 1,
					   (const git_commit **)&base), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
	assert_int_equal(format_patch(repo, c, &mail), 0);
	gitdir = xasprintf("--git-dir=%s", dir);
	{
		const char *argv[] = { "git", gitdir, "format-patch",
				       "--stdout", "-1", git_oid_tostr_s(&id),
				       NULL };

		assert_int_equal(run_capture(argv, NULL, &git), 0);
	}
	ours = stat_block(mail.buf);
	theirs = stat_block(git.buf);
	assert_string_equal(ours, theirs);
	assert_non_null(strstr(ours, " one.h |  1 +\n"));
	free(ours);
	free(theirs);
	free(gitdir);
	sb_release(&big);
	sb_release(&mail);
	sb_release(&git);
	git_signature_free(sig);
	git_commit_free(base);
	git_commit_free(c);
	git_tree_free(t1);
	git_tree_free(t2);
	git_repository_free(repo);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_header_text),
		cmocka_unit_test(test_quoted_name),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_diffstat_is_gits),
	};

	git_libgit2_init();
	return cmocka_run_group_tests_name("fmtpatch", tests, NULL, NULL);
}
