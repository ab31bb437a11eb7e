// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of kseries lint that are not checkpatch.pl's.
 */
#include "lint.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diffstat.h"
#include "patch.h"

static const char *const check_names[] = {
	[LINT_CHECKPATCH] = "checkpatch",
	[LINT_MALFORMED] = "malformed",
	[LINT_FROM_SIGNOFF] = "from-signoff",
	[LINT_SUBJECT_PREFIX] = "subject-prefix",
	[LINT_SUBJECT_PERIOD] = "subject-period",
	[LINT_FIXES] = "fixes",
	[LINT_FIXES_MISSING] = "fixes-missing",
	[LINT_DUPLICATE_SUBJECT] = "duplicate-subject",
	[LINT_SERIES_MISSING] = "series-missing",
	[LINT_SERIES_ORPHAN] = "series-orphan",
	[LINT_DIFFSTAT] = "diffstat",
};

const char *lint_check_name(enum lint_check c)
{
	return c < ARRAY_SIZE(check_names) ? check_names[c] : "?";
}

static void add_finding(struct lint_report *r, enum lint_check c,
			const char *patch, int line, bool warning,
			const char *fmt, va_list ap)
{
	struct lint_finding *f;
	struct strbuf sb = STRBUF_INIT;

	sb_vaddf(&sb, fmt, ap);
	ALLOC_GROW(r->v, r->nr + 1, r->alloc);
	f = &r->v[r->nr++];
	f->check = c;
	f->patch = patch ? xstrdup(patch) : NULL;
	f->line = line;
	f->msg = sb_detach(&sb);
	f->warning = warning;
}

void lint_add(struct lint_report *r, enum lint_check c, const char *patch,
	      int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(r, c, patch, line, false, fmt, ap);
	va_end(ap);
}

void lint_warn(struct lint_report *r, enum lint_check c, const char *patch,
	       int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(r, c, patch, line, true, fmt, ap);
	va_end(ap);
}

static bool finding_of(const struct lint_finding *f, const char *patch)
{
	return (!patch && !f->patch) ||
	       (patch && f->patch && !strcmp(patch, f->patch));
}

size_t lint_count_warnings(const struct lint_report *r, const char *patch)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr; i++)
		if (r->v[i].warning && finding_of(&r->v[i], patch))
			n++;
	return n;
}

size_t lint_problems(const struct lint_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr; i++)
		n += !r->v[i].warning;
	return n;
}

size_t lint_count(const struct lint_report *r, const char *patch)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr; i++)
		if ((!patch && !r->v[i].patch) ||
		    (patch && r->v[i].patch && !strcmp(patch, r->v[i].patch)))
			n++;
	return n;
}

void lint_report_release(struct lint_report *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->v[i].patch);
		free(r->v[i].msg);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- upstream commits --------------------------------------------- */

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return false;
	return n > 0;
}

int upstream_commits_parse(const char *text, struct upstream_commits *uc,
			   struct strbuf *err)
{
	const char *p = text;
	int no = 0;

	memset(uc, 0, sizeof(*uc));
	while (p && *p) {
		const char *nl = strchrnul(p, '\n'), *sp;
		const char *s = p, *e = nl;

		no++;
		p = *nl ? nl + 1 : NULL;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		sp = memchr(s, ' ', e - s);
		if (!sp || sp - s < 12 || sp - s > 40 || !all_hex(s, sp - s)) {
			sb_addf(err, "line %d: want '<commit id, 12 to 40 hex digits> <subject>'",
				no);
			upstream_commits_release(uc);
			return -1;
		}
		ALLOC_GROW(uc->v, uc->nr + 1, uc->alloc);
		uc->v[uc->nr].id = xstrndup(s, sp - s);
		while (sp < e && *sp == ' ')
			sp++;
		uc->v[uc->nr].subject = xstrndup(sp, e - sp);
		uc->nr++;
	}
	return 0;
}

void upstream_commits_release(struct upstream_commits *uc)
{
	size_t i;

	for (i = 0; i < uc->nr; i++) {
		free(uc->v[i].id);
		free(uc->v[i].subject);
	}
	free(uc->v);
	memset(uc, 0, sizeof(*uc));
}

/* ---- one patch ---------------------------------------------------- */

