// Suggestions for the comma-separated tag field, from the tags already in use, most used
// first. Without JavaScript the field is a plain text input that works the same.
"use strict";
(function () {
  function setUp(wrapper) {
    const input = wrapper.querySelector("input");
    const list = wrapper.querySelector("[role=listbox]");
    let options = [];
    let active = -1;
    let controller;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    const parts = () => input.value.split(",");
    const typed = () => parts()[parts().length - 1].trim();
    const chosen = () => parts().slice(0, -1).map((p) => p.trim().toLowerCase());

    function close() {
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    }

    function pick(name) {
      const kept = parts().slice(0, -1).map((p) => p.trim()).filter(Boolean);
      input.value = [...kept, name].join(", ") + ", ";
      close();
      input.focus();
    }

    async function suggest() {
      const term = typed();
      if (!term) return close();
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = `${wrapper.dataset.suggestionsUrl}?q=${encodeURIComponent(term)}`;
        const response = await fetch(url, { credentials: "same-origin", signal: controller.signal });
        if (!response.ok) return close();
        const taken = chosen();
        const results = (await response.json()).results.filter(
          (tag) => !taken.includes(tag.name.toLowerCase()),
        );
        close();
        results.forEach((tag, i) => {
          const option = document.createElement("li");
          option.id = `${list.id}_${i}`;
          option.setAttribute("role", "option");
          option.dataset.name = tag.name;
          option.textContent = tag.name;
          const count = document.createElement("span");
          count.className = "tag-autocomplete__count";
          count.textContent = ` ${tag.count}`;
          option.append(count);
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            pick(tag.name);
          });
          list.append(option);
          options.push(option);
        });
        if (options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    input.addEventListener("input", suggest);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(options[active].dataset.name);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".tag-autocomplete").forEach(setUp);
  });
})();
