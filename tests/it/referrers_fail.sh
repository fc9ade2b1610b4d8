# An image whose signature cannot be copied is the tag's failure, named
# with the artefact, never a silently signature-less copy: the tag is not
# pushed.  With --rollback the destination is left exactly as before,
# the referrers the other tag brought removed again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/referrers.lib"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/up" --tags a,b --multiarch-every 0 --oci-every 0 \
	--alias-every 0 --referrers "$TMPD/refs" >/dev/null || bail "seed up"
proxy_start hub "$up_url"
a=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
b=$(awk '$1 == "b" { print $2 }' "$TMPD/up")
a_sig=$(awk -v s="$a" '$1 == s && $2 == "sig" { print $3 }' "$TMPD/refs")
b_sbom=$(awk -v s="$b" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")
proxy_rules hub '[{"match": "^GET /v2/lib/app/manifests/'"$a_sig"'$", "times": 100,
	"action": "status", "status": 500, "code": "UNKNOWN", "message": "broken"}]'

tmrun run "$hub_addr/lib/app" "$down_addr/lib/app" --tags a,b --retries 0 \
	--retry-times 0 --report "$TMPD/r.json"
is "$rc" 3 "a's signature fails: PARTIAL_MIRROR"
like "$out" "^a +FAILED .*signature sha256-${a#sha256:}[.]sig: HTTP 500 .*not copied" \
	"a failed, the reason names its signature"
jq_is "$TMPD/r.json" '.tags[] | select(.tag == "a") | .error.object' \
	"signature sha256-${a#sha256:}.sig" "the report names the artefact"
is "$(code "$down_addr" lib/app a)" 404 "a is not pushed without its signature"
is "$(code "$down_addr" lib/app b)" 200 "b is copied"
is "$(code "$down_addr" lib/app "$b_sbom")" 200 "with its SBOM"

tmrun run "$hub_addr/lib/app" "$down_addr/rb/app" --tags a,b --retries 0 \
	--retry-times 0 --rollback
is "$rc" 4 "with --rollback: ROLLED_BACK"
is "$(listing "$down_addr" rb/app)" "" "no tag left, cosign tags and indexes included"
is "$(code "$down_addr" rb/app "$b_sbom")" 404 "b's SBOM removed again"

# Once only: the end-of-run round (no listing any more: it asks) copies it.
proxy_rules hub '[{"match": "^GET /v2/lib/app/manifests/'"$a_sig"'$", "times": 1,
	"action": "status", "status": 500, "code": "UNKNOWN", "message": "broken"}]'
proxy_reset hub
tmrun run "$hub_addr/lib/app" "$down_addr/again/app" --tags a --retries 1 \
	--retry-times 0
is "$rc" 0 "a signature that fails once: copied in the next round"
is "$(code "$down_addr" again/app "sha256-${a#sha256:}.sig")" 200 "with its signature"
is "$(proxy_count hub "^HEAD /v2/lib/app/manifests/sha256-${a#sha256:}[.]sig\$")" 1 \
	"the round without a listing asks with a HEAD"
done_testing
