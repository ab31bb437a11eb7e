// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the rebase core: how a patch replayed on a new base is
 * classified (clean, moved, merged, already there, conflict), the state
 * file (round trip, truncation refused) and the pin made from Debian's
 * source index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fetch.h"
#include "json.h"
#include "patch.h"
#include "rebase.h"
#include "tree.h"
#include "util.h"

struct fixture {
	char dir[64];
	struct krepo t;
	git_oid newbase;
};

static const char old_a[] =
	"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n";
/* Two lines on top, line 8 changed: hunks move by 2; 8 conflicts. */
static const char new_a[] =
	"0a\n0b\n1\n2\n3\n4\n5\n6\n7\neight\n9\n10\n11\n12\n13\n14\n15\n";
static const char old_m[] = "m1\nm2\nm3\nm4\nm5\nm6\nm7\nm8\n";
/* m3 changed: a patch on m5 no longer applies, but merges. */
static const char new_m[] = "m1\nm2\nm3 stable\nm4\nm5\nm6\nm7\nm8\n";

static void commit_files(git_repository *repo, const char *const *paths,
			 const char *const *data, size_t n,
			 const git_oid *parent, git_oid *out)
{
	git_treebuilder *tb = NULL, *sub = NULL;
	git_signature *sig;
	git_commit *par = NULL;
	git_tree *tree;
	git_oid id, tid, sid;
	size_t i;

	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_new(&sub, repo, NULL), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(git_blob_create_from_buffer(&id, repo,
							     data[i],
							     strlen(data[i])),
				 0);
		assert_int_equal(git_treebuilder_insert(NULL, sub, paths[i],
							&id,
							GIT_FILEMODE_BLOB),
				 0);
	}
	assert_int_equal(git_treebuilder_write(&sid, sub), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "d", &sid,
						GIT_FILEMODE_TREE), 0);
	assert_int_equal(git_treebuilder_write(&tid, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
	assert_int_equal(git_signature_new(&sig, "B", "b@c", 1000, 0), 0);
	if (parent)
		assert_int_equal(git_commit_lookup(&par, repo, parent), 0);
	assert_int_equal(git_commit_create(out, repo, NULL, sig, sig, NULL,
					   "base\n", tree, par ? 1 : 0,
					   (const git_commit **)&par), 0);
	git_commit_free(par);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_treebuilder_free(sub);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	static const char *const paths[] = { "a.c", "m.c" };
	const char *olds[] = { old_a, old_m }, *news[] = { new_a, new_m };
	git_repository *repo;
	git_reference *ref;
	git_oid base;

	git_libgit2_init();
	strcpy(f->dir, "/tmp/kseries-rebase-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(git_repository_init(&repo, f->dir, 0), 0);
	commit_files(repo, paths, olds, 2, NULL, &base);
	commit_files(repo, paths, news, 2, NULL, &f->newbase);
	assert_int_equal(git_reference_create(&ref, repo, "refs/tags/base",
					      &base, 0, NULL), 0);
	git_reference_free(ref);
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

static struct patch *mk(const char *diff)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct patch *p = xcalloc(1, sizeof(*p));

	sb_addstr(&sb, "From: Jane <jane@example.org>\n"
		  "Date: Tue, 14 Nov 2023 23:13:20 +0100\n"
		  "Subject: [PATCH] change\n\nBody.\n---\n");
	sb_addstr(&sb, diff);
	if (patch_parse(p, "patches/x.patch", sb.buf, sb.len, &err))
		fail_msg("parse: %s", err.buf);
	sb_release(&sb);
	sb_release(&err);
	return p;
}

static void drop(struct patch *p)
{
	patch_release(p);
	free(p);
}

/* Replay @diff, made on the old base, onto the new base. */
static enum rb_status replay(struct fixture *f, const char *diff,
			     struct rb_result *r)
{
	struct patch *p = mk(diff);
	struct apply_result ar;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, &p, 1, &ar), 0);
	assert_int_equal(rb_replay(&f->t, &f->newbase, &ar.commits[0], p,
				   "new base", r, &err), 0);
	apply_result_release(&ar);
	sb_release(&err);
	drop(p);
	return r->status;
}

static void test_clean(void **state)
{
	struct rb_result r;

	assert_int_equal(replay(*state,
		"diff --git a/d/m.c b/d/m.c\n--- a/d/m.c\n+++ b/d/m.c\n"
		"@@ -6,3 +6,3 @@\n m6\n-m7\n+m7 patched\n m8\n", &r),
		RB_CLEAN);
	assert_int_equal(r.detail.len, 0);
	assert_false(git_oid_is_zero(&r.commit));
	rb_result_release(&r);
}

