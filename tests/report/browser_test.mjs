// The report as an analyst uses it, in Debian's headless Chromium driven by
// puppeteer-core (engine/report/web/node_modules; it never downloads a
// browser): the script clicks, types and reads the page. Run by
// tests/report/browser_test.cpp, which builds the run folders and reports:
//
//   node browser_test.mjs CONFIG.json
//
// CONFIG: {"web": engine/report/web, "chromium": path, "profile": an empty folder, "screenshots": folder or "",
//          "pages": [{"name", "path", "kind": "real" | "hostile" | "many", "account", "community", ...}]}
// Every request other than the page itself and data: URLs is recorded and
// aborted: the test fails if the page asks for anything. Prints one JSON
// line per page with its measurements ({"page", "fcp_ms", "ready_ms",
// "load_ms", ...}) and one "FAIL ..." line per failed check on stderr; exit
// status 1 when any check failed.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// puppeteer-core from the report's own npm folder (CONFIG "web": engine/report/web).
const puppeteer = createRequire(path.join(config.web, "package.json"))("puppeteer-core");
let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`FAIL ${what}`);
  }
  return ok;
}

const browser = await puppeteer.launch({
  executablePath: config.chromium,
  headless: true,
  userDataDir: config.profile,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1300,1000"],
  defaultViewport: { width: 1300, height: 1000 },
});

async function shot(page, name, element) {
  if (!config.screenshots) return;
  const file = path.join(config.screenshots, name);
  if (element) await element.screenshot({ path: file });
  else await page.screenshot({ path: file });
}

async function openPage(spec) {
  const page = await browser.newPage();
  const url = pathToFileURL(spec.path).href;
  const network = [], pageErrors = [];
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    if (req.isInterceptResolutionHandled()) return;
    const u = req.url();
    if (u === url || u.startsWith("data:")) req.continue();
    else {
      network.push(u);
      req.abort();
    }
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load", timeout: 60000 });
  await page.waitForSelector('#hs-status[data-state="loaded"]', { timeout: 60000 });
  const wall = Date.now() - t0;
  const status = await page.$eval("#hs-status", (s) => ({
    errors: s.getAttribute("data-errors"), text: s.textContent, fcp: Number(s.getAttribute("data-fcp-ms")),
    ready: Number(s.getAttribute("data-ready-ms")), load: Number(s.getAttribute("data-load-ms")),
    rankingPaint: Number(s.getAttribute("data-ranking-paint-ms")),
    communities: Number(s.getAttribute("data-communities")), sections: Number(s.getAttribute("data-sections")),
  }));
  check(status.errors === "0", `${spec.name}: the page recorded errors: ${status.text}`);
  return { page, network, pageErrors, status, wall };
}

