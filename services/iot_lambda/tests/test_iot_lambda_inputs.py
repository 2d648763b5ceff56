"""Inputs generated from each tool's own input schema (tools.json), through the real handler.

Valid by the schema -> a normal answer or a clear domain refusal, never an internal error.
Invalid by the schema -> a clear refusal and no shadow write.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from iot_lambda import handler as handler_module
from smarthome_contract.tools import ToolDefinition, load_tools

TOOLS = load_tools().tools
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(st.sampled_from(["Bedroom", "bulb-1", "bedroom ", "garage"]), st.text()),
    "integer": st.one_of(st.integers(-5, 10_000), st.integers()),
    "number": st.floats(allow_nan=False),
    "boolean": st.booleans(),
}
# What JSON can carry that a property of the given type is not.
NOT_OF_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.text(), max_size=2)),
    "integer": st.one_of(
        st.none(),
        st.text(max_size=5),
        st.booleans(),
        st.floats(),
        st.dictionaries(st.text(), st.integers(), max_size=1),
    ),
}
PROPERTY_TEST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def valid_arguments(tool: ToolDefinition) -> st.SearchStrategy[dict[str, Any]]:
    schema = tool.input_schema
    values = {name: SCALARS[prop.type] for name, prop in schema.properties.items()}
    return st.fixed_dictionaries(
        {name: values[name] for name in schema.required},
        optional={name: v for name, v in values.items() if name not in schema.required},
    )


def invalid_arguments(tool: ToolDefinition) -> st.SearchStrategy[object]:
    schema = tool.input_schema
    valid = valid_arguments(tool)
    wrong_type = [
        st.tuples(valid, st.just(name), NOT_OF_TYPE[prop.type]).map(lambda t: {**t[0], t[1]: t[2]})
        for name, prop in schema.properties.items()
    ]
    unknown = st.tuples(
        valid, st.text(min_size=1).filter(lambda n: n not in schema.properties), SCALARS["string"]
    ).map(lambda t: {**t[0], t[1]: t[2]})
    missing = [
        valid.map(lambda a, n=name: {k: v for k, v in a.items() if k != n})
        for name in schema.required
    ]
    not_an_object = st.one_of(st.lists(st.integers(), max_size=2), st.text(), st.integers())
    return st.one_of(*wrong_type, unknown, *missing, not_an_object)


@pytest.fixture
def bedroom(make_home):
    home = make_home(wait_seconds=0)
    home.report("bulb-1", name="Bedroom", on=False)
    home.online()
    return home


@pytest.fixture
def outcomes(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(handler_module.logger.logger_handler, "stream", stream)

    def last() -> dict[str, Any]:
        # splitlines also splits on U+2028 & co: a log line must hold none of the caller's.
        return json.loads(stream.getvalue().splitlines()[-1])

    return last


def _plain_error(answer: dict[str, Any]) -> None:
    assert set(answer) == {"error"}, answer
    assert isinstance(answer["error"], str)
    assert answer["error"].strip()
    assert "Traceback" not in answer["error"]
    assert len(answer["error"]) < 1000


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_valid_by_schema_is_answered_never_an_internal_error(tool, bedroom, call, outcomes) -> None:
    @PROPERTY_TEST
    @given(arguments=valid_arguments(tool))
    def check(arguments: dict[str, Any]) -> None:
        answer = call(tool.name, arguments)
        outcome = outcomes()
        assert outcome["outcome"] != "error", (arguments, answer)
        assert outcome["level"] == "INFO"
        if "error" in answer:
            _plain_error(answer)
            assert outcome["outcome"] == "rejected"
        else:
            assert answer["message"], answer
            assert answer.get("status", "ok") in ("ok", "done", "stored", "superseded")

    check()


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_invalid_by_schema_is_refused_and_changes_nothing(
    tool, bedroom, call, outcomes, no_caller
) -> None:
    @PROPERTY_TEST
    @given(event=invalid_arguments(tool))
    def check(event: object) -> None:
        before = bedroom.shadow("bulb-1")["version"]
        # Not an object at all: there is nothing to add the caller to.
        answer = call(
            tool.name, event, **({} if isinstance(event, dict) else {"caller": no_caller})
        )
        _plain_error(answer)
        assert outcomes()["outcome"] == "rejected"
        assert bedroom.shadow("bulb-1")["version"] == before

    check()
