"""The access policy applied to API answers: an output schema names the model it shows
(`policy_model`), every one of its fields must have a group in `haven.core.policy.MODELS`
(checked when the class is made), and each answer keeps only the fields the reader may see
of that very record: a field of a group they may not see is left out, a location reads
"hidden". In the OpenAPI schema every field that some role may not see is optional, so an
answer without it still validates."""

from __future__ import annotations

from typing import Any, ClassVar

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    GetJsonSchemaHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic.json_schema import JsonSchemaValue

from haven.core import policy
from haven.core.policy import G

_GROUPS: dict[type[Any], dict[str, policy.FieldGroup]] = {}

# Groups every role that may call an operation sees of its records.
ALWAYS = frozenset({G.NAME, G.RECORD})


def _strip_required(schema: dict[str, Any], cls: type[Any]) -> None:
    schema["x-policy-model"] = cls.policy_model
    optional = set()
    for name, group in cls.field_groups().items():
        if group not in ALWAYS | {G.LOCATION}:
            optional |= {name, cls.model_fields[name].alias or name}
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name not in optional]
        if not schema["required"]:
            del schema["required"]


def _without_serializer(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    plain = {key: value for key, value in node.items() if key != "serialization"}
    if node.get("type") != "model" and "schema" in node:
        plain["schema"] = _without_serializer(node["schema"])
    return plain


class PolicySchema(Schema):
    """An output schema that shows a record of `policy_model` as the access policy allows."""

    policy_model: ClassVar[str] = ""
    _visible: frozenset[policy.FieldGroup] | None = PrivateAttr(default=None)
    _record_pk: Any = PrivateAttr(default=None)

    model_config = {"json_schema_extra": _strip_required}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The answer's schema is the fields' (which _hide only thins), not the serializer's.
        return handler(_without_serializer(core_schema))

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.policy_model:
            raise TypeError(f"{cls.__name__} must name its policy_model")
        # Fails now, naming the field, if one has no group.
        _GROUPS[cls] = {
            name: policy.field_group(cls.policy_model, name) for name in cls.model_fields
        }

    @classmethod
    def field_groups(cls) -> dict[str, policy.FieldGroup]:
        return _GROUPS[cls]

    @model_validator(mode="wrap")
    @classmethod
    def _apply_policy(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        result = handler(values)
        request = (info.context or {}).get("request")
        if request is not None and isinstance(result, PolicySchema):
            record = values._obj if isinstance(values, DjangoGetter) else values
            if isinstance(record, dict):
                result._visible = policy.role_groups(request.user)
            else:
                result._visible = policy.visible_groups(request.user, record, cls.policy_model)
            result._record_pk = getattr(record, "pk", None)
            for group in set(cls.field_groups().values()) & result._visible:
                policy.note_read(
                    request,
                    request.user,
                    group,
                    cls.policy_model,
                    result._record_pk,
                    channel=policy.channel_of(request),
                )
        return result

    @model_serializer(mode="wrap")
    def _hide(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        visible = self._visible
        if visible is None or not isinstance(data, dict):
            return data
        for name, group in type(self).field_groups().items():
            if group in visible:
                continue
            if group == G.LOCATION:
                if name in data:
                    data[name] = policy.HIDDEN if isinstance(data[name], str) else None
            else:
                data.pop(name, None)
        return data
