#!/usr/bin/env bash
# Installs the Debian packages the portal needs and a fresh Debian lacks:
# Pango for WeasyPrint, HarfBuzz's subset library (fast font subsetting for CJK PDFs),
# and python3-venv. Runs without asking when root; otherwise says what to install.
set -euo pipefail

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so'      || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so'   || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统依赖：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "缺少系统依赖：${missing[*]}。请以 root 运行：apt-get install ${missing[*]}" >&2
  exit 1
fi
