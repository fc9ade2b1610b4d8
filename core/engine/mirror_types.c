/*
 * The words for run statuses and tag states, from the X-macro tables in
 * mirror_types.h, so the report, the CLI and the TUI say the same thing.
 */
#include "config.h"

#include "mirror_types.h"

static const char *const status_names[] = {
#define MIRROR_STATUS_NAME(name, str) str,
	MIRROR_STATUSES(MIRROR_STATUS_NAME)
#undef MIRROR_STATUS_NAME
};

struct state_words {
	const char	*report, *cli, *label;
};

static const struct state_words state_words[] = {
#define TAG_STATE_WORDS(name, report, cli, label) { report, cli, label },
	TAG_STATES(TAG_STATE_WORDS)
#undef TAG_STATE_WORDS
};

#define NSTATES (sizeof state_words / sizeof state_words[0])

const char *
mirror_status_name(enum mirror_status s)
{
	if ((size_t)s >= sizeof status_names / sizeof status_names[0])
		return "UNKNOWN";
	return status_names[s];
}

int
mirror_status_severity(enum mirror_status s)
{
	switch (s) {
	case MIRROR_SUCCESS:
		return 0;
	case MIRROR_ROLLED_BACK:
		return 1;
	case MIRROR_PARTIAL:
		return 2;
	case MIRROR_CANCELLED:
		return 4;
	default:
		return 3;
	}
}

const char *
tag_state_name(enum tag_state s)
{
	return (size_t)s < NSTATES ? state_words[s].report : "unknown";
}

const char *
tag_state_cli_word(enum tag_state s)
{
	return (size_t)s < NSTATES ? state_words[s].cli : "unknown";
}

const char *
tag_state_label(enum tag_state s)
{
	return (size_t)s < NSTATES ? state_words[s].label : "unknown";
}
