// The site search of /search/: reads search/index.json (written by
// shopstory at build time, next to this page) and lists what matches as you
// type. Words are folded as the index folds them (lower case, no accents),
// and each word of the query matches the start of a word: "cafe" finds
// "Café", "wool" finds "woollen". Every word must match. Nothing is loaded
// from anywhere but this site. Without JavaScript the page shows links to
// browse instead.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) return;
  var MAX = 50;
  var BITMAP = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  var index = null;
  var loading = null;
  var timer = 0;

  function foldChar(c) {
    var f = c.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    return f.replace(/[ßæœøłđðþı]/g, function (x) { return SPECIAL[x]; });
  }

  function fold(text) {
    var out = "";
    for (var c of text) out += foldChar(c);
    return out;
  }

  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function load() {
    if (!loading) {
      loading = fetch(new URL("index.json", form.action).href)
        .then(function (r) { return r.json(); })
        .then(function (data) { index = data; return data; });
    }
    return loading;
  }

  // The documents of every word that starts with `prefix`.
  function docsOf(prefix) {
    var w = index.words;
    var lo = 0, hi = w.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (w[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    var found = new Set();
    for (var i = lo; i < w.length && w[i].startsWith(prefix); i++) {
      var list = index.docs_of[i];
      if (list[0] === "~") {
        // A bitmap: six documents to a character, the lowest first.
        for (var c = 1; c < list.length; c++) {
          var bits = BITMAP.indexOf(list[c]);
          for (var b = 0; b < 6; b++) if (bits & (1 << b)) found.add((c - 1) * 6 + b);
        }
        continue;
      }
      var n = 0;
      list.split(",").forEach(function (gap) {
        n += parseInt(gap, 36);
        found.add(n);
      });
    }
    return found;
  }

  // Where the words of `terms` start in `text`: [start, end] pairs of `text`.
  function matches(text, terms) {
    var chars = Array.from(text);
    var folded = "";
    var origin = [];
    var offset = 0;
    chars.forEach(function (c) {
      var f = foldChar(c);
      for (var k = 0; k < f.length; k++) origin.push([offset, offset + c.length]);
      folded += f;
      offset += c.length;
    });
    var out = [];
    terms.forEach(function (term) {
      var from = 0, at;
      while ((at = folded.indexOf(term, from)) !== -1) {
        var before = at === 0 ? "" : folded[at - 1];
        if (!/[\p{L}\p{N}]/u.test(before)) {
          out.push([origin[at][0], origin[at + term.length - 1][1]]);
        }
        from = at + 1;
      }
    });
    out.sort(function (a, b) { return a[0] - b[0]; });
    return out;
  }

  // `text` as nodes, the matches of `terms` in <mark>.
  function marked(parent, text, terms) {
    var last = 0;
    matches(text, terms).forEach(function (m) {
      if (m[0] < last) return;
      parent.appendChild(document.createTextNode(text.slice(last, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      parent.appendChild(mark);
      last = m[1];
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function say(template, n, q) {
    status.textContent = template.replace("{n}", String(n)).replace("{q}", q);
  }

  function run() {
    var q = input.value.trim();
    var terms = words(q);
    list.replaceChildren();
    if (!terms.length) {
      status.textContent = "";
      return;
    }
    var hits = null;
    terms.forEach(function (t) {
      var docs = docsOf(t);
      hits = hits === null ? docs : new Set(Array.from(hits).filter(function (d) { return docs.has(d); }));
    });
    var ranked = Array.from(hits).map(function (d) {
      var doc = index.docs[d];
      var title = matches(doc[1], terms).length;
      return { d: d, doc: doc, score: title ? 0 : 1 };
    });
    ranked.sort(function (a, b) { return a.score - b.score || a.d - b.d; });
    if (!ranked.length) {
      say(form.getAttribute("data-none"), 0, q);
      return;
    }
    say(form.getAttribute("data-count"), ranked.length, q);
    ranked.slice(0, MAX).forEach(function (r) {
      var doc = r.doc;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = doc[2];
      a.className = "search-result-title";
      marked(a, doc[1], terms);
      li.appendChild(a);
      var meta = document.createElement("p");
      meta.className = "search-result-meta";
      meta.textContent = index.kinds[doc[0]] + (doc[4] ? " · " : "");
      if (doc[4]) {
        var time = document.createElement("time");
        time.dateTime = doc[3];
        time.textContent = doc[4];
        meta.appendChild(time);
      }
      li.appendChild(meta);
      if (doc[5]) {
        var p = document.createElement("p");
        p.className = "search-result-snippet";
        marked(p, doc[5], terms);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  function update() {
    var url = new URL(location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim()); else url.searchParams.delete("q");
    history.replaceState(null, "", url.href);
    load().then(run);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  input.addEventListener("focus", load);
  var q = new URL(location.href).searchParams.get("q");
  if (q) {
    input.value = q;
    load().then(run);
  }
})();
