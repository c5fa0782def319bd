// One incident, printable. The call id comes from the URL fragment, which the browser never sends to a server.
import {
  h, replaceChildren, api, loadSession, wireSignOut, levelBadge, outcomeLabel, kindLabel, highlight,
  formatTime, formatDateTime, formatDuration,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const ui = {
  callLine: $("call-line"),
  status: $("incident-status"),
  content: $("incident-content"),
  summary: $("incident-summary"),
  timeline: $("timeline-rows"),
  warnings: $("warning-rows"),
  responses: $("responses"),
  exportJson: $("export-json"),
  print: $("print"),
};

let incident = null;
let loadNumber = 0;

function callIdFromHash() {
  const match = /(?:^#|&)call=([^&]*)/.exec(location.hash);
  if (!match) return "";
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return "";
  }
}

function showStatus(text, isError) {
  ui.status.className = isError ? "status-line error-text" : "status-line";
  ui.status.textContent = text;
}

function capitalize(text) {
  const s = String(text || "");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function summaryItem(term, ...value) {
  return [h("div", { class: "summary-item" }, h("dt", null, term), h("dd", null, ...value))];
}

function renderSummary(view) {
  const duration = view.durationSeconds != null ? formatDuration(view.durationSeconds) : "Ongoing";
  replaceChildren(ui.summary,
    summaryItem("Agent", view.agentId || "-"),
    summaryItem("Customer", h("span", { class: "mono" }, view.customerId || "-")),
    summaryItem("Team", view.teamId || "-"),
    summaryItem("Started", h("time", { datetime: view.startedAt }, formatDateTime(view.startedAt))),
    summaryItem("Ended", view.endedAt ? h("time", { datetime: view.endedAt }, formatDateTime(view.endedAt)) : "Not yet"),
    summaryItem("Duration", duration),
    summaryItem("Level reached", levelBadge(view.highestLevel)),
    summaryItem("Outcome", outcomeLabel(view.outcome) || "-"),
    summaryItem("Threat", view.threat ? h("span", { class: "tag tag-threat" }, "Yes") : "No"),
    summaryItem("Supervisor alerted", view.supervisorAlerted ? "Yes" : "No"),
    summaryItem("Utterances", String(Number(view.utterances) || 0)));
}

function timelineRow(entry, evidence) {
  const categories = (entry.categories || []).filter(Boolean);
  const offset = entry.offsetMs != null ? formatDuration(entry.offsetMs / 1000) : "";
  return h("tr", { "data-testid": "timeline-row", "data-seq": entry.seq, class: categories.length ? "is-flagged" : null },
    h("th", { scope: "row", class: "nowrap" },
      h("span", { class: "num" }, offset),
      entry.at ? [h("br"), h("time", { class: "muted small", datetime: entry.at }, formatTime(entry.at))] : null),
    h("td", null, capitalize(entry.speaker) || "-"),
    h("td", { class: "excerpt" }, highlight(entry.excerpt, evidence)),
    h("td", null, categories.length
      ? categories.map((c, i) => [i ? " " : null, h("span", { class: "tag tag-category" }, kindLabel(c))])
      : "-"),
    h("td", null, levelBadge(entry.levelAfter)));
}

function emptyRow(columns, text) {
  return h("tr", { class: "empty-row" }, h("td", { colspan: columns }, text));
}

function render(view) {
  const evidence = view.evidence || [];
  ui.callLine.textContent = `Call ${view.callId}`;
  document.title = `Incident ${view.callId} - AbuseDetector`;
  renderSummary(view);

  const timeline = view.timeline || [];
  replaceChildren(ui.timeline, timeline.length ? timeline.map((e) => timelineRow(e, evidence)) : emptyRow(5, "Nothing was said."));

  const warnings = view.warnings || [];
  replaceChildren(ui.warnings, warnings.length
    ? warnings.map((w) => h("tr", { "data-testid": "warning-row" },
      h("td", { class: "nowrap" }, h("time", { datetime: w.at }, formatTime(w.at))),
      h("td", null, levelBadge(w.level)),
      h("td", null, w.script ? h("q", null, w.script) : "-"),
      h("td", null, w.givenByAgent ? "Given" : "Recommended, not given")))
    : emptyRow(4, "No warnings were recommended."));

  const responses = view.supervisorResponses || [];
  replaceChildren(ui.responses, responses.length
    ? h("ul", { class: "plain-list" }, responses.map((r) => h("li", null,
      h("strong", null, r.name || "A supervisor"),
      r.joining ? " joined the call" : " acknowledged",
      r.at ? [" at ", h("time", { datetime: r.at }, formatTime(r.at))] : null)))
    : h("p", { class: "muted" }, "No supervisor responded."));
}

async function load() {
  const number = ++loadNumber;
  const callId = callIdFromHash();
  incident = null;
  ui.exportJson.disabled = true;
  ui.print.disabled = true;
  if (!callId) {
    ui.content.hidden = true;
    ui.callLine.textContent = "No call chosen";
    showStatus("No call chosen. Open an incident from the Incidents page.", true);
    return;
  }
  showStatus("Loading the incident…", false);
  try {
    const view = await api("/supervisor/api/incidents/get", { callId });
    if (number !== loadNumber) return;
    incident = view;
    render(view);
    ui.content.hidden = false;
    ui.exportJson.disabled = false;
    ui.print.disabled = false;
    showStatus("", false);
  } catch (error) {
    if (number !== loadNumber || error.status === 401) return;
    ui.content.hidden = true;
    ui.callLine.textContent = `Call ${callId}`;
    showStatus(error.message, true);
  }
}

function exportJson() {
  if (!incident) return;
  const blob = new Blob([JSON.stringify(incident, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: `incident-${incident.callId}.json`, class: "visually-hidden" }, "Download");
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000); // the download has started by then
}

async function start() {
  wireSignOut($("sign-out"), "supervisor");
  ui.exportJson.addEventListener("click", exportJson);
  ui.print.addEventListener("click", () => window.print());
  window.addEventListener("hashchange", load);
  try {
    const session = await loadSession("supervisor");
    $("user-name").textContent = session.name;
  } catch (error) {
    if (error.status === 401) return;
    showStatus(error.message, true);
    return;
  }
  load();
}

start();
