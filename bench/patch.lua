-- wrk script: PATCH update of one existing dashboard (same body every request).
-- Used as: wrk ... -s bench/patch.lua http://127.0.0.1:PORT/api/environments/1/dashboards/1/
wrk.method = "PATCH"
wrk.body   = '{"description": "patched by bench/run.sh", "pinned": true}'
wrk.headers["Content-Type"]  = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SPECMOCK_KEY") or "phx_specmock_dev")
