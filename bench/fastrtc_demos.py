"""The FastRTC side of the real-time benchmark: Rheo's /flip and /talk, written the FastRTC way.

Run by bench/realtime.mjs with the virtualenv bench/fastrtc-env.sh creates, one process per demo:
    .venv-fastrtc/bin/python fastrtc_demos.py DEMO PORT
DEMO: flip (the webcam, flipped, over WebRTC) or talk (ReplyOnPause with its defaults, saying the
utterance back as Rheo's /talk does). Offline: FastRTC's Silero VAD model is read from
SILERO_VAD_ONNX (fastrtc-env.sh takes it from the faster-whisper wheel) instead of being
downloaded from the Hugging Face hub, and the server gathers no ICE candidates from STUN servers
(the page and the server meet on loopback).
"""

import os
import sys

import numpy as np
from fastrtc import ReplyOnPause, Stream
from fastrtc.pause_detection.silero import SileroVADModel


class OfflineSilero(SileroVADModel):
    """FastRTC's own Silero VAD, with the model file given rather than downloaded."""

    @staticmethod
    def download_model() -> str:
        return os.environ["SILERO_VAD_ONNX"]


def flip(frame):
    return np.flipud(frame)


SLOWER = 1.25
PIECE_SECONDS = 0.1
QUIET = 32768 / 64


def say_back(audio):
    """Rheo's /talk: the utterance from its first sound (-36 dBFS), 1.25 times slower (and so
    lower), in 0.1 s pieces."""
    rate, samples = audio
    samples = samples.reshape(-1).astype(np.float32)
    loud = np.flatnonzero(np.abs(samples) >= QUIET)
    samples = samples[loud[0] :] if loud.size else samples[:0]
    at = np.arange(int(len(samples) * SLOWER)) / SLOWER
    stretched = np.interp(at, np.arange(len(samples)), samples).astype(np.int16)
    piece = int(PIECE_SECONDS * rate)
    for start in range(0, len(stretched), piece):
        yield rate, stretched[start : start + piece].reshape(1, -1)


def stream(name):
    # No STUN server on the server's side: loopback needs none, and none is reachable. Several
    # connections at once (FastRTC allows one by default, and None means one too), as Rheo's
    # demos allow: a closed page's connection lingers on the server for a while.
    offline = {"server_rtc_configuration": {"iceServers": []}, "time_limit": 600, "concurrency_limit": 16}
    if name == "flip":
        return Stream(flip, modality="video", mode="send-receive", **offline)
    model = OfflineSilero()
    model.warmup()
    return Stream(ReplyOnPause(say_back, model=model), modality="audio", mode="send-receive", **offline)


if __name__ == "__main__":
    name, port = sys.argv[1], int(sys.argv[2])
    stream(name).ui.launch(server_name="127.0.0.1", server_port=port, show_error=True)
