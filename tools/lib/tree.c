// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel tree: open it (git, or a plain copy), look its commits up,
 * apply a series in memory, then update the work tree, the index and the
 * branch for exactly the paths that changed.
 */
#include "tree.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "gitindex.h"
#include "memodb.h"

const char *lg2_err(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

/* Where the tree is: @dir, else $KSERIES_TREE (KREPO_ENV), else the cache's. */
static char *which_dir(const char *dir, unsigned int flags)
{
	const char *env = getenv("KSERIES_TREE");

	if (dir)
		return xstrdup(dir);
	if ((flags & KREPO_ENV) && env && *env)
		return xstrdup(env);
	return tree_dir();
}

/* Does @dir look like a kernel tree: MAINTAINERS or .git in it? */
static bool looks_like_tree(const char *dir)
{
	char *m = path_join(dir, "MAINTAINERS");
	char *g = path_join(dir, ".git");
	bool ok = path_exists(m) || path_exists(g);

	free(m);
	free(g);
	return ok;
}

/* The commit @ref names, into t->base; false if there is none. */
static bool find_base(struct krepo *t, const char *ref)
{
	git_object *obj = NULL;

	if (git_revparse_single(&obj, t->repo, ref))
		return false;
	git_oid_cpy(&t->base, git_object_id(obj));
	git_object_free(obj);
	t->has_base = true;
	return true;
}

int krepo_open_ext(struct krepo *t, const char *dir, unsigned int flags,
		   struct strbuf *err)
{
	unsigned int gflags = flags & KREPO_SEARCH ? 0 :
			      GIT_REPOSITORY_OPEN_NO_SEARCH;

	memset(t, 0, sizeof(*t));
	t->dir = which_dir(dir, flags);
	if ((flags & KREPO_PLAIN) && !looks_like_tree(t->dir)) {
		sb_addf(err, "no kernel tree at %s (run 'kseries apply', or give --tree DIR)",
			t->dir);
		goto fail;
	}
	git_libgit2_init();
	/* Trees and blobs are read many times: keep them in the cache. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)512 << 20);
	if (git_repository_open_ext(&t->repo, t->dir, gflags, NULL)) {
		t->repo = NULL;
		if (flags & KREPO_PLAIN)
			return 0;
		sb_addf(err, "cannot open the %s repository %s: %s",
			flags & KREPO_ANY_BASE ? "git" : "kernel", t->dir,
			lg2_err());
		goto fail;
	}
	t->git_dir = xstrdup(git_repository_path(t->repo));
	t->mempack = memodb_new();
	if (git_repository_odb(&t->odb, t->repo) ||
	    git_odb_add_backend(t->odb, t->mempack, 999)) {
		sb_addf(err, "%s: cannot set up the object store: %s", t->dir,
			lg2_err());
		goto fail;
	}
	t->base_tag = find_base(t, "refs/tags/" TREE_TAG "^{commit}");
	if (t->base_tag)
		return 0;
	if (!(flags & KREPO_ANY_BASE)) {
		sb_addf(err, "%s: no tag '%s' (the imported base): %s", t->dir,
			TREE_TAG, lg2_err());
		goto fail;
	}
	find_base(t, "refs/heads/" TREE_TAG "^{commit}");
	return 0;
fail:
	krepo_close(t);
	return -1;
}

int krepo_open(struct krepo *t, const char *dir)
{
	struct strbuf err = STRBUF_INIT;
	int ret = krepo_open_ext(t, dir, 0, &err);

	if (ret)
		error("%s", err.buf);
	sb_release(&err);
	return ret;
}

void krepo_close(struct krepo *t)
{
	/* The odb owns the mempack backend once added. */
	git_odb_free(t->odb);
	git_repository_free(t->repo);
	free(t->dir);
	free(t->git_dir);
	memset(t, 0, sizeof(*t));
}

enum krepo_lookup krepo_find_commit(struct krepo *t, const char *id,
				    char full[41], struct strbuf *msg)
{
	size_t len = strlen(id), i;
	git_object *obj;
	git_oid oid;
	int ret;

	if (!t->repo || len < 4 || len > 40)
		return KREPO_UNKNOWN;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)id[i]))
			return KREPO_UNKNOWN;
	if (git_oid_fromstrn(&oid, id, len))
		return KREPO_UNKNOWN;
	ret = git_object_lookup_prefix(&obj, t->repo, &oid, len,
				       GIT_OBJECT_COMMIT);
	if (ret == GIT_EAMBIGUOUS)
		return KREPO_AMBIGUOUS;
	if (ret)
		return KREPO_UNKNOWN;
	if (full)
		git_oid_tostr(full, 41, git_object_id(obj));
	if (msg)
		sb_addstr(msg, git_commit_message((git_commit *)obj));
	git_object_free(obj);
	return KREPO_FOUND;
}

