#!/bin/sh
# Install the Debian/Ubuntu packages the kiosk needs, but only those that are missing.
# Usage: scripts/system-packages.sh run|test
set -eu

# Badge text a printer's code pages cannot carry is drawn with DejaVu, and with
# Droid Sans Fallback for Chinese, Japanese and Korean; libusb lets
# python-escpos reach USB printers.
want="libzbar0 fonts-dejavu-core fonts-droid-fallback libusb-1.0-0"
if [ "${1:-run}" = "test" ]; then
    # The tests decode printed badges with npos (Node.js), render PDF pages with
    # pdftoppm, drive the screens in tmux and talk to serial ports over socat.
    want="$want nodejs npm poppler-utils tmux socat"
fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    want="$want python3-venv"
fi

missing=""
for package in $want; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done
# Node.js may come from outside Debian (nvm, NodeSource); a working `node` and `npm` do.
case "$missing" in
    *nodejs*|*npm*)
        if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
            missing=$(echo "$missing" | sed -e 's/ nodejs//' -e 's/ npm//')
        fi
        ;;
esac
[ -z "$missing" ] && exit 0

echo "Installing system packages:$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
