// SPDX-License-Identifier: GPL-2.0
#include "check.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hash.h"
#include "initramfs.h"
#include "json.h"
#include "junit.h"
#include "series.h"

#define CACHE_MAGIC	"kseries-check 1"
#define WALK_FILE	"kseries-walk"
#define EVIDENCE_LINES	6

static const char *const build_names[] = {
	[CB_NOTRUN] = "-",
	[CB_OK] = "ok",
	[CB_FAIL] = "FAIL",
};

const char *check_build_name(enum check_build b)
{
	return b < ARRAY_SIZE(build_names) ? build_names[b] : "?";
}

char check_status_char(enum test_status s)
{
	switch (s) {
	case TS_PASS:
	case TS_XPASS:
		return 'P';
	case TS_SKIP:
		return 'S';
	case TS_XFAIL:
		return 'x';
	case TS_NOTRUN:
		return '-';
	default:
		return 'F';
	}
}

static void check_test_release(struct check_test *t)
{
	free(t->name);
	free(t->reason);
	free(t->output);
}

void check_result_release(struct check_result *r)
{
	size_t i;

	free(r->subject);
	free(r->errors);
	wset_release(&r->warnings);
	free(r->evidence);
	for (i = 0; i < r->nr_tests; i++)
		check_test_release(&r->tests[i]);
	free(r->tests);
	free(r->log);
	memset(r, 0, sizeof(*r));
}

const struct check_test *check_result_test(const struct check_result *r,
					   const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_tests; i++)
		if (!strcmp(r->tests[i].name, name))
			return &r->tests[i];
	return NULL;
}

/* The cache's text form: one "key value" a line, values escaped. */

static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			sb_addstr(sb, "\\\\");
		else if (*s == '\n')
			sb_addstr(sb, "\\n");
		else if (*s == '\t')
			sb_addstr(sb, "\\t");
		else
			sb_addch(sb, *s);
	}
}

/* Unescape @len bytes at @s. */
static char *unescape(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			sb_addch(&sb, s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' :
				 s[i]);
		} else {
			sb_addch(&sb, s[i]);
		}
	}
	if (!sb.buf)
		sb_addstr(&sb, "");
	return sb_detach(&sb);
}

static enum test_status status_from_name(const char *name)
{
	int s;

	for (s = TS_NOTRUN; s <= TS_CRASH; s++)
		if (!strcmp(test_status_name(s), name))
			return s;
	return TS_NOTRUN;
}

static enum vm_verdict verdict_from_name(const char *name)
{
	int v;

	for (v = VV_OK; v <= VV_INCOMPLETE; v++)
		if (!strcmp(vm_verdict_name(v), name))
			return v;
	return VV_INCOMPLETE;
}

void check_result_format(const struct check_result *r, struct strbuf *out)
{
	size_t i;

	sb_addstr(out, CACHE_MAGIC "\n");
	sb_addf(out, "commit %s\n", r->commit);
	sb_addstr(out, "subject ");
	add_escaped(out, r->subject);
	sb_addch(out, '\n');
	sb_addf(out, "build %s %.3f %u\n", check_build_name(r->build),
		r->make_secs, r->compiled);
	if (r->image[0])
		sb_addf(out, "image %s\n", r->image);
	if (r->log) {
		sb_addstr(out, "log ");
		add_escaped(out, r->log);
		sb_addch(out, '\n');
	}
	if (r->errors) {
		sb_addstr(out, "errors ");
		add_escaped(out, r->errors);
		sb_addch(out, '\n');
	}
	for (i = 0; i < r->warnings.nr; i++) {
		sb_addstr(out, "warning ");
		add_escaped(out, r->warnings.w[i].file);
		sb_addch(out, '\t');
		add_escaped(out, r->warnings.w[i].msg);
		sb_addch(out, '\n');
	}
	if (r->booted)
		sb_addf(out, "boot %s %.3f %u %u\n",
			vm_verdict_name(r->verdict), r->boot_secs, r->boots,
			r->retries);
	if (r->same_build[0])
		sb_addf(out, "same-build %s\n", r->same_build);
	if (r->accel[0])
		sb_addf(out, "accel %s\n", r->accel);
	if (r->reused)
		sb_addstr(out, "reused\n");
	if (r->evidence) {
		sb_addstr(out, "evidence ");
		add_escaped(out, r->evidence);
		sb_addch(out, '\n');
	}
	for (i = 0; i < r->nr_tests; i++) {
		const struct check_test *t = &r->tests[i];

		sb_addf(out, "test %s %s %.3f ", t->name,
			test_status_name(t->status), t->secs);
		add_escaped(out, t->reason);
		sb_addch(out, '\t');
		add_escaped(out, t->output);
		sb_addch(out, '\n');
	}
	sb_addf(out, "total %.3f\n", r->total_secs);
}

static struct check_test *add_test(struct check_result *r, const char *name)
{
	struct check_test *t;

