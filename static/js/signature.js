// Signature pads ([data-signature]): a finger, pen or mouse signs on the canvas, and the hidden
// input carries the signature to the server as a PNG data URL, black on white. A form sent back
// to correct shows the signature it was sent with, drawn again from that input.
const PNG = "data:image/png;base64,";
const LINE_WIDTH = 3;
const INK = "#000000";
const PAPER = "#ffffff";

const ready = new WeakSet();

function blank(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = PAPER;
  context.fillRect(0, 0, canvas.width, canvas.height);
}

/** The pointer's place in the canvas's own pixels, however wide the page shows it. */
function pointOf(canvas, event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - box.left) * canvas.width) / box.width,
    y: ((event.clientY - box.top) * canvas.height) / box.height,
  };
}

async function restore(canvas, value) {
  const saved = value.value;
  if (!saved.startsWith(PNG)) return;
  const image = new Image();
  image.src = saved;
  let shown = true;
  try {
    await image.decode();
  } catch {
    shown = false;
  }
  // Signed again or cleared while the image was read: the new signature stands.
  if (value.value !== saved) return;
  if (shown) canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  // What the pad shows is what is sent: a signature that cannot be shown is not sent either.
  else value.value = "";
}

function setUp(pad) {
  const canvas = pad.querySelector("[data-signature-canvas]");
  const value = pad.querySelector("[data-signature-value]");
  const context = canvas.getContext("2d");
  canvas.style.width = "100%";
  canvas.style.height = "auto";
  canvas.style.touchAction = "none";
  blank(canvas);

  // One finger signs at a time: a second touching the pad meanwhile is ignored.
  let pointer = null;
  let last = null;

  function lineTo(point) {
    context.strokeStyle = INK;
    context.lineWidth = LINE_WIDTH;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(point.x, point.y);
    context.stroke();
    last = point;
  }

  function end(event) {
    if (event.pointerId !== pointer) return;
    pointer = null;
    value.value = canvas.toDataURL("image/png");
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (pointer !== null || event.button !== 0) return;
    event.preventDefault();
    pointer = event.pointerId;
    canvas.setPointerCapture(pointer);
    last = pointOf(canvas, event);
    // A tap leaves a dot, as a pen would: the dot of an i, a full stop.
    lineTo(last);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (event.pointerId !== pointer) return;
    const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const move of moves.length ? moves : [event]) lineTo(pointOf(canvas, move));
  });
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  pad.querySelector("[data-signature-clear]").addEventListener("click", () => {
    blank(canvas);
    value.value = "";
  });

  restore(canvas, value);
}

// The pads of the page, and those htmx swaps in later (a form sent back to correct).
function setUpEach(root) {
  const selector = "[data-signature]";
  const pads = root.matches(selector) ? [root] : root.querySelectorAll(selector);
  for (const pad of pads) {
    if (ready.has(pad)) continue;
    ready.add(pad);
    setUp(pad);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => setUpEach(document.body));
} else {
  setUpEach(document.body);
}
document.addEventListener("htmx:load", (event) => setUpEach(event.target));
