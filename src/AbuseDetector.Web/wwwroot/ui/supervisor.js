// Supervisor dashboard: live calls, the alert feed and team wellbeing, kept current by server-sent events.
import {
  h, svg, append, replaceChildren, announce, nextId, api, loadSession, wireSignOut, connectEvents,
  levelBadge, severityLabel, kindLabel, formatTime, durationElement, tickDurations, sparkline, takenText,
} from "./common.js";

const STORAGE_KEY = "abuse-detector.supervisor.last-alert-id";
const MAX_ALERTS = 150; // older alerts leave the page (their ids stay known, so they never come back)
const TAKEN_KINDS = new Set(["supervisor_acknowledged", "supervisor_joining"]);

const $ = (id) => document.getElementById(id);
const ui = {
  teamLine: $("team-line"),
  userName: $("user-name"),
  connection: $("connection-state"),
  signOut: $("sign-out"),
  notice: $("notice"),
  callRows: $("call-rows"),
  feed: $("alert-feed"),
  feedEmpty: $("alerts-empty"),
  announcer: $("critical-announcer"),
  wellbeingRows: $("wellbeing-rows"),
  wellbeingNote: $("wellbeing-note"),
};

const liveCalls = new Map(); // callId -> LiveCall view, from the latest `calls` event
const shownAlertIds = new Set(); // every alert id ever shown, so a replay never shows one twice
const alertRecords = new Map(); // callId -> [{ alert, article, actions, buttons, status, taken }]
const takenByCall = new Map(); // callId -> "Acknowledged by Alex" / "Alex is joining"

// ---------- Live calls ----------

function urgencyOrder(a, b) {
  if (a.threat !== b.threat) return a.threat ? -1 : 1;
  const rank = (Number(b.levelRank) || 0) - (Number(a.levelRank) || 0);
  if (rank !== 0) return rank;
  return (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0); // earlier start = longer call
}

function shoutingIcon() {
  return svg("svg", { class: "icon", viewBox: "0 0 16 16", width: 16, height: 16, "aria-hidden": "true", focusable: "false" },
    svg("path", { d: "M2 6h3l4-3v10l-4-3H2z", fill: "currentColor" }),
    svg("path", { d: "M11 5.5c1 .8 1 4.2 0 5M13 3.5c2 1.8 2 7.2 0 9", fill: "none", stroke: "currentColor", "stroke-width": "1.5", "stroke-linecap": "round" }));
}

function flaggedCell(threat, category) {
  const parts = [];
  if (threat) parts.push(h("span", { class: "tag tag-threat" }, "Threat"));
  if (category && !(threat && category === "threat")) parts.push(parts.length ? " " : null, category);
  return parts.length ? parts : "-";
}

function callRow(call) {
  const category = call.lastCategory ? kindLabel(call.lastCategory) : "";
  const response = call.supervisorResponse;
  return h("tr", { "data-testid": "call-row", "data-call-id": call.callId, class: call.threat ? "is-threat" : null },
    h("th", { scope: "row" },
      h("span", { class: "agent-id" }, call.agentId),
      h("span", { class: "customer-id mono" }, h("span", { class: "visually-hidden" }, "Customer "), call.customerId || "-")),
    h("td", { class: "num" }, durationElement(call.startedAt)),
    h("td", null, levelBadge(call.level, { "data-testid": "call-level" })),
    h("td", { class: "wrap" }, flaggedCell(call.threat, category)),
    h("td", null, call.shouting ? h("span", { class: "shouting" }, shoutingIcon(), " Shouting") : "-"),
    h("td", null, sparkline(call.scores)),
    h("td", { class: "wrap" }, response ? h("span", { class: "taken-text" }, takenText(response.name, response.joining)) : "-"));
}

function renderCalls(calls) {
  liveCalls.clear();
  for (const call of calls) liveCalls.set(call.callId, call);
  const sorted = [...calls].sort(urgencyOrder);
  if (sorted.length === 0) {
    replaceChildren(ui.callRows, h("tr", { class: "empty-row" }, h("td", { colspan: 7 }, "No live calls right now.")));
  } else {
    replaceChildren(ui.callRows, sorted.map(callRow));
  }
  for (const records of alertRecords.values()) {
    for (const record of records) updateActions(record);
  }
}