int krepo_commit_message(void *data, const char *id, struct strbuf *msg)
{
	return krepo_find_commit(data, id, NULL, msg) == KREPO_FOUND ? 0 : -1;
}

bool krepo_base_has(struct krepo *t, const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	bool found = false;

	if (!t->repo || !t->has_base)
		return false;
	if (!git_commit_lookup(&c, t->repo, &t->base) &&
	    !git_commit_tree(&tree, c) &&
	    !git_tree_entry_bypath(&e, tree, path))
		found = true;
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return found;
}

bool tree_path_ok(const char *path, const char **why)
{
	const char *p = path;

	if (!path || !*path) {
		*why = "an empty path";
		return false;
	}
	if (*path == '/') {
		*why = "an absolute path";
		return false;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!n) {
			*why = "an empty path component";
			return false;
		}
		if (n == 1 && p[0] == '.') {
			*why = "a '.' component";
			return false;
		}
		if (n == 2 && !memcmp(p, "..", 2)) {
			*why = "a '..' component (outside the tree)";
			return false;
		}
		if (n == 4 && !strncasecmp(p, ".git", 4)) {
			*why = "a '.git' component (the repository itself)";
			return false;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	return true;
}

bool symlink_target_ok(const char *path, const char *target, size_t len)
{
	const char *p = target, *end = target + len;
	long depth = 0;
	const char *s;

	if (!len || *target == '/' || memchr(target, '\0', len))
		return false;
	/* The link lives in the directory of @path. */
	for (s = path; *s; s++)
		if (*s == '/')
			depth++;
	while (p < end) {
		const char *slash = memchr(p, '/', end - p);
		size_t n = (slash ? slash : end) - p;

		if (n == 2 && !memcmp(p, "..", 2)) {
			if (--depth < 0)
				return false;
		} else if (n == 4 && !strncasecmp(p, ".git", 4)) {
			return false;
		} else if (n && !(n == 1 && *p == '.')) {
			depth++;
		}
		p = slash ? slash + 1 : end;
	}
	return true;
}

void apply_result_release(struct apply_result *res)
{
	free(res->commits);
	sb_release(&res->msg);
	memset(res, 0, sizeof(*res));
}

/* A path of the tree being built, and who made it a symlink. */
struct link {
	char *path;
	const char *by;		/* patch name, or NULL for the base */
};

struct applier {
	struct krepo *t;
	struct apply_result *res;
	struct link *links;	/* symlinks created by the series */
	size_t nr_links, alloc_links;
};

/* Look @path up in @tree; 0 if found, 1 if not, -1 on error. */
static int lookup(git_tree *tree, const char *path, git_tree_entry **e)
{
	int r = git_tree_entry_bypath(e, tree, path);

	if (!r)
		return 0;
	if (r == GIT_ENOTFOUND)
		return 1;
	return -1;
}

/*
 * Does writing @path go through a symlink, in @tree or created by this
 * patch? Names the symlink in @msg if so.
 */
static bool through_symlink(struct applier *a, git_tree *tree,
			    const struct patch *p, const char *path,
			    struct strbuf *msg)
{
	char *dir = xstrdup(path), *s;
	bool bad = false;
	size_t i;

	for (s = strchr(dir, '/'); s && !bad; s = strchr(s + 1, '/')) {
		git_tree_entry *e = NULL;

		*s = '\0';
		for (i = 0; i < p->nr_files && !bad; i++) {
			const struct file_patch *fp = &p->files[i];

			if (fp->new_path && fp->new_mode == 0120000 &&
			    !strcmp(fp->new_path, dir)) {
				sb_addf(msg, "'%s' is written through the symlink '%s' that this patch creates",
					path, dir);
				bad = true;
			}
		}
		if (!bad && !lookup(tree, dir, &e) &&
		    git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
			const char *by = NULL;

			for (i = 0; i < a->nr_links; i++)
				if (!strcmp(a->links[i].path, dir))
					by = a->links[i].by;
			if (by)
				sb_addf(msg, "'%s' is written through the symlink '%s' created by %s",
					path, dir, by);
			else
				sb_addf(msg, "'%s' is written through the symlink '%s' of the base tree",
					path, dir);
			bad = true;
		}
		git_tree_entry_free(e);
		*s = '/';
	}
	free(dir);
	return bad;
}

/* Refuse a patch naming an unsafe path, before anything is applied. */
static bool check_safe(struct applier *a, git_tree *tree,
		       const struct patch *p, struct strbuf *msg)
{
	size_t i;

	for (i = 0; i < p->nr_files; i++) {
		const struct file_patch *fp = &p->files[i];
		const char *paths[2] = { fp->old_path, fp->new_path };
		const char *why;
		int k;

		for (k = 0; k < 2; k++) {
			if (!paths[k])
				continue;
			if (!tree_path_ok(paths[k], &why)) {
				sb_addf(msg, "refusing the path '%s' (line %d): %s",
					paths[k], fp->line_no, why);
				return false;
			}
			if (through_symlink(a, tree, p, paths[k], msg)) {
				sb_addf(msg, " (line %d)", fp->line_no);
				return false;
			}
		}
	}
	return true;
}

static const char *mode_name(unsigned int mode)
{
	return mode == 0120000 ? "symlink" : "file";
}

/* Apply one file diff; appends the tree update; 1 on a conflict. */
static int apply_one(struct applier *a, git_tree *tree,
		     const struct patch *p, const struct file_patch *fp,
		     git_tree_update *up, size_t *nup, char **owned,
		     struct strbuf *msg)
{
	const char *src = fp->is_new ? NULL : fp->old_path;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	struct strbuf out = STRBUF_INIT;
	struct apply_failure f;
	unsigned int mode = fp->new_mode;
	const char *data = "";
	size_t len = 0;
	git_oid id;
	int ret = 1, r;

	if (src) {
		r = lookup(tree, src, &e);
		if (r < 0)
			goto git_fail;
		if (r) {
			sb_addf(msg, "%s: no such file in the tree (line %d)",
				src, fp->line_no);
			goto out;
		}
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
			sb_addf(msg, "%s: is a directory in the tree (line %d)",
				src, fp->line_no);
			goto out;
		}
		if (git_blob_lookup(&blob, a->t->repo, git_tree_entry_id(e)))
			goto git_fail;
		data = git_blob_rawcontent(blob);
		len = git_blob_rawsize(blob);
		if (!mode)
			mode = git_tree_entry_filemode(e);
	}
	if (fp->new_path && (fp->is_new || fp->is_rename || fp->is_copy)) {
		git_tree_entry *x = NULL;

		r = lookup(tree, fp->new_path, &x);
		git_tree_entry_free(x);
		if (r < 0)
			goto git_fail;
		if (!r) {
			sb_addf(msg, "%s: already exists in the tree (line %d)",
				fp->new_path, fp->line_no);
			goto out;
		}
	}
	if (apply_file(data, len, fp, false, &out, &f)) {
		sb_addf(msg, "%s: ", src ? src : fp->new_path);
		apply_failure_describe(&f, msg);
		apply_failure_release(&f);
		goto out;
	}
	if (fp->is_delete) {
		if (out.len) {
			sb_addf(msg, "%s: deleting the file leaves %zu bytes the patch does not remove (line %d)",
				src, out.len, fp->line_no);
			goto out;
		}
		up[*nup].action = GIT_TREE_UPDATE_REMOVE;
		up[(*nup)++].path = src;
		ret = 0;
		goto out;
	}
	if (!mode)
		mode = 0100644;
	if (mode != 0100644 && mode != 0100755 && mode != 0120000) {
		sb_addf(msg, "%s: unsupported mode %o (line %d)",
			fp->new_path, mode, fp->line_no);
		goto out;
	}
	if (mode == 0120000 &&
	    !symlink_target_ok(fp->new_path, sb_str(&out), out.len)) {
		sb_addf(msg, "refusing the %s '%s' -> '%.*s' (line %d): it points outside the tree",
			mode_name(mode), fp->new_path, (int)out.len,
			sb_str(&out), fp->line_no);
		ret = 2;
		goto out;
	}
	if (git_blob_create_from_buffer(&id, a->t->repo, sb_str(&out),
					out.len))
		goto git_fail;
	if (fp->is_rename) {
		up[*nup].action = GIT_TREE_UPDATE_REMOVE;
		up[(*nup)++].path = src;
	}
	up[*nup].action = GIT_TREE_UPDATE_UPSERT;
	git_oid_cpy(&up[*nup].id, &id);
	up[*nup].filemode = mode;
	up[(*nup)++].path = fp->new_path;
	if (mode == 0120000) {
		ALLOC_GROW(a->links, a->nr_links + 1, a->alloc_links);
		a->links[a->nr_links].path = xstrdup(fp->new_path);
		a->links[a->nr_links++].by = p->name;
	}
	(void)owned;
	ret = 0;
	goto out;
git_fail:
	sb_addf(msg, "%s: %s", src ? src : fp->new_path, lg2_err());
	ret = -1;
out:
	sb_release(&out);
	git_blob_free(blob);
	git_tree_entry_free(e);
	return ret;
}

