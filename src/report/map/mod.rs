//! The HTML map report: one self-contained file with an inline SVG map in British National
//! Grid metres (y flipped), a legend and the tables of splits and spanning providers.
//!
//! Nothing is fetched: no fonts, scripts or images from elsewhere, so the file opens offline,
//! from an email attachment too. Every name is escaped for HTML.
//!
//! [`MapReport::build`] (`build`) makes the shapes and labels from the analyses, simplifying
//! boundaries for drawing only, with their hover texts (`titles`); [`write_html`] writes the
//! page: the map (`svg`), then the sidebar (`sidebar`).

use std::io::Write;

use anyhow::Result;
use geo::{MultiPolygon, Rect};

use crate::analysis::coterminosity::CoterminosityReport;
use crate::analysis::spanning::SpanningReport;
pub use build::{opening_extent, simplification_m, Analysed};
use sidebar::write_sidebar;
pub use svg::path_data;
use svg::write_svg;

mod build;
mod sidebar;
mod svg;
mod titles;

/// One shape on the map.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `unit`, `part`, `footprint` or `provider`: the `data-kind` attribute.
    pub kind: &'static str,
    pub code: String,
    /// CSS classes: the unit's status, `other` for a part outside the unit's best fit.
    pub class: String,
    pub geometry: MultiPolygon<f64>,
    /// The hover text (plain text; escaped when written).
    pub title: String,
}

/// A footprint's label, at a point inside it: its name where there is room, else its code.
#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub code: String,
    /// The footprint's name (empty when the layer has none).
    pub name: String,
    pub title: String,
    /// Width of the labelled shape's box, metres: the label shows only when it fits.
    pub room_m: f64,
}

/// Everything the map report shows.
#[derive(Debug, Clone)]
pub struct MapReport {
    pub title: String,
    /// The extent shown when the report opens, BNG metres (more may be drawn around it).
    pub extent: Rect<f64>,
    /// How far boundaries were simplified for drawing, metres.
    pub simplify_m: f64,
    pub units: Vec<Shape>,
    pub parts: Vec<Shape>,
    pub footprints: Vec<Shape>,
    pub providers: Vec<Shape>,
    pub labels: Vec<Label>,
    pub coterminosity: CoterminosityReport,
    pub spanning: Option<SpanningReport>,
    pub with_weights: bool,
}

/// Fill colours, shared with the tests that look for them in a screenshot.
pub const WHOLE_FILL: &str = "#cfe3f0";
pub const SPLIT_FILL: &str = "#f4a259";
pub const OUTSIDE_FILL: &str = "#f2b8c6";
/// Units at the shore, given to their nearest footprint.
pub const SHORE_FILL: &str = "#e4dbef";
/// Units of another country than the footprints': out of scope.
pub const OUT_OF_SCOPE_FILL: &str = "#e4e4e4";

