// The report page's inline style sheet and script (no network, no libraries).
// The script records load success and any error in #hs-status
// (data-state="loaded", data-errors="N") so that a headless browser can
// check the page; it never inserts markup built from data (textContent only).
#pragma once

namespace hydrascope::rpt {

inline constexpr const char* kReportCss = R"CSS(
:root{--fg:#1f2430;--mut:#5b6475;--bg:#fff;--line:#e3e6ec;--acc:#2f5fb3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;color:var(--fg);background:#f6f7f9}
header{background:#1f2a44;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header .meta{margin:4px 0 0;color:#c9d2e6;font-size:12px;overflow-wrap:anywhere}
header code{color:#fff}
main{max-width:1240px;margin:0 auto;padding:8px 24px 24px}
h2{font-size:18px;margin:22px 0 10px}
h3{font-size:15px;margin:18px 0 6px}
h4{font-size:13px;margin:4px 0 6px;color:var(--mut);text-transform:uppercase;letter-spacing:.03em}
h4 .sub{text-transform:none;letter-spacing:0;font-weight:normal}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere;unicode-bidi:isolate}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card .v{font-size:20px;font-weight:600}
.card .l{color:var(--mut);font-size:12px}
.note,.legend,figcaption{color:var(--mut);font-size:12px}
.none{color:var(--mut);font-style:italic}
.tablewrap{overflow-x:auto;background:var(--bg);border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td,th{unicode-bidi:isolate}
#ranking{font-variant-numeric:tabular-nums}
#ranking th{cursor:pointer;user-select:none;background:#eef1f6;position:sticky;top:0}
#ranking th.asc::after{content:" \25B2"}#ranking th.desc::after{content:" \25BC"}
#ranking tbody{display:block;max-height:420px;overflow-y:auto}
#ranking thead,#ranking tbody tr{display:table;width:100%;table-layout:fixed}
#ranking td:last-child,#ranking th:last-child{width:34%}
.risk{display:inline-block;min-width:46px;padding:0 5px;border-radius:3px;color:#fff;background:hsl(calc(50 - 50 * var(--r)),80%,calc(52% - 12% * var(--r)))}
details.opts{margin:10px 0}
table.kv{width:auto;background:var(--bg)}
table.kv th{font-weight:normal;color:var(--mut)}
details.community{background:var(--bg);border:1px solid var(--line);border-radius:6px;margin:8px 0;content-visibility:auto;contain-intrinsic-size:auto 44px}
details.community>summary{cursor:pointer;padding:9px 12px;overflow-wrap:anywhere}
details.community[open]>summary{border-bottom:1px solid var(--line)}
.cbody{padding:10px 14px}
.verdict{font-weight:600;margin:0 0 4px}
.explain ul{margin:4px 0 6px 18px;padding:0}
.explain,.members{overflow-wrap:anywhere}
.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.bars{flex:1 1 460px;min-width:360px}
.bartable th{font-weight:normal;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;width:150px;white-space:nowrap}
.bartable td{border:0;padding:2px 6px;font-size:12px;white-space:nowrap}
.bartable td.bar{width:40%}
.bartable td.ref{color:var(--mut)}
.track{position:relative;height:12px;background:#eef0f4;border-radius:2px;margin-top:3px}
.track.na{background:repeating-linear-gradient(45deg,#f3f4f6,#f3f4f6 4px,#e6e8ec 4px,#e6e8ec 8px)}
.fill{position:absolute;left:0;top:0;bottom:0;background:#9aa4b5;border-radius:2px}
tr.high .fill{background:#e59a3c}tr.fired .fill{background:#d63a3a}
tr.fired th{font-weight:700}
.mark{position:absolute;top:-3px;bottom:-3px;width:2px;margin-left:-1px}
.mark.med{background:#1f2430}.mark.ext{background:#2f5fb3}
.sw{display:inline-block;width:12px;height:10px;vertical-align:middle;margin:0 2px 0 8px}
.sw.fill{position:static;background:#d63a3a}.sw.med{background:#1f2430;width:3px}.sw.ext{background:#2f5fb3;width:3px}
figure{margin:0}
figure.graph{flex:0 1 560px;min-width:320px}
figure.graph svg{width:100%;height:auto;background:#fbfcfd;border:1px solid var(--line);border-radius:4px}
.edges{stroke:#9aa4b5;stroke-opacity:.45;stroke-width:.8;fill:none}
circle{stroke:#fff;stroke-width:1}
.k-account{fill:#3b6fd8;background:#3b6fd8}.k-payment{fill:#f08c1a;background:#f08c1a}.k-ip{fill:#2e9d57;background:#2e9d57}
.k-proxy{fill:#d63a3a;background:#d63a3a}.k-device{fill:#8a55c9;background:#8a55c9}.k-other{fill:#8a8f99;background:#8a8f99}
circle.seed{stroke:#111;stroke-width:1.6}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:middle;margin:0 2px 0 8px}
.dot.seed{border:2px solid #111}
svg text{font:11px ui-monospace,"DejaVu Sans Mono",monospace;fill:#1f2430;paint-order:stroke;stroke:#fff;stroke-width:3px}
figure.heatmap{margin-top:12px}
figure.heatmap svg{width:100%;max-width:720px;height:auto;display:block}
figure.heatmap image{image-rendering:pixelated}
svg text.rl{text-anchor:end;font-size:9px;stroke-width:0}
svg text.ax{font-size:10px;fill:#5b6475;stroke-width:0}
line.tick{stroke:#fff;stroke-width:1}
table.accounts{font-size:12px}
table.accounts td.id{font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere;max-width:360px}
table.accounts td.attrs{overflow-wrap:anywhere;max-width:360px}
.l-banned{color:#b3261e;font-weight:600}.l-suspect{color:#c26a00;font-weight:600}
footer{color:var(--mut);font-size:12px;text-align:center;padding:16px}
button{font:inherit;padding:2px 10px}
body.only #overview,body.only .tools,body.only details.community:not(.focus){display:none}
)CSS";

inline constexpr const char* kReportJs = R"JS(
(function(){
"use strict";
var errors=[],state="loading";
function mark(){var s=document.getElementById("hs-status");if(!s)return;
s.setAttribute("data-state",state);s.setAttribute("data-errors",String(errors.length));s.textContent=errors.join("\n");}
window.addEventListener("error",function(e){errors.push("error: "+(e.message||("failed to load "+((e.target&&e.target.tagName)||"?"))));mark();},true);
window.addEventListener("unhandledrejection",function(e){errors.push("unhandled rejection: "+String(e.reason));mark();});
var ce=console.error;console.error=function(){errors.push("console.error: "+Array.prototype.join.call(arguments," "));mark();return ce.apply(console,arguments);};
function openHash(){var id=decodeURIComponent(location.hash.slice(1)),only=id.indexOf("only-")===0;if(only)id=id.slice(5);
if(!id)return;var el=document.getElementById(id);if(!el||el.tagName!=="DETAILS")return;el.open=true;
if(only){document.body.classList.add("only");Array.prototype.forEach.call(document.querySelectorAll("details.focus"),function(d){d.classList.remove("focus");});el.classList.add("focus");}
else{document.body.classList.remove("only");el.scrollIntoView();}}
function sortable(t){var ths=t.tHead.rows[0].cells,body=t.tBodies[0];
Array.prototype.forEach.call(ths,function(th){th.addEventListener("click",function(){
var k=th.getAttribute("data-k"),str=th.hasAttribute("data-s"),asc=!th.classList.contains("asc");
Array.prototype.forEach.call(ths,function(o){o.classList.remove("asc","desc");});th.classList.add(asc?"asc":"desc");
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=a.getAttribute("data-"+k),y=b.getAttribute("data-"+k),c;
c=str?x.localeCompare(y):(parseFloat(x)-parseFloat(y));
if(c===0)c=parseFloat(a.getAttribute("data-rank"))-parseFloat(b.getAttribute("data-rank"));return asc?c:-c;});
var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});body.appendChild(f);});});}
function setAll(open){Array.prototype.forEach.call(document.querySelectorAll("details.community"),function(d){d.open=open;});}
document.addEventListener("DOMContentLoaded",function(){
var data=JSON.parse(document.getElementById("hs-data").textContent);
var s=document.getElementById("hs-status");s.setAttribute("data-sections",String(data.sections.length));
s.setAttribute("data-input",data.input);
var t=document.getElementById("ranking");if(t)sortable(t);
var oa=document.getElementById("open-all"),ca=document.getElementById("close-all");
if(oa)oa.addEventListener("click",function(){setAll(true);});if(ca)ca.addEventListener("click",function(){setAll(false);});
window.addEventListener("hashchange",openHash);openHash();mark();});
window.addEventListener("load",function(){state="loaded";mark();
document.getElementById("hs-status").setAttribute("data-load-ms",String(Math.round(performance.now())));});
})();
)JS";

}  // namespace hydrascope::rpt
