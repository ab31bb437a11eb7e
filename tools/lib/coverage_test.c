// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of patch coverage: gcov's JSON read and merged, the init's
 * gcov frame, the Makefile marks, the blame of added lines to patches on
 * a small git repository, their classification and the per-patch and
 * per-topic figures and reports.
 */
#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coverage.h"
#include "util.h"

/* A unit's JSON as gcc 12's gcov writes it (shortened). */
static const char unit_a[] =
	"{\"gcc_version\": \"12.2.0\", \"files\": [{\"lines\": ["
	"{\"branches\": [], \"count\": 0, \"line_number\": 2, \"unexecuted_block\": true, \"function_name\": \"never\"},"
	"{\"branches\": [], \"count\": 0, \"line_number\": 4, \"unexecuted_block\": true, \"function_name\": \"never\"},"
	"{\"branches\": [], \"count\": 3, \"line_number\": 6, \"unexecuted_block\": false, \"function_name\": \"main\"},"
	"{\"branches\": [], \"count\": 0, \"line_number\": 9, \"unexecuted_block\": true, \"function_name\": \"main\"}],"
	" \"functions\": [{\"blocks\": 2, \"end_column\": 1, \"start_line\": 2, \"name\": \"never\", \"blocks_executed\": 0, \"execution_count\": 0, \"demangled_name\": \"never\", \"start_column\": 12, \"end_line\": 5},"
	"{\"blocks\": 5, \"end_column\": 1, \"start_line\": 6, \"name\": \"main\", \"blocks_executed\": 3, \"execution_count\": 1, \"demangled_name\": \"main\", \"start_column\": 5, \"end_line\": 11}],"
	" \"file\": \"/k/src/arch/x86/kvm/x.c\"},"
	"{\"lines\": [{\"count\": 0, \"line_number\": 7}], \"functions\": [],"
	" \"file\": \"../src/./arch/x86/kvm/x86.h\"}],"
	" \"format_version\": \"1\", \"current_working_directory\": \"/k/build\", \"data_file\": \"x.gcda\"}";

/* A second unit inlining the same header, and a boot running line 9. */
static const char unit_b[] =
	"{\"files\": [{\"lines\": [{\"count\": 5, \"line_number\": 7},"
	"{\"count\": 1, \"line_number\": 8}], \"functions\": [],"
	" \"file\": \"/k/src/arch/x86/kvm/x86.h\"},"
	"{\"lines\": [{\"count\": 2, \"line_number\": 9}], \"functions\": ["
	"{\"name\": \"main\", \"start_line\": 6, \"end_line\": 11, \"execution_count\": 2}],"
	" \"file\": \"/k/src/arch/x86/kvm/x.c\"}],"
	" \"current_working_directory\": \"/k/build\"}";

static uint64_t count_of(const struct cov_file *f, unsigned int line)
{
	size_t i;

	for (i = 0; i < f->nr_lines; i++)
		if (f->lines[i].line == line)
			return f->lines[i].count;
	return (uint64_t)-1;
}

static void test_gcov_json(void **state)
{
	struct cov_data d = { 0 };
	struct strbuf err = STRBUF_INIT;
	const struct cov_file *x, *h;

	assert_int_equal(cov_data_add_json(&d, unit_a, strlen(unit_a), "/k/src",
					   &err), 0);
	x = cov_data_find(&d, "arch/x86/kvm/x.c");
	assert_non_null(x);
	assert_int_equal(x->nr_lines, 4);
	assert_int_equal(count_of(x, 6), 3);
	assert_int_equal(count_of(x, 9), 0);
	assert_int_equal(count_of(x, 5), (uint64_t)-1);
	assert_int_equal(x->nr_funcs, 2);
	assert_string_equal(x->funcs[0].name, "never");
	assert_int_equal(x->funcs[0].start, 2);
	assert_int_equal(x->funcs[0].end, 5);
	assert_int_equal(x->funcs[0].count, 0);
	/* relative to the JSON's working directory, then to the tree */
	h = cov_data_find(&d, "arch/x86/kvm/x86.h");
	assert_non_null(h);
	assert_int_equal(count_of(h, 7), 0);

	/* a second unit and boot: counts add up, lines join */
	assert_int_equal(cov_data_add_json(&d, unit_b, strlen(unit_b), "/k/src",
					   &err), 0);
	h = cov_data_find(&d, "arch/x86/kvm/x86.h");
	assert_int_equal(h->nr_lines, 2);
	assert_int_equal(count_of(h, 7), 5);
	assert_int_equal(count_of(h, 8), 1);
	x = cov_data_find(&d, "arch/x86/kvm/x.c");
	assert_int_equal(count_of(x, 9), 2);
	assert_int_equal(x->nr_funcs, 2);
	assert_int_equal(x->funcs[1].count, 3);
	assert_null(cov_data_find(&d, "arch/x86/kvm/y.c"));
	assert_int_equal(err.len, 0);
	cov_data_release(&d);
}

