// The built sites in a real browser (Debian's Chromium, driven by playwright-core):
// no console error and no request to another host on any page type, zero axe-core violations
// (WCAG 2.1 A and AA), zero Nu Html Checker errors in every generated HTML file, search in the
// browser, sorting and filtering, reading without JavaScript, and screenshots for people.
//
// The sites are built by scripts/test into out/ before this runs (see README). Failures name
// the page and the rule.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { readdirSync, statSync } from "node:fs";
import { extname, join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out");
const SITES = { example: join(out, "example"), markers: join(out, "markers"), yongtai: join(out, "yongtai"), zone: join(out, "zone") };
// Served under a sub-path, as a county portal serves its column.
const PREFIX = "/zl/dzsw/";
const shots = join(out, "screenshots");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".xml": "application/xml", ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".png": "image/png",
};

const servers = {};
const origins = {};
let browser;

/// Serves one built site under PREFIX on its own port, with its 404 page for unknown paths.
function serve(name, root) {
  return new Promise((ok) => {
    const server = createServer(async (req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      if (!path.startsWith(PREFIX)) {
        res.writeHead(404, { "content-type": TYPES[".html"] });
        res.end(await readFile(join(root, "404.html")));
        return;
      }
      let file = resolve(root, decodeURIComponent(path.slice(PREFIX.length)));
      if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
      try {
        if ((await stat(file)).isDirectory()) file = join(file, "index.html");
        const body = await readFile(file);
        res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404, { "content-type": TYPES[".html"] });
        res.end(await readFile(join(root, "404.html")));
      }
    });
    servers[name] = server;
    server.listen(0, "127.0.0.1", () => { origins[name] = `http://127.0.0.1:${server.address().port}`; ok(); });
  });
}

const url = (site, path) => `${origins[site]}${PREFIX}${path}`;

before(async () => {
  for (const [name, root] of Object.entries(SITES)) await serve(name, root);
  await mkdir(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  Object.values(servers).forEach((s) => s.close());
});

/// Opens a page, recording console errors, failed loads and requests to other hosts.
async function open(site, path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  const address = url(site, path);
  page.on("console", (m) => {
    // The 404 page is itself served with status 404, which Chromium logs for the document.
    const expected404 = path.startsWith("no-such") && m.location().url === address && m.text().includes("404");
    if (m.type() === "error" && !expected404) problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.origin !== origins[site]) problems.push(`request to another host: ${r.url()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !path.startsWith("no-such")) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(address, { waitUntil: "networkidle" });
  return { context, page, problems, response };
}

// One page of every type, in both sites.
const PAGES = [
  ["example", "", "overview"],
  ["example", "projects/", "project-list"],
  ["example", "projects/cold-chain/", "project"],
  ["example", "documents/", "document-list"],
  ["example", "documents/implementation-plan/", "document"],
  ["example", "notices/", "notice-list"],
  ["example", "notices/award-cold-chain/", "notice"],
  ["example", "funds/", "funds"],
  ["example", "supervision/", "supervision"],
  ["example", "data/", "data"],
  ["example", "search/?q=%E7%89%A9%E6%B5%81", "search"],
  ["example", "changes/", "changes"],
  ["example", "documents/training-notice-2022/", "withdrawn-document"],
  ["example", "no-such-page/", "404"],
  ["markers", "", "overview-with-gaps"],
  ["markers", "projects/", "project-list-with-markers"],
  ["markers", "projects/county-service-center/", "project-with-markers"],
  ["markers", "notices/award-county-service-center/", "notice-with-missed-window"],
  // The second example: a county plan as written (two decisions, 21 towns, a draft, closed).
  ["yongtai", "", "closed-programme"],
  ["yongtai", "projects/service-center/", "project-of-two-decisions"],
  ["yongtai", "projects/stations/", "project-in-21-towns"],
  ["yongtai", "documents/fund-management-draft/", "draft"],
  ["yongtai", "funds/", "funds-in-three-parts"],
  ["zone", "", "zone-overview"],
  ["zone", "counties/markers/", "zone-county"],
  ["zone", "projects/", "zone-project-groups"],
  ["zone", "projects/late/", "zone-project-list"],
  ["zone", "search/?q=%E5%86%B7%E9%93%BE", "zone-search"],
  ["zone", "scoring/", "zone-scoring"],
  ["zone", "data/", "zone-data"],
];

for (const [site, path, name] of PAGES) {
  test(`${site}/${path || "(home)"}: loads cleanly and axe finds no WCAG 2.1 A/AA violation`, async () => {
    const { context, page, problems, response } = await open(site, path);
    try {
      if (name === "404") assert.equal(response.status(), 404);
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      for (const v of results.violations) {
        problems.push(`axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
      }
      assert.deepEqual(problems, [], `${site}/${path}`);
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: join(shots, `${site}-${name}-${width}.png`), fullPage: true });
      }
    } finally {
      await context.close();
    }
  });
}