/* Do the patch's changes already exist in @tree (its reverse applies)? */
static bool already_applied(struct applier *a, git_tree *tree,
			    const struct patch *p)
{
	size_t i;

	for (i = 0; i < p->nr_files; i++) {
		const struct file_patch *fp = &p->files[i];
		git_tree_entry *e = NULL, *x = NULL;
		struct strbuf out = STRBUF_INIT;
		git_blob *blob = NULL;
		bool ok = false;

		if (fp->is_delete) {
			ok = lookup(tree, fp->old_path, &e) == 1;
		} else if (!lookup(tree, fp->new_path, &e) &&
			   git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   !git_blob_lookup(&blob, a->t->repo,
					    git_tree_entry_id(e))) {
			ok = !apply_file(git_blob_rawcontent(blob),
					 git_blob_rawsize(blob), fp, true,
					 &out, NULL);
			if (ok && fp->is_new)
				ok = !out.len;
			if (ok && fp->is_rename)
				ok = lookup(tree, fp->old_path, &x) == 1;
		}
		git_tree_entry_free(x);
		git_tree_entry_free(e);
		git_blob_free(blob);
		sb_release(&out);
		if (!ok)
			return false;
	}
	return true;
}

static int make_commit(struct krepo *t, const struct patch *p,
		       const git_oid *tree_id, const git_oid *parent,
		       git_oid *out)
{
	git_signature *sig = NULL;
	git_commit *par = NULL;
	git_tree *tree = NULL;
	char *msg = patch_message(p);
	int ret = -1;

	if (git_signature_new(&sig, p->author_name, p->author_email,
			      (git_time_t)p->time, p->tz_minutes) ||
	    git_commit_lookup(&par, t->repo, parent) ||
	    git_tree_lookup(&tree, t->repo, tree_id) ||
	    git_commit_create(out, t->repo, NULL, sig, sig, NULL, msg, tree,
			      1, (const git_commit **)&par))
		goto out;
	ret = 0;
out:
	free(msg);
	git_tree_free(tree);
	git_commit_free(par);
	git_signature_free(sig);
	return ret;
}

