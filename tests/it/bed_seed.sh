. "$top_srcdir/tests/lib.sh"
# tests/bed/seed.py pushes exactly what it claims, checked with skopeo and
# curl as independent readers: digests, media types, platforms, aliases,
# shared layers, valid gzip'd tar layers with true diff_ids, determinism,
# auth + TLS, streaming of a big layer, and one-line errors.
# The test bed is Python and tagmirror plays no part: nothing for CI's
# sanitizer pass to check here.
sanitized && skip_all "the Python test bed only; no C code to sanitize"
need skopeo

# 30 tags in the order given: with the defaults, position 3k is OCI, 4k is
# multi-arch (12 and 24 are both: OCI indexes), 5k aliases position 5k-1.
TAGS=3.12.4,3.12.4-slim,3.12.4-slim-bookworm,3.12.4-bookworm,3.12-bookworm
TAGS=$TAGS,3.12.4-alpine3.20,3.12.4-alpine,3.12.4-bullseye,3.12.4-slim-bullseye
TAGS=$TAGS,3.12-slim-bullseye,3.11.9,3.11.9-slim,3.11.9-alpine3.19,3.11.9-bookworm
TAGS=$TAGS,3.11-bookworm,3.11.9-windowsservercore-ltsc2022,3.11.9-nanoserver-1809
TAGS=$TAGS,3.10.14,3.10.14-slim,3.10-slim,3.10.14-alpine,3.10.14-bullseye,3.13.0rc2
TAGS=$TAGS,3.13.0rc2-slim,3.13-rc-slim,latest,slim,alpine,bookworm,3
DOCKER_V2=application/vnd.docker.distribution.manifest.v2+json
DOCKER_LIST=application/vnd.docker.distribution.manifest.list.v2+json
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_INDEX=application/vnd.oci.image.index.v1+json

registry_start plain
registry_start secure --auth --tls

field() { awk -v t="$2" '$1 == t { print $'"$3"' }' "$1"; }	# FILE TAG COLUMN

seed "$plain_addr" lib/python "$TMPD/plain.out" --tags "$TAGS" 2>"$TMPD/seed.err"
is "$?" 0 "seed into a plain registry succeeds"
is "$(wc -l <"$TMPD/plain.out" | tr -d ' ')" 30 "--out has one line per tag"
is "$(cut -d' ' -f1 "$TMPD/plain.out")" "$(echo "$TAGS" | tr , '\n' | LC_ALL=C sort)" \
	"--out is sorted by tag"

# Every manifest exactly as the registry serves it (4 skopeo at a time).
mkdir -p "$TMPD/raw"
cut -d' ' -f1 "$TMPD/plain.out" | xargs -P 4 -I @ sh -c 'skopeo inspect --raw \
	--tls-verify=false "docker://$1/lib/python:$2" >"$3/raw/$2" 2>/dev/null || rm -f "$3/raw/$2"' \
	sh "$plain_addr" @ "$TMPD"
bad=""
while read -r tag digest mt; do
	[ -f "$TMPD/raw/$tag" ] && [ "sha256:$(sha256sum <"$TMPD/raw/$tag" | cut -d' ' -f1)" = "$digest" ] ||
		bad="$bad $tag"
done <"$TMPD/plain.out"
is "$bad" "" "skopeo: every tag's raw manifest hashes to the digest in --out"

is "$(field "$TMPD/plain.out" 3.12.4 3)" "$DOCKER_V2" "position 1 is a Docker schema2 image"
is "$(field "$TMPD/plain.out" 3.12.4-slim-bookworm 3)" "$OCI_MANIFEST" "position 3 is an OCI image"
is "$(field "$TMPD/plain.out" 3.12.4-bookworm 3)" "$DOCKER_LIST" "position 4 is a Docker manifest list"
is "$(field "$TMPD/plain.out" 3.11.9-slim 3)" "$OCI_INDEX" "position 12 is an OCI index"
is "$(field "$TMPD/plain.out" 3.12-bookworm 2)" "$(field "$TMPD/plain.out" 3.12.4-bookworm 2)" \
	"position 5 aliases position 4 (same digest)"
is "$(field "$TMPD/plain.out" 3 2)" "$(field "$TMPD/plain.out" bookworm 2)" \
	"position 30 aliases position 29"
is "$(cut -d' ' -f2 "$TMPD/plain.out" | sort -u | wc -l | tr -d ' ')" 24 \
	"30 tags, 6 aliases: 24 distinct manifests"

# Complete images: skopeo copies every blob and checks every digest.
ok "skopeo copy --all of a Docker manifest list" skopeo copy --all -q --src-tls-verify=false \
	"docker://$plain_addr/lib/python:3.12.4-bookworm" "dir:$TMPD/copy-list"
ok "skopeo copy --all of an OCI index" skopeo copy --all -q --src-tls-verify=false \
	"docker://$plain_addr/lib/python:3.11.9-slim" "dir:$TMPD/copy-index"
