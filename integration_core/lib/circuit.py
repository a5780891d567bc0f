"""Circuit breaker per endpoint, as pure functions over an immutable state.

- closed: requests go through; consecutive transient failures are counted.
- open: after ``threshold`` of them, requests are refused for ``cooldown`` seconds, so a system
  that is down is not hammered and the queue does not burn attempts.
- half_open: after the cooldown one probe goes through; its success closes the circuit, its
  failure opens it again for a new cooldown.

Times are float epoch seconds (``time.time()``); the caller converts stored datetimes. Only
transient failures should be reported: a permanent error says nothing about the other side's
health. The caller stores the three fields and serialises calls per endpoint (a row lock), so
that concurrent workers let only one probe through.
"""

from dataclasses import dataclass, replace

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"
STATES = (CLOSED, OPEN, HALF_OPEN)


@dataclass(frozen=True)
class CircuitState:
    """``opened_at``: epoch seconds when the circuit opened or last let a probe through."""

    state: str = CLOSED
    failures: int = 0
    opened_at: float | None = None

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"unknown circuit state {self.state!r}")
        if self.state != CLOSED and self.opened_at is None:
            raise ValueError(f"a {self.state} circuit needs opened_at")


def allow(state, now, cooldown):
    """Return ``(allowed, new_state)`` for a request at ``now``.

    Open: refused until ``cooldown`` has passed, then one probe goes through (half_open). A
    probe that never reports back (worker crash) does not block the endpoint forever: after
    another cooldown, a new probe goes through.
    """
    if state.state == CLOSED:
        return True, state
    if now - state.opened_at < cooldown:
        return False, state
    return True, replace(state, state=HALF_OPEN, opened_at=now)


def on_success(state):
    """A request succeeded: the circuit closes and the failure count resets."""
    return CircuitState()


def on_failure(state, now, threshold):
    """A request failed with a transient error at ``now``."""
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    failures = state.failures + 1
    if state.state == HALF_OPEN or (state.state == CLOSED and failures >= threshold):
        return CircuitState(OPEN, failures, now)
    # Open already: a late answer to a request sent before it opened does not extend the cooldown.
    return replace(state, failures=failures)
