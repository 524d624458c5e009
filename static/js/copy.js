// <button data-copy="#field" data-copied="Link copied" hidden>: copies the field's text. The
// button is hidden in the markup and shown here, so a page without script shows none that
// cannot work (the field is still there to select). Loaded by the pages that need it; no
// inline script, because of the Content-Security-Policy.

document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.hidden = false;
});

document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element && event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy"); // older browsers, or clipboard permission refused
  }
  const status = document.querySelector("[data-copy-status]");
  if (status) status.textContent = button.dataset.copied || "";
});