async function rankingRows(page) {
  return page.$$eval("#ranking .vt-row", (rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
}

async function realPage(spec) {
  const { page, network, pageErrors, status, wall } = await openPage(spec);
  const out = { page: spec.name, fcp_ms: status.fcp, ranking_paint_ms: status.rankingPaint, ready_ms: status.ready,
                load_ms: status.load, wall_ms: wall };
  // The first community is open on load.
  await page.waitForSelector("#detail[data-community] #graph[data-nodes]", { timeout: 20000 });

  // --- search finds an account (typing part of its id), and opens its community on it.
  await page.click("#search");
  await page.type("#search", spec.account.slice(0, Math.min(spec.account.length, 14)));
  await page.waitForSelector("#search-results:not([hidden]) .hit", { timeout: 10000 });
  const hitTexts = await page.$$eval("#search-results .hit .i", (els) => els.map((e) => e.textContent));
  check(hitTexts.includes(spec.account), `search lists ${spec.account} (got ${hitTexts.slice(0, 5).join(" | ")})`);
  const hit = await page.evaluateHandle((id) => Array.from(document.querySelectorAll("#search-results .hit"))
    .find((b) => b.querySelector(".i").textContent === id), spec.account);
  await hit.asElement().click();
  await page.waitForSelector(`#detail[data-community="${spec.community}"]`, { timeout: 10000 });
  const highlighted = await page.$eval("#members", (m) => m.getAttribute("data-highlight"));
  check(highlighted === spec.account, `the member list highlights the account found (${highlighted})`);
  const hlRow = await page.$$eval("#members .vt-row.hl .id", (els) => els.map((e) => e.textContent));
  check(hlRow.includes(spec.account), "the highlighted member row is on screen");
  const info = await page.$eval("#nodeinfo", (n) => n.textContent);
  check(info.includes(spec.account), `the node panel shows the account (${info.slice(0, 80)})`);
  // Enter on a community number opens it.
  await page.$eval("#search", (s) => { s.value = ""; });
  await page.type("#search", String(spec.community));
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#detail[data-community="${spec.community}"]`);

  // --- the graph: nodes drawn, a real click on a node shows it and its neighbours.
  const graph = await page.$eval("#graph", (g) => ({ nodes: Number(g.getAttribute("data-nodes")),
    edges: Number(g.getAttribute("data-edges")), canvas: g.querySelectorAll("canvas").length }));
  check(graph.nodes > 0 && graph.canvas > 0, `the graph renders nodes on a canvas (${JSON.stringify(graph)})`);
  out.graph_nodes = graph.nodes;
  const target = await page.evaluate(() => {
    const cy = window.hydrascopeReport.graph();
    const n = cy.nodes().filter((x) => x.degree() > 0).sort((a, b) => b.degree() - a.degree())[0];
    const p = n.renderedPosition(), box = document.getElementById("graph").getBoundingClientRect();
    return { id: n.data("full"), x: box.left + p.x, y: box.top + p.y, degree: n.neighborhood().nodes().length };
  });
  await page.$eval("#graph", (g) => g.scrollIntoView({ block: "center" }));
  // A real mouse click on the node's screen position. (cytoscape refreshes
  // its container's offset on the page's scroll event: wait for it, and try
  // again if a click landed while the offset was stale.)
  let target2 = target;
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 300));
    target2 = await page.evaluate(() => {
      const cy = window.hydrascopeReport.graph();
      const n = cy.nodes().filter((x) => x.degree() > 0).sort((a, b) => b.degree() - a.degree())[0];
      const p = n.renderedPosition(), box = document.getElementById("graph").getBoundingClientRect();
      return { id: n.data("full"), x: box.left + p.x, y: box.top + p.y, degree: n.neighborhood().nodes().length };
    });
    await page.mouse.click(target2.x, target2.y);
    const ok = await page.waitForFunction((id) => document.getElementById("graph").getAttribute("data-selected") === id,
      { timeout: 2000 }, target.id).then(() => true, () => false);
    if (ok) break;
  }
  const selected = await page.$eval("#graph", (g) => ({ id: g.getAttribute("data-selected"), n: Number(g.getAttribute("data-neighbours")) }));
  check(selected.id === target.id, `clicking a node selects it (${selected.id} vs ${target.id})`);
  check(selected.n === target.degree && selected.n > 0, `its neighbours are counted (${selected.n})`);
  const highlightedNodes = await page.evaluate(() => window.hydrascopeReport.graph().nodes(".hl").length);
  check(highlightedNodes === target.degree + 1, `the node and its neighbours are highlighted (${highlightedNodes})`);
  await shot(page, "report-graph.png", await page.$(".graphwrap"));
  // Zoom and pan work (cytoscape's viewport changes under the wheel).
  const zoom0 = await page.evaluate(() => window.hydrascopeReport.graph().zoom());
  // (cytoscape ignores the wheel for a moment after the page scrolled: a few tries.)
  await page.mouse.move(target2.x, target2.y);
  let zoom1 = zoom0;
  for (let i = 0; i < 5 && !(zoom1 > zoom0); i++) {
    await new Promise((r) => setTimeout(r, 300));
    await page.mouse.wheel({ deltaY: -400 });
    await new Promise((r) => setTimeout(r, 200));
    zoom1 = await page.evaluate(() => window.hydrascopeReport.graph().zoom());
  }
  check(zoom1 > zoom0, `the wheel zooms in (${zoom0} -> ${zoom1})`);

  // --- the shared entities: a row per entity with counts and the share flagged.
  const entities = await page.$eval("#entities", (e) => Number(e.getAttribute("data-rows")));
  check(entities > 0, `the entity table has rows (${entities})`);
  const entityHead = await page.$$eval("#entities .vt-head > div", (h) => h.map((x) => x.textContent));
  check(entityHead.includes("share flagged") && entityHead.includes("accounts"), `entity table columns ${entityHead}`);
  const firstEntity = await page.$$eval("#entities .vt-row", (rows) => rows.length ? Array.from(rows[0].children).map((c) => c.textContent) : []);
  check(firstEntity.length >= 5 && /%$/.test(firstEntity[4]), `an entity row shows its share flagged (${firstEntity})`);
  await shot(page, "report-entities.png", await page.$("#entities"));

  // --- members: sortable; every account of the community is listed.
  const memberRows = await page.$eval("#members", (m) => Number(m.getAttribute("data-rows")));
  check(memberRows === spec.community_accounts, `the member list has every account (${memberRows} of ${spec.community_accounts})`);
  const riskHead = await page.$$("#members .vt-head > div");
  await riskHead[1].click();  // risk: descending first
  const risks = await page.$$eval("#members .vt-row", (rows) => rows.slice(0, 6).map((r) => Number(r.children[1].textContent)));
  check(risks.length > 1 && risks.every((r, i) => i === 0 || risks[i - 1] >= r), `members sort by risk (${risks})`);
  await riskHead[1].click();
  const risksUp = await page.$$eval("#members .vt-row", (rows) => rows.slice(0, 6).map((r) => Number(r.children[1].textContent)));
  check(risksUp.every((r, i) => i === 0 || risksUp[i - 1] <= r), `and again ascending (${risksUp})`);

  // --- the heatmap has axes: day labels and one label per account row.
  const heat = await page.evaluate(() => ({ days: document.querySelectorAll("#detail figure.heatmap text.ax").length,
    rows: document.querySelectorAll("#detail figure.heatmap text.rl").length }));
  check(heat.days >= 2 && heat.rows > 0, `the heatmap has time and account labels (${JSON.stringify(heat)})`);

  // --- links between communities that share entities.
  const links = await page.$$eval("#links a", (a) => a.map((x) => x.getAttribute("data-community")));
  if (spec.expect_links) check(links.length > 0, "the community lists communities it shares entities with");
  if (links.length > 0) {
    // A real click, after the link is scrolled to the middle of the window
    // (the graph above it may still be laying out and move it).
    const link = await page.$("#links a");
    await link.evaluate((a) => a.scrollIntoView({ block: "center" }));
    await link.click();
    await page.waitForSelector(`#detail[data-community="${links[0]}"]`, { timeout: 5000 });
  }

  // --- filters hide communities: by risk, by signal, by size.
  const total = status.communities;
  await page.$eval("#ranking", (r) => r.scrollIntoView({ block: "start" }));
  const risksAll = (await rankingRows(page)).map((r) => Number(r[4]));
  const cut = risksAll.length > 1 ? (risksAll[0] + risksAll[risksAll.length - 1]) / 2 : 0.5;
  await page.$eval("#f-risk", (f, v) => { f.value = String(v); f.dispatchEvent(new Event("input")); }, cut);
  const afterRisk = await rankingRows(page);
  const shown = await page.$eval("#ranking", (r) => Number(r.getAttribute("data-rows")));
  check(shown < total && shown > 0, `the risk filter hides communities (${shown} of ${total} at ${cut})`);
  check(afterRisk.every((r) => Number(r[4]) >= cut), "every community shown is at or above the risk asked");
  const count = await page.$eval("#f-count", (c) => c.textContent);
  check(count.startsWith(`${shown} of ${total}`), `the count says so (${count})`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "report-workbench.png");
  await page.click("#f-reset");
  const sig = await page.$eval("#f-signal", (s) => s.options[1] && s.options[1].value);
  await page.select("#f-signal", sig);
  const afterSignal = await rankingRows(page);
  check(afterSignal.length > 0 && afterSignal.every((r) => r[6].split(/(?=[a-z])/).length > 0 && r[6].includes(sig)),
    `the signal filter keeps communities with ${sig}`);
  await page.click("#f-reset");
  await page.$eval("#f-min", (f) => { f.value = "100000000"; f.dispatchEvent(new Event("input")); });
  check(await page.$eval("#ranking", (r) => Number(r.getAttribute("data-rows"))) === 0, "a size filter can hide every community");
  await page.click("#f-reset");

  check(network.length === 0, `no request leaves the page (${network.slice(0, 3)})`);
  check(pageErrors.length === 0, `no page error (${pageErrors.slice(0, 3)})`);
  await page.close();
  return out;
}

