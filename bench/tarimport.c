// SPDX-License-Identifier: GPL-2.0
/*
 * bench/tarreader.sh's timer: one tarball_import() of @tarball into a new
 * repository @repo, the way 'kseries apply' makes its tree; or with
 * --hash-only, as an import into a repository that has every object
 * already (decoding, parsing and hashing, nothing written; @repo gets
 * the empty pack). Prints the seconds it took (wall clock, then user and
 * system CPU of all threads), the files and the base commit.
 *
 *   tarimport [--hash-only] TARBALL STRIP REPO
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "lib/tarball.h"
#include "lib/util.h"

static bool have_all(const unsigned char oid[20], void *data)
{
	return true;
}

int main(int argc, char **argv)
{
	struct tarball_opts o = { 0 };
	struct tarball_result r;
	struct rusage u;
	double t;

	if (argc > 1 && !strcmp(argv[1], "--hash-only")) {
		o.have = have_all;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: tarimport [--hash-only] TARBALL STRIP REPO\n");
		return 129;
	}
	o.tarball = argv[1];
	o.strip = argv[2];
	o.repo = argv[3];
	o.name = "bench";
	o.branch = "series";
	o.tag = "base";
	if (o.have) {
		o.pack_dir = o.repo;
		if (mkdir(o.repo, 0777))
			return 1;
	}
	t = now_seconds();
	if (tarball_import(&o, &r))
		return 1;
	t = now_seconds() - t;
	getrusage(RUSAGE_SELF, &u);
	printf("%.3f %.3f %.3f %zu %s\n", t,
	       u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6,
	       u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6, r.files, r.commit);
	return 0;
}
