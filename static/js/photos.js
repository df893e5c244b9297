// Shrinking a camera photo in the browser before it is queued: upright, at most 2048 px on its
// longest side, JPEG at quality 0.8 (a phone's 4–8 MB photo becomes a few hundred KB).
const MAX_SIDE = 2048;
const QUALITY = 0.8;

export async function shrinkPhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  let blob;
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    blob = await canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  } else {
    const canvas = Object.assign(document.createElement("canvas"), { width, height });
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  }
  bitmap.close();
  // The canvas drops the EXIF time: the file's own date stands in for when it was taken.
  return { blob, width, height, takenAt: new Date(file.lastModified || Date.now()).toISOString() };
}
