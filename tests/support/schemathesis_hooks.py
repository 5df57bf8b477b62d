"""Hooks for scripts/test-schemathesis.sh.

An `Idempotency-Key` names one request: reusing a key for a different request is a
422 by design (see the header's description in the API). Generated requests pick keys
from a small pool and would reuse them, so a well-formed key is replaced by a fresh
one, as a real client makes it. Malformed keys (empty, too long) are left alone so
that the server's rejection of them is still tested.
"""

import re
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() != "idempotency-key":
            continue
        value = headers[name]
        if isinstance(value, str) and re.fullmatch(r"[!-~]{1,255}", value):
            headers[name] = uuid.uuid4().hex
