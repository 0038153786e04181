// The report's script (inlined into report.html at build time, after the
// graph library). It reads the run's data from the JSON block #hs-data and
// builds the workbench: search, filters, a virtualized ranking, and per
// community the explanation, an interactive graph (cytoscape.js), the shared
// entities, the linked communities, the full member list and the heatmap.
// Rules: it never builds markup from data (textContent, setAttribute and
// clones of the page's own <template> elements only); it makes no request of
// any kind; it records load success and any error in #hs-status
// (data-state="loaded", data-errors="N") so that a headless browser can check
// the page.
(function () {
  "use strict";
  var errors = [], state = "loading";
  var status = document.getElementById("hs-status");
  function mark() {
    if (!status) return;
    status.setAttribute("data-state", state);
    status.setAttribute("data-errors", String(errors.length));
    status.textContent = errors.join("\n");
  }
  window.addEventListener("error", function (e) {
    errors.push("error: " + (e.message || ("failed to load " + ((e.target && e.target.tagName) || "?"))));
    mark();
  }, true);
  window.addEventListener("unhandledrejection", function (e) { errors.push("unhandled rejection: " + String(e.reason)); mark(); });
  var consoleError = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    mark();
    return consoleError.apply(console, arguments);
  };
  try {
    if (window.PerformanceObserver) {
      new PerformanceObserver(function (list) {
        list.getEntries().forEach(function (en) {
          if (en.name === "first-contentful-paint") status.setAttribute("data-fcp-ms", String(Math.round(en.startTime)));
        });
      }).observe({ type: "paint", buffered: true });
    }
  } catch (e) { /* no paint timing: fine */ }

  var data = JSON.parse(document.getElementById("hs-data").textContent);
  var byId = {};          // community id -> ranking entry
  data.communities.forEach(function (c) { byId[c.id] = c; });
  var KINDS = ["account", "payment_method", "ip", "proxy", "device", "other"];
  var KIND_LABEL = { account: "account", payment_method: "payment method", ip: "IP", proxy: "proxy", device: "device", other: "other" };
  var KIND_COLOUR = { account: "#9ecae9", payment_method: "#f28e2b", ip: "#59a14f", proxy: "#b07aa1", device: "#76b7b2", other: "#bab0ac" };
  var SUSPECT_COLOUR = "#d62728";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function kindOf(type) { return KINDS.indexOf(type) >= 0 ? type : "other"; }
  function num(v, d) { return v === null || v === undefined || !isFinite(v) ? "" : Number(v).toFixed(d); }
  function riskBadge(r) {
    var s = el("span", "risk", num(r, 3));
    s.style.setProperty("--r", String(Math.max(0, Math.min(1, r || 0))));
    return s;
  }

  // --- a virtualized, sortable table --------------------------------------------------
  // columns: [{title, width (a grid track), value(row) for sorting, num, cell(div, row)}]
  function VTable(host, columns, opts) {
    this.host = host;
    this.columns = columns;
    this.opts = opts || {};
    this.rh = this.opts.rowHeight || 26;
    this.rows = [];
    this.order = null;
    this.sortCol = -1;
    this.asc = true;
    this.selected = null;
    this.highlight = null;
    var tpl = columns.map(function (c) { return c.width || "1fr"; }).join(" ");
    host.textContent = "";
    host.classList.add("vtable");
    this.head = el("div", "vt-head");
    this.head.style.gridTemplateColumns = tpl;
    this.head.setAttribute("role", "row");
    var self = this;
    columns.forEach(function (c, i) {
      var h = el("div", null, c.title);
      h.setAttribute("role", "columnheader");
      h.setAttribute("data-col", String(i));
      h.addEventListener("click", function () { self.sort(i, self.sortCol === i ? !self.asc : !c.num); });
      self.head.appendChild(h);
    });
    this.body = el("div", "vt-body");
    this.body.style.height = (this.opts.height || 360) + "px";
    this.spacer = el("div", "vt-spacer");
    this.body.appendChild(this.spacer);
    host.appendChild(this.head);
    host.appendChild(this.body);
    this.template = tpl;
    var pending = false;
    this.body.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; self.render(); });
    });
  }
  VTable.prototype.setRows = function (rows) {
    this.rows = rows;
    this.applySort();
    this.host.setAttribute("data-rows", String(rows.length));
    this.render();
  };
  VTable.prototype.applySort = function () {
    var c = this.columns[this.sortCol];
    this.order = this.rows.slice();
    if (!c) return;
    var asc = this.asc, get = c.value;
    this.order.sort(function (a, b) {
      var x = get(a), y = get(b), r;
      if (x === y) r = 0;
      else if (x === null || x === undefined || x === "") r = 1;
      else if (y === null || y === undefined || y === "") r = -1;
      else if (typeof x === "number" && typeof y === "number") r = asc ? x - y : y - x;
      else r = asc ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
      return r;
    });
  };
  VTable.prototype.sort = function (i, asc) {
    this.sortCol = i;
    this.asc = asc;
    var heads = this.head.children;
    for (var k = 0; k < heads.length; k++) heads[k].classList.remove("asc", "desc");
    heads[i].classList.add(asc ? "asc" : "desc");
    this.host.setAttribute("data-sort", String(i) + (asc ? ":asc" : ":desc"));
    this.applySort();
    this.render();
  };
  VTable.prototype.render = function () {
    var order = this.order || this.rows, rh = this.rh;
    this.spacer.style.height = Math.max(order.length * rh, 1) + "px";
    // Short tables take only the room they need (at most opts.height).
    this.body.style.height = Math.min(this.opts.height || 360, Math.max(order.length, 2) * rh + 2) + "px";
    var top = this.body.scrollTop, h = this.body.clientHeight || (this.opts.height || 360);
    var first = Math.max(0, Math.floor(top / rh) - 4), last = Math.min(order.length, Math.ceil((top + h) / rh) + 4);
    this.spacer.textContent = "";
    if (order.length === 0) {
      this.spacer.appendChild(el("div", "vt-empty", this.opts.empty || "Nothing to show."));
      return;
    }
    for (var i = first; i < last; i++) this.spacer.appendChild(this.rowElement(order[i], i));
  };
  VTable.prototype.rowElement = function (row, i) {
    var r = el("div", "vt-row"), self = this;
    r.style.top = (i * this.rh) + "px";
    r.style.gridTemplateColumns = this.template;
    r.setAttribute("role", "row");
    if (this.opts.onClick) {
      r.classList.add("link");
      r.tabIndex = 0;
      r.addEventListener("click", function () { self.opts.onClick(row); });
      r.addEventListener("keydown", function (e) { if (e.key === "Enter") self.opts.onClick(row); });
    }
    if (row === this.selected) r.classList.add("sel");
    if (row === this.highlight) r.classList.add("hl");
    this.columns.forEach(function (c) {
      var d = el("div");
      d.setAttribute("role", "gridcell");
      c.cell(d, row);
      r.appendChild(d);
    });
    return r;
  };
  VTable.prototype.reveal = function (row, highlight) {
    var order = this.order || this.rows, i = order.indexOf(row);
    if (i < 0) return false;
    if (highlight) this.highlight = row;
    this.body.scrollTop = Math.max(0, i * this.rh - this.body.clientHeight / 3);
    this.render();
    return true;
  };

  // --- the ranking and its filters -----------------------------------------------------------
  var filters = { risk: 0, signal: "", min: null, max: null, event: "" };
  var current = null;  // the open community's id
  var signals = {};
  data.communities.forEach(function (c) { c.signals.forEach(function (s) { signals[s] = true; }); });
  var sigSelect = document.getElementById("f-signal");
  Object.keys(signals).sort().forEach(function (s) {
    var o = el("option", null, s);
    o.value = s;
    sigSelect.appendChild(o);
  });
  var rankingColumns = [
    { title: "rank", width: "56px", num: true, value: function (c) { return c.rank; }, cell: function (d, c) { d.textContent = String(c.rank); } },
    { title: "community", width: "96px", num: true, value: function (c) { return c.id; }, cell: function (d, c) { d.textContent = String(c.id); } },
    { title: "accounts", width: "84px", num: true, value: function (c) { return c.accounts; }, cell: function (d, c) { d.textContent = String(c.accounts); } },
    { title: "flagged", width: "76px", num: true, value: function (c) { return c.flagged; }, cell: function (d, c) { d.textContent = String(c.flagged); } },
    { title: "risk", width: "70px", num: true, value: function (c) { return c.risk; }, cell: function (d, c) { d.appendChild(riskBadge(c.risk)); } },
    { title: "linked", width: "66px", num: true, value: function (c) { return c.links === undefined ? null : c.links; }, cell: function (d, c) { d.textContent = c.links ? String(c.links) : ""; } },
    { title: "signals", width: "minmax(160px,1fr)", value: function (c) { return c.signals.join(", "); },
      cell: function (d, c) { c.signals.forEach(function (s) { d.appendChild(el("span", "tag", s)); }); d.title = c.signals.join(", "); } }
  ];
  if (data.has_events)
    rankingColumns.push({ title: "event", width: "90px", value: function (c) { return c.event || ""; },
      cell: function (d, c) { if (c.event) d.appendChild(el("span", "tag ev", c.event)); } });
  if (data.has_hydra_ids)
    rankingColumns.push({ title: "hydra id", width: "120px", value: function (c) { return c.hydra_id || ""; },
      cell: function (d, c) { d.className = "id"; d.textContent = c.hydra_id || ""; } });
  if (data.communities.some(function (c) { return c.review; }))
    rankingColumns.push({ title: "review", width: "100px", value: function (c) { return c.review || ""; },
      cell: function (d, c) { d.textContent = c.review || ""; } });
  var ranking = new VTable(document.getElementById("ranking"), rankingColumns,
    { height: 320, onClick: function (c) { openCommunity(c.id); }, empty: "No community matches the filters." });

  function passes(c) {
    if (c.risk < filters.risk) return false;
    if (filters.signal && c.signals.indexOf(filters.signal) < 0) return false;
    if (filters.min !== null && c.accounts < filters.min) return false;
    if (filters.max !== null && c.accounts > filters.max) return false;
    if (filters.event && c.event !== filters.event) return false;
    return true;
  }
  function applyFilters() {
    var rows = data.communities.filter(passes);
    ranking.setRows(rows);
    document.getElementById("f-count").textContent =
      rows.length + " of " + data.communities.length + " suspect communities shown";
    var changes = document.getElementById("event-chips");
    Array.prototype.forEach.call(changes.querySelectorAll("button"), function (b) {
      b.classList.toggle("on", b.getAttribute("data-event") === filters.event);
    });
  }
  function readNumber(id) {
    var v = document.getElementById(id).value;
    return v === "" || !isFinite(Number(v)) ? null : Number(v);
  }
  ["f-risk", "f-signal", "f-min", "f-max", "f-event"].forEach(function (id) {
    var node = document.getElementById(id);
    var handler = function () {
      filters.risk = readNumber("f-risk") || 0;
      filters.signal = sigSelect.value;
      filters.min = readNumber("f-min");
      filters.max = readNumber("f-max");
      filters.event = document.getElementById("f-event").value;
      applyFilters();
    };
    node.addEventListener("input", handler);
    node.addEventListener("change", handler);
  });
  document.getElementById("f-reset").addEventListener("click", function () {
    ["f-min", "f-max"].forEach(function (id) { document.getElementById(id).value = ""; });
    document.getElementById("f-risk").value = "0";
    sigSelect.value = "";
    document.getElementById("f-event").value = "";
    filters = { risk: 0, signal: "", min: null, max: null, event: "" };
    applyFilters();
  });

  // What changed since the previous snapshot (tracking, when the run carries events).
  if (data.has_events) {
    var counts = {};
    data.communities.forEach(function (c) { if (c.event) counts[c.event] = (counts[c.event] || 0) + 1; });
    var evSelect = document.getElementById("f-event"), changes = document.getElementById("event-chips");
    document.getElementById("f-event-label").hidden = false;
    changes.hidden = false;
    changes.appendChild(el("span", "count", "What changed:"));
    Object.keys(counts).sort().forEach(function (ev) {
      var o = el("option", null, ev);
      o.value = ev;
      evSelect.appendChild(o);
      var b = el("button", null, ev + " " + counts[ev]);
      b.type = "button";
      b.setAttribute("data-event", ev);
      b.addEventListener("click", function () {
        evSelect.value = filters.event === ev ? "" : ev;
        evSelect.dispatchEvent(new Event("change"));
      });
      changes.appendChild(b);
    });
  }

  // --- search ---------------------------------------------------------------------------------------
  var index = null;
  function buildIndex() {
    index = [];
    data.sections.forEach(function (s, si) {
      s.members.forEach(function (m, i) { index.push({ key: m[0].toLowerCase(), id: m[0], kind: "account", sec: si, row: i }); });
      s.entities.forEach(function (e, i) { index.push({ key: e[0].toLowerCase(), id: e[0], kind: kindOf(e[1]), type: e[1], sec: si, row: i }); });
    });
  }
  var results = document.getElementById("search-results"), searchBox = document.getElementById("search");
  var hits = [], hitSel = -1;
  function runSearch() {
    var q = searchBox.value.trim().toLowerCase();
    results.textContent = "";
    hits = [];
    hitSel = -1;
    if (q.length === 0) { results.hidden = true; return; }
    if (!index) buildIndex();
    if (/^\d+$/.test(q) && byId[q]) hits.push({ community: Number(q) });
    var exact = [], part = [], total = 0;
    for (var i = 0; i < index.length; i++) {
      var p = index[i].key.indexOf(q);
      if (p < 0) continue;
      total++;
      if (index[i].key === q) exact.push(index[i]);
      else if (part.length < 100) part.push(index[i]);
    }
    hits = hits.concat(exact, part).slice(0, 100);
    hits.forEach(function (h, k) {
      var b = el("button", "hit");
      b.type = "button";
      b.setAttribute("role", "option");
      b.setAttribute("data-hit", String(k));
      if (h.community !== undefined) {
        b.appendChild(el("span", "k", "community"));
        b.appendChild(el("span", "i", String(h.community)));
        b.appendChild(el("span", "c", "rank " + byId[h.community].rank));
      } else {
        var s = data.sections[h.sec];
        b.appendChild(el("span", "k", KIND_LABEL[h.kind] || h.type));
        b.appendChild(el("span", "i", h.id));
        b.appendChild(el("span", "c", "community " + s.id + " (rank " + s.rank + ")"));
      }
      b.addEventListener("click", function () { choose(h); });
      results.appendChild(b);
    });
    if (hits.length === 0) results.appendChild(el("div", "more", "No id in this report contains \u201C" + searchBox.value.trim() + "\u201D."));
    else if (total > hits.length) results.appendChild(el("div", "more", total + " matches; the first " + hits.length + " listed."));
    results.setAttribute("data-hits", String(total));
    results.hidden = false;
  }
  function choose(h) {
    results.hidden = true;
    if (h.community !== undefined) openCommunity(h.community);
    else openCommunity(data.sections[h.sec].id, { kind: h.kind === "account" ? "member" : "entity", row: h.row });
  }
  var searchTimer = null;
  searchBox.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 120);
  });
  searchBox.addEventListener("keydown", function (e) {
    var buttons = results.querySelectorAll(".hit");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!buttons.length) return;
      hitSel = (hitSel + (e.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length;
      Array.prototype.forEach.call(buttons, function (b, k) { b.classList.toggle("sel", k === hitSel); });
    } else if (e.key === "Enter") {
      clearTimeout(searchTimer);
      if (results.hidden || !hits.length) runSearch();
      if (hits.length) choose(hits[Math.max(0, hitSel)]);
    } else if (e.key === "Escape") {
      results.hidden = true;
    }
  });
  document.addEventListener("click", function (e) {
    if (!results.contains(e.target) && e.target !== searchBox) results.hidden = true;
  });

  // --- one community ---------------------------------------------------------------------------------
  var cy = null;
  function cloneTemplate(id) {
    var t = document.getElementById(id);
    return t ? document.importNode(t.content, true) : null;
  }
  function communityLink(id, extra) {
    var a = el("a", null, "community " + id);
    a.setAttribute("role", "link");
    a.tabIndex = 0;
    a.setAttribute("data-community", String(id));
    a.addEventListener("click", function () { openCommunity(id); });
    a.addEventListener("keydown", function (e) { if (e.key === "Enter") openCommunity(id); });
    var span = el("span");
    span.appendChild(a);
    if (extra) span.appendChild(document.createTextNode(extra));
    return span;
  }

  function openCommunity(id, focus) {
    var c = byId[id];
    if (!c) return;
    current = id;
    ranking.selected = c;
    ranking.render();
    if (history.replaceState) history.replaceState(null, "", "#c-" + id);
    var detail = document.getElementById("detail");
    if (cy) { cy.destroy(); cy = null; }
    detail.textContent = "";
    detail.setAttribute("data-community", String(id));
    var h = el("h2", null, "#" + c.rank + " community " + c.id + " ");
    var sub = el("span", "sub");
    sub.appendChild(riskBadge(c.risk));
    sub.appendChild(document.createTextNode(" " + c.accounts + " accounts (" + c.flagged + " flagged), " + c.nodes + " nodes"));
    if (c.event) sub.appendChild(document.createTextNode(" \u00B7 event: " + c.event));
    if (c.hydra_id) sub.appendChild(document.createTextNode(" \u00B7 hydra id " + c.hydra_id));
    if (c.review) sub.appendChild(document.createTextNode(" \u00B7 review: " + c.review));
    h.appendChild(sub);
    detail.appendChild(h);
    if (c.section < 0) {
      detail.appendChild(el("p", "none", "No details for this community in the report: it ranks below --report-communities."));
      return;
    }
    var s = data.sections[c.section];
    var t = cloneTemplate("t-" + id);
    if (t) detail.appendChild(t);
    if (s.missing) {
      var note = cloneTemplate("h-" + id);
      if (note) detail.appendChild(note);
      return;
    }

    // The graph, and the attributes of the node clicked.
    detail.appendChild(el("h3", null, "Graph"));
    var g = s.graph;
    var tools = el("div", "graphtools");
    tools.appendChild(document.createTextNode(g.accounts_shown + " of " + g.accounts + " accounts, " + g.entities_shown + " of " +
      g.entities + " entities" + (g.edges_shown < g.edges_total ? ", " + g.edges_shown + " of " + g.edges_total + " links" : "") +
      " drawn" + (g.accounts_shown < g.accounts ? " (the riskiest accounts, then a fixed sample)" : "") +
      ". Drag to pan, scroll to zoom, click a node for its attributes and neighbours. "));
    var fit = el("button", null, "fit");
    fit.type = "button";
    fit.addEventListener("click", function () { if (cy) cy.fit(undefined, 20); });
    tools.appendChild(fit);
    var legend = el("span", "legend");
    [["suspect account", SUSPECT_COLOUR], ["account", KIND_COLOUR.account], ["payment method", KIND_COLOUR.payment_method],
     ["IP", KIND_COLOUR.ip], ["proxy", KIND_COLOUR.proxy], ["device", KIND_COLOUR.device], ["other", KIND_COLOUR.other]].forEach(function (x) {
      var d = el("span", "dot");
      d.style.background = x[1];
      legend.appendChild(d);
      legend.appendChild(document.createTextNode(x[0]));
    });
    tools.appendChild(legend);
    detail.appendChild(tools);
    var wrap = el("div", "graphwrap");
    var box = el("div", "graph");
    box.id = "graph";
    var info = el("div", "nodeinfo");
    info.id = "nodeinfo";
    info.appendChild(el("p", "none", "Click a node."));
    wrap.appendChild(box);
    wrap.appendChild(info);
    detail.appendChild(wrap);

    // Linked communities.
    detail.appendChild(el("h3", null, "Communities sharing entities with it"));
    if (s.links.length === 0) {
      detail.appendChild(el("p", "none", "It shares no card, IP, proxy or device with another suspect community of this report."));
    } else {
      var ul = el("ul", "linklist");
      ul.id = "links";
      s.links.forEach(function (l) {
        var o = byId[l[0]];
        var li = el("li");
        li.appendChild(communityLink(l[0], " \u2014 " + l[1] + " shared entit" + (l[1] === 1 ? "y" : "ies") +
          (o ? " (rank " + o.rank + ", risk " + num(o.risk, 3) + ")" : "")));
        ul.appendChild(li);
      });
      detail.appendChild(ul);
    }

    // Shared entities.
    detail.appendChild(el("h3", null, "Entities its accounts use (" + s.entities.length + ")"));
    var entHost = el("div");
    entHost.id = "entities";
    detail.appendChild(entHost);
    var entities = s.entities.map(function (e, i) { return { i: i, e: e, also: s.entity_links[i] || [] }; });
    var entTable = new VTable(entHost, [
      { title: "entity", width: "minmax(200px,2fr)", value: function (r) { return r.e[0]; }, cell: function (d, r) { d.className = "id"; d.textContent = r.e[0]; d.title = r.e[0]; } },
      { title: "type", width: "120px", value: function (r) { return r.e[1]; }, cell: function (d, r) { d.textContent = r.e[1]; } },
      { title: "accounts", width: "84px", num: true, value: function (r) { return r.e[2]; }, cell: function (d, r) { d.textContent = String(r.e[2]); } },
      { title: "flagged", width: "76px", num: true, value: function (r) { return r.e[3]; }, cell: function (d, r) { d.textContent = String(r.e[3]); } },
      { title: "share flagged", width: "104px", num: true, value: function (r) { return r.e[2] ? r.e[3] / r.e[2] : 0; },
        cell: function (d, r) { d.textContent = r.e[2] ? Math.round(100 * r.e[3] / r.e[2]) + "%" : ""; } },
      { title: "also in", width: "minmax(120px,1fr)", num: true, value: function (r) { return r.also.length; },
        cell: function (d, r) { d.className = "links"; r.also.forEach(function (o, k) { if (k) d.appendChild(document.createTextNode(", ")); d.appendChild(communityLink(o)); }); } }
    ], { height: 260, onClick: function (r) { focusNode(1, r.i); }, empty: "No entity." });
    entTable.setRows(entities);

    // Members.
    var mcols = data.member_columns;
    detail.appendChild(el("h3", null, "Members (" + s.members.length + (s.members.length < s.accounts_total ? " of " + s.accounts_total : "") + " accounts)"));
    var memHost = el("div");
    memHost.id = "members";
    detail.appendChild(memHost);
    var memberCols = [
      { title: "account", width: "minmax(200px,2fr)", value: function (m) { return m[0]; }, cell: function (d, m) { d.className = "id"; d.textContent = m[0]; d.title = m[0]; } },
      { title: "risk", width: "72px", num: true, value: function (m) { return m[1]; }, cell: function (d, m) { d.appendChild(riskBadge(m[1])); } },
      { title: "suspect", width: "72px", value: function (m) { return m[2]; }, cell: function (d, m) { if (m[2]) { d.className = "flag"; d.textContent = "yes"; } } },
      { title: "top family", width: "100px", value: function (m) { return m[3]; }, cell: function (d, m) { d.textContent = m[3]; } },
      { title: "label", width: "76px", value: function (m) { return m[4]; }, cell: function (d, m) { d.textContent = m[4]; } },
      { title: "created", width: "170px", value: function (m) { return m[5]; }, cell: function (d, m) { d.textContent = m[5]; } },
      { title: "requests", width: "90px", num: true, value: function (m) { return m[6]; }, cell: function (d, m) { d.textContent = m[6] ? String(m[6]) : ""; } },
      { title: "entities", width: "70px", num: true, value: function (m) { return m[7]; }, cell: function (d, m) { d.textContent = String(m[7]); } }
    ];
    if (mcols.pagerank) memberCols.push({ title: "pagerank", width: "90px", num: true, value: function (m) { return m[8]; }, cell: function (d, m) { d.textContent = m[8] === null ? "" : String(m[8]); } });
    if (mcols.core) memberCols.push({ title: "core", width: "56px", num: true, value: function (m) { return m[9]; }, cell: function (d, m) { d.textContent = m[9] === null ? "" : String(m[9]); } });
    if (mcols.hydra_id) memberCols.push({ title: "hydra id", width: "110px", value: function (m) { return m[10]; }, cell: function (d, m) { d.className = "id"; d.textContent = m[10]; } });
    var memTable = new VTable(memHost, memberCols, { height: 360, onClick: function (m) { focusNode(0, s.members.indexOf(m)); }, empty: "No account." });
    memTable.setRows(s.members);

    // Heatmap.
    var heat = cloneTemplate("h-" + id);
    if (heat) detail.appendChild(heat);

    drawGraph(s, box, info);
    if (focus) {
      var table = focus.kind === "member" ? memTable : entTable;
      var row = focus.kind === "member" ? s.members[focus.row] : entities[focus.row];
      if (row && table.reveal(row, true)) {
        table.host.setAttribute("data-highlight", focus.kind === "member" ? row[0] : row.e[0]);
        table.host.scrollIntoView({ block: "center" });
      }
      focusNode(focus.kind === "member" ? 0 : 1, focus.row);
    }
  }

  function showNode(info, s, kind, ref, extra) {
    info.textContent = "";
    var tbl = el("table"), body = el("tbody");
    function row(k, v) {
      if (v === "" || v === null || v === undefined) return;
      var tr = el("tr");
      tr.appendChild(el("th", null, k));
      var td = el("td");
      if (v instanceof Node) td.appendChild(v); else td.textContent = String(v);
      tr.appendChild(td);
      body.appendChild(tr);
    }
    if (kind === 0 && ref >= 0) {
      var m = s.members[ref];
      row("account", m[0]);
      row("risk", num(m[1], 6));
      row("suspect", m[2] ? "yes" : "no");
      row("top family", m[3]);
      row("label", m[4]);
      row("created", m[5]);
      row("requests", m[6]);
      row("entities", m[7]);
      row("pagerank", m[8]);
      row("core", m[9]);
      row("hydra id", m[10]);
    } else if (kind === 1 && ref >= 0) {
      var e = s.entities[ref];
      row(KIND_LABEL[kindOf(e[1])] || e[1], e[0]);
      row("type", e[1]);
      row("accounts here", e[2]);
      row("flagged here", e[3] + (e[2] ? " (" + Math.round(100 * e[3] / e[2]) + "%)" : ""));
      var also = s.entity_links[ref] || [];
      if (also.length) {
        var sp = el("span", "links");
        also.forEach(function (o, k) { if (k) sp.appendChild(document.createTextNode(", ")); sp.appendChild(communityLink(o)); });
        row("also in", sp);
      }
    } else if (extra) {
      row(extra.kind, extra.id);
    }
    if (extra && extra.neighbours !== undefined) row("neighbours drawn", extra.neighbours);
    tbl.appendChild(body);
    info.appendChild(tbl);
  }

  var nodeOf = null;  // "kind:ref" -> cytoscape node id
  function focusNode(kind, ref) {
    if (!cy || !nodeOf) return;
    var nid = nodeOf[kind + ":" + ref];
    var info = document.getElementById("nodeinfo");
    if (nid === undefined) {
      var s = data.sections[byId[current].section];
      showNode(info, s, kind, ref, { neighbours: "(not drawn: the graph shows a sample)" });
      return;
    }
    var n = cy.getElementById(nid);
    select(n);
    cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 250 });
  }
  function select(n) {
    var s = data.sections[byId[current].section];
    cy.elements().removeClass("hl").addClass("faded");
    var hood = n.closedNeighborhood();
    hood.removeClass("faded").addClass("hl");
    n.addClass("focus");
    var box = document.getElementById("graph");
    box.setAttribute("data-selected", n.data("full"));
    box.setAttribute("data-neighbours", String(n.neighborhood().nodes().length));
    showNode(document.getElementById("nodeinfo"), s, n.data("k"), n.data("ref"),
      { kind: n.data("kind"), id: n.data("full"), neighbours: n.neighborhood().nodes().length });
  }

  function drawGraph(s, box, info) {
    var g = s.graph, elements = [];
    nodeOf = {};
    g.nodes.forEach(function (x, i) {
      var k = x[0], ref = x[1], full, kind, suspect = 0, seed = 0, weight = 1;
      if (k === 0) {
        kind = "account";
        if (ref >= 0) {
          var m = s.members[ref];
          full = m[0];
          suspect = m[2];
          seed = m[4] === "banned" || m[4] === "suspect" ? 1 : 0;
        } else {
          full = x[4];
        }
      } else {
        var e = ref >= 0 ? s.entities[ref] : null;
        full = e ? e[0] : x[4];
        kind = kindOf(e ? e[1] : x[5]);
        weight = e ? e[2] : 1;
      }
      nodeOf[k + ":" + ref] = "n" + i;
      elements.push({ group: "nodes", data: { id: "n" + i, k: k, ref: ref, full: full, kind: kind, suspect: suspect, seed: seed,
        label: k === 1 ? (full.length > 24 ? full.slice(0, 23) + "\u2026" : full) : "", size: k === 1 ? Math.min(34, 12 + 4 * Math.log(1 + weight)) : 9 },
        position: { x: x[2], y: x[3] } });
    });
    g.edges.forEach(function (e, i) { elements.push({ group: "edges", data: { id: "e" + i, source: "n" + e[0], target: "n" + e[1] } }); });
    if (typeof cytoscape !== "function") {
      box.appendChild(el("p", "none", "The graph library did not load."));
      return;
    }
    cy = cytoscape({
      container: box,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 20 },
      minZoom: 0.05,
      maxZoom: 8,
      textureOnViewport: elements.length > 3000,
      hideEdgesOnViewport: g.edges.length > 2000,
      pixelRatio: 1,
      style: [
        { selector: "node", style: { "width": "data(size)", "height": "data(size)", "background-color": KIND_COLOUR.other,
          "border-width": 0.5, "border-color": "#ffffff", "label": "data(label)", "font-size": 7, "color": "#1f2430",
          "text-valign": "bottom", "text-margin-y": 2, "min-zoomed-font-size": 6 } },
        { selector: "node[kind = 'account']", style: { "background-color": KIND_COLOUR.account, "shape": "ellipse" } },
        { selector: "node[kind = 'account'][suspect = 1]", style: { "background-color": SUSPECT_COLOUR } },
        { selector: "node[seed = 1]", style: { "border-width": 2, "border-color": "#111111" } },
        { selector: "node[kind = 'payment_method']", style: { "background-color": KIND_COLOUR.payment_method, "shape": "round-rectangle" } },
        { selector: "node[kind = 'ip']", style: { "background-color": KIND_COLOUR.ip, "shape": "diamond" } },
        { selector: "node[kind = 'proxy']", style: { "background-color": KIND_COLOUR.proxy, "shape": "hexagon" } },
        { selector: "node[kind = 'device']", style: { "background-color": KIND_COLOUR.device, "shape": "octagon" } },
        { selector: "edge", style: { "width": 0.6, "line-color": "#b9c0cc", "curve-style": "haystack", "opacity": 0.8 } },
        { selector: ".faded", style: { "opacity": 0.12 } },
        { selector: "node.hl", style: { "border-width": 1.5, "border-color": "#1f2430" } },
        { selector: "node.focus", style: { "border-width": 3, "border-color": "#1f2430" } },
        { selector: "edge.hl", style: { "width": 1.6, "line-color": "#4a5466", "opacity": 1 } }
      ]
    });
    cy.on("tap", "node", function (evt) { select(evt.target); });
    cy.on("tap", function (evt) {
      if (evt.target !== cy) return;
      cy.elements().removeClass("faded hl focus");
      box.removeAttribute("data-selected");
      info.textContent = "";
      info.appendChild(el("p", "none", "Click a node."));
    });
    cy.one("render", function () { box.setAttribute("data-rendered", "1"); });
    box.setAttribute("data-nodes", String(cy.nodes().length));
    box.setAttribute("data-edges", String(cy.edges().length));
  }

  // A test hook and a handle for analysts' consoles: the open graph.
  window.hydrascopeReport = {
    graph: function () { return cy; },
    open: function (id) { openCommunity(id); }
  };

  // --- start: the ranking first (first paint), then the first community or the one in the URL.
  applyFilters();
  status.setAttribute("data-sections", String(data.sections.length));
  status.setAttribute("data-communities", String(data.communities.length));
  status.setAttribute("data-input", data.input);
  status.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  // The first frame with the ranking on screen: the next animation frame
  // runs just before that paint, the task after it just after.
  requestAnimationFrame(function () {
    setTimeout(function () { status.setAttribute("data-ranking-paint-ms", String(Math.round(performance.now()))); }, 0);
  });
  mark();
  function openFromHash() {
    var m = /^#c-(\d+)$/.exec(location.hash);
    if (m && byId[m[1]]) openCommunity(Number(m[1]));
    else if (current === null && data.communities.length) openCommunity(data.communities[0].id);
  }
  window.addEventListener("hashchange", function () {
    var m = /^#c-(\d+)$/.exec(location.hash);
    if (m && Number(m[1]) !== current) openCommunity(Number(m[1]));
  });
  // The templates follow the scripts: open a community once the page is parsed.
  document.addEventListener("DOMContentLoaded", openFromHash);
  window.addEventListener("load", function () {
    state = "loaded";
    mark();
    status.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();
