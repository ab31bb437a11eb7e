// SPDX-License-Identifier: GPL-2.0
#include "tap.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const status_names[] = {
	[TS_NOTRUN] = "NOTRUN",
	[TS_PASS] = "PASS",
	[TS_SKIP] = "SKIP",
	[TS_FAIL] = "FAIL",
	[TS_TIMEOUT] = "TIMEOUT",
	[TS_XFAIL] = "XFAIL",
	[TS_XPASS] = "XPASS",
	[TS_CRASH] = "CRASH",
};

const char *test_status_name(enum test_status s)
{
	return s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

bool test_status_failed(enum test_status s)
{
	return s == TS_FAIL || s == TS_TIMEOUT || s == TS_CRASH ||
	       s == TS_NOTRUN;
}

void test_result_release(struct test_result *t)
{
	free(t->name);
	free(t->reason);
	free(t->output);
	memset(t, 0, sizeof(*t));
}

bool tap_parse_result(const char *line, struct test_result *out)
{
	const char *p = line, *name, *hash;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->rc = -1;
	out->secs = -1;
	out->host_secs = -1;
	if (skip_prefix(p, "ok ", &p))
		ok = true;
	else if (skip_prefix(p, "not ok ", &p))
		ok = false;
	else
		return false;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	if (p[0] == '-' && p[1] == ' ')
		p += 2;
	name = p;
	hash = strstr(p, " #");
	{
		const char *e = hash ? hash : p + strlen(p);

		while (e > name && (e[-1] == ' ' || e[-1] == '\r'))
			e--;
		out->name = xstrndup(name, e - name);
	}
	out->status = ok ? TS_PASS : TS_FAIL;
	if (hash) {
		char *dir = xstrdup(hash + 2), *tok, *save = NULL;

		for (tok = strtok_r(dir, " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save)) {
			if (!strcasecmp(tok, "SKIP") && ok)
				out->status = TS_SKIP;
			else if (!strcasecmp(tok, "TIMEOUT") && !ok)
				out->status = TS_TIMEOUT;
			else if (!strcasecmp(tok, "TODO"))
				out->status = ok ? TS_XPASS : TS_XFAIL;
			else if (!strncmp(tok, "rc=", 3))
				out->rc = atoi(tok + 3);
			else if (!strncmp(tok, "time=", 5))
				out->secs = strtod(tok + 5, NULL) / 1000.0;
			else if (!strcmp(tok, "missing") && !ok)
				out->reason = xstrdup("not in the initramfs");
		}
		free(dir);
	}
	if (ok && out->rc < 0)
		out->rc = out->status == TS_SKIP ? 4 : 0;
	return true;
}

void tap_run_init(struct tap_run *run)
{
	memset(run, 0, sizeof(*run));
	run->planned = -1;
}

void tap_run_release(struct tap_run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		test_result_release(&run->tests[i]);
	free(run->tests);
	free(run->kernel);
	free(run->guest_cmdline);
	sb_release(&run->partial);
	tap_run_init(run);
}

struct test_result *tap_feed_line(struct tap_run *run, const char *line)
{
	struct test_result t;
	const char *rest;

	if (starts_with(line, "TAP version")) {
		run->header = true;
		return NULL;
	}
	if (starts_with(line, "# ks: done")) {
		run->done = true;
		return NULL;
	}
	if (skip_prefix(line, "# ks: kernel ", &rest)) {
		size_t n = strcspn(rest, " \r\n");

		free(run->kernel);
		free(run->guest_cmdline);
		run->kernel = xstrndup(rest, n);
		rest += n;
		while (*rest == ' ')
			rest++;
		run->guest_cmdline = xstrndup(rest, strcspn(rest, "\r\n"));
		return NULL;
	}
	if (starts_with(line, "1..") && isdigit((unsigned char)line[3])) {
		run->planned = atol(line + 3);
		return NULL;
	}
	if (!tap_parse_result(line, &t))
		return NULL;
	ALLOC_GROW(run->tests, run->nr + 1, run->alloc);
	run->tests[run->nr] = t;
	return &run->tests[run->nr++];
}

/* Known failures */

int known_failures_parse(struct known_failures *k, const char *text,
			 const char *path)
{
	const char *p = text;
	unsigned int no = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char *s = line, *e, *r;

		p = nl ? nl + 1 : NULL;
		no++;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		e = s;
		while (*e && !isspace((unsigned char)*e))
			e++;
		r = e;
		while (isspace((unsigned char)*r))
			r++;
		if (!strchr(s, '/') || strchr(s, '/') > e) {
			error("%s:%u: expected 'suite/name  reason', got '%s'",
			      path ? path : "known-failures", no, s);
			free(line);
			return -1;
		}
		ALLOC_GROW(k->kf, k->nr + 1, k->alloc);
		k->kf[k->nr].name = xstrndup(s, e - s);
		{
			char *re = r + strlen(r);

			while (re > r && isspace((unsigned char)re[-1]))
				re--;
			k->kf[k->nr].skip = false;
			if (!strncmp(r, "SKIP", 4) &&
			    (r + 4 == re || isspace((unsigned char)r[4]))) {
				k->kf[k->nr].skip = true;
				r += 4;
				while (r < re && isspace((unsigned char)*r))
					r++;
			}
			k->kf[k->nr].reason = re > r ?
				xstrndup(r, re - r) : xstrdup("known failure");
		}
		k->nr++;
		free(line);
	}
	return 0;
}

int known_failures_load(struct known_failures *k, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (read_file(path, &sb)) {
		if (errno == ENOENT)
			return 0;
		return error("cannot read %s: %s", path, strerror(errno));
	}
	ret = known_failures_parse(k, sb.buf, path);
	sb_release(&sb);
	return ret;
}

const struct known_failure *known_failures_find(
	const struct known_failures *k, const char *name)
{
	size_t i;

	for (i = 0; k && i < k->nr; i++)
		if (!strcmp(k->kf[i].name, name))
			return &k->kf[i];
	return NULL;
}

void known_failures_release(struct known_failures *k)
{
	size_t i;

	for (i = 0; i < k->nr; i++) {
		free(k->kf[i].name);
		free(k->kf[i].reason);
	}
	free(k->kf);
	memset(k, 0, sizeof(*k));
}

static const struct test_result *find_result(const struct tap_run *run,
					     const char *name)
{
	size_t i;

	/* The last one wins: a test is reported once, normally. */
	for (i = run->nr; i-- > 0; )
		if (!strcmp(run->tests[i].name, name))
			return &run->tests[i];
	return NULL;
}

void tap_judge(const struct tap_run *run, char **want, size_t nr_want,
	       const struct known_failures *k, unsigned int boot,
	       struct test_result **out, size_t *nr, size_t *alloc)
{
	bool crashed = false;
	size_t i;

	for (i = 0; i < nr_want; i++) {
		const struct test_result *r = find_result(run, want[i]);
		const struct known_failure *kf;
		struct test_result t;

		memset(&t, 0, sizeof(t));
		t.rc = -1;
		t.secs = -1;
		t.host_secs = -1;
		if (r) {
			t = *r;
			t.reason = r->reason ? xstrdup(r->reason) : NULL;
			t.output = r->output ? xstrdup(r->output) : NULL;
			if (!t.reason && t.status == TS_FAIL && t.rc >= 0)
				t.reason = xasprintf("exit status %d", t.rc);
			else if (!t.reason && t.status == TS_TIMEOUT)
				t.reason = xstrdup("killed by the per-test timeout");
		} else if (!run->done && !crashed && run->planned >= 0) {
			/* The init had started the tests: this one ran. */
			t.status = TS_CRASH;
			t.reason = xstrdup("no result: the guest stopped while it ran");
			crashed = true;
		} else {
			t.status = TS_NOTRUN;
			t.reason = xstrdup(run->done ?
				"no result although the guest finished" :
				run->planned < 0 ?
				"not reached: the guest stopped before its init ran the tests" :
				"not reached: the guest stopped before it");
		}
		t.name = xstrdup(want[i]);
		t.boot = boot;
		kf = known_failures_find(k, want[i]);
		if (kf && (t.status == TS_FAIL || t.status == TS_TIMEOUT)) {
			t.status = TS_XFAIL;
			free(t.reason);
			t.reason = xstrdup(kf->reason);
		} else if (kf && t.status == TS_PASS) {
			t.status = TS_XPASS;
			free(t.reason);
			t.reason = xasprintf("known failure passed: %s",
					     kf->reason);
		}
		ALLOC_GROW(*out, *nr + 1, *alloc);
		(*out)[(*nr)++] = t;
	}
}

void tap_count(const struct test_result *t, size_t nr, struct tap_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < nr; i++) {
		switch (t[i].status) {
		case TS_PASS:
			c->pass++;
			break;
		case TS_SKIP:
			c->skip++;
			break;
		case TS_XFAIL:
			c->xfail++;
			break;
		case TS_XPASS:
			c->xpass++;
			break;
		case TS_NOTRUN:
			c->notrun++;
			break;
		default:
			c->fail++;
			break;
		}
	}
}

void tap_write(struct strbuf *out, const char *comment,
	       const struct test_result *t, size_t nr)
{
	size_t i;

	sb_addstr(out, "TAP version 13\n");
	if (comment)
		sb_addf(out, "# %s\n", comment);
	sb_addf(out, "1..%zu\n", nr);
	for (i = 0; i < nr; i++) {
		const struct test_result *r = &t[i];
		bool ok = r->status == TS_PASS || r->status == TS_SKIP ||
			  r->status == TS_XPASS;

		sb_addf(out, "%sok %zu %s", ok ? "" : "not ", i + 1, r->name);
		switch (r->status) {
		case TS_SKIP:
			sb_addstr(out, " # SKIP");
			break;
		case TS_XFAIL:
			sb_addf(out, " # TODO %s", r->reason);
			break;
		case TS_XPASS:
			sb_addf(out, " # %s", r->reason);
			break;
		case TS_PASS:
			break;
		default:
			sb_addf(out, " # %s%s%s", test_status_name(r->status),
				r->reason ? ": " : "",
				r->reason ? r->reason : "");
			break;
		}
		if (r->secs >= 0)
			sb_addf(out, " time=%.2fs", r->secs);
		sb_addch(out, '\n');
	}
}
