// SPDX-License-Identifier: GPL-2.0
#include "pin.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static char **field(struct pin *pin, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "name", offsetof(struct pin, name) },
		{ "package", offsetof(struct pin, package) },
		{ "package-version", offsetof(struct pin, package_version) },
		{ "suite", offsetof(struct pin, suite) },
		{ "component", offsetof(struct pin, component) },
		{ "url", offsetof(struct pin, url) },
		{ "tarball", offsetof(struct pin, tarball) },
		{ "sha256", offsetof(struct pin, sha256) },
		{ "strip", offsetof(struct pin, strip) },
		{ "base-commit", offsetof(struct pin, base_commit) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].key, key))
			return (char **)((char *)pin + keys[i].off);
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int pin_load(struct pin *pin, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	int no = 0, ret = -1;
	size_t i;

	memset(pin, 0, sizeof(*pin));
	if (!path)
		path = getenv("KSERIES_PIN");
	pin->path = path && *path ? xstrdup(path) :
				    project_path("kernel-overlay/pin");
	if (read_file(pin->path, &sb))
		return error("cannot read the pin %s: %s", pin->path,
			     strerror(errno));
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, **f;

		no++;
		line = trim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			error("%s:%d: expected 'key = value'", pin->path, no);
			goto out;
		}
		*eq = '\0';
		key = trim(line);
		if (!strcmp(key, "apt-source")) {
			error("%s:%d: 'apt-source' names an archive host; name the Debian suite instead ('suite = bullseye'): the archive's address comes from the system's apt configuration",
			      pin->path, no);
			goto out;
		}
		f = field(pin, key);
		if (!f) {
			error("%s:%d: unknown key '%s'", pin->path, no, key);
			goto out;
		}
		free(*f);
		*f = xstrdup(trim(eq + 1));
	}
	if (!pin->tarball || !pin->sha256 || !pin->strip ||
	    (!pin->url && (!pin->package || !pin->package_version ||
			   !pin->suite))) {
		error("%s: needs tarball, sha256, strip and either url or package, package-version and suite",
		      pin->path);
		goto out;
	}
	if (strlen(pin->sha256) != 64) {
		error("%s: sha256 must be 64 hex digits", pin->path);
		goto out;
	}
	for (i = 0; i < 64; i++)
		pin->sha256[i] = tolower((unsigned char)pin->sha256[i]);
	if (!pin->name)
		pin->name = xstrdup(pin->strip);
	if (!pin->component)
		pin->component = xstrdup("main");
	ret = 0;
out:
	sb_release(&sb);
	if (ret)
		pin_release(pin);
	return ret;
}

void pin_release(struct pin *pin)
{
	free(pin->path);
	free(pin->name);
	free(pin->package);
	free(pin->package_version);
	free(pin->suite);
	free(pin->component);
	free(pin->url);
	free(pin->tarball);
	free(pin->sha256);
	free(pin->strip);
	free(pin->base_commit);
	memset(pin, 0, sizeof(*pin));
}

char *pin_tarball_path(const struct pin *pin)
{
	char *dir = cache_path("dl"), *p;

	if (mkdir_p(dir, 0755))
		die("cannot create %s: %s", dir, strerror(errno));
	p = path_join(dir, pin->tarball);
	free(dir);
	return p;
}
