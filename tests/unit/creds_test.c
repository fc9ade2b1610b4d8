/*
 * Credentials from docker config.json (auths, credsStore, credHelpers)
 * and containers auth.json, and that secrets are wiped.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "creds.h"
#include "tap.h"

/*
 * Every credential here is fake, but the test still never prints one:
 * secrets are compared with ok(), never is_str() (which shows values).
 */

static char	dir[64], home_cfg[160], xdg_auth[160], bin[160], path_env[8192];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	chmod(path, mode);
}

static void
docker_config(const char *json)
{
	write_file(home_cfg, json, 0644);
}

static void
reset(void)
{
	unlink(home_cfg);
	unlink(xdg_auth);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	setenv("XDG_RUNTIME_DIR", dir, 1);
}

static int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Look host up; expect rc, and (when found) user and pass. */
static void
expect(const char *host, int want, const char *user, const char *pass, const char *what)
{
	struct tm_creds	c;
	struct tm_err	err;
	int		rc;

	tm_err_clear(&err);
	rc = tm_creds_lookup(host, &c, &err);
	is_int(rc, want, "%s", what);
	if (rc == -1)
		printf("#   %s\n", err.msg);
	if (want == 1) {
		ok(user == NULL ? c.user == NULL : streq(c.user, user), "  user");
		ok(pass == NULL ? c.pass == NULL : streq(c.pass, pass), "  password");
	}
	tm_creds_clear(&c);
	ok(c.user == NULL && c.pass == NULL && c.identity_token == NULL, "  cleared");
}

/*
 * Look host up expecting an error whose message has needle and names
 * culprit, and never contains secret.
 */
static void
expect_error(const char *host, const char *needle, const char *culprit,
    const char *secret, const char *what)
{
	struct tm_creds	c;
	struct tm_err	err;

	tm_err_clear(&err);
	is_int(tm_creds_lookup(host, &c, &err), -1, "%s", what);
	ok(strstr(err.msg, needle) != NULL, "  message says '%s'", needle);
	ok(strstr(err.msg, culprit) != NULL, "  and names %s", culprit);
	ok(secret == NULL || strstr(err.msg, secret) == NULL, "  and no secret");
	printf("#   %s\n", err.msg);
	ok(c.user == NULL && c.pass == NULL && c.identity_token == NULL,
	    "  nothing returned");
}

static void
helper_script(const char *name, const char *body)
{
	char	path[200], text[1024];

	snprintf(path, sizeof path, "%s/docker-credential-%s", bin, name);
	snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
	write_file(path, text, 0755);
}

/*
 * The rest of containers-auth.json(5)'s order: $XDG_CONFIG_HOME (default
 * ~/.config)/containers/auth.json after the primary file and before
 * docker's, and the legacy ~/.dockercfg (the auths object alone) last.
 */
static void
test_more_files(void)
{
	char	home[256], conf[300], legacy[300], xdg[300];

	reset();
	snprintf(home, sizeof home, "%s", getenv("HOME"));
	snprintf(conf, sizeof conf, "%s/.config", home);
	mkdir(conf, 0700);
	snprintf(conf, sizeof conf, "%s/.config/containers", home);
	mkdir(conf, 0700);
	snprintf(conf, sizeof conf, "%s/.config/containers/auth.json", home);
	snprintf(legacy, sizeof legacy, "%s/.dockercfg", home);
	write_file(legacy, "{\"https://index.docker.io/v1/\":{\"auth\":"
	    "\"bGVvOmxlZ2FjeQ==\",\"email\":\"x@example.org\"},"
	    "\"quay.io\":{\"auth\":\"bGVvOmxlZ2FjeQ==\"}}", 0600);
	expect("docker.io", 1, "leo", "legacy", "~/.dockercfg, the legacy format, "
	    "is read last");
	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"ZGF2ZTpmcm9tLWRvY2tlcg==\"}}}");
	expect("quay.io", 1, "dave", "from-docker", "  after docker's config.json");
	write_file(conf, "{\"auths\":{\"quay.io\":{\"auth\":\"bWlhOnhkZy1jb25maWc=\"}}}",
	    0600);
	expect("quay.io", 1, "mia", "xdg-config", "~/.config/containers/auth.json "
	    "before docker's config.json");
	write_file(xdg_auth, "{\"auths\":{\"quay.io\":{\"auth\":\"Y2Fyb2w6ZnJvbS1wb2RtYW4=\"}}}",
	    0600);
	expect("quay.io", 1, "carol", "from-podman", "  and after the primary auth.json");
	unlink(xdg_auth);
	snprintf(xdg, sizeof xdg, "%s/elsewhere", dir);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	expect("quay.io", 1, "dave", "from-docker", "XDG_CONFIG_HOME replaces ~/.config");
	reset();
	unlink(conf);
	unlink(legacy);
}

