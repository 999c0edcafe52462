#!/usr/bin/env bash
# End-to-end test of `newsidx serve` in headless Chromium.
#
# Builds the debug binary, ingests sample_corpus plus a hostile (XSS) fixture
# into a temporary index, starts `newsidx serve` on a free loopback port,
# runs run.mjs against it, and stops the server. Screenshots go to
# docs/screenshots/ (override with SCREENSHOTS=DIR). Exits non-zero on any
# failure. Needs: Debian's `chromium` package and `npm ci` in scripts/e2e.
# It does not install anything itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
    echo "e2e: $chromium not found: apt-get install -y chromium" >&2
    exit 2
fi
if [[ ! -d scripts/e2e/node_modules/playwright-core ]]; then
    echo "e2e: playwright-core missing: (cd scripts/e2e && npm ci)" >&2
    exit 2
fi

# The Rust test that wraps this script passes the binary it built.
if [[ -n ${NEWSIDX_BIN:-} ]]; then
    bin=$NEWSIDX_BIN
else
    cargo build --locked --quiet
    bin=$root/target/debug/newsidx
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The hostile article: its title and body must reach the page as text.
mkdir -p "$work/hostile"
cat > "$work/hostile/2021-03-04-xss-probe.txt" <<'ARTICLE'
Hostile markup <script>alert(1)</script> in a headline

By Eve Mallory, Security Correspondent

The non-aggression pact text arrived with <script>alert(1)</script> embedded, and an image tag <img src=x onerror=alert(1)> followed it.

Readers should see the angle brackets as plain characters & nothing should run.
ARTICLE

# Dated wire records with people, so the facets and the timeline have
# something to show whatever the text extractors currently find.
node - "$work/hostile/wires.ndjson" <<'JS'
const records = [
  ['2020-09-25', 'Harbour Gazette', ['Vladimir Putin'], 'Putin proposes a non-aggression pact for cyberspace'],
  ['2020-09-28', 'Northern Ledger', ['Vladimir Putin', 'Mike Pompeo'], "Washington cool on Moscow's non-aggression pact"],
  ['2020-10-14', 'Harbour Gazette', ['Sergei Lavrov'], 'Lavrov says the non-aggression pact offer stands'],
  ['2020-12-02', 'Reuters', ['Vladimir Putin', 'Joe Biden'], "Biden team weighs the Kremlin's non-aggression pact"],
  ['2021-03-17', 'Northern Ledger', ['Joe Biden'], 'Sanctions talk overshadows the non-aggression pact idea'],
  ['2021-06-15', 'Reuters', ['Joe Biden', 'Vladimir Putin'], 'Geneva summit eve: no non-aggression pact expected'],
];
const lines = records.map(([published, source, people, title]) => JSON.stringify({
  title, published, source, people,
  body: `${title}. Officials discussed whether a non-aggression pact could cover attacks on elections and infrastructure.`,
}));
require('node:fs').writeFileSync(process.argv[2], lines.join('\n') + '\n');
JS

# Skipped files (HTML while its parser is a stub) are fine: exit code 2
# from ingest only means something was skipped.
"$bin" --index "$work/index" ingest sample_corpus "$work/hostile" >"$work/ingest.log" 2>&1 || true
"$bin" --index "$work/index" stats >/dev/null

# A free port: bind 0, read what the server reports.
"$bin" --index "$work/index" serve --addr 127.0.0.1:0 2>"$work/serve.log" &
server_pid=$!
url=
for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" || true)
    [[ -n $url ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        cat "$work/serve.log" >&2
        exit 2
    fi
    sleep 0.1
done
if [[ -z $url ]]; then
    echo "e2e: server did not start" >&2
    cat "$work/serve.log" >&2
    exit 2
fi
echo "e2e: server at $url"

NEWSIDX_URL=$url CHROMIUM=$chromium SCREENSHOTS=${SCREENSHOTS:-$root/docs/screenshots} \
    node scripts/e2e/run.mjs
