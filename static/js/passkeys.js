// Passkeys: a button marked data-passkey asks the server for a ceremony's options, lets the
// phone's own lock (fingerprint, face or PIN) answer, and posts the answer back. "create"
// adds a passkey (its name from the field named by data-passkey-name); "get" signs in or
// unlocks with one. The server answers with where to go next. A browser without passkeys
// never sees the buttons.

const supported =
  window.PublicKeyCredential &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

async function post(url, button, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": button.dataset.csrfToken },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error);
  return answer;
}

async function ceremony(button) {
  const options = await post(button.dataset.optionsUrl, button);
  if (button.dataset.passkey === "create") {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    const credential = await navigator.credentials.create({ publicKey });
    const name = document.getElementById(button.dataset.passkeyName).value;
    return post(button.dataset.url, button, { credential: credential.toJSON(), name });
  }
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  const credential = await navigator.credentials.get({ publicKey });
  return post(button.dataset.url, button, { credential: credential.toJSON() });
}

for (const button of document.querySelectorAll("[data-passkey]")) {
  const container = button.closest("[data-passkey-panel]");
  const message = container.querySelector("[data-passkey-error]");
  if (!supported) continue;
  container.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    message.hidden = true;
    try {
      const answer = await ceremony(button);
      window.location.assign(answer.redirect);
    } catch (error) {
      message.textContent =
        error.name === "NotAllowedError"
          ? "The passkey was not used. Try again, or use a code."
          : error.message || "The passkey did not work. Try again, or use a code.";
      message.hidden = false;
      button.disabled = false;
    }
  });
}