static void
test_files(void)
{
	char	cfgdir[160], cfg[200], authfile[160];

	reset();
	expect("quay.io", 0, NULL, NULL, "no files: nothing configured");
	docker_config("");
	expect("quay.io", 0, NULL, NULL, "an empty config.json: nothing configured");

	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}}}");
	expect("quay.io", 1, "alice", "s3cr3t-quay", "auths by exact host");
	expect("ghcr.io", 0, NULL, NULL, "another host: nothing");
	expect("quay.io:443", 0, NULL, NULL, "the same host with a port is another key");

	docker_config("{\"auths\":{\"https://index.docker.io/v1/\":"
	    "{\"auth\":\"aHViLXVzZXI6aHViLXBhc3M=\"}}}");
	expect("docker.io", 1, "hub-user", "hub-pass", "docker.io matches https://index.docker.io/v1/");
	expect("registry-1.docker.io", 1, "hub-user", "hub-pass", "so does registry-1.docker.io");
	expect("index.docker.io", 1, "hub-user", "hub-pass", "and index.docker.io");
	expect("quay.io", 0, NULL, NULL, "but not quay.io");
	docker_config("{\"auths\":{\"registry-1.docker.io\":"
	    "{\"auth\":\"aHViLXVzZXI6aHViLXBhc3M=\"}}}");
	expect("docker.io", 1, "hub-user", "hub-pass", "docker.io matches registry-1.docker.io");

	docker_config("{\"auths\":{\"http://localhost:5000/v2/\":"
	    "{\"auth\":\"Z2luYTpsb2NhbC1wYXNz\"}}}");
	expect("localhost:5000", 1, "gina", "local-pass", "http:// prefix and a path");
	expect("localhost:5001", 0, NULL, NULL, "another port: nothing");

	docker_config("{\"auths\":{\"https://quay.io\":{\"auth\":\"ZnJhbms6c2NoZW1lLWtleQ==\"},"
	    "\"quay.io\":{\"auth\":\"ZXJpbjpleGFjdC1rZXk=\"}}}");
	expect("quay.io", 1, "erin", "exact-key", "an exact key wins over a spelling");

	docker_config("{\"auths\":{\"quay.io/org\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}}}");
	expect("quay.io", 0, NULL, NULL, "a per-repository key is not host-wide");

	docker_config("{\"auths\":{\"https://index.docker.io/v1/\":{},"
	    "\"docker.io\":{\"auth\":\"aHViLXVzZXI6aHViLXBhc3M=\"}}}");
	expect("registry-1.docker.io", 1, "hub-user", "hub-pass",
	    "an empty entry does not hide a later spelling");

	docker_config("{\"auths\":{\"quay.io\":{\"username\":\"alice\","
	    "\"password\":\"s3cr3t-quay\"}}}");
	expect("quay.io", 1, "alice", "s3cr3t-quay", "username and password fields");
	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"Ym9iOg\"}}}");
	expect("quay.io", 1, "bob", NULL, "unpadded base64, empty password");

	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"Ym9iOg==\","
	    "\"identitytoken\":\"id-token-1\"}}}");
	{
		struct tm_creds	c;
		struct tm_err	err;

		is_int(tm_creds_lookup("quay.io", &c, &err), 1, "identitytoken in auths");
		ok(streq(c.user, "bob") && c.pass == NULL, "  with the user from auth");
		ok(streq(c.identity_token, "id-token-1"), "  and the token");
		tm_creds_clear(&c);
	}

	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"not*base64-s3cr3t\"}}}");
	expect_error("quay.io", "not base64", home_cfg, "s3cr3t", "bad base64");
	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	expect_error("quay.io", "not base64 of user:password", home_cfg, "nocolon",
	    "base64 without a colon");
	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}");
	expect_error("quay.io", "not valid JSON", home_cfg, "YWxp", "truncated JSON");
	docker_config("[\"quay.io\"]");
	expect_error("quay.io", "not a JSON object", home_cfg, NULL, "a JSON array");
	unlink(home_cfg);
	mkdir(home_cfg, 0700);
	expect_error("quay.io", "not a regular file", home_cfg, NULL, "config.json a directory");
	rmdir(home_cfg);

	/* World-readable files are read without fuss. */
	docker_config("{\"auths\":{\"quay.io\":{\"auth\":\"ZGF2ZTpmcm9tLWRvY2tlcg==\"}}}");
	chmod(home_cfg, 0666);
	expect("quay.io", 1, "dave", "from-docker", "a 0666 config.json is fine");

	/* containers auth.json comes first, then docker's config.json. */
	write_file(xdg_auth, "{\"auths\":{\"quay.io\":{\"auth\":\"Y2Fyb2w6ZnJvbS1wb2RtYW4=\"}}}",
	    0600);
	expect("quay.io", 1, "carol", "from-podman", "XDG_RUNTIME_DIR auth.json before config.json");
	expect("docker.io", 0, NULL, NULL, "neither has docker.io");
	write_file(xdg_auth, "{\"auths\":{\"ghcr.io\":{\"auth\":\"Y2Fyb2w6ZnJvbS1wb2RtYW4=\"}}}",
	    0600);
	expect("quay.io", 1, "dave", "from-docker", "auth.json without the host: config.json");

	snprintf(authfile, sizeof authfile, "%s/my-auth.json", dir);
	write_file(authfile, "{\"auths\":{\"quay.io\":{\"auth\":\"aGFuazphdXRoLWZpbGU=\"}}}", 0600);
	write_file(xdg_auth, "{\"auths\":{\"quay.io\":{\"auth\":\"Y2Fyb2w6ZnJvbS1wb2RtYW4=\"}}}",
	    0600);
	setenv("REGISTRY_AUTH_FILE", authfile, 1);
	expect("quay.io", 1, "hank", "auth-file", "REGISTRY_AUTH_FILE replaces XDG auth.json");
	write_file(authfile, "{}", 0600);
	expect("quay.io", 1, "dave", "from-docker", "  and is replaced, not added to");
	write_file(authfile, "{oops", 0600);
	expect_error("quay.io", "not valid JSON", authfile, NULL, "a bad REGISTRY_AUTH_FILE");
	unsetenv("REGISTRY_AUTH_FILE");

	snprintf(cfgdir, sizeof cfgdir, "%s/dcfg", dir);
	mkdir(cfgdir, 0700);
	snprintf(cfg, sizeof cfg, "%s/config.json", cfgdir);
	write_file(cfg, "{\"auths\":{\"quay.io\":{\"auth\":\"aXZhbjpkb2NrZXItY29uZmlnLWRpcg==\"}}}",
	    0600);
	unlink(xdg_auth);
	setenv("DOCKER_CONFIG", cfgdir, 1);
	expect("quay.io", 1, "ivan", "docker-config-dir", "DOCKER_CONFIG replaces ~/.docker");
	unsetenv("DOCKER_CONFIG");
	unlink(cfg);
	rmdir(cfgdir);
	unlink(authfile);
	test_more_files();
}

