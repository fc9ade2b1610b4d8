/*
 * Registry credentials: USER[:PASS] options, docker and containers auth
 * files, and credential helpers run with a timeout, for one host.
 */
#include "config.h"

#include "creds.h"
#include "base64.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define CONFIG_MAX		(4 * 1024 * 1024)
#define HELPER_OUT_MAX		(64 * 1024)
#define HELPER_TIMEOUT_MS	10000	/* cloud helpers may refresh a token first */
#define HELPER_TIMEOUT_ENV	"TAGMIRROR_CRED_HELPER_TIMEOUT_MS"
/* What docker logs in to, and so the key helpers and auths use, for Hub. */
#define HUB_SERVER		"https://index.docker.io/v1/"
/* Username a helper returns when Secret is an identity token. */
#define TOKEN_USER		"<token>"

extern char **environ;

static const char *const hub_names[] = {
	"docker.io", "index.docker.io", "registry-1.docker.io"
};

int
tm_creds_from_option(const char *userpass, struct tm_creds *c, struct tm_err *err)
{
	const char	*colon = strchr(userpass, ':');
	size_t		 ulen = colon != NULL ? (size_t)(colon - userpass) : strlen(userpass);

	memset(c, 0, sizeof *c);
	if (ulen == 0)
		return tm_err_set(err, TM_CAT_USAGE, "empty user name in USER[:PASS]");
	c->user = strndup(userpass, ulen);
	if (colon != NULL)
		c->pass = strdup(colon + 1);
	if (c->user == NULL || (colon != NULL && c->pass == NULL)) {
		tm_creds_clear(c);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return 0;
}

void
tm_secret_free(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
tm_creds_clear(struct tm_creds *c)
{
	tm_secret_free(&c->user);
	tm_secret_free(&c->pass);
	tm_secret_free(&c->identity_token);
}

/* cJSON frees without wiping, and a parsed config holds secrets. */
static void
json_wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			explicit_bzero(j->valuestring, strlen(j->valuestring));
		json_wipe(j->child);
	}
}

static void
json_free(cJSON *j)
{
	json_wipe(j);
	cJSON_Delete(j);
}

/* A non-empty string member of obj, or NULL. */
static const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(j) && j->valuestring != NULL && j->valuestring[0] != '\0' ?
	    j->valuestring : NULL;
}

static int
is_hub(const char *h, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof hub_names / sizeof hub_names[0]; i++)
		if (strlen(hub_names[i]) == len && strncasecmp(hub_names[i], h, len) == 0)
			return 1;
	return 0;
}

/*
 * Does a config key name host?  "quay.io", "https://quay.io" and
 * "http://quay.io/v2/" all do; Hub's three names are one.  A key with a
 * path but no scheme ("quay.io/org") is podman's per-repository entry,
 * which a host-wide look-up must not use.
 */
static int
key_matches(const char *key, const char *host)
{
	size_t	klen, hlen = strlen(host);
	int	scheme = 0;

	if (strncasecmp(key, "https://", 8) == 0) {
		key += 8;
		scheme = 1;
	} else if (strncasecmp(key, "http://", 7) == 0) {
		key += 7;
		scheme = 1;
	}
	klen = strcspn(key, "/");
	if (!scheme && key[klen] != '\0')
		return 0;
	if (klen == hlen && strncasecmp(key, host, hlen) == 0)
		return 1;
	return is_hub(key, klen) && is_hub(host, hlen);
}

/*
 * The members of obj that name host: on pass 0 the exact key, on pass 1
 * every spelling.  Iterate with `for (pass...) for (it...) if (pick(...))`.
 */
static int
pick(const cJSON *it, const char *host, int pass)
{
	if (it->string == NULL)
		return 0;
	return pass == 0 ? strcmp(it->string, host) == 0 : key_matches(it->string, host);
}

static int
oom(struct tm_creds *c, struct tm_err *err)
{
	tm_creds_clear(c);
	return tm_err_set(err, TM_CAT_IO, "out of memory");
}

static long
helper_timeout_ms(void)
{
	const char	*s = getenv(HELPER_TIMEOUT_ENV);
	long		 v;
	char		*end;

	if (s == NULL || *s == '\0')
		return HELPER_TIMEOUT_MS;
	v = strtol(s, &end, 10);
	return *end == '\0' && v > 0 && v <= 600000 ? v : HELPER_TIMEOUT_MS;
}

/*
 * Start prog with argument "get", stdin holding server, stdout a pipe
 * (*outfd) and stderr /dev/null, in its own process group so a timeout
 * can kill whatever it started.  posix_spawn, not fork: this may run on a
 * worker thread of a big process.  Returns 0 or an errno value.
 */
