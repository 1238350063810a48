// unspin page. User text is only ever put in the page as text nodes (textContent,
// createTextNode), never parsed as HTML. No dependencies, no build step.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("check-form"), text: $("text"), file: $("file"), check: $("check"), clear: $("clear"),
    status: $("status"), error: $("error"), results: $("results"), words: $("word-count"),
    serverInfo: $("server-info"), apiKeyRow: $("api-key-row"), apiKey: $("api-key"),
    profileRow: $("profile-row"), profile: $("profile"),
    risk: $("risk"), riskLevel: $("risk-level"), riskScore: $("risk-score"), riskMeter: $("risk-meter"),
    riskFill: $("risk-fill"), riskAdvice: $("risk-advice"), reasons: $("reasons"),
    marked: $("marked"), legend: $("legend"), restored: $("restored"), summary: $("restore-summary"),
    showChanges: $("show-changes"), copy: $("copy"), download: $("download"),
    trace: $("trace"), traceSummary: $("trace-summary"), candidates: $("candidates"), tip: $("tip"),
  };

  const state = { info: null, controller: null, restoredText: "", annotations: [] };

  // ---- helpers ------------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clearNode(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function countWords(s) {
    const m = s.match(/\S+/g);
    return m ? m.length : 0;
  }

  function fmt(x, digits) {
    return typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "n/a";
  }

  function signed(x) {
    return typeof x === "number" && isFinite(x) ? (x >= 0 ? "+" : "\u2212") + Math.abs(x).toFixed(2) : "n/a";
  }

  // The server counts offsets in code points (Python); JavaScript strings count UTF-16 units.
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let u = 0;
    for (const ch of text) { u += ch.length; units.push(u); }
    return (i) => units[Math.max(0, Math.min(i, units.length - 1))];
  }

  function setStatus(msg) { els.status.textContent = msg; }

  function showError(msg) {
    els.error.textContent = msg;
    els.error.hidden = !msg;
  }

  function describe(e) {
    return e instanceof ApiFailure ? e.message + " (" + e.code + ")" : String(e);
  }

  class ApiFailure extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }

  async function api(path, body, signal, contentType) {
    const headers = { "Accept": "application/json" };
    const key = els.apiKey.value.trim();
    if (key) headers["X-API-Key"] = key;
    let payload = body;
    if (contentType) headers["Content-Type"] = contentType;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    let res;
    try {
      res = await fetch(path, { method: body === undefined ? "GET" : "POST", headers, body: payload, signal });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiFailure("network", "The server could not be reached. Is `unspin serve` still running?");
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = data && data.error ? data.error : { code: "http_" + res.status, message: res.statusText };
      throw new ApiFailure(err.code, err.message || ("HTTP " + res.status));
    }
    return data;
  }

  // ---- server info --------------------------------------------------------------------------

  async function loadInfo() {
    try {
      const info = await api("/version");
      state.info = info;
      const parts = ["unspin " + info.version];
      parts.push(info.trace ? "trace index loaded" : "no trace index");
      els.serverInfo.textContent = parts.join(" \u00b7 ");
      els.apiKeyRow.hidden = !info.auth;
      for (const name of info.profiles || []) {
        const opt = el("option", null, name);
        opt.value = name;
        els.profile.appendChild(opt);
      }
      els.profileRow.hidden = !(info.profiles && info.profiles.length);
    } catch (e) {
      els.serverInfo.textContent = "Server information unavailable.";
    }
  }

  // ---- risk ---------------------------------------------------------------------------------

  function riskWords(score) {
    if (score >= 0.65) {
      return ["high", "High risk of automatic spinning",
        "Many word choices look like a spinner's synonym swaps. Compare with the likely source before relying on this text."];
    }
    if (score >= 0.3) {
      return ["moderate", "Moderate risk of automatic spinning",
        "Some word choices look like a spinner's. Read the highlighted passages before drawing a conclusion."];
    }
    return ["low", "Low risk of automatic spinning",
      "Few signs of automatic synonym swapping were found. A low score does not prove the text is original."];
  }

  function renderRisk(det) {
    const score = Math.max(0, Math.min(1, Number(det.score) || 0));
    const [level, title, advice] = riskWords(score);
    const pct = Math.round(score * 100);
    els.risk.dataset.level = level;
    els.riskLevel.textContent = title;
    els.riskScore.textContent = "Risk score " + pct + " / 100 (an estimate, not a verdict)";
    els.riskMeter.setAttribute("aria-valuenow", String(pct));
    els.riskMeter.setAttribute("aria-valuetext", pct + " out of 100, " + level + " risk");
    els.riskFill.style.width = pct + "%";
    els.riskAdvice.textContent = advice;
    clearNode(els.reasons);
    for (const r of det.reasons || []) els.reasons.appendChild(el("li", null, r));
  }

  // ---- highlighted input --------------------------------------------------------------------

  // One annotation per highlighted passage: restore's fixes first (they carry the evidence),
  // then detection spans that no fix covers.
  function annotations(text, det, res) {
    const bySpan = new Map();
    for (const s of det.spans || []) bySpan.set(s.start + ":" + s.end, s);
    const out = [];
    const fixes = (res.fixes || []).slice().sort((a, b) => a.start - b.start);
    let lastEnd = -1;
    for (const f of fixes) {
      if (f.start < lastEnd || f.end < f.start) continue;
      out.push({ kind: "fix", start: f.start, end: f.end, fix: f, span: bySpan.get(f.start + ":" + f.end) || null });
      lastEnd = f.end;
    }
    const taken = out.map((a) => [a.start, a.end]);
    const overlaps = (s, e) => {
      let lo = 0, hi = taken.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (taken[mid][1] <= s) lo = mid + 1; else hi = mid; }
      return lo < taken.length && taken[lo][0] < e;
    };
    const extra = (det.spans || []).filter((s) => s.end > s.start && !overlaps(s.start, s.end))
      .sort((a, b) => a.start - b.start);
    let lastFlag = -1;
    for (const s of extra) {
      if (s.start < lastFlag) continue;
      out.push({ kind: "flag", start: s.start, end: s.end, fix: null, span: s });
      lastFlag = s.end;
    }
    out.sort((a, b) => a.start - b.start);
    return out;
  }

  function renderMarked(text, anns) {
    const map = offsetMapper(text);
    const frag = document.createDocumentFragment();
    let pos = 0;
    anns.forEach((a, i) => {
      const s = map(a.start), e = map(a.end);
      if (s < pos || e > text.length) return;
      if (s > pos) frag.appendChild(document.createTextNode(text.slice(pos, s)));
      const m = el("mark", a.kind === "fix" ? "span" : "span flag", text.slice(s, e));
      m.tabIndex = 0;
      m.dataset.i = String(i);
      const suggestion = a.fix ? a.fix.original : (a.span && a.span.suggestion) || "";
      m.setAttribute("aria-label", text.slice(s, e) + (suggestion ? ", possibly spun from " + suggestion : ", possibly spun"));
      frag.appendChild(m);
      pos = e;
    });
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    clearNode(els.marked);
    els.marked.appendChild(frag);
    const nFix = anns.filter((a) => a.kind === "fix").length;
    const nFlag = anns.length - nFix;
    els.legend.textContent = anns.length === 0 ? "No passage highlighted."
      : nFix + " passage" + (nFix === 1 ? "" : "s") + " with a suggested original"
        + (nFlag ? ", " + nFlag + " more flagged" : "") + ".";
  }

  // ---- restored text with inline diff -------------------------------------------------------

  function renderRestored(text, res) {
    const map = offsetMapper(text);
    const fixes = (res.fixes || []).slice().sort((a, b) => a.start - b.start);
    const frag = document.createDocumentFragment();
    const rebuilt = [];
    let pos = 0, ok = true;
    for (const f of fixes) {
      const s = map(f.start), e = map(f.end);
      if (s < pos || text.slice(s, e) !== f.spun) { ok = false; break; }
      if (s > pos) { frag.appendChild(document.createTextNode(text.slice(pos, s))); rebuilt.push(text.slice(pos, s)); }
      if (e > s) frag.appendChild(el("del", null, f.spun));
      if (f.original) frag.appendChild(el("ins", null, f.original));
      rebuilt.push(f.original);
      pos = e;
    }
    if (ok) { frag.appendChild(document.createTextNode(text.slice(pos))); rebuilt.push(text.slice(pos)); }
    clearNode(els.restored);
    if (ok && rebuilt.join("") === res.text) {
      els.restored.appendChild(frag);
      els.summary.textContent = fixes.length === 0 ? "No change was needed."
        : fixes.length + " change" + (fixes.length === 1 ? "" : "s") + ": removed words are struck through, restored words underlined.";
    } else {
      // The fixes do not replay onto this text: show the restored text without a diff.
      els.restored.appendChild(document.createTextNode(res.text));
      els.summary.textContent = "Restored text (changes could not be aligned for display).";
    }
    state.restoredText = res.text;
  }

  // ---- tooltip ------------------------------------------------------------------------------

  function tipContent(a) {
    const frag = document.createDocumentFragment();
    const rows = [];
    if (a.fix) {
      frag.appendChild(el("p", "tip-title", "Suggested original: \u201c" + a.fix.original + "\u201d"));
      rows.push(["Spun", a.fix.spun]);
      rows.push(["Confidence", fmt(a.fix.confidence, 2)]);
      const ev = a.fix.evidence || {};
      if (ev.source) rows.push(["Source", ev.source]);
      rows.push(["Context gain", signed(ev.lm_gain) + " (log\u2081\u2080)"]);
      rows.push(["Channel prior", signed(ev.channel) + " (log\u2081\u2080)"]);
      if (ev.note) rows.push(["Note", ev.note]);
    } else {
      const sug = a.span && a.span.suggestion;
      frag.appendChild(el("p", "tip-title", sug ? "Suggested original: \u201c" + sug + "\u201d" : "Looks spun (no suggestion)"));
    }
    if (a.span) {
      rows.push(["Detector score", fmt(a.span.score, 2)]);
      if (a.span.reason) rows.push(["Reason", a.span.reason]);
    }
    const dl = el("dl");
    for (const [k, v] of rows) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v)); }
    frag.appendChild(dl);
    return frag;
  }

  let tipFor = null;
  function showTip(mark) {
    const a = state.annotations[Number(mark.dataset.i)];
    if (!a) return;
    if (tipFor && tipFor !== mark) hideTip();
    tipFor = mark;
    clearNode(els.tip);
    els.tip.appendChild(tipContent(a));
    els.tip.hidden = false;
    mark.classList.add("active");
    mark.setAttribute("aria-describedby", "tip");
    const r = mark.getBoundingClientRect();
    const tw = els.tip.offsetWidth, th = els.tip.offsetHeight;
    const vw = document.documentElement.clientWidth;
    let left = r.left + window.scrollX;
    left = Math.max(window.scrollX + 8, Math.min(left, window.scrollX + vw - tw - 8));
    let top = r.bottom + window.scrollY + 6;
    if (r.bottom + th + 12 > window.innerHeight && r.top - th - 6 > 0) top = r.top + window.scrollY - th - 6;
    els.tip.style.left = left + "px";
    els.tip.style.top = top + "px";
  }

  function hideTip() {
    if (tipFor) { tipFor.classList.remove("active"); tipFor.removeAttribute("aria-describedby"); }
    tipFor = null;
    els.tip.hidden = true;
  }

  els.marked.addEventListener("mouseover", (ev) => {
    const m = ev.target.closest && ev.target.closest("mark.span");
    if (m) showTip(m);
  });
  els.marked.addEventListener("mouseout", (ev) => {
    const m = ev.target.closest && ev.target.closest("mark.span");
    if (m && m === tipFor && document.activeElement !== m) hideTip();
  });
  els.marked.addEventListener("focusin", (ev) => {
    if (ev.target.matches && ev.target.matches("mark.span")) showTip(ev.target);
  });
  els.marked.addEventListener("focusout", (ev) => { if (ev.target === tipFor) hideTip(); });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && tipFor) hideTip(); });
  window.addEventListener("resize", () => { if (tipFor) showTip(tipFor); });
  els.marked.addEventListener("scroll", () => { if (tipFor) showTip(tipFor); }, { passive: true });

  // ---- trace --------------------------------------------------------------------------------

  const KIND_WORDS = {
    same: "copied", substitution: "replaced", insertion: "added by the copy", deletion: "left out by the copy",
  };

  function shorten(s, n) {
    return s.length > n ? s.slice(0, Math.floor(n / 2)) + " \u2026 " + s.slice(s.length - Math.floor(n / 2)) : s;
  }

  function renderTrace(tr) {
    const cands = (tr && tr.candidates) || [];
    clearNode(els.candidates);
    els.traceSummary.textContent = cands.length === 0 ? "No likely source was found in the index."
      : cands.length + " candidate source" + (cands.length === 1 ? "" : "s") + ", best first. "
        + "Replaced passages are the evidence: the copy's wording on the left, the source's on the right.";
    for (const c of cands) {
      const li = el("li");
      const subs = (c.alignment || []).filter((a) => a.kind === "substitution").length;
      li.appendChild(el("p", "cand-head", c.id));
      li.appendChild(el("p", "hint",
        "Match " + fmt(c.score, 2) + ". " + Math.round((c.spun_coverage || 0) * 100)
        + "% of this text's words are copied from it; " + subs + " replaced passage" + (subs === 1 ? "" : "s") + "."));
      const rows = (c.alignment || []).slice(0, 500);
      if (rows.length) {
        const wrap = el("div", "align-wrap");
        const table = el("table", "align");
        table.appendChild(el("caption", "hint", "Alignment of this text with " + c.id));
        const head = el("tr");
        for (const k of ["This text", "Source"]) { const th = el("th", null, k); th.scope = "col"; head.appendChild(th); }
        const thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
        const tbody = el("tbody");
        for (const a of rows) {
          const row = el("tr", String(a.kind || "").replace(/[^a-z]/g, ""));
          const limit = a.kind === "same" ? 90 : 400;
          const left = el("td", null, shorten(String(a.spun || ""), limit));
          const right = el("td", null, shorten(String(a.original || ""), limit));
          if (a.kind !== "same") left.appendChild(el("span", "kind", KIND_WORDS[a.kind] || String(a.kind)));
          row.appendChild(left);
          row.appendChild(right);
          tbody.appendChild(row);
        }
        table.appendChild(tbody);
        wrap.appendChild(table);
        li.appendChild(wrap);
      }
      els.candidates.appendChild(li);
    }
    els.trace.hidden = false;
  }

  // ---- check --------------------------------------------------------------------------------

  async function check() {
    const text = els.text.value;
    if (!text.trim()) { showError("Paste a text or open a file first."); els.text.focus(); return; }
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    showError("");
    hideTip();
    els.check.disabled = true;
    els.form.setAttribute("aria-busy", "true");
    const words = countWords(text);
    setStatus("Checking " + words.toLocaleString("en") + " words\u2026");
    const t0 = performance.now();
    try {
      const withTrace = state.info && state.info.trace;
      const opts = els.profile.value ? { text, profile: els.profile.value } : { text };
      const settled = await Promise.allSettled([
        api("/v1/detect", opts, controller.signal),
        api("/v1/restore", opts, controller.signal),
        withTrace ? api("/v1/trace", { text }, controller.signal) : Promise.resolve(null),
      ]);
      if (controller !== state.controller) return;
      const failures = settled.filter((x) => x.status === "rejected").map((x) => x.reason);
      if (failures.some((e) => e && e.name === "AbortError")) return;
      if (settled[0].status === "rejected" && settled[1].status === "rejected") throw settled[0].reason;
      const [det, res, tr] = settled.map((x) => (x.status === "fulfilled" ? x.value : null));
      const problems = [];
      if (det) { renderRisk(det); els.risk.hidden = false; }
      else { els.risk.hidden = true; problems.push("Detection failed: " + describe(settled[0].reason)); }
      state.annotations = annotations(text, det || { spans: [] }, res || { fixes: [] });
      renderMarked(text, state.annotations);
      if (res) renderRestored(text, res);
      else {
        clearNode(els.restored);
        state.restoredText = "";
        els.summary.textContent = "The restored text is not available.";
        problems.push("Restoration failed: " + describe(settled[1].reason));
      }
      if (tr) renderTrace(tr);
      else {
        els.trace.hidden = true;
        if (settled[2].status === "rejected") problems.push("Trace failed: " + describe(settled[2].reason));
      }
      els.results.hidden = false;
      showError(problems.join(" "));
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      setStatus("Checked " + words.toLocaleString("en") + " words in " + secs + " s.");
      for (const w of (res && res.warnings) || []) setStatus(els.status.textContent + " " + w);
      for (const w of (tr && tr.warnings) || []) setStatus(els.status.textContent + " " + w);
    } catch (e) {
      if (e.name === "AbortError") return;
      setStatus("");
      showError(describe(e));
    } finally {
      if (controller === state.controller) {
        els.check.disabled = false;
        els.form.removeAttribute("aria-busy");
        state.controller = null;
      }
    }
  }

  els.form.addEventListener("submit", (ev) => { ev.preventDefault(); check(); });
  els.text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); check(); }
  });
  let countTimer = 0;
  els.text.addEventListener("input", () => {
    clearTimeout(countTimer);
    countTimer = setTimeout(() => {
      const n = countWords(els.text.value);
      els.words.textContent = n.toLocaleString("en") + (n === 1 ? " word" : " words");
    }, 150);
  });
  els.clear.addEventListener("click", () => {
    if (state.controller) state.controller.abort();
    els.text.value = "";
    els.file.value = "";
    els.words.textContent = "0 words";
    els.results.hidden = true;
    showError("");
    setStatus("");
    hideTip();
    els.text.focus();
  });

  // ---- files --------------------------------------------------------------------------------

  els.file.addEventListener("change", async () => {
    const f = els.file.files && els.file.files[0];
    if (!f) return;
    showError("");
    const max = state.info ? state.info.limits.max_bytes : Infinity;
    if (f.size > max) { showError(f.name + " is larger than the server accepts (" + max + " bytes)."); return; }
    const isHtml = /\.x?html?$/i.test(f.name) || /html/.test(f.type);
    setStatus("Reading " + f.name + "\u2026");
    try {
      const data = await f.arrayBuffer();
      const out = await api("/v1/extract?filename=" + encodeURIComponent(f.name), data, undefined,
        isHtml ? "text/html" : "text/plain");
      if (!out.text.trim()) { setStatus(""); showError(f.name + " holds no text."); return; }
      els.text.value = out.text;
      els.text.dispatchEvent(new Event("input"));
      setStatus("Read " + f.name + (out.format === "html" ? " (text extracted from HTML)." : "."));
      await check();
    } catch (e) {
      setStatus("");
      showError(e instanceof ApiFailure ? e.message + " (" + e.code + ")" : String(e));
    }
  });

  // ---- copy and download --------------------------------------------------------------------

  els.showChanges.addEventListener("change", () => {
    els.restored.classList.toggle("plain", !els.showChanges.checked);
  });

  els.copy.addEventListener("click", async () => {
    const text = state.restoredText;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed"; ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand("copy"); } finally { document.body.removeChild(ta); }
    }
    setStatus("Restored text copied.");
  });

  els.download.addEventListener("click", () => {
    const blob = new Blob([state.restoredText], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "restored.txt";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  loadInfo();
})();
