#!/usr/bin/env bash
# Installs the Debian packages the portal needs and a fresh Debian lacks:
# Pango for WeasyPrint; HarfBuzz's subset library, without which WeasyPrint embeds CJK fonts
# through pure-Python fontTools, 20-30x slower (see docs/documents.md); the Chinese fonts of
# official documents (GB/T 9704): Fandol 仿宋/宋/黑/楷 from texlive-lang-chinese (about 106 MB
# to download, 280 MB installed, ~50 s) and Noto Serif/Sans CJK from fonts-noto-cjk (56 MB,
# 90 MB installed, ~12 s); python3-venv; and, for the end-to-end tests (tests/e2e), Debian's
# chromium at /usr/bin/chromium, driven headless by Playwright (no browser download of its own),
# and libatomic1, without which Playwright's bundled driver cannot start; and nginx, the reverse
# proxy the several-servers test starts in front of two portal processes (tests/core/test_several_servers.py).
# Runs without asking when root; otherwise says what to install. Does nothing when all is there.
set -euo pipefail

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
have_lib 'libpango-1.0.so'      || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so'   || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
"${PYTHON:-python3}" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
fonts=()
if command -v dpkg-query >/dev/null 2>&1; then
  have_pkg fonts-noto-cjk       || fonts+=(fonts-noto-cjk)
  have_pkg texlive-lang-chinese || fonts+=(texlive-lang-chinese)
fi
browser=()
if [ "${1:-}" = "--with-browser" ]; then  # only `make test` needs it
  [ -x /usr/bin/chromium ] || browser+=(chromium)
  have_lib 'libatomic.so.1' || browser+=(libatomic1)  # Playwright's bundled node driver needs it
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || browser+=(nginx)  # the test runs its own nginx, not the service
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#fonts[@]} -eq 0 ] && [ ${#browser[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统依赖：${missing[*]} ${fonts[*]} ${browser[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" "${fonts[@]}" "${browser[@]}" >/dev/null
elif [ ${#missing[@]} -gt 0 ]; then
  echo "缺少系统依赖：${missing[*]} ${fonts[*]} ${browser[*]}。请以 root 运行：apt-get install --no-install-recommends ${missing[*]} ${fonts[*]} ${browser[*]}" >&2
  exit 1
else
  # the portal runs without them, with a warning on /admin/fonts; PDFs may show empty boxes
  [ ${#fonts[@]} -eq 0 ] || echo "缺少公文字体：${fonts[*]}。请以 root 运行：apt-get install --no-install-recommends ${fonts[*]}" >&2
  # only the end-to-end tests need it; they are skipped without it (and fail under CI)
  [ ${#browser[@]} -eq 0 ] || echo "缺少浏览器：chromium（端到端测试用）。请以 root 运行：apt-get install --no-install-recommends chromium" >&2
fi
