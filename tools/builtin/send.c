// SPDX-License-Identifier: GPL-2.0
/*
 * kseries send: the series as a threaded posting, written out or mailed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cmd.h"
#include "lib/cover.h"
#include "lib/diffstat.h"
#include "lib/fmtpatch.h"
#include "lib/kernel.h"
#include "lib/ktree.h"
#include "lib/mail.h"
#include "lib/maintainers.h"
#include "lib/pin.h"
#include "lib/tree.h"

const char cmd_send_usage[] =
	"kseries send - post the series: cover letter and patches, threaded\n"
	"\n"
	"usage: kseries send [-v N] [--rfc] [--subject-prefix P] [--base B]\n"
	"                    [--to ADDR]... [--cc ADDR]...\n"
	"                    [--file MAINTAINERS | --upstream [--yes]]\n"
	"                    [--no-maintainers] [--tree DIR] [--from ADDR]\n"
	"                    [--in-reply-to MSGID] [--date EPOCH] [--out DIR]\n"
	"                    [--send [-- GIT-SEND-EMAIL-OPTIONS...]]\n"
	"\n"
	"Makes the mails of a posting of the series: a cover letter\n"
	"\"[PATCH 5.10 vN 0/M] subject\" and every patch as\n"
	"\"[PATCH 5.10 vN k/M] ...\", each patch a reply to the cover letter\n"
	"(Message-Id, In-Reply-To, References). To and Cc of a patch are what\n"
	"'kseries maintainers' gives for it (maintainers in To:, reviewers and\n"
	"lists in Cc:); the cover letter goes to all of them.\n"
	"\n"
	"Where it goes. By default the project's own MAINTAINERS file (its\n"
	"review list) decides To/Cc. Upstream's, the kernel tree's MAINTAINERS,\n"
	"is an explicit choice, --upstream; and since upstream's lists take no\n"
	"series for an older base, --upstream with a base that is a stable\n"
	"release (X.Y.Z, such as Linux 5.10.223: upstream has moved past X.Y)\n"
	"says so and stops unless --yes confirms it.\n"
	"\n"
	"The base in the subject. Stable and vendor lists expect the subject\n"
	"to name the base: \"[PATCH 5.10 v2 03/57]\". It is the subject-base\n"
	"setting of kernel-overlay/send ('key = value' lines, '#' comments),\n"
	"else X.Y of the pinned base (kernel-overlay/pin); --base B overrides\n"
	"both, and an empty value names no base.\n"
	"\n"
	"The cover letter is kernel-overlay/cover-letter (its first line is the\n"
	"subject, then a blank line and the text), followed by \"Changes in vN:\"\n"
	"from kernel-overlay/changelog, the shortlog, the diffstat of the whole\n"
	"series against the base, and \"base-commit: <id>\". The changelog lists\n"
	"versions newest first:\n"
	"    v2:\n"
	"    - Split the MSR fix out of the hypercall patch.\n"
	"    v1:\n"
	"    - First posting.\n"
	"and its newest \"vN:\" is the version sent unless -v says otherwise\n"
	"(version 1 when there is no changelog). A single patch needs no cover\n"
	"letter.\n"
	"\n"
	"By default nothing is sent: the mails are written to out/send/vN.mbox\n"
	"(an mboxrd mailbox) and out/send/vN/NNNN-*.patch (one mail a file).\n"
	"With --send they are handed to `git send-email`, which uses your\n"
	"sendemail.* settings (SMTP server, identity); options after \"--\" go\n"
	"to it as they are, e.g. -- --smtp-server=127.0.0.1 --smtp-server-port=2525.\n"
	"\n"
	"    -v N              the version (default: the changelog's newest)\n"
	"    --rfc             \"[RFC PATCH ...]\"\n"
	"    --subject-prefix P  P instead of \"PATCH\"\n"
	"    --base B          name base B in the subject (\"\": none)\n"
	"    --to ADDR         also mail ADDR (To:); repeat for more\n"
	"    --cc ADDR         also Cc ADDR; repeat for more\n"
	"    --file FILE       To/Cc from this MAINTAINERS file (default: the\n"
	"                      project's MAINTAINERS, its review list)\n"
	"    --upstream        To/Cc from the kernel tree's MAINTAINERS: upstream\n"
	"    --yes             with --upstream: yes, mail upstream although the\n"
	"                      base is older than upstream's current release\n"
	"    --no-maintainers  only --to and --cc\n"
	"    --tree DIR        the kernel tree (default $KSERIES_TREE or\n"
	"                      <cache>/src): MAINTAINERS, base commit, diffstat\n"
	"    --from ADDR       the sender of the cover letter (default: git's\n"
	"                      user.name and user.email)\n"
	"    --in-reply-to ID  thread the posting under message ID (e.g. the\n"
	"                      previous version's cover letter)\n"
	"    --date EPOCH      date the mails (seconds since 1970; default now,\n"
	"                      or $SOURCE_DATE_EPOCH): same input, same mails\n"
	"    --out DIR         write the mails here instead of out/send\n"
	"    --send            mail them with git send-email\n"
	"\n"
	"Exit status: 0, 1 on failure or refusal (nothing sent), 129 usage\n"
	"error.\n";

struct addrs {
	char **v;
	size_t nr, alloc;
};

static void addrs_add(struct addrs *a, const char *s)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		if (!strcmp(a->v[i], s))
			return;
	ALLOC_GROW(a->v, a->nr + 1, a->alloc);
	a->v[a->nr++] = xstrdup(s);
}

static void addrs_release(struct addrs *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* To and Cc of one mail: the maintainers' list plus --to and --cc. */
static void recipients(const struct maint_list *l, const struct addrs *to,
		       const struct addrs *cc, struct addrs *rto,
		       struct addrs *rcc)
{
	size_t i, j;

