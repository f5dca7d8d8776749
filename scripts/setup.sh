# Shared set-up, sourced by scripts/demo and scripts/test: a virtual environment with the pinned
# packages (reinstalled only when a requirements file changes) and compiled message catalogs.
# Usage: source scripts/setup.sh REQUIREMENTS_FILE
set -euo pipefail

requirements="${1:-requirements.txt}"
python="${PYTHON:-python3}"

"$python" - <<'PY' || { echo "Liandong needs Python 3.11 or newer (set PYTHON=...)." >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment in .venv"
  "$python" -m venv .venv
fi

stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$requirements")"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages from $requirements"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

echo "==> compiling message catalogs"
.venv/bin/pybabel -q compile -d translations

# Debian packages the suite or the app need, installed when missing and we are root.
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run as root, or install them, then try again)." >&2
    return 1
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
