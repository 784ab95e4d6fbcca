# Sourced by bench/realtime.sh: FastRTC 0.0.34 in bench/.venv-fastrtc (installed once; it needs
# Gradio 5, so it cannot share bench/.venv's Gradio 6), with the Silero VAD model its
# ReplyOnPause would download from the Hugging Face hub taken from the faster-whisper wheel on
# PyPI instead (bench/fastrtc_demos.py reads it from SILERO_VAD_ONNX).
FASTRTC_VERSION=0.0.34
export SILERO_VAD_ONNX=bench/.venv-fastrtc/silero_vad.onnx
if [ "$(bench/.venv-fastrtc/bin/python -c 'import fastrtc, importlib.metadata as m; print(m.version("fastrtc"))' 2>/dev/null)" != "$FASTRTC_VERSION" ] \
  || [ ! -s "$SILERO_VAD_ONNX" ]; then
  echo "[bench] installing fastrtc $FASTRTC_VERSION in bench/.venv-fastrtc"
  python3 -m venv bench/.venv-fastrtc
  # Its Gradio and aiortc pinned too, at the versions measured with it.
  bench/.venv-fastrtc/bin/pip install --quiet "fastrtc[vad]==$FASTRTC_VERSION" gradio==5.50.0 aiortc==1.16.0
  wheels=$(mktemp -d)
  bench/.venv-fastrtc/bin/pip download --quiet --no-deps "faster-whisper==1.0.2" -d "$wheels"
  bench/.venv-fastrtc/bin/python -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("faster_whisper/assets/silero_vad.onnx"))' \
    "$wheels"/faster_whisper-1.0.2-py3-none-any.whl >"$SILERO_VAD_ONNX"
  rm -rf "$wheels"
fi
export SILERO_VAD_ONNX="$PWD/$SILERO_VAD_ONNX"
