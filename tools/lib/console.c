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

/* Frames of the reporting machinery, not of the code that erred. */
static bool reporting_frame(const char *f)
{
	static const char *const prefixes[] = {
		"dump_stack", "show_stack", "print_address_description",
		"print_report", "kasan_", "__kasan_", "check_memory_region",
		"__asan_", "asan_", "__ubsan_handle_", "ubsan_", "__warn",
		"warn_slowpath", "report_bug", "handle_bug", "exc_invalid_op",
		"asm_exc_invalid_op", "lockdep_rcu_suspicious", "print_",
		"check_noncircular", "check_prev_add", "check_prevs_add",
		"validate_chain", "__lock_acquire", "lock_acquire",
		"___might_sleep", "__might_sleep", "debug_print_object",
		"__list_add_valid", "__list_del_entry_valid", "panic",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(f, prefixes[i]))
			return true;
	return false;
}

/* @s without the numbers that change from run to run and build to build. */
static void add_normalised(struct strbuf *sb, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *w = s;
		size_t wl;

		while (w < end && *w != ' ')
			w++;
		wl = w - s;
		if (!wl) {
			s++;
			continue;
		}
		/* "f+0x1a2/0x2c0" -> "f"; "x.c:2215:21" -> "x.c" */
		{
			const char *plus = memchr(s, '+', wl);
			const char *colon = memchr(s, ':', wl);

			if (plus && plus + 3 < w && plus[1] == '0' &&
			    plus[2] == 'x')
				wl = plus - s;
			else if (colon && colon > s && colon + 1 < w &&
				 isdigit((unsigned char)colon[1]))
				wl = colon - s;
		}
		/* Numbers, addresses, "[#1]" and "pid/123" go. */
		if (!isdigit((unsigned char)*s) && !starts_with(s, "0x") &&
		    !(wl >= 12 && strspn(s, "0123456789abcdef") >= wl) &&
		    *s != '[') {
			const char *slash = memchr(s, '/', wl);

			if (slash && isdigit((unsigned char)slash[1]) &&
			    strspn(slash + 1, "0123456789") == (size_t)(w - slash - 1))
				wl = slash - s;
			if (sb->len && sb->buf[sb->len - 1] != ' ')
				sb_addch(sb, ' ');
			sb_add(sb, s, wl);
		}
		s = w;
	}
}

/* Add the frame at @s to @sb, the @nr-th: " [f" or " < f". */
static void add_frame(struct strbuf *sb, const char *s, unsigned int *nr)
{
	sb_addstr(sb, *nr ? " < " : " [");
	sb_add(sb, s, strcspn(s, "+ "));
	(*nr)++;
}

char *console_signature(enum console_kind kind, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct strbuf sb = STRBUF_INIT, guessed = STRBUF_INIT;
	bool first = true, trace = false;
	unsigned int frames = 0, nr_guessed = 0, lines = 0;

	sb_addf(&sb, "%s:", console_kind_name(kind));
	while (p < end && lines++ < 80 && frames < 3) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);
		const char *s = skip_stamp(line);

		p = nl ? nl + 1 : end;
		while (*s == ' ' || *s == '\t')
			s++;
		if (first) {
			sb_addch(&sb, ' ');
			add_normalised(&sb, s, strlen(s));
			first = false;
		} else if (starts_with(s, "Call Trace:")) {
			trace = true;
		} else if (trace && (starts_with(s, "---[ end trace") ||
				     starts_with(s, "=====") ||
				     starts_with(s, "RIP: ") || !*s)) {
			free(line);
			break;
		} else if (trace && *s != '<' && strstr(s, "+0x")) {
			/*
			 * "? f+0x1/0x2": a frame the unwinder guessed (all
			 * of them without frame pointers or ORC); used only
			 * when the trace has no reliable one.
			 */
			bool guess = *s == '?';

			if (guess)
				s += strspn(s, "? ");
			if (reporting_frame(s))
				;
			else if (!guess)
				add_frame(&sb, s, &frames);
			else if (nr_guessed < 3)
				add_frame(&guessed, s, &nr_guessed);
		}
		free(line);
	}
	if (!frames && nr_guessed) {
		sb_addstr(&sb, guessed.buf);
		frames = nr_guessed;
	}
	if (frames)
		sb_addch(&sb, ']');
	sb_release(&guessed);
	return sb_detach(&sb);
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
		const char *s = skip_stamp(line), *rest, *start = p;
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
			cur->sig = console_signature(k, start, end - start);
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
		free(r->ev[i].sig);
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
