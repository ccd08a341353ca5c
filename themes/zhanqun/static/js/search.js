// The search results page /sousuo/ (R3.7, issue 14). An external file, no inline script and no inline style:
// the CSP forbids both, so Pagefind's own UI (which injects styles) is not used. Pagefind's JS API searches this
// site's bundle /pagefind/ and, on the portal, merges every other site's bundle (data-merge: their canonical
// https://<host>/pagefind/ addresses) into one 统一检索 whose results link to their own host. The query, the
// unit and column-type filters and the sort are read from the address, so the masthead form works as a plain GET.
// Results are built with DOM methods only: an excerpt is text with <mark> around the words found, and nothing
// from the index is ever assigned as HTML.
(function () {
  "use strict";
  var app = document.querySelector(".search-app");
  if (!app) { return; }
  var status = app.querySelector(".search-status");
  var list = app.querySelector(".search-results");
  var more = app.querySelector(".search-more");
  var form = document.querySelector(".search-page-form");
  var params = new URLSearchParams(window.location.search);
  var fields = { q: "search-q", unit: "search-unit", type: "search-type", sort: "search-sort" };
  var PAGE = 10;
  var pagefind = null;
  var results = [];
  var shown = 0;
  var run = 0;

  function field(name) { return document.getElementById(fields[name]); }
  function value(name) { var el = field(name); return el ? el.value.trim() : ""; }

  Object.keys(fields).forEach(function (name) {
    var el = field(name);
    if (el && params.get(name)) { el.value = params.get(name); }
  });
  var masthead = document.getElementById("site-search-q");
  if (masthead && params.get("q")) { masthead.value = params.get("q"); }

  // On the deployed portal only: a local preview (zhanqun serve) has no other hosts to merge.
  function merged() {
    if (window.location.hostname !== app.getAttribute("data-host")) { return []; }
    return (app.getAttribute("data-merge") || "").split(/\s+/).filter(Boolean);
  }

  function load() {
    if (!pagefind) {
      pagefind = import(app.getAttribute("data-bundle") + "pagefind.js").then(async function (pf) {
        await pf.options({ excerptLength: 40 });
        for (var url of merged()) {
          try { await pf.mergeIndex(url); } catch (e) { /* a site that cannot be reached is left out */ }
        }
        return pf;
      });
    }
    return pagefind;
  }

  function decode(text) {
    var named = { lt: "<", gt: ">", quot: "\"", amp: "&", "#39": "'", "#x27": "'" };
    return text.replace(/&(lt|gt|quot|amp|#39|#x27);/g, function (_, name) { return named[name]; });
  }

  // "…<mark>乡村振兴</mark>示范村…" as text nodes and <mark> elements.
  function excerpt(html, into) {
    var inMark = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      if (!part) { return; }
      var text = document.createTextNode(decode(part.replace(/<[^>]*>/g, "")));
      if (inMark) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        into.appendChild(mark);
      } else {
        into.appendChild(text);
      }
    });
  }

  function entry(data) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "search-title";
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(link);
    var info = [];
    if (data.meta && data.meta.unit) { info.push(data.meta.unit); }
    if (data.meta && data.meta.date) { info.push(data.meta.date.slice(0, 10)); }
    if (info.length) {
      var meta = document.createElement("p");
      meta.className = "search-meta";
      meta.textContent = info.join(" · ");
      li.appendChild(meta);
    }
    var text = document.createElement("p");
    text.className = "search-excerpt";
    excerpt(data.excerpt || "", text);
    li.appendChild(text);
    return li;
  }

  async function showMore(token) {
    var batch = results.slice(shown, shown + PAGE);
    var data = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (token !== run) { return; }
    shown += batch.length;
    data.forEach(function (d) { list.appendChild(entry(d)); });
    more.hidden = shown >= results.length;
  }

  async function search() {
    var token = ++run;
    var query = value("q");
    list.replaceChildren();
    more.hidden = true;
    results = [];
    shown = 0;
    if (!query) { status.textContent = "请输入要搜索的词语。"; return; }
    status.textContent = "正在搜索……";
    try {
      var pf = await Promise.race([load(), new Promise(function (_, reject) {
        window.setTimeout(function () { reject(new Error("timeout")); }, 20000);
      })]);
      var filters = {};
      if (value("unit")) { filters.unit = value("unit"); }
      if (value("type")) { filters.column_type = value("type"); }
      var options = { filters: filters };
      if (value("sort") === "date") { options.sort = { date: "desc" }; }
      var found = await Promise.race([pf.search(query, options), new Promise(function (_, reject) {
        window.setTimeout(function () { reject(new Error("timeout")); }, 20000);  // a blocked worker never answers
      })]);
      if (token !== run) { return; }
      results = found.results;
      status.textContent = results.length ? "共找到 " + results.length + " 条结果" : "没有找到与“" + query + "”相关的内容。";
      await showMore(token);
    } catch (e) {
      if (token === run) { status.textContent = "搜索暂时无法使用，请稍后再试。"; }
    }
  }

  // A filter or the sort changes the results in place and the address with them (back and shared links work).
  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.tagName !== "SELECT") { return; }
      var next = new URLSearchParams();
      Object.keys(fields).forEach(function (name) { if (value(name)) { next.set(name, value(name)); } });
      window.history.replaceState(null, "", "?" + next.toString());
      search();
    });
  }
  more.addEventListener("click", function () { showMore(run); });
  search();
})();
