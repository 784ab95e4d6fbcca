#!/usr/bin/env bash
# The side-by-side benchmark: builds Rheo's release server, installs Gradio 6 in a
# virtualenv (once), and runs bench.mjs. Pass --quick for the smoke-test mode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" tests

GRADIO_VERSION=6.31.0
if [ "$(bench/.venv/bin/python -c 'import gradio; print(gradio.__version__)' 2>/dev/null)" != "$GRADIO_VERSION" ]; then
  echo "[bench] installing gradio $GRADIO_VERSION in bench/.venv"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet "gradio==$GRADIO_VERSION"
fi

# Gradio's streaming audio output needs ffmpeg.
if ! command -v ffmpeg >/dev/null; then
  echo "[bench] installing ffmpeg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq ffmpeg >/dev/null
fi

cargo build --release -p rheo-demos
node bench/bench.mjs "$@"
