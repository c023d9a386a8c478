// The emergency steps come first on the page the moment someone says the child is in
// immediate danger (templates/safeguarding/_emergency.html).
(function () {
  "use strict";

  const form = document.querySelector("[data-concern-form]");
  const steps = document.getElementById("emergency");
  if (!form || !steps) return;

  form.addEventListener("change", (event) => {
    if (event.target.name !== "immediate_danger") return;
    const inDanger = event.target.value === "yes";
    steps.hidden = !inDanger;
    if (inDanger) {
      steps.setAttribute("tabindex", "-1");
      steps.scrollIntoView({ block: "start" });
      steps.focus({ preventScroll: true });
    }
  });
})();