	ALLOC_GROW(r->tests, r->nr_tests + 1, r->alloc_tests);
	t = &r->tests[r->nr_tests++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->secs = -1;
	return t;
}

/* One line of the cache text; -1 if malformed. */
static int parse_line(struct check_result *r, const char *line)
{
	const char *v;
	char word[32];
	double d;
	unsigned int a, b;

	if (skip_prefix(line, "commit ", &v)) {
		if (strlen(v) != 40)
			return -1;
		memcpy(r->commit, v, 41);
	} else if (skip_prefix(line, "subject ", &v)) {
		free(r->subject);
		r->subject = unescape(v, strlen(v));
	} else if (skip_prefix(line, "build ", &v)) {
		if (sscanf(v, "%31s %lf %u", word, &d, &a) != 3)
			return -1;
		r->build = !strcmp(word, "ok") ? CB_OK :
			   !strcmp(word, "FAIL") ? CB_FAIL : CB_NOTRUN;
		r->make_secs = d;
		r->compiled = a;
	} else if (skip_prefix(line, "image ", &v)) {
		if (strlen(v) != 64)
			return -1;
		memcpy(r->image, v, 65);
	} else if (skip_prefix(line, "same-build ", &v)) {
		if (strlen(v) != 40)
			return -1;
		memcpy(r->same_build, v, 41);
	} else if (skip_prefix(line, "accel ", &v)) {
		if (strcmp(v, "kvm") && strcmp(v, "tcg"))
			return -1;
		snprintf(r->accel, sizeof(r->accel), "%s", v);
	} else if (skip_prefix(line, "log ", &v)) {
		free(r->log);
		r->log = unescape(v, strlen(v));
	} else if (skip_prefix(line, "errors ", &v)) {
		free(r->errors);
		r->errors = unescape(v, strlen(v));
	} else if (skip_prefix(line, "warning ", &v)) {
		const char *tab = strchr(v, '\t');
		struct warning w;

		if (!tab)
			return -1;
		w.file = unescape(v, tab - v);
		w.msg = unescape(tab + 1, strlen(tab + 1));
		wset_add(&r->warnings, &w);
		warning_release(&w);
	} else if (skip_prefix(line, "boot ", &v)) {
		if (sscanf(v, "%31s %lf %u %u", word, &d, &a, &b) != 4)
			return -1;
		r->booted = true;
		r->verdict = verdict_from_name(word);
		r->boot_secs = d;
		r->boots = a;
		r->retries = b;
	} else if (skip_prefix(line, "evidence ", &v)) {
		free(r->evidence);
		r->evidence = unescape(v, strlen(v));
	} else if (skip_prefix(line, "test ", &v)) {
		char name[256], st[32];
		int n = 0;
		struct check_test *t;
		const char *rest, *tab;

		if (sscanf(v, "%255s %31s %lf%n", name, st, &d, &n) != 3 ||
		    v[n] != ' ')
			return -1;
		rest = v + n + 1;
		tab = strchr(rest, '\t');
		if (!tab)
			return -1;
		t = add_test(r, name);
		t->status = status_from_name(st);
		t->secs = d;
		if (tab > rest)
			t->reason = unescape(rest, tab - rest);
		if (tab[1])
			t->output = unescape(tab + 1, strlen(tab + 1));
	} else if (!strcmp(line, "reused")) {
		r->reused = true;
	} else if (skip_prefix(line, "total ", &v)) {
		r->total_secs = atof(v);
	} else if (line[0]) {
		return -1;
	}
	return 0;
}

int check_result_parse(struct check_result *r, const char *text)
{
	const char *p;

	memset(r, 0, sizeof(*r));
	if (!starts_with(text, CACHE_MAGIC "\n"))
		return -1;
	p = text + strlen(CACHE_MAGIC) + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		int bad = parse_line(r, line);

		free(line);
		if (bad) {
			check_result_release(r);
			return -1;
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (!r->commit[0]) {
		check_result_release(r);
		return -1;
	}
	return 0;
}

/* Suites */

int check_suite_init(struct check_suite *s, struct testset *ts,
		     const char *cmd, const char *dir)
{
	struct hash_ctx h;
	unsigned char sum[32];
	size_t i;

	memset(s, 0, sizeof(*s));
	if (ts) {
		s->ts = *ts;
		memset(ts, 0, sizeof(*ts));
	}
	s->cmd = cmd;
	sha256_init(&h);
	if (cmd) {
		hash_update(&h, "cmd", 4);
		hash_update(&h, cmd, strlen(cmd) + 1);
	}
	for (i = 0; i < s->ts.nr; i++) {
		const struct test_entry *t = &s->ts.t[i];
		char bin[65];

		if (sha256_file(t->path, bin)) {
			hash_final(&h, sum);
			return error("cannot read the selftest %s: %s",
				     t->path, strerror(errno));
		}
		hash_update(&h, t->name, strlen(t->name) + 1);
		hash_update(&h, bin, 65);
		hash_update(&h, t->cmdline, strlen(t->cmdline) + 1);
	}
	{
		/* What the guest runs them with: the init and busybox. */
		char *init = project_path("kernel-overlay/init");
		char d1[65] = "", d2[65] = "";

		if (sha256_file(init, d1) || sha256_file("/bin/busybox", d2))
			warning("cannot read %s or /bin/busybox", init);
		hash_update(&h, d1, sizeof(d1));
		hash_update(&h, d2, sizeof(d2));
		free(init);
	}
	hash_final(&h, sum);
	hex_encode(s->digest, sum, 32);

	if (cmd || !s->ts.nr) {
		s->groups = xcalloc(1, sizeof(*s->groups));
		s->groups[0].cmdline = xstrdup("");
		s->groups[0].idx = xcalloc(s->ts.nr + 1, sizeof(size_t));
		for (i = 0; i < s->ts.nr; i++)
			s->groups[0].idx[i] = i;
		s->groups[0].nr = s->ts.nr;
		s->nr_groups = 1;
	} else {
		s->nr_groups = testset_group(&s->ts, &s->groups);
	}
	if (mkdir_p(dir, 0755))
		return error("cannot create %s: %s", dir, strerror(errno));
	s->initrd = xcalloc(s->nr_groups, sizeof(char *));
	for (i = 0; i < s->nr_groups; i++) {
		struct initramfs ir = {
			.busybox = "/bin/busybox",
			.ts = s->ts.nr ? &s->ts : NULL,
			.idx = s->groups[i].idx,
			.nr = s->groups[i].nr,
			.cmd = cmd,
		};
		int ret;

		s->initrd[i] = xasprintf("%s/initrd-%.12s-%zu.cpio", dir,
					 s->digest, i);
		ir.init = project_path("kernel-overlay/init");
		ret = initramfs_write(s->initrd[i], &ir);
		free((char *)ir.init);
		if (ret)
			return -1;
	}
	return 0;
}

void check_suite_release(struct check_suite *s)
{
	size_t i;

	for (i = 0; s->initrd && i < s->nr_groups; i++) {
		if (s->initrd[i])
			unlink(s->initrd[i]);
		free(s->initrd[i]);
	}
	free(s->initrd);
	if (s->groups)
		boot_groups_release(s->groups, s->nr_groups);
	testset_release(&s->ts);
	memset(s, 0, sizeof(*s));
}

/* The context: what every result depends on besides the commit. */

static char *first_line_of(const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;
	char *ret;

	if (run_capture(argv, NULL, &sb) < 0 || !sb.len) {
		sb_release(&sb);
		return xstrdup("unknown");
	}
	ret = xstrndup(sb.buf, strcspn(sb.buf, "\n"));
	sb_release(&sb);
	return ret;
}

int check_ctx_init(struct check_ctx *c)
{
	static const char *const gcc[] = { "gcc", "--version", NULL };
	static const char *const ld[] = { "ld", "--version", NULL };
	static const char *const qemu[] = {
		"qemu-system-x86_64", "--version", NULL
	};
	char *g = first_line_of(gcc), *l = first_line_of(ld);
	char *q = first_line_of(qemu);
	unsigned char sum[32];
	struct hash_ctx h;
	size_t i;

	c->toolchain = xasprintf("%s; %s; %s", g, l, q);
	free(g);
	free(l);
	free(q);
	if (accel_choose(c->kvm ? 1 : c->no_kvm ? 0 : -1, &c->accel))
		return error("%s", c->accel.why);
	sha256_init(&h);
	hash_update(&h, c->toolchain, strlen(c->toolchain) + 1);
	/* A guest under KVM may pass or skip what fails under TCG. */
	hash_update(&h, accel_name(c->accel.accel), 4);
	for (i = 0; i < c->nr_fragments; i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *base = strrchr(c->fragments[i], '/');

		base = base ? base + 1 : c->fragments[i];
		if (read_file(c->fragments[i], &sb)) {
			hash_final(&h, sum);
			return error("cannot read %s: %s", c->fragments[i],
				     strerror(errno));
		}
		hash_update(&h, base, strlen(base) + 1);
		hash_update(&h, sb.buf ? sb.buf : "", sb.len);
		sb_release(&sb);
	}
	{
		char opts[64];

		snprintf(opts, sizeof(opts), "timeouts %.0f %.0f",
			 c->test_timeout, c->boot_timeout);
		hash_update(&h, opts, strlen(opts) + 1);
	}
	/* Known failures turn FAIL into XFAIL. */
	for (i = 0; c->known && i < c->known->nr; i++) {
		const struct known_failure *k = &c->known->kf[i];

		hash_update(&h, k->name, strlen(k->name) + 1);
		hash_update(&h, k->reason ? k->reason : "",
			    k->reason ? strlen(k->reason) + 1 : 1);
	}
	hash_final(&h, sum);
	hex_encode(c->inputs, sum, 32);
	c->cache_dir = cache_path("check");
	if (mkdir_p(c->cache_dir, 0755))
		return error("cannot create %s: %s", c->cache_dir,
			     strerror(errno));
	if (wdb_load(&c->db, c->build))
		return -1;
	c->db_loaded = true;
	return 0;
}

void check_ctx_release(struct check_ctx *c)
{
	if (c->db_loaded)
		wdb_release(&c->db);
	free(c->cache_dir);
	free(c->toolchain);
	c->cache_dir = NULL;
	c->toolchain = NULL;
	c->db_loaded = false;
}

void check_key(const struct check_ctx *c, const char *tree_id,
	       const struct check_suite *suite, char key[65])
{
	unsigned char sum[32];
	struct hash_ctx h;

	sha256_init(&h);
	hash_update(&h, CACHE_MAGIC, strlen(CACHE_MAGIC) + 1);
	hash_update(&h, "tree", 5);
	hash_update(&h, tree_id, strlen(tree_id) + 1);
	hash_update(&h, c->inputs, 64);
	if (suite)
		hash_update(&h, suite->digest, 64);
	else
		hash_update(&h, "build-only", 11);
	hash_final(&h, sum);
	hex_encode(key, sum, 32);
}

int check_tree_of(git_repository *repo, const git_oid *commit, char out[41])
{
	git_commit *c = NULL;

	out[0] = '\0';
	if (git_commit_lookup(&c, repo, commit))
		return error("no commit %s: %s", git_oid_tostr_s(commit),
			     lg2_err());
	git_oid_tostr(out, 41, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

static char *cache_file(const struct check_ctx *c, const char *key)
{
	return xasprintf("%s/%.2s/%s", c->cache_dir, key, key + 2);
}

int check_cache_load(const struct check_ctx *c, const char *key,
		     struct check_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = cache_file(c, key);
	int ret = -1;

	if (!read_file(path, &sb)) {
		ret = check_result_parse(r, sb.buf);
		if (ret)
			warning("%s: not a check result; ignored", path);
		else
			r->cached = true;
	}
	if (!ret && r->accel[0] && strcmp(r->accel, check_accel(c))) {
		/* Its guest fell back to another accelerator. */
		check_result_release(r);
		ret = -1;
	}
	sb_release(&sb);
	free(path);
	return ret;
}

/* What vm_opts.kvm says for the accelerator chosen in check_ctx_init(). */
static int ctx_want(const struct check_ctx *c)
{
	return c->accel.forced ? c->accel.accel == ACCEL_KVM : -1;
}

const char *check_accel(const struct check_ctx *c)
{
	struct accel_choice now;

	if (accel_choose(ctx_want(c), &now))
		return accel_name(c->accel.accel);
	return accel_name(now.accel);
}

int check_cache_store(const struct check_ctx *c, const char *key,
		      const struct check_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = cache_file(c, key);
	char *dir = xstrndup(path, strrchr(path, '/') - path);
	int ret;

	check_result_format(r, &sb);
	mkdir_p(dir, 0755);
	ret = write_file_atomic(path, sb.buf, sb.len);
	if (ret)
		warning("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
	free(path);
	free(dir);
	return ret;
}

/* Building */

/* Run @fn with stderr sent to /dev/null (kbuild reports; we summarise). */
static int silence_stderr(void)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	if (null >= 0)
		close(null);
	return saved;
}

static void restore_stderr(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
}

int check_build(struct check_ctx *c, const char *tag, struct check_result *r)
{
	struct kbuild kb = {
		.tree = c->tree,
		.build = c->build,
		.fragments = c->fragments,
		.nr_fragments = c->nr_fragments,
		.jobs = c->jobs,
		.ccache = c->ccache,
		.target = "bzImage",
		.sync_output = true,
		.distcc = c->distcc,
		.no_distcc = c->no_distcc,
	};
	struct strbuf log = STRBUF_INIT, errs = STRBUF_INIT;
	double start = now_seconds();
	bool was_quiet = quiet;
	int saved, ok;

	mkdir_p(c->log_dir, 0755);
	free(r->log);
	r->log = xasprintf("%s/%s.build.log", c->log_dir, tag);
	kb.log = r->log;
	if (truncate(r->log, 0) && errno != ENOENT)
		return error("cannot truncate %s: %s", r->log,
			     strerror(errno));
	{
		struct strbuf names = STRBUF_INIT;
		size_t n = wdb_prepare(&c->db, c->build, &names);
		FILE *f;

		/* Say in the log what is rebuilt for its warnings. */
		f = n ? fopen(r->log, "a") : NULL;
		if (f) {
			fprintf(f, "### kseries check: %zu object%s rebuilt for their warnings: %.2000s%s\n",
				n, n == 1 ? "" : "s", names.buf,
				names.len > 2000 ? " ..." : "");
			fclose(f);
		}
		sb_release(&names);
	}
	quiet = true;
	saved = silence_stderr();
	ok = !kbuild_config(&kb) && !check_interrupted &&
	     !kbuild_kernel(&kb);
	restore_stderr(saved);
	quiet = was_quiet;
	r->make_secs = now_seconds() - start;
	r->compiled = kb.compiled;
	r->build = ok ? CB_OK : CB_FAIL;
	if (read_file(r->log, &log))
		sb_addstr(&log, "");
	wdb_update(&c->db, log.buf, c->tree, c->build, NULL);
	if (!check_interrupted)
		wdb_save(&c->db, c->build);
	wset_release(&r->warnings);
	wdb_all(&c->db, &r->warnings);
	free(r->errors);
	r->errors = NULL;
	r->image[0] = '\0';
	if (ok) {
		char *img = kbuild_image(&kb);

		if (sha256_file(img, r->image))
			r->image[0] = '\0';
		free(img);
	}
	if (!ok) {
		kbuild_first_errors(log.buf, 12, &errs);
		if (!errs.len)
			sb_addstr(&errs, "    (no error line found; see the log)\n");
		r->errors = sb_detach(&errs);
	}
	kbuild_release(&kb);
	sb_release(&log);
	sb_release(&errs);
	return 0;
}

/* Booting */

/* The first @max lines of @text, each indented. */
static void add_lines(struct strbuf *sb, const char *text, unsigned int max)
{
	const char *p = text;
	unsigned int n = 0;

	while (p && *p && n < max) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		sb_addf(sb, "%.*s\n", len, p);
		n++;
		p = nl ? nl + 1 : NULL;
	}
}

static char *boot_evidence(const struct vm_result *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (v->watchdog)
		sb_addf(&sb, "watchdog: %s\n", v->watchdog);
	if (v->qemu_error)
		add_lines(&sb, v->qemu_error, EVIDENCE_LINES);
	if (v->console.nr) {
		const struct console_evidence *e = &v->console.ev[0];

		sb_addf(&sb, "%s at console line %u%s%s:\n",
			console_kind_name(e->kind), e->line,
			e->test ? ", during " : "", e->test ? e->test : "");
		add_lines(&sb, e->text, EVIDENCE_LINES);
	}
	if (!sb.len && v->verdict == VV_INCOMPLETE)
		sb_addf(&sb, "the guest stopped (QEMU exit %d) before the init finished\n",
			v->qemu_status);
	if (!sb.len)
		return NULL;
	sb_rtrim(&sb);
	return sb_detach(&sb);
}

static bool infrastructure_failure(const struct vm_result *v)
{
	return v->verdict == VV_QEMU_FAILED ||
	       (v->watchdog && !v->run.header);
}

int check_boot(struct check_ctx *c, const struct check_suite *s,
	       const char *tag, struct check_result *r)
{
	char *kernel = path_join(c->build, "arch/x86/boot/bzImage");
	struct known_failures none = { 0 };
	const struct known_failures *k = c->known ? c->known : &none;
	bool bad_boot = false;
	size_t g;
	int ret = 0;

	mkdir_p(c->log_dir, 0755);
	r->booted = true;
	r->verdict = VV_OK;
	for (g = 0; g < s->nr_groups && !check_interrupted; g++) {
		const struct boot_group *grp = &s->groups[g];
		char *console = xasprintf("%s/%s-%zu.console.log", c->log_dir,
					  tag, g + 1);
		char *results = xasprintf("%s/%s-%zu.results.log", c->log_dir,
					  tag, g + 1);
		char *qlog = xasprintf("%s/%s-%zu.qemu.log", c->log_dir, tag,
				       g + 1);
		char *append = s->cmd ? xasprintf("%s ks.cmd", grp->cmdline) :
					xstrdup(grp->cmdline);
		struct vm_opts vo = {
			.kernel = kernel,
			.initrd = s->initrd[g],
			.append = append,
			.console_log = console,
			.results_log = results,
			.qemu_log = qlog,
			.timeout = 1800,
			.boot_timeout = c->boot_timeout,
			.test_timeout = c->test_timeout,
			.kvm = ctx_want(c),
		};
		struct test_result *res = NULL;
		size_t nr_res = 0, alloc_res = 0, i;
		char **want = xcalloc(grp->nr + 2, sizeof(char *));
		size_t nr_want = 0;
		struct vm_result v;
		bool failed = false;
		int attempt;

		if (s->cmd)
			want[nr_want++] = xstrdup("cmd/cmd");
		else
			for (i = 0; i < grp->nr; i++)
				want[nr_want++] =
					xstrdup(s->ts.t[grp->idx[i]].name);
		for (attempt = 0; attempt < 2; attempt++) {
			if (vm_run(&vo, &v)) {
				ret = -1;
				break;
			}
			r->boots++;
			r->boot_secs += v.duration;
			snprintf(r->accel, sizeof(r->accel), "%s",
				 accel_name(v.accel.accel));
			if (attempt || !infrastructure_failure(&v) ||
			    check_interrupted)
				break;
			r->retries++;
			vm_result_release(&v);
		}
		if (ret) {
			for (i = 0; i < nr_want; i++)
				free(want[i]);
			free(want);
			free(console);
			free(results);
			free(qlog);
			free(append);
			break;
		}
		tap_judge(&v.run, want, nr_want, k, g, &res, &nr_res,
			  &alloc_res);
		for (i = 0; i < nr_res; i++) {
			struct check_test *t = add_test(r, res[i].name);

			if (res[i].status == TS_CRASH && v.watchdog) {
				res[i].status = TS_TIMEOUT;
				free(res[i].reason);
				res[i].reason = xstrdup("no result: running when the watchdog stopped the guest");
			}
			t->status = res[i].status;
			t->secs = res[i].secs;
			t->reason = res[i].reason;
			res[i].reason = NULL;
			if (test_status_failed(t->status) ||
			    t->status == TS_XFAIL) {
				struct strbuf con = STRBUF_INIT;

				failed = true;
				if (!read_file(console, &con))
					t->output = console_test_output(
						con.buf, t->name, 15);
				sb_release(&con);
			}
			test_result_release(&res[i]);
		}
		free(res);
		if (v.verdict != VV_OK) {
			failed = true;
			if (!bad_boot) {
				bad_boot = true;
				r->verdict = v.verdict;
				free(r->evidence);
				r->evidence = boot_evidence(&v);
			}
		}
		if (!failed && !c->keep_logs) {
			unlink(console);
			unlink(results);
		}
		unlink(qlog);
		vm_result_release(&v);
		for (i = 0; i < nr_want; i++)
			free(want[i]);
		free(want);
		free(console);
		free(results);
		free(qlog);
		free(append);
	}
	free(kernel);
	return ret;
}

void check_reuse_boot(struct check_result *r, const struct check_result *from)
{
	size_t i;

	r->booted = from->booted;
	r->verdict = from->verdict;
	memcpy(r->accel, from->accel, sizeof(r->accel));
	r->boots = 0;
	r->retries = 0;
	r->boot_secs = 0;
	free(r->evidence);
	r->evidence = from->evidence ? xstrdup(from->evidence) : NULL;
	for (i = 0; i < from->nr_tests; i++) {
		const struct check_test *f = &from->tests[i];
		struct check_test *t = add_test(r, f->name);

		t->status = f->status;
		t->secs = f->secs;
		t->reason = f->reason ? xstrdup(f->reason) : NULL;
		t->output = f->output ? xstrdup(f->output) : NULL;
	}
	r->reused = true;
}

/* A build that needs not run */

bool check_same_build(git_repository *repo, const char *tree,
		      const char *build, const git_oid *built,
		      const git_oid *commit, char **why)
{
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	char **paths = NULL;
	bool *added = NULL;
	size_t nr = 0, i;
	bool same = false;

	*why = NULL;
	if (git_commit_lookup(&a, repo, built) ||
	    git_commit_lookup(&b, repo, commit) ||
	    git_commit_tree(&ta, a) || git_commit_tree(&tb, b) ||
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL))
		goto out;
	nr = git_diff_num_deltas(diff);
	paths = xcalloc(nr + 1, sizeof(char *));
	added = xcalloc(nr + 1, sizeof(bool));
	for (i = 0; i < nr; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		paths[i] = xstrdup(d->new_file.path ? d->new_file.path :
				   d->old_file.path);
		added[i] = d->status != GIT_DELTA_MODIFIED ||
			   d->old_file.mode != d->new_file.mode;
	}
	if (!nr) {
		same = true;	/* the same tree: a message edited */
	} else {
		int err;
		const char *in = kbuild_first_input(tree, build, paths,
						    added, nr, &err);

		same = !in;
		if (in)
			*why = xasprintf("%s%s", in, err ?
					 " (no .cmd file in the build directory)" :
					 "");
	}
out:
	for (i = 0; i < nr; i++)
		free(paths[i]);
	free(paths);
	free(added);
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	return same;
}

void check_copy_build(struct check_result *r, const struct check_result *from)
{
	r->build = from->build;
	r->make_secs = 0;
	r->compiled = 0;
	free(r->errors);
	r->errors = from->errors ? xstrdup(from->errors) : NULL;
	wset_release(&r->warnings);
	wset_copy(&r->warnings, &from->warnings);
	free(r->log);
	r->log = NULL;
	memcpy(r->image, from->image, sizeof(r->image));
	memcpy(r->same_build, from->same_build[0] ? from->same_build :
	       from->commit, sizeof(r->same_build));
}

/* Walking the work tree */

static int read_head(struct check_walk *w)
{
	git_reference *head = NULL, *res = NULL;
	int ret = 0;

	if (git_reference_lookup(&head, w->repo.repo, "HEAD"))
		return error("%s: no HEAD: %s", w->repo.dir, lg2_err());
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		w->head_ref = xstrdup(git_reference_symbolic_target(head));
	if (git_reference_resolve(&res, head))
		ret = error("%s: HEAD does not point at a commit: %s",
			    w->repo.dir, lg2_err());
	else
		git_oid_cpy(&w->head, git_reference_target(res));
	git_reference_free(res);
	git_reference_free(head);
	return ret;
}

static int write_state(struct check_walk *w)
{
	char head[GIT_OID_HEXSZ + 1], cur[GIT_OID_HEXSZ + 1], *text;
	int ret;

	git_oid_tostr(head, sizeof(head), &w->head);
	git_oid_tostr(cur, sizeof(cur), &w->cur);
	text = xasprintf("head %s\nref %s\ncur %s\n", head,
			 w->head_ref ? w->head_ref : "", cur);
	ret = write_file_atomic(w->state, text, strlen(text));

	free(text);
	if (ret)
		error("cannot write %s: %s", w->state, strerror(errno));
	return ret;
}

/* Put back what a killed walk left: HEAD detached at 'cur'. */
static int resume_state(struct check_walk *w)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char head[41] = "", ref[256] = "", cur[41] = "";
	git_oid h, c;
	const char *p;
	int ret = -1;

	if (read_file(w->state, &sb))
		return 0;
	for (p = sb.buf; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 5 && !strncmp(p, "head ", 5) && len - 5 < sizeof(head))
			memcpy(head, p + 5, len - 5), head[len - 5] = '\0';
		else if (len > 4 && !strncmp(p, "ref ", 4) &&
			 len - 4 < sizeof(ref))
			memcpy(ref, p + 4, len - 4), ref[len - 4] = '\0';
		else if (len > 4 && !strncmp(p, "cur ", 4) &&
			 len - 4 < sizeof(cur))
			memcpy(cur, p + 4, len - 4), cur[len - 4] = '\0';
		p = nl ? nl + 1 : NULL;
	}
	if (git_oid_fromstr(&h, head) || git_oid_fromstr(&c, cur)) {
		error("%s is damaged; remove it after checking the tree",
		      w->state);
		goto out;
	}
	note("putting back the work tree a killed check left at %.12s",
	     cur);
	if (krepo_checkout(&w->repo, &c, &h, false, &err) < 0) {
		error("cannot put the work tree back from %.12s to %.12s:\n%s",
		      cur, head, err.buf);
		goto out;
	}
	if (ref[0] ? git_repository_set_head(w->repo.repo, ref) :
		     git_repository_set_head_detached(w->repo.repo, &h)) {
		error("cannot set HEAD back: %s", lg2_err());
		goto out;
	}
	unlink(w->state);
	ret = 0;
out:
	sb_release(&sb);
	sb_release(&err);
	return ret;
}

