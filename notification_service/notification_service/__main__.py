"""`billpay-notification ...` (or `python -m notification_service ...`): the service's `flask` commands from any folder,
no --app needed."""

from billpay_common.cli import run_commands

from . import create_app


def main():
    run_commands(create_app)


if __name__ == "__main__":
    main()
