// Filter forms (form[data-filters], explorer/includes/filter_form.html):
// - submit only the filters that are set, so that URLs carry no empty
//   parameters (empty controls are disabled for the submission);
// - fill the <datalist> of each input[data-lookup] with suggestions from its
//   JSON lookup ({"results": [{"value", "label"}]}) as the user types.
(function () {
  "use strict";
  const DELAY_MS = 150;
  const MIN_LENGTH = 3; // explorer/views/lookups.py

  function isEmpty(control) {
    if (!control.name || control.disabled) return false;
    if (control.type === "checkbox" || control.type === "radio") return false;
    if (control.tagName === "SELECT" && control.multiple) {
      return control.selectedOptions.length === 0;
    }
    return typeof control.value === "string" && control.value.trim() === "";
  }

  for (const form of document.querySelectorAll("form[data-filters]")) {
    form.addEventListener("submit", function () {
      for (const control of form.elements) {
        if (isEmpty(control)) {
          control.disabled = true;
          control.dataset.emptyOnSubmit = "";
        }
      }
    });
  }

  // Coming back to the page (back button, bfcache) must find the form usable.
  window.addEventListener("pageshow", function () {
    for (const control of document.querySelectorAll("[data-empty-on-submit]")) {
      control.disabled = false;
      delete control.dataset.emptyOnSubmit;
    }
  });

  function fill(list, results) {
    list.replaceChildren(
      ...results.map(function (result) {
        const option = document.createElement("option");
        option.value = result.value;
        if (result.label) option.label = result.label;
        return option;
      })
    );
  }

  for (const input of document.querySelectorAll("input[data-lookup]")) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) continue;
    let timer = null;
    let asked = "";
    let controller = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const text = input.value.trim();
        if (text.length < MIN_LENGTH || text === asked) return;
        asked = text;
        if (controller) controller.abort();
        controller = new AbortController();
        const url = new URL(input.dataset.lookup, window.location.href);
        url.searchParams.set("q", text);
        try {
          const response = await fetch(url, {
            headers: { Accept: "application/json" },
            signal: controller.signal,
          });
          if (!response.ok) return;
          const data = await response.json();
          // The user may have typed on while the answer was on its way.
          if (input.value.trim() === text) fill(list, data.results || []);
        } catch (error) {
          // Aborted or offline: the input still works without suggestions.
          asked = "";
        }
      }, DELAY_MS);
    });
  }
})();