// ---------- Alert feed ----------

function alertArticle(alert) {
  const severity = ["info", "warning", "critical"].includes(alert.severity) ? alert.severity : "info";
  const titleId = nextId("alert-title");
  const evidence = (alert.evidence || []).filter((e) => e != null && String(e).length > 0);
  const actions = h("div", { class: "alert-actions" });
  const buttons = h("span", { class: "alert-buttons" });
  const status = h("span", { class: "respond-status", role: "status", "data-testid": "respond-status" });
  append(actions, buttons, status);
  const article = h("article", {
    class: `alert severity-${severity}`,
    "data-testid": "alert",
    "data-alert-id": alert.alertId,
    "data-kind": alert.kind,
    "data-call-id": alert.callId,
    "aria-labelledby": titleId,
  },
  h("header", { class: "alert-head" },
    h("h3", { class: "alert-title", id: titleId },
      h("span", { class: `severity-tag severity-${severity}` }, severityLabel(severity)),
      " - ", kindLabel(alert.kind)),
    h("time", { class: "alert-time", datetime: alert.at }, formatTime(alert.at))),
  h("p", { class: "alert-meta" },
    "Agent ", h("strong", null, alert.agentId || "-"),
    h("span", { class: "sep", "aria-hidden": "true" }, " · "), " Call ", h("span", { class: "mono" }, alert.callId || "-"),
    alert.level && alert.level !== "none" ? [h("span", { class: "sep", "aria-hidden": "true" }, " · "), " ", levelBadge(alert.level, { class: "badge-small" })] : null),
  alert.reason ? h("p", { class: "alert-reason" }, alert.reason) : null,
  evidence.length > 0
    ? h("p", { class: "alert-evidence" }, h("span", { class: "label" }, "Evidence:"), evidence.map((e) => [" ", h("mark", null, e)]))
    : null,
  alert.recommendedScript ? h("blockquote", { class: "alert-script" }, alert.recommendedScript) : null,
  actions);
  return { alert, article, actions, buttons, status, titleId, taken: null, live: null };
}

/** Shows the respond buttons only while the alert's call is live (in the latest `calls` event). */
function updateActions(record) {
  const live = liveCalls.has(record.alert.callId) && !TAKEN_KINDS.has(record.alert.kind);
  if (live === record.live) return; // unchanged: leave the buttons (and the focus) alone
  record.live = live;
  record.buttons.textContent = "";
  if (!live) return;
  const ack = h("button", { type: "button", class: "button", "data-testid": "ack-button", "aria-describedby": record.titleId }, "Acknowledge");
  const join = h("button", { type: "button", class: "button secondary", "data-testid": "join-button", "aria-describedby": record.titleId }, "I'm joining this call");
  ack.addEventListener("click", () => respond(record, "acknowledged", [ack, join]));
  join.addEventListener("click", () => respond(record, "joining", [ack, join]));
  append(record.buttons, ack, " ", join);
}