/// Escape text for HTML content and attribute values.
///
/// ```
/// assert_eq!(footprint::report::map::escape("<a & \"b\">'"), "&lt;a &amp; &quot;b&quot;&gt;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;display:flex;height:100vh}
#mapbox{flex:1 1 auto;min-width:0;position:relative;background:#fbfbfd}
#map{width:100%;height:100%;display:block;cursor:grab;touch-action:none}
#map.dragging{cursor:grabbing}
#tools{position:absolute;left:8px;top:8px;display:flex;gap:4px}
#tools button{font:inherit;padding:2px 8px;border:1px solid #999;background:#fff;border-radius:3px;cursor:pointer}
#info{position:absolute;left:8px;bottom:8px;max-width:min(460px,90%);background:rgba(255,255,255,.94);border:1px solid #bbb;border-radius:4px;padding:6px 8px;white-space:pre-line}
#info:empty{display:none}
aside{flex:0 0 470px;overflow:auto;padding:10px 14px;border-left:1px solid #ccc;background:#fff}
h1{font-size:17px;margin:0 0 4px}
h2{font-size:14px;margin:14px 0 4px}
p{margin:4px 0}
.meta{color:#555}
table{border-collapse:collapse;width:100%;font-size:12px}
th,td{text-align:left;padding:2px 4px;border-bottom:1px solid #e3e3e3;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr[data-code]{cursor:pointer}
tr[data-code]:hover{background:#fff3d6}
.legend div{display:flex;align-items:center;gap:6px;margin:2px 0}
.legend svg{flex:0 0 auto}
ul.notes{padding-left:18px;margin:4px 0}
.units path{stroke:#fff;stroke-width:.7px;vector-effect:non-scaling-stroke}
.units.whole{fill:#cfe3f0}
.units.split{fill:#f4a259}
.units.outside{fill:#f2b8c6}
.units.partly_outside{fill:#e4dbef}
.units.out_of_scope{fill:#e4e4e4}
.parts path{fill:transparent;stroke:#7a3b00;stroke-width:.8px;stroke-dasharray:3 2;vector-effect:non-scaling-stroke}
.parts.other path{fill:url(#hatch)}
.footprints path{fill:none;stroke:#1d2b53;stroke-width:2.2px;vector-effect:non-scaling-stroke;pointer-events:stroke;stroke-linejoin:round}
.providers path{fill:none;stroke:#6a3d9a;stroke-width:1.6px;stroke-dasharray:6 3;vector-effect:non-scaling-stroke;pointer-events:stroke}
.label{font-size:calc(var(--px) * 12px);font-weight:600;fill:#1d2b53;text-anchor:middle;dominant-baseline:middle;paint-order:stroke;stroke:#fff;stroke-width:calc(var(--px) * 3px);stroke-linejoin:round;cursor:default}
.hl{stroke:#000 !important;stroke-width:3px !important;stroke-dasharray:none !important}
.units path:hover,.parts path:hover{stroke:#000;stroke-width:1.5px}
"#;

/// The script: wheel zoom about the pointer, drag to pan, click for details, table rows
/// that highlight their shapes. `--px` is map metres per screen pixel: labels and hatching
/// keep their size on screen. Labels show the footprint's name where its footprint has room,
/// else its code, else nothing; the roomiest first, and none over another (the code and
/// the name are in its title, on hover).
const SCRIPT: &str = r#"
(function(){
var svg=document.getElementById('map'),vb=svg.viewBox.baseVal,home=[vb.x,vb.y,vb.width,vb.height],info=document.getElementById('info'),drag=null,moved=0;
function px(){var r=svg.getBoundingClientRect(),s=Math.max(vb.width/r.width,vb.height/r.height);svg.style.setProperty('--px',s);
labels(s);
var h=document.getElementById('hatch'),c=h.children;[h,c[0]].forEach(function(e){e.setAttribute('width',6*s);e.setAttribute('height',6*s);});c[1].setAttribute('y2',6*s);c[1].setAttribute('stroke-width',2*s);}
function labels(s){var placed=[],ls=Array.prototype.slice.call(document.querySelectorAll('.label'));
ls.sort(function(a,b){return b.getAttribute('data-room')-a.getAttribute('data-room');});
ls.forEach(function(l){var room=l.getAttribute('data-room')/s,name=l.getAttribute('data-name'),code=l.getAttribute('data-code'),t=name&&room>=name.length*7?name:room>=code.length*8?code:null;
if(t){l.lastChild.nodeValue=t;var x=+l.getAttribute('x'),y=+l.getAttribute('y'),w=t.length*3.6*s,h=8*s,b=[x-w,y-h,x+w,y+h];
if(placed.some(function(p){return b[0]<p[2]&&p[0]<b[2]&&b[1]<p[3]&&p[1]<b[3];}))t=null;else placed.push(b);}
l.style.display=t?'':'none';});}
function pt(e){return new DOMPoint(e.clientX,e.clientY).matrixTransform(svg.getScreenCTM().inverse());}
function zoom(k,p){vb.x=p.x-(p.x-vb.x)*k;vb.y=p.y-(p.y-vb.y)*k;vb.width*=k;vb.height*=k;px();}
svg.addEventListener('wheel',function(e){e.preventDefault();zoom(e.deltaY<0?0.8:1.25,pt(e));},{passive:false});
svg.addEventListener('pointerdown',function(e){drag=pt(e);moved=0;svg.classList.add('dragging');});
window.addEventListener('pointermove',function(e){if(!drag)return;var p=pt(e);vb.x-=p.x-drag.x;vb.y-=p.y-drag.y;moved+=Math.abs(e.movementX)+Math.abs(e.movementY);});
window.addEventListener('pointerup',function(){drag=null;svg.classList.remove('dragging');});
function show(code){document.querySelectorAll('.hl').forEach(function(s){s.classList.remove('hl');});if(code)document.querySelectorAll('#map [data-code="'+CSS.escape(code)+'"]').forEach(function(s){s.classList.add('hl');s.parentNode.appendChild(s);});}
svg.addEventListener('click',function(e){if(moved>4)return;var t=e.target.closest('[data-code]');info.textContent=t?t.querySelector('title').textContent:'';show(t&&t.getAttribute('data-code'));});
document.querySelectorAll('tr[data-code]').forEach(function(r){r.addEventListener('click',function(){var s=document.querySelector('#map [data-code="'+CSS.escape(r.getAttribute('data-code'))+'"]');info.textContent=s?s.querySelector('title').textContent:'';show(r.getAttribute('data-code'));});});
document.getElementById('zin').onclick=function(){zoom(0.5,{x:vb.x+vb.width/2,y:vb.y+vb.height/2});};
document.getElementById('zout').onclick=function(){zoom(2,{x:vb.x+vb.width/2,y:vb.y+vb.height/2});};
document.getElementById('home').onclick=function(){vb.x=home[0];vb.y=home[1];vb.width=home[2];vb.height=home[3];px();};
window.addEventListener('resize',px);px();
document.body.setAttribute('data-map','ready');
})();
"#;

/// Write the whole report as one HTML document: the map, its tools, the sidebar, the script.
pub fn write_html(report: &MapReport, w: &mut dyn Write) -> Result<()> {
    let title = escape(&report.title);
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"footprint {}\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(w, "<div id=\"mapbox\">")?;
    write_svg(report, &title, w)?;
    writeln!(
        w,
        "<div id=\"tools\"><button id=\"zin\" title=\"Zoom in\">+</button>\
         <button id=\"zout\" title=\"Zoom out\">&minus;</button>\
         <button id=\"home\" title=\"Show everything\">Reset</button></div>\n<div id=\"info\"></div>\n</div>"
    )?;
    write_sidebar(report, w)?;
    writeln!(w, "<script>{SCRIPT}</script>\n</body>\n</html>")?;
    Ok(())
}
