// Scan next point: read a location's QR label with the camera, or from a photo of it, and open
// its checklist. BarcodeDetector where the browser has one; otherwise the vendored jsQR, loaded
// only then. Every word shown comes from the page (#scanner-config), in the user's language.

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const text = config.text;
const root = document.getElementById("scanner");
const viewfinder = root.querySelector(".viewfinder");
const video = root.querySelector("video");
const statusLine = root.querySelector(".scan-status");
const message = root.querySelector(".scan-problem");
const messageText = root.querySelector(".scan-problem-text");
const retry = root.querySelector(".scan-retry");
const photoButton = root.querySelector(".scan-photo");
const photoInput = photoButton.querySelector("input");
const codeForm = root.querySelector(".scan-code");
const codeInput = codeForm.querySelector("input[name=code]");
const codeError = codeForm.querySelector(".error");

// Tokens are token_urlsafe(24) (32 characters); the database refuses fewer than 22.
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;
const SCAN_EVERY_MS = 120;
// jsQR reads frames scaled down to this side: quick on a phone, and a label a step away is
// still sharp. A photo is tried small first, then larger for a label far off in the picture.
const VIDEO_SIDE = 640;
const PHOTO_SIDES = [1024, 2048];
const WRONG_CODE_SHOWN_MS = 4000;

let stream = null;
let starting = false;
let cameraWanted = true; // false after a failure, until "Try the camera again"
let leaving = false;
let run = 0; // each camera start counts up, so a frame read for an older start is dropped
let timer = 0;
let wrongTimer = 0;
let decoderPromise = null;

/** The token of a SafeRound label's text, or null. A label carries PUBLIC_BASE_URL, whose host
 * may differ from the one this phone uses, so only the path before the token is checked. */
function labelToken(raw) {
  let url;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  for (const prefix of config.labelPrefixes) {
    if (url.pathname.startsWith(prefix)) {
      const token = url.pathname.slice(prefix.length).replace(/\/$/, "");
      if (TOKEN.test(token)) return token;
    }
  }
  return null;
}

function decoder() {
  decoderPromise ??= makeDecoder().catch((error) => {
    decoderPromise = null; // let a later try load it again
    throw error;
  });
  return decoderPromise;
}

/** A function (source, {photo}) → the texts of the QR codes it sees. */
async function makeDecoder() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (source) => (await detector.detect(source)).map((code) => code.rawValue);
      }
    } catch {
      // No usable detector: jsQR below.
    }
  }
  await loadScript(config.jsqr);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const read = (source, side, invert) => {
    const width = source.videoWidth || source.naturalWidth;
    const height = source.videoHeight || source.naturalHeight;
    const scale = Math.min(1, side / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(pixels.data, canvas.width, canvas.height,
      { inversionAttempts: invert ? "attemptBoth" : "dontInvert" });
    return code ? [code.data] : [];
  };
  return async (source, { photo = false } = {}) => {
    if (!photo) return read(source, VIDEO_SIDE, false);
    for (const side of PHOTO_SIDES) {
      const found = read(source, side, true);
      if (found.length) return found;
    }
    return [];
  };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

function showStatus(words) {
  statusLine.textContent = words || "";
  statusLine.hidden = !words;
}

function showMessage(words, { canRetry = false } = {}) {
  clearTimeout(wrongTimer);
  messageText.textContent = words;
  retry.hidden = !canRetry;
  message.hidden = false;
}

function hideMessage() {
  clearTimeout(wrongTimer);
  message.hidden = true;
}

function cameraProblem(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return [text.refused, true];
    case "NotFoundError":
    case "OverconstrainedError":
      return [text.absent, false];
    default:
      return [text.failed, true];
  }
}

