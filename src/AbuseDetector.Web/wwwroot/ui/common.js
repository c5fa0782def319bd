// Shared helpers for the AbuseDetector pages. Server strings only ever reach the page through
// textContent / text nodes / setAttribute, never through innerHTML.

const LEVEL_LABELS = {
  none: "None",
  notice: "Notice",
  warning: "Warning",
  final_warning: "Final warning",
  end_call_permitted: "End call permitted",
};

const SEVERITY_LABELS = { info: "Info", warning: "Warning", critical: "Critical" };

const OUTCOME_LABELS = {
  ongoing: "Ongoing",
  completed: "Completed",
  ended_by_agent: "Ended by agent",
  caller_hung_up: "Caller hung up",
  transferred: "Transferred",
  dropped: "Dropped",
};

let csrfToken = "";
let signInPath = "/";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ---------- DOM building ----------

/** Appends children: strings and numbers become text nodes, arrays are flattened, null/false skipped. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** h("p", {class: "x", "data-testid": "y", onclick: fn}, "text", otherNode) */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return append(node, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value != null) node.setAttribute(key, String(value));
  }
  return append(node, children);
}

/** Removes all children and appends the new ones. */
export function replaceChildren(node, ...children) {
  node.textContent = "";
  return append(node, children);
}

/** Sets a live region's text; clearing first makes screen readers announce a repeated message again. */
export function announce(region, text) {
  region.textContent = "";
  // A new task, so the empty state is seen before the new text.
  setTimeout(() => { region.textContent = text; }, 50);
}

let uid = 0;
/** A page-unique id (server ids may hold any characters, so they never become element ids). */
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// ---------- Formatting ----------

export function levelLabel(level) {
  return LEVEL_LABELS[level] || humanize(level || "none");
}

export function severityLabel(severity) {
  return SEVERITY_LABELS[severity] || humanize(severity || "info");
}

export function outcomeLabel(outcome) {
  return OUTCOME_LABELS[outcome] || humanize(outcome || "");
}

/** "supervisor_needed" -> "supervisor needed" */
export function kindLabel(kind) {
  return String(kind || "").replace(/_/g, " ");
}

function humanize(value) {
  const text = String(value).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The level badge: colour from the CSS class, and the level's name as text, always. */
export function levelBadge(level, attrs) {
  const known = level in LEVEL_LABELS ? level : "none";
  const extra = attrs && attrs.class ? " " + attrs.class : "";
  return h("span", { ...attrs, class: `badge level-${known}${extra}`, "data-level": level || "none" }, levelLabel(level));
}

const pad2 = (n) => String(n).padStart(2, "0");

/** Local time as hh:mm:ss (24 h); "" for a missing or bad time. */
export function formatTime(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return "";
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local date and time as yyyy-mm-dd hh:mm:ss. */
export function formatDateTime(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatTime(iso)}`;
}

/** Seconds as mm:ss (minutes keep counting past 59, so a long call reads 72:05). */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  return `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
}

/** Seconds elapsed since an ISO time, never negative (the browser's clock may run behind the server's). */
export function secondsSince(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, (now - t) / 1000);
}

/** Updates every element carrying data-started-at with its elapsed mm:ss; call it once a second. */
export function tickDurations(root = document) {
  const now = Date.now();
  for (const el of root.querySelectorAll("[data-started-at]")) {
    const text = formatDuration(secondsSince(el.getAttribute("data-started-at"), now));
    if (el.textContent !== text) el.textContent = text;
  }
}

/** An element showing the elapsed time since startedAt, kept up to date by tickDurations. */
export function durationElement(startedAt, attrs) {
  return h("span", { ...attrs, class: "duration", "data-started-at": startedAt },
    formatDuration(secondsSince(startedAt)));
}

// ---------- Highlighting ----------

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The text as a fragment where each occurrence of one of the words (case-insensitive) is wrapped in <mark>.
 * Evidence strings are excerpts of the utterance; a trailing "…" (cut short) is not part of the match.
 */
export function highlight(text, words) {
  const value = text == null ? "" : String(text);
  const fragment = document.createDocumentFragment();
  const terms = [...new Set((words || [])
    .map((w) => String(w ?? "").replace(/…$/, "").trim())
    .filter((w) => w.length > 0))]
    .sort((a, b) => b.length - a.length); // longest first, so a phrase wins over a word inside it
  if (terms.length === 0 || value.length === 0) {
    fragment.append(value);
    return fragment;
  }
  const pattern = new RegExp(terms.map(escapeRegExp).join("|"), "gi");
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    if (match[0].length === 0) continue;
    fragment.append(value.slice(last, match.index), h("mark", null, match[0]));
    last = match.index + match[0].length;
  }
  fragment.append(value.slice(last));
  return fragment;
}

// ---------- Sparkline ----------

