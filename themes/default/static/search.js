// Search in the browser over the static index in search/ (built by gongkai: see
// src/render/search.rs, whose tokenisation this mirrors).
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var box = document.getElementById("q");
  var out = document.getElementById("search-results");
  if (!form || !box || !out) return;
  var base = "../search/";
  var root = "../";
  var han = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  function fnv(s) {
    var h = 0x811c9dc5;
    var bytes = new TextEncoder().encode(s);
    for (var i = 0; i < bytes.length; i++) {
      h = (h ^ bytes[i]) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  // Query tokens: pairs of Han characters (a single character alone), Latin words.
  function tokens(q) {
    var out = [];
    var chars = Array.from(q.toLowerCase());
    var run = [];
    var word = "";
    function flushRun() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    function flushWord() {
      var w = word.replace(/^-+|-+$/g, "");
      if (w) out.push(w);
      word = "";
    }
    chars.forEach(function (c) {
      if (han.test(c)) { flushWord(); run.push(c); }
      else if (/[a-z0-9]/.test(c) || (c === "-" && word)) { flushRun(); word += c; }
      else { flushRun(); flushWord(); }
    });
    flushRun();
    flushWord();
    return out.filter(function (t, i) { return out.indexOf(t) === i; });
  }

  function getJSON(path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path);
      return r.json();
    });
  }

  function show(message, items) {
    out.textContent = "";
    var p = document.createElement("p");
    p.className = "search-status";
    p.textContent = message;
    out.appendChild(p);
    if (!items || !items.length) return;
    var ol = document.createElement("ol");
    ol.className = "search-list";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + it[0];
      a.textContent = it[1] || it[0];
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = it[2];
      li.appendChild(tag);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      ol.appendChild(li);
    });
    out.appendChild(ol);
  }

  function search(q) {
    var toks = tokens(q);
    if (!toks.length) { show("请输入要搜索的文字。"); return; }
    show("正在搜索……");
    getJSON("meta.json").then(function (meta) {
      var shards = {};
      toks.forEach(function (t) { shards[fnv(t) % meta.shards] = true; });
      return Promise.all(Object.keys(shards).map(function (k) {
        return getJSON("i/" + k + ".json").then(function (m) { return m; });
      })).then(function (maps) {
        var sets = toks.map(function (t) {
          for (var i = 0; i < maps.length; i++) if (maps[i][t]) return maps[i][t];
          return [];
        });
        var hits = sets.reduce(function (acc, s) {
          return acc.filter(function (id) { return s.indexOf(id) >= 0; });
        });
        if (!hits.length) { show("没有找到与“" + q + "”有关的页面。"); return; }
        var chunks = {};
        hits.forEach(function (id) { chunks[Math.floor(id / meta.pageChunk)] = true; });
        return Promise.all(Object.keys(chunks).map(function (c) {
          return getJSON("p/" + c + ".json").then(function (rows) { return [Number(c), rows]; });
        })).then(function (loaded) {
          var pages = {};
          loaded.forEach(function (pair) {
            pair[1].forEach(function (row, i) { pages[pair[0] * meta.pageChunk + i] = row; });
          });
          var needle = q.trim().toLowerCase();
          var items = hits.map(function (id) { return pages[id]; });
          items.sort(function (a, b) {
            var ta = (a[1] || "").toLowerCase().indexOf(needle) >= 0 ? 0 : 1;
            var tb = (b[1] || "").toLowerCase().indexOf(needle) >= 0 ? 0 : 1;
            return ta - tb || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
          });
          show("找到 " + items.length + " 个与“" + q + "”有关的页面：", items);
        });
      });
    }).catch(function () { show("搜索索引读取失败，请稍后再试，或在下面的全部页面列表中查找。"); });
  }

  var q = new URLSearchParams(location.search).get("q") || "";
  box.value = q;
  if (q) search(q);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var v = box.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(v));
    search(v);
  });
})();
