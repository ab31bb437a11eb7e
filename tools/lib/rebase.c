// SPDX-License-Identifier: GPL-2.0
/*
 * kseries rebase: the new base imported over the old one, the series
 * replayed and classified, with a state directory that survives a kill.
 */
#include "rebase.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "fmtpatch.h"
#include "json.h"
#include "kernel.h"
#include "series.h"
#include "tarball.h"

#define STATE_MAGIC	"kseries-rebase 1"

static const char *const status_names[] = {
	[RB_PENDING] = "pending",
	[RB_CLEAN] = "clean",
	[RB_MOVED] = "moved",
	[RB_MERGED] = "merged",
	[RB_ALREADY] = "already",
	[RB_CONFLICT] = "conflict",
	[RB_SKIPPED] = "skipped",
};

const char *rb_status_name(enum rb_status s)
{
	return s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

static int status_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_names); i++)
		if (!strcmp(status_names[i], name))
			return i;
	return -1;
}

void rb_kill_point(const char *name)
{
	const char *k = getenv("KSERIES_REBASE_KILL");

	if (k && !strcmp(k, name))
		raise(SIGKILL);
}

void rb_result_release(struct rb_result *r)
{
	size_t i;

	sb_release(&r->detail);
	for (i = 0; i < r->nr_paths; i++)
		free(r->paths[i]);
	free(r->paths);
	memset(r, 0, sizeof(*r));
}

static int lg2_fail(struct strbuf *err, const char *what)
{
	sb_addf(err, "%s: %s", what, lg2_err());
	return -1;
}

static int commit_tree(struct krepo *t, const git_oid *commit,
		       git_tree **tree)
{
	git_commit *c = NULL;
	int r = git_commit_lookup(&c, t->repo, commit) ||
		git_commit_tree(tree, c);

	git_commit_free(c);
	return r ? -1 : 0;
}

/* The blob at @path of @tree: 0 found, 1 absent, -1 error. */
static int blob_at(git_tree *tree, const char *path, git_oid *id,
		   unsigned int *mode)
{
	git_tree_entry *e = NULL;
	int r = git_tree_entry_bypath(&e, tree, path);

	if (r == GIT_ENOTFOUND)
		return 1;
	if (r)
		return -1;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return 1;
	}
	git_oid_cpy(id, git_tree_entry_id(e));
	*mode = git_tree_entry_filemode(e);
	git_tree_entry_free(e);
	return 0;
}

/* Where the hunks of a patch that applied on @onto landed. */
static int offsets(struct krepo *t, const git_oid *onto,
		   const struct patch *p, struct strbuf *d, bool *moved)
{
	git_tree *tree = NULL;
	size_t i, j;
	int ret = 0;

	*moved = false;
	if (commit_tree(t, onto, &tree))
		return -1;
	for (i = 0; i < p->nr_files; i++) {
		const struct file_patch *fp = &p->files[i];
		struct strbuf out = STRBUF_INIT;
		git_blob *blob = NULL;
		unsigned int mode;
		long *off;
		bool any = false;
		git_oid id;

		if (fp->is_new || !fp->nr_hunks ||
		    blob_at(tree, fp->old_path, &id, &mode) ||
		    git_blob_lookup(&blob, t->repo, &id))
			continue;
		off = xcalloc(fp->nr_hunks, sizeof(*off));
		if (!apply_file_offsets(git_blob_rawcontent(blob),
					git_blob_rawsize(blob), fp, false,
					&out, NULL, off)) {
			for (j = 0; j < fp->nr_hunks; j++)
				any |= off[j] != 0;
		}
		if (any) {
			*moved = true;
			sb_addf(d, "%s:", fp->old_path);
			for (j = 0; j < fp->nr_hunks; j++)
				sb_addf(d, "%s hunk %zu %+ld", j ? "," : "",
					j + 1, off[j]);
			sb_addch(d, '\n');
		}
		free(off);
		sb_release(&out);
		git_blob_free(blob);
	}
	git_tree_free(tree);
	return ret;
}

int rb_evidence(struct krepo *t, const git_oid *commit,
		const struct patch *p, struct strbuf *d, size_t *present,
		size_t *total)
{
	git_tree *tree = NULL;
	size_t i, j;

	*present = *total = 0;
	if (commit_tree(t, commit, &tree))
		return -1;
	for (i = 0; i < p->nr_files; i++) {
		const struct file_patch *fp = &p->files[i];
		git_blob *blob = NULL;
		unsigned int mode;
		git_oid id;
		int r;

		if (fp->is_delete) {
			(*total)++;
			r = blob_at(tree, fp->old_path, &id, &mode);
			*present += r == 1;
			sb_addf(d, "%s: %s\n", fp->old_path, r == 1 ?
				"already deleted" : "still there");
			continue;
		}
		r = blob_at(tree, fp->new_path, &id, &mode);
		if (!r && git_blob_lookup(&blob, t->repo, &id))
			r = -1;
		for (j = 0; j < fp->nr_hunks; j++) {
			const struct hunk *h = &fp->hunks[j];
			struct file_patch one = *fp;
			struct strbuf out = STRBUF_INIT;
			long off = 0;

			(*total)++;
			one.hunks = (struct hunk *)h;
			one.nr_hunks = 1;
			if (!r && !apply_file_offsets(git_blob_rawcontent(blob),
						      git_blob_rawsize(blob),
						      &one, true, &out, NULL,
						      &off)) {
				(*present)++;
				sb_addf(d, "%s: hunk %zu (@@ -%ld,%ld +%ld,%ld @@) present at line %ld\n",
					fp->new_path, j + 1, h->old_start,
					h->old_count, h->new_start,
					h->new_count, h->new_start + off);
			} else {
				sb_addf(d, "%s: hunk %zu (@@ -%ld,%ld +%ld,%ld @@) not found\n",
					fp->new_path, j + 1, h->old_start,
					h->old_count, h->new_start,
					h->new_count);
			}
			sb_release(&out);
		}
		git_blob_free(blob);
	}
	git_tree_free(tree);
	return 0;
}

