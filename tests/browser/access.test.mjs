// Reading for older readers and by keyboard alone (适老化, beyond WCAG 2.1 AA), in a real browser:
// axe-core at A and AA in every reading mode (default, 大字模式, 高对比度, both), the modes kept
// from page to page without a cookie, a keyboard-only walk of a project page from the top to
// its complaint channels with the focus visible at every step, line spacing of at least 1.5
// for body text, and no pop-ups anywhere.
//
// The sites are built by scripts/test into out/ before this runs. Failures name the page, the
// mode and the rule.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { extname, join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out");
const SITES = { example: join(out, "example"), markers: join(out, "markers") };
const PREFIX = "/zl/dzsw/";
const shots = join(out, "screenshots");
const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
};

const servers = {};
const origins = {};
let browser;

function serve(name, root) {
  return new Promise((ok) => {
    const server = createServer(async (req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      let file = resolve(root, decodeURIComponent(path.slice(PREFIX.length)));
      if (!path.startsWith(PREFIX) || !file.startsWith(root)) { res.writeHead(404); res.end(); return; }
      try {
        if ((await stat(file)).isDirectory()) file = join(file, "index.html");
        res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
        res.end(await readFile(file));
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
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  Object.values(servers).forEach((s) => s.close());
});

// The reading modes, as a reader leaves them on this device.
const MODES = {
  default: {},
  "large-text": { "gongkai-large-text": "1" },
  "high-contrast": { "gongkai-contrast": "1" },
  "large-text+high-contrast": { "gongkai-large-text": "1", "gongkai-contrast": "1" },
};

/// A browser context whose device remembers `mode`, and a page in it that records problems.
async function inMode(mode, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.addInitScript((stored) => {
    for (const [k, v] of Object.entries(stored)) localStorage.setItem(k, v);
  }, MODES[mode]);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("dialog", (d) => { problems.push(`a dialog: ${d.message()}`); d.dismiss(); });
  // A window the page itself opens (axe-core's own helper pages are not the page's).
  page.on("popup", (p) => problems.push(`a pop-up window: ${p.url()}`));
  return { context, page, problems };
}

const PAGES = [
  ["example", ""],
  ["example", "projects/"],
  ["example", "projects/cold-chain/"],
  ["example", "documents/implementation-plan/"],
  ["example", "notices/award-cold-chain/"],
  ["example", "funds/"],
  ["example", "supervision/"],
  ["example", "search/?q=%E7%89%A9%E6%B5%81"],
  ["markers", "projects/county-service-center/"],
  ["markers", "projects/"],
];

for (const mode of Object.keys(MODES)) {
  test(`${mode}: axe finds no WCAG 2.1 A/AA violation on any page type`, async () => {
    const { context, page, problems } = await inMode(mode);
    try {
      for (const [site, path] of PAGES) {
        await page.goto(url(site, path), { waitUntil: "networkidle" });
        const classes = await page.evaluate(() => document.documentElement.className);
        for (const cls of mode === "default" ? [] : mode.split("+")) {
          assert.ok(classes.split(" ").includes(cls), `${site}/${path}: ${cls} not applied (${classes})`);
        }
        const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        for (const v of results.violations) {
          problems.push(`${site}/${path}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
        }
      }
      await page.goto(url("example", "projects/cold-chain/"), { waitUntil: "networkidle" });
      await page.screenshot({ path: join(shots, `example-project-${mode}.png`), fullPage: true });
      assert.deepEqual(problems, [], mode);
    } finally {
      await context.close();
    }
  });
}

test("the modes are switched in the header and kept from page to page, without a cookie", async () => {
  const { context, page, problems } = await inMode("default");
  await page.goto(url("example", ""), { waitUntil: "networkidle" });
  const contrast = page.getByRole("button", { name: "高对比度" });
  const large = page.getByRole("button", { name: "大字模式" });
  assert.equal(await contrast.getAttribute("aria-pressed"), "false");
  const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await contrast.click();
  await large.click();
  assert.equal(await contrast.getAttribute("aria-pressed"), "true");
  const colours = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
  assert.notEqual(colours[0], before);
  assert.deepEqual(colours, ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], "light text on black");
  // Another page, reached by a link: the same modes, shown as pressed.
  await page.getByRole("navigation", { name: "栏目" }).getByRole("link", { name: "项目清单" }).click();
  await page.waitForLoadState("networkidle");
  assert.match(page.url(), /projects\/$/);
  const classes = await page.evaluate(() => document.documentElement.className.split(" "));
  assert.ok(classes.includes("high-contrast") && classes.includes("large-text"), classes.join(" "));
  assert.equal(await page.getByRole("button", { name: "高对比度" }).getAttribute("aria-pressed"), "true");
  assert.equal(await page.getByRole("button", { name: "大字模式" }).getAttribute("aria-pressed"), "true");
  assert.deepEqual(await context.cookies(), [], "no cookie");
  // Switched off again, off on the next page too.
  await page.getByRole("button", { name: "高对比度" }).click();
  await page.goto(url("example", "supervision/"), { waitUntil: "networkidle" });
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains("high-contrast"))));
  assert.deepEqual(problems, []);
  await context.close();
  // Without JavaScript the buttons are not offered, and the page reads as it is.
  const nojs = await inMode("default", { javaScriptEnabled: false });
  await nojs.page.goto(url("example", "projects/cold-chain/"));
  assert.equal(await nojs.page.getByRole("button", { name: "高对比度" }).count(), 0);
  assert.ok((await nojs.page.textContent("main")).includes("发布日期"));
  await nojs.context.close();
});

/// The focus ring of the focused element, as drawn.
function focusRing() {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || "").trim().slice(0, 30),
    href: el.getAttribute("href") || "",
    inChannels: !!el.closest(".report-box .channels"),
    outline: s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0,
    shadow: s.boxShadow !== "none",
  };
}

for (const mode of ["default", "high-contrast"]) {
  test(`${mode}: a project page walked by keyboard alone reaches its complaint channels, the focus always visible`, async () => {
    const { context, page, problems } = await inMode(mode);
    await page.goto(url("example", "projects/cold-chain/"), { waitUntil: "networkidle" });
    const steps = [];
    let reached = null;
    for (let i = 0; i < 150 && !reached; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(focusRing);
      steps.push(f);
      assert.ok(f.tag !== "body", `step ${i + 1}: the focus left the page`);
      assert.ok(f.outline >= 2 && f.shadow, `step ${i + 1}: no visible focus on <${f.tag}> ${f.text} (${JSON.stringify(f)})`);
      if (f.inChannels) reached = f;
    }
    assert.ok(reached, `never reached the channels: ${steps.map((s) => s.text).join(" | ")}`);
    assert.match(reached.href, /^(tel:|mailto:|https?:)/);
    // The first stop skips to the content, and it works.
    assert.equal(steps[0].text, "跳到正文");
    await page.goto(url("example", "projects/cold-chain/"), { waitUntil: "networkidle" });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
    assert.deepEqual(problems, []);
    await context.close();
  });
}

/// Body text set tighter than 1.5 lines.
function tightText() {
  return Array.from(document.querySelectorAll("main p, main li, main dd, main td, footer p"))
    .filter((el) => el.textContent.trim() !== "")
    .map((el) => {
      const s = getComputedStyle(el);
      return { text: el.textContent.trim().slice(0, 20), ratio: parseFloat(s.lineHeight) / parseFloat(s.fontSize), lh: s.lineHeight };
    })
    .filter((x) => !(x.ratio >= 1.5));
}

test("body text is spaced at least 1.5 lines, in both text sizes", async () => {
  for (const mode of ["default", "large-text"]) {
    const { context, page } = await inMode(mode);
    for (const [site, path] of PAGES) {
      await page.goto(url(site, path), { waitUntil: "networkidle" });
      assert.deepEqual(await page.evaluate(tightText), [], `${mode} ${site}/${path}`);
    }
    await context.close();
  }
});

test("the checks above notice a page without a focus ring or with cramped lines", async () => {
  // The control: the same measurements on a page whose styles take both away.
  const { context, page } = await inMode("default");
  await page.goto(url("example", "projects/cold-chain/"), { waitUntil: "networkidle" });
  await page.addStyleTag({ content: "*:focus-visible { outline: none !important; box-shadow: none !important; } main p { line-height: 1.2 !important; }" });
  await page.keyboard.press("Tab");
  const f = await page.evaluate(focusRing);
  assert.ok(f.outline < 2 && !f.shadow, JSON.stringify(f));
  assert.ok((await page.evaluate(tightText)).length > 0);
  await context.close();
});

test("no pop-ups: no link or form opens another window, no script opens one", async () => {
  const { context, page, problems } = await inMode("default");
  for (const [site, path] of PAGES) {
    await page.goto(url(site, path), { waitUntil: "networkidle" });
    const targets = await page.$$eval("a[target], form[target], area[target], base[target]", (els) => els.map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(targets, [], `${site}/${path}`);
  }
  // The footer's entries to other sites open in this same window.
  await page.goto(url("example", ""), { waitUntil: "networkidle" });
  for (const name of ["我为政府网站找错", "党政机关网站标识"]) {
    const link = page.locator("footer").getByRole("link", { name });
    assert.equal(await link.count(), 1, name);
    assert.equal(await link.getAttribute("target"), null, name);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
