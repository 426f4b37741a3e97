#!/usr/bin/env bash
# Part 2, exercise 1: timing experiments with the blocking and the asynchronous client.
#
# Usage: ex01_timing.sh BIN_DIR POEM [DELAY]
#   BIN_DIR  the directory holding part 2's programs, e.g. build/bin/part02
#   POEM     the poem every server serves, e.g. poetry/ferry.txt
#   DELAY    seconds between chunks, given to each server as --delay (default: 0.1)
#
# It starts four slow poetry servers on free ports (--port 0; each port is read from the server's
# first line, "Serving POEM on port N."). Then for N = 1, 2, 3, 4 it runs the blocking client and
# then the asynchronous client against the first N servers and prints one line per N:
#   servers=N blocking=SECONDS async=SECONDS speedup=X.XX
# SECONDS is the time the client itself reports on its last line ("Got N poems in H:MM:SS.ffffff")
# with three decimals, and speedup is blocking / async with two. Every server it started is killed
# when it exits, however it exits (an EXIT trap).
# Exit status: 0; 2 for bad arguments; 1 if a server did not start or a client failed.
#
# From the repository root, after `cmake --build build --target part02`:
#   bash part02-blocking/exercises/ex01_timing.sh build/bin/part02 poetry/ferry.txt 0.02
# Check your work with `./tutorial check 2`. Fill in the three TODOs below.
set -euo pipefail

die() { echo "ex01_timing.sh: $*" >&2; exit 1; }
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: ex01_timing.sh BIN_DIR POEM [DELAY]" >&2
  exit 2
fi
bin=$1 poem=$2 delay=${3:-0.1}
[ -x "$bin/slowpoetry" ] || { echo "ex01_timing.sh: no slowpoetry in '$bin'" >&2; exit 2; }
[ -r "$poem" ] || { echo "ex01_timing.sh: cannot read the poem '$poem'" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()

# Stops every server we started, so none outlives the script.
cleanup() {
  # TODO: kill every server whose pid is in "${pids[@]}", then `wait` for each of them.
  rm -rf "$tmp"
}
# bash runs the EXIT trap however the script ends: normally, on an error (set -e), on Ctrl-C or
# on kill. (Do not also trap INT or TERM: a server started a moment earlier could inherit that
# handler for an instant, swallow our kill and keep running.)
trap cleanup EXIT

# Starts one server in the background and sets $port once the server says it is listening.
start_server() {
  # TODO: run "$bin/slowpoetry" --port 0 --delay "$delay" "$poem" in the background with its
  #       stdout and stderr going to a file in $tmp (create the file first, : >"$log", so that
  #       reading it cannot fail before the server has opened it), and add its pid ($!) to pids.
  #       Then wait, for at most 10 seconds, until the file's first line says
  #       "Serving ... on port N.", and set port=N. (If the server dies or time runs out, die.)
  port=""
}

# Runs one client (get-poetry or get-poetry-async) against the given ports and prints the number
# of seconds from its last line, "Got N poems in H:MM:SS.ffffff".
client_seconds() {
  local client=$1
  shift
  "$bin/$client" "$@" |
    sed -n 's/^Got [0-9]* poems in \([0-9]*\):\([0-9]*\):\([0-9.]*\)$/\1 \2 \3/p' |
    awk '{ printf "%.6f", $1 * 3600 + $2 * 60 + $3 }'
}

ports=()
for _ in 1 2 3 4; do
  start_server
  ports+=("$port")
done

for n in 1 2 3 4; do
  # TODO: time get-poetry and then get-poetry-async against the first n ports
  #       ("${ports[@]:0:n}") with client_seconds, and print
  #       servers=N blocking=SECONDS async=SECONDS speedup=X.XX
  #       (bash cannot divide decimals; awk can: awk -v a=1.5 'BEGIN { printf "%.2f", a / 2 }').
  :
done
