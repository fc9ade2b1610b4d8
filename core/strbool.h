/*
 * The booleans a person types in an option value or an environment
 * variable, read one way everywhere.  Pure, any thread.
 */
#ifndef TM_STRBOOL_H
#define TM_STRBOOL_H

/*
 * true/yes/on/1 -> 1, false/no/off/0 -> 0, in any case.  Returns 0, or -1
 * (*out untouched) for NULL, "" or anything else.
 */
int	tm_parse_bool(const char *s, int *out);

#endif
