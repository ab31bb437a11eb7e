/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned tarball in the cache (<cache>/dl), fetched with apt using a
 * private state directory (<cache>/apt: sources.list, lists, archives),
 * or copied from a local file, and kept only if its SHA-256 matches.
 */
#ifndef KSERIES_FETCH_H
#define KSERIES_FETCH_H

#include <stdbool.h>

#include "pin.h"
#include "util.h"

struct fetch_opts {
	const char *from;	/* a local file instead of apt or the url */
	bool force;		/* fetch again even if the cache has it */
	bool offline;		/* never download: fail if not cached */
};

/*
 * Make sure the cache holds the verified tarball of @pin and return its
 * path in *@path. *@fetched tells whether it was fetched this time.
 */
int fetch_tarball(const struct pin *pin, const struct fetch_opts *o,
		  char **path, bool *fetched);

/*
 * The archive of Debian @suite as the system's apt configuration names
 * it ($KSERIES_APT_ETC, else /etc/apt: sources.list and sources.list.d,
 * one-line and deb822): the URI of the first entry of the same kind (a
 * "-security" suite takes a security archive's). NULL with @err if none.
 */
char *apt_archive_uri(const char *suite, struct strbuf *err);
/* "deb-src URI SUITE COMPONENT" for @pin, the URI from apt_archive_uri(). */
char *pin_deb_src(const struct pin *pin, struct strbuf *err);

/*
 * A pin for @package @version (upstream "5.10.262" takes the newest
 * Debian revision, or an exact "5.10.262-1") from apt-cache showsrc
 * output @showsrc: tarball and sha256 as the index gives them.
 */
int pin_from_showsrc(const char *showsrc, const char *package,
		     const char *version, const char *suite,
		     struct strbuf *pin, struct strbuf *err);
/* The same, reading Debian's source index of @suite with apt. */
int fetch_pin_for_version(const char *suite, const char *package,
			  const char *version, struct strbuf *pin,
			  struct strbuf *err);

#endif
