// SPDX-License-Identifier: GPL-2.0
/*
 * The core of lib/check*: the names of build results and test results,
 * the suites a boot series runs, and the context of a check (what every
 * result depends on besides the commit).
 */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-int.h"
#include "hash.h"
#include "initramfs.h"

static const char *const build_names[] = {
	[CB_NOTRUN] = "-",
	[CB_OK] = "ok",
	[CB_FAIL] = "FAIL",
};

const char *check_build_name(enum check_build b)
{
	return b < ARRAY_SIZE(build_names) ? build_names[b] : "?";
}

char check_status_char(enum test_status s)
{
	switch (s) {
	case TS_PASS:
	case TS_XPASS:
		return 'P';
	case TS_SKIP:
		return 'S';
	case TS_XFAIL:
		return 'x';
	case TS_NOTRUN:
		return '-';
	default:
		return 'F';
	}
}

/* Suites */

int check_suite_init(struct check_suite *s, struct testset *ts,
		     const char *cmd, const char *dir)
{
	struct hash_ctx h;
	unsigned char sum[32];
	size_t i;

	memset(s, 0, sizeof(*s));
	if (ts) {
		s->ts = *ts;
		memset(ts, 0, sizeof(*ts));
	}
	s->cmd = cmd;
	sha256_init(&h);
	if (cmd) {
		hash_update(&h, "cmd", 4);
		hash_update(&h, cmd, strlen(cmd) + 1);
	}
	for (i = 0; i < s->ts.nr; i++) {
		const struct test_entry *t = &s->ts.t[i];
		char bin[65];

		if (sha256_file(t->path, bin)) {
			hash_final(&h, sum);
			return error("cannot read the selftest %s: %s",
				     t->path, strerror(errno));
		}
		hash_update(&h, t->name, strlen(t->name) + 1);
		hash_update(&h, bin, 65);
		hash_update(&h, t->cmdline, strlen(t->cmdline) + 1);
	}
	{
		/* What the guest runs them with: the init and busybox. */
		char *init = project_path("kernel-overlay/init");
		char d1[65] = "", d2[65] = "";

		if (sha256_file(init, d1) || sha256_file("/bin/busybox", d2))
			warning("cannot read %s or /bin/busybox", init);
		hash_update(&h, d1, sizeof(d1));
		hash_update(&h, d2, sizeof(d2));
		free(init);
	}
	hash_final(&h, sum);
	hex_encode(s->digest, sum, 32);

	if (cmd || !s->ts.nr) {
		s->groups = xcalloc(1, sizeof(*s->groups));
		s->groups[0].cmdline = xstrdup("");
		s->groups[0].idx = xcalloc(s->ts.nr + 1, sizeof(size_t));
		for (i = 0; i < s->ts.nr; i++)
			s->groups[0].idx[i] = i;
		s->groups[0].nr = s->ts.nr;
		s->nr_groups = 1;
	} else {
		s->nr_groups = testset_group(&s->ts, &s->groups);
	}
	if (mkdir_p(dir, 0755))
		return error("cannot create %s: %s", dir, strerror(errno));
	s->initrd = xcalloc(s->nr_groups, sizeof(char *));
	for (i = 0; i < s->nr_groups; i++) {
		struct initramfs ir = {
			.busybox = "/bin/busybox",
			.ts = s->ts.nr ? &s->ts : NULL,
			.idx = s->groups[i].idx,
			.nr = s->groups[i].nr,
			.cmd = cmd,
		};
		int ret;

		s->initrd[i] = xasprintf("%s/initrd-%.12s-%zu.cpio", dir,
					 s->digest, i);
		ir.init = project_path("kernel-overlay/init");
		ret = initramfs_write(s->initrd[i], &ir);
		free((char *)ir.init);
		if (ret)
			return -1;
	}
	return 0;
}

void check_suite_release(struct check_suite *s)
{
	size_t i;

	for (i = 0; s->initrd && i < s->nr_groups; i++) {
		if (s->initrd[i])
			unlink(s->initrd[i]);
		free(s->initrd[i]);
	}
	free(s->initrd);
	if (s->groups)
		boot_groups_release(s->groups, s->nr_groups);
	testset_release(&s->ts);
	memset(s, 0, sizeof(*s));
}

/* The context: what every result depends on besides the commit. */

static char *first_line_of(const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;
	char *ret;

	if (run_capture(argv, NULL, &sb) < 0 || !sb.len) {
		sb_release(&sb);
		return xstrdup("unknown");
	}
	ret = xstrndup(sb.buf, strcspn(sb.buf, "\n"));
	sb_release(&sb);
	return ret;
}

