"""The floor for the booking benchmark: the portal with one more view that does only what
every signed-in form POST does, so `make bench` can show what the machine serves when the
booking itself costs nothing (scripts/bench_http.py, `bench_floor`). The portal never
serves it: only the bench's own gunicorn runs with `bench_floor.settings`."""
