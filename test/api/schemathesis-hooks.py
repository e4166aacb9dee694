"""
What the OpenAPI document states in words and JSON Schema cannot: taught to schemathesis so that the values it calls
"valid" are valid by the document's own rules (test/api/schemathesis.test.ts loads this file).

- format `cpf-cnpj` (payer documents): a CPF or CNPJ with correct check digits.
- A schema-valid case (positive mode) keeps each documented cross-field rule: a range's `…From` is not after its
  `…To` (list, export), a list cursor only ever comes from a previous page (none is made up), the daily report's `to` is within 366 days on or after `from`, and a boleto's due date lies in
  the window the document states (today .. today + 5500 days, São Paulo) with issueDate / paymentDeadline /
  discount.until on the right side of it. Schema-violating cases (negative mode) are left alone.
Nothing here touches what the API answers: only what the fuzzer sends as "valid".
"""
from datetime import date, datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st

BRT = timezone(timedelta(hours=-3))


def _cpf(base: list[int]) -> str:
    digits = base[:]
    for n in (10, 11):
        s = sum(d * w for d, w in zip(digits, range(n, 1, -1)))
        r = (s * 10) % 11
        digits.append(0 if r == 10 else r)
    return "".join(map(str, digits))


def _cnpj(base: list[int]) -> str:
    digits = base[:]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        s = sum(d * w for d, w in zip(digits, weights))
        r = s % 11
        digits.append(0 if r < 2 else 11 - r)
    return "".join(map(str, digits))


_digits = lambda n: st.lists(st.integers(0, 9), min_size=n, max_size=n)  # noqa: E731
schemathesis.openapi.format(
    "cpf-cnpj",
    st.one_of(
        _digits(9).filter(lambda d: len(set(d)) > 1).map(_cpf),
        _digits(12).filter(lambda d: len(set(d)) > 1).map(_cnpj),
    ),
)


def _positive(case) -> bool:
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    return mode is not None and str(getattr(mode, "value", mode)).lower() == "positive"


def _day(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


RANGES = [("dueFrom", "dueTo"), ("issuedFrom", "issuedTo"), ("paidFrom", "paidTo"), ("settledFrom", "settledTo")]
DUE_WINDOW_DAYS = 5500


@schemathesis.hook
def map_case(ctx, case):
    if not _positive(case):
        return case
    op = case.operation
    path, method = op.path, op.method.upper()
    q = case.query if isinstance(case.query, dict) else None
    if q is not None and path == "/v1/boletos":
        # The document: a cursor is the nextCursor of a previous page of the same query, never made up.
        q.pop("cursor", None)
    if q is not None and path in ("/v1/boletos", "/v1/boletos/export.csv"):
        for a, b in RANGES:
            x, y = _day(q.get(a)), _day(q.get(b))
            if x and y and x > y:
                q[a], q[b] = q[b], q[a]
    if q is not None and path == "/v1/reports/daily":
        x, y = _day(q.get("from")), _day(q.get("to"))
        if x and y:
            lo, hi = min(x, y), max(x, y)
            if (hi - lo).days >= 366:
                hi = lo + timedelta(days=(hi - lo).days % 366)
            q["from"], q["to"] = lo.isoformat(), hi.isoformat()
    body = case.body if isinstance(case.body, dict) else None
    if body is not None and method == "POST" and (path == "/v1/boletos" or path.endswith("/due-date")):
        today = datetime.now(BRT).date()
        due = _day(body.get("dueDate"))
        if due is not None:
            due = today + timedelta(days=due.toordinal() % (DUE_WINDOW_DAYS + 1))
            body["dueDate"] = due.isoformat()
            issue, deadline = _day(body.get("issueDate")), _day(body.get("paymentDeadline"))
            if issue and issue > due:
                body["issueDate"] = due.isoformat()
            if deadline and deadline < due:
                body["paymentDeadline"] = due.isoformat()
            discount = body.get("discount")
            if isinstance(discount, dict) and _day(discount.get("until")) and _day(discount["until"]) > due:
                discount["until"] = due.isoformat()
    return case