static void test_gcov_json_errors(void **state)
{
	struct cov_data d = { 0 };
	struct strbuf err = STRBUF_INIT;
	static const char *const bad[] = {
		"", "{", "{\"files\": 3}", "[1,2]", "{\"files\": [}",
		"{\"a\": \"unterminated}", "{\"files\": [{\"file\": \"x\\q\"}]}",
	};
	static const char odd[] =
		"{\"files\": [{\"file\": \"/usr/include/a\\u0062c.h\","
		" \"x\": [[{}], true, null, -1.5e3],"
		" \"lines\": [{\"line_number\": 1, \"count\": 1}]},"
		" {\"file\": \"/usr/include/d\\/e\\\\f\\tg.h\","
		" \"lines\": [{\"line_number\": 1, \"count\": 1}]}]}";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		sb_reset(&err);
		assert_int_equal(cov_data_add_json(&d, bad[i], strlen(bad[i]),
						   "/k", &err), -1);
		assert_true(err.len > 0);
	}
	/* escapes, nesting and outside paths */
	sb_reset(&err);
	assert_int_equal(cov_data_add_json(&d, odd, strlen(odd), "/k", &err),
			 0);
	assert_non_null(cov_data_find(&d, "/usr/include/abc.h"));
	assert_non_null(cov_data_find(&d, "/usr/include/d/e\\f\tg.h"));
	sb_release(&err);
	cov_data_release(&d);
}

