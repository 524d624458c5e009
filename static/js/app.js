// Behaviour the templates ask for with data- attributes. It lives here, not in onsubmit= or
// <script> in the markup, because the Content-Security-Policy runs no inline script.

// <form data-confirm="Question?">: the form is sent only if the person confirms. (Forms sent by
// htmx use hx-confirm instead.)
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) event.preventDefault();
});
