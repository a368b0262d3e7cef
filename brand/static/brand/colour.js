// The brand kit colour input (brand/widgets.py): swatch, picker and live WCAG contrast.
(function () {
  function lum(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function ratio(a, b) {
    var x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function verdict(r) {
    return r >= 4.5 ? "passes AA" : r >= 3 ? "AA for large text only" : "fails AA";
  }
  function update(box) {
    var text = box.querySelector("input[type=text]"), picker = box.querySelector("input[type=color]");
    var swatch = box.querySelector(".lm-colour__swatch"), out = box.querySelector(".lm-colour__contrast");
    var hex = text.value.trim();
    if (!/^#[0-9a-fA-F]{6}$/.test(hex)) { out.textContent = "Enter a colour as #RRGGBB."; return; }
    picker.value = hex.toLowerCase();
    swatch.style.background = hex;
    var against = JSON.parse(box.dataset.textColours || "[]");
    out.textContent = against.map(function (t) {
      var r = ratio(hex, t.hex);
      return "Against " + t.name + " (" + t.hex + "): " + r.toFixed(2) + ":1, " + verdict(r);
    }).join(" · ");
  }
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest(".lm-colour");
    if (!box) return;
    if (event.target.type === "color") box.querySelector("input[type=text]").value = event.target.value.toUpperCase();
    update(box);
  });
  function start() { document.querySelectorAll(".lm-colour").forEach(update); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
