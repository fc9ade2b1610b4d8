# The OCI 1.1 referrers API, where a registry has it (the fault proxy
# emulates it from the tag schema's index, tests/bed/README.md): the
# source is asked through the API, page by page (Link), with its
# artifactType filter; a destination whose manifest PUTs answer
# OCI-Subject keeps its own list, so no fallback index tag is written.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/referrers.lib"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/up" --tags a,b --multiarch-every 0 --oci-every 0 \
	--alias-every 0 --referrers "$TMPD/refs" >/dev/null || bail "seed up"

a=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
b=$(awk '$1 == "b" { print $2 }' "$TMPD/up")
a_sbom=$(awk -v s="$a" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")
b_sbom=$(awk -v s="$b" '$1 == s && $2 == "sbom" { print $3 }' "$TMPD/refs")
# a's index in the source lists two referrers: two pages of one entry.
two=$(curl -s -H "Accept: $MT_ALL" "http://$up_addr/v2/lib/app/manifests/sha256-${a#sha256:}" |
	jq -c --argjson b "$(curl -s -H "Accept: $MT_ALL" "http://$up_addr/v2/lib/app/manifests/sha256-${b#sha256:}" |
	jq -c '.manifests[0]')" '.manifests += [$b]')
curl -sf -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
	--data-binary "$two" "http://$up_addr/v2/lib/app/manifests/sha256-${a#sha256:}" ||
	bail "cannot put the two-entry index"
proxy_start src "$up_url" --referrers-api 1
proxy_start dst "$down_url" --referrers-api 10

tmrun run "$src_addr/lib/app" "$dst_addr/lib/app" --tags a --json
is "$rc" 0 "a with its referrers through the API: SUCCESS"
is "$(proxy_count src "^GET /v2/lib/app/referrers/$a")" 2 "a's referrers read in two pages"
is "$(proxy_count src "^GET /v2/lib/app/manifests/sha256-${a#sha256:}\$")" 0 \
	"the tag schema is not asked where the API answers"
is "$(raw "$down_addr" lib/app "$a_sbom") $(raw "$down_addr" lib/app "$b_sbom")" \
	"$a_sbom $b_sbom" "both entries copied bit for bit"
is "$(code "$down_addr" lib/app "sha256-${a#sha256:}")" 404 \
	"OCI-Subject answered: no fallback index written"
is "$(printf '%s\n' "$out" | jq -rs '[.[] | select(.tag == "a") | .referrers][0]')" 5 \
	"a: its signature, two SBOMs and each SBOM's signature counted"

tmrun run "$src_addr/lib/app" "$down_addr/only/app" --tags b \
	--referrer-types application/spdx+json
is "$rc" 0 "one artifactType: SUCCESS"
is "$(proxy_count src "^GET /v2/lib/app/referrers/$b[?]artifactType=application%2Fspdx%2Bjson\$")" 1 \
	"the filter is asked of the API"
is "$(code "$down_addr" only/app "$b_sbom")" 200 "b's SBOM copied"
is "$(code "$down_addr" only/app "sha256-${b#sha256:}.sig")" 404 "no cosign signature"
is "$(curl -s -H "Accept: $MT_ALL" "http://$down_addr/v2/only/app/manifests/sha256-${b#sha256:}" |
	jq -r '[.manifests[].digest] | join(" ")')" "$b_sbom" \
	"distribution 2.8 without the API gets the fallback index"

# Registries that answer the route otherwise than 404: no API either.
proxy_start odd "$up_url"
a_sig=$(awk -v s="$a" '$1 == s && $2 == "sig" { print $3 }' "$TMPD/refs")
proxy_rules odd '[{"match": "^GET /v2/lib/app/referrers/", "times": 1, "action": "respond",
	"status": 200, "body": "<html>catch-all</html>", "headers": {"Content-Type": "text/html"}}]'
tmrun run "$odd_addr/lib/app" "$down_addr/html/app" --tags a
is "$rc" 0 "a catch-all page for the referrers route: SUCCESS"
is "$(code "$down_addr" html/app "$a_sbom")" 200 "the tag schema's SBOM copied"
proxy_rules odd '[{"match": "^GET /v2/lib/app/referrers/", "times": 1, "action": "status",
	"status": 405, "code": "UNSUPPORTED", "message": "no"}]'
tmrun run "$odd_addr/lib/app" "$down_addr/m405/app" --tags a
is "$rc" 0 "405 for the referrers route: SUCCESS"
is "$(code "$down_addr" m405/app "$a_sbom")" 200 "the tag schema's SBOM copied"
is "$(code "$down_addr" m405/app "$a_sig")" 200 "and the signature"
done_testing
