# `tagmirror sync --src yaml FILE DEST` reads skopeo sync's YAML as it is:
# the same file given to `skopeo sync --src yaml FILE DEST` puts the same
# tags, at the same digests, in the same destination repositories.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start a
registry_start b
seed "$up_addr" library/busybox "$TMPD/bb" --tags 1.35,1.36,latest >/dev/null || bail "seed"
seed "$up_addr" library/redis "$TMPD/redis" --tags 6.2,7.0,7.2 --seed 2 >/dev/null || bail "seed"
seed "$up_addr" org/nginx "$TMPD/nginx" --tags 1.13.1-alpine-perl,1.13.2-alpine-perl,1.13.2,1.14.0-alpine-perl --seed 3 >/dev/null || bail "seed"

# As skopeo-sync(1) writes it: all tags, a tag list, a regex.
cat >"$TMPD/skopeo.yaml" <<YAML
$up_addr:
  tls-verify: false
  images:
    library/busybox: []
    library/redis:
      - "6.2"
      - "7.2"
  images-by-tag-regex:
    org/nginx: ^1\.13\.[12]-alpine-perl\$
YAML

tmrun sync --src yaml "$TMPD/skopeo.yaml" "$a_addr/mirror"
is "$rc" 0 "tagmirror reads skopeo's file unchanged: exit 0"
skopeo sync --src yaml --dest docker --dest-tls-verify=false "$TMPD/skopeo.yaml" \
	"$b_addr/mirror" >"$TMPD/skopeo.out" 2>&1
is "$?" 0 "skopeo sync runs the same file"
for r in busybox redis nginx; do
	is "$(listing "$a_addr" "mirror/$r")" "$(listing "$b_addr" "mirror/$r")" \
		"mirror/$r: the same tags and digests as skopeo sync's"
done
is "$(listing "$a_addr" mirror/nginx | cut -d' ' -f1 | tr '\n' ' ')" \
	"1.13.1-alpine-perl 1.13.2-alpine-perl " "the regex searched as skopeo's does"
is "$(listing "$a_addr" mirror/redis | cut -d' ' -f1 | tr '\n' ' ')" "6.2 7.2 " "the tag list"
is "$(listing "$a_addr" mirror/busybox | wc -l)" 3 "no tags: all of them"

# Keys tagmirror does not take are named, never ignored.
printf '%s:\n  images:\n    library/busybox: []\n  credentials:\n    username: u\n    password: sekrit\n' \
	"$up_addr" >"$TMPD/creds.yaml"
tmrun sync --src yaml "$TMPD/creds.yaml" "$a_addr/mirror"
is "$rc" 1 "inline credentials: exit 1"
like "$err" "creds.yaml:4:3: 'credentials': inline credentials are refused" "named with line:column"
unlike "$err$out" sekrit "the secret is never printed"
printf '%s:\n  images-by-digest:\n    x: []\n' "$up_addr" >"$TMPD/unk.yaml"
tmrun sync --src yaml "$TMPD/unk.yaml" "$a_addr/mirror"
like "$err" "unk.yaml:2:3: unknown key 'images-by-digest'" "an unsupported key is named"
tmrun sync --src yaml "$TMPD/skopeo.yaml"
is "$rc" 1 "--src yaml without DEST is a usage error"
done_testing
