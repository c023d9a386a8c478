// "Copy link" beside a read-only field: shown only where the browser can copy; where copying
// is refused, the link is selected for the user to copy themselves.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (field && navigator.clipboard) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Link copied";
      } catch {
        field.select();
      }
    });
  }
}
