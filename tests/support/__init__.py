"""What the tests share, in one place (import as tests.support.<module>):

- accounts: subscribers, billing accounts and invoices of a test's own, made through the ops APIs of a stack
- cards: the sandbox processor's test card numbers, by what they do
- chromium_portal: Playwright steps on the portal in Chromium (log in, the Account menu, visible words)
- mail: reading the .eml files of the stack's SMTP sink
- service_apps: a service suite's app (migrated database, ops key, Redis key prefix)
- databases, stacks: the per-stack PostgreSQL databases and the cross-service stack the tests start

The portal browser without JavaScript (devtools.portal_browser), the JSON client (devtools.api_client), free ports
(devtools.ports), account numbers and test tokens (devtools.testing) stay in devtools: bench/ uses them too.
"""
