// Progressive enhancements; every page reads fully without them.
(function () {
  "use strict";

  // Reading modes for older readers — larger text, high contrast — each remembered on this
  // device (in localStorage, never a cookie) and put on every page by the line in its head
  // before it is drawn. Without JavaScript the buttons stay hidden and the pages read as
  // they are.
  var html = document.documentElement;
  function mode(selector, cls, key) {
    var button = document.querySelector(selector);
    if (!button) return;
    function show() {
      button.setAttribute("aria-pressed", html.classList.contains(cls) ? "true" : "false");
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var on = !html.classList.contains(cls);
      html.classList.toggle(cls, on);
      show();
      try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) { /* storage off: this page only */ }
    });
  }
  mode(".text-size", "large-text", "gongkai-large-text");
  mode(".contrast", "high-contrast", "gongkai-contrast");

  // The project list: sort by any column, filter by category, status and text; the state is
  // kept in the address so that it can be shared.
  var table = document.querySelector("table.projects");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var params = new URLSearchParams(location.search);
  var state = {
    category: params.get("category") || "",
    status: params.get("status") || "",
    q: params.get("q") || "",
    sort: params.get("sort") || "",
    dir: params.get("dir") === "desc" ? "desc" : "asc"
  };
  var keys = ["name", "category", "contractor", "funding", "disbursed", "deadline", "percent", "status", "published"];
  var numeric = { funding: true, disbursed: true, percent: true };

  function options(attr, labelAttr) {
    var seen = {};
    rows.forEach(function (r) { seen[r.dataset[attr]] = r.dataset[labelAttr]; });
    return Object.keys(seen).map(function (k) { return [k, seen[k]]; });
  }
  function select(id, label, all, opts, value) {
    var wrap = document.createElement("div");
    var l = document.createElement("label");
    l.htmlFor = id;
    l.textContent = label;
    var s = document.createElement("select");
    s.id = id;
    [["", all]].concat(opts).forEach(function (o) {
      var op = document.createElement("option");
      op.value = o[0];
      op.textContent = o[1];
      if (o[0] === value) op.selected = true;
      s.appendChild(op);
    });
    wrap.appendChild(l);
    wrap.appendChild(s);
    return [wrap, s];
  }
  var form = document.createElement("form");
  form.className = "list-filters";
  form.setAttribute("role", "search");
  form.setAttribute("aria-label", "筛选项目");
  var cat = select("f-category", "项目板块", "全部板块", options("category", "categoryLabel"), state.category);
  var st = select("f-status", "状态", "全部状态", options("status", "statusLabel"), state.status);
  var qWrap = document.createElement("div");
  var ql = document.createElement("label");
  ql.htmlFor = "f-q";
  ql.textContent = "项目或承办单位";
  var qi = document.createElement("input");
  qi.type = "search";
  qi.id = "f-q";
  qi.value = state.q;
  qWrap.appendChild(ql);
  qWrap.appendChild(qi);
  form.appendChild(cat[0]);
  form.appendChild(st[0]);
  form.appendChild(qWrap);
  var count = document.createElement("p");
  count.className = "list-count";
  count.setAttribute("aria-live", "polite");
  table.parentNode.parentNode.insertBefore(form, table.parentNode);
  table.parentNode.parentNode.insertBefore(count, table.parentNode);

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, i) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sort";
    b.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(b);
    b.addEventListener("click", function () {
      state.dir = state.sort === keys[i] && state.dir === "asc" ? "desc" : "asc";
      state.sort = keys[i];
      apply();
    });
  });

  function apply() {
    state.category = cat[1].value;
    state.status = st[1].value;
    state.q = qi.value.trim();
    var needle = state.q.toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!state.category || r.dataset.category === state.category) &&
        (!state.status || r.dataset.status === state.status) &&
        (!needle || (r.dataset.name + " " + r.dataset.contractor + " " + r.dataset.id + " " + r.dataset.number).toLowerCase().indexOf(needle) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    if (state.sort) {
      var k = state.sort;
      var sign = state.dir === "desc" ? -1 : 1;
      var sorted = rows.slice().sort(function (a, b) {
        var x = a.dataset[k] || "", y = b.dataset[k] || "";
        if (numeric[k]) { x = x === "" ? -1 : parseFloat(x); y = y === "" ? -1 : parseFloat(y); }
        var c = numeric[k] ? x - y : x.localeCompare(y, "zh-CN");
        return sign * c || rows.indexOf(a) - rows.indexOf(b);
      });
      sorted.forEach(function (r) { tbody.appendChild(r); });
    }
    heads.forEach(function (th, i) {
      if (keys[i] === state.sort) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 个项目";
    var p = new URLSearchParams();
    ["category", "status", "q", "sort"].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.sort && state.dir === "desc") p.set("dir", "desc");
    var qs = p.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
