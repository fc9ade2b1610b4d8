# Referrers travel with their images (distribution 2.8 on both sides, so
# the referrers tag schema): a cosign .sig tag, an SBOM with subject and
# artifactType, a signature of that SBOM (a referrer of a referrer) and
# their fallback indexes, for each tag's digest and an index's first
# child.  After the run every artefact reads back with its source digest
# and the destination's fallback indexes list them; --no-referrers and
# --referrer-types copy none or some; rollback removes exactly what the
# run added and restores a fallback index the destination had.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/referrers.lib"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
# a: Docker image, b: multi-arch list (its first child gets artefacts too).
seed "$up_addr" lib/app "$TMPD/up" --tags a,b --multiarch-every 2 --oci-every 0 \
	--alias-every 0 --referrers "$TMPD/refs" >/dev/null || bail "seed up"
src="$up_addr/lib/app"

want=$(awk '$2 != "index" { print $2, $1, $3 }' "$TMPD/refs" | LC_ALL=C sort)
is "$(present "$up_addr" lib/app)" "$want" "the source has every seeded artefact"
nsub=$(awk '$2 == "sig" { n++ } END { print n }' "$TMPD/refs")
is "$nsub" 3 "three subjects: a, b and b's first child"

# --- --no-referrers copies none --------------------------------------------
tmrun run "$src" "$down_addr/none/app" --tags a,b --no-referrers --json
is "$rc" 0 "--no-referrers: SUCCESS"
is "$(listing "$down_addr" none/app | awk '{ print $1 }' | tr '\n' ' ')" "a b " \
	"only the two tags"
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag) | .referrers] | add')" 0 \
	"no referrers counted"
a_sig=$(awk '$2 == "sig" { print $4 }' "$TMPD/refs" | head -1)
is "$(code "$down_addr" none/app "$a_sig")" \
	404 "no signature tag"

# --- --referrer-types signature: cosign .sig tags and signature artefacts --
tmrun run "$src" "$down_addr/sig/app" --tags a,b --referrer-types signature
is "$rc" 0 "signatures only: SUCCESS"
sigs=$(awk '$2 == "sig" { print $4 }' "$TMPD/refs" | LC_ALL=C sort | tr '\n' ' ')
is "$(listing "$down_addr" sig/app | awk '$1 ~ /^sha256-/ { print $1 }' | tr '\n' ' ')" \
	"$sigs" "every .sig tag copied, no fallback index (no SBOM copied)"
sbom=$(awk '$2 == "sbom" { print $3 }' "$TMPD/refs" | head -1)
is "$(code "$down_addr" sig/app "$sbom")" \
	404 "no SBOM"
a_digest=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
a_sbom=$(awk -v s="$a_digest" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")
tmrun run "$src" "$down_addr/spdx/app" --tags a --referrer-types application/spdx+json
is "$(code "$down_addr" spdx/app "$a_sbom")" \
	200 "an artifactType picks the SBOM"
is "$(listing "$down_addr" spdx/app | awk '$1 ~ /[.]sig$/' | wc -l)" 0 \
	"and no cosign tag"

# A fallback index someone else keeps at a's digest in the destination,
# listing a manifest of theirs (distribution checks an index's entries).
their_index "$down_addr" lib/app "$a_digest"
before=$(listing "$down_addr" lib/app)

# --- everything ------------------------------------------------------------
tmrun run "$src" "$down_addr/lib/app" --tags a,b --json --report "$TMPD/r.json"
is "$rc" 0 "with referrers: SUCCESS"
is "$(present "$down_addr" lib/app)" "$want" \
	"every artefact reads back from the destination with its source digest"
sk=$(awk '$2 == "sig" { print $4; exit }' "$TMPD/refs")
is "$(skopeo_digest "$down_addr" lib/app "$sk")" \
	"$(awk -v t="$sk" '$4 == t { print $3 }' "$TMPD/refs")" "skopeo agrees on a signature"
# The destination's fallback indexes list what the source's do.
for sub in $(awk '$2 == "index" { print $1 }' "$TMPD/refs"); do
	tag=sha256-${sub#sha256:}
	got=$(curl -s -H "Accept: application/vnd.oci.image.index.v1+json" \
		"http://$down_addr/v2/lib/app/manifests/$tag" | jq -r '[.manifests[].digest] | sort | join(" ")')
	wantd=$(curl -s -H "Accept: application/vnd.oci.image.index.v1+json" \
		"http://$up_addr/v2/lib/app/manifests/$tag" | jq -r '[.manifests[].digest] | sort | join(" ")')
	if [ "$tag" = "$a_index" ]; then
		wantd=$(printf '%s\n' $wantd "$other" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
	fi
	is "$got" "$wantd" "fallback index $tag lists the source's referrers${wantd:+}"
done
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag == "a") | .referrers][0]')" 3 \
	"a: a signature, an SBOM and the SBOM's signature counted"
jq_is "$TMPD/r.json" '[.tags[] | .referrers] | add' 9 "the report counts 9 referrers in all"

# --- rollback removes exactly what the run added ---------------------------
tmrun rollback --last --yes
is "$rc" 0 "rollback: SUCCESS"
is "$(listing "$down_addr" lib/app)" "$before" \
	"tags as before: their index back at its digest, the signatures of the earlier run kept"
is "$(raw "$down_addr" lib/app "$a_index")" "$theirs_digest" "their fallback index is theirs again"
is "$(code "$down_addr" lib/app "$a_sbom")" \
	404 "the SBOM the run added is gone"
is "$(code "$down_addr" lib/app "$other")" \
	200 "their manifest stays"
done_testing
