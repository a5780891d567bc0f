"""HTTP load generators, each run in a second process (spawned) over loopback.

- ``closed_loop``: ``threads`` sessions post ``count`` messages as fast as the server answers,
  ``per_request`` per request (one JSON object, or ``{"messages": [...]}``). Odoo's server
  closes the connection after each answer: no keep-alive.
- ``paced``: an open loop at a steady ``rate`` messages per second, one per request, for
  ``duration`` seconds; records the wall-clock time of each 202 with the message id it got.
- ``bare``: the same closed loop on ``GET /web/health``, Odoo's floor for one request.
- ``prebuilt``: the closed loop over bodies built by the caller, sent as they are with the
  caller's headers (compressed bodies, for example).

All are bounded in count and in time; ``run_in_process`` bounds the process itself.
"""

import json
import multiprocessing
import queue
import threading
import time

KEEP_OPEN = 30  # seconds a load process may outlive its own time limit


def run_in_process(target, *args, time_limit):
    """Run ``target(*args, results)`` in a spawned process; return what it put, or None."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    try:
        return results.get(timeout=time_limit + KEEP_OPEN)
    except queue.Empty:
        return None
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()


def _session(key):
    import requests  # noqa: PLC0415 - imported in the spawned process

    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return session


def _body(tag, start, stop, per_request, extra=None):
    items = [dict(extra or {}, message_id=f"{tag}-{n}", n=n) for n in range(start, stop)]
    return json.dumps(items[0] if per_request == 1 else {"messages": items})


def closed_loop(url, key, tag, count, per_request, threads, time_limit, results):
    """Post ``count`` messages; put ``(seconds, requests, accepted messages, statuses)``."""
    statuses, accepted, lock = {}, [0], threading.Lock()
    starts = iter(range(0, count, per_request))
    deadline = time.monotonic() + time_limit

    def run():
        session = _session(key)
        for start in starts:
            if time.monotonic() > deadline:
                break
            stop = min(start + per_request, count)
            try:
                answer = session.post(url, data=_body(tag, start, stop, per_request), timeout=60)
                status = answer.status_code
            except Exception as error:  # counted by kind, the run goes on
                status = type(error).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                accepted[0] += stop - start if status in (200, 202) else 0

    elapsed = _run_threads(run, threads)
    results.put((elapsed, sum(statuses.values()), accepted[0], statuses))


def prebuilt(url, key, bodies, headers, threads, time_limit, results):
    """Post each of ``bodies`` (bytes) once with ``headers``; put ``(seconds, requests,
    accepted requests, statuses)``."""
    statuses, lock = {}, threading.Lock()
    remaining = iter(bodies)
    deadline = time.monotonic() + time_limit

    def run():
        session = _session(key)
        session.headers.update(headers)
        for body in remaining:
            if time.monotonic() > deadline:
                break
            try:
                status = session.post(url, data=body, timeout=60).status_code
            except Exception as error:  # counted by kind, the run goes on
                status = type(error).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    elapsed = _run_threads(run, threads)
    accepted = statuses.get(200, 0) + statuses.get(202, 0)
    results.put((elapsed, sum(statuses.values()), accepted, statuses))


def bare(url, count, threads, time_limit, results):
    """GET ``url`` ``count`` times; put ``(seconds, requests, ok, statuses)``."""
    import requests  # noqa: PLC0415 - imported in the spawned process

    statuses, lock = {}, threading.Lock()
    numbers = iter(range(count))
    deadline = time.monotonic() + time_limit

    def run():
        session = requests.Session()
        for _number in numbers:
            if time.monotonic() > deadline:
                break
            try:
                status = session.get(url, timeout=60).status_code
            except Exception as error:  # counted by kind, the run goes on
                status = type(error).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    elapsed = _run_threads(run, threads)
    results.put((elapsed, sum(statuses.values()), statuses.get(200, 0), statuses))


def paced(url, key, tag, rate, duration, threads, extra, results):
    """Post one message every 1/``rate`` s for ``duration`` s.

    Puts ``(accepted, statuses, max_lateness)`` where ``accepted`` is a list of
    ``(message id, epoch seconds of the 202)`` and ``max_lateness`` the worst delay of a send
    behind its schedule (a server too slow to keep the pace shows here).
    """
    total = int(rate * duration)
    numbers = iter(range(total))
    accepted, statuses, lateness, lock = [], {}, [0.0], threading.Lock()
    origin = time.monotonic() + 0.5

    def run():
        session = _session(key)
        for n in numbers:
            wait = origin + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            late = -wait if wait < 0 else 0.0
            try:
                answer = session.post(url, data=_body(tag, n, n + 1, 1, extra), timeout=30)
                received, status = time.time(), answer.status_code
                ids = [m["id"] for m in answer.json().get("messages", [])] if status == 202 else []
            except Exception as error:  # counted by kind, the run goes on
                received, status, ids = time.time(), type(error).__name__, []
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                accepted.extend((message_id, received) for message_id in ids)
                lateness[0] = max(lateness[0], late)

    _run_threads(run, threads)
    results.put((accepted, statuses, lateness[0]))


def _run_threads(target, count):
    threads = [threading.Thread(target=target) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started
