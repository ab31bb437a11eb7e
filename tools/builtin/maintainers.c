// SPDX-License-Identifier: GPL-2.0
/*
 * kseries maintainers: who a patch goes to, from a MAINTAINERS file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/json.h"
#include "lib/tree.h"
#include "lib/maintainers.h"
#include "lib/series.h"

const char cmd_maintainers_usage[] =
	"kseries maintainers - To/Cc of a patch from a MAINTAINERS file\n"
	"\n"
	"usage: kseries maintainers [--upstream | --file FILE] [--tree DIR]\n"
	"                           [--plain | --json] [--roles] [PATCH...]\n"
	"\n"
	"For each PATCH (a git format-patch file; default: every patch of the\n"
	"series, in order) prints the people and lists to mail it to: the same\n"
	"addresses, in the same order, as the base's\n"
	"  scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats\n"
	"run on the same patch and MAINTAINERS file. Sections whose F:/N:\n"
	"patterns match the patch's files come first, the most specific first,\n"
	"then those whose K: regex matches the patch's text. M: maintainers go\n"
	"in To:, R: reviewers, L: lists and the signers of commits named by\n"
	"Fixes: tags in Cc:. Sections that match equally deep keep their\n"
	"MAINTAINERS order (get_maintainer.pl puts those in Perl's random hash\n"
	"order, so its own output varies there from run to run).\n"
	"\n"
	"    --upstream   use the kernel tree's MAINTAINERS (the default)\n"
	"    --file FILE  use FILE instead, e.g. the project's MAINTAINERS for\n"
	"                 internal review\n"
	"    --tree DIR   the kernel tree: its MAINTAINERS, .mailmap, and the\n"
	"                 commits Fixes: tags name (default $KSERIES_TREE, else\n"
	"                 <cache>/src as 'kseries apply' makes it)\n"
	"    --plain      only the addresses, one a line, like get_maintainer.pl\n"
	"                 (several patches: each address once, first seen\n"
	"                 first); usable as git send-email --cc-cmd\n"
	"    --roles      show the role and section of each address\n"
	"    --json       one JSON object: {\"patches\": [{\"patch\", \"to\",\n"
	"                 \"cc\", \"addresses\": [{\"address\", \"role\",\n"
	"                 \"section\", \"status\"}]}]}\n"
	"\n"
	"Exit status: 0, 2 if a patch or MAINTAINERS cannot be read, 129 for\n"
	"a usage error.\n";

static void print_human(const char *name, const struct maint_list *l,
			bool roles)
{
	size_t i;

	printf("%s\n", name);
	if (!l->nr)
		printf("  (nobody: no section matches)\n");
	for (i = 0; i < l->nr; i++) {
		const struct maint_addr *a = &l->v[i];

		printf("  %s %s", maint_role_is_to(a->role) ? "To:" : "Cc:",
		       a->addr);
		if (roles)
			printf("  (%s%s%s)", maint_role_name(a->role),
			       a->section ? ": " : "",
			       a->section ? a->section : "");
		putchar('\n');
	}
}

/* One patch's entry of --json: {"patch", "to", "cc", "addresses"}. */
static json_t *patch_json(const char *name, const struct maint_list *l)
{
	json_t *o = json_object(), *to = json_array(), *cc = json_array();
	json_t *addrs = json_array();
	size_t i;

	for (i = 0; i < l->nr; i++) {
		const struct maint_addr *a = &l->v[i];

		json_array_append_new(maint_role_is_to(a->role) ? to : cc,
				      json_text(a->addr));
		json_array_append_new(addrs, json_pack("{s:o,s:s,s:o,s:o}",
				"address", json_text(a->addr),
				"role", maint_role_name(a->role),
				"section", a->section ? json_text(a->section) :
							json_null(),
				"status", json_text(a->status)));
	}
	json_set_text(o, "patch", name);
	json_object_set_new(o, "to", to);
	json_object_set_new(o, "cc", cc);
	json_object_set_new(o, "addresses", addrs);
	return o;
}

enum format { HUMAN, PLAIN, JSON };

/* --upstream: the tree's MAINTAINERS again, whatever --file said before. */
static int upstream_cb(const struct option *opt, const char *arg, bool unset,
		       struct strbuf *err)
{
	*(const char **)opt->value = NULL;
	return 0;
}

