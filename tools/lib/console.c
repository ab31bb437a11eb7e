// SPDX-License-Identifier: GPL-2.0
#include "console.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const kind_names[CK_NR] = {
	[CK_NONE] = "none",
	[CK_HANG] = "hang",
	[CK_WARN] = "warn",
	[CK_UBSAN] = "ubsan",
	[CK_LOCKDEP] = "lockdep",
	[CK_KASAN] = "kasan",
	[CK_OOPS] = "oops",
	[CK_BUG] = "bug",
	[CK_PANIC] = "panic",
};

const char *console_kind_name(enum console_kind kind)
{
	return kind < CK_NR ? kind_names[kind] : "?";
}

/* Skip "[   12.345678] " and "<4>" prefixes. */
static const char *skip_stamp(const char *p)
{
	while (*p == ' ')
		p++;
	if (p[0] == '<' && isdigit((unsigned char)p[1]) && p[2] == '>')
		p += 3;
	if (*p == '[') {
		const char *q = p + 1;

		while (*q == ' ' || *q == '.' || isdigit((unsigned char)*q))
			q++;
		if (*q == ']') {
			p = q + 1;
			while (*p == ' ')
				p++;
		}
	}
	return p;
}

/* "Oops: 0002 [#1]", "invalid opcode: 0000 [#1]", "...fault, ...: 0000 [#1]" */
static bool is_oops(const char *p)
{
	const char *h = strstr(p, " [#");
	int i;

	if (starts_with(p, "Oops: ") || starts_with(p, "Oops#"))
		return true;
	if (!h || h - p < 6 || !isdigit((unsigned char)h[3]))
		return false;
	for (i = 1; i <= 4; i++)
		if (!isxdigit((unsigned char)h[-i]))
			return false;
	return h[-5] == ' ' && h[-6] == ':';
}

static bool is_lockdep(const char *p)
{
	static const char *const what[] = {
		"recursive locking", "inconsistent lock state",
		"circular locking", "lock inversion", "suspicious RCU usage",
		"unlock balance", "held lock freed", "lock held when",
		"lockdep", "locking correctness", "nested lock",
	};
	size_t i;

	if (!starts_with(p, "WARNING: ") && !starts_with(p, "INFO: ") &&
	    !starts_with(p, "BUG: "))
		return false;
	for (i = 0; i < ARRAY_SIZE(what); i++)
		if (strstr(p, what[i]))
			return true;
	return false;
}

static enum console_kind classify(const char *p)
{
	if (starts_with(p, "Kernel panic - not syncing"))
		return CK_PANIC;
	if (is_lockdep(p))
		return CK_LOCKDEP;
	if (starts_with(p, "BUG: KASAN: "))
		return CK_KASAN;
	if (starts_with(p, "kernel BUG at ") || starts_with(p, "BUG: "))
		return CK_BUG;
	if (is_oops(p))
		return CK_OOPS;
	if (starts_with(p, "WARNING: CPU:") || starts_with(p, "WARNING: at "))
		return CK_WARN;
	if (starts_with(p, "UBSAN: "))
		return CK_UBSAN;
	if ((starts_with(p, "INFO: task ") &&
	     strstr(p, "blocked for more than")) ||
	    (starts_with(p, "INFO: ") && strstr(p, "detected stall")) ||
	    (starts_with(p, "INFO: ") && strstr(p, "self-detected stall")))
		return CK_HANG;
	return CK_NONE;
}

enum console_kind console_classify_line(const char *line)
{
	const char *p = skip_stamp(line), *q = p;
	enum console_kind k = classify(p);

	if (k != CK_NONE)
		return k;
	/* A facility prefix: "watchdog: BUG: soft lockup", "rcu: INFO:" */
	while (islower((unsigned char)*q) || isdigit((unsigned char)*q) ||
	       *q == '_')
		q++;
	if (q > p && q[0] == ':' && q[1] == ' ')
		return classify(q + 2);
	return CK_NONE;
}

