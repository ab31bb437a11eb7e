// SPDX-License-Identifier: GPL-2.0
/*
 * kseries status: the base, which patches are applied, local changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/json.h"
#include "lib/kernel.h"
#include "lib/util.h"

const char cmd_status_usage[] =
	"kseries status - show the base, the applied patches and local changes\n"
	"\n"
	"usage: kseries status [--json] [--pin FILE] [--series FILE]\n"
	"\n"
	"Shows the pinned base (name, tag, commit), every entry of 'series'\n"
	"as 'applied' (the branch has exactly the commit 'kseries apply'\n"
	"makes of it), 'modified' (the branch's commit at that place differs\n"
	"from the patch: run 'kseries export' to keep the change, or 'kseries\n"
	"apply --force' to drop it), 'not applied', or 'does not apply';\n"
	"commits on the branch past the series (not exported), and the files\n"
	"with local changes in the work tree. Nothing is changed.\n"
	"\n"
	"    --json         one JSON object on stdout, for machines\n"
	"    --pin FILE     use FILE instead of kernel-overlay/pin\n"
	"    --series FILE  use FILE instead of <project>/series\n"
	"\n"
	"Exit status: 0 (whatever the state), 2 on an error (the state could\n"
	"not be read), 129 usage.\n";

static const char *status_name(git_status_t s)
{
	if (s & (GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED |
		 GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED |
		 GIT_STATUS_INDEX_TYPECHANGE))
		return "staged";
	if (s & GIT_STATUS_WT_NEW)
		return "untracked";
	if (s & GIT_STATUS_WT_DELETED)
		return "deleted";
	if (s & GIT_STATUS_CONFLICTED)
		return "conflicted";
	return "modified";
}

struct status_opts {
	const char *pin_file, *series_file;
	bool json;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct status_opts *o)
{
	const struct option options[] = {
		OPT_BOOL(0, "json", &o->json),
		OPT_STRING(0, "pin", &o->pin_file),
		OPT_STRING(0, "series", &o->series_file),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_status_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_status_usage, "unknown argument '%s'",
				   argv[0]);
	return -1;
}

/* The report before the base is imported: no tree, nothing applied. */
static void report_not_imported(struct strbuf *o, const struct pin *pin,
				const struct series *s, bool json)
{
	json_t *doc, *patches;
	size_t i;

	if (!json) {
		sb_addf(o, "base:    %s (not imported yet: run 'kseries apply')\n",
			pin->name);
		sb_addf(o, "series:  %zu patches, none applied\n", s->nr);
		return;
	}
	patches = json_array();
	for (i = 0; i < s->nr; i++)
		json_array_append_new(patches, json_pack("{s:o,s:s}",
				"file", json_text(s->entries[i].name),
				"state", "not applied"));
	doc = json_pack("{s:{s:o,s:b},s:o}",
			"base", "name", json_text(pin->name), "imported", 0,
			"patches", patches);
	json_dump_sb(doc, o);
	sb_addch(o, '\n');
	json_decref(doc);
}

/* What status found in the tree, for the report. */
struct status_state {
	const struct series *s;
	struct patch **patches;
	struct apply_result res;	/* what apply would make */
	git_oid tip, *chain;		/* the branch, base excluded */
	size_t nchain;
	git_status_list *st;
	size_t nst;
};

static const char *patch_state(const struct status_state *ss, size_t i)
{
	const struct apply_result *res = &ss->res;
	bool ok = i < res->nr;

	if (i < ss->nchain && ok && git_oid_equal(&ss->chain[i],
						  &res->commits[i]))
		return "applied";
	if (i < ss->nchain)
		return "modified";
	if (!ok && res->status != APPLY_OK && i == res->failed)
		return res->status == APPLY_ALREADY ?
			"already applied" : "does not apply";
	return "not applied";
}

/*
 * Every patch's state, into @arr if not NULL (JSON), else as text into
 * @o; returns how many are applied.
 */
static size_t report_patches(struct strbuf *o, json_t *arr,
			     const struct status_state *ss)
{
	size_t i, applied = 0;

	for (i = 0; i < ss->s->nr; i++) {
		const char *state = patch_state(ss, i);
		json_t *p;

		if (!strcmp(state, "applied"))
			applied++;
		if (!arr) {
			sb_addf(o, "  %-15s %s\n", state,
				ss->s->entries[i].name);
			continue;
		}
		p = json_object();
		json_set_text(p, "file", ss->s->entries[i].name);
		json_set_text(p, "subject", ss->patches[i]->subject);
		json_object_set_new(p, "state", json_string(state));
		if (i < ss->nchain)
			json_object_set_new(p, "commit", json_string(
					git_oid_tostr_s(&ss->chain[i])));
		json_array_append_new(arr, p);
	}
	return applied;
}

/* The commits on the branch past the series, into @arr if not NULL. */
static void report_extra(struct strbuf *o, json_t *arr, struct krepo *t,
			 const struct status_state *ss)
{
	size_t i, nr = ss->s->nr;

	for (i = nr; i < ss->nchain; i++) {
		git_commit *c = NULL;
		const char *subj = "?";

		if (!git_commit_lookup(&c, t->repo, &ss->chain[i]))
			subj = git_commit_summary(c);
		if (arr)
			json_array_append_new(arr, json_pack("{s:s,s:o}",
					"commit", git_oid_tostr_s(&ss->chain[i]),
					"subject", json_text(subj)));
		else
			sb_addf(o, "  %-15s %.12s %s\n", "not exported",
				git_oid_tostr_s(&ss->chain[i]), subj);
		git_commit_free(c);
	}
}

