/*
 * Saved mirrors: $XDG_CONFIG_HOME/tagmirror/mirrors/NAME.conf holds
 * "key = value" lines; passwords go to NAME.secrets beside it.  Both are
 * created mode 0600 in a 0700 directory.  Saved sets sit beside them in
 * sets/.  Any thread.
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

/*
 * Saved sets: mirror-set YAML (docs/mirrorset.md) in
 * $XDG_CONFIG_HOME/tagmirror/sets/NAME.yaml, never a secret inside.
 * Where NAME lives: 0, or -1 (a bad name: errno EINVAL; too long).
 */
int	saved_set_path(const char *name, char *buf, size_t n);
/* 1 when NAME is a valid name with a readable NAME.yaml. */
int	saved_set_exists(const char *name);
/* Names of saved sets, sorted.  Caller frees each and the array. */
size_t	saved_set_list(char ***names);

#endif
