// Agent panel: the current call's level, the next line to say, and the way to reach a supervisor.
import {
  h, replaceChildren, api, loadSession, wireSignOut, connectEvents, levelLabel, severityLabel, kindLabel,
  formatTime, tickDurations,
} from "./common.js";

const STORAGE_KEY = "abuse-detector.agent.last-alert-id";
const RECENT_ALERTS = 5;
const LEVELS = new Set(["none", "notice", "warning", "final_warning", "end_call_permitted"]);

const $ = (id) => document.getElementById(id);
const ui = {
  agentLine: $("agent-line"),
  connection: $("connection-state"),
  notice: $("notice"),
  level: $("agent-level"),
  durationLine: $("call-duration-line"),
  duration: $("call-duration"),
  endCallSlot: $("end-call-slot"),
  repeatSlot: $("repeat-slot"),
  line: $("recommended-line"),
  noLine: $("no-line"),
  copy: $("copy-line"),
  copyStatus: $("copy-status"),
  supervisorSlot: $("supervisor-slot"),
  request: $("request-supervisor"),
  requestStatus: $("request-status"),
  alerts: $("agent-alerts"),
  noAlerts: $("no-alerts"),
};

let currentCall = null; // the `call` event's call, or null
const shownAlertIds = new Set();
const repeatByCall = new Map(); // callId -> reason of its repeat_caller alert
const responseByCall = new Map(); // callId -> { name, joining, at } from supervisor_* alerts

const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

/** Puts one child in a live-region slot, or empties it; leaves it alone when unchanged (no re-announcement). */
function fillSlot(slot, testId, className, text) {
  const existing = slot.firstElementChild;
  if (!text) {
    if (existing) slot.textContent = "";
    return;
  }
  if (existing && existing.textContent === text) return;
  replaceChildren(slot, h("p", { class: className, "data-testid": testId }, text));
}

function responseText(response) {
  const name = response.name && String(response.name).trim() ? String(response.name).trim() : "Your supervisor";
  return response.joining ? `${name} is joining your call` : `${name} acknowledged - help is coming`;
}

/** The call event's response and the alerts' one: whichever came first shows, a later one (e.g. joining) replaces it. */
function currentResponse(call) {
  const fromCall = call.supervisorResponse || null;
  const fromAlert = responseByCall.get(call.callId) || null;
  if (!fromCall || !fromAlert) return fromCall || fromAlert;
  const a = Date.parse(fromCall.at) || 0;
  const b = Date.parse(fromAlert.at) || 0;
  if (a !== b) return a > b ? fromCall : fromAlert;
  return fromAlert.joining ? fromAlert : fromCall;
}

function render() {
  const call = currentCall;
  const level = call && LEVELS.has(call.level) ? call.level : "none";
  const levelClass = call ? `badge badge-large level-${level}` : "badge badge-large level-none no-call";
  if (ui.level.className !== levelClass) ui.level.className = levelClass;
  ui.level.setAttribute("data-level", call ? level : "");
  setText(ui.level, call ? levelLabel(level) : "No active call");

  ui.durationLine.hidden = !call;
  if (call) {
    ui.duration.setAttribute("data-started-at", call.startedAt);
  } else {
    ui.duration.removeAttribute("data-started-at");
    setText(ui.duration, "");
  }
  tickDurations(ui.durationLine);

  const script = call && call.recommendedScript ? String(call.recommendedScript) : "";
  if (ui.line.textContent !== script) {
    ui.line.textContent = script;
    setText(ui.copyStatus, "");
  }
  ui.line.hidden = !script;
  ui.copy.hidden = !script;
  ui.noLine.hidden = Boolean(script);

  fillSlot(ui.endCallSlot, "end-call-permitted", "end-call", call && call.endCallPermitted ? "Ending the call is permitted" : "");
  const repeat = call ? repeatByCall.get(call.callId) : undefined;
  fillSlot(ui.repeatSlot, "repeat-caller", "repeat-caller", repeat !== undefined ? `Repeat caller: ${repeat}` : "");
  const response = call ? currentResponse(call) : null;
  fillSlot(ui.supervisorSlot, "supervisor-response", "supervisor-response", response ? responseText(response) : "");
}

function onCall(data) {
  const call = data && data.call ? data.call : null;
  if (!call || !currentCall || call.callId !== currentCall.callId) {
    setText(ui.requestStatus, ""); // a request's answer belongs to the call it was made on
  }
  currentCall = call;
  render();
}

function onAlert(alert) {
  if (!alert || !alert.alertId || shownAlertIds.has(alert.alertId)) return;
  shownAlertIds.add(alert.alertId);

  if (alert.kind === "repeat_caller") repeatByCall.set(alert.callId, alert.reason || "This customer has called before.");
  if (alert.kind === "supervisor_acknowledged" || alert.kind === "supervisor_joining") {
    responseByCall.set(alert.callId, { name: alert.acknowledgedBy, joining: alert.kind === "supervisor_joining", at: alert.at });
  }

  const severity = ["info", "warning", "critical"].includes(alert.severity) ? alert.severity : "info";
  ui.alerts.prepend(h("li", {
    class: `agent-alert severity-${severity}`,
    "data-testid": "agent-alert",
    "data-alert-id": alert.alertId,
    "data-kind": alert.kind,
    "data-call-id": alert.callId,
  },
  h("p", { class: "agent-alert-head" },
    h("strong", null, h("span", { class: `severity-tag severity-${severity}` }, severityLabel(severity)), " - ", kindLabel(alert.kind)),
    " ", h("time", { class: "muted", datetime: alert.at }, formatTime(alert.at))),
  alert.reason ? h("p", { class: "agent-alert-reason" }, alert.reason) : null));
  while (ui.alerts.children.length > RECENT_ALERTS) ui.alerts.lastElementChild.remove();
  ui.noAlerts.hidden = true;
  render();
}

async function copyLine() {
  const text = ui.line.textContent;
  try {
    await navigator.clipboard.writeText(text);
    ui.copyStatus.textContent = "Copied";
  } catch {
    // No clipboard access (insecure context or a web view without permission): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(ui.line);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    ui.copyStatus.textContent = "Selected - press Ctrl+C to copy";
  }
}

async function requestSupervisor() {
  ui.request.disabled = true;
  ui.requestStatus.className = "request-status";
  ui.requestStatus.textContent = "Sending…";
  try {
    await api("/agent/api/request-supervisor", {});
    ui.requestStatus.className = "request-status ok";
    ui.requestStatus.textContent = "Supervisor requested";
  } catch (error) {
    ui.requestStatus.className = "request-status error-text";
    ui.requestStatus.textContent = error.message;
  } finally {
    ui.request.disabled = false;
  }
}

async function start() {
  wireSignOut($("sign-out"), "agent");
  ui.copy.addEventListener("click", copyLine);
  ui.request.addEventListener("click", requestSupervisor);
  try {
    const session = await loadSession("agent");
    ui.agentLine.textContent = `Agent ${session.agentId} - Team ${session.teamId} - ${session.tenantId}`;
  } catch (error) {
    if (error.status === 401) return;
    ui.notice.textContent = error.message;
  }

  connectEvents({
    url: "/agent/events",
    storageKey: STORAGE_KEY,
    stateElement: ui.connection,
    handlers: {
      alert: onAlert,
      call: onCall,
      notice: (data) => { ui.notice.textContent = (data && data.message) || ""; },
    },
  });
  setInterval(() => tickDurations(ui.durationLine), 1000);
}

start();
