"""The card processor adapter: `PAYMENT_PROCESSOR=module:Class` picks the class (default: the sandbox).

To plug in a real gateway, write one class that subclasses `processor.base.Processor` (sale, authorize,
capture, refund, void, describe and save a token, lookup by reference; raise ProcessorTimeout when the gateway does not
answer in `self.timeout` seconds), install its package beside payment_service and set
`PAYMENT_PROCESSOR=my_gateway.adapter:MyGatewayProcessor`. Its keys come from its own environment variables.
"""

import importlib

from .base import (
    BankAccountSetup,
    BankAccountSetupStarted,
    CardDescription,
    CardRefused,
    ChargeResult,
    ChargeStatus,
    PaymentSource,
    Processor,
    ProcessorError,
    ProcessorTimeout,
    SavedCard,
)

__all__ = [
    "BankAccountSetup",
    "BankAccountSetupStarted",
    "CardRefused",
    "CardDescription",
    "ChargeResult",
    "ChargeStatus",
    "PaymentSource",
    "Processor",
    "ProcessorError",
    "ProcessorTimeout",
    "SavedCard",
    "current_processor",
    "load_processor",
]


def load_processor(spec, timeout, **options):
    """The adapter, given PROCESSOR_TIMEOUT_SECONDS and its own settings (the processor's keys and API base)."""
    module_name, _, class_name = spec.partition(":")
    if not class_name:
        raise ValueError(f"PAYMENT_PROCESSOR must look like module:Class, not {spec!r}")
    processor_class = getattr(importlib.import_module(module_name), class_name)
    return processor_class(timeout=timeout, **options)


def current_processor():
    from flask import current_app

    return current_app.extensions["payment_processor"]