int check_ctx_init(struct check_ctx *c)
{
	static const char *const gcc[] = { "gcc", "--version", NULL };
	static const char *const ld[] = { "ld", "--version", NULL };
	static const char *const qemu[] = {
		"qemu-system-x86_64", "--version", NULL
	};
	char *g = first_line_of(gcc), *l = first_line_of(ld);
	char *q = first_line_of(qemu);
	unsigned char sum[32];
	struct hash_ctx h;
	size_t i;

	c->toolchain = xasprintf("%s; %s; %s", g, l, q);
	free(g);
	free(l);
	free(q);
	if (accel_choose(c->kvm ? 1 : c->no_kvm ? 0 : -1, &c->accel))
		return error("%s", c->accel.why);
	sha256_init(&h);
	hash_update(&h, c->toolchain, strlen(c->toolchain) + 1);
	/* A guest under KVM may pass or skip what fails under TCG. */
	hash_update(&h, accel_name(c->accel.accel), 4);
	for (i = 0; i < c->nr_fragments; i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *base = strrchr(c->fragments[i], '/');

		base = base ? base + 1 : c->fragments[i];
		if (read_file(c->fragments[i], &sb)) {
			hash_final(&h, sum);
			return error("cannot read %s: %s", c->fragments[i],
				     strerror(errno));
		}
		hash_update(&h, base, strlen(base) + 1);
		hash_update(&h, sb.buf ? sb.buf : "", sb.len);
		sb_release(&sb);
	}
	{
		char opts[64];

		snprintf(opts, sizeof(opts), "timeouts %.0f %.0f",
			 c->test_timeout, c->boot_timeout);
		hash_update(&h, opts, strlen(opts) + 1);
	}
	/* Every build is W=1; with sparse, its version says what it finds. */
	hash_update(&h, "W=1", 4);
	if (c->static_checks) {
		static const char *const sparse[] = {
			"sparse", "--version", NULL
		};
		char *v = first_line_of(sparse);

		hash_update(&h, "sparse ", 7);
		hash_update(&h, v, strlen(v) + 1);
		free(v);
	}
	/* Known failures turn FAIL into XFAIL. */
	for (i = 0; c->known && i < c->known->nr; i++) {
		const struct known_failure *k = &c->known->kf[i];

		hash_update(&h, k->name, strlen(k->name) + 1);
		hash_update(&h, k->reason ? k->reason : "",
			    k->reason ? strlen(k->reason) + 1 : 1);
	}
	hash_final(&h, sum);
	hex_encode(c->inputs, sum, 32);
	c->cache_dir = cache_path("check");
	if (mkdir_p(c->cache_dir, 0755))
		return error("cannot create %s: %s", c->cache_dir,
			     strerror(errno));
	if (wdb_load(&c->db, c->build))
		return -1;
	c->db_loaded = true;
	return 0;
}

void check_ctx_release(struct check_ctx *c)
{
	if (c->db_loaded)
		wdb_release(&c->db);
	free_strv(c->scope.objs, c->scope.nr);
	memset(&c->scope, 0, sizeof(c->scope));
	c->scope_known = false;
	free(c->cache_dir);
	free(c->toolchain);
	c->cache_dir = NULL;
	c->toolchain = NULL;
	c->db_loaded = false;
}

/* What vm_opts.kvm says for the accelerator chosen in check_ctx_init(). */
int check_ctx_want(const struct check_ctx *c)
{
	return c->accel.forced ? c->accel.accel == ACCEL_KVM : -1;
}

const char *check_accel(const struct check_ctx *c)
{
	struct accel_choice now;

	if (accel_choose(check_ctx_want(c), &now))
		return accel_name(c->accel.accel);
	return accel_name(now.accel);
}

/* The text of blob @id of @repo, NUL-ended (NULL: none, or unreadable). */
static char *blob_text(git_repository *repo, const git_oid *id)
{
	git_blob *blob = NULL;
	char *text = NULL;

	if (git_oid_is_zero(id) || git_blob_lookup(&blob, repo, id))
		return NULL;
	text = xstrndup(git_blob_rawcontent(blob), git_blob_rawsize(blob));
	git_blob_free(blob);
	return text;
}

int check_diff_commits(git_repository *repo, const git_oid *a,
		       const git_oid *b, git_diff **diff)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	int ret = -1;

	*diff = NULL;
	if (!git_commit_lookup(&ca, repo, a) &&
	    !git_commit_lookup(&cb, repo, b) &&
	    !git_commit_tree(&ta, ca) && !git_commit_tree(&tb, cb) &&
	    !git_diff_tree_to_tree(diff, repo, ta, tb, NULL))
		ret = 0;
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return ret;
}

/* What commit @child changes against @parent, added to @r. */
static int reach_pair(git_repository *repo, const git_oid *parent,
		      const git_oid *child, struct kbuild_reach *r)
{
	git_diff *diff;
	size_t i, n;

	if (check_diff_commits(repo, parent, child, &diff))
		return -1;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path :
						      d->old_file.path;
		char *old = NULL, *new = NULL;

		if (kbuild_reach_wants_text(path)) {
			old = blob_text(repo, &d->old_file.id);
			new = blob_text(repo, &d->new_file.id);
		}
		kbuild_reach_add(r, path, d->status != GIT_DELTA_MODIFIED,
				 old, new);
		free(old);
		free(new);
	}
	git_diff_free(diff);
	return 0;
}

int check_range_reach(git_repository *repo, const git_oid *base,
		      const git_oid *from, const git_oid *commits, size_t nr,
		      struct kbuild_reach *r)
{
	size_t i;

	if (base && !git_oid_equal(base, from) &&
	    reach_pair(repo, base, from, r))
		return error("cannot diff %.12s against the base",
			     git_oid_tostr_s(from));
	for (i = 0; i < nr; i++)
		if (reach_pair(repo, i ? &commits[i - 1] : from, &commits[i],
			       r))
			return error("cannot diff %.12s against its parent",
				     git_oid_tostr_s(&commits[i]));
	/* In an order of their own: a part of the cache's key. */
	sort_strv(r->paths, r->nr_paths);
	sort_strv(r->names, r->nr_names);
	sort_strv(r->dirs, r->nr_dirs);
	return 0;
}