ok "skopeo copy of an OCI image" skopeo copy -q --src-tls-verify=false \
	"docker://$plain_addr/lib/python:3.12.4-slim-bookworm" "dir:$TMPD/copy-oci"

# Deterministic: the same arguments give the same digests, --variant new ones.
cut -d' ' -f2 "$TMPD/plain.out" | sort -u >"$TMPD/digests"
seed "$plain_addr" lib/python "$TMPD/again.out" --tags "$TAGS"
ok "re-seeding with the same arguments gives the same --out" cmp "$TMPD/plain.out" "$TMPD/again.out"
seed "$plain_addr" lib/python-v "$TMPD/variant.out" --tags "$TAGS" --variant rebuilt
is "$(cut -d' ' -f2 "$TMPD/variant.out" | sort -u | comm -12 - "$TMPD/digests")" "" \
	"--variant gives every tag a new digest"
skopeo inspect --raw --tls-verify=false "docker://$plain_addr/lib/python-v:3.12.4" \
	>"$TMPD/variant.json" 2>/dev/null

# Structure, checked from the raw manifests and the copied blobs.
facts=$(tm_python - "$TMPD" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile
top = sys.argv[1]
raw = lambda t: json.load(open(os.path.join(top, "raw", t), "rb"))
rows = [l.split() for l in open(os.path.join(top, "plain.out"))]
print("mt_bad=" + ",".join(t for t, d, mt in rows if raw(t).get("mediaType") != mt))
def plats(t):
    return " ".join("/".join(m["platform"].get(k, "") for k in ("os", "architecture", "variant"))
                    .rstrip("/") for m in raw(t)["manifests"])
print("plats_list=" + plats("3.12.4-bookworm"))
print("plats_index=" + plats("3.11.9-slim"))
print("plats_windows=" + plats("3.11.9-windowsservercore-ltsc2022"))
lay = lambda t, i: raw(t)["layers"][i]["digest"]
print("base_shared=%s" % (lay("3.12.4-slim", 0) == lay("3.10.14-slim", 0)))
print("base_differs=%s" % (lay("3.12.4", 0) != lay("3.12.4-slim", 0)))
print("version_shared=%s" % (lay("3.12.4", 1) == lay("3.12.4-slim", 1)))
print("version_differs=%s" % (lay("3.12.4-slim", 1) != lay("3.10.14-slim", 1)))
singles = [t for t, d, mt in rows if mt in (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json")]
distinct = {d for t, d, mt in rows if t in singles}
print("unique_top=%s" % (len(distinct) > 10 and len({lay(t, 2) for t in singles}) == len(distinct)))
# In the copied dirs: each image's config matches its platform and its
# diff_ids are the sha256 of the gunzipped layers, which are tar files.
problems, images = [], 0
for d in ("copy-list", "copy-index", "copy-oci"):
    path = os.path.join(top, d)
    blob = lambda dg: open(os.path.join(path, dg.split(":")[1]), "rb").read()
    for f in os.listdir(path):
        if not f.endswith("manifest.json"):
            continue
        m = json.load(open(os.path.join(path, f), "rb"))
        if "layers" not in m:
            continue
        images += 1
        cfg = json.loads(blob(m["config"]["digest"]))
        if not (cfg.get("os") and cfg.get("architecture")):
            problems.append(f + ": config lacks os/architecture")
        ids = cfg.get("rootfs", {}).get("diff_ids", [])
        if len(ids) != len(m["layers"]):
            problems.append(f + ": diff_ids count")
        for l, want in zip(m["layers"], ids):
            tar = gzip.decompress(blob(l["digest"]))
            if "sha256:" + hashlib.sha256(tar).hexdigest() != want:
                problems.append(f + ": diff_id of " + l["digest"])
            if not tarfile.open(fileobj=io.BytesIO(tar)).getnames():
                problems.append(f + ": empty tar")
print("layer_problems=" + "; ".join(problems))
print("images_checked=%d" % images)
v = json.load(open(os.path.join(top, "variant.json")))["layers"]
print("variant_layers=%s %s" % (v[0]["digest"] == lay("3.12.4", 0), v[2]["digest"] == lay("3.12.4", 2)))
EOF
)
fact() { printf '%s\n' "$facts" | sed -n "s/^$1=//p"; }
is "$(fact mt_bad)" "" "each manifest's mediaType field is the one --out claims"
is "$(fact plats_list)" "linux/amd64 linux/arm64/v8 linux/arm/v7" \
	"a manifest list has amd64, arm64/v8 and arm/v7 platforms"
is "$(fact plats_index)" "linux/amd64 linux/arm64/v8 linux/arm/v7" \
	"an OCI index has the same three platforms"
is "$(fact plats_windows)" "windows/amd64 windows/amd64" \
	"a multi-arch windows tag lists windows images only"
is "$(fact base_shared)" True "two slim images of different versions share the base layer"
is "$(fact base_differs)" True "different distros have different base layers"
is "$(fact version_shared)" True "one version shares its version layer across distros"
is "$(fact version_differs)" True "different versions have different version layers"
is "$(fact unique_top)" True "every distinct single-arch image has its own top layer"
is "$(fact images_checked)" 7 "7 images copied (3 + 3 platforms, 1 single)"
is "$(fact layer_problems)" "" "configs are valid; layers are gzip'd tars matching rootfs.diff_ids"
is "$(fact variant_layers)" "True False" "--variant keeps the base layer and changes the top one"

# Auth + TLS: the wrapper adds https, the CA and the credentials.
seed "$secure_addr" lib/python "$TMPD/secure.out" --tags "$TAGS" 2>"$TMPD/secure.err"
is "$?" 0 "seed into an --auth --tls registry succeeds"
ok "same content, same digests on another registry" cmp "$TMPD/plain.out" "$TMPD/secure.out"
bad=""
for tag in 3.12.4-bookworm 3.11.9-slim 3.12-bookworm 3.12.4-slim-bookworm; do
	d=$(skopeo inspect --raw --cert-dir "$TM_CERTDIR" --creds "$secure_user:$secure_pass" \
		"docker://$secure_addr/lib/python:$tag" 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "sha256:$d" = "$(field "$TMPD/secure.out" "$tag" 2)" ] || bad="$bad $tag"
done
is "$bad" "" "skopeo (TLS + creds) sees the digests seed.py reported"

# Failures: non-zero exit and exactly one line on stderr, no secret in it.
tm_python "$TM_BED/seed.py" --registry "$secure_addr" --scheme https --cacert "$TM_CA" \
	--repo lib/x --tags a --out "$TMPD/x.out" 2>"$TMPD/noauth.err"
isnt "$?" 0 "no credentials: seed fails"
like "$(cat "$TMPD/noauth.err")" '^seed\.py: error: .*HTTP 401' "...with an HTTP 401 error"
is "$(wc -l <"$TMPD/noauth.err" | tr -d ' ')" 1 "...on one line"
bad_pass="wrong-$secure_pass"
BAD_PW="$bad_pass" tm_python "$TM_BED/seed.py" --registry "$secure_addr" --scheme https \
	--cacert "$TM_CA" --user tester --password-env BAD_PW --repo lib/x --tags a \
	--out "$TMPD/x.out" >"$TMPD/badpw.err" 2>&1
isnt "$?" 0 "a wrong password: seed fails"
tm_python "$TM_BED/seed.py" --registry "$secure_addr" --scheme https --repo lib/x --tags a \
	--out "$TMPD/x.out" 2>"$TMPD/noca.err"
isnt "$?" 0 "an unknown CA: seed fails"
like "$(cat "$TMPD/noca.err")" '^seed\.py: error: .*CERTIFICATE_VERIFY_FAILED' "...naming the certificate problem"
tm_python "$TM_BED/seed.py" --registry "$plain_addr" --repo lib/x --tags 'ok,bad tag' \
	--out "$TMPD/x.out" 2>"$TMPD/badtag.err"
isnt "$?" 0 "an invalid tag name: seed fails"
is "$(cat "$TMPD/badtag.err")" "seed.py: error: invalid tag name 'bad tag'" "...saying which"
ok "no --out written after a failure" test ! -e "$TMPD/x.out"
assert_no_secret "$TMPD"/*.err "$TMPD"/*.out
nok "the wrong password is not echoed" grep -qF -- "$bad_pass" "$TMPD/badpw.err"

# A big layer of exactly N bytes, streamed: seed.py's peak memory stays
# far below the layer's size.
big=$((48 * 1024 * 1024))
tm_python_path
rss=$("$TM_PYTHON" -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
	"$TM_PYTHON" "$TM_BED/seed.py" --registry "$plain_addr" --repo lib/big --tags big1 \
	--big-layer "$big" --out "$TMPD/big.out")
is "${rss% *}" 0 "seeding a tag with a 48 MiB layer succeeds"
ok "seed.py's peak RSS (${rss#* } KiB) is below the layer's size" test "${rss#* }" -lt $((big / 1024))
# The last layer object of the manifest: {"mediaType":..,"size":N,"digest":D}
layer=$(curl -sS -H "Accept: $DOCKER_V2" "$plain_url/v2/lib/big/manifests/big1" | tr -d ' \n' |
	grep -o '{[^{}]*}' | tail -1 | sed 's/.*"size":\([0-9]*\),"digest":"\([^"]*\)".*/\1 \2/')
is "${layer% *}" "$big" "the big layer is exactly --big-layer bytes"
curl -sS -o "$TMPD/big.blob" "$plain_url/v2/lib/big/blobs/${layer#* }"
is "sha256:$(sha256sum <"$TMPD/big.blob" | cut -d' ' -f1)" "${layer#* }" \
	"the big layer's bytes match its digest"
is "$(gzip -dc <"$TMPD/big.blob" | tar -t 2>&1)" "data/big.bin" "the big layer is a valid gzip'd tar"

done_testing
