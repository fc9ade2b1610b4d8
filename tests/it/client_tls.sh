# Registry client over TLS: a private CA through a cert dir or CA file
# works, an unknown CA is a clean tls error (never a silent fall back to
# plain HTTP), verification off works, and a blob streams TLS to TLS.
. "$top_srcdir/tests/lib.sh"
need skopeo
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"

registry_start s --tls --auth
export S_PASS="$s_pass"
seed "$s_addr" lib/app "$TMPD/seed.txt" --tags v1 --multiarch-every 0 --alias-every 0 \
	>/dev/null 2>&1 || bail "seed failed"
creds="--user $s_user --password-env S_PASS"
echo "not a certificate" >"$s_certdir/README"	# ignored: not *.crt

out=$("$RT" --cert-dir "$s_certdir" $creds ping "$s_addr" 2>&1)
is "$out" "ok https" "cert dir with the CA: https"

out=$("$RT" $creds ping "$s_addr" 2>&1)
is "$?" 18 "unknown CA: tls error"
like "$out" "^regtool: tls: source $s_addr: ping: TLS certificate not trusted" \
	"the message says the certificate is not trusted"
like "$out" "cert dir" "and what to do about it"

out=$("$RT" --tls-verify=false $creds ping "$s_addr" 2>&1)
is "$out" "ok https" "--tls-verify=false: https without verification"

out=$("$RT" --ca-file "$TM_CA" $creds tags "$s_addr" lib/app 2>&1)
is "$out" "v1" "CA file: tags over TLS with Basic auth"

out=$("$RT" --cert-dir "$s_certdir" $creds tags-parallel "$s_addr" lib/app 6 2>&1)
is "$(echo "$out" | tr '\n' ' ')" "1 1 1 1 1 1 " "6 threads over TLS share one registry (DNS, TLS sessions)"

out=$("$RT" --cert-dir "$TMPD/nonexistent" ping "$s_addr" 2>&1)
is "$?" 22 "a cert dir that cannot be read: io error"
like "$out" "cannot read cert dir" "naming the problem"

# A blob from TLS to TLS in one curl multi.
registry_start d --tls
"$RT" --cert-dir "$s_certdir" $creds --out "$TMPD/m.json" \
	manifest-get "$s_addr" lib/app v1 >"$TMPD/get.out" 2>&1 ||
	bail "manifest-get over TLS failed: $(cat "$TMPD/get.out")"
set -- $(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for d in [m["config"]] + m["layers"]:
    print(d["digest"], d["size"])' "$TMPD/m.json")
out=$("$RT" --cert-dir "$s_certdir" $creds blob-copy "$s_addr" lib/app "$d_addr" lib/app "$@" 2>&1)
is "$(echo "$out" | grep -c '^copied ')" 4 "every blob (config and 3 layers) copied TLS to TLS"
out=$("$RT" --cert-dir "$s_certdir" manifest-put "$d_addr" lib/app \
	application/vnd.docker.distribution.manifest.v2+json "$TMPD/m.json" v1 2>&1)
is "$out" "sha256:$(sha256sum <"$TMPD/m.json" | cut -d' ' -f1)" "and the manifest on top"
sk=$(skopeo inspect --raw --cert-dir "$s_certdir" "docker://$d_addr/lib/app:v1" | sha256sum)
is "$sk" "$(sha256sum <"$TMPD/m.json")" "skopeo reads it back over TLS"
done_testing
