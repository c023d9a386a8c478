// A "Print" button on printable pages; without JavaScript the browser's own print works.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