static void add_path(struct rb_result *r, const char *path)
{
	r->paths = xrealloc(r->paths, (r->nr_paths + 1) * sizeof(*r->paths));
	r->paths[r->nr_paths++] = xstrdup(path);
}

struct side {
	int r;			/* 0 present, 1 absent */
	git_oid id;
	unsigned int mode;
	git_blob *blob;
};

static bool same(const struct side *a, const struct side *b)
{
	if (a->r || b->r)
		return a->r == b->r;
	return git_oid_equal(&a->id, &b->id) && a->mode == b->mode;
}

static void input_of(git_merge_file_input *in, const struct side *s,
		     const char *path)
{
	git_merge_file_input_init(in, GIT_MERGE_FILE_INPUT_VERSION);
	in->path = path;
	if (s->r || !s->blob)
		return;
	in->ptr = git_blob_rawcontent(s->blob);
	in->size = git_blob_rawsize(s->blob);
	in->mode = s->mode;
}

/*
 * Three-way merge of each file the patch touches: the old parent
 * (ancestor), @onto (ours) and the patch's result (theirs).
 */
/* The paths @p touches (old and new names), each once; not copied. */
static char **merge_paths(const struct patch *p, size_t *np)
{
	char **paths = xcalloc(2 * p->nr_files + 1, sizeof(*paths));
	size_t i, k, n = 0;

	for (i = 0; i < p->nr_files; i++) {
		const char *v[2] = { p->files[i].old_path,
				     p->files[i].new_path };

		for (k = 0; k < 2; k++) {
			size_t j;

			if (!v[k])
				continue;
			for (j = 0; j < n && strcmp(paths[j], v[k]); j++)
				;
			if (j == n)
				paths[n++] = (char *)v[k];
		}
	}
	*np = n;
	return paths;
}

/* What one merge does to the new base's tree, and what it says. */
struct merge_state {
	struct krepo *t;
	struct patch *p;
	const char *label;
	struct rb_result *r;
	git_tree_update *up;
	size_t nup;
	struct strbuf merged;	/* "PATH: merged" lines */
	struct strbuf *err;
};

static void merge_upsert(struct merge_state *m, const char *path,
			 const git_oid *id, unsigned int mode)
{
	git_tree_update *u = &m->up[m->nup++];

	u->path = path;
	u->action = GIT_TREE_UPDATE_UPSERT;
	git_oid_cpy(&u->id, id);
	u->filemode = mode;
}

/* Both sides changed @path: merge the texts, markers on a conflict. */
static int merge_text(struct merge_state *m, const char *path,
		      const struct side *s)
{
	git_merge_file_input in[3];
	git_merge_file_options fo;
	git_merge_file_result mr;
	git_oid id;
	size_t k;
	int fail;

	for (k = 0; k < 3; k++)
		input_of(&in[k], &s[k], path);
	git_merge_file_options_init(&fo, GIT_MERGE_FILE_OPTIONS_VERSION);
	fo.ancestor_label = "old base + the patches before";
	fo.our_label = m->label;
	fo.their_label = m->p->name;
	fo.flags = GIT_MERGE_FILE_STYLE_DIFF3;
	if (git_merge_file(&mr, &in[0], &in[1], &in[2], &fo))
		return lg2_fail(m->err, path);
	fail = git_blob_create_from_buffer(&id, m->t->repo, mr.ptr, mr.len);
	if (!fail)
		merge_upsert(m, path, &id, mr.mode ? mr.mode : s[2].mode);
	if (fail) {
		git_merge_file_result_free(&mr);
		return lg2_fail(m->err, path);
	}
	if (!mr.automergeable) {
		add_path(m->r, path);
		sb_addf(&m->r->detail, "%s: conflict (markers in the file)\n",
			path);
	} else {
		sb_addf(&m->merged, "%s: merged\n", path);
	}
	git_merge_file_result_free(&mr);
	return 0;
}

/* @path in the ancestor, ours and theirs (@s): merge it. 0 or -1. */
static int merge_sides(struct merge_state *m, const char *path,
		       const struct side *s)
{
	if (same(&s[0], &s[2]) || same(&s[1], &s[2]))
		return 0;	/* not changed, or already there */
	if (same(&s[0], &s[1])) {
		/* Only the patch changed it: its version. */
		if (s[2].r) {
			m->up[m->nup].path = path;
			m->up[m->nup++].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			merge_upsert(m, path, &s[2].id, s[2].mode);
		}
		return 0;
	}
	if (s[1].r || s[2].r) {
		/* Deleted on one side, changed on the other. */
		add_path(m->r, path);
		sb_addf(&m->r->detail, "%s: %s\n", path, s[2].r ?
			"deleted by the patch, changed in the new base (the new base's version is kept)" :
			"changed by the patch, deleted in the new base (the patch's version is written)");
		if (!s[2].r)
			merge_upsert(m, path, &s[2].id, s[2].mode);
		return 0;
	}
	return merge_text(m, path, s);
}

/* Read @path from the three @trees and merge it. 0 or -1. */
static int merge_path(struct merge_state *m, git_tree *const *trees,
		      const char *path)
{
	struct side s[3];
	int ret = -1;
	size_t k;

	memset(s, 0, sizeof(s));
	for (k = 0; k < 3; k++) {
		s[k].r = blob_at(trees[k], path, &s[k].id, &s[k].mode);
		if (s[k].r < 0 || (!s[k].r &&
		    git_blob_lookup(&s[k].blob, m->t->repo, &s[k].id))) {
			lg2_fail(m->err, path);
			goto out;
		}
	}
	ret = merge_sides(m, path, s);
out:
	for (k = 0; k < 3; k++)
		git_blob_free(s[k].blob);
	return ret;
}

