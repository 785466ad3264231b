#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (and CJK fonts) when missing and we can.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} from Debian for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/tmp/ouendan-apt.log 2>&1 \
    || { echo "apt-get failed (see /tmp/ouendan-apt.log)"; [ "${CI:-}" = "true" ] && exit 1; }
else
  echo "Missing ${need[*]}: install them (apt-get install ${need[*]}) to run the browser tests."
  [ "${CI:-}" = "true" ] && exit 1
fi
exit 0
