"""The README's Configuration table is the one the settings classes print, and it documents every variable
they read with its default and meaning."""

from deploy_helpers import REPO

from billpay_common import settings_table


def _readme_table():
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Configuration\n") :]
    section = section[: section.index("\n## ")]
    return "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))


def test_readme_table_is_what_the_settings_classes_print():
    assert _readme_table() == settings_table.table(), "run: python -m billpay_common.settings_table"


def test_every_variable_a_settings_class_reads_has_a_row_with_default_and_meaning():
    rows = {line.split(" | ")[0].strip("| `"): line.split(" | ")[1:] for line in _readme_table().splitlines()[2:]}
    for settings_class in settings_table.documented_classes():
        for name, field in settings_class.model_fields.items():
            assert field.description, f"{settings_class.__name__}.{name} has no description"
            default, meaning = rows[name]
            assert default.strip() and meaning.strip(" |"), name
