// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cocci: the function scanner on tricky C, the reduction
 * (sparse and dense), identifiers and grep queries, spatch's report
 * lines and "line N", and, where spatch is installed, a patch that adds
 * one finding and fixes another in a small repository, run twice (the
 * second time from the cache).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cocci.h"
#include "util.h"

#define KERNEL_SCRIPTS	"/root/.cache/kseries/src/scripts/coccinelle"

static const char tricky[] =
	"/* a comment { with a brace */\n"		/* 1 */
	"#include <linux/x.h>\n"
	"#define FOO(x) { x }\n"
	"#define BAR(a) \\\n"
	"\tdo { } while (0)\n"				/* 5 */
	"struct s { int a; };\n"
	"static struct s v = { .a = f(1) };\n"
	"static const char *str = \"{ not (a) body }\";\n"
	"static char c = '{';\n"
	"int plain(int a)\n"				/* 10 */
	"{\n"
	"\tconst char *s = \"}\";\n"
	"\tchar c = '}';\n"
	"\t/* } */\n"
	"\t// }\n"					/* 15 */
	"\treturn a;\n"
	"}\n"
	"static void attr(void) __acquires(x) __must_hold(&y)\n"
	"{\n"
	"}\n"						/* 20 */
	"int __attribute__((unused)) named(void)\n"
	"{\n"
	"\tif (1) {\n"
	"#ifdef X\n"
	"\tif (2) {\n"					/* 25 */
	"#else\n"
	"\tif (3) {\n"
	"#endif\n"
	"\t}\n"
	"\t}\n"						/* 30 */
	"}\n"
	"int arr[] = { 1, 2 };\n"
	"static int (*fp)(int) = { 0 };\n"
	"static int *\n"
	"multi(int a,\n"				/* 35 */
	"      int b) { return a; }\n"
	"DECLARE_X(y);\n"
	"enum e { A, B };\n"
	"__printf(1, 2) static char *fmt(const char *f, ...)\n"
	"{\n"						/* 40 */
	"}\n"
	"int g(void) = 1;\n"
	"int h(void) 2 { }\n";

static void test_functions(void **state)
{
	static const struct { const char *name; unsigned int a, b; } want[] = {
		{ "plain", 10, 17 }, { "attr", 18, 20 }, { "named", 21, 31 },
		{ "multi", 34, 36 }, { "fmt", 39, 41 },
	};
	struct cocci_func *f;
	size_t n = cocci_functions(tricky, strlen(tricky), &f), i;

	assert_int_equal(n, ARRAY_SIZE(want));
	for (i = 0; i < n; i++) {
		assert_string_equal(f[i].name, want[i].name);
		assert_int_equal(f[i].first, want[i].a);
		assert_int_equal(f[i].last, want[i].b);
	}
	cocci_functions_release(f, n);
}

