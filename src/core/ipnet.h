/* ipnet: IPv4/IPv6 addresses and CIDR allowlists, and finding the real client address behind
 * trusted reverse proxies. IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as the IPv4 address.
 * No allocation besides the list itself; lists are immutable after parsing (thread-safe). */
#ifndef MADO_IPNET_H
#define MADO_IPNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipaddr {
    uint8_t b[16]; /* IPv4 stored as ::ffff:a.b.c.d */
    bool v4;
};

struct ipnet_list; /* opaque, malloc'd */

/* Parses "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "::ffff:192.0.2.1". */
bool ipaddr_parse(const char *s, struct ipaddr *out);
/* Canonical text (inet_ntop; IPv4 as dotted quad). out >= 46 bytes. */
void ipaddr_format(const struct ipaddr *a, char out[46]);

/* Parses a comma/space separated list of CIDRs or single addresses ("10.0.0.0/8, ::1,
 * 2001:db8::/32"). Host bits set under the prefix are an error (it is almost always a typo).
 * Empty or NULL text gives an empty list. On error returns NULL and, if err is not NULL,
 * writes a message naming the bad entry (err_len bytes). */
struct ipnet_list *ipnet_list_parse(const char *text, char *err, size_t err_len);
void ipnet_list_free(struct ipnet_list *l);
bool ipnet_list_empty(const struct ipnet_list *l); /* NULL counts as empty */
/* True when a is inside one of the networks. Families stay apart: IPv4 networks match IPv4
 * (and IPv4-mapped) addresses, IPv6 networks IPv6 ones, so "::/0" does not admit IPv4. */
bool ipnet_list_contains(const struct ipnet_list *l, const struct ipaddr *a);
/* Allowlist semantics: an empty (or NULL) list allows everyone. */
bool ipnet_allowed(const struct ipnet_list *l, const struct ipaddr *a);

/* The client address of a request: peer is the socket address; xff the X-Forwarded-For
 * header (NULL if absent; several headers joined with ","). Only when peer is a trusted proxy
 * is xff believed: walk it from the right, skipping trusted proxies, and take the first
 * address that is not one (malformed entries stop the walk and the last good address wins).
 * Falls back to peer. */
void ipnet_client(const struct ipnet_list *trusted, const struct ipaddr *peer, const char *xff,
                  struct ipaddr *out);

#endif
