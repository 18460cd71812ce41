"""The office's command line of a service: `billpay-auth grant-access ...` is
`flask --app auth_service grant-access ...`."""

from flask.cli import FlaskGroup


def run_commands(create_app):
    FlaskGroup(create_app=create_app).main()