static int
helper_spawn(char *prog, const char *server, pid_t *pid, int *outfd)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, dfl;
	char				 get[] = "get", *argv[3];
	int				 in[2], out[2], rc;

	if (pipe2(in, O_CLOEXEC) == -1)
		return errno;
	if (pipe2(out, O_CLOEXEC) == -1) {
		rc = errno;
		close(in[0]);
		close(in[1]);
		return rc;
	}
	/*
	 * The server name fits the pipe's buffer, so write it now and close:
	 * the helper sees it and then EOF, and we can never get SIGPIPE.
	 */
	rc = write(in[1], server, strlen(server)) == (ssize_t)strlen(server) ? 0 : EIO;
	close(in[1]);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	/* Workers block signals and the program ignores SIGPIPE: undo both. */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	argv[0] = prog;
	argv[1] = get;
	argv[2] = NULL;
	if (rc == 0)
		rc = posix_spawnp(pid, prog, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0)
		close(out[0]);
	else
		*outfd = out[0];
	return rc;
}

/*
 * Read the helper's stdout into buf until EOF, and reap it, all before
 * deadline.  Returns 0 with *status set, -1 on timeout, -2 when it says
 * too much; on both the helper's whole process group is killed.
 */
static int
helper_collect(pid_t pid, int fd, long deadline, char *buf, size_t *len, int *status)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	struct timespec	 nap = { 0, 10 * 1000 * 1000 };
	ssize_t		 r;
	long		 left;
	pid_t		 w;
	int		 rc = 0;

	*len = 0;
	while (rc == 0) {
		if ((left = deadline - tm_now_ms()) <= 0 ||
		    (poll(&p, 1, (int)left) == -1 && errno != EINTR)) {
			rc = -1;
			break;
		}
		if (p.revents == 0)
			continue;
		r = read(fd, buf + *len, HELPER_OUT_MAX - *len);
		if (r == 0)
			break;
		if (r == -1 && errno != EINTR && errno != EAGAIN)
			rc = -1;
		if (r > 0 && (*len += (size_t)r) == HELPER_OUT_MAX)
			rc = -2;
	}
	buf[*len] = '\0';
	/* EOF need not mean exit: wait for that too, under the same deadline. */
	while (rc == 0 && (w = waitpid(pid, status, WNOHANG)) != pid) {
		if ((w == -1 && errno != EINTR) || tm_now_ms() >= deadline)
			rc = -1;
		else
			nanosleep(&nap, NULL);
	}
	if (rc != 0) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, status, 0) == -1 && errno == EINTR)
			;
	}
	return rc;
}

/* Helper names come from a config file: no paths, nothing odd. */
static int
helper_name_valid(const char *name)
{
	size_t	i;

	if (name[0] == '\0' || strlen(name) > 64)
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || strchr("._-", name[i]) != NULL))
			return 0;
	return 1;
}

/* Turn a helper's {"Username","Secret"} into *c.  1 found, 0 not, -1 error. */
static int
helper_result(const char *out, size_t len, const char *prog, const char *path,
    struct tm_creds *c, struct tm_err *err)
{
	cJSON		*j = cJSON_ParseWithLength(out, len);
	const char	*user, *secret;
	int		 rc = 0;

	if (!cJSON_IsObject(j)) {
		json_free(j);
		return tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) "
		    "did not answer with JSON", prog, path);
	}
	user = json_str(j, "Username");
	if ((secret = json_str(j, "Secret")) != NULL) {
		rc = 1;
		if (user != NULL && strcmp(user, TOKEN_USER) == 0) {
			if ((c->identity_token = strdup(secret)) == NULL)
				rc = oom(c, err);
		} else if ((user != NULL && (c->user = strdup(user)) == NULL) ||
		    (c->pass = strdup(secret)) == NULL)
			rc = oom(c, err);
	}
	json_free(j);
	return rc;
}

/*
 * Ask docker-credential-NAME for host's credentials.  1 found, 0 the
 * helper has none ("credentials not found" is its protocol for that),
 * -1 when it is missing, fails or hangs.
 */
static int
helper_get(const char *name, const char *host, const char *path, struct tm_creds *c,
    struct tm_err *err)
{
	char		 prog[96], *out;
	const char	*server = is_hub(host, strlen(host)) ? HUB_SERVER : host;
	size_t		 len;
	pid_t		 pid;
	int		 fd = -1, rc, status;
	long		 timeout = helper_timeout_ms();

