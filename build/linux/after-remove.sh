#!/bin/sh
# deb/rpm: removes the `flotilla` command that after-install.sh wrote.
rm -f /usr/bin/flotilla
