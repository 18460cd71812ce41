"""The README's Configuration table, printed from the settings classes: `python -m billpay_common.settings_table`.

The descriptions on the fields are the only source of the "meaning" column; tests/deploy checks that the
README holds exactly this table."""

import importlib
import sys
from pathlib import Path

from .settings import DEFAULT_VAR_DIR, BackendSettings, BillPaySettings, ServerSettings

SERVICES = ("gateway", "auth_service", "invoice_service", "payment_service", "notification_service")
# Read by the tools around the services, not by a settings class.
TOOLING = (
    ("DEMO_PASSCODE", "generated once", "`make run`: the demo account's passcode"),
    ("DEMO_STAFF_PASSWORD", "generated once", "`make run`: the demo staff member `demo-admin`'s password"),
    ("DEMO_STAFF_TOTP_SECRET", "generated once", "`make run`: `demo-admin`'s TOTP secret (base32)"),
    ("SCALE", "empty", "`make run`: e.g. `payment_service=2 notification_worker=3`"),
    ("SERVICE", "set in each image", "`deploy/boot.sh`: the service package the image runs"),
    (
        "MIGRATION_WAIT_SECONDS",
        "`300`",
        "`deploy/boot.sh wait-for-schema`: how long an init container waits for the migration Job",
    ),
)


def service_settings_classes():
    """{package: its settings class}, from each service's config.py."""
    return {package: importlib.import_module(f"{package}.config").Config.settings_class for package in SERVICES}


def documented_classes():
    """Every settings class, in the table's order: what all services read, gunicorn's, what the services behind
    the gateway read, then each service's."""
    return [BillPaySettings, ServerSettings, BackendSettings, *service_settings_classes().values()]


def shown_default(field):
    extra = field.json_schema_extra or {}
    if "shown_default" in extra:
        return extra["shown_default"]
    value = field.get_default(call_default_factory=True, validated_data={"BILLPAY_VAR_DIR": Path("var")})
    return _literal(value)


def _literal(value):
    if value in ("", None):
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`" + ",".join(_number(item) for item in value) + "`"
    if isinstance(value, Path):
        value = value.relative_to(DEFAULT_VAR_DIR.parent) if value.is_relative_to(DEFAULT_VAR_DIR.parent) else value
    return f"`{_number(value)}`"


def _number(value):
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def rows():
    seen = set()
    for settings_class in documented_classes():
        own = settings_class is not BillPaySettings and settings_class is not ServerSettings
        for name, field in settings_class.model_fields.items():
            if name in seen:
                continue
            seen.add(name)
            meaning = f"{settings_class.label}: {field.description}" if own else field.description
            yield f"`{name}`", shown_default(field), meaning
    for name, default, meaning in TOOLING:
        yield f"`{name}`", default, meaning


def table():
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| {name} | {default} | {meaning} |" for name, default, meaning in rows()]
    return "\n".join(lines) + "\n"


def main():
    sys.stdout.write(table())


if __name__ == "__main__":
    main()
