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
	"Exit status: 0 (whatever the state), 1 on an error, 129 usage.\n";

int cmd_status(int argc, char **argv);

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

int cmd_status(int argc, char **argv)
{
	const char *pin_file = NULL, *series_file = NULL;
	struct apply_result res = { 0 };
	git_status_options so;
	git_status_list *st = NULL;
	struct patch **patches = NULL;
	struct strbuf o = STRBUF_INIT;
	git_oid tip, *chain = NULL;
	size_t nchain = 0, i, nst = 0, applied = 0;
	bool json = false, has_branch;
	struct series s;
	struct krepo t;
	struct pin pin;
	int ret = 1;

	cmd_handle_help(argc, argv, cmd_status_usage);
	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--pin") && i + 1 < (size_t)argc)
			pin_file = argv[++i];
		else if (!strcmp(argv[i], "--series") &&
			 i + 1 < (size_t)argc)
			series_file = argv[++i];
		else
			return usage_error(cmd_status_usage,
					   "unknown argument '%s'", argv[i]);
	}
	if (pin_load(&pin, pin_file))
		return 1;
	if (load_series(&s, series_file)) {
		pin_release(&pin);
		return 1;
	}
	patches = load_patches(&s);
	if (!patches)
		goto out_series;
	{
		char *dir = tree_dir();
		bool have = path_exists(dir);

		free(dir);
		if (!have) {
			if (json) {
				sb_addstr(&o, "{\"base\":{\"name\":");
				json_str(&o, pin.name);
				sb_addstr(&o, ",\"imported\":false},\"patches\":[");
				for (i = 0; i < s.nr; i++) {
					sb_addstr(&o, i ? ",{\"file\":" :
						  "{\"file\":");
					json_str(&o, s.entries[i].name);
					sb_addstr(&o, ",\"state\":\"not applied\"}");
				}
				sb_addstr(&o, "]}\n");
			} else {
				sb_addf(&o, "base:    %s (not imported yet: run 'kseries apply')\n",
					pin.name);
				sb_addf(&o, "series:  %zu patches, none applied\n",
					s.nr);
			}
			fputs(o.buf, stdout);
			ret = 0;
			goto out_patches;
		}
	}
	if (open_kernel_tree(&t, &pin, true))
		goto out_patches;
	has_branch = !krepo_branch(&t, TREE_BRANCH, &tip);
	if (!has_branch)
		git_oid_cpy(&tip, &t.base);
	if (krepo_chain(&t, &t.base, &tip, &chain, &nchain)) {
		error("branch '%s' does not start at the base %s",
		      TREE_BRANCH, git_oid_tostr_s(&t.base));
		goto out_tree;
	}
	/* What apply would make of each patch (in memory only). */
	krepo_apply(&t, &t.base, patches, s.nr, &res);

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&st, t.repo, &so)) {
		error("cannot read the work tree's state: %s", lg2_err());
		goto out_tree;
	}
	nst = git_status_list_entrycount(st);

	if (json) {
		sb_addstr(&o, "{\"base\":{\"name\":");
		json_str(&o, pin.name);
		sb_addstr(&o, ",\"imported\":true,\"tag\":\"" TREE_TAG
			  "\",\"commit\":");
		json_str(&o, git_oid_tostr_s(&t.base));
		sb_addstr(&o, "},\"branch\":\"" TREE_BRANCH "\",\"head\":");
		json_str(&o, git_oid_tostr_s(&tip));
		sb_addstr(&o, ",\"patches\":[");
	} else {
		sb_addf(&o, "base:    %s (tag %s, commit %.12s)\n", pin.name,
			TREE_TAG, git_oid_tostr_s(&t.base));
		sb_addf(&o, "tree:    %s, branch %s at %.12s\n", t.dir,
			TREE_BRANCH, git_oid_tostr_s(&tip));
	}
	for (i = 0; i < s.nr; i++) {
		const char *state;
		bool ok = i < res.nr;

		if (i < nchain && ok && git_oid_equal(&chain[i],
						      &res.commits[i]))
			state = "applied";
		else if (i < nchain)
			state = "modified";
		else if (!ok && res.status != APPLY_OK && i == res.failed)
			state = res.status == APPLY_ALREADY ?
				"already applied" : "does not apply";
		else
			state = "not applied";
		if (!strcmp(state, "applied"))
			applied++;
		if (json) {
			sb_addstr(&o, i ? ",{\"file\":" : "{\"file\":");
			json_str(&o, s.entries[i].name);
			sb_addstr(&o, ",\"subject\":");
			json_str(&o, patches[i]->subject);
			sb_addstr(&o, ",\"state\":");
			json_str(&o, state);
			if (i < nchain) {
				sb_addstr(&o, ",\"commit\":");
				json_str(&o, git_oid_tostr_s(&chain[i]));
			}
			sb_addch(&o, '}');
		} else {
			sb_addf(&o, "  %-15s %s\n", state, s.entries[i].name);
		}
	}
	if (json)
		sb_addstr(&o, "],\"extra_commits\":[");
	for (i = s.nr; i < nchain; i++) {
		git_commit *c = NULL;
		const char *subj = "?";

		if (!git_commit_lookup(&c, t.repo, &chain[i]))
			subj = git_commit_summary(c);
		if (json) {
			sb_addstr(&o, i > s.nr ? ",{\"commit\":" :
				  "{\"commit\":");
			json_str(&o, git_oid_tostr_s(&chain[i]));
			sb_addstr(&o, ",\"subject\":");
			json_str(&o, subj);
			sb_addch(&o, '}');
		} else {
			sb_addf(&o, "  %-15s %.12s %s\n", "not exported",
				git_oid_tostr_s(&chain[i]), subj);
		}
		git_commit_free(c);
	}
	if (json) {
		sb_addf(&o, "],\"applied\":%zu,\"total\":%zu,\"dirty\":%s,\"changes\":[",
			applied, s.nr, nst ? "true" : "false");
	} else {
		sb_addf(&o, "series:  %zu of %zu patches applied", applied,
			s.nr);
		if (nchain > s.nr)
			sb_addf(&o, ", %zu commits not exported",
				nchain - s.nr);
		sb_addch(&o, '\n');
		sb_addf(&o, "work tree: %s\n", nst ? "local changes:" :
			"clean");
	}
	for (i = 0; i < nst; i++) {
		const git_status_entry *e = git_status_byindex(st, i);
		const git_diff_delta *d = e->index_to_workdir ?
			e->index_to_workdir : e->head_to_index;
		const char *path = d ? (d->new_file.path ? d->new_file.path :
					d->old_file.path) : "?";

		if (json) {
			sb_addstr(&o, i ? ",{\"path\":" : "{\"path\":");
			json_str(&o, path);
			sb_addstr(&o, ",\"state\":");
			json_str(&o, status_name(e->status));
			sb_addch(&o, '}');
		} else if (i < 50) {
			sb_addf(&o, "  %-10s %s\n", status_name(e->status),
				path);
		} else if (i == 50) {
			sb_addf(&o, "  ... and %zu more\n", nst - 50);
		}
	}
	if (json)
		sb_addstr(&o, "]}\n");
	fputs(o.buf, stdout);
	ret = 0;
out_tree:
	git_status_list_free(st);
	free(chain);
	apply_result_release(&res);
	krepo_close(&t);
out_patches:
	free_patches(patches, s.nr);
out_series:
	sb_release(&o);
	series_release(&s);
	pin_release(&pin);
	return ret;
}