/* The 1-based number of the first line of @text equal to @line, or 0. */
static int line_of(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;
	int no = 1;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n');

		if ((size_t)(nl - p) == n && !strncmp(p, line, n))
			return no;
		no++;
		p = *nl ? nl + 1 : NULL;
	}
	return 0;
}

/* The line of the first header line starting with @prefix, or 0. */
static int header_line(const char *text, const char *prefix)
{
	const char *p = text;
	int no = 1;

	while (p && *p && *p != '\n') {
		const char *nl = strchrnul(p, '\n');

		if (!strncasecmp(p, prefix, strlen(prefix)))
			return no;
		no++;
		p = *nl ? nl + 1 : NULL;
	}
	return 0;
}

/* "token: " with a token of [A-Za-z0-9_./+,-], then more text */
static bool has_subsystem_prefix(const char *s)
{
	const char *p = s;

	if (starts_with(s, "Revert \""))
		p = s = s + 8;
	while (*p && (isalnum((unsigned char)*p) || strchr("_./+,-", *p)))
		p++;
	if (p == s || p[0] != ':' || p[1] != ' ')
		return false;
	p += 2;
	while (*p == ' ')
		p++;
	return *p && *p != '"';
}

static void parse_person(const char *s, char **name, char **email)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	const char *e;

	if (!lt || !gt) {
		*name = xstrdup("");
		*email = xstrdup(s);
		return;
	}
	*email = xstrndup(lt + 1, gt - lt - 1);
	for (e = lt; e > s && isspace((unsigned char)e[-1]); e--)
		;
	while (s < e && isspace((unsigned char)*s))
		s++;
	if (e - s >= 2 && *s == '"' && e[-1] == '"') {
		s++;
		e--;
	}
	*name = xstrndup(s, e - s);
}

static void check_signoff(struct lint_report *r, const char *name,
			  const char *text, const struct patch *p)
{
	const char *b = p->body, *last = NULL;
	char *sob, *n, *e;

	while (b && *b) {
		const char *nl = strchrnul(b, '\n');

		if (starts_with(b, "Signed-off-by:"))
			last = b;
		b = *nl ? nl + 1 : NULL;
	}
	if (!last) {
		lint_add(r, LINT_FROM_SIGNOFF, name, header_line(text, "From:"),
			 "no Signed-off-by: the author %s <%s> must sign off last",
			 p->author_name, p->author_email);
		return;
	}
	sob = xstrndup(last, strchrnul(last, '\n') - last);
	parse_person(sob + strlen("Signed-off-by:"), &n, &e);
	if (strcasecmp(e, p->author_email) || strcmp(n, p->author_name))
		lint_add(r, LINT_FROM_SIGNOFF, name, line_of(text, sob),
			 "the last Signed-off-by is %s <%s>, but the patch is From: %s <%s>",
			 n, e, p->author_name, p->author_email);
	free(n);
	free(e);
	free(sob);
}

static void check_subject(struct lint_report *r, const char *name,
			  const char *text, const struct patch *p)
{
	const char *s = p->subject;
	size_t n = strlen(s);
	int line = header_line(text, "Subject:");

	if (!has_subsystem_prefix(s))
		lint_add(r, LINT_SUBJECT_PREFIX, name, line,
			 "the subject '%s' has no subsystem prefix (such as 'KVM: x86/xen: ')",
			 s);
	if (n && s[n - 1] == '.' && !(n >= 3 && !strcmp(s + n - 3, "...")))
		lint_add(r, LINT_SUBJECT_PERIOD, name, line,
			 "the subject ends with a period: '%s'", s);
}

/* Resolve a Fixes: id: 0 found, 1 unknown, 2 ambiguous. */
static int resolve(const struct lint_ctx *ctx, const char *id,
		   char **full, char **subject)
{
	size_t i, hits = 0, n = strlen(id);
	char buf[41];
	int ret = 1;

	if (ctx->commit) {
		ret = ctx->commit(ctx->data, id, buf, subject);
		if (!ret) {
			*full = xstrdup(buf);
			return 0;
		}
	}
	for (i = 0; ctx->upstream && i < ctx->upstream->nr; i++) {
		const struct upstream_commit *u = &ctx->upstream->v[i];
		size_t m = strlen(u->id);

		if (strncmp(u->id, id, n < m ? n : m))
			continue;
		if (!hits++) {
			*full = xstrdup(u->id);
			*subject = xstrdup(u->subject);
		}
	}
	if (hits == 1)
		return 0;
	if (hits > 1) {
		free(*full);
		free(*subject);
		*full = *subject = NULL;
		return 2;
	}
	return ret;
}

