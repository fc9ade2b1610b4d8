# Organisation mirroring: a namespace expanded from /v2/_catalog, page by
# page (Link header) through the fault proxy, the repository glob applied,
# previewed per mirror (repositories, then tags), then run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start cat "$up_url"
for r in org/app-a org/app-b org/tool other/app-c; do
	seed "$up_addr" "$r" "$TMPD/seed-${r#*/}" --tags v1,v2,dev >/dev/null || bail "seed $r"
done
# The first page is cut short and links to the rest, as a large catalog
# does: the registry itself answers the second page (last=...).
proxy_rules cat '[{"match": "^GET /v2/_catalog\\?n=1000$", "times": 1,
  "action": "respond", "status": 200,
  "headers": {"Content-Type": "application/json",
    "Link": "</v2/_catalog?n=1000&last=org%2Fapp-a>; rel=\"next\""},
  "body": {"repositories": ["org/app-a"]}}]'
cat >"$TMPD/org.yaml" <<YAML
defaults:
  registry: $down_addr
mirrors:
  - namespace: $cat_addr/org
    repositories: 'app-*'
    destination: 'mirror/{name}'
    tags: 'v*'
YAML

tmrun sync "$TMPD/org.yaml" --preview
is "$rc" 0 "preview: exit 0"
is "$(proxy_count cat '^GET /v2/_catalog')" 2 "the catalog was read in two pages"
like "$out" "^mirror 1 \\(.*org.yaml:4\\): $cat_addr/org, tags 'v\\*'" "the mirror's head line"
like "$out" "^  $cat_addr/org/app-a -> $down_addr/mirror/app-a$" "the first page's repository"
like "$out" "^  $cat_addr/org/app-b -> $down_addr/mirror/app-b$" "the second page's repository"
unlike "$out" "org/tool" "the glob leaves org/tool out"
unlike "$out" "app-c" "another namespace is never taken"
like "$out" "^  2 of 3 tags: v1 v2$" "then its tags"
is "$(listing "$down_addr" mirror/app-a)" "" "a preview copies nothing"

tmrun sync "$TMPD/org.yaml"
is "$rc" 0 "the run: exit 0"
is "$(listing "$down_addr" mirror/app-b)" "$(seeded "$TMPD/seed-app-b" dev)" "app-b mirrored, v* only"

# No catalog (as Docker Hub): the mirror fails, named, and says so.
proxy_rules cat '[{"match": "^GET /v2/_catalog", "action": "status", "status": 404,
  "code": "UNSUPPORTED", "message": "catalog off"}]'
tmrun sync "$TMPD/org.yaml" --preview
is "$rc" 2 "no catalog: preview exits 2"
like "$out" "warning: .*_catalog: HTTP 404" "the warning names the catalog"
done_testing