	for (i = 0; i < to->nr; i++)
		addrs_add(rto, to->v[i]);
	for (i = 0; l && i < l->nr; i++)
		if (maint_role_is_to(l->v[i].role))
			addrs_add(rto, l->v[i].addr);
	for (i = 0; l && i < l->nr; i++) {
		if (maint_role_is_to(l->v[i].role))
			continue;
		for (j = 0; j < rto->nr; j++)
			if (!strcmp(rto->v[j], l->v[i].addr))
				break;
		if (j == rto->nr)
			addrs_add(rcc, l->v[i].addr);
	}
	for (i = 0; i < cc->nr; i++)
		addrs_add(rcc, cc->v[i]);
}

/* The patch file's body (after its headers) and its MIME headers. */
static void split_patch_file(const char *text, struct strbuf *mime,
			     const char **body)
{
	const char *p = text;

	if (starts_with(p, "From ")) {
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	while (*p && *p != '\n') {
		const char *nl = strchrnul(p, '\n');

		if (!strncasecmp(p, "MIME-Version:", 13) ||
		    !strncasecmp(p, "Content-Type:", 13) ||
		    !strncasecmp(p, "Content-Transfer-Encoding:", 26)) {
			sb_add(mime, p, nl - p);
			sb_addch(mime, '\n');
		}
		p = *nl ? nl + 1 : nl;
	}
	*body = *p ? p + 1 : p;
}

static char *project_git_config(const char *key)
{
	const char *argv[] = { "git", "config", "--get", key, NULL };
	struct strbuf out = STRBUF_INIT;

	if (run_capture(argv, project_dir(), &out)) {
		sb_release(&out);
		return NULL;
	}
	sb_rtrim(&out);
	if (!out.len) {
		sb_release(&out);
		return NULL;
	}
	return sb_detach(&out);
}

/*
 * The diffstat of the whole series against the base: the series applied
 * in memory on the tree's tag "base" and diffed by libgit2 as 'kseries
 * export' does for one patch. Without such a tree, the patches' own
 * diffstats are added up.
 */
static void series_diffstat(struct ktree *kt, struct patch **patches,
			    size_t n, struct strbuf *out)
{
	struct apply_result res = { 0 };
	git_commit *base = NULL, *tip = NULL;
	git_tree *old = NULL, *new = NULL;
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	git_diff_find_options fo;
	git_buf buf = GIT_BUF_INIT;
	struct krepo t;
	bool done = false;

	if (kt->repo && kt->base_tag && !krepo_open(&t, kt->dir)) {
		git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
		fo.flags = GIT_DIFF_FIND_RENAMES;
		if (!krepo_apply(&t, &t.base, patches, n, &res) &&
		    res.nr == n &&
		    !git_commit_lookup(&base, t.repo, &t.base) &&
		    !git_commit_lookup(&tip, t.repo, &res.commits[n - 1]) &&
		    !git_commit_tree(&old, base) &&
		    !git_commit_tree(&new, tip) &&
		    !git_diff_tree_to_tree(&diff, t.repo, old, new, NULL) &&
		    !git_diff_find_similar(diff, &fo) &&
		    !git_diff_get_stats(&stats, diff) &&
		    !git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_FULL |
					   GIT_DIFF_STATS_INCLUDE_SUMMARY,
					   72)) {
			sb_add(out, buf.ptr, buf.size);
			done = true;
		} else if (res.msg.len) {
			warning("the series does not apply to the base: %s",
				res.msg.buf);
		}
		git_buf_dispose(&buf);
		git_diff_stats_free(stats);
		git_diff_free(diff);
		git_tree_free(old);
		git_tree_free(new);
		git_commit_free(base);
		git_commit_free(tip);
		apply_result_release(&res);
		krepo_close(&t);
	}
	if (!done) {
		struct diffstat ds = { 0 };
		size_t i;

		for (i = 0; i < n; i++)
			diffstat_from_patch(&ds, patches[i]);
		diffstat_sort(&ds);
		diffstat_format(&ds, 72, out);
		diffstat_release(&ds);
	}
}

