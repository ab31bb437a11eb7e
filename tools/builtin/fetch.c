// SPDX-License-Identifier: GPL-2.0
/*
 * kseries fetch: download and verify the pinned base tarball.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/fetch.h"
#include "lib/pin.h"
#include "lib/util.h"

const char cmd_fetch_usage[] =
	"kseries fetch - download and verify the pinned base tarball\n"
	"\n"
	"usage: kseries fetch [--from FILE] [--force] [--pin FILE] [--print-source]\n"
	"\n"
	"Fetches the orig tarball named by kernel-overlay/pin with apt, using\n"
	"a private state directory (<cache>/apt: its own sources.list, lists\n"
	"and archives; the system's apt configuration is not touched), checks\n"
	"its sha256 against the pin and keeps it in <cache>/dl. A tarball\n"
	"already in the cache is verified and not downloaded again. A file\n"
	"whose sha256 differs is refused and moved aside (NAME.bad).\n"
	"\n"
	"    --from FILE   take the tarball from FILE instead of apt\n"
	"                  (a pin may also say 'url = file:///path')\n"
	"    --force       fetch again even if the cache has it\n"
	"    --pin FILE    use FILE instead of kernel-overlay/pin\n"
	"    --print-source  print the deb-src line apt would use, and stop\n"
	"\n"
	"The pin names the Debian suite, component and package, never a host:\n"
	"the archive's address is taken at run time from the system's apt\n"
	"configuration (/etc/apt/sources.list and sources.list.d/, one-line\n"
	"or deb822; $KSERIES_APT_ETC instead of /etc/apt): the first entry of\n"
	"the same kind (a '-security' suite takes the security archive).\n"
	"\n"
	"Exit status: 0 when the verified tarball is in the cache, 2 when it\n"
	"could not be fetched or did not verify (nothing is cached then), 129\n"
	"on a usage error.\n";

/* --print-source: the deb-src line of @pin. */
static int print_source(struct pin *pin)
{
	struct strbuf err = STRBUF_INIT;
	char *line = pin->suite ? pin_deb_src(pin, &err) : NULL;

	if (!pin->suite)
		error("%s names no Debian suite (it fetches from %s)",
		      pin->path, pin->url);
	else if (!line)
		error("%s", err.buf);
	else
		printf("%s\n", line);
	sb_release(&err);
	free(line);
	return line ? 0 : 2;
}

int cmd_fetch(int argc, char **argv)
{
	struct fetch_opts o = { 0 };
	const char *pin_file = NULL;
	bool source = false;
	const struct option options[] = {
		OPT_STRING(0, "from", &o.from),
		OPT_STRING(0, "pin", &pin_file),
		OPT_BOOL(0, "force", &o.force),
		OPT_BOOL(0, "print-source", &source),
		OPT_END(),
	};
	struct pin pin;
	bool fetched;
	char *path;
	int n;

	n = cmd_parse_options(argc, argv, options, 0, cmd_fetch_usage);
	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_fetch_usage, "unknown argument '%s'",
				   argv[0]);
	if (pin_load(&pin, pin_file))
		return 2;
	if (source) {
		n = print_source(&pin);
		pin_release(&pin);
		return n;
	}
	if (fetch_tarball(&pin, &o, &path, &fetched)) {
		pin_release(&pin);
		return 2;
	}
	if (fetched)
		note("fetch: %s verified (sha256 %s) and cached as %s",
		     pin.name, pin.sha256, path);
	else
		note("fetch: %s is already in the cache and verified (sha256 %s): %s; nothing downloaded",
		     pin.name, pin.sha256, path);
	free(path);
	pin_release(&pin);
	return 0;
}
