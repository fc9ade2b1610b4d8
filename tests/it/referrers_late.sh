# Artefacts added upstream after an image was mirrored arrive with the
# next run although the tag is up to date: a cosign .sig, an SBOM in the
# fallback index (merged into the one the destination keeps at that
# digest), the SBOM's signature, for a tag's digest and an index's
# child.  One that cannot be read fails its tag.  Rollback of such a run
# removes exactly what it added and puts the index back; runs whose
# listings agree send not one request more than a warm run without
# artefacts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/referrers.lib"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
proxy_start dn "$down_url"
# a: Docker image, b: multi-arch list; no artefacts yet.
set -- --tags a,b --multiarch-every 2 --oci-every 0 --alias-every 0
seed "$up_addr" lib/app "$TMPD/up" "$@" >/dev/null || bail "seed up"
src="$hub_addr/lib/app"
dst="$dn_addr/lib/app"

# requests: every request both proxies logged since their reset.
requests() { echo "$(proxy_count hub .) $(proxy_count dn .)"; }

tmrun run "$src" "$dst" --tags a,b
is "$rc" 0 "first mirror: SUCCESS"
tmrun run "$src" "$dn_addr/sig/app" --tags a,b
is "$rc" 0 "first mirror of a second copy: SUCCESS"

# Their fallback index at a's digest in the destination (as in
# referrers_copy.sh), listing a manifest of theirs.
a_digest=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
their_index "$down_addr" lib/app "$a_digest"

proxy_reset hub
proxy_reset dn
tmrun run "$src" "$dst" --tags a,b
like "$out" '^SUCCESS: 2 tags: 0 copied, 2 up to date, 0 failed$' "warm run: up to date"
warm=$(requests)
diag "a warm run's requests (upstream, downstream): $warm"

# Upstream gains artefacts for the mirrored digests (the same images).
seed "$up_addr" lib/app "$TMPD/up2" "$@" --referrers "$TMPD/refs" >/dev/null ||
	bail "seed artefacts"
is "$(cat "$TMPD/up2")" "$(cat "$TMPD/up")" "the images are the ones mirrored"
want=$(awk '$2 != "index" { print $2, $1, $3 }' "$TMPD/refs" | LC_ALL=C sort)
before=$(listing "$down_addr" lib/app)

# --- --no-referrers: nothing looked for ---------------------------------------
proxy_reset hub
proxy_reset dn
tmrun run "$src" "$dst" --tags a,b --no-referrers
is "$rc" 0 "--no-referrers: SUCCESS"
is "$(listing "$down_addr" lib/app)" "$before" "--no-referrers: no artefact copied"
is "$(requests)" "$warm" "--no-referrers: not one request more than a warm run"

# --- --referrer-types: only the wanted kinds, the others on a later run --------
tmrun run "$src" "$dn_addr/sig/app" --tags a,b --referrer-types signature
is "$rc" 0 "--referrer-types signature: SUCCESS"
is "$(listing "$down_addr" sig/app | awk '$1 ~ /^sha256-/ { print $1 }' | tr '\n' ' ')" \
	"$(awk '$2 == "sig" { print $4 }' "$TMPD/refs" | LC_ALL=C sort | tr '\n' ' ')" \
	"only the .sig tags came"
tmrun run "$src" "$dn_addr/sig/app" --tags a,b
is "$rc" 0 "then without it: SUCCESS"
is "$(present "$down_addr" sig/app)" "$want" "the SBOMs and their signatures came too"

# --- a late artefact that cannot be copied fails its tag ----------------------
a_sig=$(awk -v s="$a_digest" '$1 == s && $2 == "sig" { print $3 }' "$TMPD/refs")
proxy_rules hub '[{"match": "^GET /v2/lib/app/manifests/'"$a_sig"'$", "times": 100,
	"action": "status", "status": 500, "code": "UNKNOWN", "message": "broken"}]'
tmrun run "$src" "$dst" --tags a,b --retries 0 --retry-times 0 --report "$TMPD/rf.json" --json
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag == "a")][-1].state')" failed \
	"its last --json line says failed"
is "$rc" 3 "a's signature unreadable: PARTIAL_MIRROR"
jq_is "$TMPD/rf.json" '.tags[] | select(.tag == "a") | [.result, .error.object] | join(" ")' \
	"failed signature $a_index.sig" "a fails, the report names its signature"
proxy_rules hub '[]'
tmrun rollback --last --yes
is "$rc" 0 "that run's rollback: SUCCESS"
is "$(listing "$down_addr" lib/app)" "$before" "what it brought (b's, a's SBOM) removed again"
is "$(raw "$down_addr" lib/app "$a_index")" "$theirs_digest" "their index back"

# --- the late artefacts arrive ------------------------------------------------
tmrun run "$src" "$dst" --tags a,b --json --report "$TMPD/r2.json"
is "$rc" 0 "the run after: SUCCESS"
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag) | .state] | unique | join(" ")')" \
	"up_to_date" "both tags up to date"
is "$(present "$down_addr" lib/app)" "$want" \
	"every new artefact reads back from the destination with its source digest"
sk=$(awk '$2 == "sig" { print $4; exit }' "$TMPD/refs")
is "$(skopeo_digest "$down_addr" lib/app "$sk")" \
	"$(awk -v t="$sk" '$4 == t { print $3 }' "$TMPD/refs")" "skopeo agrees on a signature"
is "$(curl -s -H "Accept: application/vnd.oci.image.index.v1+json" \
	"http://$down_addr/v2/lib/app/manifests/$a_index" | jq -r '[.manifests[].digest] | sort | join(" ")')" \
	"$(printf '%s\n' "$other" "$(awk -v s="$a_digest" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")" |
	LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "their index at a's digest gained the SBOM, theirs kept"
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag == "a") | .referrers][-1]')" 3 \
	"a: its signature, SBOM and the SBOM's signature counted (its last line holds)"
jq_is "$TMPD/r2.json" '.tags[] | select(.tag == "a") | [.result, .referrers] | map(tostring) | join(" ")' \
	"up_to_date 3" "the report: a up to date, with its 3 referrers"
jq_is "$TMPD/r2.json" '[.tags[] | .referrers] | add' 9 \
	"the report counts 9 referrers (a, b and b's first child)"

# --- rollback of that run removes exactly them ---------------------------------
tmrun rollback --last --yes
is "$rc" 0 "rollback: SUCCESS"
is "$(listing "$down_addr" lib/app)" "$before" "tags as before the run"
is "$(raw "$down_addr" lib/app "$a_index")" "$theirs_digest" "their fallback index is theirs again"
a_sbom=$(awk -v s="$a_digest" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")
is "$(code "$down_addr" lib/app "$a_sbom")" 404 "the SBOM the run added is gone"
is "$(code "$down_addr" lib/app "$other")" 200 "their manifest stays"

# --- again, then warm: the listings agree, nothing more is asked ------------------
tmrun run "$src" "$dst" --tags a,b
is "$rc" 0 "the artefacts brought again: SUCCESS"
is "$(present "$down_addr" lib/app)" "$want" "every artefact there again"
proxy_reset hub
proxy_reset dn
tmrun run "$src" "$dst" --tags a,b --json
is "$rc" 0 "warm run with artefacts: SUCCESS"
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag) | .referrers] | add')" 0 \
	"nothing new counted"
is "$(requests)" "$warm" "not one request more than a warm run without artefacts"
done_testing