async function respond(record, response, buttons) {
  for (const b of buttons) b.disabled = true;
  record.status.className = "respond-status";
  record.status.textContent = "Sending…";
  try {
    await api("/supervisor/api/respond", { callId: record.alert.callId, alertId: record.alert.alertId, response });
    record.status.className = "respond-status ok";
    record.status.textContent = "Sent";
  } catch (error) {
    record.status.className = "respond-status error";
    record.status.textContent = error.message;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function markTaken(record) {
  const text = takenByCall.get(record.alert.callId);
  if (!text || TAKEN_KINDS.has(record.alert.kind)) return;
  if (!record.taken) {
    record.taken = h("p", { class: "alert-taken", "data-testid": "alert-taken" });
    record.article.append(record.taken);
    record.article.classList.add("is-taken");
  }
  record.taken.textContent = text;
}

function addAlert(alert) {
  if (!alert || !alert.alertId || shownAlertIds.has(alert.alertId)) return;
  shownAlertIds.add(alert.alertId);

  if (TAKEN_KINDS.has(alert.kind)) {
    takenByCall.set(alert.callId, takenText(alert.acknowledgedBy, alert.kind === "supervisor_joining"));
    for (const record of alertRecords.get(alert.callId) || []) markTaken(record);
  }

  const record = alertArticle(alert);
  if (!alertRecords.has(alert.callId)) alertRecords.set(alert.callId, []);
  alertRecords.get(alert.callId).push(record);
  updateActions(record);
  markTaken(record);
  ui.feed.prepend(h("li", null, record.article));
  ui.feedEmpty.hidden = true;
  trimFeed();

  if (alert.severity === "critical") {
    announce(ui.announcer, `Critical alert: ${kindLabel(alert.kind)}, agent ${alert.agentId}. ${alert.reason || ""}`.trim());
  }
  if (alert.kind === "call_ended") scheduleWellbeing();
}

function trimFeed() {
  while (ui.feed.children.length > MAX_ALERTS) {
    const li = ui.feed.lastElementChild;
    const article = li.firstElementChild;
    const callId = article.getAttribute("data-call-id");
    const records = (alertRecords.get(callId) || []).filter((r) => r.article !== article);
    if (records.length > 0) alertRecords.set(callId, records);
    else alertRecords.delete(callId);
    li.remove();
  }
}

// ---------- Team wellbeing ----------

let wellbeingTimer = 0;
function scheduleWellbeing() {
  clearTimeout(wellbeingTimer);
  wellbeingTimer = setTimeout(loadWellbeing, 500); // a burst of call endings costs one request
}

function wellbeingRow(agent) {
  const inARow = Number(agent.inARow) || 0;
  return h("tr", { "data-testid": "wellbeing-row", "data-agent-id": agent.agentId, class: agent.several ? "is-several" : null },
    h("th", { scope: "row" }, agent.agentId),
    h("td", { class: "num" }, String(Number(agent.abusiveCalls) || 0)),
    h("td", null, agent.several
      ? h("span", { class: "tag tag-several" }, h("span", { class: "marker", "aria-hidden": "true" }, "!"), ` ${inARow} in a row`)
      : String(inARow)));
}

async function loadWellbeing() {
  try {
    const data = await api("/supervisor/api/wellbeing");
    const agents = [...((data && data.agents) || [])].sort((a, b) =>
      (b.several === true) - (a.several === true) || (b.inARow || 0) - (a.inARow || 0) || (b.abusiveCalls || 0) - (a.abusiveCalls || 0));
    if (agents.length === 0) {
      replaceChildren(ui.wellbeingRows, h("tr", { class: "empty-row" }, h("td", { colspan: 3 }, "No abusive calls this shift.")));
    } else {
      replaceChildren(ui.wellbeingRows, agents.map(wellbeingRow));
    }
    const hours = data && data.windowHours ? `Counted over the last ${data.windowHours} hour${data.windowHours === 1 ? "" : "s"}. ` : "";
    ui.wellbeingNote.className = "muted small";
    ui.wellbeingNote.textContent = `${hours}Updated ${formatTime(new Date().toISOString())}.`;
  } catch (error) {
    if (error.status === 401) return;
    ui.wellbeingNote.className = "small error-text";
    ui.wellbeingNote.textContent = `Wellbeing could not be loaded: ${error.message}`;
  }
}

// ---------- Start ----------

async function start() {
  wireSignOut(ui.signOut, "supervisor");
  try {
    const session = await loadSession("supervisor");
    ui.teamLine.textContent = `Team ${session.teamId} - ${session.tenantId}`;
    ui.userName.textContent = session.name;
  } catch (error) {
    if (error.status === 401) return;
    ui.notice.textContent = error.message;
  }

  connectEvents({
    url: "/supervisor/events",
    storageKey: STORAGE_KEY,
    stateElement: ui.connection,
    handlers: {
      alert: addAlert,
      calls: (data) => renderCalls(Array.isArray(data && data.calls) ? data.calls : []),
      notice: (data) => { ui.notice.textContent = (data && data.message) || ""; },
    },
  });

  loadWellbeing();
  setInterval(loadWellbeing, 60000);
  setInterval(() => tickDurations(ui.callRows), 1000);
}

start();