/* The merged tree @tid over @base: a conflict, already there, merged. */
static int merge_outcome(struct merge_state *m, const git_oid *onto,
			 git_tree *base, const git_oid *tid)
{
	struct rb_result *r = m->r;

	if (r->nr_paths) {
		r->status = RB_CONFLICT;
		git_oid_cpy(&r->tree, tid);
		sb_addstr(&r->detail, sb_str(&m->merged));
	} else if (git_oid_equal(tid, git_tree_id(base))) {
		size_t pr, tot;

		r->status = RB_ALREADY;
		sb_addstr(&r->detail, "the three-way merge leaves the new base unchanged\n");
		if (rb_evidence(m->t, onto, m->p, &r->detail,
				&pr, &tot))
			return -1;
	} else {
		r->status = RB_MERGED;
		sb_addstr(&r->detail, sb_str(&m->merged));
		if (krepo_commit(m->t, m->p, tid, onto,
				 &r->commit))
			return lg2_fail(m->err, "cannot make the merged commit");
	}
	return 0;
}

static int merge(struct krepo *t, const git_oid *onto, const git_oid *old,
		 struct patch *p, const char *label, struct rb_result *r,
		 struct strbuf *err)
{
	struct merge_state m = {
		.t = t, .p = p, .label = label, .r = r,
		.merged = STRBUF_INIT, .err = err,
	};
	git_tree *trees[3] = { NULL, NULL, NULL };
	git_commit *oc = NULL;
	char **paths = NULL;
	size_t np = 0, i, k;
	git_oid tid;
	int ret = -1;

	if (git_commit_lookup(&oc, t->repo, old) ||
	    !git_commit_parentcount(oc) ||
	    commit_tree(t, git_commit_parent_id(oc, 0), &trees[0]) ||
	    commit_tree(t, onto, &trees[1]) ||
	    git_commit_tree(&trees[2], oc)) {
		lg2_fail(err, "cannot read the commits to merge");
		goto out;
	}
	paths = merge_paths(p, &np);
	m.up = xcalloc(np + 1, sizeof(*m.up));
	for (i = 0; i < np; i++)
		if (merge_path(&m, trees, paths[i]))
			goto out;
	if (git_tree_create_updated(&tid, t->repo, trees[1], m.nup, m.up)) {
		lg2_fail(err, "cannot make the merged tree");
		goto out;
	}
	ret = merge_outcome(&m, onto, trees[1], &tid);
out:
	sb_release(&m.merged);
	free(m.up);
	free(paths);
	for (k = 0; k < 3; k++)
		git_tree_free(trees[k]);
	git_commit_free(oc);
	return ret;
}

int rb_replay(struct krepo *t, const git_oid *onto, const git_oid *old,
	      struct patch *p, const char *label, struct rb_result *r,
	      struct strbuf *err)
{
	struct apply_result ar;
	size_t pr, tot;
	bool moved;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!krepo_apply(t, onto, &p, 1, &ar)) {
		git_oid_cpy(&r->commit, &ar.commits[0]);
		if (offsets(t, onto, p, &r->detail, &moved))
			lg2_fail(err, "cannot read the new base");
		else
			ret = 0;
		r->status = moved ? RB_MOVED : RB_CLEAN;
		apply_result_release(&ar);
		return ret;
	}
	switch (ar.status) {
	case APPLY_ALREADY:
		r->status = RB_ALREADY;
		ret = rb_evidence(t, onto, p, &r->detail, &pr, &tot);
		if (ret)
			lg2_fail(err, "cannot read the new base");
		break;
	case APPLY_CONFLICT:
		ret = merge(t, onto, old, p, label, r, err);
		break;
	default:
		sb_addstr(err, ar.msg.buf ? ar.msg.buf : "apply failed");
		break;
	}
	apply_result_release(&ar);
	return ret;
}

/* ---- the state directory ---- */

char *rb_state_dir(const char *git_dir)
{
	return path_join(git_dir, "kseries-rebase");
}

bool rb_in_progress(const char *git_dir)
{
	char *d = rb_state_dir(git_dir), *f = path_join(d, "state");
	bool r = path_exists(f);

	free(d);
	free(f);
	return r;
}

void rb_state_release(struct rb_state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		free(st->e[i].name);
		free(st->e[i].detail);
	}
	free(st->e);
	free(st->dir);
	free(st->old_name);
	free(st->new_name);
	memset(st, 0, sizeof(*st));
}

static void put_oid(struct strbuf *sb, const char *key, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	sb_addf(sb, "%s %s\n", key, hex);
}

static const char *const phase_names[] = { "replay", "stopped", "finish" };

static void format_state(const struct rb_state *st, struct strbuf *sb)
{
	size_t i;

	sb_addf(sb, "%s\n", STATE_MAGIC);
	sb_addf(sb, "phase %s\n", phase_names[st->phase]);
	sb_addf(sb, "step %d\n", st->step);
	sb_addf(sb, "old-name %s\n", st->old_name);
	sb_addf(sb, "new-name %s\n", st->new_name);
	put_oid(sb, "old-base", &st->old_base);
	put_oid(sb, "old-tip", &st->old_tip);
	put_oid(sb, "new-base", &st->new_base);
	put_oid(sb, "cur", &st->cur);
	put_oid(sb, "worktree", &st->worktree);
	sb_addf(sb, "moving %d\n", st->moving);
	put_oid(sb, "move-to", &st->move_to);
	put_oid(sb, "conflict", &st->conflict);
	sb_addf(sb, "detached %d\n", st->detached);
	sb_addf(sb, "next %zu\n", st->next);
	for (i = 0; i < st->nr; i++) {
		const struct rb_entry *e = &st->e[i];
		char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
		const char *d = e->detail, *nl;

		git_oid_tostr(a, sizeof(a), &e->old_commit);
		git_oid_tostr(b, sizeof(b), &e->new_commit);
		sb_addf(sb, "patch %s %s %s %s\n", rb_status_name(e->status),
			a, b, e->name);
		for (; d && *d; d = nl ? nl + 1 : d + strlen(d)) {
			nl = strchr(d, '\n');
			sb_addf(sb, "| %.*s\n", (int)(nl ? nl - d : (long)strlen(d)),
				d);
		}
	}
	sb_addstr(sb, "end\n");
}

