// The body map of a safeguarding concern (templates/concerns/_body_map.html). A tap on the front
// or back outline adds a numbered mark there, with a row to describe it; "Add a mark on the
// front" adds one with no position, whose description says where. WTForms reads the rows as
// `<name>-0-…` to `<name>-(n-1)-…`, so every change numbers the rows again, without gaps, and
// draws the circles again from the rows: the two never disagree.
(() => {
  const rowsOf = (map) => [...map.querySelectorAll("[data-mark-list] > [data-mark-row]")];
  const fieldOf = (row, name) => row.querySelector(`[data-mark-field="${name}"]`);
  const descriptionOf = (row) => row.querySelector("textarea");

  /** A fraction of the outline's box as the form sends it: 0 to 1, up to 3 decimals. */
  function fraction(value) {
    return String(Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000);
  }

  /** The row's position as numbers, or null for a mark not placed on an outline. */
  function positionOf(row) {
    const x = Number.parseFloat(fieldOf(row, "x").value);
    const y = Number.parseFloat(fieldOf(row, "y").value);
    const inside = (value) => Number.isFinite(value) && value >= 0 && value <= 1;
    return inside(x) && inside(y) ? { x, y } : null;
  }

  /** Renames the row's fields, labels and descriptions from its old place to `index`. */
  function moveRow(map, row, index) {
    const from = row.dataset.index;
    const to = String(index);
    if (from !== to) {
      const renames = [
        ["name", map.dataset.name],
        ["id", map.dataset.id],
        ["for", map.dataset.id],
        ["aria-describedby", map.dataset.id],
      ];
      for (const element of [row, ...row.querySelectorAll("*")]) {
        for (const [attribute, prefix] of renames) {
          const value = element.getAttribute(attribute);
          if (value === null) continue;
          const moved = value.replaceAll(`${prefix}-${from}-`, `${prefix}-${to}-`);
          element.setAttribute(attribute, moved);
        }
      }
      row.dataset.index = to;
    }
    for (const number of row.querySelectorAll("[data-mark-number]")) number.textContent = index + 1;
  }

  /** A numbered circle at (x, y) in the outline's units: a copy of the one the server draws. */
  function circle(map, number, x, y) {
    const template = map.querySelector("[data-circle-template]");
    const mark = template.content.querySelector("[data-mark-circle]").cloneNode(true);
    for (const [attribute, value] of [["cx", x], ["cy", y], ["x", x], ["y", y]]) {
      mark.querySelector(`[${attribute}]`).setAttribute(attribute, value.toFixed(1));
    }
    mark.querySelector("text").textContent = number;
    return mark;
  }

  function draw(map) {
    const outlines = new Map();
    for (const svg of map.querySelectorAll("svg[data-side]")) {
      svg.querySelector("[data-marks]").replaceChildren();
      outlines.set(svg.dataset.side, svg);
    }
    rowsOf(map).forEach((row, index) => {
      const svg = outlines.get(fieldOf(row, "side").value);
      const position = positionOf(row);
      if (!svg || !position) return;
      const box = svg.viewBox.baseVal;
      const [x, y] = [position.x * box.width, position.y * box.height];
      svg.querySelector("[data-marks]").append(circle(map, index + 1, x, y));
    });
  }

  function full(map) {
    return rowsOf(map).length >= (Number(map.dataset.max) || Infinity);
  }

  function update(map) {
    rowsOf(map).forEach((row, index) => moveRow(map, row, index));
    draw(map);
    const notice = map.querySelector("[data-body-map-full]");
    if (notice) notice.hidden = !full(map);
  }

  function say(map, message) {
    map.querySelector("[data-body-map-status]").textContent = message;
  }

  /** Adds a mark on `side` at (x, y), given as the form sends them ("" for no position). */
  function add(map, side, x, y) {
    if (full(map)) {
      say(map, map.querySelector("[data-body-map-full]").textContent);
      return;
    }
    const template = map.querySelector("[data-mark-template]");
    const row = template.content.querySelector("[data-mark-row]").cloneNode(true);
    fieldOf(row, "side").value = side;
    fieldOf(row, "x").value = x;
    fieldOf(row, "y").value = y;
    row.querySelector("[data-mark-side-name]").textContent = side;
    const placed = x !== "" && y !== "";
    for (const hint of row.querySelectorAll("[data-hint]")) {
      if ((hint.dataset.hint === "placed") !== placed) hint.remove();
    }
    map.querySelector("[data-mark-list]").append(row);
    update(map);
    say(map, "");
    descriptionOf(row).focus();
  }

  function remove(map, row) {
    const index = rowsOf(map).indexOf(row);
    row.remove();
    update(map);
    const left = rowsOf(map);
    const later = index < left.length ? " The marks after it have new numbers." : "";
    say(map, `Mark ${index + 1} removed.${later}`);
    const next = left[index] ?? left[index - 1];
    (next ? descriptionOf(next) : map.querySelector("[data-add-mark]")).focus();
  }

  /** A tap or click on an outline: its point as fractions of the outline's box. */
  function tap(map, svg, event) {
    const box = svg.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const x = fraction((event.clientX - box.left) / box.width);
    const y = fraction((event.clientY - box.top) / box.height);
    add(map, svg.dataset.side, x, y);
  }

  function setUp(map) {
    for (const control of map.querySelectorAll("[data-body-map-js]")) control.hidden = false;
    for (const text of map.querySelectorAll("[data-body-map-no-script]")) text.hidden = true;
    map.addEventListener("click", (event) => {
      const adding = event.target.closest("[data-add-mark]");
      const removing = event.target.closest("[data-remove-mark]");
      const svg = event.target.closest("svg[data-side]");
      if (adding) add(map, adding.dataset.addMark, "", "");
      else if (removing) remove(map, removing.closest("[data-mark-row]"));
      else if (svg) tap(map, svg, event);
    });
    // Rows the server sent back (a refused form) get their circles.
    update(map);
  }

  // The maps of the page, and those a page swaps in later (a form sent back to correct).
  function setUpEach(root) {
    const selector = "[data-body-map]";
    const maps = root.matches(selector) ? [root] : root.querySelectorAll(selector);
    for (const map of maps) {
      if ("bodyMapReady" in map.dataset) continue;
      map.dataset.bodyMapReady = "";
      setUp(map);
    }
  }

  setUpEach(document.body);
  htmx.onLoad(setUpEach);
})();
