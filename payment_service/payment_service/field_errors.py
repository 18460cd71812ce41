"""422s with nested field names as the contract keys them: `card.number`, `allocations.0.amount`.

(billpay_common's handler keeps only the top-level name; this one runs first for 422 in this service.)
"""
from billpay_common.errors import error_response

LABELS = {"Idempotency-Key": "Send an Idempotency-Key header: a new random value per payment."}


def flatten(messages, prefix=""):
    flat = {}
    for name, problems in messages.items():
        key = f"{prefix}{name}"
        if isinstance(problems, dict):
            flat.update(flatten(problems, key + "."))
        elif isinstance(problems, list) and problems and isinstance(problems[0], str):
            flat[key] = problems[0]
        else:
            flat[key] = str(problems)
    return flat


def unprocessable(error):
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields = {}
    for location in messages.values():
        if isinstance(location, dict):
            fields.update(flatten(location))
    for name, label in LABELS.items():
        if name in fields:
            fields[name] = label
    name, problem = next(iter(fields.items()), (None, None))
    message = f"{name}: {problem}" if name else "Some fields are not valid."
    if name in LABELS:
        message = problem
    return error_response(422, "invalid", message, fields)


def init_field_errors(app):
    app.register_error_handler(422, unprocessable)
