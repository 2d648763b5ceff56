"""The sandbox speaks the accounting API's wire format, and its filters really filter."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from devstack.sandbox import create_app, running_sandbox
from devstack.sandbox.seed import INVOICE_STATUSES, TRANSACTION_STATUSES, VOUCHER_STATUSES

TOKEN = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


def call(
    url: str,
    *,
    token: str | None = TOKEN,
    method: str = "GET",
    body: Any = None,
    raw: bytes | None = None,
) -> tuple[int, dict[str, str], Any]:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        headers["Content-Type"] = "application/json"
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, _lower(response.headers), _parse(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), _parse(error.read())


def _lower(headers: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with running_sandbox(db, [TOKEN, OTHER_TOKEN], faults=True) as base_url:
        yield base_url


@pytest.fixture
def faults(sandbox: str) -> Iterator[str]:
    url = sandbox.removesuffix("/api/v1") + "/_sandbox/faults"
    yield url
    call(url, token=None, method="DELETE")


def objects(url: str) -> list[dict[str, Any]]:
    status, _, body = call(url)
    assert status == 200, body
    return body["objects"]


# --- auth -----------------------------------------------------------------------------------


def test_health_needs_no_token(sandbox: str) -> None:
    status, _, body = call(sandbox.removesuffix("/api/v1") + "/health", token=None)
    assert (status, body) == (200, {"status": "ok"})


@pytest.mark.parametrize("token", [None, "", "wrong", f"Bearer {TOKEN}"])
def test_missing_wrong_or_bearer_token_gets_the_apis_401(sandbox: str, token: str | None) -> None:
    status, _, body = call(f"{sandbox}/Contact", token=token)
    assert status == 401
    assert body == {"objects": None, "error": {"message": "Authentication required", "code": None}}


def test_every_configured_token_is_accepted(sandbox: str) -> None:
    assert call(f"{sandbox}/CheckAccount", token=OTHER_TOKEN)[0] == 200


# --- wire format ----------------------------------------------------------------------------


def test_ids_amounts_and_statuses_are_strings_and_references_are_objects(sandbox: str) -> None:
    invoice = objects(f"{sandbox}/Invoice?limit=1")[0]
    assert isinstance(invoice["id"], str)
    assert isinstance(invoice["status"], str)
    assert invoice["sumGross"] == f"{float(invoice['sumNet']) + float(invoice['sumTax']):.2f}"
    assert invoice["contact"] == {"id": invoice["contact"]["id"], "objectName": "Contact"}
    assert invoice["invoiceDate"].endswith("+01:00")


def test_get_by_id_returns_a_list_in_objects(sandbox: str) -> None:
    first = objects(f"{sandbox}/Contact?limit=1")[0]
    assert objects(f"{sandbox}/Contact/{first['id']}") == [first]


@pytest.mark.parametrize("segment", ["a%0Ab", "1%0D%0A", "x%E2%80%A8y", "%00", "%7F"])
def test_control_characters_in_the_path_are_a_400(sandbox: str, segment: str) -> None:
    # Found by the contract test: Starlette's route pattern mis-split "a\nb" and answered 404.
    status, _, body = call(f"{sandbox}/Contact/{segment}")
    assert status == 400
    assert body == {
        "objects": None,
        "error": {"message": "Invalid characters in the request path", "code": None},
    }


def test_missing_id_is_a_400_with_the_apis_error_body(sandbox: str) -> None:
    status, _, body = call(f"{sandbox}/Contact/999999")
    assert status == 400
    assert body == {"objects": None, "error": {"message": "Contact was not found", "code": None}}
    assert call(f"{sandbox}/Invoice/999999")[2]["error"]["message"] == "Invoice was not found"


def test_non_numeric_id_is_a_400(sandbox: str) -> None:
    status, _, body = call(f"{sandbox}/Invoice/abc")
    assert status == 400
    assert "invoiceId" in body["error"]["message"]


# --- paging ---------------------------------------------------------------------------------


def test_limit_and_offset_page_through_without_overlap(sandbox: str) -> None:
    everything = objects(f"{sandbox}/Invoice?limit=1000")
    pages = [objects(f"{sandbox}/Invoice?limit=25&offset={offset}") for offset in (0, 25, 50)]
    assert [o["id"] for page in pages for o in page] == [o["id"] for o in everything]


def test_count_all_adds_the_total_as_a_string(sandbox: str) -> None:
    status, _, body = call(f"{sandbox}/Voucher?limit=5&countAll=true")
    assert status == 200
    assert len(body["objects"]) == 5
    assert body["total"] == "30"
    assert "total" not in call(f"{sandbox}/Voucher?limit=5")[2]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=1001", "limit=ten", "offset=-1", "countAll=maybe"]
)
def test_bad_paging_is_a_400(sandbox: str, query: str) -> None:
    status, _, body = call(f"{sandbox}/Contact?{query}")
    assert status == 400
    assert body["objects"] is None


# --- filters --------------------------------------------------------------------------------


def test_contacts_depth_zero_hides_persons(sandbox: str) -> None:
    organisations = objects(f"{sandbox}/Contact?limit=1000")
    everyone = objects(f"{sandbox}/Contact?depth=1&limit=1000")
    assert all(c["name"] for c in organisations)
    persons = [c for c in everyone if not c["name"]]
    assert persons
    assert all(p["parent"]["objectName"] == "Contact" and p["surename"] for p in persons)


def test_contacts_cover_every_category(sandbox: str) -> None:
    categories = {c["category"]["id"] for c in objects(f"{sandbox}/Contact?depth=1&limit=1000")}
    assert {"2", "3", "4", "28"} <= categories


def test_contact_filters_by_customer_number_and_name(sandbox: str) -> None:
    some = objects(f"{sandbox}/Contact?limit=1&offset=3")[0]
    assert objects(f"{sandbox}/Contact?customerNumber={some['customerNumber']}") == [some]
    word = some["name"].split()[1]
    found = objects(f"{sandbox}/Contact?name={urllib.request.quote(word.lower())}&limit=1000")
    assert some in found
    assert all(word.lower() in c["name"].lower() for c in found)


def test_invoices_exist_in_every_status_and_filter_by_status(sandbox: str) -> None:
    for status in INVOICE_STATUSES:
        found = objects(f"{sandbox}/Invoice?status={status}&limit=1000")
        assert found
        assert {i["status"] for i in found} == {str(status)}


def test_invoices_filter_by_date_range_in_unix_seconds(sandbox: str) -> None:
    start, end = 1_740_000_000, 1_750_000_000  # 2025-02-19 .. 2025-06-15
    found = objects(f"{sandbox}/Invoice?startDate={start}&endDate={end}&limit=1000")
    everything = objects(f"{sandbox}/Invoice?limit=1000")
    assert 0 < len(found) < len(everything)


def test_invoices_filter_by_bracket_contact_keys(sandbox: str) -> None:
    contact_id = objects(f"{sandbox}/Invoice?limit=1")[0]["contact"]["id"]
    found = objects(f"{sandbox}/Invoice?contact[id]={contact_id}&contact[objectName]=Contact")
    assert found
    assert {i["contact"]["id"] for i in found} == {contact_id}
    assert call(f"{sandbox}/Invoice?contact[id]={contact_id}&contact[objectName]=Invoice")[0] == 400


def test_vouchers_exist_in_every_status_and_filter_by_credit_debit(sandbox: str) -> None:
    for status in VOUCHER_STATUSES:
        assert objects(f"{sandbox}/Voucher?status={status}")
    revenue = objects(f"{sandbox}/Voucher?creditDebit=D&limit=1000")
    assert revenue
    assert {v["creditDebit"] for v in revenue} == {"D"}


def test_two_check_accounts_with_balances(sandbox: str) -> None:
    accounts = objects(f"{sandbox}/CheckAccount")
    assert [a["type"] for a in accounts] == ["online", "register"]
    for account in accounts:
        transactions = objects(
            f"{sandbox}/CheckAccountTransaction?checkAccount[id]={account['id']}"
            "&checkAccount[objectName]=CheckAccount&limit=1000"
        )
        assert transactions
        cents = sum(round(float(t["amount"]) * 100) for t in transactions)
        assert round(float(account["balance"]) * 100) == cents


def test_transactions_cover_every_status_and_filter_by_direction_and_date(sandbox: str) -> None:
    everything = objects(f"{sandbox}/CheckAccountTransaction?limit=1000")
    assert {t["status"] for t in everything} == {str(s) for s in TRANSACTION_STATUSES}
    debits = objects(f"{sandbox}/CheckAccountTransaction?onlyDebit=true&limit=1000")
    assert debits
    assert all(t["amount"].startswith("-") for t in debits)
    booked = objects(f"{sandbox}/CheckAccountTransaction?isBooked=true&limit=1000")
    assert {t["status"] for t in booked} <= {"350", "400"}
    since = objects(
        f"{sandbox}/CheckAccountTransaction?startDate=2025-07-01T00:00:00%2B01:00&limit=1000"
    )
    assert 0 < len(since) < len(everything)
    assert call(f"{sandbox}/CheckAccountTransaction?startDate=yesterday")[0] == 400


# --- create ---------------------------------------------------------------------------------


def test_create_contact_returns_201_with_the_object_and_it_can_be_read_back(sandbox: str) -> None:
    status, _, body = call(
        f"{sandbox}/Contact",
        method="POST",
        body={"name": "Sandbox Test GmbH", "category": {"id": 3, "objectName": "Category"}},
    )
    assert status == 201
    created = body["objects"]
    assert created["name"] == "Sandbox Test GmbH"
    assert created["category"] == {"id": "3", "objectName": "Category"}
    assert created["customerNumber"]
    assert objects(f"{sandbox}/Contact/{created['id']}") == [created]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "No category"},
        {"category": {"id": 99, "objectName": "Category"}},
        {"category": {"id": "3", "objectName": "Category"}},
        {
            "category": {"id": 3, "objectName": "Category"},
            "parent": {"id": 999999, "objectName": "Contact"},
        },
        [1, 2],
    ],
)
def test_invalid_contact_is_a_422_with_an_exception_uuid(sandbox: str, body: Any) -> None:
    status, _, answer = call(f"{sandbox}/Contact", method="POST", body=body)
    assert status == 422
    assert set(answer["error"]) == {"message", "exceptionUUID"}
    assert answer["error"]["message"]


def test_malformed_json_is_a_400(sandbox: str) -> None:
    status, _, body = call(f"{sandbox}/Contact", method="POST", raw=b"{not json")
    assert status == 400
    assert body["objects"] is None


# --- faults ---------------------------------------------------------------------------------


def test_queued_fault_answers_the_next_matching_requests_then_stops(
    sandbox: str, faults: str
) -> None:
    fault = {
        "method": "GET",
        "path": "/api/v1/Contact",
        "status": 429,
        "headers": {"Retry-After": "1"},
        "times": 2,
    }
    assert call(faults, token=None, method="POST", body=fault)[0] == 201
    assert call(f"{sandbox}/Invoice")[0] == 200  # another path is untouched
    for _ in range(2):
        status, headers, _ = call(f"{sandbox}/Contact")
        assert status == 429
        assert headers["retry-after"] == "1"
    assert call(f"{sandbox}/Contact")[0] == 200


def test_fault_body_can_be_malformed_json(sandbox: str, faults: str) -> None:
    call(
        faults,
        token=None,
        method="POST",
        body={"path": "/api/v1/CheckAccount", "status": 200, "body": '{"objects": ['},
    )
    status, _, body = call(f"{sandbox}/CheckAccount")
    assert (status, body) == (200, '{"objects": [')


def test_faults_are_fifo_and_delete_clears_them(sandbox: str, faults: str) -> None:
    for code in (500, 503):
        call(faults, token=None, method="POST", body={"path": "/api/v1/Voucher", "status": code})
    assert call(f"{sandbox}/Voucher")[0] == 500
    assert call(faults, token=None, method="DELETE")[2] == {"cleared": 1}
    assert call(f"{sandbox}/Voucher")[0] == 200


def test_delay_only_fault_delays_the_real_answer(sandbox: str, faults: str) -> None:
    call(
        faults,
        token=None,
        method="POST",
        body={"path": "/api/v1/CheckAccount", "delay_seconds": 0.3},
    )
    started = time.monotonic()
    status, _, body = call(f"{sandbox}/CheckAccount")
    assert time.monotonic() - started >= 0.3
    assert status == 200
    assert len(body["objects"]) == 2


def test_invalid_fault_is_rejected(sandbox: str, faults: str) -> None:
    status, _, body = call(faults, token=None, method="POST", body={"path": "/api/v1/Contact"})
    assert status == 422
    assert "status" in body["error"]["message"]


def test_fault_endpoint_is_absent_unless_enabled(tmp_path: Path) -> None:
    with running_sandbox(tmp_path / "s.db", [TOKEN]) as base_url:
        url = base_url.removesuffix("/api/v1") + "/_sandbox/faults"
        assert call(url, token=None, method="POST", body={"path": "/x", "status": 500})[0] == 404


# --- database -------------------------------------------------------------------------------


def test_seed_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        with running_sandbox(tmp_path / name, [TOKEN]):
            pass
        connection = sqlite3.connect(tmp_path / name)
        try:
            dumps.append(list(connection.iterdump()))
        finally:
            connection.close()
    assert dumps[0] == dumps[1]


# --- lifecycle ------------------------------------------------------------------------------


def _port_open(base_url: str) -> bool:
    host, port = base_url.removeprefix("http://").split("/")[0].split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


def test_running_sandbox_stops_its_server_even_when_the_body_fails(tmp_path: Path) -> None:
    class Boom(Exception):
        pass

    threads_before = {t.name for t in threading.enumerate()}
    seen: list[str] = []

    def body() -> None:
        with running_sandbox(tmp_path / "s.db", [TOKEN]) as base_url:
            seen.append(base_url)
            assert _port_open(base_url)
            raise Boom

    with pytest.raises(Boom):
        body()
    assert not _port_open(seen[0])
    assert {t.name for t in threading.enumerate()} <= threads_before


def test_sandbox_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one API token"):
        create_app(tmp_path / "s.db", ["", ""])


# --- organisations (C6) ---------------------------------------------------------------------

ORG_A_TOKEN, ORG_B_TOKEN = "tok-org-a-0123456789", "tok-org-b-0123456789"


@pytest.fixture(scope="module")
def organisations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("orgs") / "sandbox.db"
    tokens = [TOKEN, f"{ORG_A_TOKEN}=org-a", f" {ORG_B_TOKEN} = org-b "]
    with running_sandbox(db, tokens) as base_url:
        yield base_url


def test_each_organisation_has_its_own_visibly_different_data(organisations: str) -> None:
    def names(token: str, path: str) -> list[str]:
        status, _, body = call(f"{organisations}/{path}", token=token)
        assert status == 200
        return [o["name"] for o in body["objects"]]

    default, org_a, org_b = (
        names(t, "Contact?limit=10") for t in (TOKEN, ORG_A_TOKEN, ORG_B_TOKEN)
    )
    assert len({tuple(default), tuple(org_a), tuple(org_b)}) == 3
    assert names(ORG_A_TOKEN, "CheckAccount")[0].endswith("(org-a)")
    assert names(ORG_B_TOKEN, "CheckAccount")[0].endswith("(org-b)")
    # The default organisation keeps the classic demo data set.
    assert names(TOKEN, "CheckAccount")[0] == "Geschäftskonto Sparkasse"


def test_a_contact_created_in_one_organisation_is_invisible_to_another(organisations: str) -> None:
    body = {"name": "Nur Org A GmbH", "category": {"id": 3, "objectName": "Category"}}
    status, _, created = call(
        f"{organisations}/Contact", token=ORG_A_TOKEN, method="POST", body=body
    )
    assert status == 201
    number = created["objects"]["customerNumber"]
    query = f"Contact?customerNumber={number}&name=Nur%20Org%20A"
    assert [c["id"] for c in objects_as(organisations, query, ORG_A_TOKEN)] == [
        created["objects"]["id"]
    ]
    assert objects_as(organisations, query, ORG_B_TOKEN) == []
    assert objects_as(organisations, query, TOKEN) == []


def objects_as(base_url: str, path: str, token: str) -> list[dict[str, Any]]:
    status, _, body = call(f"{base_url}/{path}", token=token)
    assert status == 200, body
    return body["objects"]


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["tok=Org A"], "organisation"),
        (["=org-a"], "no token"),
        (["tok=org-a", "tok=org-b"], "two organisations"),
    ],
)
def test_bad_token_lists_are_refused(tmp_path: Path, tokens: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_app(tmp_path / "s.db", tokens)


# --- next customer number -------------------------------------------------------------------


def test_next_customer_number_is_a_bare_string_and_the_next_create_takes_it(sandbox: str) -> None:
    status, _, body = call(f"{sandbox}/Contact/Factory/getNextCustomerNumber")
    assert status == 200
    assert isinstance(body["objects"], str)
    number = body["objects"]
    created = call(
        f"{sandbox}/Contact",
        method="POST",
        body={"name": "Nummer Test KG", "category": {"id": 2, "objectName": "Category"}},
    )[2]["objects"]
    assert created["customerNumber"] == number
    following = call(f"{sandbox}/Contact/Factory/getNextCustomerNumber")[2]["objects"]
    assert int(following) == int(number) + 1


def test_a_given_customer_number_is_kept(sandbox: str) -> None:
    body = {
        "name": "Eigene Nummer AG",
        "customerNumber": "KD-4711",
        "category": {"id": 3, "objectName": "Category"},
    }
    created = call(f"{sandbox}/Contact", method="POST", body=body)[2]["objects"]
    assert created["customerNumber"] == "KD-4711"
    assert objects(f"{sandbox}/Contact?customerNumber=KD-4711") == [created]


# --- more faults ----------------------------------------------------------------------------


def test_truncated_answer_really_happened_but_cannot_be_read(sandbox: str, faults: str) -> None:
    fault = {"method": "POST", "path": "/api/v1/Contact", "truncate_body": True}
    assert call(faults, token=None, method="POST", body=fault)[0] == 201
    body = {"name": "Halbe Antwort GmbH", "category": {"id": 3, "objectName": "Category"}}
    status, _, answer = call(f"{sandbox}/Contact", method="POST", body=body)
    assert status == 201
    assert isinstance(answer, str)  # not JSON: the body was cut
    with pytest.raises(ValueError):
        json.loads(answer)
    assert [c["name"] for c in objects(f"{sandbox}/Contact?name=Halbe%20Antwort")] == [
        "Halbe Antwort GmbH"
    ]


def test_queued_faults_are_listed_with_what_remains(sandbox: str, faults: str) -> None:
    fault = {"path": "/api/v1/Voucher", "status": 500, "times": 3}
    call(faults, token=None, method="POST", body=fault)
    call(f"{sandbox}/Voucher")
    listed = call(faults, token=None)[2]["faults"]
    assert [(f["path"], f["status"], f["remaining"]) for f in listed] == [
        ("/api/v1/Voucher", 500, 2)
    ]


def test_stats_count_requests_and_the_most_at_once(sandbox: str, faults: str) -> None:
    stats = sandbox.removesuffix("/api/v1") + "/_sandbox/stats"
    assert call(stats, token=None, method="DELETE")[0] == 200
    call(
        faults,
        token=None,
        method="POST",
        body={"path": "/api/v1/CheckAccount", "delay_seconds": 0.5, "times": 3},
    )
    threads = [threading.Thread(target=call, args=(f"{sandbox}/CheckAccount",)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    counted = call(stats, token=None)[2]
    assert counted == {"requests": 3, "in_flight": 0, "max_in_flight": 3}


def test_a_delayed_write_still_happens_after_the_client_gave_up(sandbox: str, faults: str) -> None:
    fault = {"method": "POST", "path": "/api/v1/Contact", "delay_seconds": 0.5}
    call(faults, token=None, method="POST", body=fault)
    body = {"name": "Spaet Angekommen GmbH", "category": {"id": 3, "objectName": "Category"}}
    request = urllib.request.Request(  # noqa: S310 - loopback http
        f"{sandbox}/Contact",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": TOKEN, "Content-Type": "application/json"},
    )
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(request, timeout=0.1)  # noqa: S310
    deadline = time.monotonic() + 10
    while not objects(f"{sandbox}/Contact?name=Spaet%20Angekommen"):
        assert time.monotonic() < deadline, "the stalled write never happened"
        time.sleep(0.02)
