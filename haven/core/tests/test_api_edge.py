"""The API's edge: every error is JSON `{"detail": …}`, input is checked against what the
database can store before anything is written, and the schema documents it all."""

from __future__ import annotations

import enum
import json
import logging
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from haven.api import api
from haven.people.models import Person
from haven.shelter.models import Shelter

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client: Any, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


# --- the schema --------------------------------------------------------------------------


def _types_in(annotation: Any) -> Iterator[type]:
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for argument in typing.get_args(annotation):
            yield from _types_in(argument)
    elif isinstance(annotation, type):
        yield annotation


def _models() -> Iterator[type]:
    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    if isinstance(model, type):
                        yield model


def test_no_two_different_schemas_share_a_name() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    visited: set[type] = set()
    pending = list(_models())
    while pending:
        model = pending.pop()
        if model in visited:
            continue
        visited.add(model)
        if issubclass(model, enum.Enum):
            seen[model.__name__].add(json.dumps(sorted(member.value for member in model)))
        elif issubclass(model, BaseModel):
            # Ninja's own wrappers (parameters, responses) are flattened, never named.
            if not model.__name__.endswith(("Params", "ResponseSchema")):
                schema = model.model_json_schema(ref_template="{model}")
                seen[model.__name__].add(json.dumps(schema, sort_keys=True, default=str))
            for info in model.model_fields.values():
                pending.extend(_types_in(info.annotation))
    twice = sorted(name for name, shapes in seen.items() if len(shapes) > 1)
    assert not twice, f"different schemas share a name in the OpenAPI document: {twice}"


def test_every_operation_documents_its_errors_with_the_one_error_schema() -> None:
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = {str(code): answer for code, answer in operation["responses"].items()}
            for code in ("401", "403"):
                assert code in answers, f"{method.upper()} {path} does not document {code}"
            if operation.get("parameters") or operation.get("requestBody"):
                for code in ("400", "404", "422"):
                    assert code in answers, f"{method.upper()} {path} does not document {code}"
            for code, answer in answers.items():
                if code.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


# --- errors are JSON ---------------------------------------------------------------------


def test_a_crash_answers_json_without_internals_and_logs_the_traceback(
    api_as: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("haven.people.services.get_person", crash)
    with caplog.at_level(logging.ERROR, logger="haven.api"):
        response = api_as("commander").get(f"{PEOPLE}/1")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "internal error" in response.json()["detail"]
    assert "secret" not in response.content.decode()
    assert "secret internals" in caplog.text and "Traceback" in caplog.text


def test_a_body_too_large_answers_413_json(api_as: Callable[[str], Any], settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(api_as("clerk"), f"{PEOPLE}/", {"full_name": "x" * 2000})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("get", "/api/v1/nowhere", 404), ("delete", f"{PEOPLE}/", 405)],
)
def test_unknown_paths_and_methods_answer_json(
    api_as: Callable[[str], Any], method: str, url: str, status: int
) -> None:
    response = getattr(api_as("clerk"), method)(url)
    assert response.status_code == status
    assert response.json()["detail"]


# --- input checked at the edge ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "where"),
    [
        (f"{PEOPLE}/?q=ab%00c", "q"),
        (f"{PEOPLE}/?limit=10&st%00atus=x", "st\x00atus"),
    ],
)
def test_nul_in_the_query_is_422(api_as: Callable[[str], Any], url: str, where: str) -> None:
    response = api_as("clerk").get(url)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", where]


def test_nul_in_the_body_is_422_naming_the_field_and_writes_nothing(
    api_as: Callable[[str], Any],
) -> None:
    response = _post(api_as("clerk"), f"{PEOPLE}/", {"full_name": "Ami\x00na", "skills": []})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "full_name"]
    assert "full_name" in response.json()["detail"]
    assert not Person.objects.exists()


def test_a_name_longer_than_its_column_is_422_on_every_database(
    api_as: Callable[[str], Any],
) -> None:
    response = _post(api_as("clerk"), f"{PEOPLE}/", {"full_name": "x" * 201})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("full_name:")
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"{PEOPLE}/{10**20}",
        f"{PEOPLE}/?offset={10**20}",
        f"{PEOPLE}/?limit=100000",
        f"{PEOPLE}/?q=" + "+".join(["word"] * 5000),
        f"{PEOPLE}/?q=" + "x" * 201,
    ],
)
def test_ids_offsets_limits_and_searches_out_of_range_are_422(
    api_as: Callable[[str], Any], url: str
) -> None:
    response = api_as("commander").get(url)
    assert response.status_code == 422, response.content


def test_twenty_digit_ids_in_a_body_are_422(api_as: Callable[[str], Any]) -> None:
    body = {
        "destination": "Market",
        "team": [10**20],
        "planned_departure_at": "2026-11-30T10:00:00+00:00",
        "expected_return_at": "2026-11-30T18:00:00+00:00",
    }
    response = _post(api_as("commander"), "/api/v1/missions/", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "team", 0]


def test_a_page_has_count_limit_offset_and_items(api_as: Callable[[str], Any]) -> None:
    for name in ("Ada", "Ben", "Cai"):
        Person.objects.create(full_name=name)
    body = api_as("commander").get(f"{PEOPLE}/?limit=2&offset=1").json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 2, 1)
    assert len(body["items"]) == 2


