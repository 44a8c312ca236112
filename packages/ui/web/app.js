// The tsa ui page: Preact components written with htm's tagged templates (no build step). The route and
// every query live in the URL's hash, so a view can be shared and the back button works.
/* global fetch, location, URLSearchParams, setInterval, clearInterval, EventSource, addEventListener, removeEventListener, document -- a browser page */
import { html, render, useEffect, useState } from "/assets/preact.js";

const TERMINAL = ["completed", "failed", "interrupted"];

async function api(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

function parseHash() {
  const [path, query = ""] = (location.hash.slice(1) || "/").split("?");
  return { path, params: new URLSearchParams(query) };
}

function go(path, params) {
  const query = params === undefined ? "" : params.toString();
  location.hash = `${path}${query === "" ? "" : `?${query}`}`;
}

/** Fetches `path` whenever it changes (and every `everyMs` when given): [data, error]. */
function useApi(path, everyMs) {
  const [state, setState] = useState([null, null]);
  useEffect(() => {
    let live = true;
    const load = () =>
      api(path).then(
        (data) => live && setState([data, null]),
        (error) => live && setState([null, error.message]),
      );
    load();
    const timer = everyMs === undefined ? undefined : setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path]);
  return state;
}

const fmt = (v, digits = 4) =>
  v === null || v === undefined
    ? "–"
    : typeof v === "number"
      ? Number.isInteger(v)
        ? String(v)
        : v.toFixed(digits)
      : typeof v === "object"
        ? JSON.stringify(v)
        : String(v);
const pointText = (point) =>
  Object.entries(point)
    .map(([k, v]) => `${k.replace(/^data\./, "")}=${fmt(v, 3)}`)
    .join(" ") || "–";
const duration = (ms) =>
  ms === null
    ? "–"
    : ms < 60_000
      ? `${Math.round(ms / 1000)} s`
      : ms < 3_600_000
        ? `${Math.round(ms / 60_000)} min`
        : `${(ms / 3_600_000).toFixed(1)} h`;

function Status({ status, didNotLearn }) {
  return html`<span class="badge ${status}" data-status=${status}>${status}</span
    >${didNotLearn ? html` <span class="badge dnl">did not learn</span>` : null}`;
}

function Failure({ message }) {
  return message === null ? null : html`<p class="error" role="alert">${message}</p>`;
}

function Experiments() {
  const [experiments, error] = useApi("/api/experiments", 2000);
  if (experiments === null) return html`<${Failure} message=${error} />`;
  return html`<h1>Experiments</h1>
    <table data-view="experiments">
      <thead>
        <tr>
          <th>experiment</th>
          <th>runs</th>
          <th>by status</th>
          <th>progress</th>
          <th>ETA</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${experiments.map((e) => {
          const done = e.counts.completed + e.counts.failed + e.counts.interrupted;
          const runs = new URLSearchParams({ experiment: e.name });
          return html`<tr key=${e.name}>
            <td>
              <a href=${`#/runs?${runs}`}>${e.name}</a>
              <div class="muted">${e.description}</div>
            </td>
            <td class="num">${e.total}</td>
            <td>
              ${Object.entries(e.counts)
                .filter(([, n]) => n > 0)
                .map(([s, n]) => html`<span class="badge ${s}">${n} ${s}</span> `)}
            </td>
            <td><progress max=${Math.max(1, e.total)} value=${done} title=${`${done} of ${e.total}`}></progress> ${done}/${e.total}</td>
            <td>${e.etaMs === null ? "–" : duration(e.etaMs)}</td>
            <td>
              <a href=${`#/compare?${new URLSearchParams({ experiment: e.name, group: "model" })}`}>compare models</a> ·
              <a href=${`/experiments/${encodeURIComponent(e.name)}/report`}>report (live)</a>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
}

const FIXED = [
  ["id", "id"],
  ["experiment", "experiment"],
  ["model", "model"],
  ["point", null],
  ["seed", "seed"],
  ["status", "status"],
  ["epochs", "epochs_run"],
  ["test F1", "f1"],
];

function ColumnChooser({ keys, chosen, onChange }) {
  const toggle = (key) => onChange(chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key]);
  return html`<details class="columns">
    <summary>columns (${chosen.length})</summary>
    <div>
      ${keys.map((k) => html`<label key=${k}><input type="checkbox" checked=${chosen.includes(k)} onChange=${() => toggle(k)} /> ${k}</label>`)}
    </div>
  </details>`;
}

