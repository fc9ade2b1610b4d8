# Lanes (core/engine/lane.c): an image's large layer is copied beside its
# config and small layers, on a connection pair of its own, not after
# them.  The source holds the config blob's GET 3 s: copied in turn, the
# large layer (last in the manifest) could not even start before the
# config is in; on a lane it is through long before.  A large layer that
# fails on its lane fails its tag with the blob named, and the tag's
# other blobs and the rest of the run are not lost.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"
need jq

registry_start up
registry_start down
proxy_start src "$up_url"
# 5 MiB: just past LANE_MIN (4 MiB).
seed "$up_addr" lib/big "$TMPD/up" --tags 1.0,2.0 --big-layer $((5 << 20)) \
	--multiarch-every 0 --alias-every 0 >/dev/null || bail "seed"
mf() { curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
	"$up_url/v2/lib/big/manifests/$1"; }
cfg=$(mf 1.0 | jq -r .config.digest)
big=$(mf 1.0 | jq -r '.layers | max_by(.size) | .digest')
is "$(mf 1.0 | jq -r '.layers[-1].digest')" "$big" "the large layer is the manifest's last"
is "$(mf 1.0 | jq -r '[.layers[].size] | max >= 4194304')" true "...and at least LANE_MIN"

proxy_rules src "[{\"match\": \"^GET /v2/lib/big/blobs/$cfg\", \"action\": \"delay\", \"seconds\": 3}]"
tmrun run "$src_addr/lib/big" "$down_addr/lib/big" --tags 1.0 -j 1
is "$rc" 0 "a tag with a held config blob: SUCCESS"
is "$(listing "$down_addr" lib/big | grep '^1.0 ')" "$(grep '^1.0 ' "$TMPD/up" | cut -d' ' -f1,2)" \
	"...at its source digest"
order=$(awk '$1 == "GET" && $2 ~ /\/blobs\// { print $2 }' "$src_log")
before=$(printf '%s\n' "$order" | sed -n "/$big/{=;q}")
after=$(printf '%s\n' "$order" | sed -n "/$cfg/{=;q}")
ok "the large layer's GET ended before the held config's (lines ${before:-none}, ${after:-none} of the source's log)" \
	test "${before:-0}" -gt 0 -a "${after:-0}" -gt "${before:-0}"
skopeo inspect --tls-verify=false --raw "docker://$down_addr/lib/big:1.0" >"$TMPD/raw" 2>/dev/null
is "$(sha256sum <"$TMPD/raw" | cut -d' ' -f1)" "$(grep '^1.0 ' "$TMPD/up" | cut -d' ' -f2 | cut -d: -f2)" \
	"skopeo reads the same manifest"
skopeo copy -q --src-tls-verify=false "docker://$down_addr/lib/big:1.0" "dir:$TMPD/out" >/dev/null 2>&1
is "$(sha256sum "$TMPD/out/${big#sha256:}" 2>/dev/null | cut -d' ' -f1)" "${big#sha256:}" \
	"skopeo pulls the large layer intact"

# 2.0's large layer comes corrupt from the source every time.
big2=$(mf 2.0 | jq -r '.layers[-1].digest')
proxy_reset src
proxy_rules src "[{\"match\": \"^GET /v2/lib/big/blobs/$big2\", \"action\": \"corrupt\"}]"
tmrun run "$src_addr/lib/big" "$down_addr/lib/big" --tags 1.0,2.0 -j 1 --retries 0 --json
is "$rc" 3 "a corrupt large layer on its lane: PARTIAL_MIRROR"
line=$(printf '%s\n' "$out" | jq -c 'select(.type == "tag" and .tag == "2.0")')
is "$(printf '%s' "$line" | jq -r .state)" failed "...its tag failed"
like "$(printf '%s' "$line" | jq -r .error.object)" "$big2" "...with the large blob named"
is "$(listing "$down_addr" lib/big | grep -c '^2.0 ')" 0 "...and not pushed"
is "$(listing "$down_addr" lib/big | grep '^1.0 ')" "$(grep '^1.0 ' "$TMPD/up" | cut -d' ' -f1,2)" \
	"the other tag is still there"
done_testing
