#!/usr/bin/env bash
# Installs everything Lotse needs on a fresh Debian machine: system packages (espeak-ng for the
# voice, PostgreSQL for the registry tests, the libraries Kivy's SDL window needs) and the Python
# project into .venv. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(espeak-ng libespeak-ng1 sox postgresql postgresql-contrib
              libgl1 libegl1 libgl1-mesa-dri libegl-mesa0 libmtdev1 libgles2 xclip
              gcc libc6-dev  # gcc: the route search kernel (setup.py) is compiled on install
              chromium chromium-driver fonts-dejavu-core
              wrk)  # wrk: the benchmarks' load generator (bench/wrk_driver.py)
# npm (for axe-core in the browser tests) only when no Node.js is installed at all
command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)

# The interpreter: Debian's own CPython 3.11 where there is one (PYTHON=... chooses another).
# Debian links the interpreter statically, where a plain source build such as pyenv's
# (--enable-shared, no --enable-optimizations) goes through libpython3.11.so; here Debian's ran
# routes 10-20 % and imports 20-30 % faster (README, "Benchmarks").
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x /usr/bin/python3.11 ]; then
  PY=/usr/bin/python3.11
  APT_PACKAGES+=(python3.11-venv python3.11-dev)  # Debian keeps venv and the headers apart
else
  PY=python3.11
  command -v "$PY" >/dev/null || PY=python3
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# a .venv made with another interpreter than the one chosen is made again
if [ -x .venv/bin/python ] && [ "${PY#/}" != "$PY" ] &&
   [ "$(.venv/bin/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))')" \
     != "$(realpath "$PY")" ]; then
  echo "setup: .venv runs another Python than $PY: making it again"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi

# Reinstall only when the project's dependency list or its compiled part changed.
stamp=.venv/.lotse-installed
want=$(cat pyproject.toml setup.py routing_service/*.c routing_service/*.h | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/lotse ]; then
  echo "setup: installing the project into .venv"
  .venv/bin/pip install -q -e ".[server,app,report,test]"
  echo "$want" > "$stamp"
fi
# axe-core for the browser tests, at the version pinned in tests/web/package-lock.json
axe_want=$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' tests/web/package.json)
axe_have=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' tests/web/node_modules/axe-core/package.json 2>/dev/null || true)
if [ "$axe_have" != "$axe_want" ]; then
  echo "setup: installing axe-core $axe_want for the browser tests"
  npm ci --prefix tests/web --no-audit --no-fund --silent
fi
echo "setup: ready (.venv/bin/lotse)"