function Runs({ params }) {
  const [page, error] = useApi(`/api/runs?${params}`);
  const [keys] = useApi("/api/keys");
  const [selected, setSelected] = useState([]);
  const where = params.getAll("where");
  const [filter, setFilter] = useState(where.join("; "));
  useEffect(() => setFilter(where.join("; ")), [params.toString()]);
  const columns = (params.get("columns") ?? "").split(",").filter((c) => c !== "");
  const offset = Number(params.get("offset") ?? 0);
  const limit = Number(params.get("limit") ?? 50);
  const change = (edit) => {
    const next = new URLSearchParams(params);
    edit(next);
    go("/runs", next);
  };
  const apply = (event) => {
    event.preventDefault();
    change((p) => {
      p.delete("where");
      for (const w of filter
        .split(";")
        .map((s) => s.trim())
        .filter((s) => s !== ""))
        p.append("where", w);
      p.delete("offset");
    });
  };
  const sortBy = (key) =>
    change((p) => {
      const desc = p.get("sort") === key && p.get("desc") !== "1";
      p.set("sort", key);
      if (desc) p.set("desc", "1");
      else p.delete("desc");
      p.delete("offset");
    });
  const header = (label, key) => {
    const arrow = params.get("sort") === key ? (params.get("desc") === "1" ? " ▼" : " ▲") : "";
    return key === null
      ? html`<th>${label}</th>`
      : html`<th class="sortable" data-sort=${key} onClick=${() => sortBy(key)}>${label}${arrow}</th>`;
  };
  const pick = (id) => setSelected(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return html`<h1>Runs${params.get("experiment") ? html` of <code>${params.get("experiment")}</code>` : null}</h1>
    <form class="filter" onSubmit=${apply}>
      <input
        type="text"
        name="where"
        value=${filter}
        onInput=${(e) => setFilter(e.target.value)}
        placeholder="where, e.g. f1>=0.9; model=cnn; data.noise=0.1"
      />
      <button type="submit">filter</button>
      ${keys === null ? null : html`<${ColumnChooser} keys=${keys} chosen=${columns} onChange=${(c) => change((p) => (c.length === 0 ? p.delete("columns") : p.set("columns", c.join(","))))} />`}
      <button
        type="button"
        disabled=${selected.length < 2}
        onClick=${() => go("/compare", new URLSearchParams({ ids: selected.join(","), group: "run" }))}
      >
        compare ${selected.length} selected
      </button>
    </form>
    <${Failure} message=${error} />
    ${
      page === null
        ? null
        : html`<div class="pager" data-total=${page.total}>
              <button disabled=${offset === 0} onClick=${() => change((p) => p.set("offset", String(Math.max(0, offset - limit))))}>
                ← previous
              </button>
              <span
                >${page.total === 0 ? "no runs" : `${offset + 1}–${offset + page.rows.length} of ${page.total.toLocaleString("en")}`}</span
              >
              <button disabled=${offset + limit >= page.total} onClick=${() => change((p) => p.set("offset", String(offset + limit)))}>
                next →
              </button>
            </div>
            <table data-view="runs">
              <thead>
                <tr>
                  <th></th>
                  ${FIXED.map(([label, key]) => header(label, key))}${columns.map((c) => header(c, c))}
                </tr>
              </thead>
              <tbody>
                ${page.rows.map(
                  (r) =>
                    html`<tr key=${r.id} data-run=${r.id}>
                      <td><input type="checkbox" checked=${selected.includes(r.id)} onChange=${() => pick(r.id)} aria-label="select" /></td>
                      <td>
                        <a href=${`#/run/${r.id}`}><code>${r.id.slice(0, 10)}</code></a>
                      </td>
                      <td>${r.experiment}</td>
                      <td>${r.model}</td>
                      <td>${pointText(r.point)}</td>
                      <td class="num">${r.seed}</td>
                      <td><${Status} status=${r.status} didNotLearn=${r.didNotLearn} /></td>
                      <td class="num">${fmt(r.epochsRun)}</td>
                      <td class="num">${fmt(r.testF1)}</td>
                      ${columns.map((c) => html`<td class="num">${fmt(r.values[c])}</td>`)}
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
}

const METRIC_ROWS = [
  ["accuracy", "accuracy"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["F1", "f1"],
  ["ROC AUC", "rocAuc"],
  ["attention mass in window", "attentionMassInWindow"],
];

/** One run; its epochs arrive from the server (server-sent events) while it trains, without a reload. */
function Run({ id }) {
  const [run, setRun] = useState(null);
  const [error, setError] = useState(null);
  const [epochs, setEpochs] = useState([]);
  const [status, setStatus] = useState(null);
  const load = () =>
    api(`/api/runs/${encodeURIComponent(id)}`).then(
      (r) => {
        setRun(r);
        setEpochs(r.epochs);
        setStatus(r.status);
      },
      (e) => setError(e.message),
    );
  useEffect(() => {
    load();
  }, [id]);
  const live = run !== null && !TERMINAL.includes(run.status);
  useEffect(() => {
    if (!live) return undefined;
    const last = run.epochs.at(-1)?.epoch ?? 0;
    const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events?after=${last}`);
    source.addEventListener("progress", (event) => {
      const progress = JSON.parse(event.data);
      setEpochs((known) => [...known.filter((e) => !progress.epochs.some((n) => n.epoch === e.epoch)), ...progress.epochs]);
      setStatus(progress.status);
      if (TERMINAL.includes(progress.status)) {
        source.close();
        load();
      }
    });
    return () => source.close();
  }, [id, live]);
  if (run === null) return html`<${Failure} message=${error} />`;
  return html`<h1>Run <code>${run.id.slice(0, 12)}</code> <${Status} status=${status} didNotLearn=${run.didNotLearn} /></h1>
    <p class="muted">
      ${run.experiment} · ${run.model} · ${pointText(run.point)} · seed ${run.seed} · ${run.backend} · best epoch
      ${fmt(run.bestEpoch)}${run.error ? ` · ${run.error}` : ""}
    </p>
    <div class="grid">
      <div>
        <h2>Metrics</h2>
        <table data-view="metrics">
          <thead>
            <tr>
              <th></th>
              <th>validation</th>
              <th>test</th>
            </tr>
          </thead>
          <tbody>
            ${METRIC_ROWS.map(
              ([label, key]) =>
                html`<tr>
                  <td>${label}</td>
                  <td class="num">${fmt(run.val?.[key])}</td>
                  <td class="num">${fmt(run.test?.[key])}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>Config</h2>
        <pre>${JSON.stringify(run.config, null, 2)}</pre>
      </div>
      <div>
        <h2>Training curves</h2>
        <img
          class="chart"
          data-chart="curves"
          alt="training curves"
          src=${`/api/runs/${encodeURIComponent(id)}/curves.svg?epochs=${epochs.length}`}
        />
        <table data-view="epochs">
          <thead>
            <tr>
              <th>epoch</th>
              <th>train loss</th>
              <th>validation loss</th>
              <th>train accuracy</th>
              <th>validation accuracy</th>
              <th>ms</th>
            </tr>
          </thead>
          <tbody>
            ${epochs.map(
              (e) =>
                html`<tr key=${e.epoch} data-epoch=${e.epoch}>
                  <td class="num">${e.epoch}</td>
                  <td class="num">${fmt(e.trainLoss)}</td>
                  <td class="num">${fmt(e.valLoss)}</td>
                  <td class="num">${fmt(e.trainAccuracy)}</td>
                  <td class="num">${fmt(e.valAccuracy)}</td>
                  <td class="num">${fmt(e.durationMs, 0)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${
          run.attentionSamples > 0
            ? html`<h2>Attention</h2>
                <img
                  class="chart"
                  data-chart="attention"
                  alt="attention overlay"
                  src=${`/api/runs/${encodeURIComponent(id)}/attention.svg`}
                />`
            : null
        }
      </div>
    </div>`;
}

function Compare({ params }) {
  const [data, error] = useApi(`/api/compare?${params}`);
  const group = params.get("group") ?? "model";
  const regroup = (g) => {
    const next = new URLSearchParams(params);
    next.set("group", g);
    go("/compare", next);
  };
  return html`<h1>Compare</h1>
    <p>
      group by
      <select value=${group} onChange=${(e) => regroup(e.target.value)}>
        ${["run", "model", "point", "model,point"].map((g) => html`<option value=${g}>${g.replace(",", " × ")}</option>`)}
      </select>
    </p>
    <${Failure} message=${error} />
    ${
      data === null
        ? null
        : html`<img class="chart" data-chart="compare" alt="validation loss by group" src=${`/api/compare.svg?${params}`} />
            ${
              data.differences.length === 0
                ? null
                : html`<h2>Paired differences in test F1 (a − b, 95% t interval)</h2>
                    <table data-view="differences">
                      <thead>
                        <tr>
                          <th>a</th>
                          <th>b</th>
                          <th>pairs</th>
                          <th>mean</th>
                          <th>interval</th>
                          <th>p</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${data.differences.map(
                          (d) =>
                            html`<tr>
                              <td>${d.a}</td>
                              <td>${d.b}</td>
                              <td class="num">${d.pairs}</td>
                              <td class="num">${fmt(d.mean)}</td>
                              <td class="num">[${fmt(d.lo)}, ${fmt(d.hi)}]</td>
                              <td class="num">${fmt(d.p, 3)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
            }
            <h2>Runs (${data.runs.length})</h2>
            <table data-view="compared">
              <thead>
                <tr>
                  <th>run</th>
                  <th>group</th>
                  <th>status</th>
                  <th>test F1</th>
                </tr>
              </thead>
              <tbody>
                ${data.runs.map(
                  (r) =>
                    html`<tr key=${r.id}>
                      <td>
                        <a href=${`#/run/${r.id}`}><code>${r.id.slice(0, 10)}</code></a>
                      </td>
                      <td>${r.group}</td>
                      <td><${Status} status=${r.status} /></td>
                      <td class="num">${fmt(r.testF1)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
}

/** An experiment as a whole: configuration → metric for every completed run, curves by model × point, its report. */
function Sweep({ name }) {
  const [version, setVersion] = useState(0);
  // Redrawn every 5 s: runs finish while the page is open.
  useEffect(() => {
    const timer = setInterval(() => setVersion((v) => v + 1), 5000);
    return () => clearInterval(timer);
  }, [name]);
  const query = new URLSearchParams({ experiment: name, group: "model,point" });
  return html`<h1>Sweep <code>${name}</code></h1>
    <p>
      <a href=${`/experiments/${encodeURIComponent(name)}/report`}>the report's sections, rendered now from the store</a> ·
      <a href=${`#/runs?${new URLSearchParams({ experiment: name })}`}>its runs</a> ·
      <a href=${`#/compare?${query}`}>compare model × point</a>
    </p>
    <h2>Configuration → test F1 (parallel coordinates)</h2>
    <img
      class="chart"
      data-chart="parallel"
      alt="parallel coordinates"
      src=${`/api/experiments/${encodeURIComponent(name)}/parallel.svg?v=${version}`}
    />
    <h2>Validation loss by model × point (mean ± sd over seeds)</h2>
    <img class="chart" data-chart="sweep-curves" alt="curves by model and point" src=${`/api/compare.svg?${query}&v=${version}`} />`;
}

function App() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const onChange = () => setRoute(parseHash());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  const { path, params } = route;
  const view = path.startsWith("/run/")
    ? html`<${Run} id=${decodeURIComponent(path.slice(5))} />`
    : path === "/runs"
      ? html`<${Runs} params=${params} />`
      : path.startsWith("/sweep/")
        ? html`<${Sweep} name=${decodeURIComponent(path.slice(7))} />`
        : path === "/compare"
          ? html`<${Compare} params=${params} />`
          : html`<${Experiments} />`;
  return html`<header><strong>tsa ui</strong><a href="#/">experiments</a><a href="#/runs">runs</a></header>
    <main>${view}</main>`;
}

render(html`<${App} />`, document.getElementById("app"));