static void add_line(struct strbuf *sb, const char *p, size_t len)
{
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	sb_add(sb, p, len);
	sb_addch(sb, '\n');
}

void console_scan(const char *text, size_t len, unsigned int context,
		  size_t max, struct console_report *r)
{
	const char *p = text, *end = text + len;
	struct console_evidence *cur = NULL;
	struct strbuf quote = STRBUF_INIT;
	unsigned int no = 0, until = 0;
	char *test = NULL;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);
		const char *s = skip_stamp(line), *rest;
		enum console_kind k;

		no++;
		p = nl ? nl + 1 : end;
		if (skip_prefix(s, "ks: ===== begin ", &rest)) {
			free(test);
			test = xstrndup(rest, strcspn(rest, " \r"));
		} else if (starts_with(s, "ks: ===== end ")) {
			free(test);
			test = NULL;
		}
		k = console_classify_line(line);
		if (k != CK_NONE) {
			r->counts[k]++;
			if (k > r->worst)
				r->worst = k;
		}
		if (cur && no <= until) {
			/* Inside the open block: quote, maybe extend. */
			add_line(&quote, line, n);
			if (k != CK_NONE) {
				if (k > cur->kind)
					cur->kind = k;
				until = no + context;
			}
		} else if (k != CK_NONE && r->nr < max) {
			if (cur)
				cur->text = sb_detach(&quote);
			ALLOC_GROW(r->ev, r->nr + 1, r->alloc);
			cur = &r->ev[r->nr++];
			memset(cur, 0, sizeof(*cur));
			cur->kind = k;
			cur->line = no;
			cur->test = test ? xstrdup(test) : NULL;
			sb_reset(&quote);
			add_line(&quote, line, n);
			until = no + context;
		}
		free(line);
	}
	if (cur)
		cur->text = sb_detach(&quote);
	sb_release(&quote);
	free(test);
	r->lines = no;
}

void console_report_release(struct console_report *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->ev[i].test);
		free(r->ev[i].text);
	}
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

char *console_test_output(const char *text, const char *test,
			  unsigned int max_lines)
{
	const char *p = text, *start = NULL, *stop = NULL, *s, *rest;
	char *begin = xasprintf("ks: ===== begin %s", test);
	char *endm = xasprintf("ks: ===== end %s ", test);
	struct strbuf sb = STRBUF_INIT;
	const char **ring;
	unsigned int n = 0, i;

	/* The last run of the test in the log. */
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));

		s = skip_stamp(line);
		if (skip_prefix(s, begin, &rest) &&
		    (!*rest || *rest == '\r' || *rest == ' ')) {
			start = nl ? nl + 1 : p + strlen(p);
			stop = NULL;
		} else if (start && !stop && starts_with(s, endm)) {
			stop = p;
		}
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	free(begin);
	free(endm);
	if (!start)
		return NULL;
	if (!stop)
		stop = start + strlen(start);
	if (start == stop)
		return xstrdup("");
	ring = xcalloc(max_lines + 1, sizeof(*ring));
	for (p = start; p < stop; ) {
		const char *nl = memchr(p, '\n', stop - p);
		char *line = xstrndup(p, nl ? (size_t)(nl - p) :
				      (size_t)(stop - p));
		bool report = console_classify_line(line) != CK_NONE;

		free(line);
		/* The test's own words end where a kernel report starts. */
		if (report)
			break;
		ring[n++ % (max_lines + 1)] = p;
		p = nl ? nl + 1 : stop;
	}
	for (i = n > max_lines ? n - max_lines : 0; i < n; i++) {
		const char *l = ring[i % (max_lines + 1)];
		const char *nl = memchr(l, '\n', stop - l);

		add_line(&sb, l, nl ? (size_t)(nl - l) : (size_t)(stop - l));
	}
	free(ring);
	return sb_detach(&sb);
}
