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
#include "lib/mail.h"
#include "lib/mailhdr.h"
#include "lib/maintainers.h"
#include "lib/mbox.h"
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
	"Exit status: 0 written (and sent); 2 on failure or refusal (nothing\n"
	"sent: send has no findings of its own, 'kseries lint' and 'check'\n"
	"do); 129 usage error.\n";

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
static void series_diffstat(struct krepo *kt, struct patch **patches,
			    size_t n, struct strbuf *out)
{
	struct apply_result res = { 0 };
	git_commit *base = NULL, *tip = NULL;
	git_tree *old = NULL, *new = NULL;
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	git_diff_find_options fo;
	git_buf buf = GIT_BUF_INIT;
	bool done = false;

	if (kt->repo && kt->base_tag) {
		git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
		fo.flags = GIT_DIFF_FIND_RENAMES;
		if (!krepo_apply(kt, &kt->base, patches, n, &res) &&
		    res.nr == n &&
		    !git_commit_lookup(&base, kt->repo, &kt->base) &&
		    !git_commit_lookup(&tip, kt->repo, &res.commits[n - 1]) &&
		    !git_commit_tree(&old, base) &&
		    !git_commit_tree(&new, tip) &&
		    !git_diff_tree_to_tree(&diff, kt->repo, old, new, NULL) &&
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
		sb_addstr(out, MAILHDR_MIME_UTF8);
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

/* What the command line asks for. */
struct send_opts {
	const char *tree, *file, *from, *out, *base;
	const char *subject_prefix;	/* "PATCH" */
	struct addrs to, cc;
	char *in_reply_to;
	int64_t date;
	int version;
	bool send, no_maintainers, rfc, have_date, upstream, yes;
	const char *const *gse_args;	/* after "--", for git send-email */
	size_t nr_gse;
};

/* --to ADDR, --cc ADDR: one more address each time. */
static int addr_cb(const struct option *opt, const char *arg, bool unset,
		   struct strbuf *err)
{
	addrs_add(opt->value, arg);
	return 0;
}

/* --from 'Name <address>': it needs the address at least. */
static int from_cb(const struct option *opt, const char *arg, bool unset,
		   struct strbuf *err)
{
	if (!strchr(arg, '@')) {
		sb_addstr(err, "--from needs 'Name <address>'");
		return -1;
	}
	*(const char **)opt->value = arg;
	return 0;
}

/* --in-reply-to MSGID, with or without its <>. */
static int in_reply_to_cb(const struct option *opt, const char *arg,
			  bool unset, struct strbuf *err)
{
	char **val = opt->value;
	char *id = xstrdup(*arg == '<' ? arg + 1 : arg);

	if (*id && id[strlen(id) - 1] == '>')
		id[strlen(id) - 1] = '\0';
	if (!*id) {
		free(id);
		sb_addstr(err, "--in-reply-to needs a message id");
		return -1;
	}
	free(*val);
	*val = id;
	return 0;
}

/* --date EPOCH: the send_opts get the date and that it was given. */
static int date_cb(const struct option *opt, const char *arg, bool unset,
		   struct strbuf *err)
{
	struct send_opts *o = opt->value;
	char *end;

	o->date = strtoll(arg, &end, 10);
	if (!*arg || *end) {
		sb_addstr(err, "--date needs seconds since 1970");
		return -1;
	}
	o->have_date = true;
	return 0;
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct send_opts *o)
{
	const struct option options[] = {
		OPT_INT('v', NULL, &o->version, 1, INT_MAX),
		OPT_CALLBACK_F(0, "to", &o->to, addr_cb, PARSE_OPT_NONEMPTY),
		OPT_CALLBACK_F(0, "cc", &o->cc, addr_cb, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "file", &o->file, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tree", &o->tree, PARSE_OPT_NONEMPTY),
		OPT_CALLBACK(0, "from", &o->from, from_cb),
		OPT_CALLBACK(0, "in-reply-to", &o->in_reply_to,
			     in_reply_to_cb),
		OPT_CALLBACK(0, "date", o, date_cb),
		OPT_STRING_F(0, "subject-prefix", &o->subject_prefix,
			     PARSE_OPT_NONEMPTY),
		OPT_STRING(0, "base", &o->base),
		OPT_STRING_F(0, "out", &o->out, PARSE_OPT_NONEMPTY),
		OPT_BOOL(0, "rfc", &o->rfc),
		OPT_BOOL(0, "upstream", &o->upstream),
		OPT_BOOL(0, "yes", &o->yes),
		OPT_BOOL(0, "no-maintainers", &o->no_maintainers),
		OPT_BOOL(0, "send", &o->send),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options,
				  PARSE_OPT_KEEP_DASHDASH, cmd_send_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0 && strcmp(argv[0], "--"))
		return usage_error(cmd_send_usage, "unknown argument '%s'",
				   argv[0]);
	if (n > 1) {
		o->gse_args = (const char *const *)argv + 1;
		o->nr_gse = n - 1;
	}
	if (o->nr_gse && !o->send)
		return usage_error(cmd_send_usage,
				   "options after -- are for git send-email: add --send");
	if (o->upstream && o->file)
		return usage_error(cmd_send_usage,
				   "--upstream and --file name two MAINTAINERS files: give one");
	if (o->yes && !o->upstream)
		return usage_error(cmd_send_usage,
				   "--yes confirms --upstream: add --upstream");
	return -1;
}

/* Everything send reads and makes, stage by stage. */
struct send_ctx {
	struct send_opts o;
	struct posting po;
	char *prefix;			/* "RFC PATCH" */
	char *base_setting, *pinned, *pinned_mm;
	const char *file;		/* the MAINTAINERS file, or NULL */
	char *own_maintainers;
	struct series s;
	struct patch **patches;
	char **texts;
	struct changelog cl;
	char *cover_subject, *cover_body;
	struct krepo kt;
	bool have_tree;
	struct maintainers *m;
	struct maint_list *lists, all;
	char *from, *sender_name, *sender_email;
	char *outdir, *mbox_path;
	struct addrs files;
	struct strbuf mbox;
};

/*
 * The base in the subject, whether upstream takes the series, and the
 * MAINTAINERS file that decides where it goes.
 */
static int choose_base_and_list(struct send_ctx *c)
{
	const struct send_opts *o = &c->o;
	struct strbuf err = STRBUF_INIT;

	c->pinned = pinned_version(&c->pinned_mm);
	if (o->base) {
		c->po.base = o->base;
	} else {
		int r = send_setting("subject-base", &c->base_setting, &err);

		if (r < 0) {
			error("%s", err.buf);
			sb_release(&err);
			return -1;
		}
		c->po.base = r == 0 ? c->base_setting : c->pinned_mm;
	}
	sb_release(&err);
	if (c->po.base && strpbrk(c->po.base, "[] \t")) {
		error("the base in the subject ('%s') cannot have blanks or brackets",
		      c->po.base);
		return -1;
	}
	if (o->upstream && !o->no_maintainers &&
	    is_stable_release(c->pinned) && !o->yes) {
		error("the base is Linux %s, a stable release: upstream has moved past %s, and upstream's lists (the kernel tree's MAINTAINERS) do not take a series for it. Mail the project's review list (the default), or add --yes to mail upstream anyway",
		      c->pinned, c->pinned_mm);
		return -1;
	}
	c->file = o->file;
	if (!o->upstream && !o->file && !o->no_maintainers) {
		c->own_maintainers = project_path("MAINTAINERS");
		if (!path_exists(c->own_maintainers)) {
			error("no %s: the project's review list is where a posting goes by default; write it, or use --file, --upstream or --no-maintainers with --to",
			      c->own_maintainers);
			return -1;
		}
		c->file = c->own_maintainers;
	}
	return 0;
}

/* The series: its patches, parsed and as text. */
static int load_posting(struct send_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (load_series(&c->s, NULL))
		return -1;
	if (!c->s.nr) {
		error("the series is empty: nothing to send");
		return -1;
	}
	c->patches = load_patches(&c->s);
	if (!c->patches)
		return -1;
	c->texts = xcalloc(c->s.nr, sizeof(*c->texts));
	for (i = 0; i < c->s.nr; i++) {
		char *p = series_patch_path(&c->s, i);

		sb_reset(&sb);
		if (read_file(p, &sb)) {
			error("cannot read %s: %s", p, strerror(errno));
			free(p);
			sb_release(&sb);
			return -1;
		}
		c->texts[i] = xstrdup(sb.buf);
		free(p);
	}
	sb_release(&sb);
	c->po.total = c->s.nr;
	return 0;
}

/* The version (-v, else the changelog's newest) and the cover letter. */
static int load_cover(struct send_ctx *c)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char *path = project_path("kernel-overlay/changelog");
	int ret = -1;

	if (!read_file(path, &sb) && changelog_parse(sb.buf, &c->cl, &err)) {
		error("%s: %s", path, err.buf);
		goto out;
	}
	c->po.version = c->o.version ? c->o.version :
				       changelog_latest(&c->cl);
	if (!c->po.version)
		c->po.version = 1;
	if (c->s.nr > 1) {
		free(path);
		path = project_path("kernel-overlay/cover-letter");
		sb_reset(&sb);
		if (read_file(path, &sb)) {
			error("no cover letter: write %s (first line: the subject; then a blank line and the text)",
			      path);
			goto out;
		}
		if (cover_file_parse(sb.buf, &c->cover_subject,
				     &c->cover_body, &err)) {
			error("%s: %s", path, err.buf);
			goto out;
		}
	}
	ret = 0;
out:
	free(path);
	sb_release(&sb);
	sb_release(&err);
	return ret;
}

/* The tree (MAINTAINERS, base commit, diffstat) and each patch's list. */
static int load_maintainers(struct send_ctx *c)
{
	const struct send_opts *o = &c->o;
	struct strbuf err = STRBUF_INIT;
	size_t i;

	if (!krepo_open_ext(&c->kt, o->tree, KREPO_MAIL, &err)) {
		c->have_tree = true;
	} else if (o->tree || (!o->no_maintainers && o->upstream)) {
		error("%s", err.buf);
		sb_release(&err);
		return -1;
	}
	sb_reset(&err);
	if (!o->no_maintainers) {
		char *mf = c->file ? xstrdup(c->file) :
			path_join(c->kt.dir, "MAINTAINERS");

		c->m = maintainers_load(mf, c->have_tree ? c->kt.dir : NULL,
					&err);
		free(mf);
		if (!c->m) {
			error("%s", err.buf);
			sb_release(&err);
			return -1;
		}
	}
	sb_release(&err);
	c->lists = xcalloc(c->s.nr, sizeof(*c->lists));
	for (i = 0; c->m && i < c->s.nr; i++) {
		maintainers_for_patch(c->m, c->texts[i], strlen(c->texts[i]),
				      c->have_tree ? krepo_commit_message : NULL,
				      &c->kt, &c->lists[i]);
		maint_list_union(&c->all, &c->lists[i]);
	}
	if (!c->all.nr && !o->to.nr && !o->cc.nr) {
		error("nobody to send the series to: no MAINTAINERS section matches; use --to");
		return -1;
	}
	return 0;
}

/* The sender, the date, and the seed of the Message-Ids. */
static void sender_and_date(struct send_ctx *c)
{
	const struct send_opts *o = &c->o;
	struct strbuf seed = STRBUF_INIT;
	size_t i;

	if (o->from) {
		const char *lt = strchr(o->from, '<');

		c->sender_email = lt ?
			xstrndup(lt + 1, strcspn(lt + 1, ">")) :
			xstrdup(o->from);
		c->from = xstrdup(o->from);
	} else {
		c->sender_name = project_git_config("user.name");
		c->sender_email = project_git_config("user.email");
		if (!c->sender_email) {
			free(c->sender_name);
			c->sender_name = xstrdup(c->patches[0]->author_name);
			c->sender_email = xstrdup(c->patches[0]->author_email);
		}
		c->from = mail_address(c->sender_name ? c->sender_name : "",
				       c->sender_email);
	}
	if (o->have_date) {
		c->po.date = o->date;
	} else {
		const char *sde = getenv("SOURCE_DATE_EPOCH");

		c->po.date = sde && *sde ? strtoll(sde, NULL, 10) :
			(int64_t)time(NULL);
	}
	c->po.from_email = c->sender_email;
	sb_addf(&seed, "v%d\n%s\n", c->po.version, c->po.prefix);
	if (c->po.base && *c->po.base)
		sb_addf(&seed, "%s\n", c->po.base);
	for (i = 0; i < c->s.nr; i++)
		sb_addstr(&seed, c->texts[i]);
	c->po.seed = sb_detach(&seed);
}

/* Mail @sb as file @path of the posting and in the mailbox (at @date). */
static int add_mail(struct send_ctx *c, const char *path,
		    const struct strbuf *sb, int64_t date)
{
	if (write_text(path, sb))
		return -1;
	addrs_add(&c->files, path);
	mail_mbox_append(&c->mbox, sb->buf, sb->len, date);
	return 0;
}

/* The cover letter, 0/N, to everybody. */
static int write_cover(struct send_ctx *c)
{
	struct addrs rto = { 0 }, rcc = { 0 };
	struct strbuf body = STRBUF_INIT, stat = STRBUF_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct posting *po = &c->po;
	char base[GIT_OID_HEXSZ + 1] = "";
	char *path;
	int ret;

	if (c->have_tree && c->kt.has_base)
		git_oid_tostr(base, sizeof(base), &c->kt.base);
	series_diffstat(&c->kt, c->patches, c->s.nr, &stat);
	cover_compose(&body, c->cover_body, &c->cl, po->version, c->patches,
		      c->s.nr, stat.buf, base);
	recipients(&c->all, &c->o.to, &c->o.cc, &rto, &rcc);
	compose(&sb, po, 0, c->from, po->date, 0, c->cover_subject, &rto,
		&rcc, NULL, body.buf);
	po->cover_id = mail_make_msgid(po->seed, 0, po->from_email, po->date);
	path = xasprintf("%s/0000-cover-letter.patch", c->outdir);
	ret = add_mail(c, path, &sb, po->date);
	if (!ret)
		printf("0/%zu %s\n  To: %zu, Cc: %zu\n", c->s.nr,
		       c->cover_subject, rto.nr, rcc.nr);
	free(path);
	addrs_release(&rto);
	addrs_release(&rcc);
	sb_release(&body);
	sb_release(&stat);
	sb_release(&sb);
	return ret;
}

/* Patch @i of the series, (@i + 1)/N, to its maintainers. */
static int write_patch_mail(struct send_ctx *c, size_t i)
{
	const struct patch *p = c->patches[i];
	struct addrs rto = { 0 }, rcc = { 0 };
	struct strbuf sb = STRBUF_INIT, mime = STRBUF_INIT;
	char *from_a = mail_address(p->author_name, p->author_email);
	const char *body;
	char *path, *name;
	int ret;

	split_patch_file(c->texts[i], &mime, &body);
	recipients(c->m ? &c->lists[i] : NULL, &c->o.to, &c->o.cc, &rto,
		   &rcc);
	compose(&sb, &c->po, i + 1, from_a, p->time, p->tz_minutes,
		p->subject, &rto, &rcc, mime.buf, body);
	name = patch_file_name(i + 1, p->subject);
	path = path_join(c->outdir, name);
	free(name);
	ret = add_mail(c, path, &sb, c->po.date + i + 1);
	if (!ret)
		printf("%zu/%zu %s\n  To: %zu, Cc: %zu\n", i + 1, c->s.nr,
		       p->subject, rto.nr, rcc.nr);
	free(path);
	addrs_release(&rto);
	addrs_release(&rcc);
	sb_release(&sb);
	sb_release(&mime);
	free(from_a);
	return ret;
}

/* Every mail into <out>/vN/ and <out>/vN.mbox. */
static int write_mails(struct send_ctx *c)
{
	const char *out = c->o.out;
	int v = c->po.version;
	size_t i;

	c->outdir = out ? xasprintf("%s/v%d", out, v) :
		xasprintf("%s/send/v%d", out_dir(), v);
	c->mbox_path = out ? xasprintf("%s/v%d.mbox", out, v) :
		xasprintf("%s/send/v%d.mbox", out_dir(), v);
	remove_tree(c->outdir);
	if (mkdir_p(c->outdir, 0755)) {
		error("cannot create %s: %s", c->outdir, strerror(errno));
		return -1;
	}
	if (c->s.nr > 1 && write_cover(c))
		return -1;
	for (i = 0; i < c->s.nr; i++)
		if (write_patch_mail(c, i))
			return -1;
	if (write_text(c->mbox_path, &c->mbox))
		return -1;
	printf("wrote %zu mail%s of v%d to %s\n", c->files.nr,
	       c->files.nr == 1 ? "" : "s", v, c->mbox_path);
	return 0;
}

/* git send-email of the mails written, with the options after "--". */
static int send_mails(struct send_ctx *c)
{
	const struct send_opts *o = &c->o;
	char *confirm = project_git_config("sendemail.confirm");
	char *from_arg = NULL;
	const char **args;
	size_t na = 0, i;
	int st;

	args = xcalloc(c->files.nr + o->nr_gse + 8, sizeof(*args));
	args[na++] = "git";
	args[na++] = "send-email";
	/* kseries has shown what goes out; ask only if configured */
	if (!confirm)
		args[na++] = "--confirm=never";
	if (o->from) {
		from_arg = xasprintf("--from=%s", o->from);
		args[na++] = from_arg;
	}
	for (i = 0; i < o->nr_gse; i++)
		args[na++] = o->gse_args[i];
	for (i = 0; i < c->files.nr; i++)
		args[na++] = c->files.v[i];
	note("sending %zu mails with git send-email", c->files.nr);
	st = run_cmd(args, &(struct run_opts){ .dir = project_dir() });
	free(confirm);
	free(from_arg);
	free(args);
	if (st) {
		error("git send-email failed (status %d); the mails are in %s",
		      st, c->outdir);
		return -1;
	}
	return 0;
}

static void send_ctx_release(struct send_ctx *c)
{
	size_t i;

	for (i = 0; c->lists && i < c->s.nr; i++)
		maint_list_release(&c->lists[i]);
	free(c->lists);
	maint_list_release(&c->all);
	maintainers_free(c->m);
	for (i = 0; c->texts && i < c->s.nr; i++)
		free(c->texts[i]);
	free(c->texts);
	if (c->patches)
		free_patches(c->patches, c->s.nr);
	series_release(&c->s);
	changelog_release(&c->cl);
	if (c->have_tree)
		krepo_close(&c->kt);
	addrs_release(&c->o.to);
	addrs_release(&c->o.cc);
	addrs_release(&c->files);
	sb_release(&c->mbox);
	free(c->o.in_reply_to);
	free(c->po.seed);
	free(c->po.cover_id);
	free(c->outdir);
	free(c->mbox_path);
	free(c->cover_subject);
	free(c->cover_body);
	free(c->from);
	free(c->sender_name);
	free(c->sender_email);
	free(c->prefix);
	free(c->base_setting);
	free(c->pinned);
	free(c->pinned_mm);
	free(c->own_maintainers);
}

int cmd_send(int argc, char **argv)
{
	struct send_ctx c = {
		.o = { .subject_prefix = "PATCH" }, .mbox = STRBUF_INIT,
	};
	int ret;

	ret = parse_args(argc, argv, &c.o);
	if (ret >= 0)
		goto out;
	ret = 2;
	c.po.in_reply_to = c.o.in_reply_to;
	c.po.prefix = c.o.subject_prefix;
	if (c.o.rfc) {
		c.prefix = xasprintf("RFC %s", c.o.subject_prefix);
		c.po.prefix = c.prefix;
	}
	if (choose_base_and_list(&c) || load_posting(&c) || load_cover(&c) ||
	    load_maintainers(&c))
		goto out;
	sender_and_date(&c);
	if (write_mails(&c))
		goto out;
	if (c.o.send && send_mails(&c))
		goto out;
	ret = 0;
out:
	send_ctx_release(&c);
	return ret;
}
