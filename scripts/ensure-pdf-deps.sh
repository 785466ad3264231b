#!/usr/bin/env bash
# PDF reports (analytics/pdf.py, WeasyPrint) need Pango, HarfBuzz's subsetter and a Japanese font
# (Noto Sans CJK JP). Install the missing ones from Debian when we can: as root, or through sudo
# when it needs no password; otherwise say what to install. CI=true: missing is a failure.
set -u
need=()
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
has_lib 'libpango-1\.0\.so\.0' || need+=(libpango-1.0-0)
has_lib 'libpangoft2-1\.0\.so\.0' || need+=(libpangoft2-1.0-0)
has_lib 'libharfbuzz-subset\.so\.0' || need+=(libharfbuzz-subset0)
command -v fc-list >/dev/null || need+=(fontconfig)
fc-list 2>/dev/null | grep -q "Noto Sans CJK JP" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  as_root=(unable)
fi
if [ "${as_root[0]:-}" != unable ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} from Debian for the PDF reports…"
  export DEBIAN_FRONTEND=noninteractive
  apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
  if { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${need[@]}"; } \
       >/tmp/ouendan-apt-pdf.log 2>&1; then
    exit 0
  fi
  echo "apt-get failed (see /tmp/ouendan-apt-pdf.log)"
else
  echo "Missing ${need[*]}: PDF reports need them (apt-get install ${need[*]})."
fi
[ "${CI:-}" = "true" ] && exit 1
exit 0
