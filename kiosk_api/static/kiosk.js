// The kiosk page: read the ID card through the local reader service, open a session at the
// hub, list the person's records, print this archive's certificates, request the others,
// finish. The session token lives only in this page's memory; reloading ends the visit.
"use strict";

(() => {
  const API = document.body.dataset.api;
  const DEFAULT_IDLE_S = Number(document.body.dataset.idleS) || 120;
  const READER = (new URLSearchParams(window.location.search).get("reader")
    || document.body.dataset.defaultReader).replace(/\/+$/, "");
  const QUERY_PURPOSE = "自助查档（一体机）";
  const PURPOSES = ["退休工龄认定", "婚姻状况证明", "不动产登记", "继承公证",
    "出国（境）签证", "其他"];
  const KEEPALIVE_MS = 10000;
  const SCREENS = ["start", "busy", "records", "certificate", "request"];
  const $ = (id) => document.getElementById(id);
  const state = { token: null, idleS: DEFAULT_IDLE_S, deadline: 0, lastCall: 0,
    answer: null, pdfUrl: null };

  class Problem extends Error {
    constructor(detail, status) { super(detail); this.status = status; }
  }

  function show(screen) {
    for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
  }
  function say(id, text) { $(id).textContent = text || ""; $(id).hidden = !text; }
  function showError(text) {  // in view: the button pressed may be far below it
    say("notice", "");
    say("error", text);
    if (text) $("error").scrollIntoView({ block: "center" });
  }
  function clearMessages() { say("error", ""); say("notice", ""); }
  function busy(text) { clearMessages(); $("busy-text").textContent = text; show("busy"); }

  function touched() {
    state.lastCall = Date.now();
    state.deadline = state.lastCall + state.idleS * 1000;
    renderCountdown();
  }

  async function call(url, { method = "POST", body = null, binary = false } = {}) {
    const headers = { Accept: binary ? "application/pdf" : "application/json" };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    if (body !== null) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, { method, headers, cache: "no-store",
        body: body === null ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new Problem("无法连接服务器，请稍后再试或联系工作人员。", 0);
    }
    if (!response.ok) {
      let detail = "系统出了点问题，请稍后再试或联系工作人员。";
      try {
        const problem = await response.json();
        if (problem.detail) detail = problem.detail;
      } catch (error) { /* not problem+json: keep the general sentence */ }
      throw new Problem(detail, response.status);
    }
    if (state.token) touched();  // every answered call is activity at the hub too
    if (response.status === 204) return null;
    return binary ? response.blob() : response.json();
  }
  const api = (path, options) => call(API + path, options);

  // Every action goes through here: a problem is shown in Chinese; an ended session
  // (401) returns to the start screen.
  async function act(work, fallbackScreen) {
    try {
      await work();
    } catch (error) {
      const detail = error instanceof Problem ? error.message
        : "系统出了点问题，请稍后再试或联系工作人员。";
      if (error instanceof Problem && error.status === 401 && state.token) {
        endSession();
        showError(detail);
        return;
      }
      show(fallbackScreen || (state.token ? "records" : "start"));
      showError(detail);
    }
  }

  async function readCard() {
    busy("正在读取身份证，请勿移动……");
    let card;
    try {
      const response = await fetch(`${READER}/read`, { method: "POST", cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      card = await response.json();
    } catch (error) {
      throw new Problem("未能读取身份证，请将身份证放稳后重试；仍不行请联系工作人员。", 0);
    }
    const opened = await api("/sessions", { body: { assertion: card.assertion } });
    state.token = opened.session_token;
    state.idleS = opened.expires_in_idle_s;
    touched();
    $("greeting").textContent = `${opened.person.name}，您好`;
    $("session-bar").hidden = false;
    await loadRecords();
  }

  async function loadRecords() {
    busy("正在查询各档案馆，请稍候……");
    state.answer = await api("/records", { body: { purpose: QUERY_PURPOSE } });
    renderRecords(state.answer);
    show("records");
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function renderRecords(answer) {
    const waiting = answer.archives.filter((a) => !a.answered).map((a) => a.name);
    $("coverage").textContent = waiting.length
      ? `以下档案馆暂未答复，结果可能不全：${waiting.join("、")}。`
      : `已查询：${answer.archives.map((a) => a.name).join("、")}。`;
    const list = $("record-list");
    list.replaceChildren();
    for (const record of answer.records) {
      const label = element("label");
      const box = element("input");
      box.type = "checkbox";
      box.value = record.record_id;
      const title = element("span", "title",
        `${record.record_type_label}档案 · ${record.archive.name} · ${record.event_date || "日期不详"}`);
      title.append(element("span", `where ${record.held_here ? "here" : "elsewhere"}`,
        record.held_here ? "本机可打印" : "需跨馆调档"));
      label.append(box, element("span", "tick"), title,
        element("span", "summary", record.summary));
      const item = element("li", "record");
      item.append(label);
      list.append(item);
    }
    $("no-records").hidden = answer.records.length > 0 || answer.to_confirm.length > 0;
    renderToConfirm(answer);
  }

  // Records that may be the person's but are not sure enough to show: where, how many.
  function renderToConfirm(answer) {
    const list = $("to-confirm-list");
    list.replaceChildren(...answer.to_confirm.map((entry) =>
      element("li", null, `${entry.archive.name}：${entry.count}份`)));
    $("to-confirm-notice").textContent = answer.to_confirm_notice || "";
    $("to-confirm").hidden = answer.to_confirm.length === 0;
  }

  async function requestConfirmation() {
    busy("正在提交核实申请，请稍候……");
    const filed = await api("/requests", { body: { query_id: state.answer.query_id } });
    showReceipt(filed);
  }

  function renderPurposes() {
    const list = $("purpose-list");
    for (const purpose of PURPOSES) {
      const label = element("label", "choice");
      const radio = element("input");
      radio.type = "radio";
      radio.name = "purpose";
      radio.value = purpose;
      label.append(radio, element("span", null, purpose));
      list.append(label);
    }
  }

  function chosenPurpose() {
    const checked = document.querySelector("input[name=purpose]:checked");
    if (!checked) throw new Problem("请先选择用途。", 0);
    return checked.value;
  }

  function chosenRecords() {
    const ids = new Set([...document.querySelectorAll("#record-list input:checked")]
      .map((box) => box.value));
    return state.answer.records.filter((record) => ids.has(record.record_id));
  }

  async function printCertificate() {
    const purpose = chosenPurpose();
    const records = chosenRecords();
    if (!records.length) throw new Problem("请先勾选要打印证明的档案。", 0);
    if (records.some((record) => !record.held_here)) {
      throw new Problem("所选档案中有其他档案馆保存的档案，本机只能打印本馆档案。"
        + "请取消勾选这些档案，或点击「申请跨馆调档」。", 0);
    }
    busy("正在出具证明，请稍候……");
    const certificate = await api("/certificates", { body: {
      query_id: state.answer.query_id, purpose,
      record_ids: records.map((record) => record.record_id) } });
    const pdf = await call(certificate.pdf_url, { method: "GET", binary: true });
    if (state.pdfUrl) URL.revokeObjectURL(state.pdfUrl);
    state.pdfUrl = URL.createObjectURL(pdf);
    $("certificate-no").textContent = certificate.display_no;
    $("certificate-frame").src = state.pdfUrl;
    show("certificate");
  }

  async function requestAcrossArchives() {
    const purpose = chosenPurpose();
    const chosen = chosenRecords();
    const elsewhere = chosen.filter((record) => !record.held_here);
    if (chosen.length && !elsewhere.length) {
      throw new Problem("所选档案由本馆保存，可直接点击「打印证明」。", 0);
    }
    const body = { purpose };
    if (elsewhere.length) {  // none chosen: every other archive is asked to search
      body.holding_archives = [...new Set(elsewhere.map((record) => record.archive.code))];
      body.record_types = [...new Set(elsewhere.map((record) => record.record_type))];
      body.note = ("自助查询机上所选档案："
        + elsewhere.map((record) => `${record.archive.name}${record.record_type_label}档案`
          + `（${record.event_date || "日期不详"}，编号${record.record_id.split("/").pop()}）`)
          .join("；")).slice(0, 1000);
    }
    busy("正在提交申请，请稍候……");
    showReceipt(await api("/requests", { body }));
  }

  function showReceipt(filed) {
    $("request-no").textContent = filed.request_no;
    $("request-due").textContent = `${chineseDate(filed.accept_due)}前答复`;
    $("request-receiving").textContent = filed.receiving_archive.name;
    $("request-holding").textContent = filed.holding_archives.map((a) => a.name).join("、");
    show("request");
  }

  function chineseDate(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return `${year}年${month}月${day}日`;
  }

  async function finish() {
    if (state.token) {
      try { await api("/sessions/finish"); } catch (error) { /* it ended anyway */ }
    }
    endSession();
    say("notice", "感谢使用，请取走您的身份证。");
  }

  // Forget everything about the person: the next one starts from a clean page.
  function endSession() {
    state.token = null;
    state.answer = null;
    if (state.pdfUrl) URL.revokeObjectURL(state.pdfUrl);
    state.pdfUrl = null;
    $("certificate-frame").removeAttribute("src");
    $("record-list").replaceChildren();
    $("to-confirm-list").replaceChildren();
    $("to-confirm").hidden = true;
    for (const id of ["greeting", "certificate-no", "request-no", "request-due",
      "request-receiving", "request-holding"]) $(id).textContent = "";
    for (const radio of document.querySelectorAll("input[name=purpose]")) radio.checked = false;
    $("session-bar").hidden = true;
    clearMessages();
    show("start");
  }

  function renderCountdown() {
    if (!state.token) return;
    const left = Math.max(0, Math.ceil((state.deadline - Date.now()) / 1000));
    $("countdown").textContent = `剩余 ${left} 秒`;
  }

  async function tick() {
    if (!state.token) return;
    renderCountdown();
    if (Date.now() < state.deadline) return;
    const token = state.token;
    endSession();
    try {  // tells the hub now (it records the idle end); the session is over either way
      await fetch(`${API}/sessions/finish`, { method: "POST", cache: "no-store",
        headers: { Authorization: `Bearer ${token}` } });
    } catch (error) { /* the hub ends it on its own */ }
    showError("本次服务已结束，请重新放置身份证。");
  }

  // A touch is activity: tell the hub now and then, so a person reading slowly keeps the
  // session. Only an ended session interrupts what is on the screen.
  function keepAlive() {
    const every = Math.min(KEEPALIVE_MS, state.idleS * 250);
    if (!state.token || Date.now() - state.lastCall < every) return;
    state.lastCall = Date.now();
    api("/session", { method: "GET" }).catch((error) => {
      if (error instanceof Problem && error.status === 401 && state.token) {
        endSession();
        showError(error.message);
      }
    });
  }

  renderPurposes();
  $("read-card").addEventListener("click", () => act(readCard, "start"));
  $("print").addEventListener("click", () => act(printCertificate));
  $("request").addEventListener("click", () => act(requestAcrossArchives));
  $("confirm-request").addEventListener("click", () => act(requestConfirmation));
  $("print-pdf").addEventListener("click", () => {
    try { $("certificate-frame").contentWindow.print(); } catch (error) { window.print(); }
  });
  for (const button of document.querySelectorAll("[data-finish]")) {
    button.addEventListener("click", () => act(finish));
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", () => { clearMessages(); show("records"); });
  }
  document.addEventListener("pointerdown", keepAlive);
  window.setInterval(tick, 1000);
  show("start");
})();
