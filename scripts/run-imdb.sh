#!/usr/bin/env bash
# Runs the main job: fine-tunes DistilBERT on IMDb with the sample in samples/ImdbFineTune.
# Does its own set-up (native prerequisite, restore, build). Extra arguments go to the sample, e.g.
#   bash scripts/run-imdb.sh --model ../shared/models/minilm-l6-h384-distilbert --data ../shared/data/aclImdb_v1.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
dotnet run -c Release --project samples/ImdbFineTune -- "$@"
