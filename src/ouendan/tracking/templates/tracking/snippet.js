/* Ouendan conversion snippet (/t.js). It keeps the oud_cid of tracked links in this site's own
   storage for the attribution window and reports conversions to Ouendan. No cookies, no eval. */
(function (w) {
  "use strict";
  var C = {{ config|safe }};
  var TOUCHES = "ouendan_touches", SENT = "ouendan_sent", MAX = 20, DAY = 864e5;
  var REPEAT_MS = 30 * 6e4; // a report of the same type within 30 minutes is the same one
  var CID = /^[A-Za-z0-9_-]{16,32}$/;

  function read(name, empty) {
    try {
      var value = JSON.parse(w.localStorage.getItem(name));
      return value && typeof value === "object" ? value : empty;
    } catch (e) {
      return empty;
    }
  }
  function write(name, value) {
    try {
      w.localStorage.setItem(name, JSON.stringify(value));
    } catch (e) { /* storage full or refused: nothing to keep */ }
  }
  function touches() {
    var since = Date.now() - C.days * DAY, list = read(TOUCHES, []);
    if (!Array.isArray(list)) return [];
    return list.filter(function (t) {
      return t && typeof t[0] === "string" && CID.test(t[0]) && t[1] > since;
    });
  }
  function remember() {
    var list = touches(), params, cid;
    try {
      params = new URLSearchParams(w.location.search);
      cid = params.get("oud_cid");
    } catch (e) {
      cid = null;
    }
    if (cid && CID.test(cid)) {
      list = list.filter(function (t) { return t[0] !== cid; });
      list.push([cid, Date.now()]);
      list = list.slice(-MAX);
      // Out of the address bar, so that a visitor who copies the address does not pass it on.
      params.delete("oud_cid");
      var query = params.toString();
      try {
        w.history.replaceState(w.history.state, "",
          w.location.pathname + (query ? "?" + query : "") + w.location.hash);
      } catch (e) { /* the address stays as it was */ }
    }
    write(TOUCHES, list);
  }
  function randomKey() {
    var c = w.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var bytes = new Uint8Array(16), out = "";
    c.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] + 256).toString(16).slice(1);
    return out;
  }
  function keyFor(type, id) {
    if (id !== undefined && id !== null && id !== "") {
      return (type + ":" + encodeURIComponent(String(id))).slice(0, 100);
    }
    var sent = read(SENT, {}), last = sent[type];
    if (last && Date.now() - last[1] < REPEAT_MS) return last[0];
    sent[type] = [randomKey(), Date.now()];
    write(SENT, sent);
    return sent[type][0];
  }
  function send(body) {
    try {
      if (w.navigator.sendBeacon && w.navigator.sendBeacon(C.endpoint, body)) return;
    } catch (e) { /* fall back to fetch */ }
    try {
      w.fetch(C.endpoint, {
        method: "POST", body: body, keepalive: true, mode: "no-cors", credentials: "omit",
        headers: { "Content-Type": "text/plain" }
      });
    } catch (e) { /* nothing more to try */ }
  }
  function convert(options) {
    var o = options || {}, list = touches(), type = o.type ? String(o.type) : "";
    if (!list.length || !type) return false; // not a visitor of a tracked link
    var report = {
      click_ids: list.map(function (t) { return t[0]; }),
      type: type,
      idempotency_key: keyFor(type, o.id),
      origin: w.location.origin
    };
    if (C.organization) report.organization = C.organization;
    if (o.value !== undefined && o.value !== null) report.value = o.value;
    if (o.currency) report.currency = String(o.currency);
    send(JSON.stringify(report));
    return true;
  }
  function ouendan(command, options) {
    if (command === "convert") return convert(options);
    return false;
  }

  var queued = (w.ouendan && w.ouendan.q) || [];
  remember();
  w.ouendan = ouendan;
  for (var i = 0; i < queued.length; i++) ouendan.apply(null, queued[i]);
})(window);