int krepo_commit(struct krepo *t, const struct patch *p,
		 const git_oid *tree, const git_oid *parent, git_oid *out)
{
	return make_commit(t, p, tree, parent, out);
}

static void describe_patch(struct strbuf *sb, const struct patch *p,
			   size_t i, size_t n)
{
	sb_addf(sb, "%s (patch %zu of %zu, \"%s\")", p->name, i + 1, n,
		p->subject);
}

int krepo_apply(struct krepo *t, const git_oid *parent,
		struct patch *const *patches, size_t n,
		struct apply_result *res)
{
	struct applier a = { .t = t, .res = res };
	git_oid cur;
	size_t i, j;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->commits = xcalloc(n ? n : 1, sizeof(*res->commits));
	git_oid_cpy(&cur, parent);
	for (i = 0; i < n; i++) {
		const struct patch *p = patches[i];
		git_tree_update *up;
		struct strbuf why = STRBUF_INIT;
		git_commit *c = NULL;
		git_tree *tree = NULL;
		size_t nup = 0;
		git_oid tid;
		int r = 0;

		res->failed = i;
		if (git_commit_lookup(&c, t->repo, &cur) ||
		    git_commit_tree(&tree, c)) {
			res->status = APPLY_ERROR;
			sb_addf(&res->msg, "cannot read commit %s: %s",
				git_oid_tostr_s(&cur), lg2_err());
			git_commit_free(c);
			goto out;
		}
		git_commit_free(c);
		if (!check_safe(&a, tree, p, &why)) {
			res->status = APPLY_UNSAFE;
			describe_patch(&res->msg, p, i, n);
			sb_addf(&res->msg, " is unsafe:\n  %s", why.buf);
			sb_release(&why);
			git_tree_free(tree);
			goto out;
		}
		up = xcalloc(2 * p->nr_files + 1, sizeof(*up));
		for (j = 0; j < p->nr_files && !r; j++)
			r = apply_one(&a, tree, p, &p->files[j], up, &nup,
				      NULL, &why);
		if (r) {
			if (r == 2) {
				res->status = APPLY_UNSAFE;
				describe_patch(&res->msg, p, i, n);
				sb_addf(&res->msg, " is unsafe:\n  %s",
					why.buf);
			} else if (r < 0) {
				res->status = APPLY_ERROR;
				describe_patch(&res->msg, p, i, n);
				sb_addf(&res->msg, ": %s", why.buf);
			} else if (already_applied(&a, tree, p)) {
				res->status = APPLY_ALREADY;
				describe_patch(&res->msg, p, i, n);
				sb_addf(&res->msg,
					" is already applied: its changes are already in the tree %s (its reverse applies cleanly)",
					i ? "after the patches before it" :
					"of the base");
			} else {
				res->status = APPLY_CONFLICT;
				describe_patch(&res->msg, p, i, n);
				sb_addf(&res->msg, " does not apply:\n  %s",
					why.buf);
			}
			free(up);
			sb_release(&why);
			git_tree_free(tree);
			goto out;
		}
		if (git_tree_create_updated(&tid, t->repo, tree, nup, up) ||
		    make_commit(t, p, &tid, &cur, &res->commits[i])) {
			res->status = APPLY_ERROR;
			describe_patch(&res->msg, p, i, n);
			sb_addf(&res->msg, ": cannot make its commit: %s",
				lg2_err());
			free(up);
			git_tree_free(tree);
			goto out;
		}
		free(up);
		sb_release(&why);
		git_tree_free(tree);
		git_oid_cpy(&cur, &res->commits[i]);
		res->nr = i + 1;
	}
	res->status = APPLY_OK;
	ret = 0;
out:
	for (j = 0; j < a.nr_links; j++)
		free(a.links[j].path);
	free(a.links);
	return ret;
}