/* The local changes in the work tree: into @arr, or the first 50 as text. */
static void report_changes(struct strbuf *o, json_t *arr,
			   const struct status_state *ss)
{
	size_t i;

	for (i = 0; i < ss->nst; i++) {
		const git_status_entry *e = git_status_byindex(ss->st, i);
		const git_diff_delta *d = e->index_to_workdir ?
			e->index_to_workdir : e->head_to_index;
		const char *path = d ? (d->new_file.path ? d->new_file.path :
					d->old_file.path) : "?";

		if (arr)
			json_array_append_new(arr, json_pack("{s:o,s:s}",
					"path", json_text(path),
					"state", status_name(e->status)));
		else if (i < 50)
			sb_addf(o, "  %-10s %s\n", status_name(e->status),
				path);
		else if (i == 50)
			sb_addf(o, "  ... and %zu more\n", ss->nst - 50);
	}
}

static void report_json(struct strbuf *o, struct krepo *t,
			const struct pin *pin, const struct status_state *ss)
{
	json_t *doc, *patches = json_array(), *extra = json_array();
	json_t *changes = json_array();
	size_t applied;

	applied = report_patches(o, patches, ss);
	report_extra(o, extra, t, ss);
	report_changes(o, changes, ss);
	doc = json_pack("{s:{s:o,s:b,s:s,s:s},s:s,s:s,s:o,s:o,s:I,s:I,s:b,s:o}",
			"base", "name", json_text(pin->name), "imported", 1,
			"tag", TREE_TAG,
			"commit", git_oid_tostr_s(&t->base),
			"branch", TREE_BRANCH,
			"head", git_oid_tostr_s(&ss->tip),
			"patches", patches, "extra_commits", extra,
			"applied", (json_int_t)applied,
			"total", (json_int_t)ss->s->nr,
			"dirty", ss->nst != 0, "changes", changes);
	json_dump_sb(doc, o);
	sb_addch(o, '\n');
	json_decref(doc);
}

static void report(struct strbuf *o, struct krepo *t, const struct pin *pin,
		   const struct status_state *ss, bool json)
{
	size_t applied, nr = ss->s->nr;

	if (json) {
		report_json(o, t, pin, ss);
		return;
	}
	sb_addf(o, "base:    %s (tag %s, commit %.12s)\n", pin->name,
		TREE_TAG, git_oid_tostr_s(&t->base));
	sb_addf(o, "tree:    %s, branch %s at %.12s\n", t->dir,
		TREE_BRANCH, git_oid_tostr_s(&ss->tip));
	applied = report_patches(o, NULL, ss);
	report_extra(o, NULL, t, ss);
	sb_addf(o, "series:  %zu of %zu patches applied", applied, nr);
	if (ss->nchain > nr)
		sb_addf(o, ", %zu commits not exported", ss->nchain - nr);
	sb_addch(o, '\n');
	sb_addf(o, "work tree: %s\n", ss->nst ? "local changes:" : "clean");
	report_changes(o, NULL, ss);
}

/* Read the branch, what apply would make, and the work tree's state. */
static int load_state(struct krepo *t, struct status_state *ss)
{
	git_status_options so;

	if (krepo_branch(t, TREE_BRANCH, &ss->tip))
		git_oid_cpy(&ss->tip, &t->base);
	if (krepo_chain(t, &t->base, &ss->tip, &ss->chain, &ss->nchain)) {
		error("branch '%s' does not start at the base %s",
		      TREE_BRANCH, git_oid_tostr_s(&t->base));
		return -1;
	}
	/* What apply would make of each patch (in memory only). */
	krepo_apply(t, &t->base, ss->patches, ss->s->nr, &ss->res);

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&ss->st, t->repo, &so)) {
		error("cannot read the work tree's state: %s", lg2_err());
		return -1;
	}
	ss->nst = git_status_list_entrycount(ss->st);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct status_opts opt = { 0 };
	struct status_state ss = { 0 };
	struct strbuf o = STRBUF_INIT;
	struct series s;
	struct krepo t;
	struct pin pin;
	char *dir;
	bool have;
	int ret;

	ret = parse_args(argc, argv, &opt);
	if (ret >= 0)
		return ret;
	ret = 2;
	if (pin_load(&pin, opt.pin_file))
		return 2;
	if (load_series(&s, opt.series_file)) {
		pin_release(&pin);
		return 2;
	}
	ss.s = &s;
	ss.patches = load_patches(&s);
	if (!ss.patches)
		goto out_series;
	dir = tree_dir();
	have = path_exists(dir);
	free(dir);
	if (!have) {
		report_not_imported(&o, &pin, &s, opt.json);
		fputs(o.buf, stdout);
		ret = 0;
		goto out_patches;
	}
	if (open_kernel_tree(&t, &pin, true))
		goto out_patches;
	if (!load_state(&t, &ss)) {
		report(&o, &t, &pin, &ss, opt.json);
		fputs(o.buf, stdout);
		ret = 0;
	}
	git_status_list_free(ss.st);
	free(ss.chain);
	apply_result_release(&ss.res);
	krepo_close(&t);
out_patches:
	free_patches(ss.patches, s.nr);
out_series:
	sb_release(&o);
	series_release(&s);
	pin_release(&pin);
	return ret;
}