struct posting {
	int version, total;
	const char *prefix;
	const char *base;	/* "5.10" in "[PATCH 5.10 v2 1/3]", or NULL */
	char *seed;
	const char *from_email;
	int64_t date;
	const char *in_reply_to;
	char *cover_id;
};

static char *subject_tag(const struct posting *po, int k)
{
	struct strbuf sb = STRBUF_INIT;
	int w = 1, m = po->total;

	while (m >= 10) {
		m /= 10;
		w++;
	}
	sb_addf(&sb, "[%s", po->prefix);
	if (po->base && *po->base)
		sb_addf(&sb, " %s", po->base);
	if (po->version > 1)
		sb_addf(&sb, " v%d", po->version);
	if (po->total > 1 || k == 0)
		sb_addf(&sb, " %0*d/%d", w, k, po->total);
	sb_addch(&sb, ']');
	return sb_detach(&sb);
}

/* One mail: headers, then @body (@mime: the patch's MIME headers). */
static void compose(struct strbuf *out, const struct posting *po, int k,
		    const char *from, int64_t date, int tz,
		    const char *subject, const struct addrs *to,
		    const struct addrs *cc, const char *mime,
		    const char *body)
{
	char *tag = subject_tag(po, k), *subj, *id;

	id = mail_make_msgid(po->seed, k, po->from_email, po->date);
	subj = xasprintf("%s %s", tag, subject);
	sb_addf(out, "From: %s\n", from);
	sb_addstr(out, "Date: ");
	format_mail_date(out, date, tz);
	sb_addch(out, '\n');
	mail_add_header(out, "Subject", subj);
	sb_addf(out, "Message-Id: <%s>\n", id);
	if (k == 0 || !po->cover_id) {
		if (po->in_reply_to)
			sb_addf(out, "In-Reply-To: <%s>\nReferences: <%s>\n",
				po->in_reply_to, po->in_reply_to);
	} else {
		sb_addf(out, "In-Reply-To: <%s>\n", po->cover_id);
		if (po->in_reply_to)
			sb_addf(out, "References: <%s>\n <%s>\n",
				po->in_reply_to, po->cover_id);
		else
			sb_addf(out, "References: <%s>\n", po->cover_id);
	}
	mail_add_address_header(out, "To", to->v, to->nr);
	mail_add_address_header(out, "Cc", cc->v, cc->nr);
	if (mime && *mime)
		sb_addstr(out, mime);
	else
		sb_addstr(out, "MIME-Version: 1.0\n"
			  "Content-Type: text/plain; charset=UTF-8\n"
			  "Content-Transfer-Encoding: 8bit\n");
	sb_addch(out, '\n');
	sb_addstr(out, body);
	free(tag);
	free(subj);
	free(id);
}