static void test_functions_unclosed(void **state)
{
	static const char text[] = "int a(void)\n{\n}\nint b(void)\n{\n";
	struct cocci_func *f;
	size_t n = cocci_functions(text, strlen(text), &f);

	assert_int_equal(n, 1);
	assert_string_equal(f[0].name, "a");
	cocci_functions_release(f, n);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The text of line @n (1-based) of @s, allocated. */
static char *line_of(const char *s, unsigned int n)
{
	while (--n && s)
		s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL;
	assert_non_null(s);
	return xstrndup(s, strchrnul(s, '\n') - s);
}

static void test_reduce_sparse(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct cocci_func *f;
	size_t n = cocci_functions(tricky, strlen(tricky), &f);
	bool keep[5] = { false, true, false, true, false };
	unsigned int ln;

	assert_int_equal(n, 5);
	cocci_reduce(tricky, strlen(tricky), f, keep, n, false, NULL, &out,
		     NULL);
	assert_int_equal(count_lines(out.buf), count_lines(tricky));
	for (ln = 1; ln <= count_lines(tricky); ln++) {
		char *got = line_of(out.buf, ln), *orig = line_of(tricky, ln);
		bool in = (ln >= 18 && ln <= 20) || (ln >= 34 && ln <= 36);

		assert_string_equal(got, in ? orig : "");
		free(got);
		free(orig);
	}
	sb_reset(&out);
	/* With #defines, and their continuation lines. */
	cocci_reduce(tricky, strlen(tricky), f, keep, n, true, NULL, &out,
		     NULL);
	assert_int_equal(count_lines(out.buf), count_lines(tricky));
	assert_true(starts_with(out.buf, "\n\n#define FOO(x) { x }\n"
				"#define BAR(a) \\\n\tdo { } while (0)\n\n"));
	sb_release(&out);
	cocci_functions_release(f, n);
}

static void test_reduce_dense(void **state)
{
	static const unsigned int want[] = { 18, 19, 20, 34, 35, 36 };
	struct cocci_lines map = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct cocci_func *f;
	size_t n = cocci_functions(tricky, strlen(tricky), &f), i;
	bool keep[5] = { false, true, false, true, false };

	cocci_reduce(tricky, strlen(tricky), f, keep, n, false, NULL, &out,
		     &map);
	assert_string_equal(out.buf,
			    "static void attr(void) __acquires(x) __must_hold(&y)\n"
			    "{\n}\nstatic int *\nmulti(int a,\n"
			    "      int b) { return a; }\n");
	assert_int_equal(map.nr, ARRAY_SIZE(want));
	for (i = 0; i < map.nr; i++)
		assert_int_equal(map.v[i], want[i]);
	free(map.v);
	sb_release(&out);
	cocci_functions_release(f, n);
}

static void test_reduce_prototypes(void **state)
{
	static const char text[] =
		"static bool ready(int a,\n"
		"\t\t  int b) __must_hold(x)\n"
		"{\n"
		"\treturn true;\n"
		"}\n"
		"static int unused(void) { return 0; }\n"
		"int user(void)\n"
		"{\n"
		"\treturn ready(1, 2) == false;\n"
		"}\n";
	static const unsigned int want[] = { 0, 7, 8, 9, 10 };
	struct cocci_ids called = { 0 };
	struct cocci_lines map = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct cocci_func *f;
	size_t n = cocci_functions(text, strlen(text), &f), i;
	bool keep[3] = { false, false, true };
	const char *user = strstr(text, "int user");

	assert_int_equal(n, 3);
	cocci_ids_scan(&called, user, strlen(user));
	assert_true(cocci_ids_has(&called, "ready", 5));
	assert_false(cocci_ids_has(&called, "unused", 6));
	cocci_reduce(text, strlen(text), f, keep, n, false, &called, &out,
		     &map);
	assert_string_equal(out.buf,
			    "static bool ready(int a, \t\t  int b) __must_hold(x);\n"
			    "int user(void)\n{\n\treturn ready(1, 2) == false;\n}\n");
	assert_int_equal(map.nr, ARRAY_SIZE(want));
	for (i = 0; i < map.nr; i++)
		assert_int_equal(map.v[i], want[i]);
	free(map.v);
	sb_release(&out);
	cocci_ids_release(&called);
	cocci_functions_release(f, n);
}

static void test_ids(void **state)
{
	static const char text[] = "kfree(p); x2 = 0x1f + kfree_s; _a b b";
	struct cocci_ids ids = { 0 };

	cocci_ids_scan(&ids, text, strlen(text));
	assert_int_equal(ids.nr, 6);	/* _a b kfree kfree_s p x2 */
	assert_true(cocci_ids_has(&ids, "kfree", 5));
	assert_true(cocci_ids_has(&ids, "kfree_s", 7));
	assert_true(cocci_ids_has(&ids, "x2", 2));
	assert_false(cocci_ids_has(&ids, "x1f", 3));
	assert_false(cocci_ids_has(&ids, "kfre", 4));
	assert_false(cocci_ids_has(&ids, "kfree_sensitive", 15));
	cocci_ids_release(&ids);
}

static void test_query(void **state)
{
	static const char text[] = "void f(void) { kfree(p); spin_lock(l); }";
	struct cocci_ids ids = { 0 };

	cocci_ids_scan(&ids, text, strlen(text));
	assert_int_equal(cocci_query_eval(NULL, &ids), 1);
	assert_int_equal(cocci_query_eval("  ", &ids), 1);
	assert_int_equal(cocci_query_eval("kfree", &ids), 1);
	assert_int_equal(cocci_query_eval("vfree", &ids), 0);
	assert_int_equal(cocci_query_eval("vfree || kfree", &ids), 1);
	assert_int_equal(cocci_query_eval("vfree || kvfree", &ids), 0);
	assert_int_equal(cocci_query_eval("kfree && spin_lock", &ids), 1);
	assert_int_equal(cocci_query_eval("kfree && mutex_lock", &ids), 0);
	assert_int_equal(cocci_query_eval("vfree || kfree && spin_lock",
					  &ids), 1);
	assert_int_equal(cocci_query_eval("(vfree || kfree) && mutex_lock",
					  &ids), 0);
	assert_int_equal(cocci_query_eval("(vfree || kfree) && (a || l)",
					  &ids), 1);
	assert_int_equal(cocci_query_eval("mutex_lock && (kfree)", &ids), 0);
	/* Not an identifier: it may be there. */
	assert_int_equal(cocci_query_eval("a->b", &ids), 1);
	assert_int_equal(cocci_query_eval("(kfree", &ids), -1);
	assert_int_equal(cocci_query_eval("kfree ||", &ids), -1);
	assert_int_equal(cocci_query_eval("kfree vfree", &ids), -1);
	cocci_ids_release(&ids);
}

static void test_parse_report(void **state)
{
	unsigned int ln;
	char *path, *msg;

	assert_true(cocci_parse_report("/tmp/d/1/a.c:4:2-7: WARNING: x y",
				       &path, &ln, &msg));
	assert_string_equal(path, "/tmp/d/1/a.c");
	assert_int_equal(ln, 4);
	assert_string_equal(msg, "WARNING: x y");
	free(path);
	free(msg);
	assert_true(cocci_parse_report("a:b.c:10:3-12:4: ERROR: z:1:2-3: w",
				       &path, &ln, &msg));
	assert_string_equal(path, "a:b.c");
	assert_int_equal(ln, 10);
	assert_string_equal(msg, "ERROR: z:1:2-3: w");
	free(path);
	free(msg);
	assert_false(cocci_parse_report("a.c:10: no columns", &path, &ln,
					&msg));
	assert_false(cocci_parse_report("warning: something", &path, &ln,
					&msg));
	assert_false(cocci_parse_report(":1:2-3: no path", &path, &ln, &msg));
}

static void test_norm_msg(void **state)
{
	static const char *const cases[][2] = {
		{ "WARNING: kmalloc at line 12 and line 3",
		  "WARNING: kmalloc at line ? and line ?" },
		{ "used later (line 45) to compute", "used later (line ?) to compute" },
		{ "on lines 3,14 here", "on lines ? here" },
		{ "inline 5 and line x", "inline 5 and line x" },
		{ "a\tb", "a b" },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = cocci_norm_msg(cases[i][0]);

		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

static void test_init_no_scripts(void **state)
{
	char dir[] = "/tmp/kseries-cocci-test-XXXXXX";
	struct cocci c;

	if (!on_path("spatch"))
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cocci_init(&c, dir, dir, 1), -1);
	remove_tree(dir);
}

static void write_in(const char *dir, const char *rel, const char *text)
{
	char *p = path_join(dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	free(p);
}

/* Commit the work tree's @paths of @repo on top of @parent (or none). */
static void commit(git_repository *repo, const char *const *paths,
		   size_t n, const git_oid *parent, git_oid *out)
{
	git_signature *sig;
	git_commit *pc = NULL;
	git_index *idx;
	git_tree *tree;
	git_oid tid;
	size_t i;

	assert_int_equal(git_repository_index(&idx, repo), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(git_index_add_bypath(idx, paths[i]), 0);
	assert_int_equal(git_index_write(idx), 0);
	assert_int_equal(git_index_write_tree(&tid, idx), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
	assert_int_equal(git_signature_new(&sig, "T", "t@e", 1000, 0), 0);
	if (parent)
		assert_int_equal(git_commit_lookup(&pc, repo, parent), 0);
	assert_int_equal(git_commit_create_v(out, repo, NULL, sig, sig, NULL,
					     "c\n", tree, parent ? 1 : 0, pc),
			 0);
	git_commit_free(pc);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static const char parent_c[] =
	"#include <linux/slab.h>\n"
	"\n"
	"static bool ready(void)\n"
	"{\n"
	"\treturn true;\n"
	"}\n"
	"\n"
	"void fixed(int *p)\n"
	"{\n"
	"\tif (p)\n"
	"\t\tkfree(p);\n"
	"}\n"
	"\n"
	"void untouched(int *q)\n"
	"{\n"
	"\tif (q)\n"
	"\t\tkfree(q);\n"
	"}\n";

static const char child_c[] =
	"#include <linux/slab.h>\n"
	"\n"
	"static bool ready(void)\n"
	"{\n"
	"\treturn true;\n"
	"}\n"
	"\n"
	"void fixed(int *p)\n"
	"{\n"
	"\tkfree(p);\n"
	"}\n"
	"\n"
	"void untouched(int *q)\n"
	"{\n"
	"\tif (q)\n"
	"\t\tkfree(q);\n"
	"}\n"
	"\n"
	"void added(int *r)\n"
	"{\n"
	"\tif (ready() == false)\n"
	"\t\treturn;\n"
	"\tif (r)\n"
	"\t\tkfree(r);\n"
	"}\n";

static const char tool_c[] =
	"void t(int *r)\n{\n\tif (r)\n\t\tkfree(r);\n}\n";

/* Copy the kernel's script @rel into @dir. */
static void copy_script(const char *dir, const char *rel)
{
	char *from = path_join(KERNEL_SCRIPTS, rel);
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(read_file(from, &sb), 0);
	write_in(dir, rel, sb.buf);
	sb_release(&sb);
	free(from);
}

struct e2e {
	char dir[64];
	git_repository *repo;
	git_oid parent, child;
	char *scripts, *cache;
};

static void e2e_setup(struct e2e *e)
{
	static const char *const files[] = { "drivers/a.c", "tools/t.c" };

	strcpy(e->dir, "/tmp/kseries-cocci-test-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	e->scripts = path_join(e->dir, "scripts");
	e->cache = path_join(e->dir, "cache");
	copy_script(e->scripts, "free/ifnullfree.cocci");
	copy_script(e->scripts, "misc/boolinit.cocci");
	copy_script(e->scripts, "misc/semicolon.cocci");
	copy_script(e->scripts, "misc/array_size_dup.cocci");
	write_in(e->scripts, "bad/broken.cocci", "@@\n@@\n- (\n");
	git_libgit2_init();
	e->repo = NULL;
	assert_int_equal(git_repository_init(&e->repo, e->dir, 0), 0);
	write_in(e->dir, "drivers/a.c", parent_c);
	commit(e->repo, files, 1, NULL, &e->parent);
	write_in(e->dir, "drivers/a.c", child_c);
	write_in(e->dir, "tools/t.c", tool_c);
	commit(e->repo, files, 2, &e->parent, &e->child);
}

static void e2e_teardown(struct e2e *e)
{
	git_repository_free(e->repo);
	git_libgit2_shutdown();
	remove_tree(e->dir);
	free(e->scripts);
	free(e->cache);
}

/*
 * The child adds two findings in added() (boolinit's needs the type of
 * ready(), defined above it: the prototype in the reduced file gives it)
 * and fixes one in fixed(); untouched() keeps its own, unseen.
 */
static void check_pair(const struct cocci_pair *p)
{
	assert_int_equal(p->added.nr, 2);
	assert_string_equal(p->added.w[0].file, "drivers/a.c");
	assert_string_equal(p->added.w[0].msg,
			    "cocci: free/ifnullfree: added(): WARNING: NULL check before some freeing functions is not needed.");
	assert_string_equal(p->added.w[1].file, "drivers/a.c");
	assert_string_equal(p->added.w[1].msg,
			    "cocci: misc/boolinit: added(): WARNING: Comparison to bool");
	assert_int_equal(p->fixed.nr, 1);
	assert_string_equal(p->fixed.w[0].file, "drivers/a.c");
	assert_string_equal(p->fixed.w[0].msg,
			    "cocci: free/ifnullfree: fixed(): WARNING: NULL check before some freeing functions is not needed.");
	assert_int_equal(p->files, 2);
}

/* The number of files in @dir/@rel; with @text, each rewritten to it. */
static size_t query_files(const char *dir, const char *rel, const char *text)
{
	char *path = path_join(dir, rel);
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char *f;

		if (e->d_name[0] == '.')
			continue;
		n++;
		f = path_join(path, e->d_name);
		if (text)
			assert_int_equal(write_file_atomic(f, text,
							   strlen(text)), 0);
		free(f);
	}
	closedir(d);
	free(path);
	return n;
}

/* The queries are read from the cache, not asked of spatch again. */
static void check_query_cache(const struct e2e *e)
{
	struct cocci c;
	size_t i;

	query_files(e->cache, "cocci/query",
		    "kseries-cocci-query 1\nquery nosuchname\n");
	assert_int_equal(cocci_init(&c, e->scripts, e->cache, 1), 0);
	for (i = 1; i < c.nr; i++)
		assert_string_equal(c.s[i].query, "nosuchname");
	assert_null(c.s[0].query);	/* bad/broken: never cached */
	cocci_release(&c);
}

static void test_end_to_end(void **state)
{
	struct cocci_pair p[2];
	struct cocci c;
	struct e2e e;
	size_t i;

	if (!on_path("spatch") || !is_dir(KERNEL_SCRIPTS))
		skip();
	e2e_setup(&e);
	assert_int_equal(cocci_init(&c, e.scripts, e.cache, 2), 0);
	assert_int_equal(c.nr, 5);
	assert_string_equal(c.s[0].name, "bad/broken");
	assert_string_equal(c.s[1].name, "free/ifnullfree");
	assert_non_null(strstr(c.s[1].query, "kfree"));
	assert_int_equal(c.s[1].nopts, 0);	/* only include options */
	assert_string_equal(c.s[2].name, "misc/array_size_dup");
	assert_int_equal(c.s[2].nopts, 1);
	assert_string_equal(c.s[2].opts[0], "--no-loops");
	assert_null(c.s[4].query);	/* misc/semicolon has none */
	/* Every query but the broken script's is cached. */
	assert_int_equal(query_files(e.cache, "cocci/query", NULL), 4);
	memset(p, 0, sizeof(p));
	p[0].parent = e.parent;
	p[0].child = e.child;
	p[1].parent = e.child;	/* the reverse: fixed and added swap */
	p[1].child = e.parent;
	assert_int_equal(cocci_pairs(&c, e.repo, p, 1,
				     &(struct msg_sink){ .fn = msg_discard }), 0);
	check_pair(&p[0]);
	assert_false(p[0].cached);
	assert_true(c.s[0].broken);	/* rejected: skipped, not fatal */
	/*
	 * ifnullfree, boolinit, semicolon and the broken one (no query):
	 * array_size_dup's query does not match.
	 */
	assert_int_equal(p[0].scripts_run, 4);
	cocci_pair_release(&p[0]);
	cocci_release(&c);

	assert_int_equal(cocci_init(&c, e.scripts, e.cache, 1), 0);
	assert_int_equal(cocci_pairs(&c, e.repo, p, 2, NULL), 0);
	check_pair(&p[0]);
	assert_true(p[0].cached);
	assert_int_equal(p[0].scripts_run, 4);
	assert_false(p[1].cached);
	assert_int_equal(p[1].added.nr, 1);
	assert_int_equal(p[1].fixed.nr, 2);
	assert_non_null(strstr(p[1].added.w[0].msg, "fixed()"));
	assert_non_null(strstr(p[1].fixed.w[0].msg, "added()"));
	for (i = 0; i < 2; i++)
		cocci_pair_release(&p[i]);
	cocci_release(&c);
	check_query_cache(&e);
	e2e_teardown(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_functions_unclosed),
		cmocka_unit_test(test_reduce_sparse),
		cmocka_unit_test(test_reduce_dense),
		cmocka_unit_test(test_reduce_prototypes),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_parse_report),
		cmocka_unit_test(test_norm_msg),
		cmocka_unit_test(test_init_no_scripts),
		cmocka_unit_test(test_end_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