static int refuse_local_changes(struct check_walk *w)
{
	git_status_options so;
	git_status_list *st = NULL;
	size_t n, i;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&st, w->repo.repo, &so))
		return error("cannot read the work tree's state: %s",
			     lg2_err());
	n = git_status_list_entrycount(st);
	if (n) {
		error("%s has local changes; commit or stash them first (a check builds each commit as committed):",
		      w->repo.dir);
		for (i = 0; i < n && i < 10; i++) {
			const git_status_entry *e = git_status_byindex(st, i);
			const git_diff_delta *d = e->index_to_workdir ?
				e->index_to_workdir : e->head_to_index;

			fprintf(stderr, "\t%s\n", d && d->new_file.path ?
				d->new_file.path : "?");
		}
		if (n > 10)
			fprintf(stderr, "\t... and %zu more\n", n - 10);
	}
	git_status_list_free(st);
	return n ? -1 : 0;
}

int check_walk_open(struct check_walk *w, const char *tree)
{
	memset(w, 0, sizeof(*w));
	if (krepo_open(&w->repo, tree))
		return -1;
	w->open = true;
	w->state = path_join(git_repository_path(w->repo.repo), WALK_FILE);
	if (resume_state(w) || read_head(w) || refuse_local_changes(w)) {
		check_walk_close(w);
		return -1;
	}
	git_oid_cpy(&w->cur, &w->head);
	return 0;
}

