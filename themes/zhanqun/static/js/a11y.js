// Font-size and high-contrast switches, and the masthead's date (R3.8, issue 14). An external file, no inline
// script: the CSP forbids it. Loaded in <head> without defer, so the visitor's settings are on <html> before the
// body is parsed and painted (no flash). They live in one cookie on the cluster's parent domain, so a font step
// chosen on www.<domain> applies on every <unit>.<domain> too.
(function () {
  "use strict";
  var root = document.documentElement;
  var STEPS = 5; // html.zq-font-0 … zq-font-4 in site.css
  var NAME = "zq_a11y";
  var script = document.currentScript;
  var domain = script ? script.getAttribute("data-cookie-domain") || "" : "";

  function read() {
    var match = /(?:^|;\s*)zq_a11y=f([0-9])c([01])(?:;|$)/.exec(document.cookie);
    return match ? { step: parseInt(match[1], 10), contrast: match[2] === "1" } : { step: 0, contrast: false };
  }
  function write(state) {
    var host = window.location.hostname;
    var parts = [NAME + "=f" + state.step + "c" + (state.contrast ? "1" : "0"), "path=/", "max-age=31536000", "SameSite=Lax"];
    // On the cluster's own hosts the cookie is the parent domain's; on a preview (localhost, 127.0.0.1) the host's.
    if (domain && (host === domain || host.slice(-domain.length - 1) === "." + domain)) { parts.push("domain=." + domain); }
    if (window.location.protocol === "https:") { parts.push("Secure"); }
    document.cookie = parts.join("; ");
  }
  var state = read();
  function apply() {
    state.step = Math.max(0, Math.min(STEPS - 1, state.step));
    for (var i = 0; i < STEPS; i += 1) { root.classList.toggle("zq-font-" + i, i === state.step); }
    root.classList.toggle("high-contrast", state.contrast);
    var button = document.querySelector('[data-a11y="contrast"]');
    if (button) { button.setAttribute("aria-pressed", state.contrast ? "true" : "false"); }
  }
  apply();

  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];
  function showToday() {
    // A static page cannot know the day it is read: the visitor's clock says it; without script nothing shows.
    var slot = document.querySelector("[data-zq-today]");
    if (!slot) { return; }
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var time = document.createElement("time");
    time.setAttribute("datetime", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()));
    time.textContent = now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 星期" + WEEKDAYS[now.getDay()];
    slot.textContent = "今天是 ";
    slot.appendChild(time);
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply();
    showToday();
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-a11y]") : null;
      if (!target) { return; }
      var action = target.getAttribute("data-a11y");
      if (action === "font-up") { state.step += 1; }
      else if (action === "font-down") { state.step -= 1; }
      else if (action === "font-reset") { state.step = 0; }
      else if (action === "contrast") { state.contrast = !state.contrast; }
      apply();
      write(state);
    });
  });
})();