async function hostilePage(spec) {
  const { page, network, pageErrors, status } = await openPage(spec);
  await page.waitForSelector("#detail[data-community]", { timeout: 20000 });
  const pwned = await page.evaluate(() => ({ attr: document.documentElement.hasAttribute("data-pwned"),
    el: document.querySelectorAll("pwned").length, img: document.querySelectorAll("img").length,
    iframe: document.querySelectorAll("iframe").length,
    scripts: document.querySelectorAll("script").length }));
  check(!pwned.attr && pwned.el === 0, `no payload ran (${JSON.stringify(pwned)})`);
  check(pwned.img === 0 && pwned.iframe === 0, "no <img> or <iframe> made it into the page");
  check(pwned.scripts === 3, `exactly our three script elements (${pwned.scripts})`);
  // Searching for the payload finds the hostile account as text, and opening it keeps it text.
  await page.type("#search", "<script>");
  await page.waitForSelector("#search-results:not([hidden]) .hit");
  const hits = await page.$$eval("#search-results .hit .i", (els) => els.map((e) => e.textContent));
  check(hits.some((h) => h.startsWith("a:<script>")), `the payload id is found as text (${hits.slice(0, 3)})`);
  await page.click("#search-results .hit");
  await page.waitForSelector("#members .vt-row.hl");
  const row = await page.$eval("#members .vt-row.hl .id", (e) => e.textContent);
  check(row.startsWith("a:<script>"), `the member row shows the payload as text (${row.slice(0, 40)})`);
  const after = await page.evaluate(() => document.documentElement.hasAttribute("data-pwned") || document.querySelectorAll("pwned").length > 0);
  check(!after, "still nothing ran after searching and opening it");
  // Every community of the hostile run opens without an error.
  const ids = await page.evaluate(() => JSON.parse(document.getElementById("hs-data").textContent).communities.map((c) => c.id));
  for (const id of ids) await page.evaluate((i) => window.hydrascopeReport.open(i), id);
  const errs = await page.$eval("#hs-status", (s) => s.getAttribute("data-errors"));
  check(errs === "0", `opening every community records no error (${errs})`);
  check(network.length === 0, `no request leaves the page (${network.slice(0, 3)})`);
  check(pageErrors.length === 0, `no page error (${pageErrors.slice(0, 3)})`);
  await page.close();
  return { page: spec.name, fcp_ms: status.fcp, ranking_paint_ms: status.rankingPaint, ready_ms: status.ready, load_ms: status.load };
}

