// The deal picker at download (portal/partials/deal_picker.html): filters the deals as you type.
// Without this script the Search button (also the form's Enter key) reloads the picker with the matches.
(function () {
  "use strict";
  function setUp(form) {
    const search = form.querySelector("[data-deal-search]");
    if (!search) return;
    const options = Array.from(form.querySelectorAll("[data-deal-option]"));
    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      options.forEach((option) => {
        const text = option.dataset.dealText || "";
        const match = words.every((word) => text.includes(word));
        option.hidden = !match;
        option.style.display = match ? "" : "none"; // .choice is display:flex, which [hidden] alone does not beat
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-deal-picker]").forEach(setUp);
  });
})();
