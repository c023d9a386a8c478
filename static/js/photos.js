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
    // static/js/annotate.js opens its editor on the photo as it will be sent.
    input.dispatchEvent(new CustomEvent("photo:ready", { bubbles: true, detail: { file: smaller } }));
  } catch {
    // A file this browser cannot read is sent as it is; the server says what is wrong with it.
  } finally {
    submit.disabled = false;
  }
}

document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-photo-input]")) return;
  delete event.target.form.dataset.photoSent;
  prepare(event.target);
});

// A photo chosen but not added would be lost without a word when the answer is saved or the
// page is left. Instead the page says so, as a form's error would, and offers to go on
// without it; "Add photo" adds it as ever. Listening on the window, before the outbox and
// htmx hear of the submission or the tap.
let interrupted = null;

function photoForm() {
  return document.querySelector("[data-photo-form]");
}

function notAdded() {
  const form = photoForm();
  if (!form || form.dataset.photoSent) return false;
  return form.querySelector("[data-photo-input]").files.length > 0;
}

function showNotAdded(form, resume) {
  interrupted = resume;
  form.querySelector("[data-photo-group]").classList.add("govuk-form-group--error");
  for (const part of form.querySelectorAll("[data-photo-not-added]")) part.hidden = false;
  const input = form.querySelector("[data-photo-input]");
  input.setAttribute("aria-describedby", `${describedBy(input)} photo-not-added`);
  document.querySelector("[data-photo-not-added-summary]")?.remove();
  const summary = document.getElementById("photo-not-added-summary").content.firstElementChild;
  const shown = summary.cloneNode(true);
  document.querySelector("main").prepend(shown);
  shown.focus();
}

function clearNotAdded() {
  interrupted = null;
  document.querySelector("[data-photo-not-added-summary]")?.remove();
  const form = photoForm();
  if (!form) return;
  if (!form.querySelector("#photo-error")) {
    form.querySelector("[data-photo-group]").classList.remove("govuk-form-group--error");
  }
  for (const part of form.querySelectorAll("[data-photo-not-added]")) part.hidden = true;
  const input = form.querySelector("[data-photo-input]");
  input.setAttribute("aria-describedby", describedBy(input));
}

// The input's own description, without the message about a photo not added.
function describedBy(input) {
  return input.getAttribute("aria-describedby").replace(" photo-not-added", "");
}

addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (form.matches("[data-photo-form]")) {
      form.dataset.photoSent = "true";
      clearNotAdded();
      return;
    }
    if (!notAdded()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const submitter = event.submitter?.form === form ? event.submitter : null;
    showNotAdded(photoForm(), () => form.requestSubmit(submitter));
  },
  true,
);

addEventListener(
  "click",
  (event) => {
    const link = event.target.closest("a[href]");
    if (!link || !notAdded() || link.getAttribute("href").startsWith("#")) return;
    if (link.target || link.hasAttribute("download")) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    showNotAdded(photoForm(), () => location.assign(link.href));
  },
  true,
);

document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-photo-discard]")) return;
  const resume = interrupted;
  photoForm().querySelector("[data-photo-input]").value = "";
  clearNotAdded();
  if (resume) resume();
});
