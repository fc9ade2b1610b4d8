/*
 * Saved mirrors: $XDG_CONFIG_HOME/tagmirror/mirrors/NAME.conf holds
 * "key = value" lines; passwords go to NAME.secrets beside it.  Both are
 * created mode 0600 in a 0700 directory.  Any thread.
 */
#ifndef TM_SAVED_H
#define TM_SAVED_H

#include <stddef.h>

struct saved_kv {
	const char	*key;
	const char	*val;
	int		 secret;	/* goes to NAME.secrets */
};

/* 1 when name is a usable mirror name ([A-Za-z0-9._-], not ".."). */
int	saved_name_ok(const char *name);
/* Write both files; 0, or -1 with errno set. */
int	saved_write(const char *name, const struct saved_kv *, size_t n);
/* Call fn for every key of NAME (both files).  0, or -1 with errno. */
int	saved_read(const char *name,
	    void (*fn)(void *ud, const char *key, const char *val), void *ud);
/* 1 when NAME is a valid name with a readable NAME.conf. */
int	saved_exists(const char *name);
/* Names of saved mirrors, sorted.  Caller frees each and the array. */
size_t	saved_list(char ***names);
/* Where NAME.conf lives, for messages. */
int	saved_path(const char *name, const char *ext, char *buf, size_t n);

#endif
