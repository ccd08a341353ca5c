// Font-size and high-contrast switches (R3.8). An external file, no inline script: the CSP forbids it.
(function () {
  "use strict";
  var root = document.documentElement;
  var steps = [1, 1.125, 1.25, 1.5, 1.75];
  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  var step = parseInt(load("zq-font-step", "0"), 10) || 0;
  var contrast = load("zq-contrast", "0") === "1";
  function apply() {
    step = Math.max(0, Math.min(steps.length - 1, step));
    root.style.setProperty("--font-scale", String(steps[step]));
    root.classList.toggle("high-contrast", contrast);
    var button = document.querySelector('[data-a11y="contrast"]');
    if (button) { button.setAttribute("aria-pressed", contrast ? "true" : "false"); }
  }
  apply();
  document.addEventListener("DOMContentLoaded", function () {
    apply();
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-a11y]") : null;
      if (!target) { return; }
      var action = target.getAttribute("data-a11y");
      if (action === "font-up") { step += 1; }
      else if (action === "font-down") { step -= 1; }
      else if (action === "font-reset") { step = 0; }
      else if (action === "contrast") { contrast = !contrast; save("zq-contrast", contrast ? "1" : "0"); }
      save("zq-font-step", String(Math.max(0, Math.min(steps.length - 1, step))));
      apply();
    });
  });
})();