static void test_normalise(void **state)
{
	static const char *const cases[][2] = {
		{ "a/./b/../c", "a/c" }, { "/x//y/", "/x/y" },
		{ "../a/../../b", "../../b" }, { "/..", "/" }, { ".", "." },
		{ "./arch/x86/kvm/x86.c", "arch/x86/kvm/x86.c" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *n = cov_normalise_path(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

static void test_frame(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	unsigned int n = 0;
	/* "hello, gcov" in base64 over two lines, with a CR and noise */
	const char *ok = "noise\nks-gcov: begin\naGVsbG8s\r\nIGdjb3Y=\nks-gcov: end 7\ntail\n";
	const char *none = "ks-gcov: none no readable .gcda (lockdown?)\n";
	const char *cut = "ks-gcov: begin\naGVsbG8s\n";
	const char *bad = "ks-gcov: begin\naGV*bG8s\nks-gcov: end 1\n";

	assert_int_equal(cov_frame_decode(ok, strlen(ok), &out, &n, &err), 0);
	assert_string_equal(out.buf, "hello, gcov");
	assert_int_equal(n, 7);
	assert_int_equal(cov_frame_decode(none, strlen(none), &out, &n, &err), -1);
	assert_string_equal(err.buf, "no readable .gcda (lockdown?)");
	sb_reset(&err);
	assert_int_equal(cov_frame_decode(cut, strlen(cut), &out, &n, &err), -1);
	assert_non_null(strstr(err.buf, "cut short"));
	sb_reset(&err);
	assert_int_equal(cov_frame_decode(bad, strlen(bad), &out, &n, &err), -1);
	assert_non_null(strstr(err.buf, "not base64"));
	sb_reset(&err);
	assert_int_equal(cov_frame_decode("", 0, &out, &n, &err), -1);
	assert_non_null(strstr(err.buf, "no gcov data"));
	sb_release(&out);
	sb_release(&err);
}

static void test_profile_marks(void **state)
{
	char *paths[] = {
		"Documentation/virt/kvm/api.rst", "arch/powerpc/kvm/booke.c",
		"arch/x86/kernel/machine_kexec_64.c", "arch/x86/kvm/svm/nested.c",
		"arch/x86/kvm/x86.c", "arch/x86/kvm/x86.h", "drivers/vfio/vfio.c",
		"kernel/kexec.c", "kernel/kexec_core.c",
		"tools/testing/selftests/kvm/x.c", "virt/kvm/kvm_main.c",
	};
	char **m = NULL;
	size_t nr = 0;

	cov_profile_marks(paths, ARRAY_SIZE(paths), &m, &nr);
	assert_int_equal(nr, 5);
	assert_string_equal(m[0], "arch/x86/kernel/Makefile\tGCOV_PROFILE_machine_kexec_64.o := y");
	assert_string_equal(m[1], "arch/x86/kvm/Makefile\tGCOV_PROFILE := y");
	assert_string_equal(m[2], "drivers/vfio/Makefile\tGCOV_PROFILE_vfio.o := y");
	assert_string_equal(m[3], "kernel/Makefile\tGCOV_PROFILE_kexec.o := y");
	assert_string_equal(m[4], "kernel/Makefile\tGCOV_PROFILE_kexec_core.o := y");
	assert_null(m[5]);
	while (nr--)
		free(m[nr]);
	free(m);
}

/* Blame on a small repository: base, then two "patches". */
static char dir[64];

static void sh(const char *fmt, ...) __printf(1, 2);

static void sh(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	va_list ap;

	sb_addf(&cmd, "cd %s && ", dir);
	va_start(ap, fmt);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	sb_addstr(&cmd, " >/dev/null 2>&1");
	if (system(cmd.buf))
		fail_msg("failed: %s", cmd.buf);
	sb_release(&cmd);
}

static void rev(git_repository *repo, const char *spec, git_oid *out)
{
	git_object *o;

	assert_int_equal(git_revparse_single(&o, repo, spec), 0);
	git_oid_cpy(out, git_object_id(o));
	git_object_free(o);
}

#define GIT "git -c user.name=a -c user.email=b@c "

static void test_blame(void **state)
{
	git_repository *repo;
	git_oid base, commits[2];
	struct cov_added_set s = { 0 };
	struct strbuf err = STRBUF_INIT;
	char **paths;
	size_t nr;

	strcpy(dir, "/tmp/kseries-cov-XXXXXX");
	assert_non_null(mkdtemp(dir));
	sh("git init -q && printf 'int a;\\nint b;\\nint c;\\n' > x.c && "
	   "printf 'doc\\n' > r.txt && git add -A && " GIT "commit -q -m base");
	/* patch 1: two lines after a, a new file */
	sh("printf 'int a;\\nint p1;\\nint p1b;\\nint b;\\nint c;\\n' > x.c && "
	   "printf 'new\\n' > n.h && git add -A && " GIT "commit -q -m p1");
	/* patch 2: rewrites p1b, appends, deletes r.txt */
	sh("printf 'int a;\\nint p1;\\nint p2;\\nint b;\\nint c;\\nint p2b;\\n' > x.c && "
	   "git rm -q r.txt && git add -A && " GIT "commit -q -m p2");
	git_libgit2_init();
	assert_int_equal(git_repository_open(&repo, dir), 0);
	rev(repo, "HEAD~2", &base);
	rev(repo, "HEAD~1", &commits[0]);
	rev(repo, "HEAD", &commits[1]);

	assert_int_equal(cov_changed_paths(repo, &base, &commits[1], &paths,
					   &nr, &err), 0);
	assert_int_equal(nr, 2);
	assert_string_equal(paths[0], "n.h");
	assert_string_equal(paths[1], "x.c");

	assert_int_equal(cov_blame_file(repo, &base, &commits[1], commits, 2,
					"x.c", &s, &err), 0);
	assert_int_equal(s.nr, 3);
	assert_int_equal(s.l[0].line, 2);
	assert_int_equal(s.l[0].patch, 0);
	assert_string_equal(s.l[0].text, "int p1;");
	assert_int_equal(s.l[1].line, 3);
	assert_int_equal(s.l[1].patch, 1);
	assert_string_equal(s.l[1].text, "int p2;");
	assert_int_equal(s.l[2].line, 6);
	assert_int_equal(s.l[2].patch, 1);
	/* a file only the series has; one it deleted adds nothing */
	assert_int_equal(cov_blame_file(repo, &base, &commits[1], commits, 2,
					"n.h", &s, &err), 0);
	assert_int_equal(cov_blame_file(repo, &base, &commits[1], commits, 2,
					"r.txt", &s, &err), 0);
	assert_int_equal(s.nr, 4);
	assert_string_equal(s.l[3].path, "n.h");
	assert_int_equal(s.l[3].patch, 0);

	while (nr--)
		free(paths[nr]);
	free(paths);
	cov_added_release(&s);
	sb_release(&err);
	git_repository_free(repo);
	git_libgit2_shutdown();
	remove_tree(dir);
}

/* Classification and the figures, on made-up lines and data. */
static void test_report(void **state)
{
	struct cov_data d = { 0 };
	struct cov_added_set s = { 0 };
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct cov_report r;
	json_t *meta;
	char *names[] = { "0001-a.patch", "0002-b.patch", "0003-c.patch" };
	char *topics[] = { "t1", "t1", "t2" };

	assert_int_equal(cov_data_add_json(&d, unit_a, strlen(unit_a), "/k/src",
					   &err), 0);
	/* patch 1: main's line 6 (run), never's 4 (not run), line 5 */
	cov_added_push(&s, "arch/x86/kvm/x.c", 6, 0, "run();", 6);
	cov_added_push(&s, "arch/x86/kvm/x.c", 4, 0, "return x * 2;", 13);
	cov_added_push(&s, "arch/x86/kvm/x.c", 5, 0, "}", 1);
	/* patch 2: a header gcov knows nothing of, documentation */
	cov_added_push(&s, "include/linux/new.h", 3, 1, "#define X 1", 11);
	cov_added_push(&s, "Documentation/a.rst", 3, 1, "text", 4);
	/* patch 3: a C file not built; main's line 9 (not run) */
	cov_added_push(&s, "arch/x86/kernel/sev-es.c", 10, 2, "x();", 4);
	cov_added_push(&s, "arch/x86/kvm/x.c", 9, 2, "<b>&", 4);
	cov_classify(&s, &d);
	assert_int_equal(s.l[0].state, CS_EXECUTED);
	assert_int_equal(s.l[0].count, 3);
	assert_int_equal(s.l[1].state, CS_NOT_EXECUTED);
	assert_int_equal(s.l[2].state, CS_NOT_CODE);
	assert_int_equal(s.l[3].state, CS_NOT_CODE);
	assert_int_equal(s.l[4].state, CS_NOT_CODE);
	assert_int_equal(s.l[5].state, CS_NO_DATA);
	assert_int_equal(s.l[6].state, CS_NOT_EXECUTED);

	cov_report_build(&r, &s, &d, names, topics, 3);
	assert_int_equal(r.nr_topics, 2);
	assert_string_equal(r.topics[0].name, "t1");
	assert_int_equal(r.topics[0].nr, 2);
	assert_int_equal(r.patches[0].st.added, 3);
	assert_int_equal(r.patches[0].st.executable, 2);
	assert_int_equal(r.patches[0].st.executed, 1);
	assert_true(cov_percent(&r.patches[0].st) == 50.0);
	assert_int_equal(r.patches[0].st.nr_never, 1);
	assert_string_equal(r.patches[0].st.never[0], "never");
	assert_int_equal(r.patches[1].st.executable, 0);
	assert_true(cov_percent(&r.patches[1].st) < 0);
	assert_int_equal(r.patches[2].st.no_data, 1);
	/* main was entered: not listed though line 9 never ran */
	assert_int_equal(r.patches[2].st.nr_never, 0);
	assert_int_equal(r.topics[0].st.added, 5);
	assert_int_equal(r.topics[0].st.executed, 1);
	assert_int_equal(r.total.executable, 3);
	assert_int_equal(r.total.executed, 1);

	cov_report_text(&out, &r);
	assert_non_null(strstr(out.buf, "  0001-a.patch"));
	assert_non_null(strstr(out.buf, "50.0%"));
	assert_non_null(strstr(out.buf, "never entered: never\n"));
	sb_reset(&out);
	meta = json_pack("{s:s}", "tip", "abc");
	cov_report_json(&out, &r, meta);
	json_decref(meta);
	assert_true(starts_with(out.buf, "{\"tip\":\"abc\",\"patches\":[{\"index\":1,"));
	assert_non_null(strstr(out.buf, "\"executable\":2,\"executed\":1,\"not_code\":1,\"no_data\":0,\"percent\":50.0,\"never_entered\":[\"never\"]"));
	assert_non_null(strstr(out.buf, "\"percent\":null"));
	sb_reset(&out);
	cov_report_html(&out, &r, &s, "T <1>");
	assert_non_null(strstr(out.buf, "<title>T &lt;1&gt;</title>"));
	assert_non_null(strstr(out.buf, "<span class=\"u\">     9        0 &lt;b&gt;&amp;</span>"));
	assert_non_null(strstr(out.buf, "<span class=\"x\">     6        3 run();</span>"));
	assert_non_null(strstr(out.buf, "<a href=\"#p3\">0003-c.patch</a>"));

	cov_report_release(&r);
	cov_added_release(&s);
	cov_data_release(&d);
	sb_release(&out);
	sb_release(&err);
}

/* The JSON report read back: order, types, rounding, Latin-1 names. */
static void test_report_json(void **state)
{
	char *never[] = { "f\xfcnf", "ok" };
	struct cov_patch p[2] = {
		{ .name = "0001-caf\xe9.patch", .topic = NULL,
		  .st = { .added = 4, .executable = 3, .executed = 2,
			  .never = never, .nr_never = 2 } },
		{ .name = "0002-b.patch", .topic = "t",
		  .st = { .added = 1, .not_code = 1 } },
	};
	struct cov_topic t = { .name = "t", .first = 1, .nr = 1,
			       .st = p[1].st };
	struct cov_report r = { .patches = p, .nr_patches = 2,
				.topics = &t, .nr_topics = 1,
				.total = { .added = 5, .executable = 3,
					   .executed = 2 } };
	struct strbuf out = STRBUF_INIT;
	json_t *meta = json_pack("{s:s,s:n}", "tip", "abc", "boots");
	json_t *doc, *o;
	const char *key;
	const char *want[] = { "tip", "boots", "patches", "topics", "total" };
	size_t i = 0;

	cov_report_json(&out, &r, meta);
	json_decref(meta);
	assert_true(out.len && out.buf[out.len - 1] == '\n');
	doc = json_loads(out.buf, 0, NULL);
	assert_non_null(doc);
	json_object_foreach(doc, key, o)
		assert_string_equal(key, want[i++]);
	assert_int_equal(i, ARRAY_SIZE(want));
	o = json_array_get(json_object_get(doc, "patches"), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "index")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "0001-caf\xc3\xa9.patch");
	assert_true(json_is_null(json_object_get(o, "topic")));
	assert_true(json_is_real(json_object_get(o, "percent")));
	assert_non_null(strstr(out.buf, "\"percent\":66.7,"));
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(o, "never_entered"), 0)), "f\xc3\xbcnf");
	o = json_array_get(json_object_get(doc, "patches"), 1);
	assert_string_equal(json_string_value(json_object_get(o, "topic")),
			    "t");
	assert_true(json_is_null(json_object_get(o, "percent")));
	o = json_array_get(json_object_get(doc, "topics"), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "first")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "patches")), 1);
	o = json_object_get(doc, "total");
	assert_int_equal(json_integer_value(json_object_get(o, "added")), 5);
	assert_int_equal(json_array_size(json_object_get(o, "never_entered")),
			 0);
	json_decref(doc);

	/* No meta: the report alone. */
	sb_reset(&out);
	cov_report_json(&out, &r, NULL);
	assert_true(starts_with(out.buf, "{\"patches\":[{\"index\":1,"));
	sb_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcov_json),
		cmocka_unit_test(test_gcov_json_errors),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_profile_marks),
		cmocka_unit_test(test_blame),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_json),
	};

	return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
