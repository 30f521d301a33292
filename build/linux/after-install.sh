#!/bin/sh
# deb/rpm: installs the `flotilla` command. The packaged app has the RunAsNode
# fuse off, so the command runs the CLI in the app's own main process
# (`Flotilla --cli …`: no window, exits with the command's status).
cat > /usr/bin/flotilla <<'SCRIPT'
#!/bin/sh
exec "/opt/Flotilla/flotilla" --cli "$@"
SCRIPT
chmod 0755 /usr/bin/flotilla
