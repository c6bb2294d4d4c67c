/** The web miner's HTML: one root element and the bundle; the page builds the rest (web/page). */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crowdtrain — mine from this tab</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2433; background: #fbfbfd; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
  p.lead { margin: 0 0 14px; color: #4a5368; }
  #controls { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 14px; }
  #controls input { padding: 6px 8px; min-width: 260px; }
  #controls button { padding: 6px 12px; cursor: pointer; }
  table { border-collapse: collapse; min-width: 640px; }
  th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #e3e6ee; font-variant-numeric: tabular-nums; }
  th { color: #4a5368; font-weight: 600; width: 160px; }
  #v-cid, #v-address { font-family: ui-monospace, monospace; font-size: 13px; word-break: break-all; }
  #log { background: #f0f2f7; padding: 8px; max-height: 260px; overflow: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>crowdtrain — mine from this tab</h1>
<p class="lead">Train a shard of the subnet's model here, on WebGPU or wasm; validators score your delta, the chain pays you.</p>
<div id="app"></div>
<script type="module" src="app.js"></script>
</body>
</html>
`
