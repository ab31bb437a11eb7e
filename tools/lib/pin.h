/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pin: which upstream tree the series applies to, where its tarball
 * comes from and what it must hash to (kernel-overlay/pin).
 */
#ifndef KSERIES_PIN_H
#define KSERIES_PIN_H

struct pin {
	char *path;		/* the pin file */
	char *name;		/* "Linux 5.10.223" */
	char *package;		/* Debian source package, "linux" */
	char *package_version;	/* "5.10.223-1" */
	char *suite;		/* Debian suite, "bullseye-security" */
	char *component;	/* archive component, "main" by default */
	char *url;		/* alternative to apt: file:// or a path */
	char *tarball;		/* file name of the orig tarball */
	char *sha256;		/* of the tarball, lower-case hex */
	char *strip;		/* top directory inside the tarball */
	char *base_commit;	/* expected id of the imported base, or NULL */
};

/* Read @path (or $KSERIES_PIN, or kernel-overlay/pin of the project). */
int pin_load(struct pin *pin, const char *path);
void pin_release(struct pin *pin);
/* Where the verified tarball is kept in the cache. */
char *pin_tarball_path(const struct pin *pin);

#endif
