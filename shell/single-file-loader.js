// The single-file page (envelope.html) carries its wasm gzip-compressed as base64 text in
// <script type="application/gzip" id="envelope-wasm-gz">. Emscripten's instantiateWasm hook gets the
// module from there instead of fetching envelope_web.wasm: a data: URL read as a stream, gunzipped by
// DecompressionStream and compiled as it arrives (instantiateStreaming), so nothing blocks the page.
(function () {
  'use strict';
  if (!window.Module) return;  // no WebGL2: envelope.js has shown its message
  Module.instantiateWasm = function (imports, receive) {
    var el = document.getElementById('envelope-wasm-gz');
    fetch('data:application/gzip;base64,' + el.textContent.trim())
      .then(function (r) {
        var wasm = new Response(r.body.pipeThrough(new DecompressionStream('gzip')),
                                { headers: { 'Content-Type': 'application/wasm' } });
        return WebAssembly.instantiateStreaming(wasm, imports);
      })
      .then(function (out) {
        el.textContent = '';  // the text is no longer needed
        receive(out.instance, out.module);
      })
      .catch(function (e) { if (Module.onAbort) Module.onAbort('the page could not load its code (' + e + ')'); });
    return {};  // exports arrive through receive()
  };
})();