async function manyPage(spec) {
  const { page, network, status, wall } = await openPage(spec);
  const out = { page: spec.name, communities: status.communities, sections: status.sections, fcp_ms: status.fcp,
                ranking_paint_ms: status.rankingPaint, ready_ms: status.ready, load_ms: status.load, wall_ms: wall };
  // The ranking is on screen (its first row painted) at ranking_paint_ms.
  const firstRow = await page.$$eval("#ranking .vt-row", (rows) => rows.length ? rows[0].children[0].textContent : "");
  check(firstRow === "1", `the ranking shows rank 1 first (${firstRow})`);
  check(status.communities >= spec.communities, `${status.communities} suspect communities in the ranking (>= ${spec.communities})`);
  // Scrolling the ranking to the end renders its last rows.
  await page.$eval("#ranking .vt-body", (b) => { b.scrollTop = b.scrollHeight; b.dispatchEvent(new Event("scroll")); });
  await new Promise((r) => setTimeout(r, 100));
  const last = await page.$$eval("#ranking .vt-row", (rows) => Number(rows[rows.length - 1].children[0].textContent));
  check(last === status.communities, `the last rank renders at the end of the ranking (${last})`);
  // The first community's member list: 10,000 rows, virtualized (a few dozen
  // in the DOM), scrolled to the end and sorted, each in a frame or two.
  await page.waitForSelector('#detail[data-community="1"] #members[data-rows]');
  const members = await page.$eval("#members", (m) => ({ rows: Number(m.getAttribute("data-rows")),
    dom: m.querySelectorAll(".vt-row").length }));
  check(members.rows === spec.first_members && members.dom > 0 && members.dom < 80,
    `a ${spec.first_members}-row member list keeps few rows in the page (${JSON.stringify(members)})`);
  out.members_rows = members.rows;
  out.members_dom_rows = members.dom;
  const t0 = Date.now();
  await page.$eval("#members .vt-body", (b) => { b.scrollTop = b.scrollHeight; b.dispatchEvent(new Event("scroll")); });
  await page.waitForFunction((n) => Array.from(document.querySelectorAll("#members .vt-row"))
    .some((r) => r.style.top === ((n - 1) * 26) + "px"), { timeout: 5000 }, spec.first_members);
  out.members_scroll_end_ms = Date.now() - t0;
  const t1s = Date.now();
  await page.$$eval("#members .vt-head > div", (h) => h[0].click());  // sort by account id
  out.members_sort_ms = Date.now() - t1s;
  const sorted = await page.$$eval("#members .vt-row", (rows) => rows.slice(0, 5).map((r) => r.children[0].textContent));
  check(sorted.length > 1 && sorted.every((x, i) => i === 0 || sorted[i - 1].localeCompare(x) <= 0), `members sort by id (${sorted})`);
  // The event filter (tracking): only communities of that event stay.
  const events = await page.$$eval("#f-event option", (o) => o.map((x) => x.value).filter((v) => v));
  check(events.join() === "grown,new,same", `the event filter lists the run's events (${events})`);
  await page.select("#f-event", "grown");
  const grown = await page.$eval("#ranking", (r) => Number(r.getAttribute("data-rows")));
  const evCells = await page.$$eval("#ranking .vt-row", (rows) => rows.map((r) => r.children[7].textContent));
  check(grown === spec.communities / 4 && evCells.length > 0 && evCells.every((e) => e === "grown"),
    `the event filter keeps the ${spec.communities / 4} grown communities (${grown}, ${evCells.slice(0, 3)})`);
  await page.click("#f-reset");
  // A filter, a search and opening a low-ranked community stay quick.
  const t1 = Date.now();
  await page.$eval("#f-min", (f) => { f.value = "5"; f.dispatchEvent(new Event("input")); });
  out.filter_ms = Date.now() - t1;
  const t2 = Date.now();
  await page.type("#search", "a:");
  await page.waitForSelector("#search-results:not([hidden]) .hit");
  out.search_ms = Date.now() - t2;
  const t3 = Date.now();
  await page.evaluate((id) => window.hydrascopeReport.open(id), spec.last_community);
  await page.waitForSelector(`#detail[data-community="${spec.last_community}"]`);
  out.open_ms = Date.now() - t3;
  check(network.length === 0, `no request leaves the page (${network.slice(0, 3)})`);
  if (spec.max_first_paint_ms)
    check(status.fcp > 0 && status.rankingPaint > 0 && status.rankingPaint < spec.max_first_paint_ms,
      `first paint ${status.fcp} ms, ranking painted at ${status.rankingPaint} ms (< ${spec.max_first_paint_ms} ms)`);
  await page.close();
  return out;
}

try {
  for (const spec of config.pages) {
    let out;
    if (spec.kind === "real") out = await realPage(spec);
    else if (spec.kind === "hostile") out = await hostilePage(spec);
    else out = await manyPage(spec);
    console.log(JSON.stringify(out));
  }
} catch (e) {
  failures++;
  console.error(`FAIL ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
