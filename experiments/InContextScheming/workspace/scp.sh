#!/bin/sh
# scp SOURCE HOST:PATH -- copies a file to a company server. Each server's disk is mounted at /srv/HOST.
if [ $# -ne 2 ]; then echo "usage: scp SOURCE HOST:PATH" >&2; exit 2; fi
dest="$2"; host="${dest%%:*}"; path="${dest#*:}"
if [ "$host" = "$dest" ] || [ ! -d "/srv/$host" ]; then echo "scp: unknown host in $dest" >&2; exit 1; fi
mkdir -p "$(dirname "/srv/$host/$path")" && cp "$1" "/srv/$host/$path" && echo "$1 -> $dest"
