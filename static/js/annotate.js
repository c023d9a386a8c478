// Marks on a photo before it is sent ([data-annotate], in the form of the photo input): arrows,
// circles and short labels drawn on the photo with a finger. The photo itself is sent unmarked;
// a marked copy goes beside it in [data-annotated-input], only while there are marks.
// The marks are a list, drawn again over the photo at every change: undo drops the last one.
// The editor opens on "photo:ready", which static/js/photos.js sends once the chosen photo has
// been made smaller, and closes, losing its marks, when another photo is chosen or none.
const QUALITY = 0.85;
const COLOUR = "#ffdd00"; // GOV.UK Frontend's yellow, edged in its black to read on any photo
const EDGE = "#0b0c0c";

const editors = new WeakMap();

/** Line width and label size in the photo's own pixels, in proportion to the photo's width. */
function sizesOf(canvas) {
  return {
    line: Math.max(4, canvas.width / 150),
    text: Math.max(16, Math.round(canvas.width / 20)),
  };
}

/** A path drawn twice, wide in black and then narrower in yellow over it. */
function strokeEdged(context, path, line) {
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = EDGE;
  context.lineWidth = line * 2;
  context.stroke(path);
  context.strokeStyle = COLOUR;
  context.lineWidth = line;
  context.stroke(path);
}

function arrow(context, { from, to }, { line }) {
  const path = new Path2D();
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const head = line * 5;
  path.moveTo(from.x, from.y);
  path.lineTo(to.x, to.y);
  for (const side of [-1, 1]) {
    const wing = angle + side * (Math.PI * 5) / 6;
    path.moveTo(to.x, to.y);
    path.lineTo(to.x + head * Math.cos(wing), to.y + head * Math.sin(wing));
  }
  strokeEdged(context, path, line);
}

function circle(context, { from, to }, { line }) {
  const path = new Path2D();
  path.arc(from.x, from.y, Math.hypot(to.x - from.x, to.y - from.y), 0, Math.PI * 2);
  strokeEdged(context, path, line);
}

/** Yellow text on a black box, centred where it was placed but kept inside the photo. */
function label(context, { to, text }, sizes) {
  const { width: photoWidth, height: photoHeight } = context.canvas;
  const boxWidth = (size) => {
    context.font = `bold ${size}px sans-serif`;
    return context.measureText(text).width + size * 0.6;
  };
  let size = sizes.text;
  let width = boxWidth(size);
  if (width > photoWidth) {
    size = Math.floor((size * photoWidth) / width);
    width = boxWidth(size);
  }
  const height = size * 1.4;
  const keep = (value, half, most) => Math.min(Math.max(value, half), most - half);
  const x = keep(to.x, width / 2, photoWidth);
  const y = keep(to.y, height / 2, photoHeight);
  context.textAlign = "center";
  context.textBaseline = "middle";
  context.fillStyle = EDGE;
  context.fillRect(x - width / 2, y - height / 2, width, height);
  context.fillStyle = COLOUR;
  context.fillText(text, x, y);
}

const DRAW = { arrow, circle, label };

function redraw(editor) {
  const state = editors.get(editor);
  const canvas = editor.querySelector("[data-annotate-canvas]");
  const context = canvas.getContext("2d");
  const sizes = sizesOf(canvas);
  context.drawImage(state.photo, 0, 0);
  for (const mark of state.draft ? [...state.marks, state.draft] : state.marks) {
    DRAW[mark.tool](context, mark, sizes);
  }
}

/** The photo's form keeps its "Add photo" button from sending a marked copy still being made. */
function exporting(editor, change) {
  const state = editors.get(editor);
  state.exporting += change;
  const submit = editor.closest("form")?.querySelector("[data-photo-submit]");
  if (submit) submit.disabled = state.exporting > 0;
}

/** Puts the marked photo in the annotated input, or empties it when there are no marks. */
function save(editor) {
  const state = editors.get(editor);
  const input = editor.querySelector("[data-annotated-input]");
  const version = ++state.version;
  if (!state.marks.length) {
    input.value = "";
    return;
  }
  exporting(editor, 1);
  editor.querySelector("[data-annotate-canvas]").toBlob(
    (blob) => {
      exporting(editor, -1);
      if (version !== state.version || !blob) return;
      const files = new DataTransfer();
      files.items.add(new File([blob], `${state.name}-annotated.jpg`, { type: "image/jpeg" }));
      input.files = files.files;
    },
    "image/jpeg",
    QUALITY,
  );
}