static void check_fixes(struct lint_report *r, const struct lint_ctx *ctx,
			const char *name, const char *text,
			const struct patch *p)
{
	const char *b = p->body;

	while (b && *b) {
		const char *nl = strchrnul(b, '\n'), *s, *id, *q;
		char *line = xstrndup(b, nl - b), *tid, *tsub;
		char *full = NULL, *subject = NULL;
		int no, res;
		size_t idn;

		b = *nl ? nl + 1 : NULL;
		if (strncasecmp(line, "Fixes:", 6)) {
			free(line);
			continue;
		}
		no = line_of(text, line);
		s = line + 6;
		id = *s ? s + 1 : s;
		for (q = id; isxdigit((unsigned char)*q); q++)
			;
		idn = q - id;
		if (strncmp(line, "Fixes:", 6) || *s != ' ' || idn < 4 ||
		    strncmp(q, " (\"", 3) || strlen(q + 3) < 2 ||
		    !ends_with(line, "\")")) {
			lint_add(r, LINT_FIXES, name, no,
				 "malformed tag '%s': write Fixes: <12 hex digits> (\"<subject>\")",
				 line);
			free(line);
			continue;
		}
		tid = xstrndup(id, idn);
		tsub = xstrndup(q + 3, strlen(q + 3) - 2);
		res = resolve(ctx, tid, &full, &subject);
		if (res == 2)
			lint_add(r, LINT_FIXES, name, no,
				 "Fixes: %s is ambiguous; give more digits to tell the commits apart",
				 tid);
		else if (res)
			lint_add(r, LINT_FIXES, name, no,
				 "Fixes: %s is neither a commit of the kernel tree nor listed in kernel-overlay/upstream-commits",
				 tid);
		else if (idn != 12 || strncmp(tid, full, 12))
			lint_add(r, LINT_FIXES, name, no,
				 "Fixes: %s has %zu digits; use the 12-digit abbreviation: Fixes: %.12s (\"%s\")",
				 tid, idn, full, subject);
		else if (strcmp(tsub, subject))
			lint_add(r, LINT_FIXES, name, no,
				 "Fixes: %s is (\"%s\"), not (\"%s\")", tid,
				 subject, tsub);
		free(full);
		free(subject);
		free(tid);
		free(tsub);
		free(line);
	}
}

/* Whether @s has @word as a whole word, in any case. */
static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = s; (p = strcasestr(p, word)); p++) {
		bool start = p == s || !isalnum((unsigned char)p[-1]);
		bool end = !isalnum((unsigned char)p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/* Whether @s has @phrase, in any case, with runs of blanks as one space. */
static bool has_phrase(const char *s, const char *phrase)
{
	struct strbuf sb = STRBUF_INIT;
	bool found, blank = false;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			blank = true;
			continue;
		}
		if (blank && sb.len)
			sb_addch(&sb, ' ');
		blank = false;
		sb_addch(&sb, *s);
	}
	found = sb.len && strcasestr(sb.buf, phrase);
	sb_release(&sb);
	return found;
}

bool lint_says_fix(const char *subject, const char *body)
{
	static const char *const body_says[] = {
		"this fixes", "this patch fixes", "fixes a bug",
		"fixes the bug",
	};
	bool says = false;
	size_t i;

	if (!body)
		body = "";
	if (subject && (has_word(subject, "fix") ||
			has_word(subject, "fixes") ||
			has_word(subject, "fixed")))
		says = true;
	for (i = 0; !says && i < ARRAY_SIZE(body_says); i++)
		says = has_phrase(body, body_says[i]);
	if (!says)
		return false;
	if (subject && has_word(subject, "typo"))
		return false;
	return !has_phrase(body, "no functional change") &&
	       !has_phrase(body, "no fixes: tag");
}

static void check_fixes_missing(struct lint_report *r, const char *name,
				const char *text, const struct patch *p)
{
	const char *b = p->body;

	if (!lint_says_fix(p->subject, b))
		return;
	while (b && *b) {
		if (!strncmp(b, "Fixes:", 6))
			return;
		b = strchr(b, '\n');
		if (b)
			b++;
	}
	lint_warn(r, LINT_FIXES_MISSING, name, header_line(text, "Subject:"),
		  "the patch says it fixes something but has no Fixes: tag; name the commit it fixes, or say \"No Fixes: tag\" and why");
}

