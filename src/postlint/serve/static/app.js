/* postlint serve: the page. No framework, no external assets; every piece of post text,
   path and message is put into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 150;
  var RANK = {info: 0, warning: 1, error: 2, critical: 3};
  var ICON = {critical: "\u26D4", error: "\u2716", warning: "\u26A0", info: "\u2139", ok: "\u2713"};
  var state = {info: null, queue: null, opened: false};
  var perf = window.postlint = {timings: [], checks: 0};

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "class") { node.className = value; }
      else { node.setAttribute(key, value === true ? "" : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function api(method, url, body) {
    var options = {method: method, headers: {"Accept": "application/json"}, credentials: "same-origin"};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () {
        return {error: "unexpected answer from the server (" + response.status + ")"};
      }).then(function (data) {
        if (!response.ok) { throw new Error(data.error || ("request failed (" + response.status + ")")); }
        return data;
      });
    });
  }

  function say(id, message, bad) {
    var node = $(id);
    node.textContent = message;
    node.classList.toggle("bad", !!bad);
  }

  function badge(severity) {
    var label = severity || "ok";
    return el("span", {"class": "badge sev-" + label, text: ICON[label] + " " + (severity || "no findings")});
  }

  /* ---- findings: text with marks, and the list of notes ---- */

  function markedText(container, text, findings, ids) {
    container.textContent = "";
    var cuts = {0: true};
    cuts[text.length] = true;
    findings.forEach(function (f) {
      if (typeof f.start === "number") { cuts[f.start] = true; cuts[f.end] = true; }
    });
    var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < points.length; i++) {
      var start = points[i], end = points[i + 1], piece = text.slice(start, end), covering = [];
      findings.forEach(function (f, n) {
        if (typeof f.start === "number" && f.start <= start && end <= f.end) { covering.push(n); }
      });
      if (!covering.length) { container.appendChild(document.createTextNode(piece)); continue; }
      var worst = covering.reduce(function (w, n) {
        return RANK[findings[n].severity] > RANK[w] ? findings[n].severity : w;
      }, "info");
      var tip = covering.map(function (n) {
        var f = findings[n], help = f.help && f.help.fix ? "\nFix: " + f.help.fix : "";
        return f.severity + ": " + f.message + " (" + f.rule + ")" + help;
      }).join("\n\n");
      container.appendChild(el("mark", {
        "class": "sev-" + worst, tabindex: 0, role: "button", title: tip,
        "data-findings": covering.map(function (n) { return ids[n]; }).join(" "),
        "aria-label": piece + ": " + covering.map(function (n) {
          return findings[n].severity + ", " + findings[n].message; }).join("; ")
      }, [piece]));
    }
  }

  function note(f, id) {
    var parts = [badge(f.severity), el("span", {text: f.message})];
    if (f.suggest_more && f.suggest_more.length) {
      parts.push(" ", el("span", {"class": "suggest", text: f.suggest_label + ": " + f.suggest_more.join(", ")}));
    }
    parts.push(" ", el("span", {"class": "rule", text: f.rule}));
    var help = f.help || {};
    var body = [el("summary", {text: "Why it matters and how to fix it"})];
    if (help.why) { body.push(el("p", {}, [el("strong", {text: "Why: "}), help.why])); }
    if (help.fix) { body.push(el("p", {}, [el("strong", {text: "Fix: "}), help.fix])); }
    if (help.why || help.fix) { parts.push(el("details", {}, body)); }
    return el("li", {id: id, tabindex: -1, "data-severity": f.severity, "data-category": f.category}, parts);
  }

  function lightUp(mark, on) {
    (mark.getAttribute("data-findings") || "").split(" ").forEach(function (id) {
      var li = document.getElementById(id);
      if (li) { li.classList.toggle("active", on); }
    });
    mark.classList.toggle("active", on);
  }

  function openNote(mark) {
    var first = null;
    (mark.getAttribute("data-findings") || "").split(" ").forEach(function (id) {
      var li = document.getElementById(id);
      if (!li || li.hidden) { return; }
      var details = li.querySelector("details");
      if (details) { details.open = true; }
      if (!first) { first = li; }
    });
    if (first) { first.focus(); }
  }

  /* ---- compose ---- */

  var timer = null, sequence = 0, keyAt = 0;

  function composeBody() {
    return {text: $("c-text").value, platform: $("c-platform").value, account: $("c-account").value,
            scheduled_at: $("c-schedule").value, language: $("c-language").value};
  }

  function onEdit() {
    keyAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  }

  function check() {
    var mine = ++sequence, typed = keyAt, sent = performance.now(), body = composeBody();
    if (!body.text.trim()) {
      $("c-preview").textContent = "";
      $("c-findings").textContent = "";
      renderLengths([]);
      say("c-status", "Type a post to check it.");
      return;
    }
    api("POST", "/api/check", body).then(function (data) {
      if (mine !== sequence) { return; }  /* an older answer: the text has changed since */
      renderCompose(body.text, data);
      var shown = performance.now();
      perf.timings.push({key_to_shown: shown - typed, request: shown - sent, server: data.server_ms});
      perf.checks = mine;
      var n = data.findings.length, lang = data.language ? " Language: " + data.language + "." : "";
      say("c-status", (n ? n + (n === 1 ? " finding" : " findings") : "No findings") +
          " (checked in " + Math.round(data.server_ms) + " ms)." + lang);
    }).catch(function (error) {
      if (mine === sequence) { say("c-status", error.message, true); }
    });
  }

  function renderCompose(text, data) {
    var ids = data.findings.map(function (f, i) { return "c-f" + i; });
    markedText($("c-preview"), text, data.findings, ids);
    var list = $("c-findings");
    list.textContent = "";
    data.findings.forEach(function (f, i) { list.appendChild(note(f, ids[i])); });
    renderLengths(data.lengths);
  }

  function renderLengths(lengths) {
    var body = $("c-lengths").tBodies[0], chosen = $("c-platform").value;
    body.textContent = "";
    lengths.forEach(function (row) {
      var fits = row.over ? ICON.error + " " + (row.count - row.limit) + " over" : ICON.ok + " fits";
      body.appendChild(el("tr", {"class": (row.over ? "over" : "") + (row.platform === chosen ? " chosen" : ""),
                                 "aria-current": row.platform === chosen ? "true" : null}, [
        el("th", {scope: "row", text: row.platform + (row.platform === chosen ? " (chosen)" : "")}),
        el("td", {"class": "n", text: String(row.count)}),
        el("td", {"class": "n", text: String(row.limit)}),
        el("td", {text: fits})]));
    });
  }

  /* ---- queue ---- */

  function openQueue(path) {
    say("q-status", "Checking " + (path || "the whole folder") + "…");
    $("open").querySelector("button").disabled = true;
    return api("GET", "/api/queue?path=" + encodeURIComponent(path)).then(function (data) {
      if (!state.queue || state.queue.path !== data.path) { loadEvents(data.path); }
      state.queue = data;
      if (data.posts.some(function (p) { return p.review; })) { $("review-fields").hidden = false; }
      fillFilters(data.posts);
      renderQueue();
    }).catch(function (error) {
      say("q-status", error.message, true);
    }).then(function () { $("open").querySelector("button").disabled = false; });
  }

  function fillFilters(posts) {
    var severities = {}, categories = {}, accounts = {};
    posts.forEach(function (post) {
      if (post.account) { accounts[post.account] = true; }
      post.findings.forEach(function (f) { severities[f.severity] = true; categories[f.category] = true; });
    });
    refill($("f-severity"), state.info.severities.filter(function (s) { return severities[s]; }));
    refill($("f-category"), state.info.categories.filter(function (c) { return categories[c]; })
      .concat(Object.keys(categories).filter(function (c) { return state.info.categories.indexOf(c) < 0; })));
    refill($("f-account"), Object.keys(accounts).sort());
  }

  function refill(select, values) {
    var keep = select.value;
    while (select.options.length > 1) { select.remove(1); }
    values.forEach(function (v) { select.appendChild(el("option", {value: v, text: v})); });
    select.value = values.indexOf(keep) >= 0 ? keep : "";
  }

  function wanted(f) {
    var severity = $("f-severity").value, category = $("f-category").value;
    return (!severity || f.severity === severity) && (!category || f.category === category);
  }

  function renderQueue() {
    var data = state.queue, box = $("q-posts"), account = $("f-account").value;
    var filtering = $("f-severity").value || $("f-category").value, shown = 0, flagged = 0;
    box.textContent = "";
    data.posts.forEach(function (post, number) {
      if (post.findings.length) { flagged++; }
      var visible = post.findings.filter(wanted);
      if (account && post.account !== account) { return; }
      if (filtering && !visible.length) { return; }
      shown++;
      box.appendChild(postCard(post, number, visible));
    });
    var errors = data.errors.length ? " " + data.errors.join(" ") : "";
    say("q-status", "Showing " + shown + " of " + data.total + " posts (" + flagged + " with findings) in " +
        (data.path || "the whole folder") + ", checked in " + Math.round(data.server_ms) + " ms." + errors,
        data.errors.length > 0);
  }

  function postCard(post, number, visible) {
    var ids = post.findings.map(function (f, i) { return "p" + number + "-f" + i; });
    var on = {};
    visible.forEach(function (f) { on[post.findings.indexOf(f)] = true; });
    var text = el("div", {"class": "text"});
    markedText(text, post.text, post.findings, ids);
    Array.prototype.forEach.call(text.querySelectorAll("mark"), function (mark) {
      var lit = mark.getAttribute("data-findings").split(" ").some(function (id) {
        return on[ids.indexOf(id)]; });
      if (!lit) { mark.classList.add("off"); mark.removeAttribute("tabindex"); mark.removeAttribute("role"); }
    });
    var notes = el("ol", {"class": "findings", "aria-label": "Findings of " + post.id});
    post.findings.forEach(function (f, i) { if (on[i]) { notes.appendChild(note(f, ids[i])); } });
    var meta = [post.account || "no account", post.platform || "no platform",
                post.scheduled_at ? "scheduled " + post.scheduled_at : "not scheduled"].join(" \u00B7 ");
    var card = el("article", {"class": "post worst-" + (post.worst || "ok"), "aria-labelledby": "p" + number + "-h",
                              "data-post": post.id, "data-path": post.path}, [
      el("h3", {id: "p" + number + "-h"}, [badge(post.worst), post.path + " ",
                                             el("span", {"class": "id", text: post.id})]),
      el("p", {"class": "meta", text: meta}), text, notes]);
    if (post.approvals.length) {
      card.appendChild(el("ul", {"class": "approvals", "aria-label": "Approvals"}, post.approvals.map(function (a) {
        var saw = a.findings.length ? " (saw: " + a.findings.join(", ") + ")" : "";
        var status = a.status === "valid" ? "" : " [no longer counts: " + a.status + "]";
        return el("li", {"class": a.status === "valid" ? "ok" : "void",
                         text: "\u2713 approved by " + a.by + " on " + a.at + saw + status + (a.note ? ": \u201C" + a.note + "\u201D" : "")});
      })));
    }
    var actions = el("div", {"class": "actions"});
    if (post.review) {
      var noteId = "p" + number + "-note";
      actions.appendChild(el("label", {"for": noteId, "class": "visually", text: "Note"}));
      actions.appendChild(el("input", {id: noteId, type: "text", placeholder: "why it is fine (optional)"}));
      var approve = el("button", {type: "button", "class": "primary", "data-action": "approve", text: "Approve " + post.id});
      approve.addEventListener("click", function () { approvePost(post, $(noteId).value, approve); });
      actions.appendChild(approve);
    }
    if (post.editable) {
      var edit = el("button", {type: "button", "data-action": "edit", text: "Edit text"});
      edit.addEventListener("click", function () { editDraft(post, card, text, edit); });
      actions.appendChild(edit);
    }
    if (actions.childNodes.length) { card.appendChild(actions); }
    return card;
  }

  function approvePost(post, noteText, button) {
    button.disabled = true;
    api("POST", "/api/approve", {path: post.path, post: post.id, as: $("q-as").value, note: noteText})
      .then(function (done) {
        var message = "Approved " + done.post + " as " + done.by + " (saw: " + (done.saw.join(", ") || "no findings") +
                      ") in " + done.file + ".";
        return openQueue(state.queue.path).then(function () { say("q-status", message); });
      }).catch(function (error) { button.disabled = false; say("q-status", error.message, true); });
  }

  function editDraft(post, card, textBox, button) {
    button.disabled = true;
    api("GET", "/api/draft?path=" + encodeURIComponent(post.path)).then(function (draft) {
      var areaId = "edit-" + card.querySelector("h3").id;
      var area = el("textarea", {id: areaId, rows: 8});
      area.value = draft.text;
      var save = el("button", {type: "submit", "class": "primary", text: "Save"});
      var cancel = el("button", {type: "button", text: "Cancel"});
      var form = el("form", {"class": "editor"}, [
        el("label", {"for": areaId, text: "Text of " + post.path + " (the front matter stays as it is)"}), area,
        el("div", {"class": "actions"}, [save, cancel])]);
      textBox.replaceWith(form);
      area.focus();
      cancel.addEventListener("click", function () { form.replaceWith(textBox); button.disabled = false; button.focus(); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        save.disabled = true;
        api("POST", "/api/draft", {path: post.path, text: area.value, sha: draft.sha}).then(function (saved) {
          return openQueue(state.queue.path).then(function () { say("q-status", "Saved " + saved.path + "."); });
        }).catch(function (error) { save.disabled = false; say("q-status", error.message, true); });
      });
    }).catch(function (error) { button.disabled = false; say("q-status", error.message, true); });
  }

  function loadEvents(path) {
    var box = $("events-body");
    api("GET", "/api/events?path=" + encodeURIComponent(path)).then(function (data) {
      box.textContent = "";
      if (!data.configured) {
        box.appendChild(el("p", {text: "No markets or event feeds in the config: add `markets` or `events` " +
                                       "to .postlint.yaml to see sensitive dates and live events here."}));
        return;
      }
      box.appendChild(el("h3", {text: "Live now"}));
      box.appendChild(data.live.length ? el("ul", {}, data.live.map(function (e) {
        return el("li", {}, [el("strong", {text: e.name}),
          " (" + e.level + (e.level === "major" ? ": every scheduled post is paused" : "") + "), until " +
          e.end.slice(0, 16).replace("T", " ")]);
      })) : el("p", {text: "Nothing live in the configured feeds."}));
      box.appendChild(el("h3", {text: "Coming up (14 days)"}));
      var rows = data.dates.map(function (d) {
        return {at: d.start, node: el("li", {}, [el("strong", {text: d.start.slice(0, 10)}), " " + d.name + " [" + d.market + "]: " + d.meaning])};
      }).concat(data.coming.map(function (e) {
        return {at: e.start, node: el("li", {}, [el("strong", {text: e.start.slice(0, 16).replace("T", " ")}), " " + e.name + " (" + e.level + ")"])};
      })).sort(function (a, b) { return a.at < b.at ? -1 : 1; });
      box.appendChild(rows.length ? el("ul", {}, rows.map(function (r) { return r.node; }))
                                  : el("p", {text: "No sensitive dates or announced events."}));
    }).catch(function (error) { box.textContent = error.message; });
  }

  /* ---- tabs, start-up ---- */

  function select(tab) {
    ["tab-compose", "tab-queue"].forEach(function (id) {
      var button = $(id), on = button === tab;
      button.setAttribute("aria-selected", on ? "true" : "false");
      button.tabIndex = on ? 0 : -1;
      $(button.getAttribute("aria-controls")).hidden = !on;
    });
    tab.focus();
    if (tab.id === "tab-queue" && !state.opened) {
      state.opened = true;
      openQueue($("q-path").value);
    }
  }

  function wire() {
    ["tab-compose", "tab-queue"].forEach(function (id) {
      $(id).addEventListener("click", function () { select($(id)); });
      $(id).addEventListener("keydown", function (event) {
        if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
          event.preventDefault();
          select($(id === "tab-compose" ? "tab-queue" : "tab-compose"));
        }
      });
    });
    $("c-text").addEventListener("input", onEdit);
    ["c-platform", "c-account", "c-schedule", "c-language"].forEach(function (id) {
      $(id).addEventListener("input", onEdit);
      $(id).addEventListener("change", onEdit);
    });
    $("compose").addEventListener("submit", function (event) { event.preventDefault(); check(); });
    $("open").addEventListener("submit", function (event) { event.preventDefault(); openQueue($("q-path").value); });
    ["f-severity", "f-category", "f-account"].forEach(function (id) {
      $(id).addEventListener("change", function () { if (state.queue) { renderQueue(); } });
    });
    document.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest("mark[data-findings]:not(.off)");
      if (mark) { openNote(mark); }
    });
    document.addEventListener("keydown", function (event) {
      var mark = event.target.closest && event.target.closest("mark[data-findings]:not(.off)");
      if (mark && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); openNote(mark); }
    });
    ["mouseover", "focusin"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        var mark = event.target.closest && event.target.closest("mark[data-findings]:not(.off)");
        if (mark) { lightUp(mark, true); }
      });
    });
    ["mouseout", "focusout"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        var mark = event.target.closest && event.target.closest("mark[data-findings]");
        if (mark) { lightUp(mark, false); }
      });
    });
  }

  function start(info) {
    state.info = info;
    $("where").textContent = "Serving " + info.root + (info.config ? " with " + info.config : " with the built-in defaults") +
      ". Checks run on this computer; nothing is sent anywhere.";
    info.platforms.forEach(function (p) {
      $("c-platform").appendChild(el("option", {value: p.name, text: p.name + " (" + p.limit + ")"}));
    });
    info.languages.forEach(function (code) { $("c-language").appendChild(el("option", {value: code, text: code})); });
    info.entries.forEach(function (entry) {
      var label = entry.path === "" ? "the whole folder" : entry.path + (entry.kind === "folder" ? "/" : "") +
        (entry.kind === "queue" ? " (queue)" : entry.kind === "draft" ? " (draft)" : "");
      $("q-path").appendChild(el("option", {value: entry.path, text: label}));
    });
    $("q-path").value = info.initial || "";
    $("review-fields").hidden = !info.review;
    $("q-as").value = info.approver || "";
    renderLengths([]);
    document.body.setAttribute("data-ready", "true");
  }

  if (window.location.search.indexOf("token=") >= 0 && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);  /* the cookie carries it now */
  }
  wire();
  api("GET", "/api/info").then(start).catch(function (error) { say("c-status", error.message, true); });
})();
