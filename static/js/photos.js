// Photo evidence: a chosen or taken photo is made smaller on the phone before it is sent,
// at most 1600 px on its longest side, as a JPEG. Drawing it on a canvas also leaves the
// camera's EXIF and GPS behind; the server strips them again in any case.
const LONGEST_SIDE = 1600;
const QUALITY = 0.85;

async function downscale(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  const name = `${file.name.replace(/\.[^.]*$/, "") || "photo"}.jpg`;
  return new File([blob], name, { type: "image/jpeg" });
}

async function prepare(input) {
  const form = input.form;
  const submit = form.querySelector("[data-photo-submit]");
  const file = input.files[0];
  if (!file) return;
  // The photo's own id: a replayed upload of the same photo is recognised by it.
  form.querySelector("[data-photo-uuid]").value = crypto.randomUUID ? crypto.randomUUID() : "";
  submit.disabled = true;
  try {
    const smaller = await downscale(file);
    const files = new DataTransfer();
    files.items.add(smaller);
    input.files = files.files;
  } catch {
    // A file this browser cannot read is sent as it is; the server says what is wrong with it.
  } finally {
    submit.disabled = false;
  }
}

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-photo-input]")) prepare(event.target);
});
