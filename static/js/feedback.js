// "Was this answer helpful?": sends the form in the background and puts the thank-you where
// the form was, announced by its live region. Without this script the form posts as usual.
"use strict";

document.querySelectorAll("form[data-feedback]").forEach((form) => {
  const status = form.querySelector(".feedback__status");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form, event.submitter);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    let reply;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "omit",
      });
      reply = await response.json();
    } catch {
      reply = { error: "Your feedback could not be sent; please try again." };
    }
    buttons.forEach((button) => { button.disabled = false; });
    if (reply.error) {
      status.textContent = reply.error;
      status.classList.add("feedback__error");
      return;
    }
    // The fields go; the question stays as the section's heading, and the live region
    // announces the thank-you.
    [...form.children]
      .filter((child) => child !== status && child.tagName !== "H2")
      .forEach((child) => child.remove());
    status.classList.remove("feedback__error");
    status.textContent = reply.message;
  });
});
