/* 总结助手 — the page of `zongjie serve`.
 *
 * Everything shown here that came from the server (answers, drafts, briefs, report titles, headings) is
 * untrusted text: it is put on the page with createElement/textContent only, never as HTML. The small
 * Markdown renderer below knows just what our outputs use (# headings, **lead bold** and bold caption lines,
 * paragraphs, > notes, pipe tables, [S1]/[F1]/[M1] keys, 〔待补〕) and builds DOM nodes for it.
 */
"use strict";

(function () {
  const PLACEHOLDER = "〔待补〕";
  const INLINE = /\[([SFM]\d+)\]|〔待补〕|〔见[^〔〕\n]{1,30}〕/g;
  // A draft point's run-in lead ("**一是……。**"). Only at a paragraph's start and ending in 。/：, because
  // masked figures in the reports are runs of "*" ("谈心谈话**余人次") and must stay as they are.
  const LEAD_BOLD = /^\*\*([^*\n]+?[。：:！？])\*\*/;
  // A bold line of its own, as a table's caption ("**……统计表**[M32]"): the whole paragraph, perhaps a key after it.
  const BOLD_LINE = /^\*\*([^*\n]+)\*\*(?=(?:\[[SFM]\d+\])*$)/;
  const VIEWS = ["ask", "draft", "check", "brief", "compare", "reports"];
  // Punctuation that must not start a line: it stays on the line of the [S1] chip before it.
  const AFTER_CHIP = /^[。，；：、！？）」』”’.,;:!?)]+/;
  const STATUS_EVERY_MS = 15000;

  const $ = (id) => document.getElementById(id);

  /** A new element with a class and text (text set as textContent, never parsed). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  // ---------------------------------------------------------------- server calls

  class ApiError extends Error {}

  async function errorOf(response) {
    let message = "";
    try {
      const body = await response.json();
      message = body && typeof body.error === "string" ? body.error : "";
    } catch (ignored) { /* not JSON */ }
    if (response.status === 401) return "需要访问令牌：请使用管理员提供的完整链接（…/?token=…）打开本页。";
    return message || `请求失败（${response.status}），请稍后再试。`;
  }

  async function request(path, options) {
    let response;
    try {
      response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
    } catch (error) {
      if (error && error.name === "AbortError") throw error;
      connectionLost();
      throw new ApiError("无法连接服务器，请稍后再试；一直连不上时请联系管理员。");
    }
    connectionAnswered(path);
    if (!response.ok) throw new ApiError(await errorOf(response));
    return response;
  }

  async function getJSON(path) {
    return (await request(path)).json();
  }

  function jsonBody(body, signal) {
    return { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal };
  }

  async function postJSON(path, body) {
    return (await request(path, jsonBody(body))).json();
  }

  /** POST (JSON or a form, as `options` say), then save the returned file under the name the server gives it. */
  async function download(path, options, fallbackName) {
    const response = await request(path, options);
    const blob = await response.blob();
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileNameOf(response.headers.get("Content-Disposition")) || fallbackName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  }

  function fileNameOf(disposition) {
    if (!disposition) return "";
    const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
    if (encoded) {
      try { return decodeURIComponent(encoded[1].trim()); } catch (ignored) { /* fall through */ }
    }
    const plain = /filename\s*=\s*"([^"]+)"/i.exec(disposition);
    return plain ? plain[1] : "";
  }

  /** Upload a report with XMLHttpRequest (for upload progress); resolves with the server's JSON. `reference`
   *  marks it background material (ingest --reference). */
  function uploadReport(file, state, reference = false) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append("file", file);
      if (reference) form.append("reference", "1");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/upload");
      xhr.withCredentials = true;
      xhr.responseType = "json";
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) state.progress(Math.round((event.loaded / event.total) * 100));
      };
      xhr.upload.onload = () => state.working("已上传，正在解析、导入资料库……");
      xhr.onload = () => {
        const body = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new ApiError(uploadError(xhr.status, body)));
      };
      xhr.onerror = () => {
        connectionLost();
        reject(new ApiError("上传失败：无法连接服务。"));
      };
      state.progress(0);
      xhr.send(form);
    });
  }

  function uploadError(status, body) {
    const said = body && typeof body.error === "string" ? body.error : "";
    if (status === 413) return said || "文件太大，无法导入。";
    if (status === 415) return said || "不支持这种文件，请上传 .txt .md .docx 或 .pdf 文件。";
    if (status === 401) return "需要访问令牌：请使用管理员提供的完整链接打开本页。";
    return said || `导入失败（${status}）。`;
  }

  /** The little status area under an upload control: progress bar, working spinner, success or error. */
  function uploadState(node) {
    function set(className, ...children) {
      clear(node);
      node.className = "upload-state " + className;
      children.forEach((child) => node.appendChild(child));
      show(node, true);
    }
    return {
      progress(percent) {
        const bar = el("div", "progress");
        const fill = el("div", "progress-fill");
        fill.style.width = percent + "%";
        bar.appendChild(fill);
        set("is-progress", el("span", "", `上传中 ${percent}%`), bar);
      },
      working(text) { set("is-working", el("span", "spinner"), el("span", "", text)); },
      done(text) { set("is-done", el("span", "", text)); },
      failed(text) { set("is-error", el("span", "", text)); },
    };
  }

  const OUTCOMES = { added: "已导入", updated: "已更新", unchanged: "内容未变，无需重新导入" };

  // ---------------------------------------------------------------- Markdown, as DOM nodes

  /** Inline text: [S1]/[F1] keys become citation buttons, 〔待补〕 is highlighted, line breaks are kept. */
  function renderInline(parent, text, citations) {
    let last = 0;
    INLINE.lastIndex = 0;
    let match;
    while ((match = INLINE.exec(text)) !== null) {
      appendText(parent, text.slice(last, match.index));
      let node = inlineNode(match, citations);
      last = match.index + match[0].length;
      const tail = match[1] ? AFTER_CHIP.exec(text.slice(last)) : null;
      if (tail) {
        node = tiedToChip(node, tail[0]);
        last += tail[0].length;
        INLINE.lastIndex = last;
      }
      parent.appendChild(node);
    }
    appendText(parent, text.slice(last));
  }

  /** A chip and the "。" after it in one unbreakable span, so the "。" never starts the next line alone. */
  function tiedToChip(chip, punctuation) {
    const tie = el("span", "cite-tie");
    tie.appendChild(chip);
    tie.appendChild(document.createTextNode(punctuation));
    return tie;
  }

  function inlineNode(match, citations) {
    if (match[1]) return citeMarker(match[1], citations);
    if (match[0] === PLACEHOLDER) return el("mark", "placeholder", PLACEHOLDER);
    const pointer = el("span", "pointer", match[0]);  // a brief's 〔见二（三）〕: where in the report
    pointer.title = "在原报告中的位置";
    return pointer;
  }

  function appendText(parent, text) {
    text.split("\n").forEach((line, index) => {
      if (index > 0) parent.appendChild(el("br"));
      if (line) parent.appendChild(document.createTextNode(line));
    });
  }

  function renderParagraph(text, context) {
    const paragraph = el("p");
    let rest = text;
    const lead = context.bold ? LEAD_BOLD.exec(text) || BOLD_LINE.exec(text) : null;
    if (lead) {
      const strong = el("strong");
      renderInline(strong, lead[1], context.citations);
      paragraph.appendChild(strong);
      rest = text.slice(lead[0].length);
    }
    renderInline(paragraph, rest, context.citations);
    return paragraph;
  }

  function splitRow(line) {
    let row = line.trim();
    if (row.startsWith("|")) row = row.slice(1);
    if (row.endsWith("|")) row = row.slice(0, -1);
    return row.split("|").map((cell) => cell.trim());
  }

  function renderTable(lines, context) {
    const rows = lines.filter((line) => !/^\s*\|?\s*:?-{2,}/.test(line)).map(splitRow);
    const wrap = el("div", "table-wrap");
    const table = el("table");
    const head = el("thead");
    const headRow = el("tr");
    (rows[0] || []).forEach((cell) => headRow.appendChild(el("th", "", cell)));
    head.appendChild(headRow);
    table.appendChild(head);
    const body = el("tbody");
    rows.slice(1).forEach((cells) => {
      const row = el("tr");
      cells.forEach((cell) => {
        const td = el("td");
        renderInline(td, cell, context.citations);
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }

  const HEADINGS = [[/^###\s+/, "h4"], [/^##\s+/, "h3"], [/^#\s+/, "h2"]];

  /** Render our Markdown subset into `container` (cleared first). */
  function renderMarkdown(container, markdown, options) {
    const context = Object.assign({ citations: null, bold: false }, options || {});
    clear(container);
    const lines = String(markdown || "").replace(/\r\n?/g, "\n").split("\n");
    let index = 0;
    while (index < lines.length) {
      const line = lines[index];
      if (!line.trim()) { index += 1; continue; }
      const heading = HEADINGS.find(([pattern]) => pattern.test(line));
      if (heading) {
        const node = el(heading[1], heading[1] === "h2" ? "doc-title" : "");
        renderInline(node, line.replace(heading[0], ""), context.citations);
        container.appendChild(node);
        index += 1;
        continue;
      }
      const block = [];
      const kind = line.trimStart().startsWith("|") ? "table" : /^>\s?/.test(line) ? "note" : "paragraph";
      while (index < lines.length && lines[index].trim() && blockKind(lines[index]) === kind) {
        block.push(lines[index]);
        index += 1;
      }
      if (kind === "table") container.appendChild(renderTable(block, context));
      else if (kind === "note") {
        const note = el("div", "doc-note");
        renderInline(note, block.map((text) => text.replace(/^>\s?/, "")).join("\n"), context.citations);
        container.appendChild(note);
      } else container.appendChild(renderParagraph(block.join("\n"), context));
    }
  }

  function blockKind(line) {
    if (HEADINGS.some(([pattern]) => pattern.test(line))) return "heading";
    if (line.trimStart().startsWith("|")) return "table";
    if (/^>\s?/.test(line)) return "note";
    return "paragraph";
  }

  // ---------------------------------------------------------------- the citation panel

  /** What a reader sees of a key: S3 is the third source ("3"), F2 the second of this year's facts ("今年2"),
   * M4 the fourth sentence of this year's department materials ("材料4"); the key itself stays in data-key. */
  function keyLabel(key) {
    const match = /^([SFM])(\d+)$/.exec(key || "");
    if (!match) return key;
    return ({F: "今年", M: "材料"}[match[1]] || "") + match[2];
  }

  /** A [S1] marker: a button opening its passage when the citation is known, else a plain label. */
  function citeMarker(key, citations) {
    const citation = citations ? citations.find((item) => item.key === key) : null;
    if (!citation) {
      const plain = el("span", "cite-key is-plain", keyLabel(key));
      plain.dataset.key = key;
      return plain;
    }
    const button = el("button", "cite-key", keyLabel(key));
    button.type = "button";
    button.dataset.key = key;
    button.title = "查看原文：" + (citation.report_title || citation.source || "");
    button.addEventListener("click", () => openCitation(citation, button));
    return button;
  }

  let activeMarker = null;

  function openCitation(citation, marker) {
    if (activeMarker) activeMarker.classList.remove("is-active");
    activeMarker = marker || null;
    if (activeMarker) activeMarker.classList.add("is-active");
    $("cite-key").textContent = keyLabel(citation.key);
    const fromUser = citation.source === "用户提供" && !citation.chunk_id;
    const title = citation.report_title || citation.source || "";
    $("cite-report").textContent = fromUser ? "用户提供的今年事实" : (title ? `《${title}》` : "");
    const where = citation.file && citation.line ? `${citation.file} 第${citation.line}行` : "";
    $("cite-where").textContent = where;   // a material's sentence: which file, which line
    show($("cite-where"), Boolean(where));
    const path = citation.heading_path || [];
    $("cite-path").textContent = path.length ? path.join(" › ") : "";
    show($("cite-path"), path.length > 0);
    renderPassage($("cite-passage"), citation.passage || citation.quote || "", citation.quote || "");
    show($("cite-panel"), true);
    document.body.classList.add("has-cite");
    if (window.matchMedia("(max-width: 600px)").matches) $("cite-close").focus({ preventScroll: true });
  }

  /** The cited passage, with the quoted sentence marked when it is found inside the passage. */
  function renderPassage(container, passage, quote) {
    clear(container);
    const at = quote ? passage.indexOf(quote) : -1;
    if (at < 0 || passage === quote) {
      container.appendChild(el("p", "", passage));
      return;
    }
    const paragraph = el("p");
    appendText(paragraph, passage.slice(0, at));
    paragraph.appendChild(el("mark", "quote", quote));
    appendText(paragraph, passage.slice(at + quote.length));
    container.appendChild(paragraph);
  }

  function closeCitation() {
    show($("cite-panel"), false);
    document.body.classList.remove("has-cite");
    if (activeMarker) activeMarker.classList.remove("is-active");
    activeMarker = null;
  }

  /** A "来源" list under an answer or draft: one line per citation, opening the panel. */
  function sourceList(citations) {
    const list = el("ol", "sources");
    citations.forEach((citation) => {
      const item = el("li");
      const button = el("button", "source-link");
      button.type = "button";
      button.appendChild(el("span", "cite-key is-static", keyLabel(citation.key)));
      const where = [citation.report_title ? `《${citation.report_title}》` : citation.source,
        ...(citation.heading_path || [])].filter(Boolean).join(" › ");
      button.appendChild(el("span", "source-where", where));
      button.addEventListener("click", () => openCitation(citation, null));
      item.appendChild(button);
      list.appendChild(item);
    });
    return list;
  }

  function warningList(node, warnings) {
    clear(node);
    (warnings || []).forEach((warning) => {
      const item = el("li");
      renderInline(item, String(warning), null);  // 〔待补〕 marked as in the draft's text
      node.appendChild(item);
    });
    show(node, Boolean(warnings && warnings.length));
  }

  // ---------------------------------------------------------------- navigation

  function showView(name) {
    const view = VIEWS.includes(name) ? name : "ask";
    document.querySelectorAll("section.view").forEach((section) => show(section, section.dataset.view === view));
    document.querySelectorAll(".nav-item").forEach((item) => {
      if (item.dataset.view === view) item.setAttribute("aria-current", "page");
      else item.removeAttribute("aria-current");
    });
    document.body.dataset.view = view;
    closeCitation();
    if (view === "ask") $("chat-input").focus();
  }

  function route() {
    showView(location.hash.replace(/^#/, ""));
  }

  // ---------------------------------------------------------------- status, topics, reports

  let reports = [];
  let maxUploadMb = null;   // the server's limit for one file, from the status

  const STATUS_PATH = "/api/status";
  const connection = { lost: false, lastContact: null };

  async function loadStatus() {
    try {
      const status = await getJSON(STATUS_PATH);
      const engine = status.engine === "llm" ? `模型：${status.model || "已接入"}` : "未接入模型：回答直接引用报告原句";
      $("status").textContent = `${engine} · 资料库 ${status.reports} 份报告`;
      $("status").classList.remove("is-error");
      showDraftYear(status.draft_year, status.newest_year);
      show($("compare-with-summary-field"), status.engine === "llm");   // offline there is no one to write it
      maxUploadMb = status.max_upload_mb || null;
    } catch (error) {
      if (connection.lost) return;  // connectionLost() has already said so, with the time
      $("status").textContent = error.message;
      $("status").classList.add("is-error");
    }
  }

  /** A request could not reach the server: say so on the status line, with when it last answered. */
  function connectionLost() {
    connection.lost = true;
    const since = connection.lastContact ? `（上次连接正常：${clockTime(connection.lastContact)}）` : "";
    $("status").textContent = `无法连接服务器${since}，正在重试……`;
    $("status").classList.add("is-error");
  }

  function connectionAnswered(path) {
    const wasLost = connection.lost;
    connection.lost = false;
    connection.lastContact = new Date();
    if (wasLost && path !== STATUS_PATH) loadStatus();  // back: refresh the line now, not at the next poll
  }

  function clockTime(date) {
    return date.toTimeString().slice(0, 5);
  }

  async function loadTopics() {
    try {
      const { topics } = await getJSON("/api/topics");
      ["draft-section", "compare-section"].forEach((id) => {
        const select = $(id);
        clear(select);
        topics.forEach((topic) => {
          const option = el("option", "", topic.name);
          option.value = topic.name;
          select.appendChild(option);
        });
      });
    } catch (error) {
      showError($("draft-error"), error.message);
      showError($("compare-error"), error.message);
    }
  }

  async function loadReports(selectSource) {
    try {
      reports = (await getJSON("/api/reports")).reports || [];
    } catch (error) {
      showError($("brief-error"), error.message);
      return;
    }
    fillReportSelect(selectSource);
    fillComparePicks();
    renderReportList();
  }

  /** The year a draft is for when the form leaves it empty (the server's rule, sent with the status), said on
   * the form, so an upload or a removal never moves it unseen. */
  function showDraftYear(year, newest) {
    const note = `默认起草 ${year} 年` +
      (newest ? `（资料库最新报告为 ${newest} 年）` : "（资料库中的报告没有标明年份）") + "，可在“年度”中改为其他年份。";
    ["draft", "report"].forEach((form) => {
      $(`${form}-year`).placeholder = `默认 ${year}`;
      $(`${form}-year-note`).textContent = note;
    });
    $("check-year").placeholder = `默认 ${year}`;
    $("check-year-note").textContent = `稿子写的是哪一年的工作：默认 ${year} 年` +
      (newest ? `（资料库最新报告为 ${newest} 年）` : "") + "，稿子里沿用往年的年份会被指出。";
  }

  /** What a reader calls a report: its title (never the stored file's name when there is a title). */
  function reportName(report) {
    return report.title || report.source;
  }

  /** The unit and year of a report, each left out when unknown or already in the title. */
  function reportDetails(report) {
    const title = reportName(report);
    return [report.unit && !title.includes(report.unit) ? report.unit : "",
      report.year && !title.includes(String(report.year)) ? `${report.year}年` : ""].filter(Boolean);
  }

  function reportLabel(report) {
    const details = reportDetails(report);
    return details.length ? `${reportName(report)}（${details.join("，")}）` : reportName(report);
  }

  function fillReportSelect(selectSource) {
    const select = $("brief-report");
    const keep = selectSource || select.value;
    clear(select);
    if (!reports.length) {
      const none = el("option", "", "（资料库中还没有报告）");
      none.value = "";
      select.appendChild(none);
    }
    reports.forEach((report) => {
      const option = el("option", "", reportLabel(report));
      option.value = report.source;
      select.appendChild(option);
    });
    if (keep && reports.some((report) => report.source === keep)) select.value = keep;
  }

  // ---------------------------------------------------------------- 问答

  const chat = { session: newSessionId(), controller: null, busy: false };

  function newSessionId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // works on plain-http intranet pages, unlike crypto.randomUUID
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function nearBottom(log) {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollChat(force) {
    const log = $("chat-log");
    if (force || nearBottom(log)) log.scrollTop = log.scrollHeight;
  }

  function addTurn(question) {
    show($("chat-empty"), false);
    const log = $("chat-log");
    const turn = el("div", "turn");
    turn.appendChild(el("div", "msg msg-user", question));
    const reply = el("div", "msg msg-answer is-streaming");
    const body = el("div", "answer-text");
    body.appendChild(el("span", "typing", "正在查找资料……"));
    reply.appendChild(body);
    turn.appendChild(reply);
    log.appendChild(turn);
    scrollChat(true);
    return { reply, body };
  }

  function setChatBusy(busy) {
    chat.busy = busy;
    show($("chat-stop"), busy);
    $("chat-send").disabled = busy;
  }

  /** Read a text/event-stream body, calling onEvent(name, data) for each event. */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder("utf-8");
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let split;
      while ((split = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split).replace(/^\r?\n\r?\n/, "");
        const event = parseEvent(block);
        if (event) onEvent(event.name, event.data);
      }
      if (done) return;
    }
  }

  function parseEvent(block) {
    let name = "message";
    const data = [];
    block.split(/\r?\n/).forEach((line) => {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (!data.length) return null;
    try {
      return { name, data: JSON.parse(data.join("\n")) };
    } catch (ignored) {
      return null;
    }
  }

  function renderAnswer(body, text, citations) {
    clear(body);
    renderInline(body, text, citations);
  }

  function finishAnswer(parts, done) {
    const { reply, body } = parts;
    reply.classList.remove("is-streaming");
    renderAnswer(body, done.answer || "", done.citations || []);
    if (!done.answer) body.appendChild(el("span", "answer-empty", "（回答中没有能在资料中核实的内容，未予显示。）"));
    if (done.refused) {
      reply.classList.add("is-refused");
      reply.insertBefore(el("div", "refusal-note", "未找到依据"), body);
      reply.appendChild(el("p", "refusal-hint",
        "没有编造答案。可以换个说法再问，或到“报告”页导入相关报告。"));
    } else if (done.citations && done.citations.length) {
      reply.classList.add("is-grounded");
      reply.appendChild(el("div", "sources-title", "来源（点编号查看原文）"));
      reply.appendChild(sourceList(done.citations));
    }
    if (done.warnings && done.warnings.length) {
      const warnings = el("ul", "warnings");
      warningList(warnings, done.warnings);
      reply.appendChild(warnings);
    }
  }

  function failAnswer(parts, message, keepText) {
    parts.reply.classList.remove("is-streaming");
    parts.reply.classList.add("is-failed");
    if (!keepText) clear(parts.body);
    parts.reply.appendChild(el("p", "answer-error", message));
  }

  async function ask(question) {
    if (chat.busy || !question.trim()) return;
    const parts = addTurn(question.trim());
    const controller = new AbortController();
    chat.controller = controller;
    setChatBusy(true);
    let streamed = "";
    let finished = false;
    try {
      const response = await request("/api/chat",
        jsonBody({ session: chat.session, question: question.trim() }, controller.signal));
      await readEvents(response, (name, data) => {
        if (name === "text" && typeof data.text === "string") {
          streamed += data.text;
          renderAnswer(parts.body, streamed, null);
        } else if (name === "done") {
          finished = true;
          finishAnswer(parts, data);
        } else if (name === "error") {
          finished = true;
          failAnswer(parts, data.error || "回答时出错。", Boolean(streamed));
        }
        scrollChat(false);
      });
      if (!finished) failAnswer(parts, "回答没有完整收到，请重新提问。", Boolean(streamed));
    } catch (error) {
      if (error && error.name === "AbortError") failAnswer(parts, "已停止回答。", Boolean(streamed));
      else failAnswer(parts, error.message || "回答时出错。", Boolean(streamed));
    } finally {
      if (chat.controller === controller) {
        chat.controller = null;
        setChatBusy(false);
      }
      scrollChat(false);
    }
  }

  function stopAnswer() {
    if (chat.controller) chat.controller.abort();
  }

  async function resetChat() {
    stopAnswer();
    const old = chat.session;
    chat.session = newSessionId();
    const log = $("chat-log");
    Array.from(log.querySelectorAll(".turn")).forEach((turn) => turn.remove());
    show($("chat-empty"), true);
    closeCitation();
    $("chat-input").value = "";
    $("chat-input").focus();
    try { await postJSON("/api/chat/reset", { session: old }); } catch (ignored) { /* a new session anyway */ }
  }

  function setupChat() {
    const input = $("chat-input");
    $("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const question = input.value;
      if (!question.trim() || chat.busy) return;
      input.value = "";
      ask(question);
    });
    input.addEventListener("keydown", (event) => {
      // Enter while a Chinese input method is composing picks a candidate; it must not send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        $("chat-form").requestSubmit();
      }
    });
    $("chat-stop").addEventListener("click", stopAnswer);
    $("chat-reset").addEventListener("click", resetChat);
    document.querySelectorAll(".example").forEach((button) => {
      button.addEventListener("click", () => ask(button.textContent));
    });
  }

  // ---------------------------------------------------------------- 起草

  let lastDraftBody = null;

  function showError(node, message) {
    node.textContent = message;
    show(node, Boolean(message));
  }

  function draftBody() {
    const year = $("draft-year").value.trim();
    const body = { section: $("draft-section").value, org: $("draft-org").value.trim(),
      facts: $("draft-facts").value };
    if (year) body.year = Number(year);
    return body;
  }

  function renderDraft(draft) {
    const outline = $("draft-outline");
    clear(outline);
    (draft.outline || []).forEach((point) => outline.appendChild(el("li", "", point)));
    const count = draft.placeholders || 0;
    const summary = $("draft-summary");
    clear(summary);
    if (count) {
      summary.appendChild(document.createTextNode(`初稿中有 ${count} 处`));
      summary.appendChild(el("mark", "placeholder", PLACEHOLDER));
      summary.appendChild(document.createTextNode("，请按今年的实际填写。点正文中的编号可查看依据。"));
    } else {
      summary.textContent = "初稿中的数字都有依据。点正文中的编号可查看依据。";
    }
    warningList($("draft-warnings"), draft.warnings);
    renderMarkdown($("draft-text"), draft.markdown || `# ${draft.title || ""}\n\n${draft.text || ""}`,
      { citations: draft.citations || [], bold: true });
    show($("draft-result"), true);
  }

  /** A form's request with its spinner on and its button off; a failure shows in its error box, a result
   * scrolls into view. `name` names the elements: <name>-error, -busy, -run and -result. */
  async function whileBusy(name, work) {
    showError($(`${name}-error`), "");
    show($(`${name}-busy`), true);
    $(`${name}-run`).disabled = true;
    try {
      await work();
      $(`${name}-result`).scrollIntoView({ block: "start" });
    } catch (error) {
      showError($(`${name}-error`), error.message);
    } finally {
      show($(`${name}-busy`), false);
      $(`${name}-run`).disabled = false;
    }
  }

  async function runDraft() {
    const body = draftBody();
    await whileBusy("draft", async () => {
      const draft = await postJSON("/api/draft", body);
      lastDraftBody = body;
      renderDraft(draft);
    });
  }

  // A download behind a button: the button is off while it runs, a failure shows in the error box.
  async function downloadFile(button, errorBox, path, options, fallbackName) {
    button.disabled = true;
    showError(errorBox, "");
    try {
      await download(path, options, fallbackName);
    } catch (error) {
      showError(errorBox, error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function downloadDraft() {
    if (lastDraftBody) {
      await downloadFile($("draft-docx"), $("draft-error"), "/api/draft/docx", jsonBody(lastDraftBody), "初稿.docx");
    }
  }

  function setupDraft() {
    $("draft-form").addEventListener("submit", (event) => { event.preventDefault(); runDraft(); });
    $("draft-docx").addEventListener("click", downloadDraft);
    setupDraftModes();
    setupReport();
  }

  // ---------------------------------------------------------------- 起草: 写一节 or 起草全文

  const MODE_TABS = () => Array.from(document.querySelectorAll("#view-draft .mode-tab"));

  function setDraftMode(mode) {
    MODE_TABS().forEach((tab) => {
      const chosen = tab.dataset.mode === mode;
      tab.setAttribute("aria-selected", String(chosen));
      tab.tabIndex = chosen ? 0 : -1;
    });
    show($("draft-section-pane"), mode === "section");
    show($("draft-report-pane"), mode === "report");
    closeCitation();
  }

  function setupDraftModes() {
    MODE_TABS().forEach((tab, index, tabs) => {
      tab.addEventListener("click", () => setDraftMode(tab.dataset.mode));
      tab.addEventListener("keydown", (event) => {   // arrow keys move between the tabs, as in any tab list
        if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
        const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        setDraftMode(next.dataset.mode);
        next.focus();
      });
    });
    setDraftMode("section");
  }

  // ---------------------------------------------------------------- 起草全文

  const MATERIAL_SUFFIXES = [".docx", ".txt", ".md", ".pdf"];

  /** A file chooser with the list of what was chosen: files come by its button or are dropped on its box, each can
   * be removed again, and one the server would refuse is refused here at once, in the server's words. `single`
   * keeps only the last file chosen; `onChange(files)` hears of every change. */
  function filePicker({ input, drop, list, errorBox, suffixes, single, empty, onChange }) {
    let files = [];   // the File objects chosen, in the order chosen

    function problem(file) {
      const suffix = (/\.[^.]+$/.exec(file.name) || [""])[0].toLowerCase();
      if (!suffixes.includes(suffix)) return `不支持的文件类型：${file.name}（可上传 ${suffixes.join(" ")}）`;
      if (maxUploadMb && file.size > maxUploadMb * 1024 * 1024) return `文件超过 ${maxUploadMb} MB 的上限：${file.name}`;
      if (!file.size) return `文件是空的：${file.name}`;
      return "";
    }

    /** Add files (one of the same name replaces the earlier); say which were refused and why. */
    function add(chosen) {
      const refused = [];
      Array.from(chosen || []).forEach((file) => {
        const why = problem(file);
        if (why) refused.push(why);
        else files = single ? [file] : files.filter((other) => other.name !== file.name).concat([file]);
      });
      showError(errorBox, refused.join("；"));
      render();
    }

    function render() {
      clear(list);
      if (!files.length && empty) list.appendChild(el("li", "file-empty", empty));
      files.forEach((file) => list.appendChild(fileItem(file)));
      if (onChange) onChange(files);
    }

    function fileItem(file) {
      const item = el("li", "file-item");
      item.appendChild(el("span", "file-item-name", file.name));
      item.appendChild(el("span", "file-item-size", fileSize(file.size)));
      const remove = el("button", "btn btn-small btn-quiet", "移除");
      remove.type = "button";
      remove.title = `不上传 ${file.name}`;
      remove.addEventListener("click", () => {
        files = files.filter((other) => other !== file);
        render();
      });
      item.appendChild(remove);
      return item;
    }

    input.addEventListener("change", () => {
      add(input.files);
      input.value = "";   // the same file can be chosen again after it was removed
    });
    ["dragenter", "dragover"].forEach((name) => drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("is-over");
    }));
    ["dragleave", "drop"].forEach((name) => drop.addEventListener(name, () => drop.classList.remove("is-over")));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      add(event.dataTransfer && event.dataTransfer.files);
    });
    render();
    return { files: () => files.slice() };
  }

  function fileSize(bytes) {
    return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
  }

  let materials = null;        // the picker of this year's materials
  let lastReportForm = null;   // the form the shown report was drafted from (its Word file is asked with it)

  function reportForm() {
    const form = new FormData();
    materials.files().forEach((file) => form.append("files", file, file.name));
    form.append("org", $("report-org").value.trim());
    form.append("year", $("report-year").value.trim());
    return form;
  }

  async function runReport() {
    if (!materials.files().length) {
      showError($("report-error"), "请先选择今年各科室的材料文件（可多选）。");
      return;
    }
    const form = reportForm();
    await whileBusy("report", async () => {
      const report = await (await request("/api/draft/report", { method: "POST", body: form })).json();
      lastReportForm = form;
      renderReport(report);
    });
  }

  function renderReport(report) {
    renderReportSummary(report);
    // A conflict is shown in the list at the end, with its files and lines; its warning would only repeat it.
    const conflicts = new Set((report.conflicts || []).map((conflict) => `数字冲突：${conflict.description}`));
    warningList($("report-warnings"), (report.warnings || []).filter((warning) => !conflicts.has(warning)));
    const markdown = [`# ${report.title || ""}`, report.note ? `> ${report.note}` : "", report.text || ""];
    renderMarkdown($("report-text"), markdown.filter(Boolean).join("\n\n"),
      { citations: report.citations || [], bold: true });
    renderUnused(report);
    show($("report-result"), true);
  }

  function renderReportSummary(report) {
    const summary = $("report-summary");
    clear(summary);
    const count = report.placeholders || 0;
    if (count) {
      summary.appendChild(document.createTextNode(`初稿中有 ${count} 处`));
      summary.appendChild(el("mark", "placeholder", PLACEHOLDER));
      summary.appendChild(document.createTextNode("，请按今年的实际填写。"));
    } else {
      summary.appendChild(document.createTextNode("初稿中的数字都有依据。"));
    }
    summary.appendChild(document.createTextNode("点正文中的编号可查看出处。"));
    const unused = (report.facts_unused || []).length;
    const conflicts = (report.conflicts || []).length;
    const jump = el("button", "link-button", (unused ? `${unused} 条材料内容未写入初稿` : "材料内容都已写入初稿") +
      (conflicts ? `，${conflicts} 处数字冲突` : "") + "，见文末清单");
    jump.type = "button";
    jump.addEventListener("click", () => $("report-unused").scrollIntoView({ block: "start" }));
    summary.appendChild(jump);
  }

  /** The account of the materials: conflicts first, then every sentence left out, with where it is and why. */
  function renderUnused(report) {
    const unused = report.facts_unused || [];
    const conflicts = report.conflicts || [];
    const used = new Set((report.facts_used || []).map((fact) => fact.key));
    $("report-unused-count").textContent = `共 ${unused.length} 条`;
    const conflictList = $("report-conflicts");
    clear(conflictList);
    conflicts.forEach((conflict) => conflictList.appendChild(conflictItem(conflict, used)));
    show(conflictList, conflicts.length > 0);
    const inConflict = new Set(conflicts.flatMap((conflict) => (conflict.values || []).map((value) => value.key)));
    const list = $("report-unused-list");
    clear(list);
    if (!unused.length) list.appendChild(el("li", "unused-none", "各科室材料中的内容都已写入初稿。"));
    unused.forEach((fact) => list.appendChild(unusedItem(fact, inConflict.has(fact.key))));
  }

  function conflictItem(conflict, used) {
    const item = el("li", "conflict");
    item.appendChild(el("span", "conflict-tag", "数字冲突"));
    const text = el("span", "conflict-text");
    const kept = (conflict.values || [])[0];
    // The draft keeps the first material's sentence with 〔待补〕 in place of the figure: the writer decides.
    const note = kept && used.has(kept.key) ? "正文中这个数字写作〔待补〕，请核实后填写。" : "";
    renderInline(text, `${conflict.description || conflict.item || ""}。${note}`, null);
    item.appendChild(text);
    return item;
  }

  function unusedItem(fact, conflict) {
    const item = el("li", conflict ? "unused is-conflict" : "unused");
    if (conflict) item.appendChild(el("span", "conflict-tag", "数字冲突"));
    item.appendChild(el("span", "unused-where", `${fact.file} 第${fact.line}行：`));
    const text = el("span", "unused-text");
    renderInline(text, fact.text || "", null);
    item.appendChild(text);
    if (fact.reason) item.appendChild(el("span", "unused-reason", `（${fact.reason}）`));
    return item;
  }

  async function downloadReport() {
    if (lastReportForm) {
      await downloadFile($("report-docx"), $("report-error"), "/api/draft/report/docx",
        { method: "POST", body: lastReportForm }, "工作总结.docx");
    }
  }

  function setupReport() {
    $("report-form").addEventListener("submit", (event) => { event.preventDefault(); runReport(); });
    $("report-docx").addEventListener("click", downloadReport);
    materials = filePicker({ input: $("report-files"), drop: $("report-drop"), list: $("report-file-list"),
      errorBox: $("report-error"), suffixes: MATERIAL_SUFFIXES, empty: "还没有选择材料。" });
  }

  // ---------------------------------------------------------------- 校对

  const CHECKED_SUFFIXES = [".docx", ".txt", ".md"];
  const SEVERITIES = ["error", "warning", "hint"];   // the order the server counts them in, the worst first
  let checkDraft = null;       // the picker of the draft to check (one file)
  let checkMaterials = null;   // the picker of this year's materials to check its figures against
  let lastCheckForm = null;    // the form the shown check was made from (the Word file is asked with it)
  let findingItems = new Map();   // each shown finding's entry in the list, for the marks in the text to lead to

  function checkForm() {
    const form = new FormData();
    const [draft] = checkDraft.files();
    if (draft) form.append("draft", draft, draft.name);
    else form.append("text", $("check-text").value);
    checkMaterials.files().forEach((file) => form.append("materials", file, file.name));
    form.append("year", $("check-year").value.trim());
    return form;
  }

  async function runCheck() {
    if (!checkDraft.files().length && !$("check-text").value.trim()) {
      showError($("check-error"), "请先选择要校对的稿子，或把稿子的文字粘贴进来。");
      return;
    }
    const form = checkForm();
    await whileBusy("check", async () => {
      const result = await (await request("/api/check", { method: "POST", body: form })).json();
      lastCheckForm = form;
      renderCheck(result);
    });
  }

  function renderCheck(result) {
    const labels = Object.assign({ kinds: {}, severities: {} }, result.labels);
    const findings = result.findings || [];
    renderCheckSummary(result, labels);
    warningList($("check-notes"), result.notes);
    $("check-file-name").textContent = result.file || "";
    findingItems = new Map();
    const rows = renderCheckedLines(result.lines || [], findings);
    renderFindings(findings, labels, rows);
    show($("check-result"), true);
  }

  /** 错误 N · 提醒 N · 提示 N, then what the draft was checked as and against. */
  function renderCheckSummary(result, labels) {
    const summary = $("check-summary");
    clear(summary);
    const counts = result.counts || {};
    const line = el("div", "check-counts");
    SEVERITIES.forEach((severity, index) => {
      if (index) line.appendChild(document.createTextNode(" · "));
      line.appendChild(el("span", `severity-count is-${severity}`,
        `${labels.severities[severity] || severity} ${counts[severity] || 0}`));
    });
    summary.appendChild(line);
    const total = SEVERITIES.reduce((sum, severity) => sum + (counts[severity] || 0), 0);
    const sources = result.sources || [];
    summary.appendChild(el("div", "check-basis", `按 ${result.year} 年的总结校对` +
      (sources.length ? `，数字已对照 ${sources.join("、")}` : "") +
      (total ? "。点问题可看它在原文中的位置。" : "，没有发现问题。")));
  }

  /** The findings, the errors first, each a button that shows its line in the text below. */
  function renderFindings(findings, labels, rows) {
    const box = $("check-findings");
    clear(box);
    if (!findings.length) box.appendChild(el("p", "check-none", "没有发现问题。"));
    SEVERITIES.forEach((severity) => {
      const group = findings.filter((finding) => finding.severity === severity);
      if (!group.length) return;
      const section = el("div", `finding-group is-${severity}`);
      section.appendChild(el("h3", "finding-group-title", `${labels.severities[severity] || severity}（${group.length}）`));
      const list = el("ol", "finding-list");
      group.forEach((finding) => {
        const item = findingItem(finding, labels, rows.get(finding.line));
        findingItems.set(finding, item);
        list.appendChild(item);
      });
      section.appendChild(list);
      box.appendChild(section);
    });
  }

  function findingItem(finding, labels, row) {
    const item = el("li", `finding is-${finding.severity}`);
    item.tabIndex = -1;   // a mark in the text moves the focus here
    const jump = el("button", "finding-jump");
    jump.type = "button";
    jump.title = `查看原文第${finding.line}行`;
    const head = el("span", "finding-head");
    head.appendChild(el("span", "finding-kind", labels.kinds[finding.kind] || finding.kind));
    head.appendChild(el("span", "finding-line", `第${finding.line}行`));
    jump.appendChild(head);
    jump.appendChild(el("span", "finding-message", finding.message));
    jump.addEventListener("click", () => flashInView(row));
    item.appendChild(jump);
    const evidence = finding.evidence;
    if (evidence && evidence.quote) {
      const basis = el("p", "finding-evidence");
      basis.appendChild(el("span", "finding-label", "依据"));
      basis.appendChild(el("span", "finding-where", `${evidence.where || ""}：`));
      basis.appendChild(el("span", "finding-quote", evidence.quote));
      item.appendChild(basis);
    }
    if (finding.suggestion) {
      const advice = el("p", "finding-suggestion");
      advice.appendChild(el("span", "finding-label", "建议"));
      advice.appendChild(document.createTextNode(finding.suggestion));
      item.appendChild(advice);
    }
    return item;
  }

  /** The draft line by line, under its own numbers, with the words each finding points at marked; returns the
   * rows by line number. */
  function renderCheckedLines(lines, findings) {
    const list = $("check-lines");
    clear(list);
    const rows = new Map();
    lines.forEach((line) => {
      const own = findings.filter((finding) => finding.line === line.number);
      const row = el("li", "check-line");
      row.dataset.line = line.number;
      row.tabIndex = -1;   // a finding's button moves the focus here
      if (own.length) row.classList.add(`has-${worstSeverity(own)}`);
      row.appendChild(el("span", "check-line-number", line.number));
      const text = el("span", "check-line-text");
      markSpans(text, line.text, own);
      row.appendChild(text);
      list.appendChild(row);
      rows.set(line.number, row);
    });
    return rows;
  }

  function worstSeverity(findings) {
    return SEVERITIES.find((severity) => findings.some((finding) => finding.severity === severity)) || "hint";
  }

  /** Where a finding's words stand in its line: inside the sentence it names when the words occur more than once. */
  function spanRange(text, finding) {
    if (!finding.span) return null;
    const sentence = finding.text ? text.indexOf(finding.text) : -1;
    const inSentence = sentence >= 0 ? finding.text.indexOf(finding.span) : -1;
    const start = inSentence >= 0 ? sentence + inSentence : text.indexOf(finding.span);
    return start < 0 ? null : { start, end: start + finding.span.length, finding };
  }

  /** The line's text with each finding's words in a <mark>; where two overlap, the worse finding's colour. */
  function markSpans(parent, text, findings) {
    const ranges = findings.map((finding) => spanRange(text, finding)).filter(Boolean)
      .sort((a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity));
    const owner = Array.from(text, () => null);   // per UTF-16 unit: the range shown there
    ranges.forEach((range) => {
      for (let index = range.start; index < range.end; index += 1) if (!owner[index]) owner[index] = range;
    });
    let start = 0;
    for (let index = 1; index <= text.length; index += 1) {
      if (index < text.length && owner[index] === owner[start]) continue;
      const piece = text.slice(start, index);
      const range = owner[start];
      if (range) {
        const mark = el("mark", `check-mark is-${range.finding.severity}`, piece);
        mark.title = range.finding.message;
        mark.addEventListener("click", () => flashInView(findingItems.get(range.finding)));   // back to the list
        parent.appendChild(mark);
      } else parent.appendChild(document.createTextNode(piece));
      start = index;
    }
  }

  /** Scroll a line of the text (or a finding in the list) into view, flash it and give it the focus. */
  function flashInView(node) {
    if (!node) return;
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    node.focus({ preventScroll: true });
    node.classList.remove("is-flash");
    void node.offsetWidth;   // a second click on the same finding flashes the line again
    node.classList.add("is-flash");
  }

  async function downloadChecked() {
    if (lastCheckForm) {
      await downloadFile($("check-docx"), $("check-error"), "/api/check/docx",
        { method: "POST", body: lastCheckForm }, "校对批注.docx");
    }
  }

  function setupCheck() {
    $("check-form").addEventListener("submit", (event) => { event.preventDefault(); runCheck(); });
    $("check-docx").addEventListener("click", downloadChecked);
    ["check-lines", "check-findings"].forEach((id) => $(id).addEventListener("animationend",
      (event) => event.target.classList.remove("is-flash")));
    checkDraft = filePicker({ input: $("check-file"), drop: $("check-drop"), list: $("check-file-list"),
      errorBox: $("check-error"), suffixes: CHECKED_SUFFIXES, single: true,
      onChange: (files) => {   // a file chosen: its name instead of the box for pasting
        show($("check-file-list"), files.length > 0);
        show($("check-text-field"), !files.length);
      } });
    checkMaterials = filePicker({ input: $("check-materials"), drop: $("check-materials-drop"),
      list: $("check-materials-list"), errorBox: $("check-error"), suffixes: MATERIAL_SUFFIXES,
      empty: "没有选材料：只查占位、年份、照抄和公文规范，不核对数字是否属实。" });
  }

  // ---------------------------------------------------------------- 摘要

  let lastBriefBody = null;

  async function runBrief() {
    const report = $("brief-report").value;
    if (!report) {
      showError($("brief-error"), "请先选择一份报告，或上传一份。");
      return;
    }
    await whileBusy("brief", async () => {
      const brief = await postJSON("/api/brief", { report });
      lastBriefBody = { report };
      $("brief-summary").textContent = `《${brief.title || brief.source}》的一页摘要` +
        (brief.chars ? `，约 ${brief.chars} 字` : "") + "。数字照录原文，打码的数字保持打码。";
      warningList($("brief-warnings"), brief.warnings);
      renderMarkdown($("brief-text"), brief.text || "", { citations: brief.citations || [] });
      show($("brief-result"), true);
    });
  }

  async function downloadBrief() {
    if (lastBriefBody) {
      await downloadFile($("brief-docx"), $("brief-error"), "/api/brief/docx", jsonBody(lastBriefBody), "摘要.docx");
    }
  }

  async function uploadForBrief() {
    const input = $("brief-file");
    const file = input.files && input.files[0];
    if (!file) return;
    const state = uploadState($("brief-upload-state"));
    try {
      const result = await uploadReport(file, state);
      state.done(`${OUTCOMES[result.outcome] || "已导入"}：${result.title || result.source}`);
      await loadReports(result.source);
      loadStatus();
      input.value = "";
      await runBrief();
    } catch (error) {
      state.failed(error.message);
      input.value = "";
    }
  }

  function setupBrief() {
    $("brief-form").addEventListener("submit", (event) => { event.preventDefault(); runBrief(); });
    $("brief-docx").addEventListener("click", downloadBrief);
    $("brief-file").addEventListener("change", uploadForBrief);
    $("brief-report").addEventListener("change", () => show($("brief-result"), false));
  }

  // ---------------------------------------------------------------- 对比

  let lastCompareBody = null;
  const compareSkipped = new Set();   // the reports unticked (one uploaded later comes ticked, as all do at first)

  /** The reports to compare, one checkbox each, ticked unless the user unticked it. */
  function fillComparePicks() {
    const list = $("compare-reports");
    clear(list);
    if (!reports.length) list.appendChild(el("li", "field-note", "（资料库中还没有报告）"));
    reports.forEach((report) => {
      const item = el("li");
      const label = el("label", "compare-pick");
      const box = el("input");
      box.type = "checkbox";
      box.value = report.source;
      box.checked = !compareSkipped.has(report.source);
      box.addEventListener("change", () => tickReport(report.source, box.checked));
      label.appendChild(box);
      label.appendChild(el("span", "compare-pick-name", reportLabel(report)));
      item.appendChild(label);
      list.appendChild(item);
    });
    showPickedCount();
  }

  function tickReport(source, ticked) {
    if (ticked) compareSkipped.delete(source);
    else compareSkipped.add(source);
    showPickedCount();
  }

  function tickAllReports(ticked) {
    reports.forEach((report) => tickReport(report.source, ticked));
    $("compare-reports").querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = ticked; });
  }

  function pickedReports() {
    return reports.filter((report) => !compareSkipped.has(report.source)).map((report) => report.source);
  }

  function showPickedCount() {
    $("compare-picked").textContent = `已选 ${pickedReports().length} / ${reports.length} 份`;
  }

  function compareBody() {
    const picked = pickedReports();
    return { section: $("compare-section").value, reports: picked.length === reports.length ? [] : picked,
      years: $("compare-years").value.trim(), org: $("compare-org").value.trim(),
      summary: !$("compare-with-summary-field").hidden && $("compare-with-summary").checked };
  }

  async function runCompare() {
    if (!pickedReports().length) {
      showError($("compare-error"), reports.length ? "请至少勾选一份报告。" : "资料库中还没有报告，请先到“报告”页导入。");
      return;
    }
    const body = compareBody();
    await whileBusy("compare", async () => {
      const comparison = await postJSON("/api/compare", body);
      lastCompareBody = body;
      renderComparison(comparison);
    });
  }

  function renderComparison(comparison) {
    const citations = (comparison.citations || []).map(panelCitation);
    $("compare-summary").textContent = compareSummary(comparison);
    warningList($("compare-warnings"), comparison.warnings);
    clear($("compare-overview-text"));
    renderInline($("compare-overview-text"), comparison.summary || "", citations);
    show($("compare-overview"), Boolean(comparison.summary));
    renderCompareTable(comparison, citations);
    renderRepeats(comparison, citations);
    show($("compare-result"), true);
  }

  function compareSummary(comparison) {
    const columns = comparison.reports || [];
    const silent = columns.filter((column) => !(column.points || []).length).length;
    return `“${comparison.topic}”${comparison.mode === "years" ? "历年" : "各报告"}对比：${columns.length} 份报告，` +
      `${(comparison.rows || []).length} 个方面` + (silent ? `，其中 ${silent} 份未涉及这一栏目` : "") +
      "。每格是该报告自己的原句，点编号可查看原文。";
  }

  /** A comparison's citation in the shape the passage panel reads. */
  function panelCitation(citation) {
    return { key: citation.key, source: citation.source, chunk_id: citation.chunk_id, report_title: citation.title,
      heading_path: citation.heading ? [citation.heading] : [], passage: citation.text || "" };
  }

  /** The [S1] chip of a sentence: its passage opens with the sentence marked in it. */
  function sentenceChip(key, citations, sentence) {
    const citation = citations.find((item) => item.key === key);
    return citeMarker(key, citation ? [Object.assign({}, citation, { quote: sentence })] : null);
  }

  /** Rows × reports: the row's label and marks, then each report's own points in that row (a dash when none). */
  function renderCompareTable(comparison, citations) {
    const table = $("compare-table");
    clear(table);
    const columns = comparison.reports || [];
    const headRow = el("tr");
    const corner = el("th", "compare-label", "方面");
    corner.scope = "col";
    headRow.appendChild(corner);
    columns.forEach((column) => headRow.appendChild(columnHead(column, comparison.mode)));
    const head = el("thead");
    head.appendChild(headRow);
    table.appendChild(head);
    const body = el("tbody");
    (comparison.rows || []).forEach((row) => {
      const line = el("tr");
      line.appendChild(rowHead(row));
      columns.forEach((column) => line.appendChild(compareCell(column, row.label, citations)));
      body.appendChild(line);
    });
    table.appendChild(body);
  }

  /** A report's column heading: its title and year (the year first in a year series), or that it says nothing. */
  function columnHead(column, mode) {
    const head = el("th", "compare-col");
    head.scope = "col";
    head.dataset.source = column.source;
    const series = mode === "years" && column.year;
    head.appendChild(el("span", "compare-col-name", series ? `${column.year}年` : reportName(column)));
    const details = series ? [reportName(column)] : reportDetails(column);
    if (details.length) head.appendChild(el("span", "compare-col-meta", details.join("，")));
    if (!(column.points || []).length) head.appendChild(el("span", "compare-col-silent", "（本报告未涉及）"));
    return head;
  }

  function rowHead(row) {
    const head = el("th", "compare-label");
    head.scope = "row";
    head.appendChild(el("span", "compare-row-name", row.label));
    (row.marks || []).forEach((mark) => head.appendChild(el("span", "compare-mark", mark)));
    return head;
  }

  function compareCell(column, label, citations) {
    const cell = el("td", (column.points || []).length ? "" : "is-silent");
    cell.dataset.source = column.source;
    const points = (column.points || []).filter((point) => point.row === label);
    if (!points.length) {
      const none = el("span", "compare-none", "—");
      none.title = "这份报告没有写这一方面";
      cell.appendChild(none);
      return cell;
    }
    const list = el("ul", "compare-points");
    points.forEach((point) => {
      const item = el("li");
      item.appendChild(document.createTextNode(point.text));
      item.appendChild(sentenceChip(point.citation.key, citations, point.text));
      list.appendChild(item);
    });
    cell.appendChild(list);
    return cell;
  }

  /** A year series' sentences copied from the year before, each with its own passage and the earlier one's. */
  function renderRepeats(comparison, citations) {
    const list = $("compare-repeated-list");
    clear(list);
    const columns = comparison.reports || [];
    const yearOf = (source) => {
      const column = columns.find((other) => other.source === source) || { source };
      return column.year ? `${column.year}年` : reportName(column);
    };
    (comparison.repeated || []).forEach((repeat) => {
      const item = el("li", "compare-repeat");
      item.appendChild(el("span", "compare-mark", `${yearOf(repeat.source)} · ${repeat.kind}`));
      item.appendChild(document.createTextNode(repeat.text));
      item.appendChild(sentenceChip(repeat.key, citations, repeat.text));
      const before = el("span", "compare-repeat-before", `（${yearOf(repeat.previous)}见`);
      before.appendChild(sentenceChip(repeat.previous_key, citations, repeat.text));
      before.appendChild(document.createTextNode("）"));
      item.appendChild(before);
      list.appendChild(item);
    });
    show($("compare-repeated"), list.childElementCount > 0);
  }

  async function downloadComparison(button, fileFormat) {
    if (lastCompareBody) {
      await downloadFile(button, $("compare-error"), `/api/compare/export?format=${fileFormat}`,
        jsonBody(lastCompareBody), `对比表.${fileFormat}`);
    }
  }

  function setupCompare() {
    $("compare-form").addEventListener("submit", (event) => { event.preventDefault(); runCompare(); });
    $("compare-all").addEventListener("click", () => tickAllReports(true));
    $("compare-none").addEventListener("click", () => tickAllReports(false));
    $("compare-xlsx").addEventListener("click", () => downloadComparison($("compare-xlsx"), "xlsx"));
    $("compare-docx").addEventListener("click", () => downloadComparison($("compare-docx"), "docx"));
  }

  // ---------------------------------------------------------------- 报告

  function renderReportList() {
    const list = $("reports-list");
    clear(list);
    showReportCount();
    if (!reports.length) list.appendChild(el("li", "report-empty", "资料库中还没有报告。用上面的“导入报告”添加。"));
    reports.forEach((report) => list.appendChild(reportItem(report)));
  }

  function reportItem(report) {
    const item = el("li", "report");
    item.dataset.source = report.source;
    const toggle = el("button", "report-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.appendChild(el("span", "report-arrow", "▸"));
    const text = el("span", "report-text");
    text.appendChild(el("span", "report-title", reportName(report)));
    const meta = [report.unit || "", report.year ? `${report.year}年` : "", report.doc_type || "",
      report.chunks ? `${report.chunks} 段` : "", report.reference ? "参考资料" : ""].filter(Boolean).join(" · ");
    text.appendChild(el("span", "report-meta", meta));
    toggle.appendChild(text);
    toggle.appendChild(el("span", "report-action", "查看标题层级"));
    const tree = el("div", "report-tree");
    tree.hidden = true;
    toggle.addEventListener("click", () => toggleTree(report, toggle, tree));
    const remove = el("button", "btn btn-small btn-quiet report-delete", "删除");
    remove.type = "button";
    remove.title = `从资料库删除《${reportName(report)}》`;
    remove.addEventListener("click", () => removeReport(report, item, remove));
    const head = el("div", "report-head");
    head.appendChild(toggle);
    head.appendChild(remove);
    item.appendChild(head);
    item.appendChild(tree);
    return item;
  }

  function showReportCount() {
    $("reports-count").textContent = `共 ${reports.length} 份`;
  }

  /** Ask, then remove a report from the store; its row, the count and the report pickers follow. */
  async function removeReport(report, item, button) {
    const name = reportName(report);
    if (!window.confirm(`确定从资料库中删除《${name}》吗？\n删除后，问答、起草和摘要都不再用到这份报告。`)) return;
    const shown = item.querySelector(".report-error");
    if (shown) shown.remove();
    button.disabled = true;
    try {
      await request(`/api/reports/${encodeURIComponent(report.source)}`, { method: "DELETE" });
    } catch (error) {
      button.disabled = false;
      item.appendChild(el("p", "error-box report-error", `未能删除《${name}》：${error.message}`));
      return;
    }
    reports = reports.filter((other) => other.source !== report.source);
    item.remove();
    if (!reports.length) renderReportList();
    showReportCount();
    fillReportSelect();
    fillComparePicks();
    if (lastBriefBody && lastBriefBody.report === report.source) {
      lastBriefBody = null;
      show($("brief-result"), false);
    }
    loadStatus();
  }

  async function toggleTree(report, toggle, tree) {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    toggle.querySelector(".report-arrow").textContent = open ? "▾" : "▸";
    toggle.querySelector(".report-action").textContent = open ? "收起" : "查看标题层级";
    show(tree, open);
    if (!open || tree.dataset.loaded) return;
    clear(tree);
    tree.appendChild(el("p", "busy-line", "正在读取标题层级……"));
    try {
      const outline = await getJSON(`/api/reports/${encodeURIComponent(report.source)}/outline`);
      clear(tree);
      const children = outline.children || [];
      if (!children.length) tree.appendChild(el("p", "field-note", "这份报告没有识别出标题层级。"));
      else tree.appendChild(headingList(children, 1));
      tree.dataset.loaded = "1";
    } catch (error) {
      clear(tree);
      tree.appendChild(el("p", "error-box", error.message));
    }
  }

  /** The whole heading tree; each heading is a button that shows the text under it, right beneath it. */
  function headingList(nodes, depth) {
    const list = el("ul", `tree tree-depth-${Math.min(depth, 4)}`);
    nodes.forEach((node) => {
      const item = el("li");
      const section = el("div", "tree-section");
      section.hidden = true;
      item.appendChild(headingButton(node, section));
      item.appendChild(section);
      if ((node.children || []).length) item.appendChild(headingList(node.children, depth + 1));
      list.appendChild(item);
    });
    return list;
  }

  function headingButton(node, section) {
    const button = el("button", "tree-heading", node.heading !== undefined ? node.heading : node.title);
    button.type = "button";
    button.title = "显示这一节的原文";
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      if (open && !section.firstChild) fillSection(section, sectionPassages(node));
      show(section, open);
    });
    return button;
  }

  /** Every passage under a heading, in document order: its own, then each sub-heading's in turn. */
  function sectionPassages(node) {
    const own = Array.isArray(node.passages) ? node.passages : [];
    return [...own, ...(node.children || []).flatMap(sectionPassages)];
  }

  function fillSection(section, passages) {
    if (!passages.length) section.appendChild(el("p", "field-note", "这一标题下没有正文。"));
    passages.forEach((text) => section.appendChild(el("p", "section-passage", text)));
  }

  async function uploadFromReports() {
    const input = $("reports-file");
    const file = input.files && input.files[0];
    const state = uploadState($("reports-upload-state"));
    if (!file) {
      state.failed("请先选择要导入的文件。");
      return;
    }
    $("reports-upload").disabled = true;
    try {
      const result = await uploadReport(file, state, $("reports-reference").checked);
      const kind = result.reference ? "（参考资料）" : "";
      state.done(`${OUTCOMES[result.outcome] || "已导入"}：《${result.title || result.source}》${kind}`);
      input.value = "";
      $("reports-file-name").textContent = "未选择文件";
      await loadReports();
      loadStatus();
    } catch (error) {
      state.failed(error.message);
    } finally {
      $("reports-upload").disabled = false;
    }
  }

  function setupReports() {
    $("reports-upload").addEventListener("click", uploadFromReports);
    $("reports-file").addEventListener("change", () => {
      const file = $("reports-file").files[0];
      $("reports-file-name").textContent = file ? file.name : "未选择文件";
      show($("reports-upload-state"), false);
    });
  }

  // ---------------------------------------------------------------- start

  /** A file dropped just beside a drop box must not make the browser leave the page to open it. */
  function keepDroppedFilesOnThePage() {
    ["dragover", "drop"].forEach((name) => window.addEventListener(name, (event) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files")) event.preventDefault();
    }));
  }

  function start() {
    setupChat();
    setupDraft();
    setupCheck();
    setupBrief();
    setupCompare();
    setupReports();
    keepDroppedFilesOnThePage();
    $("cite-close").addEventListener("click", closeCitation);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeCitation(); });
    window.addEventListener("hashchange", route);
    route();
    loadStatus();
    setInterval(loadStatus, STATUS_EVERY_MS);  // notices a stopped server even while nobody clicks
    loadTopics();
    loadReports();
  }

  start();
})();
