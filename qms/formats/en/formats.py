# English pages of an organisation that also works in Vietnamese: month/day (Django's default)
# would read 04/11/2026 as 11 April to half the readers; ISO dates are unambiguous and match the
# Excel registers' English format.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