// Lines as the reader sees them: the characters of each element's text (or, with `pieces`, of
// each run of text between explicit <br> line breaks) grouped by the line box they sit on.
function linesOf([selector, pieces]) {
  const result = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    let tops = new Map();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (pieces && node.tagName === "BR" && tops.size) {
          result.push({ text: el.textContent.trim().replace(/\s+/g, " "), lines: [...tops.values()] });
          tops = new Map();
        }
        continue;
      }
      const chars = Array.from(node.data);
      let at = 0;
      for (const c of chars) {
        range.setStart(node, at);
        range.setEnd(node, at + c.length);
        at += c.length;
        if (!c.trim()) continue;
        const r = range.getBoundingClientRect();
        if (!r.width) continue;
        const top = Math.round(r.top + r.height / 2);
        const line = [...tops.keys()].find((t) => Math.abs(t - top) < r.height / 2);
        if (line === undefined) tops.set(top, c); else tops.set(line, tops.get(line) + c);
      }
    }
    result.push({ text: el.textContent.trim().replace(/\s+/g, " "), lines: [...tops.values()] });
  }
  return result;
}

test("no date, amount, label or table heading breaks across lines, and no heading leaves one character alone", async () => {
  const broken = [];
  for (const [site, path] of PAGES) {
    for (const width of [320, 375, 1280]) {
      const { context, page } = await open(site, path, { viewport: { width, height: 800 } });
      const whole = await page.evaluate(linesOf, ["time, .num, .status, span.marker, .tag, .number, .docno, .id:not(.slug), .nw, thead th, .figure-value", true]);
      for (const { text, lines } of whole) {
        if (lines.length > 1) broken.push(`${site}/${path} at ${width}px: “${text}” breaks as ${JSON.stringify(lines)}`);
      }
      // An address code (cold-chain) may wrap, but only after one of its hyphens.
      const codes = await page.evaluate(linesOf, [".slug", false]);
      for (const { text, lines } of codes) {
        if (lines.slice(0, -1).some((l) => !l.endsWith("-"))) broken.push(`${site}/${path} at ${width}px: “${text}” breaks as ${JSON.stringify(lines)}`);
      }
      const headings = await page.evaluate(linesOf, ["h1, h2, h3, caption", false]);
      for (const { text, lines } of headings) {
        const last = lines[lines.length - 1] || "";
        if (lines.length > 1 && Array.from(last).length < 2) broken.push(`${site}/${path} at ${width}px: “${text}” leaves “${last}” alone`);
        for (let i = 1; i < lines.length; i++) {
          if (/[0-9]$/.test(lines[i - 1]) && /^[0-9年月日%万元]/.test(lines[i])) broken.push(`${site}/${path} at ${width}px: “${text}” splits a figure: ${JSON.stringify(lines)}`);
        }
      }
      await context.close();
    }
  }
  assert.deepEqual(broken, []);
});

