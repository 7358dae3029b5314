#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned requirements, once per change of
# requirements.txt. Rasa 3.6 does not run on 3.11, so any other Python is refused by name.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.10 "$HOME/.pyenv/versions/3.10"*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local version
    version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | tail -n 1 || true)
    if [ -n "$version" ]; then echo "$(pyenv root)/versions/$version/bin/python3.10"; return 0; fi
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  if ! python=$(find_python); then
    echo "Ruta needs Python 3.10 (Rasa 3.6 does not run on 3.11+), and none was found." >&2
    echo "Install it with 'pyenv install 3.10' (or your system's python3.10 package), then run this again." >&2
    exit 1
  fi
  echo "Creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi

stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing pinned requirements into .venv (first time: several minutes)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
