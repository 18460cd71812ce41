"""Calendar arithmetic that the portal and the services must do the same way."""

from dateutil.relativedelta import relativedelta


def months_before(day, months):
    """The same day `months` months earlier, or that month's last day when it is shorter (03-31 -> 02-28)."""
    return day - relativedelta(months=months)
