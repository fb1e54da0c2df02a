// Answers whose question reads like the title being typed, listed under the title field.
// The server scores them with the check that warns after a save; this asks 300 ms after each
// pause in typing, never when the page loads (after a save the warning is at the top already),
// except on a form shown again with errors, which was never saved. Links open in a new tab so
// the answer being written stays as it is.
"use strict";
(function () {
  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = text;
    return a;
  }

  function item(result) {
    const li = document.createElement("li");
    const how = result.same_title ? "same title" : `${result.similar}% similar`;
    li.append(
      "“",
      link(result.edit_url, result.title),
      `” by ${result.doctor} (${result.state}, ${how})`,
    );
    if (result.public_url) li.append(" · ", link(result.public_url, "see it live"));
    return li;
  }

  function setUp(wrapper) {
    const input = wrapper.querySelector("input");
    const output = wrapper.querySelector(".duplicate-check__results");
    let timer;
    let controller;

    function show(results) {
      if (!results.length) {
        output.replaceChildren();
        return;
      }
      const box = document.createElement("div");
      box.className = "duplicate-check__warning";
      const lead = document.createElement("p");
      lead.textContent = results.some((r) => r.same_title)
        ? "An answer with this title already exists:"
        : "This question looks very like:";
      const list = document.createElement("ul");
      list.append(...results.map(item));
      const advice = document.createElement("p");
      advice.textContent = "If it is the same question, consider improving that answer instead.";
      box.append(lead, list, advice);
      output.replaceChildren(box);
    }

    async function check() {
      if (controller) controller.abort();
      const title = input.value.trim();
      if (!title) {
        output.replaceChildren();
        return;
      }
      controller = new AbortController();
      const url = new URL(wrapper.dataset.similarUrl, window.location.href);
      url.searchParams.set("title", title);
      if (wrapper.dataset.exclude) url.searchParams.set("exclude", wrapper.dataset.exclude);
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (response.status === 429) {
          // Too many checks: keep what is shown and ask again when the server says.
          const seconds = Number(response.headers.get("Retry-After")) || 10;
          clearTimeout(timer);
          timer = setTimeout(check, seconds * 1000);
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        show((await response.json()).results);
      } catch (error) {
        // The check is a help, never a gate: when it fails, saving still works.
        if (error.name !== "AbortError") output.replaceChildren();
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    });
    if ("checkNow" in wrapper.dataset) check();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".duplicate-check").forEach(setUp);
  });
})();