int check_walk_goto(struct check_walk *w, const git_oid *id)
{
	struct strbuf err = STRBUF_INIT;
	git_oid from = w->cur;

	if (git_oid_equal(&w->cur, id) && !path_exists(w->state))
		return 0;
	/* Record first: a kill in between leaves a walk to put back. */
	git_oid_cpy(&w->cur, id);
	if (write_state(w))
		return -1;
	if (krepo_checkout(&w->repo, &from, id, false, &err) < 0) {
		git_oid_cpy(&w->cur, &from);
		write_state(w);
		error("cannot check out %.12s: %s", git_oid_tostr_s(id),
		      err.buf);
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	if (git_repository_set_head_detached(w->repo.repo, id))
		return error("cannot detach HEAD at %.12s: %s",
			     git_oid_tostr_s(id), lg2_err());
	return 0;
}

int check_walk_restore(struct check_walk *w)
{
	struct strbuf err = STRBUF_INIT;

	if (!w->open || !path_exists(w->state))
		return 0;
	if (krepo_checkout(&w->repo, &w->cur, &w->head, false, &err) < 0) {
		error("cannot put the work tree back at %.12s: %s\n"
		      "(run the check again to retry)",
		      git_oid_tostr_s(&w->head), err.buf);
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	if (w->head_ref ? git_repository_set_head(w->repo.repo, w->head_ref) :
			  git_repository_set_head_detached(w->repo.repo,
							   &w->head))
		return error("cannot set HEAD back: %s", lg2_err());
	git_oid_cpy(&w->cur, &w->head);
	unlink(w->state);
	return 0;
}

void check_walk_close(struct check_walk *w)
{
	if (w->open)
		krepo_close(&w->repo);
	free(w->head_ref);
	free(w->state);
	memset(w, 0, sizeof(*w));
}

/* Interruption */

volatile sig_atomic_t check_interrupted;

/* Async-signal-safe: find our children in /proc, stop their groups. */
static void stop_children(int sig)
{
	char buf[4096], path[64], stat[512];
	pid_t me = getpid();
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (dfd < 0)
		return;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			unsigned short reclen;
			const char *name = buf + off + 19;
			long pid = 0, ppid = 0;
			const char *p;
			int fd;
			ssize_t len;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			off += reclen;
			for (p = name; *p >= '0' && *p <= '9'; p++)
				pid = pid * 10 + (*p - '0');
			if (*p || !pid)
				continue;
			/* "/proc/<pid>/stat": "pid (comm) S ppid ..." */
			{
				char *q = path;
				const char *s = "/proc/";
				char digits[24];
				int k = 0;
				long v = pid;

				while (*s)
					*q++ = *s++;
				do {
					digits[k++] = '0' + v % 10;
					v /= 10;
				} while (v);
				while (k)
					*q++ = digits[--k];
				s = "/stat";
				while (*s)
					*q++ = *s++;
				*q = '\0';
			}
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			len = read(fd, stat, sizeof(stat) - 1);
			close(fd);
			if (len <= 0)
				continue;
			stat[len] = '\0';
			p = strrchr(stat, ')');
			if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
				continue;
			for (p += 4; *p >= '0' && *p <= '9'; p++)
				ppid = ppid * 10 + (*p - '0');
			if (ppid != me)
				continue;
			kill(-(pid_t)pid, sig);
			kill((pid_t)pid, sig);
		}
	}
	close(dfd);
}