# --- PATCH and null ------------------------------------------------------------------------


def test_patch_null_clears_an_optional_field(api_as: Callable[[str], Any]) -> None:
    person = Person.objects.create(full_name="Amina Yusuf", given_name="Amina", phone="0700")
    response = _patch(api_as("clerk"), f"{PEOPLE}/{person.pk}", {"phone": None, "given_name": None})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.phone, person.given_name) == ("", "")


@pytest.mark.parametrize("field", ["full_name", "sex", "extra_energy_kcal", "skills"])
def test_patch_null_for_a_required_field_is_422_naming_it(
    api_as: Callable[[str], Any], field: str
) -> None:
    person = Person.objects.create(full_name="Amina Yusuf")
    response = _patch(api_as("clerk"), f"{PEOPLE}/{person.pk}", {field: None})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")
    person.refresh_from_db()
    assert person.full_name == "Amina Yusuf"


# --- numbers rounded before they are checked ---------------------------------------------------


@pytest.mark.parametrize("area", [0.001, "0.004", 0])
def test_a_shelter_area_that_rounds_to_zero_is_refused_and_nothing_breaks(
    api_as: Callable[[str], Any], client_as: Callable[[str], Any], area: Any
) -> None:
    response = _post(api_as("clerk"), "/api/v1/shelter/", {"name": "Tent", "covered_area_m2": area})
    assert response.status_code == 422
    assert "covered_area_m2" in response.json()["detail"]
    assert not Shelter.objects.exists()
    assert client_as("commander").get("/").status_code == 200
    assert api_as("clerk").get("/api/v1/shelter/").status_code == 200


def test_a_shelter_area_is_kept_as_rounded(api_as: Callable[[str], Any]) -> None:
    response = _post(
        api_as("clerk"), "/api/v1/shelter/", {"name": "Tent", "covered_area_m2": "16.005"}
    )
    assert response.status_code == 201
    assert response.json()["covered_area_m2"] == 16.0
    assert str(Shelter.objects.get().covered_area_m2) == "16.00"


# --- pages get the same protection -------------------------------------------------------------


def test_a_page_refuses_nul_in_the_query_and_in_a_posted_form(
    client_as: Callable[[str], Any],
) -> None:
    client = client_as("commander")
    assert client.get("/people/?q=a%00b").status_code == 400
    form = "person=1&note=gone%00"  # as a browser posts a form
    response = client.post("/shelter/check-out/", form, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_a_page_search_of_thousands_of_words_is_capped_not_a_crash(
    client_as: Callable[[str], Any],
) -> None:
    Person.objects.create(full_name="Amina Yusuf")
    response = client_as("commander").get("/people/?q=amina+" + "+".join(["x"] * 5000))
    assert response.status_code == 200
    digits = client_as("commander").get("/people/?q=" + "9" * 25)
    assert digits.status_code == 200


def test_a_full_name_made_of_two_long_names_fits_its_column(
    api_as: Callable[[str], Any],
) -> None:
    body = {"given_name": "g" * 100, "family_name": "f" * 100}
    response = _post(api_as("clerk"), f"{PEOPLE}/", body)
    assert response.status_code == 201, response.content
    assert len(Person.objects.get().full_name) == 200


def test_a_posted_text_longer_than_its_column_is_refused_on_a_page(
    client_as: Callable[[str], Any],
) -> None:
    from haven.stock import services as stock
    from haven.stock.models import LedgerEntry

    store = stock.create_store(by=None, name="Store A")
    entry = stock.receive(by=None, item="cereal", store=store, quantity=5, source="donation")[0]
    client = client_as("commander")
    response = client.post(
        f"/stock/entries/{entry.pk}/reverse/", {"reason": "x" * 301}, follow=True
    )
    assert "reason is 301 characters long: at most 300" in response.content.decode()
    assert not LedgerEntry.objects.filter(reverses=entry).exists()


@pytest.mark.parametrize(
    ("quantity", "status", "named"),
    [(None, 201, ""), ("1e40", 422, "quantity"), (1.5, 400, "quantity")],
)
def test_an_optional_decimal_takes_null_and_refuses_too_many_digits(
    api_as: Callable[[str], Any], quantity: Any, status: int, named: str
) -> None:
    """Found by the PostgreSQL fuzz campaign: `"quantity": null` on a treatment was a 500
    (pydantic's max_digits ran on the null)."""
    person = _post(api_as("clerk"), f"{PEOPLE}/", {"given_name": "Amina", "sex": "f"}).json()
    url = f"/api/v1/health/people/{person['id']}/treatments"
    response = _post(api_as("medic"), url, {"what": "dressing", "quantity": quantity})
    assert response.status_code == status, response.json()
    assert named in response.json().get("detail", "")


@pytest.mark.parametrize("body", ['"abc"', "[]", "5", "null"])
def test_a_body_that_is_not_an_object_is_422_and_writes_nothing(
    api_as: Callable[[str], Any], body: str
) -> None:
    """Found by the PostgreSQL fuzz campaign: Ninja read a string body as `{}` and used every
    default of a distribution plan."""
    response = api_as("commander").post(
        "/api/v1/rations/plans", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "JSON object" in response.json()["detail"]
