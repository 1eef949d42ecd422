#!/usr/bin/env bash
# Two (or more) Streamlit replicas of the dashboard behind nginx, on one machine, all serving the
# same read-only snapshot; see docs/deployment.md. Stops everything it started on Ctrl-C or TERM.
#
#   deploy/run_replicas.sh [--db FILE | --dataset DIR] [--listen 127.0.0.1:8500]
#                          [--replicas 127.0.0.1:8501,127.0.0.1:8502] [--dir WORKDIR] [--python PY]
#                          [--portalrb-listen 127.0.0.1:8443 --tls-cert CERT.pem --tls-key KEY.pem
#                           [--portalrb 127.0.0.1:8600]]
#
# --db FILE      copy this warehouse file into WORKDIR once and serve the copy (a frozen snapshot:
#                later loads into FILE are not served until the next start). Default: $ZI_DB or
#                data/zi.duckdb.
# --dataset DIR  serve a Parquet export (`python -m etl export --out DIR`; a folder or s3:// URL).
#                Not copied: DIR is a link each export replaces atomically, and every replica
#                switches to the new export on its next page view.
# --dir WORKDIR  where the config, logs, pids and the snapshot go (kept on exit). Default: a new
#                temporary folder, removed on exit. Nothing is written outside it.
# --portalrb-listen ADDRESS:PORT  also serve the PortalRB API (python -m zi.portalrb on --portalrb)
#                through nginx over HTTPS on this address, with the certificate chain --tls-cert and its
#                key --tls-key (PEM). The API reads FILE itself, not the snapshot (needs --db): a load
#                reaches PortalRB at its next request. Tokens as for the API: ZI_PORTALRB_TOKENS or
#                [portalrb] in .streamlit/secrets.toml.
#
# Prints one line `SIAP: http://LISTEN ...` once nginx and every replica answer.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LISTEN="127.0.0.1:8500"
REPLICAS="127.0.0.1:8501,127.0.0.1:8502"
DB=""
DATASET=""
WORKDIR=""
PYTHON_BIN="${PYTHON:-}"
API_ADDRESS="127.0.0.1:8600"
API_LISTEN=""
API_CERT=""
API_KEY=""

fail() { echo "run_replicas: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --db) DB="$2"; shift 2 ;;
        --dataset) DATASET="$2"; shift 2 ;;
        --listen) LISTEN="$2"; shift 2 ;;
        --replicas) REPLICAS="$2"; shift 2 ;;
        --dir) WORKDIR="$2"; shift 2 ;;
        --python) PYTHON_BIN="$2"; shift 2 ;;
        --portalrb) API_ADDRESS="$2"; shift 2 ;;
        --portalrb-listen) API_LISTEN="$2"; shift 2 ;;
        --tls-cert) API_CERT="$2"; shift 2 ;;
        --tls-key) API_KEY="$2"; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) fail "opsi tidak dikenal: $1 (lihat --help)" ;;
    esac
done

if [ -z "$PYTHON_BIN" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON_BIN="$ROOT/.venv/bin/python"; else PYTHON_BIN="python3"; fi
fi
NGINX_BIN="$(command -v nginx || true)"
[ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx   # not on a normal user's PATH
[ -n "$NGINX_BIN" ] || fail "nginx tidak terpasang (Debian: apt-get install nginx)"
"$PYTHON_BIN" -c "import streamlit" 2>/dev/null || fail "$PYTHON_BIN tidak dapat mengimpor streamlit"
[ -n "$DB" ] && [ -n "$DATASET" ] && fail "pilih salah satu: --db atau --dataset"

# Loopback by default; another address is the operator's explicit choice (docs/deployment.md).
case "$LISTEN" in *:*) ;; *) fail "--listen harus ALAMAT:PORT" ;; esac
if [ -n "$API_LISTEN" ]; then
    case "$API_LISTEN" in *:*) ;; *) fail "--portalrb-listen harus ALAMAT:PORT" ;; esac
    [ -n "$DATASET" ] && fail "API PortalRB membaca file gudang data: pakai --db, bukan --dataset"
    { [ -f "$API_CERT" ] && [ -f "$API_KEY" ]; } || fail "--portalrb-listen perlu --tls-cert dan --tls-key (file PEM yang ada)"
    API_CERT="$(cd "$(dirname "$API_CERT")" && pwd)/$(basename "$API_CERT")"
    API_KEY="$(cd "$(dirname "$API_KEY")" && pwd)/$(basename "$API_KEY")"
fi

REMOVE_WORKDIR=0
if [ -z "$WORKDIR" ]; then
    WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/zi-replika.XXXXXX")"
    REMOVE_WORKDIR=1
fi
mkdir -p "$WORKDIR/tmp"
WORKDIR="$(cd "$WORKDIR" && pwd)"
# Run as root, nginx's workers drop to `nobody`: they must reach their temp folders.
[ "$(id -u)" = 0 ] && chmod 755 "$WORKDIR" "$WORKDIR/tmp"

PIDS=()
stop_all() {
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$REMOVE_WORKDIR" = 1 ]; then rm -rf "$WORKDIR"; fi
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# The snapshot every replica serves, read-only.
if [ -n "$DATASET" ]; then
    case "$DATASET" in
        s3://*) ;;
        *) [ -f "$DATASET/_manifest.json" ] || fail "$DATASET bukan hasil \`python -m etl export\` (tidak ada _manifest.json)"
           DATASET="$(cd "$DATASET" && pwd)" ;;   # the link itself, not its target: exports stay visible
    esac
    DATA_ENV=(ZI_DATASET="$DATASET")
    echo "Data: dataset $DATASET"
