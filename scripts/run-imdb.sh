#!/usr/bin/env bash
# Runs the main job: fine-tunes DistilBERT on IMDb with the sample in samples/ImdbFineTune.
# Does its own set-up (native prerequisite, restore, build). Extra arguments go to the sample, e.g.
#   bash scripts/run-imdb.sh --model ../shared/models/minilm-l6-h384-distilbert --data ../shared/data/aclImdb_v1.tar.gz
# Relative paths in the arguments are relative to the directory you run this from (not the repository).
set -euo pipefail
export DISTILBERT_SHARP_CALLER_CWD="$PWD"
repo="$(cd "$(dirname "$0")/.." && pwd)"
export DISTILBERT_SHARP_LAUNCHER="bash $(printf %q "$repo/scripts/run-imdb.sh")"
cd "$repo"
bash scripts/install-prerequisites.sh
dotnet run -c Release --project samples/ImdbFineTune -- "$@"
