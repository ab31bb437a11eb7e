/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses as get_maintainer.pl handles them (private to the port):
 *
 *  - struct query is one lookup: the people (to) and the lists, in the
 *    order they were added, each with the role and section that added
 *    it, and the script's hashes of what is already in them;
 *  - "Name <address>" is split and quoted the script's way by
 *    maint_parse_email() and maint_format_email() (lib/maintainers.h);
 *    an M:/R: value is one RFC 822 address or a list of them;
 *  - push_email_address() adds a person unless the name or the address
 *    (ignoring case) is already there; deduplicate_email() maps an
 *    address through .mailmap and to the first one seen with the same
 *    name or address;
 *  - besides the sections, addresses come from a changed .yaml file of
 *    the tree (maintainers_in_file()) and from the signers of a commit a
 *    Fixes: tag names (fixes_signers(), at most five, by count).
 *
 * The quoting is not lib/mail.c's mail_address(): that one writes a
 * header as git does (quotes only for RFC 822 specials, escaping '"'
 * and '\', RFC 2047 for non-ASCII), this one prints what the script
 * prints (quotes around anything but letters, digits, '_', ' ' and '-',
 * non-ASCII included, '"' escaped unless it already is). Both quote with
 * lib/mailhdr.c's mailhdr_add_quoted(); lib/mail.c encodes these
 * addresses when a mail is written.
 */
#ifndef KSERIES_MAINT_ADDR_H
#define KSERIES_MAINT_ADDR_H

#include "maint-parse.h"

struct entry {
	char *addr;
	enum maint_role role;
	size_t section;		/* index of the section's first line */
};

struct query {
	struct maintainers *m;
	struct entry *to, *lists;
	size_t nr_to, alloc_to, nr_lists, alloc_lists;
	struct strmap hash_name, hash_address;	/* email_inuse */
	struct strmap hash_list;
	struct strmap dedup_name, dedup_address; /* "name\naddress" */
	char **file_emails;
	size_t nr_file_emails, alloc_file_emails;
};

/* rfc822_valid: @s (comments stripped) is one RFC 822 address */
bool rfc822_valid(const char *s);

char *deduplicate_email(struct query *q, const char *in);
/* Append to @v, taking @addr; @section is (size_t)-1 for none. */
void push_entry(struct entry **v, size_t *nr, size_t *alloc,
		char *addr, enum maint_role role, size_t section);
/* push_email_address: false if there is no address at all */
bool push_email_address(struct query *q, const char *line,
			enum maint_role role, size_t section);
/* push_email_addresses: an M:/R: value, one address or a list */
void push_email_addresses(struct query *q, const char *value,
			  enum maint_role role, size_t section);
/* maintainers_in_file: the addresses in a .yaml file of the tree */
void maintainers_in_file(struct query *q, const char *file);
/* vcs_add_commit_signers + vcs_assign for one Fixes: id */
void fixes_signers(struct query *q, const char *id,
		   maint_commit_fn fn, void *data);

#endif