async function startCamera() {
  if (stream || starting || leaving || !cameraWanted) return;
  if (!window.isSecureContext) return cameraFailed(text.insecure, false);
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return cameraFailed(text.absent, false);
  }
  starting = true;
  showStatus(text.starting);
  const decoding = decoder(); // jsQR loads while the camera starts
  decoding.catch(() => {}); // told below, once the camera has answered
  let decode;
  try {
    stream = await navigator.mediaDevices.getUserMedia(
      { video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    starting = false;
    return cameraFailed(...cameraProblem(error));
  }
  try {
    decode = await decoding;
  } catch {
    stopCamera();
    starting = false;
    return cameraFailed(text.noReader, true);
  }
  starting = false;
  if (document.hidden || leaving) return stopCamera();
  hideMessage();
  video.srcObject = stream;
  viewfinder.hidden = false;
  try {
    await video.play();
  } catch {
    // Autoplay of a muted, inline video is allowed; frames are read whatever play() says.
  }
  if (!stream) return; // hidden meanwhile
  showStatus(text.looking);
  scanFrames(decode, ++run);
}

function cameraFailed(words, canRetry) {
  cameraWanted = false;
  viewfinder.hidden = true;
  showStatus("");
  showMessage(words, { canRetry });
}

function stopCamera() {
  run += 1;
  clearTimeout(timer);
  if (stream) {
    for (const track of stream.getTracks()) track.stop();
    stream = null;
  }
  video.srcObject = null;
}

function scanFrames(decode, thisRun) {
  const tick = async () => {
    if (thisRun !== run || !stream) return;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      let texts = [];
      try {
        texts = await decode(video);
      } catch {
        // A frame that could not be read; the next one may.
      }
      if (thisRun !== run || found(texts)) return;
    }
    timer = setTimeout(tick, SCAN_EVERY_MS);
  };
  tick();
}

/** Opens the first SafeRound label among `texts` (true); otherwise says they are not one. */
function found(texts, { photo = false } = {}) {
  if (!texts.length) return false;
  for (const raw of texts) {
    const token = labelToken(raw);
    if (token) {
      leaving = true;
      stopCamera();
      if (navigator.vibrate) navigator.vibrate(80);
      hideMessage();
      showStatus(text.found);
      window.location.assign(
        config.scanUrl.replace(config.tokenPlaceholder, encodeURIComponent(token)));
      return true;
    }
  }
  showMessage(text.notOurs);
  // From the camera: shown while that code stays in view, then out of the way.
  if (!photo) wrongTimer = setTimeout(hideMessage, WRONG_CODE_SHOWN_MS);
  return false;
}

function loadImage(file) {
  const url = URL.createObjectURL(file);
  const image = new Image();
  image.src = url;
  return image.decode().then(() => image).finally(() => URL.revokeObjectURL(url));
}

async function readPhoto() {
  const file = photoInput.files[0];
  if (!file) return;
  hideMessage();
  showStatus(text.reading);
  let texts = null;
  let words = text.noCodeInPhoto;
  try {
    const [image, decode] = await Promise.all([
      loadImage(file).catch(() => Promise.reject(new Error("bad photo"))),
      decoder(),
    ]);
    texts = await decode(image, { photo: true });
  } catch (error) {
    words = error.message === "bad photo" ? text.badPhoto : text.noReader;
  }
  photoInput.value = ""; // the same picture may be chosen again
  showStatus(stream ? text.looking : "");
  if (texts && found(texts, { photo: true })) return;
  if (!texts || !texts.length) showMessage(words);
}

function openCode(event) {
  event.preventDefault();
  const code = codeInput.value.trim().toUpperCase();
  if (!code) {
    codeError.textContent = text.noCode;
    codeError.hidden = false;
    codeInput.closest(".field").classList.add("has-error");
    codeInput.focus();
    return;
  }
  leaving = true;
  stopCamera();
  // Straight to the checklist's own address, which the service worker keeps for offline use.
  window.location.assign(
    config.checklistUrl.replace(config.codePlaceholder, encodeURIComponent(code)));
}

photoButton.hidden = false;
photoInput.addEventListener("change", readPhoto);
codeForm.addEventListener("submit", openCode);
retry.addEventListener("click", () => {
  cameraWanted = true;
  hideMessage();
  startCamera();
});
// The camera is off while the page is hidden (another app, a locked phone, the photo camera).
document.addEventListener("visibilitychange", () => {
  if (document.hidden) stopCamera();
  else startCamera();
});
window.addEventListener("pagehide", stopCamera);
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  leaving = false; // back from the checklist: scan the next point
  showStatus("");
  if (!document.hidden) startCamera();
});
if (!document.hidden) startCamera();