static void on_signal(int sig)
{
	int saved = errno;

	if (check_interrupted) {
		/* A second one: stop now, the next run puts the tree back. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	check_interrupted = sig;
	stop_children(SIGTERM);
	errno = saved;
}

void check_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The patch file of a commit, by position in the series. */

static char *patch_subject(const char *path)
{
	struct strbuf sb = STRBUF_INIT, subj = STRBUF_INIT;
	const char *p;

	if (read_file(path, &sb)) {
		sb_release(&sb);
		return NULL;
	}
	for (p = sb.buf; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (!len)
			break;	/* end of the headers */
		if (!strncasecmp(p, "Subject:", 8)) {
			sb_add(&subj, p + 8, len - 8);
			/* folded continuation lines */
			while (nl && (nl[1] == ' ' || nl[1] == '\t')) {
				const char *n2 = strchr(nl + 1, '\n');
				size_t l2 = n2 ? (size_t)(n2 - nl - 1) :
						 strlen(nl + 1);

				sb_add(&subj, nl + 1, l2);
				nl = n2;
			}
			break;
		}
		p = nl ? nl + 1 : NULL;
	}
	sb_release(&sb);
	if (!subj.len) {
		sb_release(&subj);
		return NULL;
	}
	{
		/* "[PATCH v2 3/9] KVM: x: y" -> "KVM: x: y", spaces folded */
		const char *s = subj.buf;
		struct strbuf out = STRBUF_INIT;
		bool space = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[') {
			const char *e = strchr(s, ']');

			if (e)
				s = e + 1;
		}
		for (; *s; s++) {
			if (*s == ' ' || *s == '\t' || *s == '\r') {
				space = out.len > 0;
				continue;
			}
			if (space)
				sb_addch(&out, ' ');
			space = false;
			sb_addch(&out, *s);
		}
		sb_release(&subj);
		if (!out.buf)
			sb_addstr(&out, "");
		return sb_detach(&out);
	}
}

char *check_patch_file(const char *series_path, const char *patches_dir,
		       size_t index, const char *subject)
{
	struct series s;
	char *ret = NULL;

	if (!index || !path_exists(series_path) ||
	    series_load(&s, series_path, patches_dir))
		return NULL;
	if (index <= s.nr) {
		char *path = series_patch_path(&s, index - 1);
		char *subj = patch_subject(path);

		if (subj && subject && !strcmp(subj, subject))
			ret = xasprintf("patches/%s",
					s.entries[index - 1].name);
		free(subj);
		free(path);
	}
	series_release(&s);
	return ret;
}

/* Judging a range */

static enum test_status row_status(const struct check_row *row,
				   const char *name, bool *present)
{
	const struct check_test *t = check_result_test(&row->r, name);

	*present = t != NULL;
	return t ? t->status : TS_NOTRUN;
}

static bool is_failure(enum test_status s)
{
	return s == TS_FAIL || s == TS_TIMEOUT || s == TS_CRASH;
}

static void add_reason(struct check_row *row, const char *fmt, ...)
	__printf(2, 3);

static void add_reason(struct check_row *row, const char *fmt, ...)
{
	va_list ap;

	if (row->reasons.len)
		sb_addstr(&row->reasons, "; ");
	va_start(ap, fmt);
	sb_vaddf(&row->reasons, fmt, ap);
	va_end(ap);
	row->flagged = true;
}

/* The columns: the tests of the row that ran most, then any others. */
static void judge_columns(struct check_report *rep)
{
	size_t i, j, k, best = 0, alloc = 0;

	for (i = 1; i < rep->nr; i++)
		if (rep->rows[i].r.nr_tests > rep->rows[best].r.nr_tests)
			best = i;
	for (k = 0; k < rep->nr; k++) {
		size_t r = k == 0 ? best : (k <= best ? k - 1 : k);
		const struct check_result *res = &rep->rows[r].r;

		for (j = 0; j < res->nr_tests; j++) {
			for (i = 0; i < rep->nr_cols; i++)
				if (!strcmp(rep->cols[i], res->tests[j].name))
					break;
			if (i < rep->nr_cols)
				continue;
			ALLOC_GROW(rep->cols, rep->nr_cols + 1, alloc);
			rep->cols[rep->nr_cols++] =
				xstrdup(res->tests[j].name);
		}
	}
}

static void unjudge(struct check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nr_cols; i++)
		free(rep->cols[i]);
	free(rep->cols);
	rep->cols = NULL;
	rep->nr_cols = 0;
	for (i = 0; i < rep->nr; i++) {
		struct check_row *row = &rep->rows[i];

		wset_release(&row->added);
		wset_release(&row->fixed);
		free(row->prev);
		free(row->regressed);
		row->prev = NULL;
		row->regressed = NULL;
		sb_release(&row->reasons);
		row->flagged = false;
	}
}

void check_judge(struct check_report *rep)
{
	size_t i, j, c;

	unjudge(rep);
	judge_columns(rep);
	rep->flagged = 0;
	for (i = 0; i < rep->nr; i++) {
		struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		bool booted_ok = r->booted && r->verdict == VV_OK;

		row->prev = xcalloc(rep->nr_cols + 1, sizeof(*row->prev));
		row->regressed = xcalloc(rep->nr_cols + 1, sizeof(bool));
		row->flagged = false;
		row->reference = i == 0;
		if (row->reference)
			continue;
		if (r->build == CB_FAIL)
			add_reason(row, "build failed");
		if (r->build == CB_OK) {
			for (j = i; j-- > 0; )
				if (rep->rows[j].r.build == CB_OK)
					break;
			if (j < i) {
				wset_diff(&rep->rows[j].r.warnings,
					  &r->warnings, &row->added,
					  &row->fixed);
				if (row->added.nr)
					add_reason(row, "%zu new warning%s",
						   row->added.nr,
						   row->added.nr == 1 ? "" :
						   "s");
			}
		}
		if (r->booted && r->verdict != VV_OK)
			add_reason(row, "boot: %s",
				   vm_verdict_name(r->verdict));
		for (c = 0; c < rep->nr_cols; c++) {
			const char *name = rep->cols[c];
			enum test_status shown, cur, prev = TS_NOTRUN;
			bool present, had = false, p2;
			bool bad = false;

			shown = cur = row_status(row, name, &present);
			if (!present)
				continue;
			for (j = i; j-- > 0; ) {
				prev = row_status(&rep->rows[j], name, &p2);
				if (p2 && prev != TS_NOTRUN) {
					had = true;
					break;
				}
			}
			row->prev[c] = had ? prev : TS_NOTRUN;
			if (cur == TS_NOTRUN && booted_ok)
				cur = TS_FAIL;	/* no result from a good boot */
			if (is_failure(cur))
				bad = !had || !(is_failure(prev) ||
						prev == TS_XFAIL);
			else if (cur == TS_XFAIL)
				bad = had && (prev == TS_PASS ||
					      prev == TS_XPASS);
			if (!bad)
				continue;
			/* A boot that died took its tests: say it once. */
			if (!booted_ok && (cur == TS_CRASH ||
					   cur == TS_TIMEOUT) &&
			    r->verdict != VV_OK && r->verdict != VV_HANG)
				continue;
			row->regressed[c] = true;
			if (had)
				add_reason(row, "%s %s->%s", name,
					   test_status_name(prev),
					   test_status_name(shown));
			else
				add_reason(row, "%s %s (no earlier result)",
					   name, test_status_name(shown));
		}
		if (row->flagged)
			rep->flagged++;
	}
}

void check_report_release(struct check_report *rep)
{
	size_t i;

	unjudge(rep);
	for (i = 0; i < rep->nr; i++) {
		check_result_release(&rep->rows[i].r);
		free(rep->rows[i].patch);
	}
	free(rep->rows);
	free(rep->from);
	free(rep->to);
	free(rep->tree);
	free(rep->accel_why);
	memset(rep, 0, sizeof(*rep));
}

/* Output */

#define SUBJECT_WIDTH	44

static void row_label(struct strbuf *sb, const struct check_row *row,
		      int width)
{
	const char *subj = row->r.subject ? row->r.subject : "";
	int n;

	if (row->index == 0 && row->reference)
		subj = "(base)";
	n = (int)strlen(subj);
	if (width > 0 && n > width - 5)
		sb_addf(sb, "%04zu %.*s~", row->index, width - 6, subj);
	else
		sb_addf(sb, "%04zu %-*s", row->index,
			width > 0 ? width - 5 : 0, subj);
}

static void quote_lines(struct strbuf *sb, const char *text,
			const char *prefix, unsigned int max)
{
	const char *p = text;
	unsigned int n = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (n++ == max) {
			sb_addf(sb, "%s...\n", prefix);
			break;
		}
		sb_addf(sb, "%s%.*s\n", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* The accelerator line, and the rows that ran under another one. */
static void matrix_accel(const struct check_report *rep, struct strbuf *sb)
{
	size_t i;

	if (rep->build_only || !rep->accel[0])
		return;
	sb_addf(sb, "guest accelerator: %s (%s)\n", rep->accel,
		rep->accel_why ? rep->accel_why : "");
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];

		if (!row->r.booted || !row->r.accel[0] ||
		    !strcmp(row->r.accel, rep->accel))
			continue;
		sb_addstr(sb, "  but under ");
		sb_addstr(sb, row->r.accel);
		sb_addstr(sb, ": ");
		row_label(sb, row, 0);
		sb_addch(sb, '\n');
	}
}

static void matrix_header(const struct check_report *rep, struct strbuf *sb)
{
	size_t c;
	int pad = SUBJECT_WIDTH + 1 + 6 + 4 + 4 + 1 + 12;

	matrix_accel(rep, sb);

	if (rep->nr_cols >= 10) {
		sb_addf(sb, "%*s", pad, "");
		for (c = 0; c < rep->nr_cols; c++)
			sb_addch(sb, (c + 1) % 10 ? ' ' :
				 '0' + ((c + 1) / 10) % 10);
		sb_addch(sb, '\n');
	}
	sb_addf(sb, "%-*s %-6s %3s %3s", SUBJECT_WIDTH, "patch", "build",
		"+w", "-w");
	if (!rep->build_only)
		sb_addf(sb, " %-12s", "boot");
	for (c = 0; c < rep->nr_cols; c++)
		sb_addch(sb, '0' + (c + 1) % 10);
	sb_addch(sb, '\n');
}

void check_format_matrix(const struct check_report *rep, struct strbuf *sb)
{
	size_t i, c;

	matrix_header(rep, sb);
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;

		row_label(sb, row, SUBJECT_WIDTH);
		sb_addf(sb, " %-6s", check_build_name(r->build));
		if (r->build == CB_OK && !row->reference)
			sb_addf(sb, " %3zu %3zu", row->added.nr,
				row->fixed.nr);
		else if (r->build == CB_OK)
			sb_addf(sb, " %3zu %3s", r->warnings.nr, "");
		else
			sb_addf(sb, " %3s %3s", "-", "-");
		if (!rep->build_only)
			sb_addf(sb, " %-12s", r->booted ?
				vm_verdict_name(r->verdict) : "-");
		for (c = 0; c < rep->nr_cols; c++) {
			bool present;
			enum test_status s = row_status(row, rep->cols[c],
							&present);
			char ch = check_status_char(s);

			sb_addch(sb, ch);
		}
		if (row->flagged)
			sb_addstr(sb, "  <-");
		sb_addch(sb, '\n');
	}
	if (rep->nr_cols) {
		sb_addstr(sb, "\ntests:");
		for (c = 0; c < rep->nr_cols; c++)
			sb_addf(sb, "%s%zu %s", c % 4 ? "   " : "\n  ", c + 1,
				rep->cols[c]);
		sb_addstr(sb, "\n");
	}
	sb_addstr(sb, "\nbuild: ok/FAIL; +w/-w: warnings added/fixed against the last patch that\n"
		  "built (the first row: its total); boot: the verdict; tests: P pass, S skip,\n"
		  "F fail, x known failure, - not run; <- this patch is flagged\n");
	if (!rep->flagged) {
		sb_addf(sb, "\nno patch flagged: %zu patch%s build%s",
			rep->nr ? rep->nr - 1 : 0,
			rep->nr == 2 ? "" : "es", rep->nr == 2 ? "s" : "");
		if (!rep->build_only)
			sb_addstr(sb, ", boot, and no test regresses");
		sb_addstr(sb, "\n");
	}
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		size_t j;

		if (!row->flagged && !row->fixed.nr &&
		    !(row->reference && (r->build != CB_OK ||
					 (r->booted && r->verdict != VV_OK))))
			continue;
		sb_addch(sb, '\n');
		row_label(sb, row, 0);
		sb_addf(sb, " (%.12s)", r->commit);
		if (row->patch)
			sb_addf(sb, " %s", row->patch);
		sb_addf(sb, "\n  %s\n", row->flagged ? row->reasons.buf :
			row->reference ? "(the reference, not judged)" :
			"not flagged");
		if (r->build == CB_FAIL && r->errors) {
			sb_addstr(sb, "  build errors:\n");
			quote_lines(sb, r->errors, "  ", 12);
			if (r->log && !access(r->log, F_OK))
				sb_addf(sb, "  log: %s\n", r->log);
		}
		for (j = 0; j < row->added.nr; j++)
			sb_addf(sb, "  + warning: %s%s%s\n",
				row->added.w[j].file,
				*row->added.w[j].file ? ": " : "",
				row->added.w[j].msg);
		for (j = 0; j < row->fixed.nr; j++)
			sb_addf(sb, "  - warning (fixed): %s%s%s\n",
				row->fixed.w[j].file,
				*row->fixed.w[j].file ? ": " : "",
				row->fixed.w[j].msg);
		if (r->booted && r->verdict != VV_OK) {
			sb_addf(sb, "  boot: %s\n", vm_verdict_name(r->verdict));
			quote_lines(sb, r->evidence, "    | ", 8);
		}
		for (c = 0; c < rep->nr_cols; c++) {
			const struct check_test *t;

			if (!row->regressed[c])
				continue;
			t = check_result_test(r, rep->cols[c]);
			sb_addf(sb, "  %s: %s", rep->cols[c],
				test_status_name(t->status));
			if (t->reason)
				sb_addf(sb, " (%s)", t->reason);
			sb_addch(sb, '\n');
			quote_lines(sb, t->output, "    | ", 10);
		}
	}
}