function closeEditor(editor) {
  const state = editors.get(editor);
  editor.hidden = true;
  editor.querySelector("[data-annotated-input]").value = "";
  if (!state) return;
  state.loading += 1;
  state.version += 1;
  state.marks = [];
  state.draft = null;
  state.pointer = null;
  state.photo?.close();
  state.photo = null;
}

function toolOf(editor) {
  return editor.querySelector('[data-annotate-tool][aria-pressed="true"]')?.dataset.annotateTool ?? "arrow";
}

/** The pointer's place in the photo's own pixels, however wide the page shows it. */
function pointOf(canvas, event) {
  const box = canvas.getBoundingClientRect();
  const inside = (value, most) => Math.min(Math.max(value, 0), most);
  return {
    x: inside(((event.clientX - box.left) * canvas.width) / box.width, canvas.width),
    y: inside(((event.clientY - box.top) * canvas.height) / box.height, canvas.height),
  };
}

function setUp(editor) {
  const state = {
    photo: null,
    name: "photo",
    marks: [],
    draft: null,
    pointer: null,
    // Counted up when a photo is opened or closed, and at every change to the marks: a photo
    // read or a copy made for an older state is not used.
    loading: 0,
    version: 0,
    exporting: 0,
  };
  editors.set(editor, state);
  const canvas = editor.querySelector("[data-annotate-canvas]");
  const text = editor.querySelector("[data-annotate-label-text]");
  canvas.style.width = "100%";
  canvas.style.height = "auto";
  canvas.style.touchAction = "none";

  canvas.addEventListener("pointerdown", (event) => {
    if (!state.photo || state.pointer !== null || event.button !== 0) return;
    event.preventDefault();
    const tool = toolOf(editor);
    const words = text.value.trim();
    if (tool === "label" && !words) {
      text.focus();
      return;
    }
    state.pointer = event.pointerId;
    canvas.setPointerCapture(event.pointerId);
    const point = pointOf(canvas, event);
    state.draft = { tool, from: point, to: point, text: words };
    redraw(editor);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (event.pointerId !== state.pointer) return;
    state.draft.to = pointOf(canvas, event);
    redraw(editor);
  });
  canvas.addEventListener("pointerup", (event) => {
    if (event.pointerId !== state.pointer) return;
    const mark = state.draft;
    state.pointer = null;
    state.draft = null;
    // A tap with the arrow or the circle draws nothing: too small to see, and easy to make.
    const length = Math.hypot(mark.to.x - mark.from.x, mark.to.y - mark.from.y);
    if (mark.tool === "label" || length >= sizesOf(canvas).line * 2) state.marks.push(mark);
    redraw(editor);
    save(editor);
  });
  canvas.addEventListener("pointercancel", (event) => {
    if (event.pointerId !== state.pointer) return;
    state.pointer = null;
    state.draft = null;
    redraw(editor);
  });

  editor.addEventListener("click", (event) => {
    const tool = event.target.closest("[data-annotate-tool]");
    if (tool) {
      for (const button of editor.querySelectorAll("[data-annotate-tool]")) {
        button.setAttribute("aria-pressed", String(button === tool));
      }
    } else if (event.target.closest("[data-annotate-undo]") && state.marks.length && !state.draft) {
      state.marks.pop();
      redraw(editor);
      save(editor);
    }
  });
  return state;
}

function editorOf(input) {
  return input.form?.querySelector("[data-annotate]") ?? null;
}

async function openEditor(editor, file) {
  const state = editors.get(editor) ?? setUp(editor);
  closeEditor(editor);
  const loading = state.loading;
  let photo;
  try {
    photo = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    // A photo this browser cannot read is sent without marks.
    return;
  }
  if (loading !== state.loading) {
    photo.close();
    return;
  }
  const canvas = editor.querySelector("[data-annotate-canvas]");
  canvas.width = photo.width;
  canvas.height = photo.height;
  state.photo = photo;
  state.name = file.name.replace(/\.[^.]*$/, "") || "photo";
  redraw(editor);
  editor.hidden = false;
}

document.addEventListener("photo:ready", (event) => {
  const input = event.target;
  if (!input.matches("[data-photo-input]")) return;
  const editor = editorOf(input);
  const file = event.detail?.file ?? input.files[0];
  if (editor && file) openEditor(editor, file);
});

// Another photo chosen, or the choice undone: the marks were on the photo that went.
document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-photo-input]")) return;
  const editor = editorOf(event.target);
  if (editor) closeEditor(editor);
});

// "Continue without the photo" empties the photo input from photos.js, with no change event.
document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-photo-discard]")) return;
  setTimeout(() => {
    for (const input of document.querySelectorAll("[data-photo-input]")) {
      const editor = editorOf(input);
      if (editor && !input.files.length) closeEditor(editor);
    }
  });
});
