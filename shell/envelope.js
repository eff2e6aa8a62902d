// Envelope page glue: starts the wasm app, keeps the URL fragment and the text mirror in sync,
// copies links, saves files, and offers window.envelope for scripts and tests.
// Nothing from the URL or storage is evaluated: strings go to the wasm validator, and text shown in
// the page is set with textContent.
(function () {
  'use strict';
  var statusEl = document.getElementById('status');

  function showStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }

  // Frame protection where no header can give it (file://, static hosting; frame-ancestors is
  // ignored in a <meta> policy; shell/serve.mjs also sends frame-ancestors 'none'): inside any frame
  // the app does not start, so another site cannot overlay it and steer clicks (clickjacking).
  if (window.top !== window.self) {
    document.body.className = 'framed';
    showStatus('Envelope does not run inside a frame of another page. Open it on its own: ', true);
    var direct = document.createElement('a');
    direct.href = window.location.href;
    direct.target = '_blank';
    direct.rel = 'noopener';
    direct.textContent = window.location.href;
    statusEl.appendChild(direct);
    window.envelopeHost = { fatal: function () {} };
    // The wasm is never instantiated: nothing of the app runs in the frame.
    window.Module = { noInitialRun: true, instantiateWasm: function () { return {}; } };
    return;
  }

  // What of the user's work is kept, for an honest message if the app stops: the time of the last
  // change (an autosave attempt) and of the last change that reached storage or the address bar.
  var lastChange = null, lastKept = null, keptWhere = '';
  var SCENARIO_KEY = 'envelope.scenario';
  function clock(t) { return new Date(t).toTimeString().slice(0, 8); }
  function stoppedMessage(what) {
    var text = 'Envelope stopped: ' + what + '. ';
    if (lastChange === null) return text + 'Reload the page to start it again.';
    if (lastKept === null)
      return text + 'Your changes on this page could not be saved (this browser refused to store them and the address ' +
             'bar could not be updated). Reload the page to start again.';
    return text + 'The scenario as it was at ' + clock(lastKept) + ' is kept ' + keptWhere + ': reload the page to ' +
           'continue from it. ' + (lastKept === lastChange ? 'Anything changed after that is lost.'
                                                           : 'Changes made after that could not be saved and are lost.');
  }

  // Only a browser without WebGL2 at all is turned away here: a trial context (getContext on a
  // spare canvas) cost ~0.2 s with software GL (docs/performance.md). WebGL2 turned off in a browser
  // that has it is reported by the app itself when its context cannot be made (platform_web.cpp,
  // the same message).
  // The canvas's backing store at its final size (its CSS box in device pixels, as platform_web.cpp
  // keeps it) before the app makes its WebGL context: the first frame then allocates no second
  // drawing buffer.
  // The CSS box is also kept for the app, which sizes every frame by it (platform_web.cpp): read here
  // and then by a ResizeObserver (after the browser's own layout), so that a frame never forces the
  // page's layout, which after each edit includes the updated text mirror (docs/performance.md, round 5).
  var canvasBox = null;
  (function () {
    var canvas = document.getElementById('canvas');
    var box = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * dpr);
    canvas.height = Math.round(box.height * dpr);
    if (typeof ResizeObserver === 'undefined') return;  // the app reads the box each frame
    canvasBox = [box.width, box.height];
    new ResizeObserver(function () {
      var b = canvas.getBoundingClientRect();
      canvasBox = [b.width, b.height];
      wake();
    }).observe(canvas);
  })();
  if (typeof WebGL2RenderingContext === 'undefined') {
    showStatus('Envelope needs WebGL2, which this browser has turned off or does not support. ' +
               'Try a current Chrome, Firefox or Safari, or enable hardware acceleration.', true);
    window.envelopeHost = { fatal: function () {} };
    return;
  }

  window.envelopeHost = {
    // The canvas's CSS size [width, height] as last laid out (see canvasBox above).
    canvasSize: function () {
      if (canvasBox) return canvasBox;
      var b = document.getElementById('canvas').getBoundingClientRect();
      return [b.width, b.height];
    },
    // localStorage may be turned off (getItem throws) or full (setItem throws): reads give "" and
    // writes report whether the value was stored, so that the app can say when saving fails.
    storageGet: function (key) {
      try { var v = window.localStorage.getItem(key); return v === null ? '' : v; } catch (e) { return ''; }
    },
    storageSet: function (key, value) {
      var ok = false;
      try { window.localStorage.setItem(key, value); ok = true; } catch (e) { /* quota or security error */ }
      if (key === SCENARIO_KEY) {  // an autosave: the app calls it on every change of the scenario
        lastChange = Date.now();
        if (ok) { lastKept = lastChange; keptWhere = 'in this browser'; }
      }
      return ok;
    },
    // The scenario's link in the address bar: setFragment replaces the current history entry (start-up,
    // Back / Forward, links navigated to), pushFragment adds one (committed edits, examples, undo), so
    // that the browser's Back and Forward move between scenarios. Links keep the "#s=..." format.
    setFragment: function (fragment) { updateFragment(fragment, false); },
    pushFragment: function (fragment) { updateFragment(fragment, true); },
    // The page's address without the fragment: Copy link and exports give a URL anyone can open.
    pageAddress: function () { return window.location.href.split('#')[0]; },
    // Copies text, then tells the app whether it worked (Copy link says "Copied" or why not).
    copy: function (text) {
      var done = function (ok, reason) {
        if (window.envelope.ready) Module.ccall('envelope_copy_done', null, ['number', 'string'], [ok ? 1 : 0, reason || '']);
        setTimeout(wake, 2200);  // the label goes back to "Copy link" after about 2 s
        setTimeout(wake, 4400);
      };
      var fallback = function (reason) {
        var ta = document.createElement('textarea');
        var ok = false;
        ta.value = text;
        document.body.appendChild(ta);
        ta.select();
        try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
        document.body.removeChild(ta);
        document.getElementById('canvas').focus();
        done(ok, ok ? '' : reason);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true, ''); }, function (e) {
          fallback('blocked by the browser' + (e && e.name ? ' (' + e.name + ')' : '') + '; the address bar has the link');
        });
      } else {
        fallback('no clipboard access here; the address bar has the link');
      }
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
    publish: function (text, link) {
      renderMirror(document.getElementById('mirror-text'), text);
      var a = document.getElementById('mirror-link');
      a.textContent = link;
      a.setAttribute('href', link);
    },
    // Open file (Model & hardware panel): the browser's file chooser, made once; the file is imported as if dropped.
    openFile: function () {
      if (!fileInput) {
        fileInput = document.createElement('input');
        fileInput.type = 'file';
        fileInput.accept = '.json,application/json';
        fileInput.hidden = true;
        fileInput.onchange = function () {
          var file = fileInput.files[0];
          fileInput.value = '';  // the same file can be chosen again
          if (file) importFile(file);
        };
        document.body.appendChild(fileInput);
      }
      fileInput.click();
      return true;
    },
    takeImportText: function () { var t = importText; importText = ''; return t; },
    // The app has started (App::finish_start, right after its first frame): its scenario, report,
    // text mirror and link are in place, and window.envelope answers.
    started: function () { window.envelope.ready = true; },
    notify: function (message) {
      var el = document.getElementById('message');
      el.textContent = message;
      el.className = message ? '' : 'hidden';
    },
    fatal: function (what) { showStatus(what, true); }
  };

  // The text mirror for screen readers: one heading per section of the report (model, memory,
  // training, ...; warnings last) over a list with one item per result (its value line, then its
  // formula and source). The items' text, in order, is exactly the CLI's text report.
  function renderMirror(root, text) {
    var lines = text.split('\n'), blocks = [];
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (i === lines.length - 1 && line === '') break;
      if (blocks.length === 0 || !/^\s/.test(line)) blocks.push({ text: '', section: sectionOf(line) });
      blocks[blocks.length - 1].text += line + (i < lines.length - 1 ? '\n' : '');
    }
    while (root.firstChild) root.removeChild(root.firstChild);
    var list = null, current = null;
    blocks.forEach(function (b) {
      if (b.section !== current) {
        current = b.section;
        var section = document.createElement('section');
        var h = document.createElement('h2');
        h.textContent = current;
        list = document.createElement('ul');
        section.appendChild(h);
        section.appendChild(list);
        root.appendChild(section);
      }
      var li = document.createElement('li');
      li.textContent = b.text;
      list.appendChild(li);
    });
  }
  function sectionOf(line) {
    if (/^warning: /.test(line)) return 'Warnings';
    var m = /^([a-z0-9_]+)[.:]/.exec(line);
    if (!m) return 'Other';
    var name = m[1].replace(/_/g, ' ');
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  function updateFragment(fragment, push) {
    var ok = window.location.hash === fragment;
    if (!ok) {
      try {
        if (push) history.pushState(null, '', fragment);
        else history.replaceState(null, '', fragment);
        ok = true;
      } catch (e) { /* file:// in some browsers */ }
    }
    if (ok && lastChange !== null) {
      keptWhere = lastKept === lastChange ? keptWhere + ' and in the address bar' : 'in the address bar';
      lastKept = lastChange;
    }
  }
  function wake() { if (window.envelope && window.envelope.ready) Module.ccall('envelope_request_redraw', null, [], []); }
  // Window pixels of the canvas to CSS pixels of the page's viewport (what mouse.click takes).
  function toViewport(list) {
    var r = document.getElementById('canvas').getBoundingClientRect();
    return list.map(function (o) { o.x += r.left; o.y += r.top; return o; });
  }

  function call(name, types, args) { return Module.ccall(name, 'string', types, args); }

  // A Hugging Face config.json dropped anywhere, opened, or given to importConfig: read locally (nothing
  // is fetched), refused over the app's limit before reading, parsed by the app (App::import_config,
  // which pulls importText).
  var fileInput = null, importText = '';
  function importConfigText(text, source) {
    importText = text;
    return JSON.parse(call('envelope_import_config', ['string'], [source]));
  }
  function refuseImport(source, reason) { Module.ccall('envelope_import_refused', null, ['string', 'string'], [source, reason]); }
  function importFile(file) {
    var name = String(file.name), limit = Module.ccall('envelope_import_limit', 'number', [], []);
    if (file.size > limit) return refuseImport(name, 'it is ' + file.size + ' bytes, more than the ' + limit + ' allowed');
    var reader = new FileReader();
    reader.onload = function () { importConfigText(String(reader.result), name); };
    reader.onerror = function () { refuseImport(name, 'the browser could not read it'); };
    reader.readAsText(file);
  }
  // Every drop is taken (else the browser opens the file); what is not one file gets a message.
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    var files = e.dataTransfer ? e.dataTransfer.files : [];
    if (!window.envelope.ready) return;
    if (files.length !== 1)
      return refuseImport('The drop', files.length ? 'it holds ' + files.length + ' files; drop one config.json at a time'
                                                   : 'it is not a file (drop a Hugging Face config.json file)');
    importFile(files[0]);
  });

  function notAName() { return { ok: false, exists: false, error: 'the name must be a string' }; }

  window.envelope = {
    ready: false,
    getScenario: function () { return JSON.parse(call('envelope_get_scenario', [], [])); },
    // Accepts an object or JSON text; returns {ok, error, problems:[{path, message}]}.
    setScenario: function (scenario) {
      var text = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
      return JSON.parse(call('envelope_load', ['string', 'string'], [text, 'scenario']));
    },
    // Imports a Hugging Face config.json (text or object) as a dropped file: {ok, error, model, model_type,
    // assumptions}; model is the scenario's model section after it. On failure the scenario is unchanged.
    importConfig: function (config) {
      var text = typeof config === 'string' ? config : JSON.stringify(config);
      if (typeof text !== 'string') return { ok: false, error: 'the config must be JSON text or an object', model: null };
      return importConfigText(text, 'The config given to importConfig');
    },
    getReport: function () { return JSON.parse(call('envelope_get_report', [], [])); },
    link: function () { return call('envelope_link', [], []); },
    framesDrawn: function () { return Module.ccall('envelope_frames_drawn', 'number', [], []); },
    // Named scenarios saved in this browser, the same list as the Scenarios panel.
    // saved(): the names. save(name, {overwrite: true}) saves the current scenario; without overwrite
    // an existing name is left alone and {ok: false, exists: true} returned (ask the user first).
    // open(name): like setScenario, {ok, error, problems}. remove(name): {ok, error}.
    saved: function () { return JSON.parse(call('envelope_saved', [], [])); },
    save: function (name, options) {
      if (typeof name !== 'string') return notAName();
      var overwrite = options && options.overwrite ? 1 : 0;
      return JSON.parse(call('envelope_save', ['string', 'number'], [name, overwrite]));
    },
    open: function (name) {
      if (typeof name !== 'string') return { ok: false, error: notAName().error, problems: [] };
      return JSON.parse(call('envelope_open', ['string'], [name]));
    },
    remove: function (name) {
      if (typeof name !== 'string') return notAName();
      return JSON.parse(call('envelope_remove', ['string'], [name]));
    },
    // The last drawn frame, in CSS pixels of the viewport (for tests and scripts: no hard-coded
    // coordinates). windows(): [{name, x, y, w, h, collapsed, focused, popup, z}] back to front.
    // widgets(): [{path, label, kind, window, x, y, w, h, tooltip, value?}] for every visible input (path: its
    // scenario field, e.g. "traffic.users"), menu ("menu/Panels", "menu/Panels/Scenarios"; on a narrow
    // window the menus are inside "menu/Menu", which lists the panels itself), button
    // ("button/Scenarios/Save"), tab ("tab/Planner/Serving"), choice box (kind "choice", path its field,
    // "training.recipe"; value the current choice; while open its items are "choice-item" at
    // "training.recipe/fp32"), checkbox ("checkbox", value "true"/"false"), radio button ("radio",
    // "traffic.peak_factor/ads 10x") and chart ("chart", "chart/serving-tradeoff"; label what it shows,
    // value the value under the mouse while hovered).
    windows: function () { return toViewport(JSON.parse(call('envelope_windows', [], []))); },
    widgets: function () { return toViewport(JSON.parse(call('envelope_widgets', [], []))); },
    // Undo / redo of scenario edits (Ctrl+Z / Ctrl+Shift+Z); false when there is nothing to undo / redo.
    undo: function () { return Module.ccall('envelope_undo', 'number', ['number'], [0]) === 1; },
    redo: function () { return Module.ccall('envelope_undo', 'number', ['number'], [1]) === 1; }
  };

  // A link navigated to in the same tab, and Back / Forward between scenarios, go through the same
  // validation (popstate fires for both; the entry is replaced, not added).
  window.addEventListener('popstate', function () {
    if (window.envelope.ready) call('envelope_load', ['string', 'string'], [window.location.hash, 'link']);
  });
  // Another tab saved, renamed or deleted a named scenario: the list is read again.
  window.addEventListener('storage', function () {
    if (window.envelope.ready) Module.ccall('envelope_storage_changed', null, [], []);
  });
  // Wake the app when the page becomes visible or resizes (idle otherwise).
  ['resize', 'focus', 'visibilitychange'].forEach(function (ev) {
    window.addEventListener(ev, function () { if (window.envelope.ready) Module.ccall('envelope_request_redraw', null, [], []); });
  });

  // The served page compiles its wasm from here, as soon as this glue runs (the response was preloaded
  // by index.html), and then makes the app's WebGL2 context while it compiles: with software GL the
  // context takes 75-200 ms of the main thread. The app takes the context over (Emscripten's
  // GL_PREINITIALIZED_CONTEXT, web/CMakeLists.txt) and gets the module through Emscripten's
  // instantiateWasm hook; if the context cannot be made, the app makes its own and reports a browser
  // without WebGL2. The single-file page (envelope.html) decodes its inline wasm in
  // single-file-loader.js and makes the context in preRun, once the decoding has started
  // (docs/performance.md, rounds 5 and 6).
  function makeContext() {
    try {
      var gl = document.getElementById('canvas').getContext('webgl2', {
        alpha: false, depth: false, stencil: false, antialias: false, premultipliedAlpha: true,
        preserveDrawingBuffer: false, powerPreference: 'default', failIfMajorPerformanceCaveat: false
      });
      if (gl) window.Module.preinitializedWebGLContext = gl;
    } catch (e) { /* the app makes its own context, or says why it cannot */ }
  }
  function codeFailed(e) { window.Module.onAbort('the page could not load its code (' + e + ')'); }

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onRuntimeInitialized: function () {
      statusEl.className = 'hidden';
      document.getElementById('canvas').focus();
    },
    onAbort: function (what) { showStatus(stoppedMessage(what), true); }
  };
  var singleFile = document.getElementById('envelope-wasm-gz') !== null;
  if (singleFile || !WebAssembly.compileStreaming || window.location.protocol === 'file:') {
    window.Module.preRun = [makeContext];
  } else {
    // The same request as the preload (CORS mode, same-origin credentials), so its response is used.
    var compiled = WebAssembly.compileStreaming(fetch('envelope_web.wasm', { mode: 'cors', credentials: 'same-origin' }));
    compiled.catch(function () { /* reported when the app asks for the module */ });
    window.Module.instantiateWasm = function (imports, receive) {
      compiled.then(function (module) {
        return WebAssembly.instantiate(module, imports).then(function (instance) { receive(instance, module); });
      }).catch(codeFailed);
      return {};  // exports arrive through receive()
    };
    makeContext();
  }
  document.getElementById('canvas').addEventListener('webglcontextlost', function (e) {
    showStatus(stoppedMessage('the WebGL context was lost'), true);
    e.preventDefault();
  });
})();