/* cmd_parse_options() by the table: the positional arguments are patches. */
static int parse_args(int argc, char **argv, const char **file,
		      const char **tree, int *format, bool *roles)
{
	const struct option options[] = {
		OPT_STRING_F(0, "file", file, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tree", tree, PARSE_OPT_NONEMPTY),
		OPT_CALLBACK_F(0, "upstream", file, upstream_cb,
			       PARSE_OPT_NOARG),
		OPT_SET_INT(0, "plain", format, PLAIN),
		OPT_SET_INT(0, "json", format, JSON),
		OPT_BOOL(0, "roles", roles),
		OPT_END(),
	};

	return cmd_parse_options(argc, argv, options, 0,
				 cmd_maintainers_usage);
}

/* The series' patch files, when none is named. */
static int series_patches(struct series *s, char ***patches, size_t *nr)
{
	char *sp = project_path("series"), *pd = project_path("patches");
	int ret = series_load(s, sp, pd);
	size_t i;

	free(sp);
	free(pd);
	if (ret)
		return -1;
	if (!s->nr) {
		error("the series is empty; name the patches");
		return -1;
	}
	*patches = xcalloc(s->nr + 1, sizeof(**patches));
	for (i = 0; i < s->nr; i++)
		(*patches)[i] = series_patch_path(s, i);
	*nr = s->nr;
	return 0;
}

/* The MAINTAINERS file (@file, else the tree's), warnings on stderr. */
static struct maintainers *load_maintainers(const char *file, struct krepo *t)
{
	char *mf = file ? xstrdup(file) : path_join(t->dir, "MAINTAINERS");
	struct strbuf err = STRBUF_INIT;
	struct maintainers *m = maintainers_load(mf, t->dir, &err);

	free(mf);
	if (!m)
		error("%s", err.buf);
	else if (err.len)
		fputs(err.buf, stderr);
	sb_release(&err);
	return m;
}

/* The maintainers of each of the @nr @patches, and of them all. */
static int report(struct maintainers *m, struct krepo *t, char **patches,
		  size_t nr, int format, bool roles)
{
	struct strbuf js = STRBUF_INIT;
	struct maint_list all = { 0 };
	json_t *arr = json_array();
	size_t i;
	int ret = 2;

	for (i = 0; i < nr; i++) {
		struct strbuf text = STRBUF_INIT;
		struct maint_list l = { 0 };

		if (read_file(patches[i], &text)) {
			error("cannot read %s: %s", patches[i], strerror(errno));
			goto out;
		}
		maintainers_for_patch(m, text.buf, text.len,
				      krepo_commit_message, t, &l);
		if (format == HUMAN) {
			if (i)
				putchar('\n');
			print_human(patches[i], &l, roles);
		} else if (format == JSON) {
			json_array_append_new(arr, patch_json(patches[i], &l));
		}
		maint_list_union(&all, &l);
		maint_list_release(&l);
		sb_release(&text);
	}
	if (format == JSON) {
		json_t *doc = json_pack("{s:O}", "patches", arr);

		json_dump_sb(doc, &js);
		json_decref(doc);
		sb_addch(&js, '\n');
		fputs(js.buf, stdout);
	} else if (format == PLAIN) {
		for (i = 0; i < all.nr; i++)
			printf("%s\n", all.v[i].addr);
	}
	ret = 0;
out:
	json_decref(arr);
	maint_list_release(&all);
	sb_release(&js);
	return ret;
}

int cmd_maintainers(int argc, char **argv)
{
	const char *file = NULL, *tree_opt = NULL;
	struct strbuf err = STRBUF_INIT;
	struct maintainers *m = NULL;
	struct series s = { 0 };
	struct krepo t;
	char **patches = NULL;
	size_t nr = 0, i;
	int format = HUMAN;
	bool roles = false, have_tree = false;
	int ret;

	ret = parse_args(argc, argv, &file, &tree_opt, &format, &roles);
	if (ret < 0)
		return cmd_parse_status(ret);
	nr = ret;
	ret = 2;
	patches = xcalloc(nr + 1, sizeof(*patches));
	for (i = 0; i < nr; i++)
		patches[i] = xstrdup(argv[i]);

	if (krepo_open_ext(&t, tree_opt, KREPO_MAIL, &err)) {
		error("%s", err.buf);
		goto out;
	}
	have_tree = true;
	if (!nr) {
		free(patches);
		patches = NULL;
		if (series_patches(&s, &patches, &nr))
			goto out;
	}
	m = load_maintainers(file, &t);
	if (m)
		ret = report(m, &t, patches, nr, format, roles);
out:
	maintainers_free(m);
	series_release(&s);
	if (have_tree)
		krepo_close(&t);
	for (i = 0; i < nr; i++)
		free(patches[i]);
	free(patches);
	sb_release(&err);
	return ret;
}
