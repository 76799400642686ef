/* TIP panel explorer: the year control of the map page and the in-browser search.
   No network: data files are <script>s next to this one; shards are gzip+base64. */
(function () {
  "use strict";
  var TIP = window.TIP = window.TIP || {};
  var waiting = {}, store = {};
  var root = document.body.getAttribute("data-root") || "";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  /* -- lazily loaded data files ------------------------------------------------------------ */
  TIP.put = function (name, b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    var p = new Response(stream).text().then(JSON.parse);
    store[name] = p;
    (waiting[name] || []).forEach(function (w) { w.resolve(p); });
    delete waiting[name];
  };
  TIP.need = function (name) {
    if (store[name]) return store[name];
    return new Promise(function (resolve, reject) {
      (waiting[name] = waiting[name] || []).push({resolve: resolve});
      if (waiting[name].length > 1) return;
      var s = document.createElement("script");
      s.src = root + "data/" + name + ".js";
      s.onerror = function () { reject(new Error("cannot load data/" + name + ".js")); };
      document.head.appendChild(s);
    });
  };

  /* -- the map page ------------------------------------------------------------------------ */
  TIP.mapPage = function () {
    var Y = TIP.years, sel = document.getElementById("year");
    var tiers = {}; Y.tiers.forEach(function (t) { tiers[t[0]] = {label: t[1], short: t[2], css: t[3]}; });
    var byIso2 = {};
    Object.keys(Y.countries).forEach(function (iso3) {
      var c = Y.countries[iso3];
      if (c[2]) (byIso2[c[2]] = byIso2[c[2]] || []).push(iso3);
    });
    var shapes = document.querySelectorAll("#worldmap g.c");
    var hover = document.getElementById("map-hover");

    function draw(year) {
      var placed = Y.placements[String(year)] || {};
      shapes.forEach(function (g) {
        var isos = byIso2[g.getAttribute("data-iso2")] || [];
        var iso = isos.filter(function (i) { return placed[i]; })[0] || isos[0];
        var t = iso && placed[iso] ? tiers[placed[iso]] : null;
        g.setAttribute("class", "c" + (iso ? " known" : "") + (t ? " " + t.css : (iso ? " nr" : "")));
        g.dataset.iso3 = iso || "";
        var label = iso ? Y.countries[iso][0] + ", " + year + ": " + (t ? t.label : "not rated") : "";
        var title = g.querySelector("title");
        if (iso) {
          if (!title) { title = document.createElementNS("http://www.w3.org/2000/svg", "title"); g.insertBefore(title, g.firstChild); }
          title.textContent = label;
        } else if (title) { title.remove(); }
        g.dataset.label = label;
      });
      document.querySelectorAll(".yr").forEach(function (e) { e.textContent = year; });
      document.getElementById("year-title").textContent = year;
      document.title = "Tier placements, " + year + " · TIP panel explorer";
      counts(year, placed);
      var i = Y.years.indexOf(year);
      document.getElementById("prev-year").disabled = i <= 0;
      document.getElementById("next-year").disabled = i >= Y.years.length - 1;
    }

    function counts(year, placed) {
      var codes = Y.tiers.map(function (t) { return t[0]; });
      var byTier = {}, byRegion = {}, total = 0;
      codes.forEach(function (c) { byTier[c] = 0; });
      Object.keys(placed).forEach(function (iso) {
        var t = placed[iso], r = (Y.countries[iso] || ["", ""])[1] || "";
        byTier[t] = (byTier[t] || 0) + 1; total++;
        byRegion[r] = byRegion[r] || {};
        byRegion[r][t] = (byRegion[r][t] || 0) + 1;
      });
      var h = '<table class="num"><caption>Countries per tier</caption><thead><tr><th scope="col">Tier</th><th scope="col">Countries</th></tr></thead><tbody>';
      Y.tiers.forEach(function (t) {
        h += '<tr><th scope="row"><span class="sw ' + t[3] + '" aria-hidden="true">' + esc(t[2]) + "</span> " + esc(t[1]) + "</th><td>" + byTier[t[0]] + "</td></tr>";
      });
      h += '<tr class="total"><th scope="row">All rated</th><td>' + total + "</td></tr></tbody></table>";
      h += '<div class="scroll"><table class="num" id="region-counts"><caption>Countries per region and tier</caption><thead><tr><th scope="col">Region</th>';
      Y.tiers.forEach(function (t) { h += '<th scope="col"><abbr title="' + esc(t[1]) + '">' + esc(t[2]) + "</abbr></th>"; });
      h += '<th scope="col">All</th></tr></thead><tbody>';
      Object.keys(byRegion).sort(function (a, b) { return (a === "") - (b === "") || (a < b ? -1 : a > b ? 1 : 0); }).forEach(function (r) {
        var n = 0;
        h += '<tr><th scope="row">' + esc(Y.regions[r] || "No region") + "</th>";
        codes.forEach(function (c) { var k = byRegion[r][c] || 0; n += k; h += "<td>" + k + "</td>"; });
        h += "<td>" + n + "</td></tr>";
      });
      h += "</tbody></table></div>";
      document.getElementById("counts").innerHTML = h;
      var open = {};
      document.querySelectorAll("#placements details").forEach(function (d, i) { open[i] = d.open; });
      var l = "";
      Y.tiers.forEach(function (t, i) {
        var names = Object.keys(placed).filter(function (iso) { return placed[iso] === t[0]; })
          .map(function (iso) { return [Y.countries[iso][0], iso]; }).sort(function (a, b) { return a[0].localeCompare(b[0]); });
        l += "<details" + (open[i] ? " open" : "") + '><summary><span class="sw ' + t[3] + '" aria-hidden="true">' + esc(t[2]) + "</span> " + esc(t[1]) + ": " + names.length + '</summary><ul class="cols">';
        names.forEach(function (n) { l += '<li><a href="countries/' + n[1] + '.html">' + esc(n[0]) + "</a></li>"; });
        l += "</ul></details>";
      });
      document.getElementById("placements").innerHTML = l;
    }

    function go(year, push) {
      year = Number(year);
      if (Y.years.indexOf(year) < 0) return;
      sel.value = String(year);
      draw(year);
      if (push && location.hash !== "#" + year) history.replaceState(null, "", "#" + year);
    }
    sel.addEventListener("change", function () { go(sel.value, true); });
    document.getElementById("prev-year").addEventListener("click", function () {
      var i = Y.years.indexOf(Number(sel.value)); if (i > 0) go(Y.years[i - 1], true);
    });
    document.getElementById("next-year").addEventListener("click", function () {
      var i = Y.years.indexOf(Number(sel.value)); if (i < Y.years.length - 1) go(Y.years[i + 1], true);
    });
    var map = document.getElementById("worldmap");
    map.addEventListener("click", function (e) {
      var g = e.target.closest("g.c");
      if (g && g.dataset.iso3) location.href = "countries/" + g.dataset.iso3 + ".html";
    });
    map.addEventListener("mouseover", function (e) {
      var g = e.target.closest("g.c");
      hover.textContent = g && g.dataset.label ? g.dataset.label : "";
    });
    var fromHash = Number((location.hash || "").slice(1));
    go(Y.years.indexOf(fromHash) >= 0 ? fromHash : Y.latest, false);
  };

  /* -- search ------------------------------------------------------------------------------ */
  function norm(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) { return norm(s).split(/[^a-z0-9]+/).filter(function (w) { return w; }); }

  function decode(list) {
    var out = [], prev = 0;
    list.split(",").forEach(function (e) {
      var p = e.split(":"); prev += parseInt(p[0], 36);
      out.push([prev, p.length > 1 ? parseInt(p[1], 36) : 1]);
    });
    return out;
  }

  TIP.search = function (query, year) {
    var M = TIP.searchMeta, stop = {};
    M.stop.forEach(function (w) { stop[w] = 1; });
    var all = words(query), ws = all.filter(function (w) { return w.length > 1 && !stop[w]; });
    if (!ws.length) return Promise.resolve({error: "only stop words or punctuation, nothing to search for", hits: []});
    var shards = {}; ws.forEach(function (w) { shards[w[0]] = 1; });
    var names = Object.keys(shards).filter(function (k) { return M.shards.indexOf(/[a-z0-9]/.test(k) ? k : "_") >= 0; });
    if (names.length < Object.keys(shards).length) return Promise.resolve({hits: []});
    return Promise.all(names.map(function (k) { return TIP.need("ix-" + k).then(function (ix) { return [k, ix]; }); })).then(function (loaded) {
      var ix = {}; loaded.forEach(function (kv) { ix[kv[0]] = kv[1]; });
      var terms = [];
      for (var i = 0; i < ws.length; i++) {
        var s = ix[ws[i][0]], t = s.w[ws[i]];
        if (t === undefined) return {hits: []};
        terms.push(t === 1 ? ws[i] : t);
      }
      var uniq = terms.filter(function (t, i) { return terms.indexOf(t) === i; });
      var score = null;
      for (var j = 0; j < uniq.length; j++) {
        var pl = ix[uniq[j][0]] ? ix[uniq[j][0]].p[uniq[j]] : null;
        if (!pl) return {hits: []};
        var post = decode(pl), df = post.length, idf = Math.log(1 + (M.N - df + 0.5) / (df + 0.5)), next = {};
        post.forEach(function (pt) {
          if (score && !(pt[0] in score)) return;
          var d = M.docs[pt[0]], tf = pt[1];
          var s2 = idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * d[4] / M.avgdl));
          next[pt[0]] = (score ? score[pt[0]] : 0) + s2;
        });
        score = next;
      }
      var hits = Object.keys(score).map(function (k) { return {i: Number(k), d: M.docs[Number(k)], score: score[k]}; });
      if (year) hits = hits.filter(function (h) { return h.d[3] === Number(year); });
      hits.sort(function (a, b) { return b.score - a.score || (a.d[0] < b.d[0] ? -1 : 1); });
      var total = hits.length, top = hits.slice(0, 200);
      var years = {}; top.forEach(function (h) { years[h.d[3]] = 1; });
      return Promise.all(Object.keys(years).map(function (y) {
        return TIP.need("text-" + y).then(function (tx) { return [y, tx]; });
      })).then(function (texts) {
        var tx = {}; texts.forEach(function (kv) { tx[kv[0]] = kv[1]; });
        var phrase = " " + all.join(" ") + " ";
        top.forEach(function (h) {
          var text = tx[h.d[3]][h.d[0]] || "";
          h.phrase = (" " + words(text).join(" ") + " ").indexOf(phrase) >= 0;
          h.snippet = snippet(text, all, ws);
        });
        top.sort(function (a, b) { return (b.phrase - a.phrase) || b.score - a.score || (a.d[0] < b.d[0] ? -1 : 1); });
        return {hits: top.slice(0, 50), total: total};
      });
    });
  };

  function snippet(text, all, ws) {
    var low = norm(text);
    if (low.length !== text.length) low = text.toLowerCase();
    var at = -1, phrase = all.join(" ");
    var m = new RegExp("\\b" + all.map(reEsc).join("[^a-z0-9]+")).exec(low);
    if (m) at = m.index;
    if (at < 0) {
      ws.forEach(function (w) {
        var r = new RegExp("\\b" + reEsc(w.length > 4 ? w.slice(0, w.length - 2) : w)).exec(low);
        if (r && (at < 0 || r.index < at)) at = r.index;
      });
    }
    if (at < 0) at = 0;
    var start = Math.max(0, at - 90), end = Math.min(text.length, at + 200);
    while (start > 0 && /\S/.test(text[start - 1])) start--;
    while (end < text.length && /\S/.test(text[end])) end++;
    var piece = text.slice(start, end);
    var h = esc(piece);
    ws.forEach(function (w) {
      var stem = w.length > 4 ? w.slice(0, w.length - 2) : w;
      h = h.replace(new RegExp("\\b(" + reEsc(stem) + "[a-z]*)", "gi"), "<mark>$1</mark>");
    });
    return (start > 0 ? "… " : "") + h + (end < text.length ? " …" : "");
  }
  function reEsc(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  TIP.searchPage = function () {
    var form = document.getElementById("searchform"), q = document.getElementById("q"), sy = document.getElementById("sy");
    var status = document.getElementById("status"), results = document.getElementById("results");
    function run() {
      var query = q.value.trim();
      if (!query) { status.textContent = "Type a word or a phrase."; results.innerHTML = ""; return; }
      status.textContent = "Searching…";
      var params = new URLSearchParams(); params.set("q", query); if (sy.value) params.set("year", sy.value);
      history.replaceState(null, "", "#" + params.toString());
      TIP.search(query, sy.value).then(function (r) {
        if (r.error) { status.textContent = r.error; results.innerHTML = ""; return; }
        var n = r.total || 0;
        status.textContent = n ? n + " narrative" + (n === 1 ? "" : "s") + " found" + (n > r.hits.length ? "; the first " + r.hits.length + " shown" : "") + "." : "No narrative holds every word of “" + query + "”.";
        results.innerHTML = r.hits.map(function (h) {
          return '<li><a href="countries/' + h.d[1] + ".html#y" + h.d[3] + '">' + esc(h.d[2]) + ", " + h.d[3] + "</a>" +
            (h.phrase ? ' <span class="muted small">(exact phrase)</span>' : "") + '<p class="snip">' + h.snippet + "</p></li>";
        }).join("");
      }, function (e) { status.textContent = "Search failed: " + e.message; });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    var h = new URLSearchParams((location.hash || "").slice(1));
    if (h.get("q")) { q.value = h.get("q"); if (h.get("year")) sy.value = h.get("year"); run(); }
  };
})();
