#!/usr/bin/env bash
# Run the whole test suite (ruff + pytest) on Python 3.11 and, where the machine has one, on a
# Python >= 3.12 too (PuLP 3.x resolves on 3.11, PuLP 4.x on 3.12+: the code must run on both).
# Each interpreter gets its own virtual environment in .venv-<version>/ with the package installed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_py312() {
  # A pyenv shim can be on PATH without its version being active: use a candidate only if it runs.
  for cand in python3.12 python3.13; do
    if command -v "$cand" >/dev/null 2>&1 && runs "$cand"; then command -v "$cand"; return; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    for v in $(ls "$root/versions" 2>/dev/null | grep -E '^3\.(1[2-9])\.[0-9]+$' | sort -V); do
      if [ -x "$root/versions/$v/bin/python" ] && runs "$root/versions/$v/bin/python"; then
        echo "$root/versions/$v/bin/python"; return
      fi
    done
  fi
}

interpreters=("${PYTHON:-python3}")
extra="$(find_py312 || true)"
if [ -n "$extra" ]; then interpreters+=("$extra"); fi

status=0
for py in "${interpreters[@]}"; do
  version="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  venv=".venv-$version"
  echo "=== Python $version ($py) ==="
  if [ ! -x "$venv/bin/python" ]; then "$py" -m venv "$venv"; fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
  "$venv/bin/python" -c 'import pulp, sys; print("pulp", pulp.__version__, "on Python", sys.version.split()[0])'
  "$venv/bin/python" -m ruff check kgkc_opt tests benchmarks
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" || status=$?
done
exit $status
