// Envelope page glue: starts the wasm app, keeps the URL fragment and the text mirror in sync,
// copies links, saves files, and offers window.envelope for scripts and tests.
// Nothing from the URL or storage is evaluated: strings go to the wasm validator, and text shown in
// the page is set with textContent.
(function () {
  'use strict';
  var statusEl = document.getElementById('status');
  var lastReport = '{}';

  function showStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }

  if (!document.createElement('canvas').getContext('webgl2')) {
    showStatus('Envelope needs WebGL2, which this browser has turned off or does not support. ' +
               'Try a current Chrome, Firefox or Safari, or enable hardware acceleration.', true);
    window.envelopeHost = { fatal: function () {} };
    return;
  }

  window.envelopeHost = {
    setFragment: function (fragment) {
      if (window.location.hash !== fragment) {
        try { history.replaceState(null, '', fragment); } catch (e) { /* file:// in some browsers */ }
      }
    },
    copy: function (text) {
      var fallback = function () {
        var ta = document.createElement('textarea');
        ta.value = text;
        document.body.appendChild(ta);
        ta.select();
        try { document.execCommand('copy'); } catch (e) {}
        document.body.removeChild(ta);
        document.getElementById('canvas').focus();
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(fallback);
      else fallback();
    },
    saveFile: function (name, mime, content) {
      var url = URL.createObjectURL(new Blob([content], { type: mime }));
      var a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    },
    publish: function (reportJson, text, link) {
      lastReport = reportJson;
      document.getElementById('mirror-text').textContent = text;
      var a = document.getElementById('mirror-link');
      a.textContent = link;
      a.setAttribute('href', link);
    },
    notify: function (message) {
      var el = document.getElementById('message');
      el.textContent = message;
      el.className = message ? '' : 'hidden';
    },
    fatal: function (what) { showStatus(what, true); }
  };

  function call(name, types, args) { return Module.ccall(name, 'string', types, args); }

  window.envelope = {
    ready: false,
    getScenario: function () { return JSON.parse(call('envelope_get_scenario', [], [])); },
    // Accepts an object or JSON text; returns {ok, error, problems:[{path, message}]}.
    setScenario: function (scenario) {
      var text = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
      return JSON.parse(call('envelope_load', ['string', 'string'], [text, 'scenario']));
    },
    getReport: function () { return JSON.parse(call('envelope_get_report', [], [])); },
    link: function () { return call('envelope_link', [], []); },
    framesDrawn: function () { return Module.ccall('envelope_frames_drawn', 'number', [], []); }
  };

  // A link navigated to in the same tab (hash change) goes through the same validation.
  window.addEventListener('hashchange', function () {
    if (window.envelope.ready) call('envelope_load', ['string', 'string'], [window.location.hash, 'link']);
  });
  // Wake the app when the page becomes visible or resizes (idle otherwise).
  ['resize', 'focus', 'visibilitychange'].forEach(function (ev) {
    window.addEventListener(ev, function () { if (window.envelope.ready) Module.ccall('envelope_request_redraw', null, [], []); });
  });

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onRuntimeInitialized: function () {
      window.envelope.ready = true;
      statusEl.className = 'hidden';
      document.getElementById('canvas').focus();
    },
    onAbort: function (what) { showStatus('Envelope stopped: ' + what + '. Reload the page; your scenario is saved.', true); }
  };
  document.getElementById('canvas').addEventListener('webglcontextlost', function (e) {
    showStatus('The WebGL context was lost. Reload the page; your scenario is saved.', true);
    e.preventDefault();
  });
})();
