# Registry client against real docker-registry instances over plain HTTP on
# loopback: discovery, tags, manifests of all four media types copied
# byte-for-byte (skopeo as the independent checker), blobs, mounts, deletes.
. "$top_srcdir/tests/lib.sh"
need skopeo
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"

registry_start src
registry_start dst

# t1 Docker v2, t2 Docker list, t3 OCI manifest, t6 OCI index (seed.py rules).
seed "$src_addr" lib/app "$TMPD/seed.txt" --tags t1,t2,t3,t4,t5,t6 \
	--multiarch-every 2 --oci-every 3 --alias-every 0 >/dev/null 2>&1 ||
	bail "seed failed"

out=$("$RT" ping "$src_addr" 2>&1)
is "$out" "ok http" "a loopback registry without TLS is found over plain HTTP"

got=$("$RT" tags "$src_addr" lib/app | sort | tr '\n' ' ')
is "$got" "t1 t2 t3 t4 t5 t6 " "tags lists every seeded tag"

bad=""
while read -r tag digest mt; do
	line=$("$RT" manifest-head "$src_addr" lib/app "$tag")
	[ "$line" = "$digest $mt ${line##* }" ] || bad="$bad $tag"
done <"$TMPD/seed.txt"
is "$bad" "" "HEAD gives the digest and media type seed.py pushed"

# Copy one manifest (and, depth first, what it references) from src to dst
# with nothing but regtool: blobs by blob-copy, manifests by exact bytes.
copy_ref() {
	local ref="$1" f kind d s mt
	f="$TMPD/m.$(echo "$ref" | tr ':' _)"
	"$RT" --out "$f" manifest-get "$src_addr" lib/app "$ref" 2>"$f.err" || return 1
	mt=$(sed -n 's/^media-type //p' "$f.err")
	python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for d in m.get("manifests", []):
    print("M", d["digest"], d["size"])
for d in ([m["config"]] if "config" in m else []) + m.get("layers", []):
    print("B", d["digest"], d["size"])' "$f" >"$f.refs" || return 1
	set --
	while read -r kind d s; do
		if [ "$kind" = M ]; then
			copy_ref "$d" || return 1
		else
			set -- "$@" "$d" "$s"
		fi
	done <"$f.refs"
	if [ $# -gt 0 ]; then
		"$RT" blob-copy "$src_addr" lib/app "$dst_addr" mirror/app "$@" \
			>/dev/null || return 1
	fi
	"$RT" manifest-put "$dst_addr" mirror/app "$mt" "$f" "$ref" >/dev/null
}

for want in application/vnd.docker.distribution.manifest.v2+json \
	application/vnd.docker.distribution.manifest.list.v2+json \
	application/vnd.oci.image.manifest.v1+json \
	application/vnd.oci.image.index.v1+json; do
	set -- $(awk -v mt="$want" '$3 == mt { print $1, $2; exit }' "$TMPD/seed.txt")
	tag="$1" digest="$2"
	[ -n "$tag" ] || bail "seed.py made no $want"
	ok "copy $want ($tag) with blob-copy and manifest-put" copy_ref "$tag"
	"$RT" --out "$TMPD/back" manifest-get "$dst_addr" mirror/app "$tag" 2>"$TMPD/back.err"
	is "$(sed -n 's/^digest //p' "$TMPD/back.err")" "$digest" \
		"$want: same digest at the destination"
	ok "$want: byte-identical at the destination" cmp "$TMPD/m.$tag" "$TMPD/back"
	sk=$(skopeo inspect --raw --tls-verify=false "docker://$dst_addr/mirror/app:$tag" |
		sha256sum | cut -d' ' -f1)
	is "sha256:$sk" "$digest" "$want: skopeo reads the same bytes from the destination"
done

out=$("$RT" manifest-head "$src_addr" lib/app nope)
is "$out" "absent" "HEAD of a missing tag: absent, not an error"
out=$("$RT" manifest-get "$src_addr" lib/app nope 2>&1)
is "$?" 13 "GET of a missing tag exits with not_found"
like "$out" "not_found: source 127.0.0.1:[0-9]+: manifest nope: HTTP 404 MANIFEST_UNKNOWN" \
	"the error names side, host, object, status and registry code"

set -- $(awk '$3 ~ /docker.distribution.manifest.v2/ { print $1; exit }' "$TMPD/seed.txt")
layer=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' \
	"$TMPD/m.$1")
is "$("$RT" blob-exists "$src_addr" other/app "$layer")" "absent" "blob absent from another repo"
is "$("$RT" blob-mount "$src_addr" other/app "$layer" lib/app)" "mounted" \
	"cross-repository mount: 201 is mounted"
is "$("$RT" blob-exists "$src_addr" other/app "$layer")" "present" "mounted blob is present"
is "$("$RT" blob-mount "$src_addr" other/app sha256:$(printf x | sha256sum | cut -d' ' -f1) lib/app)" \
	"not mounted" "mount of an unknown blob: 202 is 'not mounted', not an error"

set -- $(awk '$1 == "t5" { print $2 }' "$TMPD/seed.txt")
is "$("$RT" manifest-delete "$src_addr" lib/app "$1")" "deleted" "delete by digest"
is "$("$RT" manifest-head "$src_addr" lib/app t5)" "absent" "the tag is gone with its digest"
is "$("$RT" manifest-delete "$src_addr" lib/app "$1")" "absent" "deleting again: already absent"
out=$("$RT" tag-delete "$src_addr" lib/app t4 2>&1)
is "$?" 20 "distribution refuses tag deletes: protocol error"
like "$out" "HTTP 400 .*by digest only" "the error says why"

# A 404 is final: one request, no retry (counted by a proxy in front).
proxy_start p "$src_url"
out=$("$RT" --max-attempts 5 --retry-base 0.01 manifest-get "$p_addr" lib/app nope 2>&1)
is "$?" 13 "through the proxy: not_found"
is "$(proxy_count p '^GET /v2/lib/app/manifests/nope')" 1 "a 404 manifest is not retried"
unlike "$out" "attempts" "and the error does not claim retries"

out=$("$RT" --count manifest-head "$src_addr" lib/app t1 2>&1 >/dev/null)
like "$out" "^requests 127.0.0.1:[0-9]+ [12]$" "HEAD costs one request (plus one https probe)"
done_testing