static int write_text(const char *path, const struct strbuf *sb)
{
	if (write_file_atomic(path, sb->buf, sb->len))
		return error("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* Strip blanks from both ends of @s, in place. */
static void trim(char *s)
{
	size_t n = strlen(s), b = strspn(s, " \t\r");

	while (n > b && strchr(" \t\r", s[n - 1]))
		n--;
	memmove(s, s + b, n - b);
	s[n - b] = '\0';
}

/*
 * The value of @key in kernel-overlay/send ('key = value' lines, '#'
 * comments): 0 found (*@val, maybe ""), 1 no such file or key, -1 a
 * malformed line (@err says which).
 */
static int send_setting(const char *key, char **val, struct strbuf *err)
{
	char *path = project_path("kernel-overlay/send");
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int ret = 1, no = 0;

	*val = NULL;
	if (read_file(path, &sb)) {
		free(path);
		sb_release(&sb);
		return 1;
	}
	for (p = sb.buf; *p; ) {
		const char *nl = strchrnul(p, '\n'), *eq;
		char *k, *v;

		no++;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if (p == nl || *p == '#') {
			p = *nl ? nl + 1 : nl;
			continue;
		}
		eq = memchr(p, '=', nl - p);
		if (!eq) {
			sb_addf(err, "%s:%d: not 'key = value'", path, no);
			ret = -1;
			break;
		}
		k = xstrndup(p, eq - p);
		v = xstrndup(eq + 1, nl - eq - 1);
		trim(k);
		trim(v);
		if (!strcmp(k, key)) {
			free(*val);
			*val = v;
			ret = 0;
		} else {
			free(v);
		}
		free(k);
		p = *nl ? nl + 1 : nl;
	}
	free(path);
	sb_release(&sb);
	return ret;
}

/*
 * The pinned base's version, "5.10.223" of "Linux 5.10.223", or NULL.
 * @mm gets its "X.Y".
 */
static char *pinned_version(char **mm)
{
	struct pin pin = { 0 };
	const char *v;
	char *ver = NULL;
	size_t n;

	*mm = NULL;
	if (pin_load(&pin, NULL))
		return NULL;
	v = pin.name ? strpbrk(pin.name, "0123456789") : NULL;
	if (v) {
		ver = xstrndup(v, strspn(v, "0123456789."));
		n = strspn(ver, "0123456789");
		if (ver[n] == '.')
			n += 1 + strspn(ver + n + 1, "0123456789");
		*mm = xstrndup(ver, n);
	}
	pin_release(&pin);
	return ver;
}

/* A stable release "X.Y.Z": upstream's current release is past X.Y. */
static bool is_stable_release(const char *ver)
{
	const char *dot = ver ? strchr(ver, '.') : NULL;

	return dot && strchr(dot + 1, '.');
}

int cmd_send(int argc, char **argv)
{
	const char *tree_opt = NULL, *file = NULL, *from_opt = NULL, *v;
	const char *out_opt = NULL, *base_opt = NULL;
	struct posting po = { .prefix = "PATCH" };
	struct addrs to = { 0 }, cc = { 0 }, files = { 0 };
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT, mbox = STRBUF_INIT;
	struct strbuf mime = STRBUF_INIT;
	struct maint_list *lists = NULL, all = { 0 };
	struct maintainers *m = NULL;
	struct changelog cl = { 0 };
	struct patch **patches = NULL;
	struct series s = { 0 };
	struct ktree kt = { 0 };
	char **texts = NULL, *outdir = NULL, *mbox_path = NULL;
	char *cover_subject = NULL, *cover_body = NULL, *from = NULL;
	char *sender_name = NULL, *sender_email = NULL, *prefix = NULL;
	const char *const *gse_args = NULL;
	int version = 0, nr_gse = 0, ret = 1;
	bool send = false, use_maintainers = true, have_tree = false;
	bool rfc = false, have_date = false, upstream = false, yes = false;
	char *base_setting = NULL, *pinned = NULL, *pinned_mm = NULL;
	char *own_maintainers = NULL;
	size_t i;

	cmd_handle_help(argc, argv, cmd_send_usage);
	for (i = 1; i < (size_t)argc; i++) {
		int k = i;

		if ((v = cmd_opt(argc, argv, &k, "-v"))) {
			version = atoi(v);
			if (version < 1)
				return usage_error(cmd_send_usage,
						   "-v needs a version >= 1");
		} else if (!strncmp(argv[i], "-v", 2) && argv[i][2] &&
			   argv[i][2] != '-') {
			version = atoi(argv[i] + 2);
			if (version < 1)
				return usage_error(cmd_send_usage,
						   "-v needs a version >= 1");
		} else if ((v = cmd_opt(argc, argv, &k, "--to"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--to needs an address");
			addrs_add(&to, v);
		} else if ((v = cmd_opt(argc, argv, &k, "--cc"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--cc needs an address");
			addrs_add(&cc, v);
		} else if ((v = cmd_opt(argc, argv, &k, "--file"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--file needs a file");
			file = v;
		} else if ((v = cmd_opt(argc, argv, &k, "--tree"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--tree needs a directory");
			tree_opt = v;
		} else if ((v = cmd_opt(argc, argv, &k, "--from"))) {
			if (!*v || !strchr(v, '@'))
				return usage_error(cmd_send_usage,
						   "--from needs 'Name <address>'");
			from_opt = v;
		} else if ((v = cmd_opt(argc, argv, &k, "--in-reply-to"))) {
			char *id = xstrdup(*v == '<' ? v + 1 : v);

			if (*id && id[strlen(id) - 1] == '>')
				id[strlen(id) - 1] = '\0';
			if (!*id)
				return usage_error(cmd_send_usage,
						   "--in-reply-to needs a message id");
			po.in_reply_to = id;
		} else if ((v = cmd_opt(argc, argv, &k, "--date"))) {
			char *end;

			po.date = strtoll(v, &end, 10);
			if (!*v || *end)
				return usage_error(cmd_send_usage,
						   "--date needs seconds since 1970");
			have_date = true;
		} else if ((v = cmd_opt(argc, argv, &k, "--subject-prefix"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--subject-prefix needs text");
			po.prefix = v;
		} else if ((v = cmd_opt(argc, argv, &k, "--base"))) {
			base_opt = v;
		} else if ((v = cmd_opt(argc, argv, &k, "--out"))) {
			if (!*v)
				return usage_error(cmd_send_usage,
						   "--out needs a directory");
			out_opt = v;
		} else if (!strcmp(argv[i], "--rfc")) {
			rfc = true;
		} else if (!strcmp(argv[i], "--upstream")) {
			upstream = true;
		} else if (!strcmp(argv[i], "--yes")) {
			yes = true;
		} else if (!strcmp(argv[i], "--no-maintainers")) {
			use_maintainers = false;
		} else if (!strcmp(argv[i], "--send")) {
			send = true;
		} else if (!strcmp(argv[i], "--")) {
			gse_args = (const char *const *)argv + i + 1;
			nr_gse = argc - i - 1;
			break;
		} else {
			return usage_error(cmd_send_usage,
					   "unknown argument '%s'", argv[i]);
		}
		i = k;
	}
	if (nr_gse && !send)
		return usage_error(cmd_send_usage,
				   "options after -- are for git send-email: add --send");
	if (rfc) {
		prefix = xasprintf("RFC %s", po.prefix);
		po.prefix = prefix;
	}
	if (upstream && file)
		return usage_error(cmd_send_usage,
				   "--upstream and --file name two MAINTAINERS files: give one");
	if (yes && !upstream)
		return usage_error(cmd_send_usage,
				   "--yes confirms --upstream: add --upstream");

	/* the base: in the subject, and whether upstream takes it */
	pinned = pinned_version(&pinned_mm);
	if (base_opt) {
		po.base = base_opt;
	} else {
		int r = send_setting("subject-base", &base_setting, &err);

		if (r < 0) {
			error("%s", err.buf);
			goto out;
		}
		po.base = r == 0 ? base_setting : pinned_mm;
	}
	if (po.base && strpbrk(po.base, "[] \t")) {
		error("the base in the subject ('%s') cannot have blanks or brackets",
		      po.base);
		goto out;
	}
	if (upstream && use_maintainers && is_stable_release(pinned) && !yes) {
		error("the base is Linux %s, a stable release: upstream has moved past %s, and upstream's lists (the kernel tree's MAINTAINERS) do not take a series for it. Mail the project's review list (the default), or add --yes to mail upstream anyway",
		      pinned, pinned_mm);
		goto out;
	}
	if (!upstream && !file && use_maintainers) {
		own_maintainers = project_path("MAINTAINERS");
		if (!path_exists(own_maintainers)) {
			error("no %s: the project's review list is where a posting goes by default; write it, or use --file, --upstream or --no-maintainers with --to",
			      own_maintainers);
			goto out;
		}
		file = own_maintainers;
	}

	/* the series */
	if (load_series(&s, NULL))
		goto out;
	if (!s.nr) {
		error("the series is empty: nothing to send");
		goto out;
	}
	patches = load_patches(&s);
	if (!patches)
		goto out;
	texts = xcalloc(s.nr, sizeof(*texts));
	for (i = 0; i < s.nr; i++) {
		char *p = series_patch_path(&s, i);

		sb_reset(&sb);
		if (read_file(p, &sb)) {
			error("cannot read %s: %s", p, strerror(errno));
			free(p);
			goto out;
		}
		texts[i] = xstrdup(sb.buf);
		free(p);
	}
	po.total = s.nr;

	/* version and cover letter */
	{
		char *path = project_path("kernel-overlay/changelog");

		sb_reset(&sb);
		if (!read_file(path, &sb) &&
		    changelog_parse(sb.buf, &cl, &err)) {
			error("%s: %s", path, err.buf);
			free(path);
			goto out;
		}
		free(path);
	}
	po.version = version ? version : changelog_latest(&cl);
	if (!po.version)
		po.version = 1;
	if (s.nr > 1) {
		char *path = project_path("kernel-overlay/cover-letter");

		sb_reset(&sb);
		if (read_file(path, &sb)) {
			error("no cover letter: write %s (first line: the subject; then a blank line and the text)",
			      path);
			free(path);
			goto out;
		}
		if (cover_file_parse(sb.buf, &cover_subject, &cover_body,
				     &err)) {
			error("%s: %s", path, err.buf);
			free(path);
			goto out;
		}
		free(path);
	}

	/* the tree: MAINTAINERS, base commit, diffstat */
	if (!ktree_open(&kt, tree_opt, &err)) {
		have_tree = true;
	} else if (tree_opt || (use_maintainers && upstream)) {
		error("%s", err.buf);
		goto out;
	}
	sb_reset(&err);
	if (use_maintainers) {
		char *mf = file ? xstrdup(file) :
			path_join(kt.dir, "MAINTAINERS");

		m = maintainers_load(mf, have_tree ? kt.dir : NULL, &err);
		free(mf);
		if (!m) {
			error("%s", err.buf);
			goto out;
		}
	}
	lists = xcalloc(s.nr, sizeof(*lists));
	for (i = 0; m && i < s.nr; i++) {
		maintainers_for_patch(m, texts[i], strlen(texts[i]),
				      have_tree ? ktree_commit_message : NULL,
				      &kt, &lists[i]);
		maint_list_union(&all, &lists[i]);
	}
	if (!all.nr && !to.nr && !cc.nr) {
		error("nobody to send the series to: no MAINTAINERS section matches; use --to");
		goto out;
	}

	/* the sender and the date */
	if (from_opt) {
		const char *lt = strchr(from_opt, '<');

		sender_email = lt ? xstrndup(lt + 1, strcspn(lt + 1, ">")) :
			xstrdup(from_opt);
		from = xstrdup(from_opt);
	} else {
		sender_name = project_git_config("user.name");
		sender_email = project_git_config("user.email");
		if (!sender_email) {
			free(sender_name);
			sender_name = xstrdup(patches[0]->author_name);
			sender_email = xstrdup(patches[0]->author_email);
		}
		from = mail_address(sender_name ? sender_name : "",
				    sender_email);
	}
	if (!have_date) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");

		po.date = sde && *sde ? strtoll(sde, NULL, 10) :
			(int64_t)time(NULL);
	}
	po.from_email = sender_email;
	{
		struct strbuf seed = STRBUF_INIT;

		sb_addf(&seed, "v%d\n%s\n", po.version, po.prefix);
		if (po.base && *po.base)
			sb_addf(&seed, "%s\n", po.base);
		for (i = 0; i < s.nr; i++)
			sb_addstr(&seed, texts[i]);
		po.seed = sb_detach(&seed);
	}

	outdir = out_opt ? xasprintf("%s/v%d", out_opt, po.version) :
		xasprintf("%s/send/v%d", out_dir(), po.version);
	mbox_path = out_opt ? xasprintf("%s/v%d.mbox", out_opt, po.version) :
		xasprintf("%s/send/v%d.mbox", out_dir(), po.version);
	remove_tree(outdir);
	if (mkdir_p(outdir, 0755)) {
		error("cannot create %s: %s", outdir, strerror(errno));
		goto out;
	}

	/* the cover letter */
	if (s.nr > 1) {
		struct addrs rto = { 0 }, rcc = { 0 };
		struct strbuf body = STRBUF_INIT, stat = STRBUF_INIT;
		char *path;

		series_diffstat(&kt, patches, s.nr, &stat);
		cover_compose(&body, cover_body, &cl, po.version, patches,
			      s.nr, stat.buf, have_tree ? kt.base : "");
		recipients(&all, &to, &cc, &rto, &rcc);
		sb_reset(&sb);
		compose(&sb, &po, 0, from, po.date, 0, cover_subject, &rto,
			&rcc, NULL, body.buf);
		po.cover_id = mail_make_msgid(po.seed, 0, po.from_email,
					      po.date);
		path = xasprintf("%s/0000-cover-letter.patch", outdir);
		if (write_text(path, &sb)) {
			free(path);
			goto out;
		}
		addrs_add(&files, path);
		free(path);
		mail_mbox_append(&mbox, sb.buf, sb.len, po.date);
		printf("0/%zu %s\n  To: %zu, Cc: %zu\n", s.nr, cover_subject,
		       rto.nr, rcc.nr);
		addrs_release(&rto);
		addrs_release(&rcc);
		sb_release(&body);
		sb_release(&stat);
	}
	for (i = 0; i < s.nr; i++) {
		struct addrs rto = { 0 }, rcc = { 0 };
		char *from_a = mail_address(patches[i]->author_name,
					    patches[i]->author_email);
		const char *body;
		char *path, *name;

		sb_reset(&mime);
		split_patch_file(texts[i], &mime, &body);
		recipients(m ? &lists[i] : NULL, &to, &cc, &rto, &rcc);
		sb_reset(&sb);
		compose(&sb, &po, i + 1, from_a, patches[i]->time,
			patches[i]->tz_minutes, patches[i]->subject, &rto,
			&rcc, mime.buf, body);
		name = patch_file_name(i + 1, patches[i]->subject);
		path = path_join(outdir, name);
		free(name);
		if (write_text(path, &sb)) {
			free(path);
			free(from_a);
			goto out;
		}
		addrs_add(&files, path);
		free(path);
		mail_mbox_append(&mbox, sb.buf, sb.len, po.date + i + 1);
		printf("%zu/%zu %s\n  To: %zu, Cc: %zu\n", i + 1, s.nr,
		       patches[i]->subject, rto.nr, rcc.nr);
		addrs_release(&rto);
		addrs_release(&rcc);
		free(from_a);
	}
	if (write_text(mbox_path, &mbox))
		goto out;
	printf("wrote %zu mail%s of v%d to %s\n", files.nr,
	       files.nr == 1 ? "" : "s", po.version, mbox_path);

	if (send) {
		const char **args;
		size_t na = 0;
		char *confirm = project_git_config("sendemail.confirm");
		char *from_arg = NULL;
		int st;

		args = xcalloc(files.nr + nr_gse + 8, sizeof(*args));
		args[na++] = "git";
		args[na++] = "send-email";
		/* kseries has shown what goes out; ask only if configured */
		if (!confirm)
			args[na++] = "--confirm=never";
		if (from_opt) {
			from_arg = xasprintf("--from=%s", from_opt);
			args[na++] = from_arg;
		}
		for (i = 0; i < (size_t)nr_gse; i++)
			args[na++] = gse_args[i];
		for (i = 0; i < files.nr; i++)
			args[na++] = files.v[i];
		note("sending %zu mails with git send-email", files.nr);
		st = run_cmd(args, &(struct run_opts){ .dir = project_dir() });
		free(confirm);
		free(from_arg);
		free(args);
		if (st) {
			error("git send-email failed (status %d); the mails are in %s",
			      st, outdir);
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; lists && i < s.nr; i++)
		maint_list_release(&lists[i]);
	free(lists);
	maint_list_release(&all);
	maintainers_free(m);
	for (i = 0; texts && i < s.nr; i++)
		free(texts[i]);
	free(texts);
	if (patches)
		free_patches(patches, s.nr);
	series_release(&s);
	changelog_release(&cl);
	if (have_tree)
		ktree_close(&kt);
	addrs_release(&to);
	addrs_release(&cc);
	addrs_release(&files);
	sb_release(&err);
	sb_release(&sb);
	sb_release(&mbox);
	sb_release(&mime);
	free((char *)po.in_reply_to);
	free(po.seed);
	free(po.cover_id);
	free(outdir);
	free(mbox_path);
	free(cover_subject);
	free(cover_body);
	free(from);
	free(sender_name);
	free(sender_email);
	free(prefix);
	free(base_setting);
	free(pinned);
	free(pinned_mm);
	free(own_maintainers);
	return ret;
}
