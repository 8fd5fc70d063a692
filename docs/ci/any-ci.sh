#!/bin/sh
# Checks a server with linespec in any CI (GitLab, Jenkins, Buildkite, a Makefile):
# builds it, starts it, runs the conformance suite with a JUnit report, stops the
# server and exits with linespec's status (0 pass, 1 a case failed, 2 bad usage,
# 3 unreachable). Plain POSIX sh. Configure it with the environment:
#   BUILD_CMD   your build (default: compile the example server)
#   SERVER_CMD  starts your server on a free port and prints `listening ADDRESS`
#               (default: the example server on port 0)
#   LINESPEC    the linespec program (default: linespec from PATH)
#   REPORT_DIR  where linespec.xml and linespec.json go (default: .)
# A server that takes its port as an argument instead: use
#   linespec run --spawn 'CMD --port {port}' --junit ...   (linespec starts and stops it).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# The example server only needs to compile (checked without writing a cache).
BUILD_CMD=${BUILD_CMD:-"python3 -c \"compile(open('$here/example-server/server.py').read(), 'server.py', 'exec')\""}
SERVER_CMD=${SERVER_CMD:-"python3 '$here/example-server/server.py' --port 0"}
LINESPEC=${LINESPEC:-linespec}
REPORT_DIR=${REPORT_DIR:-.}

# 1. Build.
sh -c "$BUILD_CMD" || { echo "any-ci.sh: the build failed" >&2; exit 2; }

# 2. Start the server; its first line says where it listens.
work=$(mktemp -d) || exit 2
mkfifo "$work/out" || exit 2
sh -c "exec $SERVER_CMD" >"$work/out" &
server=$!
stop_server() {
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap 'stop_server; exit 130' INT TERM
exec 3<"$work/out"
if ! read -r word address <&3 || [ "$word" != listening ]; then
  echo "any-ci.sh: the server did not print 'listening ADDRESS'" >&2
  stop_server
  exit 3
fi
# Keep reading what the server prints, so that it never blocks on a full pipe.
cat <&3 >/dev/null &
exec 3<&-

# 3. Check it; keep linespec's exit status. A generous --timeout: CI machines can be
# slow, and a correct server costs no more time.
"$LINESPEC" run "$address" --timeout 5000 --junit "$REPORT_DIR/linespec.xml" --json "$REPORT_DIR/linespec.json"
status=$?

# 4. Stop the server, whatever the result.
stop_server
echo "any-ci.sh: linespec exited with $status"
exit "$status"