/*
 * Every apply that makes new commits adds a small pack. When they pile
 * up, let git merge the small ones (the base's big packs stay as they
 * are): lookups stay fast and this costs seconds once in a while.
 */
static void repack_if_needed(struct krepo *t, const char *dir)
{
	const char *argv[] = {
		"git", "-C", t->dir, "repack", "-d", "-q", "--geometric=2",
		NULL,
	};
	struct dirent *de;
	DIR *d = opendir(dir);
	int packs = 0;

	if (!d)
		return;
	while ((de = readdir(d)))
		packs += ends_with(de->d_name, ".pack");
	closedir(d);
	if (packs <= 48)
		return;
	note("apply: merging the %d packs of the kernel tree (git repack --geometric=2)",
	     packs);
	if (run_cmd(argv, NULL))
		warning("git repack failed in %s; the tree still works", t->dir);
}

int krepo_persist(struct krepo *t)
{
	char *dir;
	int ret;

	if (!memodb_count(t->mempack))
		return 0;
	dir = path_join(git_repository_path(t->repo), "objects/pack");
	/* Stored, not deflated: the work tree reads them back at once. */
	ret = memodb_write_pack(t->mempack, dir, 0);
	if (!ret)
		repack_if_needed(t, dir);
	free(dir);
	if (ret)
		return error("cannot write the new objects");
	if (git_odb_refresh(t->odb))
		return error("cannot re-read the object store: %s", lg2_err());
	return 0;
}

int krepo_branch(struct krepo *t, const char *branch, git_oid *out)
{
	char *ref = xasprintf("refs/heads/%s", branch);
	int r = git_reference_name_to_id(out, t->repo, ref);

	free(ref);
	return r ? -1 : 0;
}

/*
 * The walk of krepo_chain(); with @linear, a merge ends it too. On
 * failure @bad gets the commit where it stopped.
 */
