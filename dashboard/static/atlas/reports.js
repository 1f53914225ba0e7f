// News Atlas (dashboard/page/mapview.py): the map frame tells the page nothing until the map is usable.
// streamlit-folium reports the map's state (Streamlit.setComponentValue) as soon as its Leaflet map
// exists, before the country outlines are drawn and before the markers are added; that first report
// starts the page's next run (the timeline and the table of a session's first page), whose code the
// browser then compiles and draws on the thread the map is still being drawn on. Its reports are held
// here until the outlines are drawn and the first markers added (atlasReports.ready('outlines'),
// atlasReports.ready('markers'), from basemap.js.j2 and markers.js.j2) and the browser, having drawn
// them, is idle (at most IDLE_WAIT ms later); then the latest is sent, and what waits for a usable map
// (atlasReports.whenUsable: the basemap's detail) runs.
(function () {
  var S = window.Streamlit;
  if (!S || !S.setComponentValue || window.atlasReports) { return; }
  var IDLE_WAIT = 500;
  var send = S.setComponentValue, held = null, waiting = {outlines: true, markers: true}, then = [];
  function release() {
    var fs = then;
    then = null;
    S.setComponentValue = send;
    if (held) { send.call(S, held[0]); held = null; }
    fs.forEach(function (f) { f(); });
  }
  S.setComponentValue = function (value) { held = [value]; };
  window.atlasReports = {
    // fn() once the map is usable and drawn (the basemap's detail: it needs the first frame's view)
    whenUsable: function (fn) { if (then) { then.push(fn); } else { fn(); } },
    ready: function (what) {
      if (!waiting) { return; }
      delete waiting[what];
      if (Object.keys(waiting).length) { return; }
      waiting = null;
      // (after the next frame is painted, once the thread is idle)
      requestAnimationFrame(function () {
        if (window.requestIdleCallback) { requestIdleCallback(release, {timeout: IDLE_WAIT}); }
        else { setTimeout(release, 0); }
      });
    }
  };
})();