	if (!helper_name_valid(name))
		return tm_err_set(err, TM_CAT_USAGE, "%s: invalid credential helper name '%.64s'",
		    path, name);
	snprintf(prog, sizeof prog, "docker-credential-%s", name);
	if ((rc = helper_spawn(prog, server, &pid, &fd)) != 0)
		return tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) %s", prog,
		    path, rc == ENOENT ? "is not in PATH" : strerror(rc));
	if ((out = malloc(HELPER_OUT_MAX + 1)) == NULL) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fd);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	rc = helper_collect(pid, fd, tm_now_ms() + timeout, out, &len, &status);
	close(fd);
	if (rc == -1)
		tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) did not answer "
		    "within %ld ms", prog, path, timeout);
	else if (rc == -2)
		rc = tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) said more "
		    "than %d bytes", prog, path, HELPER_OUT_MAX);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = helper_result(out, len, prog, path, c, err);
	else if (strstr(out, "credentials not found") != NULL)
		rc = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		/* How posix_spawn reports a failed exec where it cannot return it. */
		rc = tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) is not "
		    "in PATH or could not start (exit status 127)", prog, path);
	else if (WIFEXITED(status))
		rc = tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) failed "
		    "with exit status %d", prog, path, WEXITSTATUS(status));
	else
		rc = tm_err_set(err, TM_CAT_AUTH, "credential helper %s (from %s) killed by "
		    "signal %d", prog, path, WTERMSIG(status));
	explicit_bzero(out, len);
	free(out);
	return rc;
}

/* One auths entry: "auth", or "username"/"password", and "identitytoken". */
static int
auths_entry(const cJSON *e, const char *path, struct tm_creds *c, struct tm_err *err)
{
	const char	*auth, *s;
	char		*plain, *colon;
	size_t		 plen;
	int		 failed = 0;

	if (!cJSON_IsObject(e))
		return 0;
	if ((auth = json_str(e, "auth")) != NULL) {
		if (tm_b64_decode(auth, strlen(auth), TM_B64_PAD_OPTIONAL, &plain, &plen) == -1 ||
		    (colon = strchr(plain, ':')) == NULL) {
			if (plain != NULL) {
				explicit_bzero(plain, strlen(plain));
				free(plain);
			}
			return tm_err_set(err, TM_CAT_USAGE, "%s: the \"auth\" of \"%.100s\" "
			    "is not base64 of user:password", path, e->string);
		}
		*colon = '\0';
		if (plain[0] != '\0')
			failed |= (c->user = strdup(plain)) == NULL;
		if (colon[1] != '\0')
			failed |= (c->pass = strdup(colon + 1)) == NULL;
		explicit_bzero(colon + 1, strlen(colon + 1));
		explicit_bzero(plain, strlen(plain));
		free(plain);
	} else if ((s = json_str(e, "username")) != NULL) {
		failed |= (c->user = strdup(s)) == NULL;
		if ((s = json_str(e, "password")) != NULL)
			failed |= (c->pass = strdup(s)) == NULL;
	}
	if ((s = json_str(e, "identitytoken")) != NULL)
		failed |= (c->identity_token = strdup(s)) == NULL;
	if (failed)
		return oom(c, err);
	return c->user != NULL || c->pass != NULL || c->identity_token != NULL;
}

/*
 * Look host up in one parsed file: credHelpers, auths, then credsStore.
 * A legacy ~/.dockercfg is the auths object itself, with nothing else.
 */
static int
lookup_in(const cJSON *root, int legacy, const char *path, const char *host,
    struct tm_creds *c, struct tm_err *err)
{
	const cJSON	*helpers, *auths, *it;
	const char	*store;
	int		 pass, rc;

	if (legacy) {
		for (pass = 0; pass < 2; pass++)
			cJSON_ArrayForEach(it, root)
				if (pick(it, host, pass) &&
				    (rc = auths_entry(it, path, c, err)) != 0)
					return rc;
		return 0;
	}
	helpers = cJSON_GetObjectItemCaseSensitive(root, "credHelpers");
	for (pass = 0; pass < 2 && cJSON_IsObject(helpers); pass++)
		cJSON_ArrayForEach(it, helpers)
			if (pick(it, host, pass) && cJSON_IsString(it) &&
			    (rc = helper_get(it->valuestring, host, path, c, err)) != 0)
				return rc;
	auths = cJSON_GetObjectItemCaseSensitive(root, "auths");
	for (pass = 0; pass < 2 && cJSON_IsObject(auths); pass++)
		cJSON_ArrayForEach(it, auths)
			if (pick(it, host, pass) && (rc = auths_entry(it, path, c, err)) != 0)
				return rc;
	if ((store = json_str(root, "credsStore")) != NULL)
		return helper_get(store, host, path, c, err);
	return 0;
}

