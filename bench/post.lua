-- wrk script: POST create (one small dashboard per request).
-- Used as: wrk ... -s bench/post.lua http://127.0.0.1:PORT/api/environments/1/dashboards/
wrk.method = "POST"
wrk.body   = '{"name": "Bench dashboard", "description": "created by bench/run.sh"}'
wrk.headers["Content-Type"]  = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SPECMOCK_KEY") or "phx_specmock_dev")