static void json_wset(struct strbuf *sb, const char *key,
		      const struct wset *ws)
{
	size_t i;

	json_key(sb, key);
	sb_addch(sb, '[');
	for (i = 0; i < ws->nr; i++) {
		sb_addstr(sb, i ? ",{" : "{");
		json_key(sb, "file");
		json_str(sb, ws->w[i].file);
		sb_addch(sb, ',');
		json_key(sb, "message");
		json_str(sb, ws->w[i].msg);
		sb_addch(sb, '}');
	}
	sb_addch(sb, ']');
}

static void json_opt_str(struct strbuf *sb, const char *s)
{
	if (s)
		json_str(sb, s);
	else
		sb_addstr(sb, "null");
}

void check_format_json(const struct check_report *rep, struct strbuf *sb)
{
	size_t i, c;

	sb_addch(sb, '{');
	json_key(sb, "tree");
	json_opt_str(sb, rep->tree);
	sb_addch(sb, ',');
	json_key(sb, "from");
	json_opt_str(sb, rep->from);
	sb_addch(sb, ',');
	json_key(sb, "to");
	json_opt_str(sb, rep->to);
	sb_addch(sb, ',');
	json_key(sb, "accel");
	json_opt_str(sb, rep->accel[0] ? rep->accel : NULL);
	sb_addch(sb, ',');
	json_key(sb, "accel_reason");
	json_opt_str(sb, rep->accel_why);
	sb_addf(sb, ",\"build_only\":%s,\"flagged\":%u,\"tests\":[",
		rep->build_only ? "true" : "false", rep->flagged);
	for (c = 0; c < rep->nr_cols; c++) {
		if (c)
			sb_addch(sb, ',');
		json_str(sb, rep->cols[c]);
	}
	sb_addstr(sb, "],\"patches\":[");
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;

		if (i)
			sb_addch(sb, ',');
		sb_addf(sb, "{\"index\":%zu,", row->index);
		json_key(sb, "commit");
		json_str(sb, r->commit);
		sb_addch(sb, ',');
		json_key(sb, "subject");
		json_opt_str(sb, r->subject);
		sb_addch(sb, ',');
		json_key(sb, "patch");
		json_opt_str(sb, row->patch);
		sb_addf(sb, ",\"reference\":%s,\"flagged\":%s,",
			row->reference ? "true" : "false",
			row->flagged ? "true" : "false");
		json_key(sb, "reasons");
		json_str(sb, row->reasons.buf ? row->reasons.buf : "");
		sb_addf(sb, ",\"cached\":%s,\"total_secs\":%.3f,",
			r->cached ? "true" : "false", r->total_secs);
		json_key(sb, "build");
		sb_addch(sb, '{');
		json_key(sb, "status");
		json_str(sb, r->build == CB_OK ? "ok" : r->build == CB_FAIL ?
			 "fail" : "not run");
		sb_addf(sb, ",\"make_secs\":%.3f,\"compiled\":%u,",
			r->make_secs, r->compiled);
		json_key(sb, "errors");
		json_opt_str(sb, r->errors);
		sb_addch(sb, ',');
		json_key(sb, "log");
		json_opt_str(sb, r->log);
		sb_addch(sb, ',');
		json_key(sb, "same_build");
		json_opt_str(sb, r->same_build[0] ? r->same_build : NULL);
		sb_addstr(sb, "},\"warnings\":{");
		sb_addf(sb, "\"total\":%zu,", r->warnings.nr);
		json_wset(sb, "added", &row->added);
		sb_addch(sb, ',');
		json_wset(sb, "fixed", &row->fixed);
		sb_addstr(sb, "},\"boot\":");
		if (r->booted) {
			sb_addch(sb, '{');
			json_key(sb, "verdict");
			json_str(sb, vm_verdict_name(r->verdict));
			sb_addch(sb, ',');
			json_key(sb, "accel");
			json_opt_str(sb, r->accel[0] ? r->accel : NULL);
			sb_addf(sb, ",\"qemu_secs\":%.3f,\"boots\":%u,\"retries\":%u,",
				r->boot_secs, r->boots, r->retries);
			json_key(sb, "evidence");
			json_opt_str(sb, r->evidence);
			sb_addch(sb, '}');
		} else {
			sb_addstr(sb, "null");
		}
		sb_addstr(sb, ",\"tests\":[");
		for (c = 0; c < r->nr_tests; c++) {
			const struct check_test *t = &r->tests[c];
			size_t col;

			for (col = 0; col < rep->nr_cols; col++)
				if (!strcmp(rep->cols[col], t->name))
					break;
			if (c)
				sb_addch(sb, ',');
			sb_addch(sb, '{');
			json_key(sb, "name");
			json_str(sb, t->name);
			sb_addch(sb, ',');
			json_key(sb, "status");
			json_str(sb, test_status_name(t->status));
			sb_addch(sb, ',');
			json_key(sb, "previous");
			if (col < rep->nr_cols &&
			    row->prev[col] != TS_NOTRUN)
				json_str(sb, test_status_name(row->prev[col]));
			else
				sb_addstr(sb, "null");
			sb_addf(sb, ",\"regression\":%s,",
				col < rep->nr_cols && row->regressed[col] ?
				"true" : "false");
			if (t->secs >= 0)
				sb_addf(sb, "\"secs\":%.3f,", t->secs);
			else
				sb_addstr(sb, "\"secs\":null,");
			json_key(sb, "reason");
			json_opt_str(sb, t->reason);
			sb_addch(sb, ',');
			json_key(sb, "output");
			json_opt_str(sb, t->output);
			sb_addch(sb, '}');
		}
		sb_addstr(sb, "]}");
	}
	sb_addstr(sb, "]}\n");
}

