"""The demo's builders, one module per thing built; `dangjian.demo.scenario` runs them in order."""
