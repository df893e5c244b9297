#!/usr/bin/env bash
# Lighthouse (mobile, simulated throttling) on the two pages a guard opens at every place: the
# location page /locations/<code> and its checklist /locations/<code>/inspect, logged in as the
# demo inspector guard1, against the demo served by gunicorn from a throwaway instance folder.
#
#   bench/lighthouse.sh                 # 3 runs a page
#   RUNS=5 LOCATION=BLR-1F-01 bench/lighthouse.sh
#   LH_LANG=en bench/lighthouse.sh      # English pages (default: Chinese, as on the guards' phones)
#   LH_THEME=dark bench/lighthouse.sh   # night mode: Chromium set to dark (--force-dark-mode), which
#                                       # the pages follow (the demo accounts' theme is automatic)
#
# Installs Lighthouse 12.8.2 (the last for Node 20) into bench/out/node once; uses Debian's
# Chromium (CHROME_PATH, never downloads a browser). JSON reports go to bench/out/lighthouse/;
# bench/lighthouse_report.py prints the medians and the budget check. Always exits 0 once the
# runs are made: it is a benchmark, not a test.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
LH_VERSION=12.8.2
PREFIX=$ROOT/bench/out/node
LH=$PREFIX/node_modules/.bin/lighthouse
OUT=$ROOT/bench/out/lighthouse
BIN=$ROOT/.venv/bin
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync"
case ${LH_THEME:-light} in
  dark) CHROME_FLAGS="$CHROME_FLAGS --force-dark-mode" ;;
  light) ;;
  *) echo "lighthouse.sh: LH_THEME must be light or dark, not '$LH_THEME'" >&2; exit 1 ;;
esac
case ${LH_LANG:-zh} in
  en) ACCEPT_LANGUAGE="en-US,en;q=0.9" ;;
  *) ACCEPT_LANGUAGE="zh-CN,zh;q=0.9" ;;
esac

die() { echo "lighthouse.sh: $*" >&2; exit 1; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"
command -v npm >/dev/null || die "needs Node.js and npm (Node 20)"

# 1. The venv, Debian's Chromium and the translations (quiet when present), then Lighthouse.
make --no-print-directory -s setup
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH"
if [ "$(node -p "try { require('$PREFIX/node_modules/lighthouse/package.json').version } \
    catch { '' }" 2>/dev/null)" != "$LH_VERSION" ]; then
  echo "Installing Lighthouse $LH_VERSION into bench/out/node"
  mkdir -p "$PREFIX"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$PREFIX" --no-audit --no-fund \
    --no-update-notifier --loglevel=error "lighthouse@$LH_VERSION" >/dev/null
fi

# 2. The demo on a free loopback port, from a throwaway instance folder; stopped on exit.
TMP=$(mktemp -d -t saferound-lighthouse.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SAFEROUND_INSTANCE=$TMP SAFEROUND_ENV=development FLASK_APP=wsgi.py
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN/flask" db upgrade >"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log" >&2; die "flask db upgrade failed"; }
"$BIN/flask" demo load >>"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log" >&2; die "flask demo load failed"; }
# The access log keeps each response's Content-Length and type and the request's Sec-Fetch-Dest
# and Service-Worker headers, so requests Lighthouse does not record (a service worker's) show.
"$BIN/gunicorn" --bind "127.0.0.1:$PORT" --workers 2 --error-logfile "$TMP/gunicorn.log" \
  --access-logfile "$TMP/access.log" --access-logformat \
  '%(s)s %({content-length}o)s "%(r)s" dest=%({sec-fetch-dest}i)s sw=%({service-worker}i)s type=%({content-type}o)s' \
  wsgi:app &
SERVER_PID=$!
STATUS=000
for _ in $(seq 150); do
  STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/login" || true)
  [ "$STATUS" != 000 ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/gunicorn.log" >&2; die "gunicorn did not start"; }
  sleep 0.2
done
if [ "$STATUS" != 200 ]; then
  tail -n 25 "$TMP/gunicorn.log" >&2
  die "GET /login answers HTTP $STATUS (the app is broken, or did not start within 30 s)"
fi

# 3. Log in as guard1: the login form's CSRF token with the session cookie it belongs to.
PASSWORD=$("$BIN/python" -c 'from app.demo.loader import DEMO_PASSWORD; print(DEMO_PASSWORD)')
JAR=$TMP/cookies.txt
TOKEN=$(curl -sS -c "$JAR" -b "$JAR" "$BASE/login" \
  | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | awk 'NR == 1') || true
[ -n "$TOKEN" ] || die "no csrf_token input on /login"
STATUS=$(curl -sS -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' \
  --data-urlencode "csrf_token=$TOKEN" --data-urlencode "username=guard1" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "next=" "$BASE/login") || true
SESSION=$(awk '$6 == "session" { print $7 }' "$JAR" | tail -n 1)
[ "$STATUS" = 302 ] && [ -n "$SESSION" ] || die "logging in as guard1 failed (HTTP $STATUS)"

# 4. The first active location whose type has a checklist version (or LOCATION=...).
if [ -z "${LOCATION:-}" ]; then
  LOCATION=$("$BIN/python" - "$TMP/saferound.db" <<'EOF'
import sqlite3
import sys

row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT l.code FROM locations l"
    " JOIN checklist_templates t ON t.location_type_id = l.location_type_id"
    " JOIN checklist_versions v ON v.template_id = t.id"
    " WHERE l.is_active ORDER BY l.id LIMIT 1").fetchone()
print(row[0] if row else "")
EOF
)
fi
[ -n "$LOCATION" ] || die "no demo location with a checklist"
CODE=$("$BIN/python" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$LOCATION")
HEADERS=$TMP/headers.json
printf '{"Cookie": "session=%s", "Accept-Language": "%s"}\n' "$SESSION" "$ACCEPT_LANGUAGE" >"$HEADERS"
PAGES=("location=/locations/$CODE" "checklist=/locations/$CODE/inspect")
for page in "${PAGES[@]}"; do
  got=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: session=$SESSION" "$BASE${page#*=}") \
    || true
  [ "$got" = 200 ] || die "${page#*=} answers HTTP $got to guard1, not 200"
done

mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.access.log
echo "Lighthouse $LH_VERSION on $BASE as guard1, location $LOCATION ($ACCEPT_LANGUAGE, ${LH_THEME:-light} theme), $RUNS runs a page"
for page in "${PAGES[@]}"; do
  name=${page%%=*}
  for run in $(seq "$RUNS"); do
    before=$(wc -l <"$TMP/access.log")
    start=$SECONDS
    if ! "$LH" "$BASE${page#*=}" --quiet --output=json --output-path="$OUT/$name-$run.json" \
        --only-categories=performance,accessibility,best-practices --form-factor=mobile \
        --screenEmulation.mobile=true --throttling-method=simulate \
        --extra-headers="$HEADERS" --chrome-flags="$CHROME_FLAGS" 2>"$TMP/lighthouse.err"; then
      cat "$TMP/lighthouse.err" >&2
      die "Lighthouse failed on ${page#*=}"
    fi
    # What the server answered during this run, to compare with what Lighthouse recorded.
    tail -n "+$((before + 1))" "$TMP/access.log" >"$OUT/$name-$run.access.log"
    echo "  $name run $run/$RUNS: $((SECONDS - start)) s"
  done
done

# 5. and 6. Medians, the budgets, what fails and what the server saw that Lighthouse did not.
"$BIN/python" bench/lighthouse_report.py "$OUT" || echo "lighthouse.sh: the summary failed" >&2
exit 0