static int walk_chain(struct krepo *t, const git_oid *base, const git_oid *tip,
		      bool linear, git_oid **commits, size_t *nr, git_oid *bad)
{
	git_oid cur, *list = NULL;
	size_t n = 0, alloc = 0, i;

	git_oid_cpy(&cur, tip);
	while (!git_oid_equal(&cur, base)) {
		git_commit *c = NULL;
		unsigned int parents;

		if (!git_commit_lookup(&c, t->repo, &cur))
			parents = git_commit_parentcount(c);
		else
			parents = 0;
		if (!parents || (linear && parents > 1)) {
			git_commit_free(c);
			free(list);
			git_oid_cpy(bad, &cur);
			*commits = NULL;
			*nr = 0;
			return -1;
		}
		ALLOC_GROW(list, n + 1, alloc);
		git_oid_cpy(&list[n++], &cur);
		git_oid_cpy(&cur, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	for (i = 0; i < n / 2; i++) {
		git_oid tmp = list[i];

		list[i] = list[n - 1 - i];
		list[n - 1 - i] = tmp;
	}
	*commits = list;
	*nr = n;
	return 0;
}

int krepo_chain(struct krepo *t, const git_oid *base, const git_oid *tip,
		git_oid **commits, size_t *nr)
{
	git_oid bad;

	return walk_chain(t, base, tip, false, commits, nr, &bad);
}

int krepo_linear_chain(struct krepo *t, const git_oid *base,
		       const git_oid *tip, git_oid **commits, size_t *nr,
		       git_oid *bad)
{
	return walk_chain(t, base, tip, true, commits, nr, bad);
}

/* A path to update: its old and new state. */
struct change {
	char *path;
	git_oid old_id, new_id;
	unsigned int old_mode, new_mode;	/* 0: absent */
	char *tmp;				/* staged new content */
};

struct changes {
	struct change *v;
	size_t nr, alloc;
};

static bool stat_matches(const struct gitindex_entry *ie,
			 const struct stat *st)
{
	return ie->size == (uint32_t)st->st_size &&
	       ie->mtime == (uint32_t)st->st_mtim.tv_sec &&
	       ie->mtime_ns == (uint32_t)st->st_mtim.tv_nsec &&
	       ie->ctime == (uint32_t)st->st_ctim.tv_sec &&
	       ie->ino == (uint32_t)st->st_ino;
}

/* Hash what the work tree has at @full like git would store it. */
static int hash_work_file(const char *full, const struct stat *st,
			  git_oid *id)
{
	if (S_ISLNK(st->st_mode)) {
		char buf[4096];
		ssize_t n = readlink(full, buf, sizeof(buf));

		if (n < 0)
			return -1;
		return git_odb_hash(id, buf, n, GIT_OBJECT_BLOB);
	}
	return git_odb_hashfile(id, full, GIT_OBJECT_BLOB);
}

/* Describe a local change at @c->path, or return false if clean. */
static bool is_dirty(struct krepo *t, const struct gitindex *idx,
		     const struct change *c, struct strbuf *why)
{
	struct gitindex_entry ent, *ie = NULL;
	char *full = path_join(t->dir, c->path);
	struct stat st;
	bool dirty = false;
	git_oid id;

	if (gitindex_find(idx, c->path, &ent))
		ie = &ent;

	if (!ie && c->old_mode) {
		sb_addf(why, "%s (deleted from the index)", c->path);
		dirty = true;
	} else if (ie && !c->old_mode) {
		sb_addf(why, "%s (added to the index)", c->path);
		dirty = true;
	} else if (ie && (memcmp(ie->oid, c->old_id.id, 20) ||
			  ie->mode != c->old_mode)) {
		sb_addf(why, "%s (staged changes)", c->path);
		dirty = true;
	} else if (lstat(full, &st)) {
		if (ie) {
			sb_addf(why, "%s (deleted in the work tree)", c->path);
			dirty = true;
		}
	} else if (!ie) {
		if (!S_ISDIR(st.st_mode)) {
			sb_addf(why, "%s (untracked file in the way)",
				c->path);
			dirty = true;
		}
	} else if (!stat_matches(ie, &st)) {
		bool exec = S_ISREG(st.st_mode) && (st.st_mode & 0100);
		unsigned int mode = S_ISLNK(st.st_mode) ? 0120000 :
				    exec ? 0100755 : 0100644;

		if ((!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) ||
		    hash_work_file(full, &st, &id) ||
		    memcmp(id.id, ie->oid, 20) || mode != ie->mode) {
			sb_addf(why, "%s (modified in the work tree)",
				c->path);
			dirty = true;
		}
	}
	free(full);
	return dirty;
}

static int tree_of(struct krepo *t, const git_oid *commit, git_tree **tree)
{
	git_commit *c = NULL;
	int r = git_commit_lookup(&c, t->repo, commit) ||
		git_commit_tree(tree, c);

	git_commit_free(c);
	return r ? -1 : 0;
}

/* git's tree order: a directory sorts as if its name ended with '/'. */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
	size_t lx = strlen(x), ly = strlen(y), n = lx < ly ? lx : ly;
	int c = memcmp(x, y, n);
	unsigned char cx, cy;

	if (c)
		return c;
	cx = lx > n ? x[n] : (git_tree_entry_type(a) == GIT_OBJECT_TREE ?
			      '/' : 0);
	cy = ly > n ? y[n] : (git_tree_entry_type(b) == GIT_OBJECT_TREE ?
			      '/' : 0);
	return cx - cy;
}

static int diff_trees(struct krepo *t, const git_oid *a, const git_oid *b,
		      const char *prefix, struct changes *out);

/* Record @e (a blob, or every blob under a tree) as removed or added. */
static int diff_side(struct krepo *t, const git_tree_entry *e,
		     const char *prefix, bool added, struct changes *out)
{
	char *path = xasprintf("%s%s", prefix, git_tree_entry_name(e));
	struct change *c;
	int ret = 0;

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		char *sub = xasprintf("%s/", path);

		ret = added ? diff_trees(t, NULL, git_tree_entry_id(e), sub,
					 out) :
			      diff_trees(t, git_tree_entry_id(e), NULL, sub,
					 out);
		free(sub);
		free(path);
		return ret;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		free(path);
		return 0;	/* submodules are not ours */
	}
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	c = &out->v[out->nr++];
	memset(c, 0, sizeof(*c));
	c->path = path;
	if (added) {
		git_oid_cpy(&c->new_id, git_tree_entry_id(e));
		c->new_mode = git_tree_entry_filemode(e);
	} else {
		git_oid_cpy(&c->old_id, git_tree_entry_id(e));
		c->old_mode = git_tree_entry_filemode(e);
	}
	return 0;
}

/*
 * The blobs that differ between trees @a and @b (either may be NULL),
 * skipping equal subtrees by id: cheap on a 70,000-file tree.
 */
