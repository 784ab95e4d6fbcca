// The webcam figures, shared by bench.mjs (Rheo beside Gradio) and realtime.mjs (Rheo beside
// FastRTC): a stamped camera in the page, and each processed frame on screen read back.
import { sleep } from "./measure.mjs";

/**
 * The page's camera, for the webcam figures: a canvas stream of the camera's size and frame
 * rate showing the time it was drawn, in 0.1 ms units, as 32 vertical stripes (white 1, black 0)
 * and their mirror image: vertical stripes survive a vertical flip, JPEG and video codecs, and
 * the mirrored half survives a mirrored webcam (Gradio's default). The canvas is redrawn every
 * 4 ms and the stream takes `fps` frames a second of it, as a camera does.
 *
 * Each processed frame shown is decoded back, which gives the camera-to-screen latency of that
 * frame: capture, encoding, the trip to the server and back, the handler, decoding and display,
 * whichever system does them. A frame is shown as an image the page loads at the camera's size
 * (Gradio's page) or a picture of that size handed to a canvas (Rheo's), read at the animation
 * frame that paints it, or as a frame of a
 * video that plays a stream other than the camera's (FastRTC's page plays the WebRTC stream it
 * receives): each frame such a video presents is read as it is presented
 * (`requestVideoFrameCallback`), at whatever size the codec sent it.
 */
export function stampedCamera({ width, height, fps }) {
  const bits = 32;
  const frames = [];
  window.__frames = frames;
  const cameras = new Set();
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [width, height];
    const context = canvas.getContext("2d");
    const stripe = width / (2 * bits);
    const draw = () => {
      const stamp = Math.round(performance.now() * 10) >>> 0;
      for (let i = 0; i < bits; i++) {
        context.fillStyle = (stamp >>> (bits - 1 - i)) & 1 ? "#fff" : "#000";
        context.fillRect(i * stripe, 0, stripe, height);
        context.fillRect(width - (i + 1) * stripe, 0, stripe, height);
      }
    };
    draw();
    setInterval(draw, 4);
    const stream = canvas.captureStream(fps);
    cameras.add(stream);
    return stream;
  };
  const reader = document.createElement("canvas");
  const readContext = reader.getContext("2d", { willReadFrequently: true });
  /** When the camera drew the picture `source` shows (its stamp read back), in ms. */
  const drawnAt = (source, w, h) => {
    if (reader.width !== w || reader.height !== h) [reader.width, reader.height] = [w, h];
    readContext.drawImage(source, 0, 0, w, h);
    const row = readContext.getImageData(0, Math.floor(h / 2), w, 1).data;
    const stripe = w / (2 * bits);
    let stamp = 0;
    for (let i = 0; i < bits; i++) stamp = stamp * 2 + (row[Math.floor(i * stripe + stripe / 2) * 4] > 127 ? 1 : 0);
    return stamp / 10;
  };
  /**
   * Notes `count` frames shown, the last, drawn at `drawn`, at `shownAt`. A stamp that reads as
   * a time to come or over 5 s ago (a codec's artefact on a stripe) gives no latency.
   */
  const note = (drawn, shownAt, count = 1) => {
    const latencyMs = shownAt - drawn;
    frames.push({ count, latencyMs: latencyMs >= 0 && latencyMs <= 5000 ? latencyMs : null });
  };
  // An image, or a picture handed to a canvas, is painted by the animation frame after its load
  // (or its hand-over), if `shown` still then: it is read in that frame's callback, which runs
  // just before the paint, and timed just after the paint (a message posted from the callback),
  // as a video's frame is when it goes to the compositor. The frame's own timestamp would not
  // do: it is when the frame began, which can be before the load (latencies of 3 ms read so).
  const whenPainted = (source, shown) =>
    requestAnimationFrame(() => {
      if (!shown()) return;
      const drawn = drawnAt(source, width, height);
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => note(drawn, performance.now());
      port2.postMessage(null);
    });
  // One whose `src` changed before that frame was never shown.
  document.addEventListener(
    "load",
    (event) => {
      const img = event.target;
      if (!(img instanceof HTMLImageElement) || img.naturalWidth !== width || img.naturalHeight !== height) return;
      const loaded = img.currentSrc;
      whenPainted(img, () => img.currentSrc === loaded);
    },
    true,
  );
  // A picture handed whole to a canvas (Rheo's page paints a stream's pictures so); one
  // replaced before the next frame was never shown.
  const transfers = new WeakMap();
  const transfer = ImageBitmapRenderingContext.prototype.transferFromImageBitmap;
  ImageBitmapRenderingContext.prototype.transferFromImageBitmap = function (bitmap) {
    const sized = bitmap?.width === width && bitmap?.height === height;
    transfer.call(this, bitmap);
    const canvas = this.canvas;
    const mark = (transfers.get(canvas) ?? 0) + 1;
    transfers.set(canvas, mark);
    if (sized) whenPainted(canvas, () => transfers.get(canvas) === mark);
  };
  // A video that plays a stream other than the camera's shows processed frames; only those are
  // read, so that a page showing the camera itself pays nothing for it.
  const watched = new WeakSet();
  const watch = (video) => {
    if (watched.has(video) || !(video.srcObject instanceof MediaStream) || cameras.has(video.srcObject)) return;
    watched.add(video);
    let presentedFrames = null;
    // Timed when the frame went to the compositor, as an image is when it is painted; frames
    // presented between two callbacks (several may be, at 60 fps) count as shown.
    const presented = (_, frame) => {
      const count = presentedFrames === null ? 1 : frame.presentedFrames - presentedFrames;
      presentedFrames = frame.presentedFrames;
      if (video.videoWidth > 0 && count > 0) note(drawnAt(video, video.videoWidth, video.videoHeight), frame.presentationTime, count);
      video.requestVideoFrameCallback(presented);
    };
    video.requestVideoFrameCallback(presented);
  };
  setInterval(() => document.querySelectorAll("video").forEach(watch), 100);
}

/**
 * Streams the stamped `camera` through a system's flip demo at `url` for `ms` milliseconds,
 * after a second of warm-up: output frames per second and each frame's camera-to-screen latency.
 * `system.startCamera(page)` starts the page's camera and its stream.
 */
export async function webcamRun(browser, system, camera, url, ms) {
  const context = await browser.newContext();
  await context.addInitScript(stampedCamera, { width: camera.width, height: camera.height, fps: camera.fps });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await system.startCamera(page);
    await page.waitForFunction(() => window.__frames.length > 0, null, { timeout: 30_000 });
    await sleep(1000);
    const frames = await page.evaluate(async (ms) => {
      window.__frames.length = 0;
      await new Promise((r) => setTimeout(r, ms));
      return window.__frames.slice();
    }, ms);
    const shown = frames.reduce((sum, frame) => sum + frame.count, 0);
    return { fps: shown / (ms / 1000), latencies: frames.map((f) => f.latencyMs).filter((ms) => ms !== null) };
  } finally {
    await context.close();
  }
}