static void test_moved(void **state)
{
	struct rb_result r;

	assert_int_equal(replay(*state,
		"diff --git a/d/a.c b/d/a.c\n--- a/d/a.c\n+++ b/d/a.c\n"
		"@@ -11,3 +11,3 @@\n 11\n-12\n+twelve\n 13\n", &r),
		RB_MOVED);
	assert_string_equal(r.detail.buf, "d/a.c: hunk 1 +2\n");
	rb_result_release(&r);
}

static void test_merged(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	struct rb_result r;
	git_commit *c;
	git_tree *tree;
	git_tree_entry *e;
	git_blob *b;

	assert_int_equal(replay(f,
		"diff --git a/d/m.c b/d/m.c\n--- a/d/m.c\n+++ b/d/m.c\n"
		"@@ -3,5 +3,5 @@\n m3\n m4\n-m5\n+m5 patched\n m6\n m7\n",
		&r), RB_MERGED);
	assert_non_null(strstr(r.detail.buf, "d/m.c: merged"));
	/* Both changes, and the patch's author on the commit. */
	assert_int_equal(git_commit_lookup(&c, f->t.repo, &r.commit), 0);
	assert_string_equal(git_commit_author(c)->name, "Jane");
	assert_int_equal(git_commit_tree(&tree, c), 0);
	assert_int_equal(git_tree_entry_bypath(&e, tree, "d/m.c"), 0);
	assert_int_equal(git_blob_lookup(&b, f->t.repo,
					 git_tree_entry_id(e)), 0);
	sb_add(&sb, git_blob_rawcontent(b), git_blob_rawsize(b));
	assert_string_equal(sb.buf,
			    "m1\nm2\nm3 stable\nm4\nm5 patched\nm6\nm7\nm8\n");
	sb_release(&sb);
	git_blob_free(b);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	rb_result_release(&r);
}

static void test_already(void **state)
{
	struct rb_result r;

	/* The new base made the same change (and moved it by 2). */
	assert_int_equal(replay(*state,
		"diff --git a/d/m.c b/d/m.c\n--- a/d/m.c\n+++ b/d/m.c\n"
		"@@ -2,3 +2,3 @@\n m2\n-m3\n+m3 stable\n m4\n", &r),
		RB_ALREADY);
	assert_true(git_oid_is_zero(&r.commit));
	assert_non_null(strstr(r.detail.buf,
			       "d/m.c: hunk 1 (@@ -2,3 +2,3 @@) present at line 2"));
	rb_result_release(&r);
}

static void test_evidence_counts(void **state)
{
	struct fixture *f = *state;
	struct patch *p = mk(
		"diff --git a/d/m.c b/d/m.c\n--- a/d/m.c\n+++ b/d/m.c\n"
		"@@ -2,3 +2,3 @@\n m2\n-m3\n+m3 stable\n m4\n"
		"@@ -6,3 +6,3 @@\n m6\n-m7\n+m7 never\n m8\n");
	struct strbuf d = STRBUF_INIT;
	size_t present, total;

	assert_int_equal(rb_evidence(&f->t, &f->newbase, p, &d, &present,
				     &total), 0);
	assert_int_equal(present, 1);
	assert_int_equal(total, 2);
	assert_non_null(strstr(d.buf, "hunk 2 (@@ -6,3 +6,3 @@) not found"));
	sb_release(&d);
	drop(p);
}

static void test_conflict(void **state)
{
	struct fixture *f = *state;
	struct rb_result r;
	git_tree *tree;
	git_tree_entry *e;
	git_blob *b;
	const char *s;

	assert_int_equal(replay(f,
		"diff --git a/d/a.c b/d/a.c\n--- a/d/a.c\n+++ b/d/a.c\n"
		"@@ -7,3 +7,3 @@\n 7\n-8\n+ours\n 9\n", &r), RB_CONFLICT);
	assert_int_equal(r.nr_paths, 1);
	assert_string_equal(r.paths[0], "d/a.c");
	/* The conflict tree has the three sides with their labels. */
	assert_int_equal(git_tree_lookup(&tree, f->t.repo, &r.tree), 0);
	assert_int_equal(git_tree_entry_bypath(&e, tree, "d/a.c"), 0);
	assert_int_equal(git_blob_lookup(&b, f->t.repo,
					 git_tree_entry_id(e)), 0);
	s = git_blob_rawcontent(b);
	assert_non_null(strstr(s, "<<<<<<< new base\neight\n"));
	assert_non_null(strstr(s, "||||||| old base"));
	assert_non_null(strstr(s, "=======\nours\n>>>>>>> patches/x.patch\n"));
	git_blob_free(b);
	git_tree_entry_free(e);
	git_tree_free(tree);
	rb_result_release(&r);
}