/** A small line chart of scores (0..1, oldest first) as an SVG image with a text alternative. */
export function sparkline(scores) {
  const values = (Array.isArray(scores) ? scores : []).map((v) => Math.min(1, Math.max(0, Number(v) || 0)));
  const width = 120;
  const height = 28;
  const label = values.length === 0
    ? "Abuse score, no utterances yet"
    : `Abuse score, last ${values.length} utterance${values.length === 1 ? "" : "s"}, latest ${values[values.length - 1].toFixed(2)}`;
  const chart = svg("svg", {
    class: "sparkline", role: "img", "aria-label": label, viewBox: `0 0 ${width} ${height}`,
    width, height, focusable: "false",
  });
  chart.append(svg("line", { class: "spark-base", x1: 0, y1: height - 1, x2: width, y2: height - 1 }));
  if (values.length > 0) {
    const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
    const points = values.map((v, i) => [2 + i * step, 2 + (1 - v) * (height - 4)]);
    if (points.length === 1) points.push([width - 2, points[0][1]]);
    chart.append(svg("polyline", { class: "spark-line", points: points.map((p) => p.map((n) => n.toFixed(1)).join(",")).join(" ") }));
    const [x, y] = points[points.length - 1];
    chart.append(svg("circle", { class: "spark-dot", cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5 }));
  }
  return chart;
}

// ---------- Server calls ----------

/**
 * GET (no body) or POST (body, sent as JSON with the CSRF header). Resolves with the JSON answer (or null),
 * rejects with an ApiError carrying the server's sentence. A 401 sends the page to its sign-in page.
 */
export async function api(path, body) {
  const init = { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRF-Token"] = csrfToken;
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The server could not be reached. Check the connection and try again.");
  }
  if (response.status === 401) {
    location.assign(signInPath);
    throw new ApiError(401, "Your session has ended. Opening the sign-in page…");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null; // 204 or a body that is not JSON
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string" && data.error
      ? data.error
      : `The request failed (HTTP ${response.status}).`;
    throw new ApiError(response.status, message);
  }
  return data;
}

/** Loads the session of a role ("supervisor" or "agent") and keeps its CSRF token for later POSTs. */
export async function loadSession(role) {
  signInPath = `/${role}/sign-in`;
  const session = await api(`/${role}/api/session`);
  csrfToken = (session && session.csrfToken) || "";
  return session;
}

/** Wires a sign-out button: POST, then the sign-in page whatever the answer. */
export function wireSignOut(button, role) {
  if (!button) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api(`/${role}/sign-out`, {});
    } catch {
      // Going to the sign-in page is right either way.
    }
    location.assign(`/${role}/sign-in`);
  });
}

// ---------- Live events ----------

/**
 * Opens an EventSource on url and keeps it open. The id of the last alert event is kept in sessionStorage
 * under storageKey, so a reload resumes after it (?since=); the browser sends Last-Event-ID itself on its
 * own reconnects. When the browser gives up (the stream answered with an error), we check the session
 * (a 401 goes to sign-in) and reopen with a growing delay.
 * handlers: { alert(data), calls(data), ... } — each receives the parsed JSON.
 */
export function connectEvents({ url, storageKey, stateElement, handlers }) {
  let source = null;
  let delay = 1000;
  let timer = 0;

  const setState = (state) => {
    if (!stateElement) return;
    const text = state === "live" ? "Live" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
    if (stateElement.textContent !== text) stateElement.textContent = text;
    stateElement.setAttribute("data-state", state);
  };

  const open = () => {
    let since = null;
    try {
      since = sessionStorage.getItem(storageKey);
      // A stored id the service would refuse (400) would make every reconnect fail: start from now instead.
      if (since && !/^\d{1,20}(-\d{1,20})?$/.test(since)) {
        sessionStorage.removeItem(storageKey);
        since = null;
      }
    } catch {
      since = null; // storage blocked (e.g. in some embedded web views)
    }
    source = new EventSource(url + (since ? "?since=" + encodeURIComponent(since) : ""));
    source.onopen = () => {
      delay = 1000;
      setState("live");
    };
    source.onerror = () => {
      setState("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          await api(url.replace(/\/events$/, "/api/session"));
        } catch (error) {
          if (error.status === 401) return; // on its way to the sign-in page
        }
        open();
      }, delay);
      delay = Math.min(delay * 2, 30000);
    };
    for (const [name, handler] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        try {
          handler(data, event);
        } finally {
          if (name === "alert" && event.lastEventId) {
            try {
              sessionStorage.setItem(storageKey, event.lastEventId);
            } catch {
              // storage blocked: reloads then start from now
            }
          }
        }
      });
    }
  };

  setState("connecting");
  open();
  return () => {
    clearTimeout(timer);
    if (source) source.close();
  };
}

/** The sentence for a supervisor response, for the supervisor's view: "Alex is joining" / "Acknowledged by Alex". */
export function takenText(name, joining) {
  const who = name && String(name).trim() ? String(name).trim() : "";
  if (joining) return `${who || "A supervisor"} is joining`;
  return `Acknowledged by ${who || "a supervisor"}`;
}
