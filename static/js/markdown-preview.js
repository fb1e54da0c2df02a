// The article body beside a live preview. The server renders and sanitizes the preview with
// the same code that renders the page on save, so what editors see is what readers get.
"use strict";
(function () {
  function setUp(editor) {
    const textarea = editor.querySelector("textarea");
    const output = editor.querySelector(".markdown-preview__body");
    const token = textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    let timer;
    let controller;

    async function refresh() {
      if (controller) controller.abort();
      controller = new AbortController();
      const body = new FormData();
      body.append("body", textarea.value);
      try {
        const response = await fetch(editor.dataset.previewUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": token.value },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (response.status === 400 || response.status === 429) {
          // A body past the limits, or too many previews: the server says why, as text.
          output.textContent = (await response.json()).error;
          if (response.status === 429) {
            const seconds = Number(response.headers.get("Retry-After")) || 10;
            clearTimeout(timer);
            timer = setTimeout(refresh, seconds * 1000);
          }
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        output.innerHTML = (await response.json()).html; // sanitized by the server (nh3)
      } catch (error) {
        if (error.name !== "AbortError") {
          output.textContent = "The preview is not available right now; saving still works.";
        }
      }
    }

    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".markdown-editor").forEach(setUp);
  });
})();
