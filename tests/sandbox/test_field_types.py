"""Value checks for each of the nine custom field types."""

from __future__ import annotations

import pytest

from sandbox.field_types import value_problem

OPTIONS = ("gold", "silver")
BAD_DATE = "Invalid date; expected a calendar date as YYYY-MM-DD"
BAD_OPTION = "Invalid option; expected one of 'gold', 'silver'"
BAD_OPTIONS = "Expected an array of options from 'gold', 'silver'"


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        pytest.param("text", "", id="text-empty"),
        pytest.param("number", 17, id="number-int"),
        pytest.param("number", -0.5, id="number-float"),
        pytest.param("boolean", False, id="boolean"),
        pytest.param("date", "2024-02-29", id="date-leap-day"),
        pytest.param("select", "gold", id="select"),
        pytest.param("multi_select", [], id="multi-empty"),
        pytest.param("multi_select", ["gold", "silver"], id="multi"),
        pytest.param("url", "https://example.test/a?b=c", id="url-https"),
        pytest.param("url", "http://localhost:8080", id="url-port"),
        pytest.param("email", "ops@example.test", id="email"),
        pytest.param("phone", "+44 20 7946 0000", id="phone"),
    ],
)
def test_value_fits_its_type(field_type: str, value: object):
    assert value_problem(field_type=field_type, options=OPTIONS, value=value) is None


@pytest.mark.parametrize(
    ("field_type", "value", "message"),
    [
        pytest.param("text", 5, "Expected string, received number", id="text-number"),
        pytest.param(
            "number", True, "Expected number, received boolean", id="number-bool"
        ),
        pytest.param(
            "number", "5", "Expected number, received string", id="number-string"
        ),
        pytest.param(
            "boolean", 0, "Expected boolean, received number", id="boolean-int"
        ),
        pytest.param("date", "2023-02-29", BAD_DATE, id="date-unreal"),
        pytest.param("date", "2023-2-1", BAD_DATE, id="date-short"),
        pytest.param("date", "2023-02-01T00:00:00Z", BAD_DATE, id="date-time"),
        pytest.param("select", "bronze", BAD_OPTION, id="select-unknown"),
        pytest.param("select", ["gold"], BAD_OPTION, id="select-list"),
        pytest.param("multi_select", "gold", BAD_OPTIONS, id="multi-string"),
        pytest.param("multi_select", ["gold", "x"], BAD_OPTIONS, id="multi-unknown"),
        pytest.param("url", "example.test", "Invalid url", id="url-no-scheme"),
        pytest.param("url", "ftp://example.test", "Invalid url", id="url-ftp"),
        pytest.param("url", "https://exa mple.test", "Invalid url", id="url-space"),
        pytest.param("url", "http://[::1", "Invalid url", id="url-broken"),
        pytest.param("email", "ops@", "Invalid email", id="email-no-domain"),
        pytest.param("email", None, "Invalid email", id="email-null"),
        pytest.param(
            "phone", 4420, "Expected string, received number", id="phone-number"
        ),
    ],
)
def test_value_of_wrong_shape_is_explained(
    field_type: str, value: object, message: str
):
    problem = value_problem(field_type=field_type, options=OPTIONS, value=value)

    assert problem == message
