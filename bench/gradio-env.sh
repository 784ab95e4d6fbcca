# Sourced by bench/run.sh and bench/streams.sh: Gradio 6 in bench/.venv (installed once), and
# ffmpeg, which Gradio's streaming audio output needs.
GRADIO_VERSION=6.31.0
if [ "$(bench/.venv/bin/python -c 'import gradio; print(gradio.__version__)' 2>/dev/null)" != "$GRADIO_VERSION" ]; then
  echo "[bench] installing gradio $GRADIO_VERSION in bench/.venv"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet "gradio==$GRADIO_VERSION"
fi
if ! command -v ffmpeg >/dev/null; then
  echo "[bench] installing ffmpeg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq ffmpeg >/dev/null
fi
# As bench.mjs runs it: no analytics, no hub, output as it comes.
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