else
    DB="${DB:-${ZI_DB:-$ROOT/data/zi.duckdb}}"
    [ -f "$DB" ] || fail "gudang data $DB tidak ditemukan (muat dulu: python -m etl load ... --db $DB)"
    mkdir -p "$WORKDIR/snapshot"
    cp "$DB" "$WORKDIR/snapshot/zi.duckdb"
    chmod 444 "$WORKDIR/snapshot/zi.duckdb"
    DATA_ENV=(ZI_DB="$WORKDIR/snapshot/zi.duckdb")
    echo "Data: salinan $DB -> $WORKDIR/snapshot/zi.duckdb (hanya-baca)"
fi

# One cookie secret for all replicas: a signed-in user (st.login) moved to another replica by a
# failover stays signed in. Given through the environment, not the command line (ps shows that).
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$("$PYTHON_BIN" -c 'import secrets; print(secrets.token_hex(32))')}"

wait_healthy() {  # ADDRESS:PORT PID [HEALTH_PATH NAME]: until the process answers 200 there, or fails
    "$PYTHON_BIN" - "$1" "$2" "${3:-/_stcore/health}" "${4:-replika}" <<'EOF'
import os, sys, time, urllib.request
address, pid, path, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"{name} {address} berhenti saat mulai (lihat lognya)")
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=2) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.25)
sys.exit(f"{name} {address} tidak sehat dalam 60 detik")
EOF
}

SERVERS=""
n=0
IFS=',' read -r -a REPLICA_LIST <<< "$REPLICAS"
for address in "${REPLICA_LIST[@]}"; do
    n=$((n + 1))
    host="${address%:*}"
    port="${address##*:}"
    (cd "$ROOT" && exec env "${DATA_ENV[@]}" "$PYTHON_BIN" -m streamlit run dashboard.py \
        --server.address "$host" --server.port "$port" --server.headless true \
        --server.fileWatcherType none --server.runOnSave false --browser.gatherUsageStats false) \
        >"$WORKDIR/replika-$n.log" 2>&1 &
    PIDS+=("$!")
    echo "$!" > "$WORKDIR/replika-$n.pid"
    echo "$address" > "$WORKDIR/replika-$n.address"
    SERVERS+="        server $address max_fails=1 fail_timeout=10s;"$'\n'
done
for i in $(seq 1 "$n"); do
    wait_healthy "$(cat "$WORKDIR/replika-$i.address")" "$(cat "$WORKDIR/replika-$i.pid")" || exit 1
done

if [ -n "$API_LISTEN" ]; then   # the PortalRB API, behind nginx's TLS server
    # The live file, not the snapshot: the API only reads, and it reopens the file the ETL swaps in.
    API_DB="$(cd "$(dirname "$DB")" && pwd)/$(basename "$DB")"
    (cd "$ROOT" && exec "$PYTHON_BIN" -m zi.portalrb --db "$API_DB" \
        --host "${API_ADDRESS%:*}" --port "${API_ADDRESS##*:}") >"$WORKDIR/portalrb.log" 2>&1 &
    API_PID=$!
    PIDS+=("$API_PID")
    echo "$API_PID" > "$WORKDIR/portalrb.pid"
    wait_healthy "$API_ADDRESS" "$API_PID" /sehat "API PortalRB" || exit 1
fi

MAX_BODY="$(cd "$ROOT" && "$PYTHON_BIN" -c 'from zi.domain.rules import load_rules; print(int(load_rules().limits["upload_max_mb"]) + 1)')m"
"$PYTHON_BIN" - "$ROOT/deploy/nginx.conf.template" "$WORKDIR/nginx.conf" "$WORKDIR" "$LISTEN" "$SERVERS" "$MAX_BODY" \
    "$API_LISTEN" "$API_ADDRESS" "$API_CERT" "$API_KEY" <<'EOF'
import re, sys
template, target, prefix, listen, servers, max_body, api_listen, api_upstream, api_cert, api_key = sys.argv[1:]
text = open(template, encoding="utf-8").read()
block = re.compile(r"^[ \t]*# \{\{PORTALRB_BEGIN\}\}\n(.*?)^[ \t]*# \{\{PORTALRB_END\}\}\n", re.MULTILINE | re.DOTALL)
text = block.sub(lambda m: m.group(1) if api_listen else "", text)   # the API's TLS server only when asked for
values = {"PREFIX": prefix, "LISTEN": listen, "SERVERS": servers.rstrip("\n"), "MAX_BODY": max_body,
          "API_LISTEN": api_listen, "API_UPSTREAM": api_upstream, "API_CERT": api_cert, "API_KEY": api_key}
for key, value in values.items():
    text = text.replace("{{" + key + "}}", value)
open(target, "w", encoding="utf-8").write(text)
EOF
NGINX=("$NGINX_BIN" -p "$WORKDIR" -e "$WORKDIR/error.log" -c "$WORKDIR/nginx.conf")
"${NGINX[@]}" -t -q || fail "konfigurasi nginx ditolak (lihat $WORKDIR/error.log)"
"${NGINX[@]}" -g "daemon off;" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
echo "$NGINX_PID" > "$WORKDIR/nginx-master.pid"
wait_healthy "$LISTEN" "$NGINX_PID" || exit 1

API_TEXT=""
[ -n "$API_LISTEN" ] && API_TEXT="; API PortalRB: https://$API_LISTEN"
echo "SIAP: http://$LISTEN (replika: ${REPLICAS}${API_TEXT}; folder kerja: $WORKDIR)"
# Serve until nginx stops or a signal arrives; a replica that stops is nginx's to route around.
wait "$NGINX_PID" || true