void check_format_junit(const struct check_report *rep, struct strbuf *sb)
{
	struct junit_suite *suites = xcalloc(rep->nr + 1, sizeof(*suites));
	struct strbuf *texts;
	size_t i, c, nt = 0;

	/* Strings the cases point at: two a row, one a test. */
	for (i = 0; i < rep->nr; i++)
		nt += 2 + rep->rows[i].r.nr_tests;
	texts = xcalloc(nt + 1, sizeof(*texts));
	nt = 0;
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		struct junit_suite *s = &suites[i];
		struct strbuf name = STRBUF_INIT;
		struct strbuf *w = &texts[nt++], *b = &texts[nt++];
		size_t j;

		row_label(&name, row, 0);
		s->name = sb_detach(&name);
		s->id = xstrdup(r->commit);
		if (r->build == CB_NOTRUN)
			junit_add(s, "build", JU_SKIP, -1, "not built", NULL);
		else
			junit_add(s, "build", r->build == CB_OK ? JU_PASS :
				  JU_FAIL, r->make_secs, "the build failed",
				  r->errors);
		for (j = 0; j < row->added.nr; j++)
			sb_addf(w, "%s: %s\n", row->added.w[j].file,
				row->added.w[j].msg);
		if (r->build == CB_OK)
			junit_add(s, "warnings", row->added.nr && !row->reference ?
				  JU_FAIL : JU_PASS, -1,
				  "new compiler warnings", w->buf);
		if (!r->booted) {
			junit_add(s, "boot", JU_SKIP, -1, rep->build_only ?
				  "build only" : "not booted", NULL);
		} else {
			/* The case's name says which accelerator ran it. */
			const char *name = !strcmp(r->accel, "kvm") ?
					   "boot (kvm)" :
					   !strcmp(r->accel, "tcg") ?
					   "boot (tcg)" : "boot";

			sb_addf(b, "boot: %s", vm_verdict_name(r->verdict));
			junit_add(s, name, r->verdict == VV_OK ? JU_PASS :
				  JU_FAIL, r->boot_secs, b->buf, r->evidence);
		}
		for (c = 0; c < rep->nr_cols; c++) {
			const struct check_test *t =
				check_result_test(r, rep->cols[c]);
			struct strbuf *m;

			if (!t)
				continue;
			m = &texts[nt++];
			if (row->regressed[c]) {
				if (row->prev[c] != TS_NOTRUN)
					sb_addf(m, "%s -> %s",
						test_status_name(row->prev[c]),
						test_status_name(t->status));
				else
					sb_addf(m, "%s (no earlier result)",
						test_status_name(t->status));
				if (t->reason)
					sb_addf(m, ": %s", t->reason);
				junit_add(s, t->name, JU_FAIL, t->secs, m->buf,
					  t->output);
			} else if (t->status == TS_PASS ||
				   t->status == TS_XPASS ||
				   (row->reference &&
				    !is_failure(t->status) &&
				    t->status != TS_NOTRUN && t->status !=
				    TS_SKIP)) {
				junit_add(s, t->name, JU_PASS, t->secs, NULL,
					  NULL);
			} else {
				sb_addf(m, "%s%s%s", test_status_name(t->status),
					t->reason ? ": " : "",
					t->reason ? t->reason : "");
				junit_add(s, t->name, JU_SKIP, t->secs, m->buf,
					  NULL);
			}
		}
	}
	junit_write(sb, suites, rep->nr);
	for (i = 0; i < rep->nr; i++)
		junit_suite_release(&suites[i]);
	free(suites);
	for (i = 0; i < nt; i++)
		sb_release(&texts[i]);
	free(texts);
}

void check_format_tap(const struct check_report *rep, struct strbuf *sb)
{
	size_t i;

	if (rep->accel[0] && !rep->build_only)
		sb_addf(sb, "# guest accelerator: %s (%s)\n", rep->accel,
			rep->accel_why ? rep->accel_why : "");
	sb_addf(sb, "1..%zu\n", rep->nr ? rep->nr - 1 : 0);
	for (i = 1; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];

		sb_addf(sb, "%sok %zu - ", row->flagged ? "not " : "", i);
		row_label(sb, row, 0);
		if (row->flagged)
			sb_addf(sb, " # %s", row->reasons.buf);
		sb_addch(sb, '\n');
	}
}