/*
 * Read and parse path.  1 with *root set, 0 when there is no such file (or
 * it is empty), -1 when it cannot be read or is not a JSON object.
 */
static int
file_load(const char *path, cJSON **root, struct tm_err *err)
{
	struct stat	 st;
	char		*buf;
	size_t		 got = 0;
	ssize_t		 r;
	int		 fd, rc;

	*root = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return tm_err_set(err, TM_CAT_IO, "cannot read %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		close(fd);
		return tm_err_set(err, TM_CAT_IO, "cannot read %s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX) {
		close(fd);
		return tm_err_set(err, TM_CAT_IO, "cannot read %s: %s", path,
		    !S_ISREG(st.st_mode) ? "not a regular file" : "too big");
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			explicit_bzero(buf, got);
			free(buf);
			return tm_err_set(err, TM_CAT_IO, "cannot read %s: %s", path,
			    strerror(errno));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	if (strspn(buf, " \t\r\n") == got) {
		free(buf);
		return 0;
	}
	*root = cJSON_ParseWithLength(buf, got);
	explicit_bzero(buf, got);
	free(buf);
	if (!cJSON_IsObject(*root)) {
		rc = tm_err_set(err, TM_CAT_USAGE, "%s is not %s", path,
		    *root == NULL ? "valid JSON" : "a JSON object");
		json_free(*root);
		*root = NULL;
		return rc;
	}
	return 1;
}

static int
home_dir(char *buf, size_t n)
{
	const char	*home = getenv("HOME");
	struct passwd	 pw, *res = NULL;
	char		 pwbuf[1024];

	if (home == NULL || *home == '\0') {
		if (getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) != 0 || res == NULL)
			return -1;
		home = res->pw_dir;
	}
	return snprintf(buf, n, "%s", home) < (int)n ? 0 : -1;
}

/*
 * The files containers-auth.json(5) says skopeo reads, in its order: the
 * primary one (auth_file when given, as skopeo's --authfile overrides
 * REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json), then
 * $XDG_CONFIG_HOME/containers/auth.json, docker's config.json and the
 * legacy ~/.dockercfg.  "" where unknown.
 */
#define AUTH_PATHS	4
#define AUTH_LEGACY	3	/* the index of ~/.dockercfg */

static void
config_paths(const char *auth_file, char paths[AUTH_PATHS][4096])
{
	const char	*env;
	char		 home[4000];
	int		 have_home = home_dir(home, sizeof home) == 0;

	memset(paths, 0, AUTH_PATHS * sizeof paths[0]);
	if (auth_file != NULL && *auth_file != '\0')
		snprintf(paths[0], sizeof paths[0], "%s", auth_file);
	else if ((env = getenv("REGISTRY_AUTH_FILE")) != NULL && *env != '\0')
		snprintf(paths[0], sizeof paths[0], "%s", env);
	else if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env != '\0')
		snprintf(paths[0], sizeof paths[0], "%s/containers/auth.json", env);
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env != '\0')
		snprintf(paths[1], sizeof paths[1], "%s/containers/auth.json", env);
	else if (have_home)
		snprintf(paths[1], sizeof paths[1], "%s/.config/containers/auth.json",
		    home);
	if ((env = getenv("DOCKER_CONFIG")) != NULL && *env != '\0')
		snprintf(paths[2], sizeof paths[2], "%s/config.json", env);
	else if (have_home)
		snprintf(paths[2], sizeof paths[2], "%s/.docker/config.json", home);
	if (have_home)
		snprintf(paths[AUTH_LEGACY], sizeof paths[AUTH_LEGACY],
		    "%s/.dockercfg", home);
}

int
tm_creds_lookup(const char *host, struct tm_creds *c, struct tm_err *err)
{
	return tm_creds_lookup_file(NULL, host, c, err);
}

int
tm_creds_lookup_file(const char *auth_file, const char *host,
    struct tm_creds *c, struct tm_err *err)
{
	char	 paths[AUTH_PATHS][4096];
	cJSON	*root;
	int	 i, rc;

	memset(c, 0, sizeof *c);
	config_paths(auth_file, paths);
	for (i = 0; i < AUTH_PATHS; i++) {
		if (paths[i][0] == '\0')
			continue;
		if ((rc = file_load(paths[i], &root, err)) == 1) {
			rc = lookup_in(root, i == AUTH_LEGACY, paths[i], host, c,
			    err);
			json_free(root);
		}
		if (rc == -1)
			tm_creds_clear(c);
		if (rc != 0)
			return rc;
	}
	return 0;
}