/* 1 when pid is gone or a zombie nobody reaped yet. */
static int
dead(const char *pidfile)
{
	char	 path[64], state = '?';
	FILE	*f;
	long	 pid = 0;
	int	 i;

	if ((f = fopen(pidfile, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	for (i = 0; i < 100; i++) {
		if ((f = fopen(path, "r")) == NULL)
			return 1;
		if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
			state = '?';
		fclose(f);
		if (state == 'Z' || state == 'X')
			return 1;
		usleep(20000);
	}
	return 0;
}

static void
test_helpers(void)
{
	struct tm_creds	 c;
	struct tm_err	 err;
	char		 body[512], pidfile[160];
	double		 t0;

	reset();
	/* Echo back what arrived on stdin, so the server URL can be checked. */
	helper_script("fake", "[ \"$1\" = get ] || exit 3\nurl=$(cat)\n"
	    "printf '{\"ServerURL\":\"%s\",\"Username\":\"user-for-%s\","
	    "\"Secret\":\"helper-s3cr3t\"}\\n' \"$url\" \"$url\"");
	helper_script("token", "cat >/dev/null\n"
	    "echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"refresh-s3cr3t\"}'");
	helper_script("fails", "cat >/dev/null\necho 'helper-s3cr3t leaked'\n"
	    "echo 'boom' >&2\nexit 1");
	helper_script("none", "cat >/dev/null\n"
	    "echo 'credentials not found in native keychain'\nexit 1");
	helper_script("garbage", "cat >/dev/null\necho 'Secret: helper-s3cr3t'");
	snprintf(pidfile, sizeof pidfile, "%s/hang.pid", dir);
	snprintf(body, sizeof body, "sleep 30 &\necho $! > %s\nwait", pidfile);
	helper_script("hang", body);

	docker_config("{\"credHelpers\":{\"quay.io\":\"fake\"}}");
	expect("quay.io", 1, "user-for-quay.io", "helper-s3cr3t",
	    "credHelpers runs docker-credential-fake with the host on stdin");
	docker_config("{\"credHelpers\":{\"docker.io\":\"fake\"}}");
	expect("registry-1.docker.io", 1, "user-for-https://index.docker.io/v1/",
	    "helper-s3cr3t", "a Hub helper is asked for https://index.docker.io/v1/");
	docker_config("{\"credHelpers\":{\"quay.io\":\"fake\"},"
	    "\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}}}");
	expect("quay.io", 1, "user-for-quay.io", "helper-s3cr3t", "credHelpers before auths");
	expect("ghcr.io", 0, NULL, NULL, "credHelpers for another host: nothing");

	docker_config("{\"credsStore\":\"fake\",\"auths\":{\"https://index.docker.io/v1/\":{}}}");
	expect("docker.io", 1, "user-for-https://index.docker.io/v1/", "helper-s3cr3t",
	    "credsStore behind an empty auths entry");
	docker_config("{\"credsStore\":\"fake\","
	    "\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}}}");
	expect("quay.io", 1, "alice", "s3cr3t-quay", "auths before credsStore");
	expect("ghcr.io", 1, "user-for-ghcr.io", "helper-s3cr3t", "credsStore for the rest");

	docker_config("{\"credHelpers\":{\"quay.io\":\"token\"}}");
	is_int(tm_creds_lookup("quay.io", &c, &err), 1, "a helper's identity token");
	ok(c.user == NULL && c.pass == NULL, "  no user or password");
	ok(streq(c.identity_token, "refresh-s3cr3t"), "  the token");
	tm_creds_clear(&c);

	docker_config("{\"credHelpers\":{\"quay.io\":\"none\"},"
	    "\"auths\":{\"quay.io\":{\"auth\":\"YWxpY2U6czNjcjN0LXF1YXk=\"}}}");
	expect("quay.io", 1, "alice", "s3cr3t-quay", "a helper with nothing falls back to auths");
	docker_config("{\"credsStore\":\"none\"}");
	expect("quay.io", 0, NULL, NULL, "'credentials not found' is not an error");

	docker_config("{\"credHelpers\":{\"quay.io\":\"fails\"}}");
	expect_error("quay.io", "exit status 1", "docker-credential-fails", "s3cr3t",
	    "a failing helper");
	docker_config("{\"credHelpers\":{\"quay.io\":\"missing\"}}");
	expect_error("quay.io", "not in PATH", "docker-credential-missing", NULL,
	    "a helper not installed");
	docker_config("{\"credHelpers\":{\"quay.io\":\"../../bin/sh\"}}");
	expect_error("quay.io", "invalid credential helper name", home_cfg, NULL,
	    "a helper name with a path");
	docker_config("{\"credsStore\":\"garbage\"}");
	expect_error("quay.io", "did not answer with JSON", "docker-credential-garbage",
	    "s3cr3t", "a helper that answers nonsense");

	setenv("TAGMIRROR_CRED_HELPER_TIMEOUT_MS", "1000", 1);
	docker_config("{\"credHelpers\":{\"quay.io\":\"hang\"}}");
	t0 = tm_now();
	expect_error("quay.io", "did not answer within 1000 ms", "docker-credential-hang",
	    NULL, "a helper that hangs");
	ok(tm_now() - t0 < 4.0, "  gives up in time (%.1f s)", tm_now() - t0);
	ok(dead(pidfile), "  and what it started is killed too");
	unsetenv("TAGMIRROR_CRED_HELPER_TIMEOUT_MS");
}

int
main(void)
{
	const char	*path = getenv("PATH");
	char		 home[128];

	snprintf(dir, sizeof dir, "/tmp/tm-creds-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(home, sizeof home, "%s/home", dir);
	snprintf(home_cfg, sizeof home_cfg, "%s/.docker", home);
	mkdir(home, 0700);
	mkdir(home_cfg, 0700);
	snprintf(home_cfg, sizeof home_cfg, "%s/.docker/config.json", home);
	snprintf(xdg_auth, sizeof xdg_auth, "%s/containers", dir);
	mkdir(xdg_auth, 0700);
	snprintf(xdg_auth, sizeof xdg_auth, "%s/containers/auth.json", dir);
	snprintf(bin, sizeof bin, "%s/bin", dir);
	mkdir(bin, 0700);
	snprintf(path_env, sizeof path_env, "%s:%s", bin, path != NULL ? path : "/usr/bin:/bin");
	setenv("PATH", path_env, 1);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");

	test_files();
	test_helpers();

	/* Leave nothing behind. */
	snprintf(path_env, sizeof path_env, "rm -rf '%s'", dir);
	if (system(path_env) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
