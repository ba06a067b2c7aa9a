/* Internal: helpers on struct dill_ipaddr for the protocols. */
#ifndef DILL_IPADDR_H_INCLUDED
#define DILL_IPADDR_H_INCLUDED

#include <sys/socket.h>

#include "../include/libdill.h"

/* 1 if addr holds an IPv4 or IPv6 address (NULL and garbage are not). */
int dill__ipaddr_valid(const struct dill_ipaddr *addr);
/* Fills addr from a struct sockaddr_in or sockaddr_in6. */
void dill__ipaddr_from(struct dill_ipaddr *addr, const struct sockaddr *sa);
/* A numeric address of a family `mode` (not 0) allows: 0, or -1 if `name`
   is not one. */
int dill__ipaddr_literal(struct dill_ipaddr *addr, const char *name, int port,
    int mode);

#endif
