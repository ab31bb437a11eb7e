// SPDX-License-Identifier: GPL-2.0
/*
 * bench/diffstat.sh's timer: the diffstats of patch files, side by side,
 * by lib/diffstat.c (patch_parse, diffstat_from_patch, diffstat_format)
 * and by libgit2 (git_diff_from_buffer, git_diff_get_stats,
 * git_diff_stats_to_buf), each from the patch text to the 72-column
 * diffstat; and the counting alone (no layout) both ways.
 *
 *   diffstat-bench RUNS ROUNDS PATCH...
 *
 * Each run times ROUNDS passes over all patches of each way in turn; the
 * median run is printed, in milliseconds a pass. Also printed: on how
 * many patches the two texts are byte-identical.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diffstat.h"
#include "lib/patch.h"
#include "lib/util.h"

enum way { OURS, LIBGIT2, OURS_COUNT, LIBGIT2_COUNT, NR_WAYS };

static const char *const way_name[NR_WAYS] = {
	"kseries diffstat text", "libgit2 diffstat text",
	"kseries counts only", "libgit2 counts only",
};

static void stat_ours(const struct strbuf *text, bool layout,
		      struct strbuf *out)
{
	struct diffstat ds = { 0 };
	struct patch p;

	if (patch_parse(&p, "p", text->buf, text->len, NULL))
		die("cannot parse a patch");
	diffstat_from_patch(&ds, &p);
	if (layout) {
		diffstat_sort(&ds);
		diffstat_format(&ds, 72, out);
	}
	diffstat_release(&ds);
	patch_release(&p);
}

static void stat_libgit2(const struct strbuf *text, bool layout,
			 struct strbuf *out)
{
	git_diff *diff;
	git_diff_stats *stats;
	git_buf buf = GIT_BUF_INIT;

	if (git_diff_from_buffer(&diff, text->buf, text->len) ||
	    git_diff_get_stats(&stats, diff))
		die("libgit2: %s", git_error_last()->message);
	if (layout) {
		if (git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_FULL |
					  GIT_DIFF_STATS_INCLUDE_SUMMARY, 72))
			die("libgit2: %s", git_error_last()->message);
		sb_add(out, buf.ptr, buf.size);
		git_buf_dispose(&buf);
	}
	git_diff_stats_free(stats);
	git_diff_free(diff);
}

static void one(enum way w, const struct strbuf *text, struct strbuf *out)
{
	switch (w) {
	case OURS:
		stat_ours(text, true, out);
		break;
	case LIBGIT2:
		stat_libgit2(text, true, out);
		break;
	case OURS_COUNT:
		stat_ours(text, false, out);
		break;
	default:
		stat_libgit2(text, false, out);
		break;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct strbuf *text, out = STRBUF_INIT, other = STRBUF_INIT;
	int runs, rounds, n, i, r, k, same = 0;
	double *t[NR_WAYS];
	enum way w;

	if (argc < 4)
		die("usage: diffstat-bench RUNS ROUNDS PATCH...");
	runs = atoi(argv[1]);
	rounds = atoi(argv[2]);
	if (runs < 1 || rounds < 1)
		die("RUNS and ROUNDS must be positive");
	n = argc - 3;
	text = xcalloc(n, sizeof(*text));
	for (i = 0; i < n; i++)
		if (read_file(argv[i + 3], &text[i]))
			die("cannot read %s", argv[i + 3]);
	git_libgit2_init();

	for (i = 0; i < n; i++) {
		sb_reset(&out);
		sb_reset(&other);
		one(OURS, &text[i], &out);
		one(LIBGIT2, &text[i], &other);
		same += !strcmp(sb_str(&out), sb_str(&other));
	}

	for (w = 0; w < NR_WAYS; w++)
		t[w] = xcalloc(runs, sizeof(double));
	for (r = 0; r < runs; r++) {
		for (w = 0; w < NR_WAYS; w++) {
			double start = now_seconds();

			for (k = 0; k < rounds; k++) {
				for (i = 0; i < n; i++) {
					sb_reset(&out);
					one(w, &text[i], &out);
				}
			}
			t[w][r] = (now_seconds() - start) * 1000 / rounds;
		}
	}
	for (w = 0; w < NR_WAYS; w++) {
		qsort(t[w], runs, sizeof(double), cmp_double);
		printf("%-22s %8.3f ms a pass over %d patches\n", way_name[w],
		       t[w][(runs - 1) / 2], n);
	}
	printf("text: kseries %.2fx libgit2's time; counts: %.2fx\n",
	       t[OURS][(runs - 1) / 2] / t[LIBGIT2][(runs - 1) / 2],
	       t[OURS_COUNT][(runs - 1) / 2] / t[LIBGIT2_COUNT][(runs - 1) / 2]);
	printf("the two texts byte-identical on %d of %d patches\n", same, n);

	for (w = 0; w < NR_WAYS; w++)
		free(t[w]);
	for (i = 0; i < n; i++)
		sb_release(&text[i]);
	free(text);
	sb_release(&out);
	sb_release(&other);
	git_libgit2_shutdown();
	return 0;
}
