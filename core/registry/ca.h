/*
 * TLS trust for one registry: the system bundle plus cert_dir's *.crt and
 * ca_file, joined into reg->ca_pem.  Internal to core/registry/.
 */
#ifndef TM_CA_H
#define TM_CA_H

#include "err.h"

struct registry;

/* Load the bundle when cert_dir or ca_file is set.  0, or -1 with err. */
int	 ca_load(struct registry *, struct tm_err *);

#endif
