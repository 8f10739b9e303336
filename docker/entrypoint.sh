#!/bin/sh
# Entrypoint of the Wijkradar container (see Dockerfile). It also runs outside a container, in
# any environment where `wijkradar` is installed; CI runs it in a clean virtualenv.
#
# Settings come from the environment: every WIJKRADAR_* variable of the README (database URL,
# sources, basemap, ...), plus
#   WIJKRADAR_PORT (8501), WIJKRADAR_ADDRESS (0.0.0.0), WIJKRADAR_DATA_DIR (/data, a volume) and
#   the login (Streamlit OIDC) as WIJKRADAR_AUTH_REDIRECT_URI, WIJKRADAR_AUTH_COOKIE_SECRET,
#   WIJKRADAR_AUTH_CLIENT_ID, WIJKRADAR_AUTH_CLIENT_SECRET, WIJKRADAR_AUTH_SERVER_METADATA_URL;
#   each may instead be read from a file named by the same variable with _FILE appended
#   (Docker/Kubernetes secrets). They are written to ~/.streamlit/secrets.toml (mode 600).
set -eu

WIJKRADAR_DATA_DIR="${WIJKRADAR_DATA_DIR:-/data}"
WIJKRADAR_PORT="${WIJKRADAR_PORT:-8501}"
WIJKRADAR_ADDRESS="${WIJKRADAR_ADDRESS:-0.0.0.0}"
export WIJKRADAR_DATA_DIR

python - <<'PY'
"""Write the [auth] section of ~/.streamlit/secrets.toml from WIJKRADAR_AUTH_* variables."""
import json
import os
import sys
import tomllib
from pathlib import Path

KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
values = {}
for key in KEYS:
    var = f"WIJKRADAR_AUTH_{key.upper()}"
    value = os.environ.get(var, "")
    if not value and os.environ.get(f"{var}_FILE"):
        value = Path(os.environ[f"{var}_FILE"]).read_text(encoding="utf-8").strip()
    if value:
        values[key] = value
if values:
    missing = [f"WIJKRADAR_AUTH_{k.upper()}" for k in KEYS if k not in values]
    if missing:
        sys.exit(f"login settings incomplete: set {', '.join(missing)} (or leave all unset)")
    # JSON string syntax is TOML basic-string syntax, except that TOML wants DEL escaped too
    quoted = {k: json.dumps(v, ensure_ascii=False) for k, v in values.items()}
    text = "[auth]\n" + "".join(f"{k} = {q}\n" for k, q in quoted.items())
    text = text.replace("\x7f", "\\u007f")
    if tomllib.loads(text)["auth"] != values:
        sys.exit("login settings could not be written as TOML")
    folder = Path.home() / ".streamlit"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / "secrets.toml"
    fd = os.open(target.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(target.with_suffix(".tmp"), target)
    print(f"login (OIDC) configured for client {values['client_id']!r}", file=sys.stderr)
PY

exec wijkradar app --adres "$WIJKRADAR_ADDRESS" --poort "$WIJKRADAR_PORT" \
    --data-map "$WIJKRADAR_DATA_DIR" "$@"
