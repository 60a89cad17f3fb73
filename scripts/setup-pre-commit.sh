#!/usr/bin/env bash
# Installs Debian's `pre-commit` for test/unit/integrations/pre-commit.test.ts (see setup-debian-tool.sh).
exec bash "$(dirname "$0")/setup-debian-tool.sh" pre-commit pre-commit