static void fill_state(struct rb_state *st, const char *dir)
{
	memset(st, 0, sizeof(*st));
	st->dir = xstrdup(dir);
	st->phase = RB_STOPPED;
	st->step = 1;
	st->old_name = xstrdup("Linux 5.10.223");
	st->new_name = xstrdup("Linux 5.10.262");
	git_oid_fromstr(&st->old_base,
			"1111111111111111111111111111111111111111");
	git_oid_fromstr(&st->cur, "2222222222222222222222222222222222222222");
	st->moving = true;
	st->detached = true;
	st->next = 1;
	st->nr = 2;
	st->e = xcalloc(2, sizeof(*st->e));
	st->e[0].name = xstrdup("0001-a.patch");
	st->e[0].status = RB_MOVED;
	st->e[0].detail = xstrdup("x.c: hunk 1 +3\ny.c: hunk 2 -1\n");
	git_oid_fromstr(&st->e[0].new_commit,
			"3333333333333333333333333333333333333333");
	st->e[1].name = xstrdup("0002-b.patch");
	st->e[1].status = RB_CONFLICT;
}

static void test_state_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT;
	struct rb_state st, back;
	char *dir = path_join(f->dir, "state-test");

	assert_int_equal(mkdir_p(dir, 0755), 0);
	fill_state(&st, dir);
	assert_int_equal(rb_state_save(&st, &err), 0);
	assert_int_equal(rb_state_load(&back, dir, &err), 0);
	assert_int_equal(back.phase, RB_STOPPED);
	assert_int_equal(back.step, 1);
	assert_string_equal(back.new_name, "Linux 5.10.262");
	assert_true(git_oid_equal(&back.old_base, &st.old_base));
	assert_true(git_oid_equal(&back.cur, &st.cur));
	assert_true(back.moving && back.detached);
	assert_int_equal(back.next, 1);
	assert_int_equal(back.nr, 2);
	assert_int_equal(back.e[0].status, RB_MOVED);
	assert_string_equal(back.e[0].detail, st.e[0].detail);
	assert_true(git_oid_equal(&back.e[0].new_commit,
				  &st.e[0].new_commit));
	assert_string_equal(back.e[1].name, "0002-b.patch");
	assert_int_equal(back.e[1].status, RB_CONFLICT);
	assert_null(back.e[1].detail);
	rb_state_release(&back);
	rb_state_release(&st);
	free(dir);
	sb_release(&err);
}

static void test_state_truncated(void **state)
{
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	char *dir = path_join(f->dir, "state-cut"), *file;
	struct rb_state st, back;

	assert_int_equal(mkdir_p(dir, 0755), 0);
	fill_state(&st, dir);
	assert_int_equal(rb_state_save(&st, &err), 0);
	file = path_join(dir, "state");
	assert_int_equal(read_file(file, &sb), 0);
	/* Without its "end" line it is refused, whatever the rest. */
	assert_int_equal(write_file_atomic(file, sb.buf, sb.len - 4), 0);
	assert_int_equal(rb_state_load(&back, dir, &err), -1);
	assert_non_null(strstr(err.buf, "truncated or corrupt"));
	rb_state_release(&back);
	sb_reset(&err);
	assert_int_equal(write_file_atomic(file, "garbage\nend\n", 12), 0);
	assert_int_equal(rb_state_load(&back, dir, &err), -1);
	rb_state_release(&back);
	/* Stopped, but past the last patch: nothing to show. */
	st.next = st.nr;
	assert_int_equal(rb_state_save(&st, &err), 0);
	assert_int_equal(rb_state_load(&back, dir, &err), -1);
	rb_state_release(&back);
	rb_state_release(&st);
	sb_release(&sb);
	sb_release(&err);
	free(file);
	free(dir);
}

