# English pages of an organisation that also works in Vietnamese: month/day (Django's default)
# would read 04/11/2026 as 11 April to half the readers; ISO dates are unambiguous and match the
# Excel registers' English format.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# A date shown without a format (a register column, `{{ day }}`) takes the same short form, so that
# no page sets a long date beside a short one ("July 8, 2026" next to "2027-07-08").
DATE_FORMAT = SHORT_DATE_FORMAT
DATETIME_FORMAT = SHORT_DATETIME_FORMAT
