# A stalled source fails within one low-speed window per round: a request
# that sent nothing for a whole window is not re-sent at once (the
# end-of-run rounds still try the tag again).  The window is 20 s by
# default, $TAGMIRROR_LOW_SPEED_TIME here to keep the test short.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b >/dev/null || bail "seed up"
# a's own layer answers after 30 s: a stall for a 2 s window.
layer=$(layer_of "$up_addr" lib/app a)
[ -n "$layer" ] || bail "no layer for a"
stall() {
	proxy_rules hub "[{\"match\": \"^GET /v2/lib/app/blobs/$layer\",
	  \"action\": \"delay\", \"seconds\": $1}]"
}
stall 30

t0=$(date +%s)
TAGMIRROR_LOW_SPEED_TIME=2 tmrun run "$hub_addr/lib/app" "$down_addr/lib/app" --tags '*' \
	--report "$TMPD/r.json"
took=$(( $(date +%s) - t0 ))
is "$rc" 3 "the stalled tag fails, the other copies: exit 3"
like "$out" "^a +FAILED +source 127\\.0\\.0\\.1:[0-9]+: blob $layer: timed out: " \
	"a's line says its layer timed out"
jq_is "$TMPD/r.json" '.tags[] | select(.tag == "a") | .attempts' 3 \
	"report: 3 attempts (1 + 2 end-of-run rounds)"
ok "within three 2 s windows and the rounds' backoff, not the 30 s delay (took ${took}s)" \
	test "$took" -le 20
jq_is "$TMPD/r.json" '.tags[] | select(.tag == "b") | .result' copied "b copied"

# The default window: 20 s (one round, so one window).
stall 40
t0=$(date +%s)
tmrun run "$hub_addr/lib/app" "$down_addr/lib/new" --tags a --retries 0
took=$(( $(date +%s) - t0 ))
is "$rc" 2 "by default the stall fails too: exit 2"
ok "after the default 20 s window, not 60 (took ${took}s)" test "$took" -ge 19 -a "$took" -le 30
done_testing
