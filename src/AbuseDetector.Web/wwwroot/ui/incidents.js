// Incident search. Filters go in a POST body, never in the URL: they may hold customer ids.
import {
  h, replaceChildren, api, loadSession, wireSignOut, levelBadge, outcomeLabel, formatDateTime, formatDuration,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const form = $("filter-form");
const rows = $("incident-rows");
const status = $("search-status");

let searchNumber = 0; // only the newest search may fill the table

/** A datetime-local value (local time) as ISO 8601 UTC; "" when empty; null when not a date. */
function toIso(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function incidentRow(incident) {
  const link = "/supervisor/incident#call=" + encodeURIComponent(incident.callId);
  const duration = incident.durationSeconds != null ? formatDuration(incident.durationSeconds) : "Ongoing";
  return h("tr", { "data-testid": "incident-row", "data-call-id": incident.callId },
    h("th", { scope: "row" }, h("a", { href: link, class: "mono" }, incident.callId)),
    h("td", { class: "nowrap" }, h("time", { datetime: incident.startedAt }, formatDateTime(incident.startedAt))),
    h("td", { class: "num" }, duration),
    h("td", null, incident.agentId || "-"),
    h("td", { class: "mono" }, incident.customerId || "-"),
    h("td", null, levelBadge(incident.highestLevel)),
    h("td", null, outcomeLabel(incident.outcome) || "-"),
    h("td", null, incident.threat ? h("span", { class: "tag tag-threat" }, "Threat") : "No"),
    h("td", null, incident.supervisorAlerted ? h("span", { class: "tag tag-info" }, "Yes") : "No"),
    h("td", { class: "num" }, String(Number(incident.utterances) || 0)));
}

function showMessage(text, isError) {
  status.className = isError ? "status-line error-text" : "status-line";
  status.textContent = text;
}

async function search() {
  const data = new FormData(form);
  const from = toIso(data.get("from"));
  const to = toIso(data.get("to"));
  if (from === null || to === null) {
    showMessage("Enter the dates as a full date and time.", true);
    return;
  }
  if (from && to && from > to) {
    showMessage("The \"From\" time is after the \"To\" time.", true);
    return;
  }
  const body = {
    agentId: String(data.get("agentId") || "").trim(),
    customerId: String(data.get("customerId") || "").trim(),
    from,
    to,
    outcome: String(data.get("outcome") || ""),
  };
  const number = ++searchNumber;
  showMessage("Searching…", false);
  try {
    const result = await api("/supervisor/api/incidents/search", body);
    if (number !== searchNumber) return;
    const incidents = (result && result.incidents) || [];
    if (incidents.length === 0) {
      replaceChildren(rows, h("tr", { class: "empty-row" }, h("td", { colspan: 10 }, "No incidents match these filters.")));
      showMessage("No incidents found.", false);
    } else {
      replaceChildren(rows, incidents.map(incidentRow));
      showMessage(`${incidents.length} incident${incidents.length === 1 ? "" : "s"} found.`, false);
    }
  } catch (error) {
    if (number !== searchNumber || error.status === 401) return;
    replaceChildren(rows, h("tr", { class: "empty-row" }, h("td", { colspan: 10 }, "No results to show.")));
    showMessage(error.message, true);
  }
}

async function start() {
  wireSignOut($("sign-out"), "supervisor");
  form.addEventListener("submit", (event) => {
    event.preventDefault(); // no navigation: the filters must not reach a URL
    search();
  });
  form.addEventListener("reset", () => setTimeout(search, 0)); // after the fields are cleared
  try {
    const session = await loadSession("supervisor");
    $("team-line").textContent = `Team ${session.teamId} - ${session.tenantId}`;
    $("user-name").textContent = session.name;
  } catch (error) {
    if (error.status === 401) return;
    showMessage(error.message, true);
    return;
  }
  search();
}

start();
