#!/bin/sh
# Make sure the Debian packages named as arguments are installed: as root, apt-get installs the
# missing ones; otherwise the script stops with the command to run. Used by the Makefile (`make run`
# for python3-venv, `make test` for the browser, nginx and rendering tools) and so by CI.
#
#   sh .ci/debian-packages.sh PACKAGE...          (APT_GET=echo shows what it would run)
set -eu

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "Not a Debian system: make sure these (Debian names) are installed: $*" >&2
    exit 0
fi

missing=""
for package in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != "0" ]; then
    echo "Missing Debian packages:$missing" >&2
    echo "Install them (then run make again):  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "Installing Debian packages:$missing"
${APT_GET:-apt-get} update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive ${APT_GET:-apt-get} install -y -qq $missing