void lint_patch(struct lint_report *r, const struct lint_ctx *ctx,
		const char *name, const char *text, size_t len)
{
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;
	struct diffstat ds = { 0 };
	struct patch p;
	char *copy = xstrndup(text, len);

	if (patch_parse(&p, name, text, len, &err)) {
		lint_add(r, LINT_MALFORMED, name, 0, "%s", err.buf);
		goto out;
	}
	check_signoff(r, name, copy, &p);
	check_subject(r, name, copy, &p);
	check_fixes(r, ctx, name, copy, &p);
	check_fixes_missing(r, name, copy, &p);
	diffstat_from_patch(&ds, &p);
	if (diffstat_check(copy, &ds, &why))
		lint_add(r, LINT_DIFFSTAT, name, line_of(copy, "---"),
			 "%s", why.buf);
	diffstat_release(&ds);
	patch_release(&p);
out:
	free(copy);
	sb_release(&err);
	sb_release(&why);
}

void lint_duplicates(struct lint_report *r, char *const *names,
		     char *const *subjects, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; subjects[i] && j < i; j++) {
			if (!subjects[j] || strcmp(subjects[i], subjects[j]))
				continue;
			lint_add(r, LINT_DUPLICATE_SUBJECT, names[i], 0,
				 "the subject '%s' is also the subject of %s",
				 subjects[i], names[j]);
			break;
		}
	}
}

/* ---- the series file and patches/ --------------------------------- */

static void list_files(const char *dir, const char *rel, char ***v,
		       size_t *nr, size_t *alloc)
{
	char *path = rel ? path_join(dir, rel) : xstrdup(dir);
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d) {
		free(path);
		return;
	}
	while ((de = readdir(d))) {
		char *r2, *full;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		r2 = rel ? xasprintf("%s/%s", rel, de->d_name) :
			xstrdup(de->d_name);
		full = path_join(dir, r2);
		if (!stat(full, &st) && S_ISDIR(st.st_mode)) {
			list_files(dir, r2, v, nr, alloc);
			free(r2);
		} else {
			ALLOC_GROW(*v, *nr + 1, *alloc);
			(*v)[(*nr)++] = r2;
		}
		free(full);
	}
	closedir(d);
	free(path);
}

void lint_series_files(struct lint_report *r, const struct series *s)
{
	char **files = NULL;
	size_t nr = 0, alloc = 0, i, j;

	for (i = 0; i < s->nr; i++) {
		char *path = series_patch_path(s, i);

		if (!path_exists(path))
			lint_add(r, LINT_SERIES_MISSING, NULL,
				 s->entries[i].line_no,
				 "the series lists %s, which is not in patches/",
				 s->entries[i].name);
		free(path);
	}
	list_files(s->dir, NULL, &files, &nr, &alloc);
	if (nr)
		qsort(files, nr, sizeof(*files), cmp_strp);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < s->nr; j++)
			if (!strcmp(files[i], s->entries[j].name))
				break;
		if (j == s->nr)
			lint_add(r, LINT_SERIES_ORPHAN, NULL, 0,
				 "patches/%s is not in the series", files[i]);
		free(files[i]);
	}
	free(files);
}

size_t lint_checkpatch_output(struct lint_report *r, const char *output,
			      char *const *paths, char *const *names,
			      size_t n)
{
	const char *p = output;
	size_t found = 0, i;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n'), *rest;
		char *line = xstrndup(p, nl - p);
		int no = 0;

		p = *nl ? nl + 1 : NULL;
		for (i = 0; i < n; i++) {
			size_t pl = strlen(paths[i]);

			if (strncmp(line, paths[i], pl) || line[pl] != ':')
				continue;
			rest = line + pl + 1;
			while (isdigit((unsigned char)*rest))
				no = no * 10 + (*rest++ - '0');
			if (*rest == ':')
				rest++;
			while (*rest == ' ')
				rest++;
			lint_add(r, LINT_CHECKPATCH, names[i], no, "%s", rest);
			found++;
			break;
		}
		free(line);
	}
	return found;
}