/* Each object id field comes back as its own; each bad line is refused. */
static void test_state_fields(void **state)
{
	static const char *const bad[] = {
		"nosuchkey 1", "old-tip xyz", "phase nosuchphase",
		"patch 0001-a.patch", "patch bogus 1 2 x.patch",
		"| detail before any patch", "novalue",
	};
	struct fixture *f = *state;
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT, txt = STRBUF_INIT;
	char *dir = path_join(f->dir, "state-fields"), *file, *nl;
	git_oid *oids[7];
	struct rb_state st, back;
	size_t i;

	assert_int_equal(mkdir_p(dir, 0755), 0);
	fill_state(&st, dir);
	oids[0] = &st.old_base;
	oids[1] = &st.old_tip;
	oids[2] = &st.new_base;
	oids[3] = &st.cur;
	oids[4] = &st.worktree;
	oids[5] = &st.move_to;
	oids[6] = &st.conflict;
	for (i = 0; i < 7; i++) {
		char hex[41];

		memset(hex, '1' + i, 40);
		hex[40] = '\0';
		assert_int_equal(git_oid_fromstr(oids[i], hex), 0);
	}
	assert_int_equal(rb_state_save(&st, &err), 0);
	assert_int_equal(rb_state_load(&back, dir, &err), 0);
	assert_true(git_oid_equal(&back.old_base, &st.old_base));
	assert_true(git_oid_equal(&back.old_tip, &st.old_tip));
	assert_true(git_oid_equal(&back.new_base, &st.new_base));
	assert_true(git_oid_equal(&back.cur, &st.cur));
	assert_true(git_oid_equal(&back.worktree, &st.worktree));
	assert_true(git_oid_equal(&back.move_to, &st.move_to));
	assert_true(git_oid_equal(&back.conflict, &st.conflict));
	rb_state_release(&back);

	file = path_join(dir, "state");
	assert_int_equal(read_file(file, &sb), 0);
	nl = strchr(sb.buf, '\n');
	assert_non_null(nl);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* The magic line, the bad one, then the rest. */
		sb_reset(&txt);
		sb_add(&txt, sb.buf, nl + 1 - sb.buf);
		sb_addf(&txt, "%s\n%s", bad[i], nl + 1);
		assert_int_equal(write_file_atomic(file, txt.buf, txt.len), 0);
		sb_reset(&err);
		assert_int_equal(rb_state_load(&back, dir, &err), -1);
		assert_non_null(strstr(err.buf, ": line 2: not a kseries"));
		rb_state_release(&back);
	}
	rb_state_release(&st);
	sb_release(&sb);
	sb_release(&txt);
	sb_release(&err);
	free(file);
	free(dir);
}

static const char showsrc[] =
	"Package: linux\n"
	"Version: 5.10.259-1\n"
	"Checksums-Sha256:\n"
	" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 100 linux_5.10.259-1.dsc\n"
	" bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 122000000 linux_5.10.259.orig.tar.xz\n"
	"\n"
	"Package: linux\n"
	"Version: 5.10.262-1\n"
	"Files:\n"
	" 0123 100 linux_5.10.262-1.dsc\n"
	"Checksums-Sha256:\n"
	" cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc 100 linux_5.10.262-1.dsc\n"
	" dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd 122205276 linux_5.10.262.orig.tar.xz\n"
	" eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 1000 linux_5.10.262-1.debian.tar.xz\n"
	"\n"
	"Package: linux-signed\n"
	"Version: 5.10.262-2\n";

static void test_pin_from_index(void **state)
{
	struct strbuf pin = STRBUF_INIT, err = STRBUF_INIT;

	assert_int_equal(pin_from_showsrc(showsrc, "linux", "5.10.262",
					  "bullseye-security", &pin, &err), 0);
	assert_non_null(strstr(pin.buf, "\nname = Linux 5.10.262\n"));
	assert_non_null(strstr(pin.buf, "\npackage-version = 5.10.262-1\n"));
	assert_non_null(strstr(pin.buf, "\nsuite = bullseye-security\n"));
	assert_non_null(strstr(pin.buf, "\ntarball = linux_5.10.262.orig.tar.xz\n"));
	assert_non_null(strstr(pin.buf, "\nsha256 = dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"));
	assert_non_null(strstr(pin.buf, "\nstrip = linux-5.10.262\n"));
	assert_null(strstr(pin.buf, "://"));
	sb_reset(&pin);
	assert_int_equal(pin_from_showsrc(showsrc, "linux", "5.10.259-1",
					  "bullseye-security", &pin, &err), 0);
	assert_non_null(strstr(pin.buf, "\nsha256 = bbbb"));
	sb_reset(&pin);
	assert_int_equal(pin_from_showsrc(showsrc, "linux", "5.10.300",
					  "bullseye-security", &pin, &err), -1);
	assert_non_null(strstr(err.buf, "has no linux 5.10.300"));
	sb_release(&pin);
	sb_release(&err);
}

