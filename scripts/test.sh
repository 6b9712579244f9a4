#!/usr/bin/env bash
# Runs the whole test suite (Release). Does its own set-up: the native prerequisite, then restore and build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
dotnet test DistilBert.Sharp.sln -c Release "$@"
