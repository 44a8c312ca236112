import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "./svg.js";

const require = createRequire(import.meta.url);

/**
 * The browser builds of vega, vega-lite and vega-embed, read from node_modules to inline in each page.
 * Their package.json is not exported, so the package folder is found from the resolved entry point.
 */
function browserBuild(pkg: string, file: string): string {
  const entry = require.resolve(pkg);
  const marker = `${sep}node_modules${sep}${pkg}${sep}`;
  const root = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  return readFileSync(join(root, "build", file), "utf8");
}

let scripts: string | null = null;
function vegaScripts(): string {
  scripts ??= [
    browserBuild("vega", "vega.min.js"),
    browserBuild("vega-lite", "vega-lite.min.js"),
    browserBuild("vega-embed", "vega-embed.min.js"),
  ]
    .map((source) => `<script>${source.replace(/<\/script/gi, "<\\/script")}</script>`)
    .join("\n");
  return scripts;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * A block of the page: HTML, or a chart (rendered to static SVG, made live in the browser). A block with a
 * `view` shows only in that view of the page: `all` (every completed run, the default) or `learned`
 * (conditional on learning), switched by the radio buttons `viewSwitch` puts in the header.
 */
export type Block = ({ html: string } | { chart: TopLevelSpec; caption?: string }) & { view?: PageView };
export type PageView = "all" | "learned";

/** Two radio buttons that switch the page between its views, with no script (CSS :has), so it works offline and from disk. */
export function viewSwitch(labels: Record<PageView, string>): string {
  const input = (view: PageView, checked: boolean) =>
    `<label><input type="radio" name="view" id="view-${view}" value="${view}"${checked ? " checked" : ""}> ${labels[view]}</label>`;
  return `<p class="views">Numbers over: ${input("all", true)} ${input("learned", false)}</p>`;
}

export interface Section {
  id: string;
  title: string;
  intro?: string;
  blocks: Block[];
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 1080px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.lead { font-size: 1.15rem; background: #f4f8f4; border-left: 4px solid #1a9850; padding: .7rem 1rem; }
.lead + .lead-detail { font-size: .9rem; color: #444; margin-top: -.6rem; padding: 0 1rem 0 calc(1rem + 4px); }
.muted { color: #666; font-size: .9rem; }
nav a { margin-right: .8rem; font-size: .9rem; }
/* A table wider than the page scrolls inside its own box instead of widening the page. */
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; display: block; max-width: 100%; overflow-x: auto; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #fafafa; }
figure { margin: 1rem 0; } figcaption { color: #555; font-size: .88rem; }
.chart svg { max-width: 100%; height: auto; }
code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
.nowrap { white-space: nowrap; }
b.ahead { color: #1a7a40; } b.behind { color: #c0392b; } b.tie { color: #555; font-weight: normal; }
pre { background: #f7f7f7; padding: .6rem; font-size: .8rem; overflow-x: auto; }
.views { background: #fafafa; border: 1px solid #e4e4e4; padding: .4rem .8rem; } .views label { margin-right: 1.2rem; }
.view-learned { display: none; }
body:has(#view-learned:checked) .view-learned { display: block; }
body:has(#view-learned:checked) .view-all { display: none; }
/* A phone: charts keep their size (labels stay legible) and scroll sideways in their box; the header is compact. */
@media (max-width: 600px) {
  body { margin: 1rem auto; padding: 0 .8rem; }
  h1 { font-size: 1.5rem; }
  .lead { font-size: 1rem; padding: .5rem .7rem; }
  .lead + .lead-detail { padding: 0 .7rem 0 calc(.7rem + 4px); }
  .chart { overflow-x: auto; }
  .chart svg { max-width: none; }
}
`;

/**
 * One self-contained page: the style, the three vega libraries and every spec inlined, a static SVG in
 * each chart container. Opened from disk it makes no request; `window.tsaChartsRendered` counts the live
 * charts once every embed has resolved (the browser test waits on it).
 */
export async function renderPage(title: string, header: string, sections: Section[]): Promise<string> {
  const specs: TopLevelSpec[] = [];
  const body: string[] = [];
  for (const section of sections) {
    body.push(`<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2>`);
    if (section.intro !== undefined) body.push(`<p class="muted">${section.intro}</p>`);
    for (const block of section.blocks) {
      const [open, close] = block.view === undefined ? ["", ""] : [`<div class="view-${block.view}">`, "</div>"];
      if ("html" in block) {
        body.push(open + block.html + close);
        continue;
      }
      const index = specs.push(block.chart) - 1;
      const svg = await renderSvg(block.chart);
      body.push(
        `${open}<figure><div class="chart" data-chart="${index}" id="chart-${index}">${svg}</div>` +
          `${block.caption === undefined ? "" : `<figcaption>${block.caption}</figcaption>`}</figure>${close}`,
      );
    }
    body.push("</section>");
  }
  const nav = sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join("");
  const data = JSON.stringify(specs).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${header}
<nav>${nav}</nav>
${body.join("\n")}
${specs.length === 0 ? "" : vegaScripts()}
<script>
(function () {
  var specs = ${data};
  if (specs.length === 0) { window.tsaChartsRendered = 0; return; }
  var jobs = specs.map(function (spec, i) {
    // The live chart is drawn beside the static SVG, which is removed once the live one exists.
    var el = document.getElementById("chart-" + i);
    var live = document.createElement("div");
    el.appendChild(live);
    return vegaEmbed(live, spec, { actions: false, renderer: "svg" })
      .then(function () { el.removeChild(el.firstElementChild); })
      .catch(function (e) { console.error("chart " + i + ": " + e); throw e; });
  });
  Promise.all(jobs).then(function () { window.tsaChartsRendered = specs.length; });
})();
</script>
</body></html>
`;
}
