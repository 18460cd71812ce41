"""Schemathesis over one OpenAPI document: every operation, a bounded and reproducible number of generated
requests, two checks (no 5xx; the response matches its documented schema). Failures are collected per
operation, so one defect does not hide the others."""

import json
import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance]
POSITIVE_EXAMPLES = 20  # valid requests per operation
NEGATIVE_EXAMPLES = 10  # invalid ones, only where there is a body or a query to get wrong


def load(url):
    schema = schemathesis.openapi.from_url(url, timeout=30)
    return schema, [result.ok() for result in schema.get_all_operations()]


def _settings(examples):
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _touches(case, protected):
    """True when a generated request names a protected account or invoice anywhere it could act on it."""
    sent = json.dumps([case.path_parameters, case.query, case.body], default=str)
    return any(f'"{value}"' in sent for value in protected)


def _modes(operation):
    yield GenerationMode.POSITIVE, POSITIVE_EXAMPLES
    if operation.body or list(operation.query):
        yield GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES


def fuzz_operation(operation, base_url, credentials, protected=()):
    """Runs one operation; returns (number of requests sent, failure reports)."""
    sent, failures = [0], []
    import requests

    session = requests.Session()
    for mode, examples in _modes(operation):

        @given(case=operation.as_strategy(generation_mode=mode))
        @_settings(examples)
        def run(case):
            if _touches(case, protected):
                return
            sent[0] += 1
            case.call_and_validate(
                base_url=base_url, session=session, headers=credentials(operation), checks=CHECKS, timeout=30
            )

        try:
            run()
        except BaseException as error:  # schemathesis raises FailureGroup, a BaseExceptionGroup
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            failures.append(f"--- {operation.method.upper()} {operation.path} ({mode.value})\n{error}")
    session.close()
    return sent[0], failures


def fuzz_document(url, base_url, credentials, skip=None, protected=()):
    """Every operation of the document at `url` but those in `skip` ({"METHOD /path": reason})."""
    skip = skip or {}
    _, operations = load(url)
    report = {"operations": 0, "requests": 0, "failures": [], "skipped": [], "seconds": 0.0}
    started = time.monotonic()
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        if label in skip:
            report["skipped"].append(f"{label}: {skip[label]}")
            continue
        sent, failures = fuzz_operation(operation, base_url, credentials, protected)
        report["operations"] += 1
        report["requests"] += sent
        report["failures"].extend(failures)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report