static int diff_trees(struct krepo *t, const git_oid *a, const git_oid *b,
		      const char *prefix, struct changes *out)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t i = 0, j = 0, na, nb;
	int ret = -1;

	if (a && b && git_oid_equal(a, b))
		return 0;
	if ((a && git_tree_lookup(&ta, t->repo, a)) ||
	    (b && git_tree_lookup(&tb, t->repo, b)))
		goto out;
	na = ta ? git_tree_entrycount(ta) : 0;
	nb = tb ? git_tree_entrycount(tb) : 0;
	while (i < na || j < nb) {
		const git_tree_entry *x = i < na ?
			git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *y = j < nb ?
			git_tree_entry_byindex(tb, j) : NULL;
		int c = !x ? 1 : !y ? -1 : entry_cmp(x, y);

		if (c < 0) {
			if (diff_side(t, x, prefix, false, out))
				goto out;
			i++;
			continue;
		}
		if (c > 0) {
			if (diff_side(t, y, prefix, true, out))
				goto out;
			j++;
			continue;
		}
		i++;
		j++;
		if (git_oid_equal(git_tree_entry_id(x), git_tree_entry_id(y)) &&
		    git_tree_entry_filemode(x) == git_tree_entry_filemode(y))
			continue;
		if (git_tree_entry_type(x) == GIT_OBJECT_TREE &&
		    git_tree_entry_type(y) == GIT_OBJECT_TREE) {
			char *sub = xasprintf("%s%s/", prefix,
					      git_tree_entry_name(x));
			int r = diff_trees(t, git_tree_entry_id(x),
					   git_tree_entry_id(y), sub, out);

			free(sub);
			if (r)
				goto out;
		} else if (git_tree_entry_type(x) == GIT_OBJECT_BLOB &&
			   git_tree_entry_type(y) == GIT_OBJECT_BLOB) {
			struct change *ch;

			ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			ch = &out->v[out->nr++];
			memset(ch, 0, sizeof(*ch));
			ch->path = xasprintf("%s%s", prefix,
					     git_tree_entry_name(x));
			git_oid_cpy(&ch->old_id, git_tree_entry_id(x));
			ch->old_mode = git_tree_entry_filemode(x);
			git_oid_cpy(&ch->new_id, git_tree_entry_id(y));
			ch->new_mode = git_tree_entry_filemode(y);
		} else if (diff_side(t, x, prefix, false, out) ||
			   diff_side(t, y, prefix, true, out)) {
			goto out;	/* a file became a directory or back */
		}
	}
	ret = 0;
out:
	git_tree_free(ta);
	git_tree_free(tb);
	return ret;
}