test("phones and 200 % zoom: no page scrolls sideways at 320 CSS pixels; large text mode works", async () => {
  const widths = [];
  for (const [site, path] of PAGES) {
    const { context, page } = await open(site, path, { viewport: { width: 320, height: 700 } });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) widths.push(`${site}/${path}: ${overflow}px wider than the screen`);
    await context.close();
  }
  assert.deepEqual(widths, []);
  const { context, page } = await open("example", "projects/cold-chain/");
  const toggle = page.getByRole("button", { name: "大字模式" });
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await toggle.click();
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  assert.ok(after >= before * 1.2, `larger text: ${before}px → ${after}px`);
  await context.close();
});

async function searchFor(query, site = "example") {
  const { context, page, problems } = await open(site, `search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector("#search-results .search-status:not(:has-text('正在搜索'))");
  const links = await page.$$eval("#search-results .search-list a", (as) => as.map((a) => a.getAttribute("href")));
  const status = await page.textContent("#search-results .search-status");
  await context.close();
  assert.deepEqual(problems, []);
  return { links, status };
}

test("search finds Chinese words, a contractor's name and a project id, in the browser", async () => {
  const expect = [
    ["物流", "projects/logistics-center/"],
    ["培训", "projects/ecommerce-training/"],
    ["冷链物流", "projects/cold-chain/"],
    ["韶关市鲜丰冷链物流有限公司", "projects/cold-chain/"],
    ["乡里乡亲", "projects/chain-retail/"],
    ["cold-chain", "projects/cold-chain/"],
    ["2021-02", "projects/cold-chain/"],
  ];
  for (const [query, project] of expect) {
    const { links, status } = await searchFor(query);
    assert.ok(links.some((l) => l.endsWith(project)), `${query}: ${project} not in ${JSON.stringify(links)} (${status})`);
  }
  const none = await searchFor("不存在的词语组合");
  assert.match(none.status, /没有找到/);
  assert.deepEqual(none.links, []);
});

test("the project list sorts and filters with JavaScript, keeping the state in the address", async () => {
  const { context, page, problems } = await open("example", "projects/");
  const visible = () => page.$$eval("table.projects tbody tr", (rs) => rs.filter((r) => !r.hidden).map((r) => r.dataset.id));
  assert.equal((await visible()).length, 11);
  await page.selectOption("#f-category", "training");
  assert.deepEqual((await visible()).sort(), ["ecommerce-training", "training-incubation"]);
  assert.match(page.url(), /category=training/);
  await page.selectOption("#f-category", "");
  await page.fill("#f-q", "丹霞");
  assert.deepEqual(await visible(), ["supply-chain"]);
  await page.fill("#f-q", "");
  const fundingHeader = page.locator("table.projects thead th").nth(3);
  await fundingHeader.getByRole("button").click();
  await fundingHeader.getByRole("button").click();
  assert.equal(await fundingHeader.getAttribute("aria-sort"), "descending");
  assert.equal((await visible())[0], "logistics-center", "the largest funding first");
  assert.match(page.url(), /sort=funding&dir=desc/);
  await context.close();
  assert.deepEqual(problems, []);
  const again = await open("example", "projects/?status=accepted&sort=deadline&dir=desc");
  const ids = await again.page.$$eval("table.projects tbody tr", (rs) => rs.filter((r) => !r.hidden).map((r) => r.dataset.id));
  assert.equal(ids[0], "third-party-supervision", "state restored from the address");
  assert.equal(await again.page.inputValue("#f-status"), "accepted");
  await again.context.close();
});

test("without JavaScript the list, the pages and the search page read fully", async () => {
  const list = await open("example", "projects/", { javaScriptEnabled: false });
  const rows = await list.page.$$eval("table.projects tbody tr", (rs) => rs.filter((r) => !r.hidden).length);
  assert.equal(rows, 11);
  assert.equal(await list.page.$("#f-category"), null, "no controls that would not work");
  await list.context.close();
  const project = await open("example", "projects/supply-chain/", { javaScriptEnabled: false });
  const text = await project.page.textContent("main");
  for (const label of ["决策文件", "项目名称", "建设内容和要求", "承办单位", "承办单位责任人", "扶持资金", "完成时限", "绩效目标", "建设进度", "监督举报", "逾期完工"]) {
    assert.ok(text.includes(label), `project page without JavaScript lacks ${label}`);
  }
  await project.context.close();
  const search = await open("example", "search/", { javaScriptEnabled: false });
  const links = await search.page.$$eval("#all-pages a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.filter((l) => l.includes("projects/")).length >= 11, "every project listed");
  await search.context.close();
});

test("a correction is visible on its record's page, on the changes page and in every footer", async () => {
  const { context, page, problems } = await open("example", "projects/cold-chain/");
  const section = page.getByRole("region", { name: "更正记录" });
  await section.scrollIntoViewIfNeeded();
  assert.ok(await section.isVisible(), "the 更正记录 section is shown");
  const text = await section.textContent();
  assert.match(text, /绩效目标“冷库面积”误录为 1000 平方米/);
  const row = section.getByRole("row", { name: /目标值/ });
  assert.ok(await row.isVisible());
  assert.deepEqual(await row.locator("td").allTextContents(), ["1000", "100"]);
  const footer = await page.textContent("footer");
  assert.match(footer, /公开记录 ledger\.jsonl 共 \d+ 条，最新哈希 [0-9a-f]{12}/);
  await page.getByRole("link", { name: "更正记录" }).last().click();
  await page.waitForURL(/changes\/$/);
  const headings = await page.$$eval("main h2", (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(headings.map((h) => h.split("：")[0]), ["更正", "撤回", "更正"], "newest first");
  await context.close();
  assert.deepEqual(problems, []);
  const withdrawn = await open("example", "documents/training-notice-2022/", { javaScriptEnabled: false });
  assert.match(await withdrawn.page.textContent("main"), /已撤回：本记录已于 2022年7月15日 撤回/);
  await withdrawn.context.close();
});

test("zone: search finds a project of any county by name, contractor, responsible person or county", async () => {
  for (const [query, target] of [
    ["冷链物流", "counties/ruyuan/#p-cold-chain"],
    ["韶关市鲜丰冷链物流有限公司", "counties/ruyuan/#p-cold-chain"],
    ["标注县", "counties/markers/"],
  ]) {
    const { links, status } = await searchFor(query, "zone");
    assert.ok(links.some((l) => l.endsWith(target)), `${query}: ${target} not in ${JSON.stringify(links)} (${status})`);
  }
});

test("zone: every county's score is explained and the pages read without JavaScript", async () => {
  const { context, page } = await open("zone", "counties/markers/", { javaScriptEnabled: false });
  const main = await page.textContent("main");
  assert.match(main, /公开透明与规范评分/);
  assert.match(main, /的建设进度逾期 \d+ 天公开/);
  assert.match(main, /数据同步于 2026年11月25日/);
  await page.goto(url("zone", ""));
  await page.click("text=标注县");
  assert.match(page.url(), /counties\/markers\/$/);
  await context.close();
});

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith(".html") ? [p] : [];
  });
}

test("the Nu Html Checker finds no error in any generated HTML file", () => {
  const files = Object.values(SITES).flatMap(htmlFiles);
  assert.ok(files.length > 40, `${files.length} files`);
  const jar = join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  let report;
  try {
    report = execFileSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    report = e.stderr || e.stdout;
  }
  const messages = report.trim() ? JSON.parse(report).messages : [];
  const errors = messages.filter((m) => m.type === "error").map((m) => `${m.url.replace("file:" + out, "")}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, []);
});