/*
 * range-diff's JSON read back: a patch replayed with its hunks moved
 * (changed: the hunk header's function line is now "eight") and one
 * dropped, named in Latin-1.
 */
static void test_range_diff_json(void **state)
{
	struct fixture *f = *state;
	struct patch *p = mk(
		"diff --git a/d/a.c b/d/a.c\n--- a/d/a.c\n+++ b/d/a.c\n"
		"@@ -11,3 +11,3 @@\n 11\n-12\n+twelve\n 13\n");
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf js = STRBUF_INIT;
	struct apply_result ar;
	struct rb_result r;
	struct rb_state st = { 0 };
	struct rb_entry e[2] = { 0 };
	json_t *doc, *o, *c;

	assert_int_equal(krepo_apply(&f->t, &f->t.base, &p, 1, &ar), 0);
	assert_int_equal(rb_replay(&f->t, &f->newbase, &ar.commits[0], p,
				   "new base", &r, &err), 0);
	assert_int_equal(r.status, RB_MOVED);
	e[0].name = "0001-a.patch";
	e[0].status = RB_MOVED;
	e[0].old_commit = ar.commits[0];
	e[0].new_commit = r.commit;
	e[0].detail = "d/a.c: hunk 1 +2\n";
	e[1].name = "0002-caf\xe9.patch";
	e[1].status = RB_ALREADY;
	e[1].detail = "x.c: line\none \xabtwo\xbb";
	st.old_name = "Linux 0.1";
	st.new_name = "Linux 0.2";
	st.old_base = f->t.base;
	st.new_base = f->newbase;
	st.e = e;
	st.nr = 2;
	assert_int_equal(rb_range_diff(&f->t, &st, &text, &js, &err), 0);
	assert_true(starts_with(js.buf, "{\"from\":\"Linux 0.1\",\"to\":\"Linux 0.2\","));
	assert_true(js.buf[js.len - 1] == '\n');
	doc = json_loads(js.buf, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 7);
	assert_int_equal(json_integer_value(json_object_get(doc, "changed")),
			 1);
	o = json_array_get(json_object_get(doc, "patches"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")),
			    "moved");
	assert_true(json_is_false(json_object_get(o, "dropped")));
	assert_true(json_is_true(json_object_get(o, "changed")));
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(o, "detail"), 0)), "d/a.c: hunk 1 +2");
	assert_int_equal(json_array_size(json_object_get(o, "detail")), 1);
	c = json_object_get(o, "interdiff");
	assert_string_equal(json_string_value(json_array_get(c, 0)),
			    "@@ -1,7 +1,7 @@");
	assert_string_equal(json_string_value(json_array_get(c, 4)), "-@@");
	assert_string_equal(json_string_value(json_array_get(c, 5)),
			    "+@@ eight");
	o = json_array_get(json_object_get(doc, "patches"), 1);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "0002-caf\xc3\xa9.patch");
	assert_true(json_is_true(json_object_get(o, "dropped")));
	assert_true(json_is_false(json_object_get(o, "changed")));
	assert_int_equal(json_array_size(json_object_get(o, "interdiff")), 0);
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(o, "detail"), 1)), "one \xc2\xabtwo\xc2\xbb");
	c = json_object_get(doc, "counts");
	assert_int_equal(json_object_size(c), RB_SKIPPED - RB_CLEAN + 1);
	assert_int_equal(json_integer_value(json_object_get(c, "moved")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "already")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "clean")), 0);
	assert_true(starts_with(text.buf, "range-diff Linux 0.1 -> Linux 0.2: 2 patches: 0 clean, 1 moved, 0 merged, 1 already in the base, 0 conflicts, 0 skipped; 1 changed"));
	json_decref(doc);
	rb_result_release(&r);
	apply_result_release(&ar);
	drop(p);
	sb_release(&err);
	sb_release(&text);
	sb_release(&js);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_already, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_truncated, setup,
						teardown),
		cmocka_unit_test(test_pin_from_index),
		cmocka_unit_test_setup_teardown(test_range_diff_json, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
