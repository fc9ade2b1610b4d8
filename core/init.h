/*
 * Process-wide set-up of the core library.  Call tm_init() once from the
 * main thread before any other thread starts (libcurl's rule), and
 * tm_cleanup() at exit after every thread has stopped.
 */
#ifndef TM_INIT_H
#define TM_INIT_H

int		 tm_init(void);
void		 tm_cleanup(void);
/* "libcurl/7.88.1 OpenSSL/3.0.11 ..." for --version. */
const char	*tm_backend_version(void);

#endif
