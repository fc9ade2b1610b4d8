# Credentials: a destination behind Docker Hub style token auth.  Wrong
# credentials fail the run's preflight as auth, on the destination side,
# before any tag is planned and without a journal, after one token
# request; right ones mirror, the run reusing the preflight's token.  Tokens revoked twice in a row on one
# request are renewed within it; revoked more often, the tag gets an
# end-of-run round.  No password ever reaches the output, the report or
# the journal.  TLS: a destination with
# its own CA needs --dest-cert-dir (or --dest-tls-verify=false), for the
# run and for its rollback.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
export DN_PW="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
proxy_start dn "$down_url" --bearer-user mirror --bearer-password-env DN_PW
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c >/dev/null || bail "seed"
bad_pass="wrong-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

tmrun run "$up_addr/lib/app" "$dn_addr/lib/app" --tags '*' \
	--dest-creds "mirror:$bad_pass" --report "$TMPD/bad.json"
printf '%s\n%s\n' "$out" "$err" >"$TMPD/bad.out"
is "$rc" 2 "wrong destination credentials: FAIL (exit 2)"
like "$out" "^FAIL: destination $dn_addr: .*HTTP 401 .*credentials rejected" "the preflight fails as auth, said once"
jq_is "$TMPD/bad.json" '.error | .side + " " + (.http | tostring) + " " + .category' \
	"destination 401 auth" "report: destination side, HTTP 401"
jq_is "$TMPD/bad.json" '.summary.tags' 0 "no tag was planned"
jq_is "$TMPD/bad.json" .journal null "nothing was changed, so there is no journal"
ok "no password in the output" test -z "$(grep -F -e "$bad_pass" -e "$DN_PW" "$TMPD/bad.out" "$TMPD/bad.json")"
is "$(proxy_count dn '^GET /token')" 1 "wrong credentials cost one token request: no re-auth loop"

proxy_reset dn
log0=$(wc -l <"$dn_log")
echo "$DN_PW" | "$TAGMIRROR" run "$up_addr/lib/app" "$dn_addr/lib/app" --tags '*' -j 1 \
	--dest-creds mirror --dest-password-stdin --report "$TMPD/good.json" >"$TMPD/good.out" 2>&1
is "$?" 0 "right credentials (password from stdin): SUCCESS"
is "$(listing "$down_addr" lib/app)" "$(seeded "$TMPD/up")" "every tag mirrored"
# The run's connections start with the preflight's tokens: its ping's
# (no scope) and its push check's (pull,push) are the run's only token
# requests, and its first ping's the only 401.
is "$(proxy_count dn '^GET /token')" 2 "two token requests, both the preflight's"
is "$(tail -n +$((log0 + 1)) "$dn_log" | awk '$3 == 401' | wc -l)" 1 "...and one 401, the first ping's"
assert_no_secret "$TMPD/good.out" "$TMPD/good.json" "$XDG_STATE_HOME" "$TMPD/bad.out"

# The registry revokes every token twice in quick succession, on b's PUT.
# One worker: the PUTs are counted exactly, and another worker's token,
# fetched between two revocations, would cost b one more (still bounded).
proxy_rules dn '[{"match": "^PUT /v2/lib/rev/manifests/b$", "times": 2, "action": "expire_tokens"}]'
echo "$DN_PW" | "$TAGMIRROR" run "$up_addr/lib/app" "$dn_addr/lib/rev" --tags '*' -j 1 \
	--dest-creds mirror --dest-password-stdin --retries 0 >"$TMPD/rev.out" 2>&1
is "$?" 0 "tokens revoked twice on one request: every tag still copies"
is "$(proxy_count dn '^PUT /v2/lib/rev/manifests/b$')" 3 "b's PUT got a fresh token twice"
is "$(listing "$down_addr" lib/rev)" "$(seeded "$TMPD/up")" "every tag mirrored"
# Revoked more often than one request renews: an end-of-run round.
proxy_rules dn '[{"match": "^PUT /v2/lib/rev2/manifests/c$", "times": 4, "action": "expire_tokens"}]'
echo "$DN_PW" | "$TAGMIRROR" run "$up_addr/lib/app" "$dn_addr/lib/rev2" --tags '*' -j 1 \
	--dest-creds mirror --dest-password-stdin --report "$TMPD/rev2.json" >"$TMPD/rev2.out" 2>&1
is "$?" 0 "tokens revoked on every try of a request: the end-of-run round copies the tag"
is "$(proxy_count dn '^PUT /v2/lib/rev2/manifests/c$')" 5 "c's PUT: four refused, the round's passed"
is "$(listing "$down_addr" lib/rev2)" "$(seeded "$TMPD/up")" "every tag mirrored"
jq_is "$TMPD/rev2.json" '.tags[] | select(.tag == "c") | .attempts' 2 "c took two tries"
assert_no_secret "$TMPD/rev.out" "$TMPD/rev2.out" "$TMPD/rev2.json"

registry_start sec --tls
tmrun run "$up_addr/lib/app" "$sec_addr/lib/app" --tags '*' --report "$TMPD/tls.json"
is "$rc" 2 "an unknown CA: FAIL"
jq_is "$TMPD/tls.json" '.error | .side + " " + .category' "destination tls" "the preflight failed as tls"
tmrun run "$up_addr/lib/app" "$sec_addr/lib/app" --tags '*' --dest-cert-dir "$sec_certdir"
is "$rc" 0 "--dest-cert-dir: SUCCESS"
tmrun rollback --last
is "$rc" 2 "rollback without the CA cannot read the registry: incomplete, exit 2"
like "$err" 'tls|TLS|certificate' "and says why"
tmrun rollback --last --dest-cert-dir "$sec_certdir"
is "$rc" 0 "rollback --last --dest-cert-dir: ROLLED_BACK"
is "$(curl -s --cacert "$TM_CA" "https://$sec_addr/v2/lib/app/tags/list" | jq -c '.tags // []')" \
	"[]" "the TLS destination is empty again"
tmrun run "$up_addr/lib/app" "$sec_addr/lib/other" --tags '*' --dest-tls-verify=false
is "$rc" 0 "--dest-tls-verify=false: SUCCESS"
done_testing