/* Refuse to write where a parent of @path is a symlink in the work tree. */
static int check_parents(struct krepo *t, const char *path)
{
	char *full = path_join(t->dir, path), *s;
	size_t skip = strlen(t->dir) + 1;
	struct stat st;
	int ret = 0;

	for (s = strchr(full + skip, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (!lstat(full, &st) && !S_ISDIR(st.st_mode)) {
			ret = error("refusing to write %s: %s is not a directory in the work tree",
				    path, full);
			break;
		}
		*s = '/';
	}
	free(full);
	return ret;
}

/* Write the new content of @c beside its place; c->tmp names it. */
static int stage_file(struct krepo *t, struct change *c)
{
	char *full = path_join(t->dir, c->path), *dir = xstrdup(full);
	git_blob *blob = NULL;
	const char *data;
	size_t len;
	int fd, ret = -1;

	*strrchr(dir, '/') = '\0';
	if (check_parents(t, c->path))
		goto out;
	if (mkdir_p(dir, 0777)) {
		error("cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (git_blob_lookup(&blob, t->repo, &c->new_id)) {
		error("%s: %s", c->path, lg2_err());
		goto out;
	}
	data = git_blob_rawcontent(blob);
	len = git_blob_rawsize(blob);
	c->tmp = xasprintf("%s.kseries-%d", full, (int)getpid());
	unlink(c->tmp);
	if (c->new_mode == 0120000) {
		char *target = xstrndup(data, len);

		if (symlink(target, c->tmp)) {
			error("cannot create %s: %s", c->tmp, strerror(errno));
			free(target);
			goto out;
		}
		free(target);
		ret = 0;
		goto out;
	}
	fd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  c->new_mode == 0100755 ? 0777 : 0666);
	if (fd < 0) {
		error("cannot create %s: %s", c->tmp, strerror(errno));
		goto out;
	}
	if ((len && write(fd, data, len) != (ssize_t)len) | close(fd)) {
		error("cannot write %s: %s", c->tmp, strerror(errno));
		unlink(c->tmp);
		goto out;
	}
	ret = 0;
out:
	if (ret && c->tmp) {
		free(c->tmp);
		c->tmp = NULL;
	}
	git_blob_free(blob);
	free(full);
	free(dir);
	return ret;
}

/* Remove the directories above @path that became empty. */
static void prune_dirs(struct krepo *t, const char *path)
{
	char *full = path_join(t->dir, path), *s;
	size_t top = strlen(t->dir);

	while ((s = strrchr(full, '/')) && (size_t)(s - full) > top) {
		*s = '\0';
		if (rmdir(full))
			break;
	}
	free(full);
}

/* The index entry of @c as it is now in the work tree. */
static int index_entry(struct krepo *t, const struct change *c,
		       struct gitindex_entry *e)
{
	char *full = path_join(t->dir, c->path);
	struct stat st;
	int ret = 0;

	if (lstat(full, &st))
		ret = error("cannot stat %s: %s", full, strerror(errno));
	free(full);
	if (ret)
		return ret;
	memset(e, 0, sizeof(*e));
	gitindex_stat(e, &st);
	e->mode = c->new_mode;
	memcpy(e->oid, c->new_id.id, 20);
	return 0;
}

long krepo_checkout(struct krepo *t, const git_oid *from, const git_oid *to,
		    bool force, struct strbuf *err)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	struct changes chs = { 0 };
	struct gitindex_entry *ents = NULL;
	struct gitindex_update *up = NULL;
	struct change *ch = NULL;
	struct gitindex idx = { 0 };
	size_t i, n = 0, dirty = 0;
	long ret = -1;
	char *ipath;

	if (tree_of(t, from, &old_tree) || tree_of(t, to, &new_tree)) {
		sb_addf(err, "cannot read the trees: %s", lg2_err());
		goto out;
	}
	ch = chs.v;
	if (diff_trees(t, git_tree_id(old_tree), git_tree_id(new_tree), "",
		       &chs)) {
		ch = chs.v;
		n = chs.nr;
		sb_addf(err, "cannot compare the trees: %s", lg2_err());
		goto out;
	}
	ch = chs.v;
	n = chs.nr;
	ipath = path_join(git_repository_path(t->repo), "index");
	i = gitindex_read(&idx, ipath);
	free(ipath);
	if (i) {
		sb_addstr(err, "cannot read the index");
		goto out;
	}
	ents = xcalloc(n ? n : 1, sizeof(*ents));
	up = xcalloc(n ? n : 1, sizeof(*up));
	/* Local changes in any path we would touch stop us. */
	for (i = 0; i < n && !force; i++) {
		struct strbuf why = STRBUF_INIT;

		if (!is_dirty(t, &idx, &ch[i], &why))
			continue;
		if (dirty++ < 20)
			sb_addf(err, "  %s\n", why.buf);
		sb_release(&why);
	}
	if (dirty) {
		if (dirty > 20)
			sb_addf(err, "  ... and %zu more\n", dirty - 20);
		goto out;
	}
	/* Stage every new file first: a failure here changes nothing. */
	for (i = 0; i < n; i++) {
		if (!ch[i].new_mode)
			continue;
		if (stage_file(t, &ch[i])) {
			sb_addf(err, "cannot write the new %s", ch[i].path);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		char *full = path_join(t->dir, ch[i].path);

		if (!ch[i].new_mode) {
			if (unlink(full) && errno != ENOENT)
				warning("cannot remove %s: %s", full,
					strerror(errno));
			prune_dirs(t, ch[i].path);
			up[i].path = ch[i].path;
			up[i].e = NULL;
		} else {
			struct stat st;

			if (!lstat(full, &st) && S_ISDIR(st.st_mode))
				remove_tree(full);
			if (rename(ch[i].tmp, full)) {
				sb_addf(err, "cannot rename %s to %s: %s",
					ch[i].tmp, full, strerror(errno));
				free(full);
				goto out;
			}
			free(ch[i].tmp);
			ch[i].tmp = NULL;
			if (index_entry(t, &ch[i], &ents[i])) {
				free(full);
				goto out;
			}
			up[i].path = ch[i].path;
			up[i].e = &ents[i];
		}
		free(full);
	}
	if (gitindex_write(&idx, up, n)) {
		sb_addstr(err, "cannot write the index");
		goto out;
	}
	ret = n;
out:
	for (i = 0; i < n; i++) {
		if (ch[i].tmp) {
			unlink(ch[i].tmp);
			free(ch[i].tmp);
		}
		free(ch[i].path);
	}
	free(ch);
	free(ents);
	free(up);
	gitindex_release(&idx);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ret;
}

int krepo_set_branch(struct krepo *t, const char *branch, const git_oid *id,
		     const char *why)
{
	char *ref = xasprintf("refs/heads/%s", branch);
	git_reference *r = NULL;
	int ret = 0;

	if (git_reference_create(&r, t->repo, ref, id, 1, why))
		ret = error("cannot update %s: %s", ref, lg2_err());
	git_reference_free(r);
	free(ref);
	return ret;
}

static char *applied_path(struct krepo *t)
{
	return path_join(git_repository_path(t->repo), "kseries-applied");
}

int krepo_record_applied(struct krepo *t, const git_oid *ids, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = applied_path(t);
	size_t i;
	int ret;

	read_file(path, &sb);
	for (i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &ids[i]);
		if (!strstr(sb_str(&sb), hex))
			sb_addf(&sb, "%s\n", hex);
	}
	ret = write_file_atomic(path, sb_str(&sb), sb.len);
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	free(path);
	sb_release(&sb);
	return ret;
}

size_t krepo_count_unrecorded(struct krepo *t, const git_oid *ids, size_t n,
			      size_t *first)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = applied_path(t);
	size_t i, count = 0;

	read_file(path, &sb);
	for (i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &ids[i]);
		if (strstr(sb_str(&sb), hex))
			continue;
		if (!count++)
			*first = i;
	}
	free(path);
	sb_release(&sb);
	return count;
}