int rb_state_save(const struct rb_state *st, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = path_join(st->dir, "state");
	int ret = 0;

	format_state(st, &sb);
	if (write_file_atomic(path, sb.buf, sb.len)) {
		sb_addf(err, "cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(path);
	sb_release(&sb);
	return ret;
}

static int get_oid(const char *v, git_oid *id)
{
	return git_oid_fromstr(id, v) ? -1 : 0;
}

/*
 * A "KEY VALUE" line of the state file for one of @st's own fields:
 * false if @key is not one; else true, and *@bad if @v is not valid.
 */
static bool state_scalar(struct rb_state *st, const char *key, const char *v,
			 bool *bad)
{
	static const struct {
		const char *key;
		size_t off;
	} oids[] = {
		{ "old-base", offsetof(struct rb_state, old_base) },
		{ "old-tip", offsetof(struct rb_state, old_tip) },
		{ "new-base", offsetof(struct rb_state, new_base) },
		{ "cur", offsetof(struct rb_state, cur) },
		{ "worktree", offsetof(struct rb_state, worktree) },
		{ "move-to", offsetof(struct rb_state, move_to) },
		{ "conflict", offsetof(struct rb_state, conflict) },
	};
	size_t i;

	*bad = false;
	for (i = 0; i < ARRAY_SIZE(oids); i++)
		if (!strcmp(key, oids[i].key)) {
			*bad = get_oid(v, (git_oid *)((char *)st +
						      oids[i].off));
			return true;
		}
	if (!strcmp(key, "phase")) {
		for (i = 0; i < ARRAY_SIZE(phase_names) &&
		     strcmp(phase_names[i], v); i++)
			;
		*bad = i == ARRAY_SIZE(phase_names);
		st->phase = i;
	} else if (!strcmp(key, "step")) {
		st->step = atoi(v);
	} else if (!strcmp(key, "old-name")) {
		st->old_name = xstrdup(v);
	} else if (!strcmp(key, "new-name")) {
		st->new_name = xstrdup(v);
	} else if (!strcmp(key, "moving")) {
		st->moving = atoi(v);
	} else if (!strcmp(key, "detached")) {
		st->detached = atoi(v);
	} else if (!strcmp(key, "next")) {
		st->next = strtoul(v, NULL, 10);
	} else {
		return false;
	}
	return true;
}

/*
 * "patch STATUS OLD NEW NAME" (@v, changed in place): a new entry of
 * @st, or NULL if the line is not valid.
 */
static struct rb_entry *state_patch(struct rb_state *st, char *v,
				    size_t *alloc)
{
	struct rb_entry *e;
	char *f[4], *s = v;
	int k, status;

	for (k = 0; k < 4; k++) {
		f[k] = s;
		s = k < 3 ? strchr(s, ' ') : NULL;
		if (k < 3 && !s)
			return NULL;
		if (s)
			*s++ = '\0';
	}
	status = status_of(f[0]);
	ALLOC_GROW(st->e, st->nr + 1, *alloc);
	e = &st->e[st->nr++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(f[3]);
	e->status = status < 0 ? RB_PENDING : status;
	if (status < 0 || get_oid(f[1], &e->old_commit) ||
	    get_oid(f[2], &e->new_commit))
		return NULL;
	return e;
}

int rb_state_load(struct rb_state *st, const char *dir, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT, detail = STRBUF_INIT;
	char *path = path_join(dir, "state"), *line, *save = NULL;
	struct rb_entry *cur = NULL;
	size_t alloc = 0;
	bool end = false;
	int no = 0, ret = -1;

	memset(st, 0, sizeof(*st));
	st->dir = xstrdup(dir);
	if (read_file(path, &sb)) {
		sb_addf(err, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		bool bad = false;

		no++;
		if (no == 1) {
			if (strcmp(line, STATE_MAGIC))
				goto corrupt;
			continue;
		}
		if (!strcmp(line, "end")) {
			end = true;
			break;
		}
		if (!v)
			goto corrupt;
		*v++ = '\0';
		if (!strcmp(line, "|")) {
			if (!cur)
				goto corrupt;
			sb_addf(&detail, "%s\n", v);
			continue;
		}
		if (cur) {
			cur->detail = detail.len ? sb_detach(&detail) : NULL;
			cur = NULL;
		}
		if (!state_scalar(st, line, v, &bad)) {
			bad = strcmp(line, "patch") ||
			      !(cur = state_patch(st, v, &alloc));
		}
		if (bad)
			goto corrupt;
	}
	if (cur)
		cur->detail = detail.len ? sb_detach(&detail) : NULL;
	if (!end || !st->old_name || !st->new_name || st->next > st->nr ||
	    (st->phase == RB_STOPPED && st->next >= st->nr)) {
corrupt:
		sb_addf(err, "%s: line %d: not a kseries rebase state (truncated or corrupt)",
			path, no);
		goto out;
	}
	ret = 0;
out:
	free(path);
	sb_release(&sb);
	sb_release(&detail);
	if (ret) {
		char *d = st->dir;

		st->dir = NULL;
		rb_state_release(st);
		st->dir = d;
	}
	return ret;
}

/* ---- files of the project ---- */

/* Copy @src to @dst with its mode; a missing @src is not an error. */
static int copy_path(const char *src, const char *dst, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int ret = 0;

	if (stat(src, &st))
		return errno == ENOENT ? 0 : -1;
	if (read_file(src, &sb) || write_file_atomic(dst, sb.buf, sb.len) ||
	    chmod(dst, st.st_mode & 07777)) {
		sb_addf(err, "cannot copy %s to %s: %s", src, dst,
			strerror(errno));
		ret = -1;
	}
	sb_release(&sb);
	return ret;
}

static int copy_dir(const char *src, const char *dst, struct strbuf *err)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (mkdir_p(dst, 0755)) {
		sb_addf(err, "cannot create %s: %s", dst, strerror(errno));
		return -1;
	}
	d = opendir(src);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while (!ret && (de = readdir(d))) {
		char *a, *b;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		a = path_join(src, de->d_name);
		b = path_join(dst, de->d_name);
		ret = is_dir(a) ? copy_dir(a, b, err) : copy_path(a, b, err);
		free(a);
		free(b);
	}
	closedir(d);
	return ret;
}

static bool same_file(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	struct stat sa, sb;
	bool r = !stat(a, &sa) && !stat(b, &sb) && sa.st_mode == sb.st_mode &&
		 !read_file(a, &x) && !read_file(b, &y) && x.len == y.len &&
		 !memcmp(x.buf ? x.buf : "", y.buf ? y.buf : "", x.len);

	sb_release(&x);
	sb_release(&y);
	return r;
}

static bool same_dir(const char *a, const char *b)
{
	struct dirent *de;
	DIR *d;
	size_t na = 0, nb = 0;
	bool r = true;

	d = opendir(a);
	if (!d)
		return false;
	while (r && (de = readdir(d))) {
		char *x, *y;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		na++;
		x = path_join(a, de->d_name);
		y = path_join(b, de->d_name);
		r = is_dir(x) ? same_dir(x, y) : same_file(x, y);
		free(x);
		free(y);
	}
	closedir(d);
	d = opendir(b);
	if (!d)
		return false;
	while ((de = readdir(d)))
		nb += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return r && na == nb;
}

static char *applied_file(struct krepo *t)
{
	return path_join(git_repository_path(t->repo), "kseries-applied");
}

int rb_begin(struct krepo *t, struct rb_state *st,
	     const struct rb_project *proj, const char *new_pin,
	     struct strbuf *err)
{
	char *tmp = xasprintf("%s.new", st->dir), *p, *applied;
	char *final = st->dir;
	int ret = -1;

	remove_tree(tmp);
	if (mkdir_p(tmp, 0755)) {
		sb_addf(err, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	p = path_join(tmp, "pin.orig");
	ret = copy_path(proj->pin, p, err);
	free(p);
	p = path_join(tmp, "series.orig");
	ret = ret ? ret : copy_path(proj->series, p, err);
	free(p);
	p = path_join(tmp, "patches.orig");
	ret = ret ? ret : copy_dir(proj->patches, p, err);
	free(p);
	applied = applied_file(t);
	p = path_join(tmp, "applied.orig");
	ret = ret ? ret : copy_path(applied, p, err);
	free(applied);
	free(p);
	p = path_join(tmp, "pin.new");
	if (!ret && write_file_atomic(p, new_pin, strlen(new_pin))) {
		sb_addf(err, "cannot write %s: %s", p, strerror(errno));
		ret = -1;
	}
	free(p);
	if (ret)
		goto out;
	st->dir = tmp;
	ret = rb_state_save(st, err);
	st->dir = final;
	if (ret)
		goto out;
	if (rename(tmp, final)) {
		sb_addf(err, "cannot rename %s to %s: %s", tmp, final,
			strerror(errno));
		ret = -1;
	}
out:
	if (ret)
		remove_tree(tmp);
	free(tmp);
	return ret;
}

struct patch **rb_load_patches(const struct rb_state *st, struct strbuf *err)
{
	char *sp = path_join(st->dir, "series.orig");
	char *pd = path_join(st->dir, "patches.orig");
	struct patch **list = NULL;
	struct series s;

	if (series_load(&s, sp, pd)) {
		sb_addf(err, "cannot read the series copied to %s", sp);
		goto out;
	}
	if (s.nr != st->nr) {
		sb_addf(err, "%s: %zu patches, the state has %zu", sp, s.nr,
			st->nr);
		series_release(&s);
		goto out;
	}
	list = load_patches(&s);
	if (!list)
		sb_addf(err, "cannot parse the patches copied to %s", pd);
	series_release(&s);
out:
	free(sp);
	free(pd);
	return list;
}

/* ---- the work tree and refs ---- */

/*
 * Move the work tree and index from st->worktree to @to, recording the
 * move first so that a kill in the middle is finished by the next run.
 * Only a move away from the user's own tree (the old tip) is careful
 * about local changes; the trees the rebase made are its own.
 */
static int move_worktree(struct krepo *t, struct rb_state *st,
			 const git_oid *to, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	bool force;
	long n;

	if (!st->moving && git_oid_equal(&st->worktree, to))
		return 0;
	force = st->moving || !git_oid_equal(&st->worktree, &st->old_tip);
	st->moving = true;
	git_oid_cpy(&st->move_to, to);
	if (rb_state_save(st, err))
		return -1;
	n = krepo_checkout(t, &st->worktree, to, force, &why);
	if (n < 0) {
		st->moving = false;
		if (why.len && why.buf[why.len - 1] == '\n')
			sb_addf(err, "the work tree %s has local changes in paths the rebase changes:\n%s",
				t->dir, why.buf);
		else
			sb_addf(err, "cannot update the work tree: %s",
				sb_str(&why));
		sb_release(&why);
		rb_state_save(st, err);
		return -1;
	}
	sb_release(&why);
	rb_kill_point("checkout");
	git_oid_cpy(&st->worktree, to);
	st->moving = false;
	return rb_state_save(st, err);
}

static int set_ref(struct krepo *t, const char *ref, const git_oid *id,
		   struct strbuf *err)
{
	git_reference *r = NULL;

	if (git_reference_create(&r, t->repo, ref, id, 1, "kseries rebase"))
		return lg2_fail(err, ref);
	git_reference_free(r);
	return 0;
}

static int attach_head(struct krepo *t, struct strbuf *err)
{
	if (git_repository_set_head(t->repo, "refs/heads/" TREE_BRANCH))
		return lg2_fail(err, "cannot point HEAD at branch " TREE_BRANCH);
	return 0;
}

/* Finish a move a kill interrupted; show a stop's conflict. */
static int settle(struct krepo *t, struct rb_state *st, struct strbuf *err)
{
	if (st->moving && move_worktree(t, st, &st->move_to, err))
		return -1;
	if (st->phase != RB_STOPPED)
		return 0;
	if (move_worktree(t, st, &st->conflict, err))
		return -1;
	if (!st->detached) {
		if (git_repository_set_head_detached(t->repo, &st->cur))
			return lg2_fail(err, "cannot detach HEAD");
		st->detached = true;
		return rb_state_save(st, err);
	}
	return 0;
}

static char *onto_label(const struct rb_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->next; i++)
		n += !git_oid_is_zero(&st->e[i].new_commit);
	return xasprintf("%s + %zu patch%s", st->new_name, n,
			 n == 1 ? "" : "es");
}

int rb_run(struct krepo *t, struct rb_state *st, struct patch **patches,
	   struct strbuf *err)
{
	if (settle(t, st, err))
		return -1;
	if (st->phase == RB_STOPPED) {
		sb_addstr(err, "stopped at a conflict: resolve it and use --continue, or --skip, or --abort");
		return 1;
	}
	while (st->phase == RB_REPLAY && st->next < st->nr) {
		struct rb_entry *e = &st->e[st->next];
		char *label = onto_label(st);
		struct rb_result r;
		int ret;

		ret = rb_replay(t, &st->cur, &e->old_commit,
				patches[st->next], label, &r, err);
		free(label);
		if (ret) {
			rb_result_release(&r);
			return -1;
		}
		e->status = r.status;
		free(e->detail);
		e->detail = r.detail.len ? xstrdup(r.detail.buf) : NULL;
		memset(&e->new_commit, 0, sizeof(e->new_commit));
		if (r.status == RB_CONFLICT) {
			if (krepo_commit(t, patches[st->next], &r.tree,
					 &st->cur, &st->conflict) ||
			    krepo_persist(t)) {
				rb_result_release(&r);
				return lg2_fail(err, "cannot store the conflict");
			}
			rb_result_release(&r);
			st->phase = RB_STOPPED;
			if (rb_state_save(st, err))
				return -1;
			rb_kill_point("stopped");
			if (settle(t, st, err))
				return -1;
			return 1;
		}
		if (r.status != RB_ALREADY) {
			git_oid_cpy(&e->new_commit, &r.commit);
			git_oid_cpy(&st->cur, &r.commit);
		}
		rb_result_release(&r);
		st->next++;
		rb_kill_point("replay");
	}
	if (st->phase == RB_REPLAY) {
		if (krepo_persist(t))
			return lg2_fail(err, "cannot store the new commits");
		st->phase = RB_FINISH;
		st->step = 0;
		if (rb_state_save(st, err))
			return -1;
	}
	return 0;
}

static bool has_markers(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if ((end - p >= 8 && (!memcmp(p, "<<<<<<< ", 8) ||
				      !memcmp(p, ">>>>>>> ", 8))) ||
		    (end - p >= 7 && !memcmp(p, "=======", 7) &&
		     (p + 7 == end || p[7] == '\n')))
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

int rb_resolve(struct krepo *t, struct rb_state *st, struct patch **patches,
	       struct strbuf *err)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_tree_update *up = NULL;
	struct strbuf left = STRBUF_INIT;
	struct rb_entry *e;
	size_t i, n, nup = 0;
	git_oid tid;
	int ret = -1;

	if (settle(t, st, err))
		return -1;
	if (st->phase != RB_STOPPED)
		return 0;
	e = &st->e[st->next];
	if (commit_tree(t, &st->cur, &a) || commit_tree(t, &st->conflict, &b) ||
	    git_diff_tree_to_tree(&diff, t->repo, a, b, NULL)) {
		lg2_fail(err, "cannot read the conflict");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	up = xcalloc(n + 1, sizeof(*up));
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path;
		char *full = path_join(t->dir, path);
		struct strbuf sb = STRBUF_INIT;
		struct stat s;

		up[nup].path = path;
		if (lstat(full, &s)) {
			up[nup++].action = GIT_TREE_UPDATE_REMOVE;
			free(full);
			continue;
		}
		if (S_ISLNK(s.st_mode)) {
			char buf[4096];
			ssize_t k = readlink(full, buf, sizeof(buf));

			if (k >= 0)
				sb_add(&sb, buf, k);
			up[nup].filemode = GIT_FILEMODE_LINK;
		} else {
			read_file(full, &sb);
			up[nup].filemode = (s.st_mode & 0100) ?
				GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
			if (has_markers(sb_str(&sb), sb.len))
				sb_addf(&left, "  %s\n", path);
		}
		up[nup].action = GIT_TREE_UPDATE_UPSERT;
		if (git_blob_create_from_buffer(&up[nup].id, t->repo,
						sb_str(&sb), sb.len)) {
			sb_release(&sb);
			free(full);
			lg2_fail(err, path);
			goto out;
		}
		nup++;
		sb_release(&sb);
		free(full);
	}
	if (left.len) {
		sb_addf(err, "conflict markers are still in:\n%s", left.buf);
		ret = 1;
		goto out;
	}
	if (git_tree_create_updated(&tid, t->repo, a, nup, up)) {
		lg2_fail(err, "cannot make the resolved tree");
		goto out;
	}
	if (git_oid_equal(&tid, git_tree_id(a))) {
		e->status = RB_SKIPPED;
		free(e->detail);
		e->detail = xstrdup("the resolution leaves no change: dropped\n");
	} else {
		char *d;

		if (krepo_commit(t, patches[st->next], &tid, &st->cur,
				 &e->new_commit)) {
			lg2_fail(err, "cannot make the resolved commit");
			goto out;
		}
		git_oid_cpy(&st->cur, &e->new_commit);
		d = xasprintf("%sresolved by hand\n", e->detail ? e->detail : "");
		free(e->detail);
		e->detail = d;
	}
	if (krepo_persist(t)) {
		lg2_fail(err, "cannot store the resolution");
		goto out;
	}
	st->next++;
	st->phase = RB_REPLAY;
	ret = rb_state_save(st, err);
out:
	sb_release(&left);
	free(up);
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

int rb_skip(struct krepo *t, struct rb_state *st, struct strbuf *err)
{
	struct rb_entry *e;

	if (settle(t, st, err))
		return -1;
	if (st->phase != RB_STOPPED)
		return 0;
	e = &st->e[st->next];
	e->status = RB_SKIPPED;
	memset(&e->new_commit, 0, sizeof(e->new_commit));
	st->next++;
	st->phase = RB_REPLAY;
	return rb_state_save(st, err);
}

int rb_finish_tree(struct krepo *t, struct rb_state *st, struct strbuf *err)
{
	git_oid *ids;
	size_t i, n = 0;
	int ret;

	if (settle(t, st, err))
		return -1;
	if (st->phase != RB_FINISH) {
		sb_addstr(err, "the replay is not done");
		return -1;
	}
	if (st->step == 0) {
		if (move_worktree(t, st, &st->cur, err))
			return -1;
		st->step = 1;
		if (rb_state_save(st, err))
			return -1;
	}
	if (st->step == 1) {
		if (set_ref(t, "refs/heads/" TREE_BRANCH, &st->cur, err) ||
		    set_ref(t, "refs/tags/" TREE_TAG, &st->new_base, err) ||
		    attach_head(t, err))
			return -1;
		ids = xcalloc(st->nr + 1, sizeof(*ids));
		for (i = 0; i < st->nr; i++)
			if (!git_oid_is_zero(&st->e[i].new_commit))
				git_oid_cpy(&ids[n++], &st->e[i].new_commit);
		ret = krepo_record_applied(t, ids, n);
		free(ids);
		if (ret) {
			sb_addstr(err, "cannot record the applied commits");
			return -1;
		}
		git_oid_cpy(&t->base, &st->new_base);
		rb_kill_point("refs");
		st->detached = false;
		st->step = 2;
		if (rb_state_save(st, err))
			return -1;
	}
	return 0;
}

int rb_install_pin(const struct rb_state *st, const char *pin_path,
		   struct strbuf *err)
{
	char *p = path_join(st->dir, "pin.new");
	int ret = copy_path(p, pin_path, err);

	free(p);
	return ret;
}

int rb_end(struct rb_state *st, struct strbuf *err)
{
	char *old = xasprintf("%s.done-%d", st->dir, (int)getpid());

	if (rename(st->dir, old)) {
		sb_addf(err, "cannot remove %s: %s", st->dir, strerror(errno));
		free(old);
		return -1;
	}
	remove_tree(old);
	free(old);
	return 0;
}

/* Put the copy @orig back at @dst unless they are already equal. */
static int restore_file(const char *orig, const char *dst, bool dir,
			struct strbuf *err)
{
	char *tmp, *old;
	int ret = 0;

	if (!dir) {
		if (!path_exists(orig))
			return 0;
		return same_file(orig, dst) ? 0 : copy_path(orig, dst, err);
	}
	if (!is_dir(orig) || same_dir(orig, dst))
		return 0;
	tmp = xasprintf("%s.tmp-%d", dst, (int)getpid());
	old = xasprintf("%s.old-%d", dst, (int)getpid());
	remove_tree(tmp);
	if (copy_dir(orig, tmp, err) || (is_dir(dst) && rename(dst, old)) ||
	    rename(tmp, dst)) {
		if (!err->len)
			sb_addf(err, "cannot restore %s: %s", dst,
				strerror(errno));
		ret = -1;
	}
	remove_tree(old);
	remove_tree(tmp);
	free(tmp);
	free(old);
	return ret;
}

int rb_abort(struct krepo *t, struct rb_state *st,
	     const struct rb_project *proj, struct strbuf *err)
{
	char *p, *applied;
	int ret;

	if (st->moving && move_worktree(t, st, &st->move_to, err))
		return -1;
	if (move_worktree(t, st, &st->old_tip, err) ||
	    set_ref(t, "refs/heads/" TREE_BRANCH, &st->old_tip, err) ||
	    set_ref(t, "refs/tags/" TREE_TAG, &st->old_base, err) ||
	    attach_head(t, err))
		return -1;
	git_oid_cpy(&t->base, &st->old_base);
	applied = applied_file(t);
	p = path_join(st->dir, "applied.orig");
	if (path_exists(p))
		ret = restore_file(p, applied, false, err);
	else
		ret = unlink(applied) && errno != ENOENT ? -1 : 0;
	free(p);
	free(applied);
	p = path_join(st->dir, "pin.orig");
	ret = ret ? ret : restore_file(p, proj->pin, false, err);
	free(p);
	p = path_join(st->dir, "series.orig");
	ret = ret ? ret : restore_file(p, proj->series, false, err);
	free(p);
	p = path_join(st->dir, "patches.orig");
	ret = ret ? ret : restore_file(p, proj->patches, true, err);
	free(p);
	if (ret)
		return -1;
	rb_kill_point("abort");
	return rb_end(st, err);
}

/* ---- the import ---- */

static bool have_object(const unsigned char oid[20], void *data)
{
	git_oid id;

	git_oid_fromraw(&id, oid);
	/*
	 * Most of a new point release is the old one; for what is not,
	 * do not let libgit2 rescan the pack directory on every miss.
	 */
	return git_odb_exists_ext(data, &id, GIT_ODB_LOOKUP_NO_REFRESH);
}

int rb_import(struct krepo *t, const struct pin *pin, const char *tarball,
	      git_oid *base, struct rb_import *stats, struct strbuf *err)
{
	char *dir = path_join(git_repository_path(t->repo), "objects/pack");
	struct tarball_opts o = {
		.tarball = tarball, .sha256 = pin->sha256, .strip = pin->strip,
		.name = pin->name, .have = have_object, .have_data = t->odb,
		.pack_dir = dir,
	};
	struct tarball_result r;
	struct rusage u0, u1;
	int ret = -1;

	getrusage(RUSAGE_SELF, &u0);
	if (tarball_import(&o, &r)) {
		sb_addf(err, "cannot import %s", tarball);
		goto out;
	}
	if (git_odb_refresh(t->odb) || git_oid_fromstr(base, r.commit)) {
		lg2_fail(err, "cannot read the new objects");
		goto out;
	}
	if (pin->base_commit && strcmp(pin->base_commit, r.commit)) {
		sb_addf(err, "the imported base is commit %s, the pin %s says base-commit = %s",
			r.commit, pin->path, pin->base_commit);
		goto out;
	}
	stats->files = r.files;
	stats->stored = r.stored;
	stats->seconds = r.seconds;
	getrusage(RUSAGE_SELF, &u1);
	stats->cpu = u1.ru_utime.tv_sec - u0.ru_utime.tv_sec +
		     u1.ru_stime.tv_sec - u0.ru_stime.tv_sec +
		     (u1.ru_utime.tv_usec - u0.ru_utime.tv_usec +
		      u1.ru_stime.tv_usec - u0.ru_stime.tv_usec) / 1e6;
	ret = 0;
out:
	free(dir);
	return ret;
}

/* ---- the range-diff ---- */

/* The diff of @commit with what line numbers and ids say left out. */
static int normalized(git_repository *repo, const git_oid *id,
		      struct strbuf *out)
{
	struct strbuf full = STRBUF_INIT;
	git_commit *c = NULL;
	const char *p, *end;
	int ret = -1;

	if (git_commit_lookup(&c, repo, id) || format_patch(repo, c, &full))
		goto out;
	p = strstr(full.buf, "\ndiff --git ");
	p = p ? p + 1 : full.buf + full.len;
	end = strstr(p, "\n-- \n");
	end = end ? end + 1 : full.buf + full.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl + 1 : end) - p;

		if (starts_with(p, "index ")) {
			/* blob ids change with the base */
		} else if (starts_with(p, "@@ ")) {
			const char *s = strstr(p + 3, " @@");

			sb_addstr(out, "@@");
			if (s && s < p + n)
				sb_add(out, s + 3, p + n - (s + 3));
			else
				sb_addch(out, '\n');
		} else {
			sb_add(out, p, n);
		}
		p += n;
	}
	ret = 0;
out:
	sb_release(&full);
	git_commit_free(c);
	return ret;
}

static int interdiff(const char *a, const char *b, struct strbuf *out)
{
	git_patch *patch = NULL;
	git_buf buf = { 0 };
	int ret = -1;

	if (git_patch_from_buffers(&patch, a, strlen(a), "before", b,
				   strlen(b), "after", NULL) ||
	    git_patch_to_buf(&buf, patch))
		goto out;
	/* Only the hunks: the file header names nothing real. */
	{
		const char *h = strstr(buf.ptr, "\n@@");

		sb_addstr(out, h ? h + 1 : buf.ptr);
	}
	ret = 0;
out:
	git_buf_dispose(&buf);
	git_patch_free(patch);
	return ret;
}

static void indent(struct strbuf *sb, const char *text, const char *pre)
{
	const char *p = text, *nl;

	for (; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		sb_addf(sb, "%s%.*s\n", pre,
			(int)(nl ? nl - p : (long)strlen(p)), p);
	}
}

/* The end of range-diff's JSON: counts by status, and how many changed. */
static void json_counts(json_t *doc, const size_t *count, size_t changed)
{
	json_t *c = json_object();
	size_t i;

	for (i = RB_CLEAN; i <= RB_SKIPPED; i++)
		json_object_set_new(c, rb_status_name(i),
				    json_integer(count[i]));
	json_object_set_new(doc, "counts", c);
	json_object_set_new(doc, "changed", json_integer(changed));
}

/* The range-diff's header line before @text. */
static void range_diff_head(struct strbuf *text, const struct rb_state *st,
			    const size_t *count, size_t changed)
{
	struct strbuf head = STRBUF_INIT;

	sb_addf(&head, "range-diff %s -> %s: %zu patches: %zu clean, %zu moved, %zu merged, %zu already in the base, %zu conflicts, %zu skipped; %zu changed beyond line numbers\n",
		st->old_name, st->new_name, st->nr, count[RB_CLEAN],
		count[RB_MOVED], count[RB_MERGED], count[RB_ALREADY],
		count[RB_CONFLICT], count[RB_SKIPPED], changed);
	sb_addstr(&head, sb_str(text));
	sb_reset(text);
	sb_addstr(text, head.buf);
	sb_release(&head);
}

int rb_range_diff(struct krepo *t, const struct rb_state *st,
		  struct strbuf *text, struct strbuf *json,
		  struct strbuf *err)
{
	size_t count[RB_SKIPPED + 1] = { 0 }, i, changed = 0;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	json_t *doc, *patches = json_array();

	for (i = 0; i < st->nr; i++)
		count[st->e[i].status]++;
	git_oid_tostr(a, sizeof(a), &st->old_base);
	git_oid_tostr(b, sizeof(b), &st->new_base);
	doc = json_pack("{s:o,s:o,s:s,s:s,s:O}",
			"from", json_text(st->old_name),
			"to", json_text(st->new_name),
			"old_base", a, "new_base", b, "patches", patches);
	for (i = 0; i < st->nr; i++) {
		const struct rb_entry *e = &st->e[i];
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
		struct strbuf d = STRBUF_INIT;
		bool dropped = git_oid_is_zero(&e->new_commit);
		bool diff = false;

		if (!dropped) {
			const char *why = NULL;

			if (normalized(t->repo, &e->old_commit, &x) ||
			    normalized(t->repo, &e->new_commit, &y))
				why = "cannot format the patches";
			diff = !why && strcmp(sb_str(&x), sb_str(&y)) != 0;
			if (diff && interdiff(sb_str(&x), sb_str(&y), &d))
				why = "cannot compare the patches";
			sb_release(&x);
			sb_release(&y);
			if (why) {
				sb_release(&d);
				json_decref(patches);
				json_decref(doc);
				return lg2_fail(err, why);
			}
			changed += diff;
		}
		sb_addf(text, "%3zu: %-9s %s %s\n", i + 1,
			rb_status_name(e->status),
			dropped ? "-" : diff ? "!" : "=", e->name);
		indent(text, e->detail, "       ");
		if (diff)
			indent(text, d.buf, "     | ");
		json_array_append_new(patches,
			json_pack("{s:o,s:s,s:b,s:b,s:o,s:o}",
				  "name", json_text(e->name),
				  "status", rb_status_name(e->status),
				  "dropped", dropped, "changed", diff,
				  "detail", json_lines(e->detail),
				  "interdiff", json_lines(d.buf)));
		sb_release(&d);
	}
	json_decref(patches);
	json_counts(doc, count, changed);
	json_dump_sb(doc, json);
	sb_addch(json, '\n');
	json_decref(doc);
	range_diff_head(text, st, count, changed);
	return 0;
}
