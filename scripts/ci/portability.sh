#!/usr/bin/env bash
# Runs the README's test command again in the two places the embedded PostgreSQL is known to
# trip over (issue 3): a checkout under a 0700 directory (as root), and as a non-root user.
# Needs root (to create the user); a no-op otherwise. Copies the installed tree instead of
# re-downloading packages: what is under test is file permissions, not npm. The ORM and runtime
# integration suites (test/integration/) install their own packages and browsers: they ran once
# already in this CI run and say nothing more about file permissions, so these runs leave them out.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
  echo "portability: not root, so the non-root and 0700 runs are this run itself; skipping"
  exit 0
fi

suite="npm run build && npx vitest run --exclude 'test/integration/**' --exclude 'test/load/**'"

copy_repo() { # copy_repo DEST
  mkdir -p "$1"
  tar -C "$repo" --exclude=./.git -cf - . | tar -C "$1" -xf -
}

echo "portability: npm test from a checkout under a 0700 directory, as root"
private=$(mktemp -d /root/edgepg-0700-XXXXXX)
chmod 700 "$private"
copy_repo "$private/edgepg"
(cd "$private/edgepg" && bash -c "$suite")
rm -rf "$private"

echo "portability: npm test as a non-root user"
user=edgepg-ci
id -u "$user" >/dev/null 2>&1 || useradd --system --create-home --shell /bin/bash "$user"
shared=$(mktemp -d /tmp/edgepg-nonroot-XXXXXX)
copy_repo "$shared/edgepg"
chown -R "$user" "$shared"
runuser -u "$user" -- env HOME="$(getent passwd "$user" | cut -d: -f6)" bash -c "cd '$shared/edgepg' && $suite"
rm -rf "$shared"
echo "portability: both runs passed"
