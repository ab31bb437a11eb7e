/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the port of get_maintainer.pl (lib/maintainers.c and the
 * lib/maint-*.c files; nothing else includes this) needs of Perl:
 *
 *  - regexes run as Perl runs them on a byte string, by PCRE2:
 *    mp_re_exec() matches, and mp_re_group() and mp_re_dup() read the groups of
 *    the last mp_re_exec() (Perl's $1, $2...: one match state for the whole
 *    port, so not thread-safe), with limits so that a hostile
 *    MAINTAINERS cannot hang us;
 *  - mp_R(): the script's fixed regexes, named RE_* after what they match
 *    (the comments in lib/maint-perl.c name the script's function that
 *    has each), compiled on first use; one that does not compile dies;
 *  - \s, s/^\s+|\s+$//, mp_lc() of a byte string (ASCII only);
 *  - hashes of strings (struct strmap; linear, the maps are small) and
 *    arrays of strings: sort, which compares bytes, and uniq.
 */
#ifndef KSERIES_MAINT_PERL_H
#define KSERIES_MAINT_PERL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum {
	RE_EMAIL1, RE_EMAIL2, RE_EMAIL3,
	RE_MM1, RE_MM2, RE_MM3, RE_MM4,
	RE_MODE, RE_RENAME, RE_DIFFGIT, RE_FIXES, RE_PLUSMINUS, RE_HUNK,
	RE_LIST, RE_SIGNATURE, RE_SIGNER, RE_CHIEF, RE_CHIEF_NAME,
	RE_FILE_EMAIL, RE_FILE_EMAIL_CLEAN, RE_NAME_SPLIT,
	RE_COMMENT, RE_RFC822, RE_RFC822_LIST, RE_RFC822_ITEM,
	RE_NR
};

/* NULL if @pat (@len bytes) does not compile */
pcre2_code *mp_re_compile(const char *pat, size_t len, uint32_t flags);
/* Match @re against @len bytes at @s from @start; groups via mp_re_group(). */
bool mp_re_exec(const pcre2_code *re, const char *s, size_t len,
	     size_t start);
/* Offsets of group @g of the last match; false if it did not take part. */
bool mp_re_group(unsigned int g, size_t *so, size_t *eo);
/* Group @g of the last match in @s, or "" when it did not take part. */
char *mp_re_dup(const char *s, unsigned int g);
/* The fixed regex @which (RE_*). */
const pcre2_code *mp_R(int which);

/* \s */
bool mp_perl_space(int c);
/* s/^\s+|\s+$//g, and s/\s+$// */
void mp_trim(char *s);
void mp_rtrim(char *s);
/* mp_lc(): ASCII only, as Perl does on a byte string */
char *mp_lc(const char *s);

struct strmap {
	char **keys, **vals;
	size_t nr, alloc, alloc2;
};

/* $m{key} = val (NULL is ""); the value or NULL; free everything */
void mp_map_set(struct strmap *m, const char *key, const char *val);
const char *mp_map_get(const struct strmap *m, const char *key);
void mp_map_release(struct strmap *m);

/* sort_and_uniq of strings: sorted, each once; the rest freed */
void mp_sort_uniq(char **v, size_t *nr);
/* push(@v, s), taking @s */
void mp_add_str(char ***v, size_t *nr, size_t *alloc, char *s);

#endif
