// SPDX-License-Identifier: GPL-2.0
#include "kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "rebase.h"
#include "tarball.h"

int load_series(struct series *s, const char *path)
{
	char *sp = path ? xstrdup(path) : project_path("series");
	char *pd = project_path("patches");
	int ret = series_load(s, sp, pd);

	free(sp);
	free(pd);
	return ret;
}

struct patch **load_patches(const struct series *s)
{
	struct patch **list = xcalloc(s->nr ? s->nr : 1, sizeof(*list));
	struct strbuf buf = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		char *path = series_patch_path(s, i);
		char *name = xasprintf("patches/%s", s->entries[i].name);

		sb_reset(&buf);
		if (read_file(path, &buf)) {
			error("%s (series line %d): cannot read %s: %s", name,
			      s->entries[i].line_no, path, strerror(errno));
			goto fail;
		}
		list[i] = xcalloc(1, sizeof(**list));
		if (patch_parse(list[i], name, buf.buf, buf.len, &err)) {
			error("%s", err.buf);
			free(list[i]);
			list[i] = NULL;
			goto fail;
		}
		free(path);
		free(name);
		continue;
fail:
		free(path);
		free(name);
		sb_release(&buf);
		sb_release(&err);
		free_patches(list, i);
		return NULL;
	}
	sb_release(&buf);
	sb_release(&err);
	return list;
}

void free_patches(struct patch **p, size_t n)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < n; i++) {
		if (!p[i])
			continue;
		patch_release(p[i]);
		free(p[i]);
	}
	free(p);
}

/* Was commit @id imported from the tarball of @pin? */
static bool imported_from(struct krepo *t, const git_oid *id,
			  const struct pin *pin)
{
	git_commit *c = NULL;
	bool ret;

	if (git_commit_lookup(&c, t->repo, id))
		return false;
	ret = strstr(git_commit_message(c), pin->sha256) != NULL;
	git_commit_free(c);
	return ret;
}

/* Was the tree's base imported from the pinned tarball? */
static int check_base(struct krepo *t, const struct pin *pin)
{
	if (!imported_from(t, &t->base, pin))
		return error("%s was imported from another tarball than the pinned one (sha256 %s); 'kseries apply' moves it to the pinned base",
			     t->dir, pin->sha256);
	if (pin->base_commit &&
	    strcmp(pin->base_commit, git_oid_tostr_s(&t->base)))
		return error("%s: the imported base is commit %s, the pin says base-commit = %s",
			     t->dir, git_oid_tostr_s(&t->base),
			     pin->base_commit);
	return 0;
}

/* Open the tree, importing the pinned tarball if there is no tree yet. */
static int open_tree(struct krepo *t, const struct pin *pin, bool offline)
{
	char *dir = tree_dir();
	int ret = -1;

	if (!path_exists(dir)) {
		struct fetch_opts fo = { .offline = offline };
		struct tarball_opts o = {
			.sha256 = pin->sha256, .strip = pin->strip,
			.repo = dir, .name = pin->name,
			.branch = TREE_BRANCH, .tag = TREE_TAG,
			.progress_fn = tarball_print_progress,
		};
		struct tarball_result r;
		char *tarball;
		bool fetched;

		if (fetch_tarball(pin, &fo, &tarball, &fetched))
			goto out;
		o.tarball = tarball;
		note("importing %s from %s into %s", pin->name, tarball, dir);
		if (tarball_import(&o, &r)) {
			free(tarball);
			goto out;
		}
		free(tarball);
		note("imported %s: %zu files, %zu MB in %.1f s (%.0f files/s); base commit %.12s",
		     pin->name, r.files, r.bytes >> 20, r.seconds,
		     r.seconds > 0 ? r.files / r.seconds : 0.0, r.commit);
	}
	if (krepo_open(t, dir))
		goto out;
	ret = 0;
out:
	free(dir);
	return ret;
}

int open_kernel_tree(struct krepo *t, const struct pin *pin, bool offline)
{
	if (open_tree(t, pin, offline))
		return -1;
	if (check_base(t, pin)) {
		krepo_close(t);
		return -1;
	}
	return 0;
}

/* Import the pinned tarball beside the tree's base; its commit in @id. */
static int import_pinned(struct krepo *t, const struct pin *pin, git_oid *id)
{
	struct strbuf err = STRBUF_INIT;
	struct fetch_opts fo = { .offline = false };
	struct rb_import st;
	char *tarball = NULL;
	bool fetched;
	int ret = -1;

	if (pin->base_commit && !git_oid_fromstr(id, pin->base_commit) &&
	    imported_from(t, id, pin)) {
		note("%s: %s is imported already (base commit %.12s)",
		     t->dir, pin->name, pin->base_commit);
		return 0;
	}
	if (fetch_tarball(pin, &fo, &tarball, &fetched))
		return -1;
	note("moving %s from its base %.12s to %s: importing %s",
	     t->dir, git_oid_tostr_s(&t->base), pin->name, tarball);
	if (rb_import(t, pin, tarball, id, &st, &err)) {
		error("%s", err.buf);
		goto out;
	}
	note("imported %s: %zu files, %zu new objects, in %.1f s; base commit %.12s",
	     pin->name, st.files, st.stored, st.seconds, git_oid_tostr_s(id));
	ret = 0;
out:
	free(tarball);
	sb_release(&err);
	return ret;
}

int open_kernel_tree_moving(struct krepo *t, const struct pin *pin,
			    git_oid *old)
{
	git_oid id;

	if (open_tree(t, pin, false))
		return -1;
	git_oid_cpy(old, &t->base);
	if (!imported_from(t, &t->base, pin)) {
		if (import_pinned(t, pin, &id)) {
			krepo_close(t);
			return -1;
		}
		git_oid_cpy(&t->base, &id);
	}
	if (check_base(t, pin)) {
		krepo_close(t);
		return -1;
	}
	return 0;
}

int kernel_tree_set_base(struct krepo *t, const char *why)
{
	git_reference *r = NULL;
	int ret = 0;

	if (git_reference_create(&r, t->repo, "refs/tags/" TREE_TAG, &t->base,
				 1, why))
		ret = error("cannot update refs/tags/%s: %s", TREE_TAG,
			    lg2_err());
	git_reference_free(r);
	return ret;
}
