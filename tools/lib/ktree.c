// SPDX-License-Identifier: GPL-2.0
#include "ktree.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

int ktree_open(struct ktree *t, const char *dir, struct strbuf *err)
{
	const char *env = getenv("KSERIES_TREE");
	git_repository *repo;
	git_object *obj;
	char *m, *s;
	bool ok;

	memset(t, 0, sizeof(*t));
	if (dir)
		t->dir = xstrdup(dir);
	else if (env && *env)
		t->dir = xstrdup(env);
	else
		t->dir = tree_dir();
	m = path_join(t->dir, "MAINTAINERS");
	s = path_join(t->dir, ".git");
	ok = path_exists(m) || path_exists(s);
	free(m);
	free(s);
	if (!ok) {
		sb_addf(err, "no kernel tree at %s (run 'kseries apply', or give --tree DIR)",
			t->dir);
		free(t->dir);
		t->dir = NULL;
		return -1;
	}
	git_libgit2_init();
	if (git_repository_open_ext(&repo, t->dir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		git_libgit2_shutdown();
		return 0;
	}
	t->repo = repo;
	t->git_dir = xstrdup(git_repository_path(repo));
	t->base_tag = !git_revparse_single(&obj, repo,
					   "refs/tags/base^{commit}");
	if (t->base_tag) {
		git_oid_tostr(t->base, sizeof(t->base), git_object_id(obj));
		git_object_free(obj);
	} else if (!git_revparse_single(&obj, repo,
					"refs/heads/base^{commit}")) {
		git_oid_tostr(t->base, sizeof(t->base), git_object_id(obj));
		git_object_free(obj);
	}
	return 0;
}

void ktree_close(struct ktree *t)
{
	if (t->repo) {
		git_repository_free(t->repo);
		git_libgit2_shutdown();
	}
	free(t->dir);
	free(t->git_dir);
	memset(t, 0, sizeof(*t));
}

enum ktree_lookup ktree_commit(struct ktree *t, const char *id,
			       char full[41], struct strbuf *msg)
{
	size_t len = strlen(id), i;
	git_object *obj;
	git_oid oid;
	int ret;

	if (!t->repo || len < 4 || len > 40)
		return KTREE_UNKNOWN;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)id[i]))
			return KTREE_UNKNOWN;
	if (git_oid_fromstrn(&oid, id, len))
		return KTREE_UNKNOWN;
	ret = git_object_lookup_prefix(&obj, t->repo, &oid, len,
				       GIT_OBJECT_COMMIT);
	if (ret == GIT_EAMBIGUOUS)
		return KTREE_AMBIGUOUS;
	if (ret)
		return KTREE_UNKNOWN;
	if (full)
		git_oid_tostr(full, 41, git_object_id(obj));
	if (msg)
		sb_addstr(msg, git_commit_message((git_commit *)obj));
	git_object_free(obj);
	return KTREE_FOUND;
}

int ktree_commit_message(void *data, const char *id, struct strbuf *msg)
{
	return ktree_commit(data, id, NULL, msg) == KTREE_FOUND ? 0 : -1;
}

bool ktree_base_has(struct ktree *t, const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_oid oid;
	bool found = false;

	if (!t->repo || !*t->base || git_oid_fromstr(&oid, t->base))
		return false;
	if (!git_commit_lookup(&c, t->repo, &oid) &&
	    !git_commit_tree(&tree, c) &&
	    !git_tree_entry_bypath(&e, tree, path))
		found = true;
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return found;
}
